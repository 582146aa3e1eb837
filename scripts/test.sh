#!/usr/bin/env bash
# Sets up the machine, builds, and runs every test (protocol, actors, network, e2e).
# Every ctest test carries its own timeout; ctest as a whole is bounded as well.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
phase setup;  ./scripts/setup.sh
phase build;  ./scripts/build.sh
phase test;   ctest --test-dir build -j"$(nproc)" --output-on-failure --timeout 300
