#!/usr/bin/env bash
# Shared set-up steps for the repository's scripts. Sourced, never run.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
  fi
}

# etcd from BATON_ETCD, else from PATH, else Debian's etcd-server and etcd-client packages.
ensure_etcd() {
  if [ -n "${BATON_ETCD:-}" ]; then
    [ -x "$BATON_ETCD" ] || { echo "BATON_ETCD=$BATON_ETCD is not an executable file" >&2; exit 1; }
    return
  fi
  if ! command -v etcd >/dev/null 2>&1 || ! command -v etcdctl >/dev/null 2>&1; then
    echo "etcd not found on PATH: installing Debian's etcd-server and etcd-client" >&2
    apt_install etcd-server etcd-client
  fi
}

# PostgreSQL's server programs (initdb and postgres), which the benchmarks' throughput scenario
# starts for its db-scheduler baseline: from BATON_POSTGRES_BIN (a directory), else PATH, else
# Debian's /usr/lib/postgresql/<version>/bin, else Debian's postgresql package.
ensure_postgresql() {
  if [ -n "${BATON_POSTGRES_BIN:-}" ]; then
    if [ ! -x "$BATON_POSTGRES_BIN/initdb" ] || [ ! -x "$BATON_POSTGRES_BIN/postgres" ]; then
      echo "BATON_POSTGRES_BIN=$BATON_POSTGRES_BIN does not hold executable initdb and postgres programs" >&2
      exit 1
    fi
    return
  fi
  local initdb bin
  initdb="$(command -v initdb 2>/dev/null || true)"
  if [ -n "$initdb" ] && [ -x "$(dirname "$initdb")/postgres" ]; then
    return
  fi
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ]; then
      return
    fi
  done
  echo "PostgreSQL not found: installing Debian's postgresql package" >&2
  apt_install postgresql
}

# Headless Chromium for the dashboard's browser test (Debian's chromium package).
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || apt_install chromium || echo "chromium could not be installed: the dashboard's browser check is skipped" >&2
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

# Sums the per-module "Tests run" summaries Maven prints and prints one line of totals.
print_test_totals() {
  awk '/Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$/ && !/ in / {
         gsub(/,/, ""); run += $4; fail += $6; err += $8; skip += $10 }
       END { printf "TOTAL: tests run %d, failures %d, errors %d, skipped %d\n", run, fail, err, skip }' "$1"
}
