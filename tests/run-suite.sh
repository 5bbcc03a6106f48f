#!/bin/sh
# The test suite in two tiers (docs/testing.md, "Test tiers").
#
# tests/run-suite.sh: the whole suite, as CI runs it. Installs what it
# needs, builds with AddressSanitizer + UBSan and -Werror (build-asan) and
# runs every test (ctest -j); then runs the tests labelled valgrind (the
# unit and CLI tests) again under valgrind in a plain Debug build
# (build-valgrind); then a short fuzzing run of every parser target
# (tests/fuzz/run.sh, build-fuzz). Each stage prints its time.
#
# tests/run-suite.sh --quick: for use while working, a few minutes at
# most. Installs nothing; builds a Debug build with -Werror (build-quick)
# and runs the tests labelled quick: every unit test (cmocka) and every
# CLI test except the kill loops and the tests against real mail servers
# (labels fault, mail and slow). No TUI, lint, packaging, valgrind or
# fuzzing.
#
# Environment: SVC_JOBS (parallel builds and tests, default: the number of
# CPUs), SVC_SKIP_VALGRIND=1, SVC_FUZZ_SECONDS (per target, default 10; 0
# skips).
set -eu
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: tests/run-suite.sh [--quick]" >&2; exit 2 ;;
esac
jobs=${SVC_JOBS:-$(nproc 2>/dev/null || echo 2)}
t0=$(date +%s)
stage_start=$t0
# stage NAME: prints how long the stage that just ended took.
stage() {
  now=$(date +%s)
  echo "== $1: $((now - stage_start)) s (total $((now - t0)) s)"
  stage_start=$now
}

if [ "$quick" = 1 ]; then
  cmake -S . -B build-quick -DCMAKE_BUILD_TYPE=Debug -DSVC_WERROR=ON >/dev/null
  cmake --build build-quick -j "$jobs"
  stage "quick build"
  ctest --test-dir build-quick --output-on-failure -j "$jobs" -L quick
  stage "quick tests (unit and CLI)"
  exit 0
fi

packaging/install-deps.sh packaging/build-deps.txt packaging/test-deps.txt tests/*.deps
stage "dependencies"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DSVC_WERROR=ON
cmake --build build-asan -j "$jobs"
stage "ASan build"
# One test more than CPUs: the TUI and mail-server tests spend most of
# their time waiting (tui_pty about 6 s of CPU in 63 s, mail_servers 7 s in
# 55 s, mail_smtp_rx 21 s in 55 s), and the extra slot keeps the CPUs busy
# meanwhile.
ctest --test-dir build-asan --output-on-failure -j "$((jobs + 1))"
stage "ASan tests (all)"

if [ "${SVC_SKIP_VALGRIND:-0}" != 1 ]; then
  # Only what the valgrind-labelled tests run: the layer checks are link
  # checks the ASan build has made already.
  cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DSVC_WERROR=ON -DSVC_VALGRIND=ON \
    -DSVC_LAYER_CHECKS=OFF
  cmake --build build-valgrind -j "$jobs"
  stage "valgrind build"
  ctest --test-dir build-valgrind --output-on-failure -j "$jobs" -L valgrind
  stage "valgrind tests (unit and CLI)"
fi

# A short fuzzing run of every parser target (tests/fuzz/README.md), as
# many targets at a time as there are CPUs.
if [ "${SVC_FUZZ_SECONDS:-10}" != 0 ]; then
  FUZZ_JOBS=$jobs tests/fuzz/run.sh "${SVC_FUZZ_SECONDS:-10}"
  stage "fuzzing"
fi
