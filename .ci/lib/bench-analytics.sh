# make bench, part 4, sourced by bench-http.sh on its running server ($base, $token, $db, $seconds,
# $engage, measure, measure64, portal_sign_in): analytics over the million demo documents and their
# ten million events, then what counting events costs the pixel, against a second server that
# does not count (ENGAGE_ANALYTICS_COUNTING=off), in alternating rounds.
sql() { bash .ci/lib/mariadb.sh sql "$db" | tail -1; }
echo "analytics over $(echo "SELECT COUNT(*) FROM engage_bench_http.documents" | sql) documents and $(echo "SELECT COUNT(*) FROM engage_bench_http.document_events" | sql) events (wrk, 4 connections: a team at its dashboards):"
measure "overview, year + compare" "$base/api/v1/analytics/overview?period=year&compare=true" 4
measure "overview, last 30 days" "$base/api/v1/analytics/overview" 4
measure "timeline, 2025 by day" "$base/api/v1/analytics/timeline?date_from=2025-01-01&date_to=2025-12-31&interval=day&metrics=views,downloads,signatures,sent,paid" 4
measure "events, 2025" "$base/api/v1/analytics/events?date_from=2025-01-01&date_to=2025-12-31" 4
measure "top, 2025" "$base/api/v1/analytics/top?date_from=2025-01-01&date_to=2025-12-31" 4
measure "top, one week" "$base/api/v1/analytics/top?date_from=2025-03-03&date_to=2025-03-09" 4
jar=$(mktemp)
portal_sign_in "$jar"
session=$(awk '$6 == "engage_session" { print $7 }' "$jar")
rm -f "$jar"
measure "GET / (dashboard, 30 days)" "$base/" 4 "Cookie: engage_session=$session"
measure "GET /?period=year" "$base/?period=year" 4 "Cookie: engage_session=$session"

off_port=$((port + 1))
ENGAGE_ANALYTICS_COUNTING=off ENGAGE_HTTP_PORT=$off_port $engage serve --no-migrate >"$DATA/bench-uncounted-server.log" 2>&1 &
uncounted=$!
trap 'kill $server $uncounted 2>/dev/null; wait $server $uncounted 2>/dev/null' EXIT
wait_for_port "$off_port"
uncounted_pixel=${pixel/:$port\//:$off_port/}
counted_runs=()
uncounted_runs=()
echo "the pixel with and without counting, wrk 64 connections, alternating rounds:"
for round in $(seq 1 "${BENCH_ROUNDS:-5}"); do
  measure64 "pixel, counted ($round)" "$pixel" email_opened
  counted_runs+=("$(cat "$DATA/bench-last-rps")")
  measure64 "pixel, not counted ($round)" "$uncounted_pixel" email_opened
  uncounted_runs+=("$(cat "$DATA/bench-last-rps")")
done
kill $uncounted; wait $uncounted 2>/dev/null || true
awk -v c="$(median "${counted_runs[@]}")" -v u="$(median "${uncounted_runs[@]}")" 'BEGIN {
  printf "pixel medians: counted %.0f req/s, not counted %.0f req/s: counting costs %.1f%% (target < 10%%)\n", c, u, 100 * (u - c) / u }'
