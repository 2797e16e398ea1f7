#!/usr/bin/env bash
# The API fuzzed: schemathesis drives a real `engage serve` from its own /api/v1/openapi.json, with an API key.
# Passes only with no answer ≥ 500 and no answer that breaks the document (status, headers, body, and
# inputs the document forbids being refused). Usage: fuzz.sh DB_DIR (a running private server, as test.sh
# leaves it); FUZZ_SEED and FUZZ_EXAMPLES change the run. One worker: hypothesis on Python 3.11 can trip over
# parsing its own sources from two threads at once ("AST constructor recursion depth mismatch").
source "$(dirname "$0")/common.sh"

db=${1:?DB_DIR missing}
port=${ENGAGE_FUZZ_PORT:-8092}

python=$(test_python)

export ENGAGE_DATABASE_URL=$(fresh_database "$db" engage_fuzz)
export ENGAGE_JWT_SECRET=$(random_secret 48) ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64) ENGAGE_HTTP_PORT=$port
# The fuzzer sends thousands of requests a minute from one address: the limits would answer most of them 429.
export ENGAGE_API_RATE_LIMIT=1000000 ENGAGE_PUBLIC_RATE_LIMIT=0 ENGAGE_LOG_LEVEL=warning
export ENGAGE_MAIL_DIR="$DATA/fuzz-mail" ENGAGE_STORAGE_DIR="$DATA/fuzz-storage"
rm -rf "$ENGAGE_MAIL_DIR" "$ENGAGE_STORAGE_DIR"
.build/debug/engage migrate >/dev/null
printf '%s\n' "$(random_secret 24)" | .build/debug/engage create-user --email fuzz@example.com --name "Fuzz" --role admin --password-stdin >/dev/null
key=$(.build/debug/engage create-api-key --name schemathesis --role admin --creator fuzz@example.com)

.build/debug/engage serve --no-migrate >"$DATA/fuzz-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
wait_for_port "$port"

# One document with a link allowing everything, so the recipients' routes are fuzzed past the token check.
api() {
  /usr/bin/python3 - "http://127.0.0.1:$port/api/v1/$1" "$2" "$3" "$key" <<'PY'
import json, sys, urllib.request
url, body, field, key = sys.argv[1:]
request = urllib.request.Request(url, body.encode(), {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["data"][field])
PY
}
document=$(api document-engagements '{"document_type": "pennylane_quote", "title": "Fuzzed quote",
  "recipient_email": "client@example.com", "pdf_url": "https://example.com/q.pdf", "payment_url": "https://pay.example.com/q"}' id)
link=$(api "document-engagements/$document/tokens" '{"allowed_actions": ["view", "download", "accept", "sign", "register", "decline"],
  "expires_in_days": null}' token)
config="$DATA/fuzz-schemathesis.toml"
printf '[cache]\ndirectory = "%s"\n\n[parameters]\n"path.token" = "%s"\n' "$DATA/fuzz-cache" "$link" >"$config"

report="$DATA/fuzz-report"
rm -rf "$report"
SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH=.ci/lib "$(dirname "$python")/schemathesis" --config-file "$config" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --header "Authorization: Bearer $key" \
  --header "Accept: application/json" \
  --checks all \
  --workers 1 \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --seed "${FUZZ_SEED:-20261129}" \
  --report junit --report-dir "$report" \
  --no-color
