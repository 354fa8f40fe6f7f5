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
