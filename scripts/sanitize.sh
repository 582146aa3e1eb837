#!/usr/bin/env bash
# Builds and runs the whole test suite under ASan+UBSan in build-asan/ (docs/building.md:
# UBSan needs two suppressions for CAF's own headers).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCHORUS_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS="-O1 -g"
fi
cmake --build build-asan -j"$(nproc)"
export UBSAN_OPTIONS="suppressions=$PWD/scripts/ubsan.supp:print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
ctest --test-dir build-asan -j"$(nproc)" --output-on-failure --timeout 600 "$@"
