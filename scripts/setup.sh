#!/usr/bin/env bash
# Installs what Tandem, its tests and its benchmarks need on Debian 12, then builds.
# Idempotent: safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  pacemaker-cli-utils   # crm_simulate, crm_verify: the oracle for scheduler behaviour
  pcs                   # pcs 0.11.5: the reference for the CLI (offline, -f FILE)
  resource-agents       # real OCF agents (Dummy, IPaddr2, apache, ...)
  etcd-server etcd-client openssl   # openssl: throwaway certificates for the etcd TLS test
  haproxy nginx nftables iproute2 arping conntrack curl wrk
  python3               # executor tests: a systemd unit running python3 -m http.server
)

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not root or no apt-get; assuming Debian packages are installed" >&2
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
