#!/usr/bin/env bash
# A private MariaDB server living in one directory: data/, mariadb.sock, mariadbd.pid, mariadbd.log.
#
#   mariadb.sh start DIR PORT        start it (initialising DIR on first use; PORT 0 = socket only);
#                                    reuses a server already running there
#   mariadb.sh provision DIR USER PASSWORD DATABASE
#                                    create USER (socket and 127.0.0.1) with all rights on DATABASE
#                                    ('*' for every database) and create DATABASE unless '*'
#   mariadb.sh stop DIR              shut it down cleanly
#   mariadb.sh kill DIR              kill -9 (fault tests)
#   mariadb.sh sql DIR [ARGS…]       a root SQL prompt / runs SQL from stdin (ARGS go to the client)
#
# A DIR/my.cnf, when there is one, is the server's only option file (galera.sh writes one per node).
# MARIADB_SERVER_USER runs the server as another OS user than the caller (root starting Galera nodes).
set -euo pipefail

command=${1:?usage: mariadb.sh start|provision|stop|kill|sql DIR …}
dir=$(mkdir -p "${2:?DIR missing}" && cd "$2" && pwd -P)
socket="$dir/mariadb.sock"
pidfile="$dir/mariadbd.pid"
os_user=$(id -un)
server_user=${MARIADB_SERVER_USER:-$os_user}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

answers() {
  mariadb-admin --no-defaults --socket="$socket" --user="$os_user" --connect-timeout=2 ping >/dev/null 2>&1
}

root_sql() {
  mariadb --no-defaults --socket="$socket" --user="$os_user" "$@"
}

case "$command" in
  start)
    port=${3:?PORT missing}
    if running && answers; then exit 0; fi
    # Each server gets its own tmpdir: two installs sharing /tmp collide on temporary tables. What it
    # runs (Galera's SST scripts) uses it too: the caller's TMPDIR may be closed to the server's user.
    mkdir -p "$dir/tmp"
    [ "$server_user" = "$os_user" ] || chown -R "$server_user" "$dir"
    if [ ! -d "$dir/data/mysql" ]; then
      mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir/tmp" --user="$server_user" \
        --auth-root-authentication-method=socket --auth-root-socket-user="$os_user" \
        --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    fi
    defaults=(--no-defaults)
    [ -f "$dir/my.cnf" ] && defaults=(--defaults-file="$dir/my.cnf")
    network=(--port="$port" --bind-address=127.0.0.1)
    [ "$port" = 0 ] && network=(--skip-networking)
    # shellcheck disable=SC2086  # MARIADB_EXTRA_OPTS holds several options on purpose
    TMPDIR="$dir/tmp" nohup mariadbd "${defaults[@]}" --datadir="$dir/data" --tmpdir="$dir/tmp" --socket="$socket" --pid-file="$pidfile" \
      --log-error="$dir/mariadbd.log" --user="$server_user" "${network[@]}" --skip-name-resolve \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --max-connections=1000 --innodb-buffer-pool-size=256M ${MARIADB_EXTRA_OPTS:-} \
      >/dev/null 2>&1 </dev/null &
    for _ in $(seq 1 300); do
      if answers; then exit 0; fi
      sleep 0.1
    done
    echo "mariadb.sh: the server in $dir did not start; its log says:" >&2
    tail -20 "$dir/mariadbd.log" >&2
    exit 1
    ;;
  provision)
    user=${3:?USER missing}; password=${4:?PASSWORD missing}; database=${5:?DATABASE missing}
    scope="\`$database\`.*"
    [ "$database" = "*" ] && scope="*.*"
    {
      [ "$database" != "*" ] && echo "CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
      for host in localhost 127.0.0.1; do
        echo "CREATE USER IF NOT EXISTS '$user'@'$host' IDENTIFIED BY '$password';"
        echo "ALTER USER '$user'@'$host' IDENTIFIED BY '$password';"
        echo "GRANT ALL PRIVILEGES ON $scope TO '$user'@'$host';"
      done
    } | root_sql
    ;;
  stop)
    running || exit 0
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || exit 0
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    ;;
  kill)
    running && kill -9 "$(cat "$pidfile")"
    rm -f "$pidfile"
    ;;
  sql)
    root_sql "${@:3}"
    ;;
  *)
    echo "mariadb.sh: unknown command $command" >&2
    exit 2
    ;;
esac
