# make bench, part 3, sourced by bench-http.sh on its running server ($base, $token, $db, $seconds):
# a recipient's link page and the tracking pixel with wrk at 64 connections beside /healthz, then
# every response that was a 200 checked against the events stored while wrk ran.
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['data']['$1'])"; }
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
doc=$(curl -sf "${auth[@]}" "$base/api/v1/document-engagements" \
  -d '{"document_type": "pennylane_quote", "title": "Bench quote", "description": "**Scope**: the bench.", "total_amount": 1250.5, "due_date": "2030-01-31"}' \
  | json_field id)
created=$(curl -sf "${auth[@]}" "$base/api/v1/document-engagements/$doc/tokens" -d '{"allowed_actions": ["view", "download", "sign"], "expires_in_days": null}')
link=$(echo "$created" | json_field url)
pixel=$(echo "$created" | json_field pixel_url)

# Real traffic is spread over many documents: 64 more, a link each, which wrk visits in turn
# (bench-pages.lua), so that each batch of views locks and writes many documents, not one.
spread_docs=() : >"$DATA/bench-page-paths"
export BENCH_PAGE_PATHS="$DATA/bench-page-paths"
for n in $(seq 1 64); do
  spread_docs+=("$(curl -sf "${auth[@]}" "$base/api/v1/document-engagements" \
    -d "{\"document_type\": \"pennylane_quote\", \"title\": \"Bench quote $n\", \"description\": \"**Scope**: the bench.\", \"total_amount\": $n.5, \"due_date\": \"2030-01-31\"}" \
    | json_field id)")
  curl -sf "${auth[@]}" "$base/api/v1/document-engagements/${spread_docs[-1]}/tokens" -d '{"allowed_actions": ["view", "download", "sign"], "expires_in_days": null}' \
    | json_field url | sed 's|^https\?://[^/]*||' >>"$DATA/bench-page-paths"
done
all_docs=$(IFS=,; echo "$doc,${spread_docs[*]}")

stored_events() {
  echo "SELECT COUNT(*) FROM engage_bench_http.document_events WHERE document_id IN ($all_docs) AND event_type = '$1'" \
    | bash .ci/lib/mariadb.sh sql "$db" | tail -1
}

# Prints "name rps p50 p99 ok_responses" for 64 connections; with an event type, also the events
# stored meanwhile; further arguments go to wrk (a script). Leaves the rate in $DATA/bench-last-rps
# and the p99 (ms) in $DATA/bench-last-p99.
measure64() {
  local name=$1 url=$2 event=${3:-} before=0 out
  local extra=("${@:4}")
  wrk -t2 -c64 -d2s "${extra[@]}" "$url" >/dev/null  # warm-up
  [ -n "$event" ] && before=$(stored_events "$event")
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "${extra[@]}" "$url")
  sleep 1  # requests wrk gave up on at the end may still be finishing
  local ok=$(echo "$out" | awk '/requests in/ { total = $1 } /Non-2xx/ { bad = $NF } END { print total - bad }')
  echo "$out" | awk -v name="$name" -v ok="$ok" '
    /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    END { printf "%-28s %10s req/s   p50 %8s   p99 %8s   200s %d", name, rps, p50, p99, ok }'
  if [ -n "$event" ]; then
    local stored=$(( $(stored_events "$event") - before ))
    printf "   %s events stored %d%s" "$event" "$stored" "$([ "$stored" -lt "$ok" ] && echo "   LOST $((ok - stored))")"
  fi
  echo
  echo "$out" | awk '/Requests\/sec/ { print $2 }' > "$DATA/bench-last-rps"
  wrk_ms "$(echo "$out" | awk '/^ +99%/ { print $2 }')" > "$DATA/bench-last-p99"
}

# The three alternate, round after round: each ratio is taken inside its round, and the median of the rounds is kept.
rounds=${BENCH_ROUNDS:-3}
echo "wrk, 64 connections, 2 threads, ${seconds}s each, one link and its pixel, then 64 links in turn, $rounds rounds:"
trivial_runs=() pixel_ratios=() page_ratios=() p99_ratios=() spread_ratios=() spread_p99_ratios=()
for round in $(seq 1 "$rounds"); do
  measure64 "GET /healthz (trivial)" "$base/healthz"
  trivial=$(cat "$DATA/bench-last-rps") trivial_p99=$(cat "$DATA/bench-last-p99")
  trivial_runs+=("$trivial")
  measure64 "GET /t/{pixel}.gif" "$pixel" email_opened
  pixel_ratios+=("$(ratio "$(cat "$DATA/bench-last-rps")" "$trivial")")
  measure64 "GET /p/{token}" "$link" page_viewed
  page_ratios+=("$(ratio "$(cat "$DATA/bench-last-rps")" "$trivial")")
  p99_ratios+=("$(ratio "$(cat "$DATA/bench-last-p99")" "$trivial_p99")")
  measure64 "GET /p/{token}, 64 links" "$base" page_viewed -s .ci/lib/bench-pages.lua
  spread_ratios+=("$(ratio "$(cat "$DATA/bench-last-rps")" "$trivial")")
  spread_p99_ratios+=("$(ratio "$(cat "$DATA/bench-last-p99")" "$trivial_p99")")
done
median "${trivial_runs[@]}" >"$DATA/bench-healthz"
echo "pixel / trivial $(median "${pixel_ratios[@]}") (target >= 0.70); page / trivial $(median "${page_ratios[@]}") (target >= 0.40), its p99 / trivial's $(median "${p99_ratios[@]}") (target <= 2)"
bench_ratio "/t/{pixel}.gif ÷ /healthz, every 200 stored" "$(median "${pixel_ratios[@]}")" ">= 0.70"
bench_ratio "/p/{token} ÷ /healthz" "$(median "${page_ratios[@]}")" ">= 0.40"
bench_ratio "/p/{token} p99 ÷ /healthz p99" "$(median "${p99_ratios[@]}")" "<= 2"
echo "64 links on 64 documents: page / trivial $(median "${spread_ratios[@]}"), its p99 / trivial's $(median "${spread_p99_ratios[@]}")"
bench_ratio "/p/{token}, 64 links on 64 documents, ÷ /healthz" "$(median "${spread_ratios[@]}")" ">= 0.40"
bench_ratio "… its p99 ÷ /healthz p99" "$(median "${spread_p99_ratios[@]}")" "<= 2"
