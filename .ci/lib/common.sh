# Sourced by the make scripts: paths and the Swift toolchain.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
DATA="$ROOT/.data"
export PATH="$PATH:/opt/swift/usr/bin"
command -v swift >/dev/null || { echo "swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
mkdir -p "$DATA"

# LENGTH random letters and digits. The input is finite: `tr </dev/urandom | head` dies of SIGPIPE.
random_secret() {
  local chars
  chars=$(LC_ALL=C tr -dc 'A-Za-z0-9' < <(head -c 1024 /dev/urandom))
  echo "${chars:0:$1}"
}

# The secret kept in FILE, made on first use; only its owner may read it.
secret_in() {
  [ -s "$1" ] || (umask 077 && random_secret "$2" >"$1")
  cat "$1"
}

# A random password for a private server's application user, kept beside its data.
password_in() {
  secret_in "$1/app.password" 32
}
