#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for SECONDS
# (default 30), starting from its seed corpus. Prints executions and
# coverage per target; exits non-zero on the first crash, leaving the
# crashing input as crash-* in the build directory.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}; [ $# -gt 0 ] && shift
build=build-fuzz
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/fuzz/lsan.supp"
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSVC_FUZZ=ON -DSVC_TESTS=ON \
  -DSVC_STATIC_OPENSSL=OFF >/dev/null
cmake --build "$build" -j2 --target $(ls tests/fuzz/fuzz_*.c | sed 's|.*/\(fuzz_[a-z_]*\)\.c|\1|') >/dev/null
targets=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/\(fuzz_[a-z_]*\)\.c|\1|')}
printf '%-22s %12s %8s %8s %8s\n' target executions exec/s cov ft
for t in $targets; do
  corpus="$build/corpus-$t"; mkdir -p "$corpus"
  cp tests/fuzz/corpus/"${t#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  (cd "$build" && ./tests/"$t" -max_total_time="$secs" -print_final_stats=1 "corpus-$t" >"$t.log" 2>&1) || {
    echo "$t: CRASH (see $build/$t.log and $build/crash-*)"; exit 1; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/$t.log")
  line=$(grep -E '^#[0-9]+.*DONE' "$build/$t.log" | tail -1)
  cov=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p'); ft=$(echo "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  printf '%-22s %12s %8s %8s %8s\n' "$t" "$execs" "$rate" "$cov" "$ft"
done
