#!/usr/bin/env bash
# make cluster: three app nodes (8081-8083, each a server and a worker) on a three-node MariaDB Galera
# cluster (SQL on 3341-3343) behind HAProxy on 8080, all on this machine, in .data/cluster. `make stop` stops it.
source "$(dirname "$0")/common.sh"
bash .ci/lib/deps.sh galera-4 rsync haproxy

swift build --product engage
dir="$DATA/cluster"
# Without SMTP, each node writes its mail as .eml files into one shared folder.
[ -n "${ENGAGE_SMTP_URL:-}" ] || export ENGAGE_MAIL_DIR="${ENGAGE_MAIL_DIR:-$dir/mail}"
bash .ci/lib/cluster.sh start "$dir" "${ENGAGE_CLUSTER_DB_BASE:-3340}" "${ENGAGE_HTTP_PORT:-8080}"
# The first admin, once: its generated password is printed here and nowhere else.
bash .ci/lib/cluster.sh run "$dir" 1 .build/debug/engage create-user --if-no-admin --role admin --name Administrator \
  --email "${ENGAGE_ADMIN_EMAIL:-admin@engage.local}"
port=${ENGAGE_HTTP_PORT:-8080}
cat <<INFO
Oui Engage on a cluster: http://127.0.0.1:$port (HAProxy; X-Engage-Node names the node that answered)
  app nodes      http://127.0.0.1:$((port + 1)) … $((port + 3))   logs: .data/cluster/appN.log, workerN.log
  metrics        http://127.0.0.1:$((port + 11))/metrics … (servers), :$((port + 21)) … (workers)
  Galera nodes   SQL on 127.0.0.1:$((${ENGAGE_CLUSTER_DB_BASE:-3340} + 1)) … $((${ENGAGE_CLUSTER_DB_BASE:-3340} + 3)); root: bash .ci/lib/mariadb.sh sql .data/cluster/galera/node1
Stop everything with: make stop
INFO
