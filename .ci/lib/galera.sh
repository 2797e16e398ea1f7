#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback, one private server (mariadb.sh) per node in DIR/node1..3.
#
#   galera.sh start DIR BASE         start every node that is not running: node N answers SQL on BASE+N,
#                                    Galera replication on BASE+1000+N, IST on BASE+2000+N, SST on BASE+3000+N;
#                                    the first start bootstraps node 1, later ones join the running nodes
#   galera.sh stop DIR               stop the nodes cleanly, node 1 last (so it may bootstrap next time)
#   galera.sh kill DIR N             kill -9 node N (fault tests)
#   galera.sh restart DIR BASE N     start node N again; it rejoins through IST (or SST when too far behind)
#   galera.sh wait DIR BASE SIZE     wait until node 1..3 that run are Synced in a cluster of SIZE
#   galera.sh provision DIR USER PASSWORD DATABASE
#                                    like mariadb.sh provision, through a running node (Galera replicates it)
#   galera.sh url DIR USER PASSWORD DATABASE BASE
#                                    the app's ENGAGE_DATABASE_URL naming the three nodes
#   galera.sh remove DIR             delete the (stopped) nodes' folders, linked ones included
set -euo pipefail

command=${1:?usage: galera.sh start|stop|kill|restart|wait|provision|url DIR …}
dir=$(mkdir -p "${2:?DIR missing}" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
nodes=(1 2 3)
# rsync SST run by root drops to 'nobody', who may not write the joiner's data: nodes started by root run as mysql.
if [ "$(id -u)" = 0 ] && id mysql >/dev/null 2>&1; then export MARIADB_SERVER_USER=mysql; fi

# Nodes started by root run as mysql, who must reach their folders: under a folder mysql cannot
# enter (a private temporary folder, a 0700 home), DIR/nodeN is a link to a folder in /var/tmp.
node_dir() { # NODE [create]: DIR/nodeN's physical path; with create, made on first use
  local link="$dir/node$1"
  [ -e "$link" ] || [ "${2:-}" = create ] || { echo "$link"; return; }
  if [ ! -e "$link" ]; then
    if [ -n "${MARIADB_SERVER_USER:-}" ] && ! runuser -u "$MARIADB_SERVER_USER" -- test -x "$dir"; then
      ln -s "$(mktemp -d /var/tmp/engage-galera-node"$1".XXXXXX)" "$link"
    else
      mkdir -p "$link"
    fi
  fi
  (cd "$link" && pwd -P)
}
running() { local pidfile; pidfile="$(node_dir "$1")/mariadbd.pid"; [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
status_of() { # NODE VARIABLE: a wsrep status value of a running node
  echo "SHOW GLOBAL STATUS LIKE '$2'" | bash "$here/mariadb.sh" sql "$(node_dir "$1")" -N 2>/dev/null | cut -f2
}

# The option file of node N: Galera settings on top of what mariadb.sh passes on its command line.
write_config() {
  local node=$1 base=$2 peers="" other
  for other in "${nodes[@]}"; do peers+="${peers:+,}127.0.0.1:$((base + 1000 + other))"; done
  cat >"$(node_dir "$node" create)/my.cnf" <<EOF
[mariadbd]
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
# Galera logs like a binary log: without this, only SUPER may create the migrations' triggers.
log_bin_trust_function_creators=ON
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=engage
wsrep_cluster_address=gcomm://$peers
wsrep_node_name=node$node
wsrep_node_address=127.0.0.1:$((base + 1000 + node))
wsrep_node_incoming_address=127.0.0.1:$((base + node))
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$((base + 1000 + node));ist.recv_addr=127.0.0.1:$((base + 2000 + node));gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((base + 3000 + node))
EOF
}

# After a crash grastate.dat no longer knows the node's position (seqno -1) and the node would
# need a full SST; InnoDB still knows it: --wsrep-recover reads it, and the node joins from there by IST.
recovered_position() { # NODE
  local data state
  data="$(node_dir "$1")/data"
  state="$data/grastate.dat"
  [ -f "$state" ] && grep -q '^seqno: *-1' "$state" || return 0
  # Its own tmpdir, as mariadb.sh gives the server: the caller's TMPDIR may be closed to mysql.
  mariadbd --defaults-file="$(node_dir "$1")/my.cnf" --datadir="$data" --tmpdir="$(node_dir "$1")/tmp" \
    --user="${MARIADB_SERVER_USER:-$(id -un)}" --wsrep-recover --log-error="$(node_dir "$1")/recover.log" >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$(node_dir "$1")/recover.log" | tail -1
}

start_node() { # NODE BASE [bootstrap]
  local node=$1 base=$2 extra="" position
  write_config "$node" "$base"
  [ "${3:-}" = bootstrap ] && extra="--wsrep-new-cluster"
  position=$(recovered_position "$node")
  [ -n "$position" ] && extra="$extra --wsrep-start-position=$position"
  MARIADB_EXTRA_OPTS="${MARIADB_EXTRA_OPTS:-} $extra" bash "$here/mariadb.sh" start "$(node_dir "$node")" "$((base + node))"
}

wait_synced() { # BASE SIZE
  local node ready
  for _ in $(seq 1 600); do
    ready=true
    for node in "${nodes[@]}"; do
      running "$node" || continue
      [ "$(status_of "$node" wsrep_local_state_comment)" = Synced ] && [ "$(status_of "$node" wsrep_cluster_size)" = "$2" ] || ready=false
    done
    $ready && return 0
    sleep 0.1
  done
  echo "galera.sh: the cluster in $dir did not reach $2 synced nodes" >&2
  for node in "${nodes[@]}"; do tail -5 "$(node_dir "$node")/mariadbd.log" >&2 || true; done
  return 1
}

case "$command" in
  start)
    base=${3:?BASE missing}
    if ! running 1 && ! running 2 && ! running 3; then
      start_node 1 "$base" bootstrap
    fi
    for node in "${nodes[@]}"; do running "$node" || start_node "$node" "$base"; done
    wait_synced "$base" 3
    ;;
  stop)
    for node in 3 2 1; do
      [ -e "$dir/node$node" ] && bash "$here/mariadb.sh" stop "$(node_dir "$node")"
    done
    true
    ;;
  kill)
    bash "$here/mariadb.sh" kill "$(node_dir "${3:?N missing}")"
    ;;
  restart)
    base=${3:?BASE missing}
    start_node "${4:?N missing}" "$base"
    ;;
  wait)
    wait_synced "${3:?BASE missing}" "${4:?SIZE missing}"
    ;;
  provision)
    for node in "${nodes[@]}"; do
      if running "$node"; then bash "$here/mariadb.sh" provision "$(node_dir "$node")" "${@:3}"; exit 0; fi
    done
    echo "galera.sh: no node of $dir runs" >&2
    exit 1
    ;;
  remove)
    for node in "${nodes[@]}"; do
      [ -L "$dir/node$node" ] && rm -rf "$(readlink "$dir/node$node")"
    done
    rm -rf "$dir"
    ;;
  url)
    user=${3:?USER missing}; password=${4:?PASSWORD missing}; database=${5:?DATABASE missing}; base=${6:?BASE missing}
    echo "mariadb://$user:$password@127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2)),127.0.0.1:$((base + 3))/$database"
    ;;
  *)
    echo "galera.sh: unknown command $command" >&2
    exit 2
    ;;
esac
