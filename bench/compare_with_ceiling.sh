#!/usr/bin/env bash
# Side-by-side figures for issue #5: the reference loadgen against the reference
# ceiling server and against chorus's chat example, same flags, server on core 0,
# loadgen on core 1, ceiling and chorus runs alternated; prints each pair's ratio.
#   bench/compare_with_ceiling.sh REF_BENCH_DIR [pairs=3] [duration=10]
# REF_BENCH_DIR holds the built reference tools (loadgen/loadgen, ceiling/ceiling).
set -euo pipefail
ref=${1:?usage: $0 REF_BENCH_DIR [pairs] [duration]}
pairs=${2:-3}
dur=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
chat=$here/build/examples/chat/chat_server
cport=4100 sport=4200

taskset -c 0 "$ref/ceiling/ceiling" --port $cport --max-runtime 7200 --quiet &
ceiling_pid=$!
taskset -c 0 "$chat" --port $sport --max-subscribers 1024 --max-topics 1024 >/dev/null 2>/tmp/chorus_compare.err &
chorus_pid=$!
trap 'kill $ceiling_pid $chorus_pid 2>/dev/null; wait 2>/dev/null' EXIT
sleep 1

measure() {  # port, figure-extracting python expression, loadgen args...
  local port=$1 expr=$2; shift 2
  taskset -c 1 "$ref/loadgen/loadgen" "$@" --url ws://127.0.0.1:$port/socket --server-pid auto --quiet 2>/dev/null |
    python3 -c "import json,sys; d=json.loads(sys.stdin.read()); assert d.get('lost',0)==0 and d.get('extra',0)==0, d; print($expr)"
}

scenario() {  # name, expression, higher_is_better(1/0), loadgen args...
  local name=$1 expr=$2 higher=$3; shift 3
  local ratios=()
  for i in $(seq "$pairs"); do
    c=$(measure $cport "$expr" "$@")
    s=$(measure $sport "$expr" "$@")
    r=$(python3 -c "print(round(($s/$c) if $higher else ($s/$c), 3))")
    printf '%-28s pair %d: ceiling %-10s chorus %-10s ratio %s\n' "$name" "$i" "$c" "$s" "$r"
    ratios+=("$r")
  done
  printf '%-28s median ratio %s\n' "$name" "$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (pairs + 1) / 2 ))p")"
}

scenario "fanout 64B window 32" "round(d['deliver_rate'])" 1 fanout --subs 256 --payload 64 --window 32 --duration "$dur"
scenario "fanout 512B window 32" "round(d['deliver_rate'])" 1 fanout --subs 256 --payload 512 --window 32 --duration "$dur"
scenario "p99 us at 1000 msg/s" "d['lat_us']['p99']" 0 fanout --subs 256 --payload 64 --rate 1000 --duration "$dur"
scenario "rpc 50 clients" "round(d['reply_rate'])" 1 rpc --clients 50 --duration "$dur"
