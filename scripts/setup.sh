#!/usr/bin/env bash
# Idempotent, non-interactive set-up for a fresh Debian 12 machine (run as root).
# Installs the toolchain and libraries chorus builds against, and Node.js/npm only
# when `node` is missing (a preinstalled Node.js conflicts with Debian's npm package).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=(build-essential cmake ninja-build ccache pkg-config
      libcaf-dev libboost1.81-dev nlohmann-json3-dev catch2
      libssl-dev openssl clang libclang-rt-14-dev chromium)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages already present"
fi

# Node packages: the stock phoenix client (example page, e2e tests), ws, playwright-core.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# promtool (Prometheus's own parser and linter of the text format; the /metrics tests
# check every scrape with it), taken out of Debian's prometheus package into .tools/
# rather than installed: installing would also start a Prometheus server on :9090.
promtool="$here/.tools/prometheus/usr/bin/promtool"
if [ ! -x "$promtool" ]; then
  echo "setup: extracting promtool from Debian's prometheus package"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus; })
  mkdir -p "$here/.tools/prometheus"
  dpkg-deb -x "$tmp"/prometheus_*.deb "$here/.tools/prometheus"
  rm -rf "$tmp"
fi
