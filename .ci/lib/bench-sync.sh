#!/usr/bin/env bash
# make bench, sync: a full Pennylane sync of 50,000 customer invoices from the stand-in
# (.ci/lib/partner_standin.py) with no rate limit, then 5,000 at Pennylane's 25 requests per 5 s,
# each by the worker of one release `engage serve`, with MariaDB at production durability
# (innodb_flush_log_at_trx_commit=1). Reports items/s and requests/s, and checks the counts.
# Usage: bench-sync.sh DB_DIR (a running private server, as bench.sh leaves it)
source "$(dirname "$0")/common.sh"

db=${1:?DB_DIR missing}
swift build -c release --product engage

standin="" server=""
restore() {
  kill $standin $server 2>/dev/null || true
  echo "SET GLOBAL innodb_flush_log_at_trx_commit = 2" | bash .ci/lib/mariadb.sh sql "$db" || true
}
trap restore EXIT
echo "SET GLOBAL innodb_flush_log_at_trx_commit = 1" | bash .ci/lib/mariadb.sh sql "$db"

# run NAME INVOICES LIMIT: a fresh database, the stand-in and the server, one full sync; prints a line.
run() {
  local name=$1 invoices=$2 limit=$3 standin_port=8097 port=8098
  /usr/bin/python3 .ci/lib/partner_standin.py $standin_port --invoices "$invoices" >/dev/null 2>&1 &
  standin=$!
  export ENGAGE_DATABASE_URL=$(fresh_database "$db" "engage_bench_sync_$name")
  export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=$port
  export ENGAGE_LOG_LEVEL=warning ENGAGE_API_RATE_LIMIT=100000 ENGAGE_PENNYLANE_RATE_LIMIT=$limit
  .build/release/engage migrate >/dev/null
  printf '%s\n' "$(random_secret 24)" | .build/release/engage create-user --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
  local key; key=$(.build/release/engage create-api-key --name bench --role admin --creator bench@example.com)
  .build/release/engage serve --no-migrate >"$DATA/bench-sync-server.log" 2>&1 &
  server=$!
  wait_for_port $port
  wait_for_port $standin_port
  local requests; requests=$(/usr/bin/python3 - "$key" $port $standin_port "$invoices" <<'PY'
import json, sys, time, urllib.request
key, port, standin, invoices = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def call(method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", json.dumps(body).encode() if body is not None else None,
                                     {"Authorization": "Bearer " + key, "Content-Type": "application/json"}, method=method)
    return json.load(urllib.request.urlopen(request))["data"]
call("PUT", "/api/v1/integrations/pennylane", {"api_token": "standin-token-0001", "base_url": f"http://127.0.0.1:{standin}/pl/v2"})
job = call("POST", "/api/v1/sync/pennylane", {"full": True})
while job["status"] in ("queued", "running"):
    time.sleep(0.25)
    job = call("GET", f"/api/v1/sync/jobs/{job['id']}")
assert job["status"] == "completed", job
assert job["documents_created"] == invoices and job["documents_processed"] == invoices and job["error_count"] == 0, job
print(sum(json.load(urllib.request.urlopen(f"http://127.0.0.1:{standin}/stats")).values()) - 1)
PY
  )
  # The job's own times, to the microsecond.
  local micros; micros=$(bash .ci/lib/mariadb.sh sql "$db" -N "engage_bench_sync_$name" <<< \
    "SELECT TIMESTAMPDIFF(MICROSECOND, started_at, finished_at) FROM sync_jobs")
  awk -v n="$invoices" -v l="$limit" -v r="$requests" -v us="$micros" 'BEGIN {
    s = us / 1e6; label = l ? l " requests per 5 s" : "no rate limit"
    printf "  %6d invoices, %-22s %6.2f s  %6.0f items/s  %5.1f requests/s (%d requests)\n", n, label, s, n / s, r / s, r }'
  kill $server $standin; wait $server $standin 2>/dev/null || true; server="" standin=""
}

echo "sync: a full Pennylane sync from the stand-in, 100 invoices a page, customers fetched by id; innodb_flush_log_at_trx_commit=1; one release engage serve"
run open "${BENCH_SYNC_INVOICES:-50000}" 0
run limited "${BENCH_SYNC_LIMITED_INVOICES:-5000}" 25
