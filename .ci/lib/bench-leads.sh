#!/usr/bin/env bash
# make bench, leads: 20,000 delayed lead syncs (POST /api/v1/leads/sync) from 32 wrk connections to
# one release `engage serve` (its lead worker merging them as they come), MariaDB at production
# durability (innodb_flush_log_at_trx_commit=1). Reports the syncs accepted per second (first to
# last stored, from the rows' own times), the time until every one is merged, and checks that every
# sync sent is stored and merged.
# Usage: bench-leads.sh DB_DIR (a running private server, as bench.sh leaves it)
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh wrk curl

db=${1:?DB_DIR missing}
calls=${BENCH_LEAD_SYNCS:-20000}
threads=${BENCH_WRK_THREADS:-2}
port=8099
swift build -c release --product engage

server=""
restore() {
  kill $server 2>/dev/null || true
  echo "SET GLOBAL innodb_flush_log_at_trx_commit = 2" | bash .ci/lib/mariadb.sh sql "$db" || true
}
trap restore EXIT
echo "SET GLOBAL innodb_flush_log_at_trx_commit = 1" | bash .ci/lib/mariadb.sh sql "$db"

name=engage_bench_leads
export ENGAGE_DATABASE_URL=$(fresh_database "$db" "$name")
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=$port
export ENGAGE_LOG_LEVEL=warning ENGAGE_API_RATE_LIMIT=1000000 ENGAGE_DATABASE_POOL_SIZE=16
.build/release/engage migrate >/dev/null
printf '%s\n' "$(random_secret 24)" | .build/release/engage create-user --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
key=$(.build/release/engage create-api-key --name bench --role staff --creator bench@example.com)
.build/release/engage serve --no-migrate >"$DATA/bench-leads-server.log" 2>&1 &
server=$!
wait_for_port $port

sql() { bash .ci/lib/mariadb.sh sql "$db" -N "$name" <<< "$1"; }
# The machine's speed drifts from minute to minute: a trivial request's rate just before, for scale.
trivial=$(wrk -t2 -c32 -d3s "http://127.0.0.1:$port/healthz" | awk '/Requests\/sec/ { print $2 }')
out=$(LEAD_QUOTA=$((calls / threads)) BENCH_KEY=$key wrk -t$threads -c32 -d$((calls / 1000 + 10))s -s .ci/lib/bench-leads.lua "http://127.0.0.1:$port")
summary=$(echo "$out" | grep '^sent')
for _ in $(seq 1 1200); do
  [ "$(sql "SELECT COUNT(*) FROM lead_syncs WHERE status = 'queued'")" = 0 ] && break
  sleep 0.1
done
read -r stored processed leads span merged <<< "$(sql "SELECT COUNT(*), SUM(status = 'processed'), (SELECT COUNT(*) FROM leads),
  TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(created_at)) / 1e6, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(processed_at)) / 1e6
  FROM lead_syncs")"
lag=$(sql "SELECT ROUND(AVG(TIMESTAMPDIFF(MICROSECOND, created_at, processed_at)) / 1e3), ROUND(MAX(TIMESTAMPDIFF(MICROSECOND, created_at, processed_at)) / 1e3) FROM lead_syncs")
expected_leads=$(( threads * (calls / threads * 3 / 4) ))

echo "leads: GET /healthz (trivial) just before: $trivial req/s"
echo "leads: $calls delayed syncs from wrk (32 connections, $threads thread(s)), one release engage serve with its lead worker; innodb_flush_log_at_trx_commit=1"
echo "$summary" | awk -v span="$span" -v merged="$merged" -v lag="$lag" -v stored="$stored" '{
  printf "  accepted %d (answers that were errors: %d) in %.2f s: %.0f syncs/s (target >= 5,000)   p50 %s ms   p99 %s ms\n", stored, $4, span, stored / span, $6, $8
  split(lag, l, "\t")
  printf "  all merged %.2f s after the first was accepted; accepted to merged: mean %s ms, max %s ms\n", merged, l[1], l[2] }'
echo "  sent $calls, stored $stored, merged $processed, leads $leads (expected $expected_leads)"
[ "$stored" = "$calls" ] && [ "$processed" = "$stored" ] && [ "$leads" = "$expected_leads" ] || { echo "  LOST OR UNMERGED SYNCS"; exit 1; }
