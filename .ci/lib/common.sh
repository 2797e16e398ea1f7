# Sourced by the make scripts: paths and the Swift toolchain.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
DATA="$ROOT/.data"
export PATH="$PATH:/opt/swift/usr/bin"
command -v swift >/dev/null || { echo "swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
mkdir -p "$DATA"

# A random password for a private server's application user, kept beside its data.
password_in() {
  local file="$1/app.password"
  [ -s "$file" ] || (umask 077 && tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 >"$file")
  cat "$file"
}
