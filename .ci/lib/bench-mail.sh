#!/usr/bin/env bash
# make bench, mail: the outbox worker draining 10,000 queued emails into a real SMTP server on
# loopback, against postfix's smtp-source sending as many messages of the same size to the same
# server in the same run. Usage: bench-mail.sh DB_DIR (a running private server, as bench.sh leaves it)
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh postfix python3-aiosmtpd

db=${1:?DB_DIR missing}
count=${BENCH_MAIL_COUNT:-10000}
sessions=4  # smtp-source's parallel sessions and the worker's SMTP connections alike
size=5120   # bytes per message: about what a rendered email (both parts, base64) weighs

swift build -c release --product engage
sink_dir="$DATA/bench-mail"
start_sink() {
  rm -rf "$sink_dir"
  /usr/bin/python3 .ci/lib/smtp_sink.py "$sink_dir" --count-only &
  sink=$!
  for _ in $(seq 1 100); do [ -f "$sink_dir/port" ] && break; sleep 0.1; done
  port=$(cat "$sink_dir/port")
}
stop_sink() { kill "$sink"; wait "$sink" 2>/dev/null || true; cat "$sink_dir/count"; }
trap 'kill $sink $worker 2>/dev/null || true' EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# postfix's SMTP load generator, reusing its connections (-d), as the worker does.
start_sink
started=$(now_ms)
/usr/sbin/smtp-source -s $sessions -d -m "$count" -l $size -f bench@example.com -t sink@example.com "127.0.0.1:$port"
source_ms=$(( $(now_ms) - started ))
source_received=$(stop_sink)

# The worker: the same number of emails queued in the outbox, drained by `engage worker`.
echo "DROP DATABASE IF EXISTS engage_bench_mail" | bash .ci/lib/mariadb.sh sql "$db"
password=$(password_in "$db")
bash .ci/lib/mariadb.sh provision "$db" engage_bench_mail "$password" engage_bench_mail
export ENGAGE_DATABASE_URL="mariadb://engage_bench_mail:$password@localhost/engage_bench_mail?socket=$db/mariadb.sock"
.build/release/engage migrate >/dev/null
bash .ci/lib/mariadb.sh sql "$db" engage_bench_mail <<SQL
INSERT INTO outbox_messages (channel, purpose, language, message_id, recipient, recipient_name, subject, text_body, html_body,
    next_attempt_at, created_at, updated_at)
SELECT 'email', 'quote_notification', 'fr', CONCAT(UUID(), '@bench.test'), CONCAT('client', seq, '@example.com'), 'Jeanne Martin',
    'Votre devis : Rénovation cuisine', REPEAT('Bonjour, voici votre devis. ', 25), CONCAT('<p>', REPEAT('Bonjour, voici votre devis. ', 100), '</p>'),
    UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
FROM seq_1_to_$count;
SQL
remaining() { bash .ci/lib/mariadb.sh sql "$db" -N engage_bench_mail <<< "SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'"; }
start_sink
started=$(now_ms)
ENGAGE_SMTP_URL="smtp://127.0.0.1:$port" ENGAGE_OUTBOX_CONNECTIONS=$sessions ENGAGE_LOG_LEVEL=warning .build/release/engage worker &
worker=$!
while [ "$(remaining)" != "0" ]; do sleep 0.05; done
worker_ms=$(( $(now_ms) - started ))
kill "$worker"; wait "$worker" 2>/dev/null || true
worker_received=$(stop_sink)
unique=$(sort -u "$sink_dir/ids" | wc -l)

echo "mail, $count messages of about $size bytes to an aiosmtpd sink on loopback, $sessions connections each:"
awk -v n="$source_received" -v ms="$source_ms" 'BEGIN { printf "  smtp-source -s 4 -d -l 5120: %6d received in %6d ms = %7.0f messages/s\n", n, ms, n * 1000 / ms }'
awk -v n="$worker_received" -v ms="$worker_ms" -v u="$unique" 'BEGIN { printf "  engage worker (release):     %6d received in %6d ms = %7.0f messages/s (%d distinct Message-IDs)\n", n, ms, n * 1000 / ms, u }'
awk -v s="$source_received" -v sm="$source_ms" -v w="$worker_received" -v wm="$worker_ms" \
  'BEGIN { printf "  worker / smtp-source: %.0f%% (target >= 50%%)\n", 100 * (w / wm) / (s / sm) }'
