#!/usr/bin/env bash
# The cluster's fault tests (Tests/cluster): three app nodes on a three-node Galera cluster behind
# HAProxy, a real SMTP server on loopback, Galera nodes killed and restarted in the middle of the traffic.
# Usage: cluster-test.sh; CLUSTER_MESSAGES and CLUSTER_PIXEL_HITS shrink a run by hand.
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh galera-4 rsync haproxy mariadb-backup

dir="$DATA/test-cluster"
db_base=${ENGAGE_CLUSTER_TEST_DB_BASE:-3350}
port=${ENGAGE_CLUSTER_TEST_PORT:-8180}
bash .ci/lib/cluster.sh stop "$dir" 2>/dev/null || true
bash .ci/lib/galera.sh remove "$dir/galera"
rm -rf "$dir"
mkdir -p "$dir"

mail_dir="$dir/mail"
mkdir -p "$mail_dir"
/usr/bin/python3 .ci/lib/smtp_sink.py "$mail_dir" >"$dir/smtp.log" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true; bash .ci/lib/cluster.sh stop "$dir"' EXIT
for _ in $(seq 1 100); do [ -f "$mail_dir/port" ] && break; sleep 0.1; done

# Thousands of calls a minute from one address; every pixel hit stored; JSON logs, which the tests read.
ENGAGE_SMTP_URL="smtp://127.0.0.1:$(cat "$mail_dir/port")" ENGAGE_API_RATE_LIMIT=1000000 ENGAGE_PUBLIC_RATE_LIMIT=0 \
  ENGAGE_TRACKING_WINDOW_SECONDS=0 ENGAGE_LOG_LEVEL=info ENGAGE_LOG_FORMAT=json ENGAGE_OUTBOX_LEASE_SECONDS=60 \
  ENGAGE_COMPANY_NAME="Atelier Dupré" \
  bash .ci/lib/cluster.sh start "$dir" "$db_base" "$port"

password=$(random_secret 24)
printf '%s\n' "$password" | bash .ci/lib/cluster.sh run "$dir" 1 .build/debug/engage create-user \
  --email cluster@example.com --name "Cluster Tester" --role admin --password-stdin >/dev/null
key=$(bash .ci/lib/cluster.sh run "$dir" 2 .build/debug/engage create-api-key --name cluster --role admin --creator cluster@example.com)

export CLUSTER_DIR="$dir" CLUSTER_DB_BASE="$db_base" CLUSTER_HTTP_PORT="$port" CLUSTER_API_KEY="$key"
export CLUSTER_EMAIL=cluster@example.com CLUSTER_PASSWORD="$password" CLUSTER_MAIL_DIR="$mail_dir" E2E_SCREENSHOTS="$DATA/e2e"
"$(test_python)" -m unittest discover -s Tests/cluster -p "test_*.py" -v
# Passed: the nodes' data (about a gigabyte, maybe under /var/tmp) goes; after a failure it stays to be read.
kill $sink 2>/dev/null || true
bash .ci/lib/cluster.sh stop "$dir"
bash .ci/lib/galera.sh remove "$dir/galera"
rm -rf "$dir/backup" "$dir/restored"
