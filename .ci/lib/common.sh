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

# A fresh database NAME on the private server in DB_DIR, with a user of its own; prints its URL (socket).
fresh_database() {
  local db=$1 name=$2 password
  echo "DROP DATABASE IF EXISTS $name" | bash .ci/lib/mariadb.sh sql "$db"
  password=$(random_secret 32)
  bash .ci/lib/mariadb.sh provision "$db" "$name" "$password" "$name"
  echo "mariadb://$name:$password@localhost/$name?socket=$db/mariadb.sock"
}

# Waits until something listens on 127.0.0.1:PORT (SECONDS, 10 by default).
wait_for_port() {
  for _ in $(seq 1 $(( ${2:-10} * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# The Python tools the tests use (schemathesis, standardwebhooks), pinned, in a virtual environment
# of their own under .data/venv, made again when the pins change; prints its python.
test_python() {
  local venv="$DATA/venv" requirements=.ci/lib/python-requirements.txt
  if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$venv/requirements.txt"
  fi
  echo "$venv/bin/python"
}

# A latency as wrk prints it ("850.00us", "12.34ms", "1.02s", "1.00m") in milliseconds.
wrk_ms() { awk -v t="$1" 'BEGIN { v = t + 0; if (t ~ /us$/) v /= 1000; else if (t ~ /ms$/) v += 0; else if (t ~ /m$/) v *= 60000; else if (t ~ /s$/) v *= 1000; print v }'; }

# One row of make bench's summary: what was compared, the ratio measured, its target (">= 0.75"
# or "<= 2"); bench.sh prints the rows as a table at the end.
bench_ratio() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$DATA/bench-summary.tsv"; }

# The ratio of two numbers, to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
