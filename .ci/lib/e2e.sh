#!/usr/bin/env bash
# Browser tests: a real `engage serve` on a database of its own, driven by headless Chromium.
# Usage: e2e.sh DB_DIR (a running private server, as test.sh leaves it)
source "$(dirname "$0")/common.sh"

db=${1:?DB_DIR missing}
port=${ENGAGE_E2E_PORT:-8091}
echo "DROP DATABASE IF EXISTS engage_e2e" | bash .ci/lib/mariadb.sh sql "$db"
db_password=$(random_secret 32)
bash .ci/lib/mariadb.sh provision "$db" engage_e2e "$db_password" engage_e2e
user_password=$(random_secret 24)

export ENGAGE_DATABASE_URL="mariadb://engage_e2e:$db_password@localhost/engage_e2e?socket=$db/mariadb.sock"
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_HTTP_PORT=$port ENGAGE_LOG_LEVEL=warning
.build/debug/engage migrate >/dev/null
.build/debug/engage create-user --email e2e@example.com --name "E2E Tester" --role admin --password "$user_password" >/dev/null

.build/debug/engage serve --no-migrate >"$DATA/e2e-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

export E2E_BASE_URL="http://127.0.0.1:$port" E2E_EMAIL=e2e@example.com E2E_PASSWORD="$user_password" E2E_SCREENSHOTS="$DATA/e2e"
python3 -m unittest discover -s Tests/e2e -p 'test_*.py' -v
