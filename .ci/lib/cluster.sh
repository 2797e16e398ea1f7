#!/usr/bin/env bash
# Oui Engage on a three-node MariaDB Galera cluster on this machine: three app nodes, each an
# `engage serve --no-worker` and an `engage worker`, behind HAProxy. `make cluster` and the cluster tests.
#
#   cluster.sh start DIR DB_BASE HTTP_PORT  Galera nodes answer SQL on DB_BASE+1..3 (galera.sh), app node N
#                                           serves on HTTP_PORT+N, HAProxy on HTTP_PORT; all prefer database node 1;
#                                           node N's metrics: server on HTTP_PORT+10+N, worker on HTTP_PORT+20+N
#   cluster.sh app DIR N start|stop|kill    one app node (its server and its worker)
#   cluster.sh run DIR N COMMAND…           a command with app node N's settings (engage create-user, …)
#   cluster.sh stop DIR                     everything, HAProxy and app nodes first
#
# Every ENGAGE_* variable set when `start` runs reaches every app node; ENGAGE_BIN picks the binary.
# DIR/env keeps what the nodes share (database URLs, secrets), DIR/appN.log and DIR/workerN.log their logs.
source "$(dirname "$0")/common.sh"

command=${1:?usage: cluster.sh start|app|stop DIR …}
dir=$(mkdir -p "${2:?DIR missing}" && cd "$2" && pwd)
engage=${ENGAGE_BIN:-$ROOT/.build/debug/engage}

# Runs in a subshell with DIR/env and node N's own settings loaded.
node_env() {
  set -a
  source "$dir/env"
  set +a
  local n=$1
  # The same order on every node: all write through the first node in sync, the others take over
  # when it fails (Galera lets a stale read on one node overwrite a newer write made on another).
  export ENGAGE_DATABASE_URL="mariadb://engage:$DB_PASSWORD@127.0.0.1:$((DB_BASE + 1)),127.0.0.1:$((DB_BASE + 2)),127.0.0.1:$((DB_BASE + 3))/engage"
  export ENGAGE_HTTP_PORT=$((HTTP_PORT + n))
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() { # PIDFILE [SIGNAL]
  running "$1" || return 0
  local pid
  pid=$(cat "$1")
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

app() { # N start|stop|kill
  local n=$1
  case "$2" in
    start)
      (
        node_env "$n"
        running "$dir/app$n.pid" || {
          ENGAGE_METRICS_PORT=$((HTTP_PORT + 10 + n)) nohup "$engage" serve --no-worker >>"$dir/app$n.log" 2>&1 </dev/null &
          echo $! >"$dir/app$n.pid"
        }
        running "$dir/worker$n.pid" || {
          ENGAGE_METRICS_PORT=$((HTTP_PORT + 20 + n)) nohup "$engage" worker >>"$dir/worker$n.log" 2>&1 </dev/null &
          echo $! >"$dir/worker$n.pid"
        }
      )
      ;;
    stop) stop_pid "$dir/app$n.pid"; stop_pid "$dir/worker$n.pid" ;;
    kill) stop_pid "$dir/app$n.pid" KILL; stop_pid "$dir/worker$n.pid" KILL ;;
    *) echo "cluster.sh: app N start|stop|kill" >&2; exit 2 ;;
  esac
}

haproxy_config() {
  cat <<EOF
global
    maxconn 4096
    pidfile $dir/haproxy.pid
defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend engage
    bind 127.0.0.1:$HTTP_PORT
    default_backend app_nodes
backend app_nodes
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # Which node answered, for people and for the tests that follow a session across nodes.
    http-response set-header X-Engage-Node %s
EOF
  for n in 1 2 3; do echo "    server app$n 127.0.0.1:$((HTTP_PORT + n)) check inter 1s fall 2 rise 1"; done
}

case "$command" in
  start)
    DB_BASE=${3:?DB_BASE missing}; HTTP_PORT=${4:?HTTP_PORT missing}
    bash .ci/lib/deps.sh haproxy
    bash .ci/lib/galera.sh start "$dir/galera" "$DB_BASE"
    password=$(password_in "$dir")
    bash .ci/lib/galera.sh provision "$dir/galera" engage "$password" engage
    if [ ! -s "$dir/env" ]; then
      (
        umask 077
        echo "DB_BASE=$DB_BASE HTTP_PORT=$HTTP_PORT DB_PASSWORD=$password"
        # Every node signs and opens the same sessions, tokens and sealed secrets.
        echo "ENGAGE_JWT_SECRET=$(random_secret 48)"
        echo "ENGAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)"
        echo "ENGAGE_BASE_URL=${ENGAGE_BASE_URL:-http://127.0.0.1:$HTTP_PORT}"
        echo "ENGAGE_TRUSTED_PROXIES=127.0.0.1"
        echo "ENGAGE_STORAGE_DIR=${ENGAGE_STORAGE_DIR:-$dir/storage}"
        for name in $(compgen -e | grep -E '^ENGAGE_' | grep -vxE 'ENGAGE_(BIN|BASE_URL|STORAGE_DIR|DATABASE_URL|HTTP_PORT)'); do
          printf '%s=%q\n' "$name" "${!name}"
        done
      ) >"$dir/env"
    fi
    # The nodes start together: each applies pending migrations first, and the lock lets one do it.
    for n in 1 2 3; do app "$n" start; done
    # The first start migrates an empty cluster (DDL replicates to every node): give it time.
    for n in 1 2 3; do wait_for_port "$((HTTP_PORT + n))" 300; done
    haproxy_config >"$dir/haproxy.cfg"
    running "$dir/haproxy.pid" || haproxy -D -f "$dir/haproxy.cfg"
    wait_for_port "$HTTP_PORT"
    ;;
  app)
    source "$dir/env"
    app "${3:?N missing}" "${4:?start|stop|kill missing}"
    ;;
  run)
    n=${3:?N missing}
    shift 3
    node_env "$n"
    exec "$@"  # the command takes this process's place: a signal to it reaches the command
    ;;
  stop)
    stop_pid "$dir/haproxy.pid"
    for n in 1 2 3; do app "$n" stop; done
    bash .ci/lib/galera.sh stop "$dir/galera"
    ;;
  *)
    echo "cluster.sh: unknown command $command" >&2
    exit 2
    ;;
esac
