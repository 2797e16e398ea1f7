#!/usr/bin/env bash
# make bench: the connection pool against sysbench oltp_point_select on the same private server,
# then the documents API over a million documents (bench-http.sh) and the rest, the cluster last (bench-cluster.sh).
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh sysbench

db="$DATA/bench-mariadb"
# Production durability: every commit flushes the redo log (innodb_flush_log_at_trx_commit=1, the
# default), so every path that writes pays what it would in production. A million documents, ten
# million events and their indexes stay in memory with a 6 GB buffer pool.
durability="innodb_flush_log_at_trx_commit=1, innodb_buffer_pool_size=6G"
MARIADB_EXTRA_OPTS="--innodb-buffer-pool-size=6G --innodb-flush-log-at-trx-commit=1" \
  bash .ci/lib/mariadb.sh start "$db" "${ENGAGE_BENCH_DB_PORT:-3327}"
: >"$DATA/bench-summary.tsv"
echo "MariaDB at production durability: $durability"
trap 'bash .ci/lib/mariadb.sh stop "$db"' EXIT
password=$(password_in "$db")
bash .ci/lib/mariadb.sh provision "$db" engage_bench "$password" sbtest

threads=16
seconds=${BENCH_SECONDS:-10}
rows=100000
sysbench_args=(oltp_point_select --db-driver=mysql --mysql-socket="$db/mariadb.sock" --mysql-user=engage_bench
  --mysql-password="$password" --mysql-db=sbtest --tables=1 --table-size=$rows)
sysbench "${sysbench_args[@]}" cleanup >/dev/null
sysbench "${sysbench_args[@]}" prepare >/dev/null

swift build -c release --product engage-bench
pool_url="mariadb://engage_bench:$password@localhost/sbtest?socket=$db/mariadb.sock"

# This machine's speed drifts from minute to minute, so the two alternate and medians are compared.
rounds=${BENCH_ROUNDS:-5}
sysbench_runs=()
pool_runs=()
executor_runs=()
for round in $(seq 1 "$rounds"); do
  sysbench_runs+=("$(sysbench "${sysbench_args[@]}" --threads=$threads --time="$seconds" run \
    | awk '/queries:/ { gsub(/[()]/, "", $3); print $3 }')")
  # Tasks on the shared executor borrowing a connection per query (two thread hand-offs each), then
  # tasks on the pool's own executor, as sysbench's threads loop on their connections (none).
  pool_runs+=("$(.build/release/engage-bench --url "$pool_url" \
    --tasks $threads --connections $threads --seconds "$seconds" --rows $rows)")
  executor_runs+=("$(.build/release/engage-bench --url "$pool_url" \
    --tasks $threads --connections $threads --seconds "$seconds" --rows $rows --on-executor)")
  echo "round $round: sysbench ${sysbench_runs[-1]} q/s, pool ${pool_runs[-1]} q/s, pool on its executor ${executor_runs[-1]} q/s"
done

echo "sysbench oltp_point_select, $threads threads, ${seconds}s, median of $rounds: $(median "${sysbench_runs[@]}") queries/s"
echo "engage pool, $threads tasks / $threads connections, ${seconds}s, median of $rounds: $(median "${pool_runs[@]}") queries/s," \
  "on its executor $(median "${executor_runs[@]}") queries/s"
pool_ratios=() executor_ratios=()
for round in $(seq 0 $((rounds - 1))); do
  pool_ratios+=("$(ratio "${pool_runs[$round]}" "${sysbench_runs[$round]}")")
  executor_ratios+=("$(ratio "${executor_runs[$round]}" "${sysbench_runs[$round]}")")
done
echo "pool / sysbench, median of the rounds' ratios: $(median "${pool_ratios[@]}"), on its executor $(median "${executor_ratios[@]}") (target >= 0.75)"
bench_ratio "pool point select ÷ sysbench oltp_point_select (16 threads), tasks on the pool's executor" "$(median "${executor_ratios[@]}")" ">= 0.75"
bench_ratio "… tasks elsewhere, a borrow per query (two hand-offs each)" "$(median "${pool_ratios[@]}")" "(reference)"

bash .ci/lib/bench-http.sh "$db"
bash .ci/lib/bench-mail.sh "$db"
bash .ci/lib/bench-webhooks.sh "$db"
bash .ci/lib/bench-sync.sh "$db"
bash .ci/lib/bench-leads.sh "$db"
bash .ci/lib/bench-cluster.sh

# Every ratio against its target, as the README's Performance section copies it (with the date and
# this machine's /healthz, so that a slow day shows).
echo
echo "Summary, $(date -u +%F), $(nproc) cores; MariaDB $durability; /healthz $(cat "$DATA/bench-healthz") req/s at 64 connections:"
echo "| path | measured | target | |"
echo "|---|---|---|---|"
awk -F'\t' '{ split($3, t, " "); met = (t[1] == ">=") ? ($2 + 0 >= t[2] + 0) : ($2 + 0 <= t[2] + 0)
  printf "| %s | %s | %s | %s |\n", $1, $2, $3, (t[1] != ">=" && t[1] != "<=") ? "" : met ? "met" : "**not met**" }' "$DATA/bench-summary.tsv"
