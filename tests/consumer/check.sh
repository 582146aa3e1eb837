#!/usr/bin/env bash
# Builds the consumer app twice — against chorus installed from BUILD_DIR, and with
# chorus as a subproject — and runs its end-to-end test against each build.
#   tests/consumer/check.sh BUILD_DIR      (a configured, built chorus tree)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
work=$build/consumer
rm -rf "$work/install"
cmake --install "$build" --prefix "$work/install" > /dev/null
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# A sanitized chorus (scripts/sanitize.sh) is only linkable into a sanitized app.
sanitize=()
grep -q "^CHORUS_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" &&
  sanitize=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined")
for how in installed subproject; do
  args=(-G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "${sanitize[@]}")
  if [ $how = installed ]; then args+=(-DCMAKE_PREFIX_PATH="$work/install"); else args+=(-DCHORUS_SOURCE_DIR="$root"); fi
  echo "== consumer app, chorus $how"
  cmake -S "$root/tests/consumer" -B "$work/$how" "${args[@]}" > "$work/$how.configure.log" || { cat "$work/$how.configure.log"; exit 1; }
  # As a subproject chorus must build only its libraries: no tests, bench or examples.
  if [ $how = subproject ] && grep -qE "chat_server|actor_tests|chorus_bench" "$work/$how/build.ninja"; then
    echo "chorus built more than its libraries as a subproject"; exit 1
  fi
  cmake --build "$work/$how" -j"$(nproc)"
  "$work/$how/counter_test"
  COUNTER_APP="$work/$how/counter_app" node --test --test-reporter=spec "$root/tests/consumer/counter_app.test.mjs"
done
