#!/usr/bin/env bash
# make bench, last part: the tracking pixel and the recipient page on one app node and one MariaDB,
# then on three app nodes and a three-node Galera cluster behind HAProxy, on this same machine, with
# wrk at 64 connections; the CPU each kind of process used during each run. Both at production
# durability (innodb_flush_log_at_trx_commit=1, the default). Usage: bench-cluster.sh
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh wrk curl galera-4 rsync haproxy

seconds=${BENCH_SECONDS:-10}
swift build -c release --product engage
export ENGAGE_BIN=$ROOT/.build/release/engage
export ENGAGE_API_RATE_LIMIT=1000000 ENGAGE_PUBLIC_RATE_LIMIT=10000000 ENGAGE_TRACKING_WINDOW_SECONDS=0
export ENGAGE_DATABASE_POOL_SIZE=16 ENGAGE_LOG_LEVEL=warning ENGAGE_MAIL_DIR="$DATA/bench-cluster-mail"

# CPU seconds used so far by the processes whose command line matches PATTERN.
cpu_of() {
  local total=0 pid
  for pid in $(pgrep -f "$1"); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

# Prints "rps p99" of wrk on URL, and the CPU split (app / database / haproxy / wrk) of the run.
measure() {
  local url=$1 out before_app before_db before_proxy before_wrk
  wrk -t2 -c64 -d2s "$url" >/dev/null
  before_app=$(cpu_of "engage (serve|worker)"); before_db=$(cpu_of "^mariadbd"); before_proxy=$(cpu_of "^haproxy")
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$url")
  local app=$(( $(cpu_of "engage (serve|worker)") - before_app )) db=$(( $(cpu_of "^mariadbd") - before_db ))
  local proxy=$(( $(cpu_of "^haproxy") - before_proxy ))
  echo "$out" | awk -v app="$app" -v db="$db" -v proxy="$proxy" -v s="$seconds" '
    /Requests\/sec/ { rps = $2 } /^ +99%/ { p99 = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%10.0f req/s  p99 %8s  non-2xx %d   CPU: app %.0f%%, MariaDB %.0f%%, HAProxy %.0f%% (of one core)\n",
          rps, p99, bad, app / s, db / s, proxy / s }'
}

# A document with a link through BASE (an API key KEY): sets pixel and page.
arrange() {
  local base=$1 key=$2 created doc
  doc=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$base/api/v1/document-engagements" \
    -d '{"document_type": "pennylane_quote", "title": "Bench quote", "description": "**Scope**: the bench.", "total_amount": 1250.5}' \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['id'])")
  created=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    "$base/api/v1/document-engagements/$doc/tokens" -d '{"allowed_actions": ["view", "download", "sign"]}')
  pixel=$(echo "$created" | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['pixel_url'])")
  page=$(echo "$created" | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['url'])")
}

run_paths() { # LABEL BASE
  echo "$1:"
  printf '  %-16s' "GET /healthz"; measure "$2/healthz"
  printf '  %-16s' "GET /t/{pixel}"; measure "$pixel"
  printf '  %-16s' "GET /p/{token}"; measure "$page"
}

# One app node on one MariaDB.
single="$DATA/bench-single"
rm -rf "$single"
bash .ci/lib/mariadb.sh start "$single" "${ENGAGE_BENCH_SINGLE_DB_PORT:-3337}"
password=$(password_in "$single")
bash .ci/lib/mariadb.sh provision "$single" engage "$password" engage
port=${ENGAGE_BENCH_SINGLE_PORT:-8094}
(
  export ENGAGE_DATABASE_URL="mariadb://engage:$password@localhost/engage?socket=$single/mariadb.sock" ENGAGE_HTTP_PORT=$port
  export ENGAGE_BASE_URL="http://127.0.0.1:$port"
  export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
  "$ENGAGE_BIN" migrate >/dev/null
  printf '%s\n' "$(random_secret 24)" | "$ENGAGE_BIN" create-user --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
  key=$("$ENGAGE_BIN" create-api-key --name bench --role admin --creator bench@example.com)
  "$ENGAGE_BIN" serve --no-migrate >"$DATA/bench-single-server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
  wait_for_port "$port"
  arrange "http://127.0.0.1:$port" "$key"
  run_paths "one app node (serve with its worker), one MariaDB" "http://127.0.0.1:$port"
)
bash .ci/lib/mariadb.sh stop "$single"

# Three app nodes on a three-node Galera cluster behind HAProxy.
cluster="$DATA/bench-cluster"
bash .ci/lib/cluster.sh stop "$cluster" 2>/dev/null || true
bash .ci/lib/galera.sh remove "$cluster/galera"
rm -rf "$cluster"
http=${ENGAGE_BENCH_CLUSTER_PORT:-8280}
trap 'bash .ci/lib/cluster.sh stop "$cluster"' EXIT
bash .ci/lib/cluster.sh start "$cluster" "${ENGAGE_BENCH_CLUSTER_DB_BASE:-3360}" "$http" >/dev/null
printf '%s\n' "$(random_secret 24)" | bash .ci/lib/cluster.sh run "$cluster" 1 "$ENGAGE_BIN" create-user \
  --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
key=$(bash .ci/lib/cluster.sh run "$cluster" 1 "$ENGAGE_BIN" create-api-key --name bench --role admin --creator bench@example.com)
arrange "http://127.0.0.1:$http" "$key"
run_paths "three app nodes (server and worker each) on three Galera nodes, through HAProxy" "http://127.0.0.1:$http"

# The outbox claim with three workers: 3,000 messages queued at once, drained to files; how many
# claims lost a lock or certification conflict and were run again (each worker's /metrics).
echo "INSERT INTO outbox_messages (channel, purpose, language, message_id, recipient, subject, text_body, html_body,
    next_attempt_at, created_at, updated_at)
  SELECT 'email', 'quote_notification', 'en', CONCAT(UUID(), '@bench.test'), CONCAT('r', seq, '@example.com'),
    CONCAT('Message ', seq), 'Hello', '<p>Hello</p>', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
  FROM seq_1_to_3000" | bash .ci/lib/mariadb.sh sql "$cluster/galera/node1" engage
started=$(date +%s.%N)
until [ "$(echo "SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'" | bash .ci/lib/mariadb.sh sql "$cluster/galera/node1" -N engage)" = 0 ]; do
  sleep 0.2
done
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
claims=0 conflicts=0
for n in 1 2 3; do
  page=$(curl -sf "http://127.0.0.1:$((http + 20 + n))/metrics")
  claims=$((claims + $(echo "$page" | awk '/^engage_queue_claims_total\{queue="outbox"\}/ { print int($2) }')))
  conflicts=$((conflicts + $(echo "$page" | awk '/^engage_db_conflict_retries_total\{unit="outbox_claim"\}/ { print int($2) }' | grep . || echo 0)))
done
awk -v c="$claims" -v k="$conflicts" -v e="$elapsed" 'BEGIN {
  printf "outbox, 3 workers, 3,000 messages: drained in %.1f s; %d claims, %d run again after a conflict (%.1f%%)\n", e, c, k, 100 * k / c }'
