#!/usr/bin/env bash
# What intercept/handle_out costs (README "Intercepted events"): the conformance server's
# "fast:*" (encode-once fast path) against "intercept:*" (new_msg intercepted, handle_out
# pushes it unchanged to each member), alternated on one server process pinned to core 0,
# chorus_bench on core 1. Prints one summary line per run.
#   bench/intercept_cost.sh [runs=3] [duration=5] [subscribers=256]
set -euo pipefail
runs=${1:-3}
dur=${2:-5}
subs=${3:-256}
here=$(cd "$(dirname "$0")/.." && pwd)
server=$here/build/tests/e2e/conformance_server
bench=$here/build/bench/chorus_bench
taskset -c 0 "$server" --port 4402 --max-subscribers 4096 --max-topics 1024 --io-threads 1 --workers 1 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null' EXIT
sleep 0.5
for i in $(seq "$runs"); do
  for topic in fast intercept; do
    printf '%-10s ' "$topic"
    taskset -c 1 "$bench" fanout --url ws://127.0.0.1:4402/socket --topic "$topic:bench$i" --subs "$subs" \
      --window 32 --duration "$dur" --server-pid $pid 2>&1 >/dev/null | grep '^fanout'
  done
done
