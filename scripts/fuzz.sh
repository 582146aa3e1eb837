#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and fuzzes each decoder.
#   scripts/fuzz.sh [seconds-per-target=60] [extra libFuzzer flags...]
# e.g. scripts/fuzz.sh 0 -runs=50000000 -jobs=2 -workers=2   (10^8 executions per target)
# FUZZ_TARGETS="v2_text upgrade_request" picks targets; FUZZ_SANITIZERS=undefined builds
# without ASan (build-fuzz-undefined/, ~3x faster, for long runs; default address,undefined).
# New interesting inputs are merged back into tests/fuzz/corpus/<target> (minimised),
# which CI replays through gcc-built drivers (ctest -L fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
sanitizers=${FUZZ_SANITIZERS:-address,undefined}
build=build-fuzz
[ "$sanitizers" != address,undefined ] && build=build-fuzz-${sanitizers//,/-}
if [ ! -f $build/build.ninja ]; then
  CXX=clang++ cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHORUS_FUZZ=ON \
    -DCHORUS_FUZZ_SANITIZERS="$sanitizers"
fi
cmake --build $build
for target in ${FUZZ_TARGETS:-v1_text v2_text v2_binary upgrade_request ws_frame_reader json_reader}; do
  work=$build/corpus/$target
  mkdir -p "$work" $build/logs
  # Text frames up to the default frame cap (1 MiB): depth bombs need the room.
  max_len=4096
  case $target in v1_text|v2_text|json_reader) max_len=1048576 ;; esac
  args=(-max_len=$max_len -print_final_stats=1 "$@")
  [ "$seconds" != 0 ] && args+=(-max_total_time="$seconds")
  echo "== fuzz_$target ${args[*]}"
  (cd $build/logs && ../tests/fuzz/fuzz_$target "${args[@]}" "../../$work" "../../tests/fuzz/corpus/$target") \
    > "$build/logs/$target.log" 2>&1 || { tail -40 "$build/logs/$target.log"; exit 1; }
  # (with -jobs, libFuzzer appends each job's log to the main log: count it there only)
  grep -hE "stat::number_of_executed_units" $build/logs/$target.log 2>/dev/null |
    awk '{s += $NF} END {print "   executions: " s}' || true
  rm -f $build/logs/fuzz-*.log
  # keep the checked-in corpus small: only inputs that add coverage
  tmp=$(mktemp -d)
  $build/tests/fuzz/fuzz_$target -merge=1 "$tmp" "tests/fuzz/corpus/$target" "$work" > /dev/null 2>&1
  rm -rf "tests/fuzz/corpus/$target" && mv "$tmp" "tests/fuzz/corpus/$target"
  echo "   corpus: $(ls tests/fuzz/corpus/$target | wc -l) files"
done
