#!/usr/bin/env bash
# make bench, mail: the outbox worker draining 10,000 queued emails into a real SMTP server on
# loopback, against postfix's smtp-source sending as many messages of the same size to the same
# server in the same run; each round runs both, and the medians are compared.
# Usage: bench-mail.sh DB_DIR (a running private server, as bench.sh leaves it)
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh postfix python3-aiosmtpd

db=${1:?DB_DIR missing}
count=${BENCH_MAIL_COUNT:-10000}
rounds=${BENCH_MAIL_ROUNDS:-3}
sessions=4  # smtp-source's parallel sessions and the worker's SMTP connections alike
size=5120   # bytes per message: about what a rendered email (both parts, base64) weighs

swift build -c release --product engage
sink_dir="$DATA/bench-mail"
start_sink() {
  rm -rf "$sink_dir"
  /usr/bin/python3 .ci/lib/smtp_sink.py "$sink_dir" --count-only "$@" &
  sink=$!
  for _ in $(seq 1 100); do [ -f "$sink_dir/port" ] && break; sleep 0.1; done
  port=$(cat "$sink_dir/port")
}
# Sets `received`; not in a $(…) subshell, which could not wait for the sink.
stop_sink() { kill "$sink"; wait "$sink" 2>/dev/null || true; received=$(cat "$sink_dir/count"); }
sink="" worker=""
trap 'kill $sink $worker 2>/dev/null || true' EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
fail() { echo "$*" >&2; exit 1; }

password=$(password_in "$db")
export ENGAGE_DATABASE_URL="mariadb://engage_bench_mail:$password@localhost/engage_bench_mail?socket=$db/mariadb.sock"
export ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
queue_emails() {
  echo "DROP DATABASE IF EXISTS engage_bench_mail" | bash .ci/lib/mariadb.sh sql "$db"
  bash .ci/lib/mariadb.sh provision "$db" engage_bench_mail "$password" engage_bench_mail
  ENGAGE_LOG_LEVEL=warning .build/release/engage migrate >/dev/null
  bash .ci/lib/mariadb.sh sql "$db" engage_bench_mail <<SQL
INSERT INTO outbox_messages (channel, purpose, language, message_id, recipient, recipient_name, subject, text_body, html_body,
    next_attempt_at, created_at, updated_at)
SELECT 'email', 'quote_notification', 'fr', CONCAT(UUID(), '@bench.test'), CONCAT('client', seq, '@example.com'), 'Jeanne Martin',
    'Votre devis : Rénovation cuisine', REPEAT('Bonjour, voici votre devis. ', 25), CONCAT('<p>', REPEAT('Bonjour, voici votre devis. ', 100), '</p>'),
    UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
FROM seq_1_to_$count;
SQL
}
remaining() { bash .ci/lib/mariadb.sh sql "$db" -N engage_bench_mail <<< "SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'"; }

# postfix's SMTP load generator, reusing its connections (-d), as the worker does. Prints messages/s.
run_smtp_source() {
  start_sink
  local started; started=$(now_ms)
  /usr/sbin/smtp-source -s $sessions -d -m "$count" -l $size -f bench@example.com -t sink@example.com "127.0.0.1:$port"
  local elapsed=$(( $(now_ms) - started ))
  stop_sink
  [ "$received" = "$count" ] || fail "smtp-source: the sink received $received of $count messages"
  echo $(( count * 1000 / elapsed ))
}

# The same number of emails queued in the outbox, drained by `engage worker`. Prints messages/s.
run_worker() {
  queue_emails
  # The sink says when the last message arrived (polling the database meanwhile would take CPU
  # from the worker); the clock stops once the outbox has recorded them all as sent.
  start_sink --notify-after "$count"
  exec 3<>"$sink_dir/done"
  local started; started=$(now_ms)
  ENGAGE_SMTP_URL="smtp://127.0.0.1:$port" ENGAGE_OUTBOX_CONNECTIONS=$sessions ENGAGE_LOG_LEVEL=warning .build/release/engage worker &
  worker=$!
  read -r -t 600 _ <&3 || fail "engage worker: the sink did not receive $count messages within 600 s"
  exec 3<&-
  while [ "$(remaining)" != "0" ]; do sleep 0.01; done
  local elapsed=$(( $(now_ms) - started ))
  kill "$worker"; wait "$worker" 2>/dev/null || true
  worker=""
  stop_sink
  local distinct; distinct=$(sort -u "$sink_dir/ids" | wc -l)
  [ "$received" = "$count" ] && [ "$distinct" = "$count" ] \
    || fail "engage worker: the sink received $received messages, $distinct distinct, of $count"
  echo $(( count * 1000 / elapsed ))
}

source_runs=() worker_runs=()
for round in $(seq 1 "$rounds"); do
  source_runs+=("$(run_smtp_source)")
  worker_runs+=("$(run_worker)")
  echo "mail round $round: smtp-source ${source_runs[-1]} messages/s, engage worker ${worker_runs[-1]} messages/s" >&2
done
source_rate=$(median "${source_runs[@]}")
worker_rate=$(median "${worker_runs[@]}")

echo "mail, $count messages of about $size bytes to an aiosmtpd sink on loopback, $sessions connections each, median of $rounds:"
echo "  smtp-source -s $sessions -d -l $size: $source_rate messages/s"
echo "  engage worker (release):     $worker_rate messages/s, every message once"
mail_ratios=()
for round in $(seq 0 $((rounds - 1))); do mail_ratios+=("$(ratio "${worker_runs[$round]}" "${source_runs[$round]}")"); done
echo "  worker / smtp-source, median of the rounds' ratios: $(median "${mail_ratios[@]}") (target >= 0.75)"
bench_ratio "outbox ÷ smtp-source" "$(median "${mail_ratios[@]}")" ">= 0.75"
