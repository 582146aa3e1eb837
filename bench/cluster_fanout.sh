#!/usr/bin/env bash
# Cluster figures (docs/cluster.md): three chat nodes on 127.0.0.1 against one node, with
# chorus_bench from this build. Prints one summary line per run.
#   bench/cluster_fanout.sh [runs=2] [duration=5]
#  1. aggregate fan-out: 255 subscribers spread round-robin over the three nodes, the
#     publisher on the first, window 32 acknowledged by every subscriber (--ack all);
#     the same 255 subscribers on one node for comparison;
#  2. cross-node latency at a fixed 200 msg/s × 255 (servers without SCHED_BATCH, which
#     trades latency for throughput);
#  3. what a forwarded broadcast costs the publishing node: node a alone on core 0 with
#     only the publisher, two subscribers on nodes b and c (core 1), at 5 000 and 20 000
#     msg/s, against one node with the publisher alone at the same rates.
set -euo pipefail
runs=${1:-2}
dur=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
chat=$here/build/examples/chat/chat_server
bench=$here/build/bench/chorus_bench
limits="--max-subscribers 1024 --max-topics 1024 --io-threads 1 --workers 1"
pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap stop_all EXIT

start_single() {  # cpu list, extra flags...
  local cpus=$1; shift
  taskset -c "$cpus" "$chat" --port 4401 $limits "$@" >/dev/null 2>&1 & pids+=($!)
  sleep 0.5
}
start_cluster() {  # cpu list for a, cpu list for b and c, extra flags...
  local ca=$1 cbc=$2; shift 2
  taskset -c "$ca" "$chat" --port 4401 $limits --node-name a --cluster-bind 127.0.0.1:4501 "$@" >/dev/null 2>&1 & pids+=($!)
  for n in 2 3; do
    local name=b
    [ $n = 3 ] && name=c
    taskset -c "$cbc" "$chat" --port 440$n $limits --node-name $name --cluster-bind 127.0.0.1:450$n \
      --cluster-peers 127.0.0.1:4501 "$@" >/dev/null 2>&1 & pids+=($!)
  done
  sleep 1
}
run() {  # label, cpu list for the bench, bench args...
  local label=$1 cpus=$2; shift 2
  printf '%-34s ' "$label"
  taskset -c "$cpus" "$bench" fanout --url ws://127.0.0.1:4401/socket --duration "$dur" "$@" 2>&1 >/dev/null | grep '^fanout'
}
spread=(--sub-urls ws://127.0.0.1:4402/socket,ws://127.0.0.1:4403/socket)

for i in $(seq "$runs"); do
  start_single 0-1; run "one node, 255 subs" 0-1 --subs 255 --window 32 --ack all; stop_all
  start_cluster 0-1 0-1; run "three nodes, 255 subs spread" 0-1 --subs 255 --window 32 --ack all "${spread[@]}"; stop_all
done
for i in $(seq "$runs"); do
  start_cluster 0-1 0-1 --sched-batch off; run "three nodes, 200 msg/s x 255" 0-1 --subs 255 --rate 200 --ack all "${spread[@]}"; stop_all
done
for rate in 5000 20000; do
  for i in $(seq "$runs"); do
    start_single 0; run "one node, publisher only, $rate/s" 1 --subs 0 --rate $rate --ack all; stop_all
    start_cluster 0 1; run "a forwards to b and c, $rate/s" 1 --subs 2 --rate $rate --ack all "${spread[@]}" --remote-subs-only on; stop_all
  done
done
