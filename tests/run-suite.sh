#!/bin/sh
# The whole test suite, as CI runs it: installs what it needs, builds with
# AddressSanitizer + UBSan and -Werror, runs every test (ctest), then runs
# the unit and CLI tests again under valgrind in a plain Debug build.
set -eu
cd "$(dirname "$0")/.."
packaging/install-deps.sh packaging/build-deps.txt packaging/test-deps.txt tests/*.deps

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DSVC_WERROR=ON
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs"

if [ "${SVC_SKIP_VALGRIND:-0}" != 1 ]; then
  cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DSVC_WERROR=ON -DSVC_VALGRIND=ON
  cmake --build build-valgrind -j "$jobs"
  ctest --test-dir build-valgrind --output-on-failure -j "$jobs" -L valgrind
fi

# A short fuzzing run of every parser target (tests/fuzz/README.md).
if [ "${SVC_FUZZ_SECONDS:-10}" != 0 ]; then
  tests/fuzz/run.sh "${SVC_FUZZ_SECONDS:-10}"
fi
