#!/usr/bin/env bash
# make bench, webhooks: 10,000 events fanned out to 3 receivers on loopback (one answering 500 to
# half the requests), delivered by one release `engage worker` with MariaDB at production
# durability (innodb_flush_log_at_trx_commit=1). Reports deliveries/s while the first attempts
# drain, the time until the last success, and checks that no event is lost and none is taken
# twice by a receiver that answered 2xx.
# Usage: bench-webhooks.sh DB_DIR (a running private server, as bench.sh leaves it)
source "$(dirname "$0")/common.sh"

db=${1:?DB_DIR missing}
count=${BENCH_WEBHOOK_EVENTS:-10000}
swift build -c release --product engage

receivers="$DATA/bench-webhooks"
rm -rf "$receivers"
/usr/bin/python3 .ci/lib/webhook_receiver.py "$receivers" steady calm flaky:flaky &
receiver=$!
worker="" server=""
restore() {
  kill $receiver $worker $server 2>/dev/null || true
  echo "SET GLOBAL innodb_flush_log_at_trx_commit = 2" | bash .ci/lib/mariadb.sh sql "$db" || true
}
trap restore EXIT
for _ in $(seq 1 100); do [ -f "$receivers/flaky.port" ] && break; sleep 0.1; done
echo "SET GLOBAL innodb_flush_log_at_trx_commit = 1" | bash .ci/lib/mariadb.sh sql "$db"

export ENGAGE_DATABASE_URL=$(fresh_database "$db" engage_bench_webhooks)
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=8096
export ENGAGE_LOG_LEVEL=warning ENGAGE_WEBHOOK_ALLOW_PRIVATE=1 ENGAGE_WEBHOOK_RETRY_DIVISOR=10000 ENGAGE_API_RATE_LIMIT=100000
.build/release/engage migrate >/dev/null
printf '%s\n' "$(random_secret 24)" | .build/release/engage create-user --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
key=$(.build/release/engage create-api-key --name bench --role admin --creator bench@example.com)

# The endpoints through the API (their secrets are sealed by the server), then the events in bulk.
.build/release/engage serve --no-migrate --no-worker >"$DATA/bench-webhooks-server.log" 2>&1 &
server=$!
wait_for_port 8096
for name in steady calm flaky; do
  /usr/bin/python3 - "$key" "http://127.0.0.1:$(cat "$receivers/$name.port")/hooks" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request("http://127.0.0.1:8096/api/v1/webhooks", json.dumps({"url": sys.argv[2], "events": ["*"]}).encode(),
                                 {"Authorization": "Bearer " + sys.argv[1], "Content-Type": "application/json"})
urllib.request.urlopen(request).read()
PY
done
kill $server; wait $server 2>/dev/null || true; server=""
bash .ci/lib/mariadb.sh sql "$db" engage_bench_webhooks <<SQL
INSERT INTO webhook_events (message_id, type, body, created_at)
SELECT CONCAT('msg_bench', LPAD(seq, 8, '0')), 'contact.created',
    CONCAT('{"data":{"id":', seq, ',"fullname":"Contact ', seq, '","email":"c', seq, '@example.com"},"timestamp":"2026-11-29T10:00:00.000Z","type":"contact.created"}'),
    UTC_TIMESTAMP(6)
FROM seq_1_to_$count;
INSERT INTO webhook_deliveries (endpoint_id, event_id, status, next_attempt_at, created_at, updated_at)
SELECT w.id, e.id, 'queued', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM webhook_events e CROSS JOIN webhook_endpoints w;
SQL
deliveries=$(( count * 3 ))
pending() { bash .ci/lib/mariadb.sh sql "$db" -N engage_bench_webhooks <<< "SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('queued', 'sending') $1"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

started=$(now_ms)
.build/release/engage worker >"$DATA/bench-webhooks-worker.log" 2>&1 &
worker=$!
# First attempts done: nothing left that was never tried.
while [ "$(pending "AND attempts = 0")" != "0" ]; do sleep 0.2; done
first_pass=$(( $(now_ms) - started ))
attempts=$(bash .ci/lib/mariadb.sh sql "$db" -N engage_bench_webhooks <<< "SELECT COUNT(*) FROM webhook_attempts")
while [ "$(pending "")" != "0" ]; do sleep 0.5; done
kill $worker; wait $worker 2>/dev/null || true; worker=""
kill $receiver; wait $receiver 2>/dev/null || true
stats=$(bash .ci/lib/mariadb.sh sql "$db" -N engage_bench_webhooks <<< "SELECT SUM(status = 'delivered'), SUM(status = 'failed') FROM webhook_deliveries")

/usr/bin/python3 - "$receivers" "$started" "$first_pass" "$attempts" "$deliveries" $stats <<'PY'
import json, sys
directory, started, first_pass, attempts, deliveries, delivered, failed = sys.argv[1:8]
started, first_pass, attempts, deliveries, delivered, failed = int(started) / 1000, int(first_pass) / 1000, int(attempts), int(deliveries), int(delivered), int(failed)
receivers = {name: json.load(open(f"{directory}/{name}.json")) for name in ("steady", "calm", "flaky")}
last = max(r["last_success"] for r in receivers.values()) - started
print(f"webhooks: {deliveries} deliveries (10,000 events x 3 endpoints), one receiver answering 500 half the time; "
      "innodb_flush_log_at_trx_commit=1; one release worker, 8 endpoints at once")
print(f"  first attempts of all {deliveries} deliveries in {first_pass:.1f} s: {attempts / first_pass:.0f} attempts/s "
      f"(target >= 1,000)")
print(f"  last success {last:.1f} s after the start (retries every 0.5 ms to 7 s: the schedule divided by 10,000)")
print(f"  delivered {delivered}, failed after 10 attempts {failed}; receivers took " +
      ", ".join(f"{name} {r['accepted']} ({r['twice']} twice, {r['requests']} requests)" for name, r in receivers.items()))
assert delivered + failed == deliveries, "every delivery ended"
assert all(r["twice"] == 0 for r in receivers.values()), "no receiver took an event twice"
assert receivers["steady"]["accepted"] == receivers["calm"]["accepted"] == deliveries // 3, "steady receivers got every event"
PY
