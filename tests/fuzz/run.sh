#!/bin/sh
# Builds the libFuzzer targets with clang (warnings as errors) and runs each for SECONDS
# (default 30), starting from its seed corpus. Prints executions and
# coverage per target; exits non-zero on the first crash, leaving the
# crashing input as crash-* in the build directory. FUZZ_JOBS targets run
# at a time (default: the number of CPUs).
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}; [ $# -gt 0 ] && shift
build=build-fuzz
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/fuzz/lsan.supp"
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSVC_FUZZ=ON -DSVC_TESTS=ON \
  -DSVC_STATIC_OPENSSL=OFF -DSVC_WERROR=ON >/dev/null
cmake --build "$build" -j2 --target $(ls tests/fuzz/fuzz_*.c | sed 's|.*/\(fuzz_[a-z_]*\)\.c|\1|') >/dev/null
targets=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/\(fuzz_[a-z_]*\)\.c|\1|')}
# FUZZ_JOBS targets at a time (default: the number of CPUs): each libFuzzer
# process uses one core, so on 2 cores two targets run for SECONDS in the
# wall time of one, each with the executions it would have had alone.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
run_one() { # TARGET: runs it; its exit status goes to $build/TARGET.rc
  corpus="$build/corpus-$1"; mkdir -p "$corpus"
  cp tests/fuzz/corpus/"${1#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  rc=0
  (cd "$build" && ./tests/"$1" -max_total_time="$secs" -print_final_stats=1 "corpus-$1" >"$1.log" 2>&1) || rc=$?
  echo "$rc" >"$build/$1.rc"
}
report() { # TARGET: its line of the table, or the crash
  [ "$(cat "$build/$1.rc")" = 0 ] || {
    echo "$1: CRASH (see $build/$1.log and $build/crash-*)"; return 1; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$1.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/$1.log")
  line=$(grep -E '^#[0-9]+.*DONE' "$build/$1.log" | tail -1)
  cov=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p'); ft=$(echo "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  printf '%-22s %12s %8s %8s %8s\n' "$1" "$execs" "$rate" "$cov" "$ft"
}
printf '%-22s %12s %8s %8s %8s\n' target executions exec/s cov ft
# shellcheck disable=SC2086
set -- $targets
while [ $# -gt 0 ]; do
  batch="" n=0
  while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
    run_one "$1" &
    batch="$batch $1" n=$((n + 1))
    shift
  done
  wait
  for t in $batch; do report "$t" || exit 1; done
done
