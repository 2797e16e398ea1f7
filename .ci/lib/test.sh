#!/usr/bin/env bash
# make test: a fresh private MariaDB of its own, every test, then the server stopped again.
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh chromium chromium-driver python3 python3-aiosmtpd python3-venv libreoffice-calc-nogui poppler-utils

db="$DATA/test-mariadb"
started=false
if ! [ -f "$db/mariadbd.pid" ] || ! kill -0 "$(cat "$db/mariadbd.pid")" 2>/dev/null; then
  rm -rf "$db"  # a fresh server each run: no database left over from an earlier one
  started=true
fi
# Tests' temporary files (storage folders, private servers) go here and are removed at the end.
scratch="$DATA/tmp"
stop_server() { if $started; then bash .ci/lib/mariadb.sh stop "$db"; fi; rm -rf "$scratch"; }
trap stop_server EXIT

port=${ENGAGE_TEST_DB_PORT:-3317}
# Durability is not what tests check; flushing less often makes them faster. Ids step by 3 from 2,
# as on one node of a three-node Galera cluster: no code or test may take ids to be consecutive.
MARIADB_EXTRA_OPTS="--innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --auto-increment-increment=3 --auto-increment-offset=2" bash .ci/lib/mariadb.sh start "$db" "$port"
password=$(password_in "$db")
bash .ci/lib/mariadb.sh provision "$db" engage_test "$password" '*'
export ENGAGE_TEST_DATABASE_URL="mariadb://engage_test:$password@localhost/?socket=$db/mariadb.sock"
export ENGAGE_TEST_DATABASE_TCP_URL="mariadb://engage_test:$password@127.0.0.1:$port/"

swift build --build-tests
rm -rf "$scratch" && mkdir -p "$scratch"
export TMPDIR="$scratch"
# Each suite's output goes to the terminal and to a log; CI shows only the tail, so failures are told again last.
failed=()
suite() {
  local name=$1 log="$DATA/test-$1.log"
  shift
  "$@" 2>&1 | tee "$log" || failed+=("$name")
}
suite e2e bash .ci/lib/e2e.sh "$db"
suite cluster bash .ci/lib/cluster-test.sh
suite fuzz bash .ci/lib/fuzz.sh "$db"
suite swift swift test --skip-build
[ ${#failed[@]} -eq 0 ] && exit 0
for name in "${failed[@]}"; do
  echo "== $name FAILED; its failures (whole log: .data/test-$name.log):"
  grep -E '^(FAIL|ERROR):|Error|error:|✘|FAILED|Traceback|failed' "$DATA/test-$name.log" | tail -n 12 || true
done
exit 1
