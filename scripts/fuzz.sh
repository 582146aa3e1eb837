#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and fuzzes each decoder.
#   scripts/fuzz.sh [seconds-per-target=60] [extra libFuzzer flags...]
# e.g. scripts/fuzz.sh 0 -runs=50000000 -jobs=2 -workers=2   (10^8 executions per target)
# New interesting inputs are merged back into tests/fuzz/corpus/<target> (minimised),
# which CI replays through gcc-built drivers (ctest -L fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHORUS_FUZZ=ON
fi
cmake --build build-fuzz
for target in v1_text v2_text v2_binary upgrade_request; do
  work=build-fuzz/corpus/$target
  mkdir -p "$work" build-fuzz/logs
  args=(-max_len=4096 -print_final_stats=1 "$@")
  [ "$seconds" != 0 ] && args+=(-max_total_time="$seconds")
  echo "== fuzz_$target ${args[*]}"
  (cd build-fuzz/logs && ../tests/fuzz/fuzz_$target "${args[@]}" "../../$work" "../../tests/fuzz/corpus/$target") \
    > "build-fuzz/logs/$target.log" 2>&1 || { tail -40 "build-fuzz/logs/$target.log"; exit 1; }
  grep -hE "stat::number_of_executed_units" build-fuzz/logs/$target.log build-fuzz/logs/fuzz-*.log 2>/dev/null |
    awk '{s += $NF} END {print "   executions: " s}' || true
  rm -f build-fuzz/logs/fuzz-*.log
  # keep the checked-in corpus small: only inputs that add coverage
  tmp=$(mktemp -d)
  build-fuzz/tests/fuzz/fuzz_$target -merge=1 "$tmp" "tests/fuzz/corpus/$target" "$work" > /dev/null 2>&1
  rm -rf "tests/fuzz/corpus/$target" && mv "$tmp" "tests/fuzz/corpus/$target"
  echo "   corpus: $(ls tests/fuzz/corpus/$target | wc -l) files"
done
