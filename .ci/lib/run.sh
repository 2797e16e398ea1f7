#!/usr/bin/env bash
# make run: private MariaDB (unless ENGAGE_DATABASE_URL is given), build, migrate, serve.
source "$(dirname "$0")/common.sh"

if [ -z "${ENGAGE_DATABASE_URL:-}" ] && ! grep -qs '^ *\(export \)\?ENGAGE_DATABASE_URL=' .env; then
  db="$DATA/mariadb"
  bash .ci/lib/mariadb.sh start "$db" "${ENGAGE_DEV_DB_PORT:-3307}"
  password=$(password_in "$db")
  bash .ci/lib/mariadb.sh provision "$db" engage "$password" engage
  export ENGAGE_DATABASE_URL="mariadb://engage:$password@localhost/engage?socket=$db/mariadb.sock"
  echo "MariaDB: private server in .data/mariadb (stop it with 'make stop')"
fi

if [ -z "${ENGAGE_JWT_SECRET:-}" ] && ! grep -qs '^ *\(export \)\?ENGAGE_JWT_SECRET=' .env; then
  ENGAGE_JWT_SECRET=$(secret_in "$DATA/jwt-secret" 48)
  export ENGAGE_JWT_SECRET
fi
if [ -z "${ENGAGE_SECRET_KEY:-}" ] && ! grep -qs '^ *\(export \)\?ENGAGE_SECRET_KEY=' .env; then
  [ -s "$DATA/secret-key" ] || (umask 077 && head -c 32 /dev/urandom | base64 >"$DATA/secret-key")
  ENGAGE_SECRET_KEY=$(cat "$DATA/secret-key")
  export ENGAGE_SECRET_KEY
fi

swift build --product engage
.build/debug/engage migrate
# The first admin, once: its generated password is printed here and nowhere else.
.build/debug/engage create-user --if-no-admin --role admin --name Administrator \
  --email "${ENGAGE_ADMIN_EMAIL:-admin@engage.local}"
echo "Oui Engage: http://${ENGAGE_HTTP_HOST:-127.0.0.1}:${ENGAGE_HTTP_PORT:-8080}"
exec .build/debug/engage serve --no-migrate
