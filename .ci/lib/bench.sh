#!/usr/bin/env bash
# make bench: the connection pool against sysbench oltp_point_select on the same private server.
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh sysbench

db="$DATA/bench-mariadb"
bash .ci/lib/mariadb.sh start "$db" "${ENGAGE_BENCH_DB_PORT:-3327}"
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
sysbench_qps=$(sysbench "${sysbench_args[@]}" --threads=$threads --time="$seconds" run \
  | awk '/queries:/ { gsub(/[()]/, "", $3); print $3 }')
pool_qps=$(.build/release/engage-bench \
  --url "mariadb://engage_bench:$password@localhost/sbtest?socket=$db/mariadb.sock" \
  --tasks $threads --connections $threads --seconds "$seconds" --rows $rows)

echo "sysbench oltp_point_select, $threads threads, ${seconds}s: $sysbench_qps queries/s"
echo "engage pool, $threads tasks / $threads connections, ${seconds}s: $pool_qps queries/s"
awk -v p="$pool_qps" -v s="$sysbench_qps" 'BEGIN { printf "pool / sysbench: %.0f%% (target >= 60%%)\n", 100 * p / s }'
