#!/usr/bin/env bash
# Browser tests: a real `engage serve` on a database of its own, driven by headless Chromium.
# Usage: e2e.sh DB_DIR (a running private server, as test.sh leaves it); E2E_PATTERN=test_x.py runs one file
source "$(dirname "$0")/common.sh"

db=${1:?DB_DIR missing}
port=${ENGAGE_E2E_PORT:-8091}
ENGAGE_DATABASE_URL=$(fresh_database "$db" engage_e2e)
user_password=$(random_secret 24)

export ENGAGE_DATABASE_URL
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=$port ENGAGE_LOG_LEVEL=warning
# The webhook test's receiver listens on loopback; its Pennylane callbacks are signed with this secret.
export ENGAGE_WEBHOOK_ALLOW_PRIVATE=1 ENGAGE_PENNYLANE_WEBHOOK_SECRET=$(random_secret 32)
.build/debug/engage migrate >/dev/null
printf '%s\n' "$user_password" | .build/debug/engage create-user --email e2e@example.com --name "E2E Tester" --role admin --password-stdin >/dev/null

# A real SMTP server on loopback receives what the server's worker sends.
mail_dir="$DATA/e2e-mail"
rm -rf "$mail_dir"
/usr/bin/python3 .ci/lib/smtp_sink.py "$mail_dir" >"$DATA/e2e-smtp.log" 2>&1 &
sink=$!
for _ in $(seq 1 100); do [ -f "$mail_dir/port" ] && break; sleep 0.1; done
export ENGAGE_SMTP_URL="smtp://127.0.0.1:$(cat "$mail_dir/port")" ENGAGE_COMPANY_NAME="Atelier Dupré"

.build/debug/engage serve --no-migrate >"$DATA/e2e-server.log" 2>&1 &
server=$!
trap 'kill $server $sink 2>/dev/null; wait $server $sink 2>/dev/null' EXIT
wait_for_port "$port"

# The outbox fault tests run their own workers on a database of their own.
faults_url=$(fresh_database "$db" engage_faults)

export E2E_BASE_URL="http://127.0.0.1:$port" E2E_EMAIL=e2e@example.com E2E_PASSWORD="$user_password" E2E_SCREENSHOTS="$DATA/e2e"
export E2E_MAIL_DIR="$mail_dir" E2E_DB_DIR="$db" E2E_ENGAGE="$PWD/.build/debug/engage"
export E2E_FAULTS_DATABASE_URL="$faults_url"
"$(test_python)" -m unittest discover -s Tests/e2e -p "${E2E_PATTERN:-test_*.py}" -v
