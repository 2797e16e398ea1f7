#!/usr/bin/env bash
# make bench, part 2: the documents list API over a million documents, with wrk, beside a trivial
# endpoint of the same server; then the memory of a 100,000-row CSV export; then the recipient
# page and pixel (bench-recipient.sh) and analytics (bench-analytics.sh) on the same server.
# Usage: bench-http.sh DB_DIR (the running private bench server)
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh wrk curl

db=${1:?DB_DIR missing}
documents=${BENCH_DOCUMENTS:-1000000}
seconds=${BENCH_SECONDS:-10}
port=${ENGAGE_BENCH_HTTP_PORT:-8093}
password=$(password_in "$db")
bash .ci/lib/mariadb.sh provision "$db" engage_bench "$password" engage_bench_http

export ENGAGE_DATABASE_URL="mariadb://engage_bench:$password@localhost/engage_bench_http?socket=$db/mariadb.sock"
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=$port ENGAGE_LOG_LEVEL=warning
# Every hit of the one pixel is an event to count, and wrk is one address: no de-duplication, a limit it never reaches.
export ENGAGE_API_RATE_LIMIT=1000000 ENGAGE_DATABASE_POOL_SIZE=16 ENGAGE_TRACKING_WINDOW_SECONDS=0 ENGAGE_PUBLIC_RATE_LIMIT=10000000
swift build -c release --product engage
engage=.build/release/engage
$engage migrate >/dev/null

# The demo data stays in .data/bench-mariadb between runs; only what is missing is added.
have=$(echo "SELECT COUNT(*) FROM engage_bench_http.documents" | bash .ci/lib/mariadb.sh sql "$db" | tail -1)
histories=$(echo "SELECT COUNT(DISTINCT document_id) FROM engage_bench_http.document_events" | bash .ci/lib/mariadb.sh sql "$db" | tail -1)
if [ "$have" -gt 0 ] && [ "$histories" -lt $((have / 2)) ]; then
  echo "the stored documents have no events (loaded before demo histories): loading everything again"
  echo "DROP DATABASE engage_bench_http" | bash .ci/lib/mariadb.sh sql "$db"
  bash .ci/lib/mariadb.sh provision "$db" engage_bench "$password" engage_bench_http
  $engage migrate >/dev/null
  have=0
fi
if [ "$have" -lt "$documents" ]; then
  echo "loading $((documents - have)) demo documents (once; kept for later runs)"
  organizations=0
  [ "$have" = 0 ] && organizations=2000
  $engage demo --documents $((documents - have)) --organizations $organizations --contacts $((organizations * 3)) | tail -1
  echo "ANALYZE TABLE engage_bench_http.documents" | bash .ci/lib/mariadb.sh sql "$db" >/dev/null
fi

user_password=$(random_secret 24)
echo "DELETE FROM engage_bench_http.users WHERE email = 'bench@example.com'" | bash .ci/lib/mariadb.sh sql "$db"
printf '%s\n' "$user_password" | $engage create-user --email bench@example.com --name Bench --role staff --password-stdin >/dev/null

$engage serve --no-migrate >"$DATA/bench-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

token=$(curl -sf "$base/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d "{\"email\": \"bench@example.com\", \"password\": \"$user_password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
# The search term: one of the 2,000 demo client names, as a user would look a client up.
search=Kavor

# Prints "name rps p50 p99" for URL with CONNECTIONS (default 16) and the HEADER (default the
# bearer token); leaves the rate in $DATA/bench-last-rps.
measure() {
  local name=$1 url=$2 connections=${3:-16} header=${4:-"Authorization: Bearer $token"} out
  wrk -t2 -c"$connections" -d2s -H "$header" "$url" >/dev/null  # warm-up
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "$header" "$url")
  echo "$out" | awk -v name="$name" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    /Non-2xx/ { errors = $NF }
    END { printf "%-28s %10s req/s   p50 %8s   p99 %8s%s\n", name, rps, p50, p99, errors ? "   NON-2XX: " errors : "" }'
  echo "$out" | awk '/Requests\/sec/ { print $2 }' >"$DATA/bench-last-rps"
}
rounds=${BENCH_ROUNDS:-3}
stored=$(echo "SELECT COUNT(*) FROM engage_bench_http.documents" | bash .ci/lib/mariadb.sh sql "$db" | tail -1)
echo "wrk, 16 connections, 2 threads, ${seconds}s each, $rounds rounds, $stored documents:"
list_ratios=() search_ratios=()
for round in $(seq 1 "$rounds"); do
  measure "GET /healthz (trivial)" "$base/healthz"
  trivial=$(cat "$DATA/bench-last-rps")
  measure "status=sent&sort=due_date" "$base/api/v1/document-engagements?status=sent&sort=due_date&per_page=20"
  list_ratios+=("$(ratio "$(cat "$DATA/bench-last-rps")" "$trivial")")
  measure "… and search=$search" "$base/api/v1/document-engagements?status=sent&sort=due_date&per_page=20&search=$search"
  search_ratios+=("$(ratio "$(cat "$DATA/bench-last-rps")" "$trivial")")
done
echo "list / trivial $(median "${list_ratios[@]}"), search / trivial $(median "${search_ratios[@]}") (target >= 0.15 each)"
bench_ratio "documents list, $stored documents ÷ /healthz" "$(median "${list_ratios[@]}")" ">= 0.15"
bench_ratio "documents search, $stored documents ÷ /healthz" "$(median "${search_ratios[@]}")" ">= 0.15"

# Signs the bench user in to the portal, keeping the session cookie in the jar JAR.
portal_sign_in() {
  local csrf
  csrf=$(curl -sf -c "$1" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  curl -sf -b "$1" -c "$1" -o /dev/null "$base/login" --data-urlencode "csrf_token=$csrf" \
    --data-urlencode "email=bench@example.com" --data-urlencode "password=$user_password"
}

# CSV export of about 100,000 rows through the portal, watching the server's peak memory.
jar=$(mktemp)
portal_sign_in "$jar"
rss_before=$(awk '/VmRSS/ { print $2 }' /proc/$server/status)
started=$(date +%s%N)
rows=$(curl -sf -b "$jar" "$base/documents.csv?status=sent" | wc -l)
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
peak=$(awk '/VmHWM/ { print $2 }' /proc/$server/status)
rm -f "$jar"
printf "CSV export: %d rows in %d ms; server resident memory %d MB before, peak %d MB (target < 200 MB)\n" \
  $((rows - 1)) "$elapsed_ms" $((rss_before / 1024)) $((peak / 1024))

source .ci/lib/bench-recipient.sh
source .ci/lib/bench-analytics.sh
