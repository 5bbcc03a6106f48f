#!/bin/sh
# cppcheck and clang-tidy (a chosen set of checks) over src/. Needs a
# configured build directory for compile_commands.json (default: build).
# Usage: tests/lint/static-analysis.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build}
[ -f "$build/compile_commands.json" ] || { echo "configure $build first (cmake -S . -B $build)"; exit 2; }
rc=0
echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
  --inline-suppr --suppress=missingIncludeSystem -I src -I "$build/src" \
  $(find src -name '*.c') || rc=1
echo "== clang-tidy"
checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,misc-redundant-expression,performance-*'
for f in $(find src -name '*.c'); do
  out=$(clang-tidy -p "$build" --quiet --checks="$checks" --warnings-as-errors='*' "$f" 2>/dev/null) || {
    echo "$out"; rc=1; }
done
[ "$rc" -eq 0 ] && echo "static analysis clean"
exit "$rc"
