#!/bin/sh
# Benchmark of Initialize All Data/Settings: overwrite speed of the erase
# of documents, next to `shred -n1` of the same files and to a plain `dd`
# write of the same size on the same disk.
#
#   bench/wipe.sh [SIZE_MIB] [INBOXES] [DIR] [FILE_MIB]
#
# SIZE_MIB (default 1024) of documents in INBOXES (default 100) inboxes,
# as FILE_MIB (default 1) files laid out like the mailbox module keeps
# them (<store>.d/docs/NN/). DIR (default: a new directory under $TMPDIR) must
# be on the disk to measure. SVCMODE names the binary (default
# build/src/svcmode). Prints one line per tool: seconds, MiB/s, ratios.
set -eu
SIZE=${1:-1024}
BOXES=${2:-100}
DIR=${3:-}
OWN=""
[ -n "$DIR" ] || { DIR=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-bench.XXXXXX"); OWN=$DIR; }
FILE=${4:-1}
SVCMODE=${SVCMODE:-build/src/svcmode}
STORE="$DIR/store"
DOCS="$STORE/device.db.d/docs"
export SVCMODE_DB="$STORE/device.db" SVCMODE_OPERATOR=bench
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
trap 'rm -rf "$STORE" "$DIR/dd.bin" "$DIR/plain" "$DIR/report" "$DIR/rows" $OWN' EXIT
mkdir -p "$DIR"
: >"$DIR/rows"

now_ns() { date +%s%N; }
# plant DEST: SIZE 1 MiB files of random data spread over BOXES directories.
plant() {
  rm -rf "$1"
  b=0; n=0
  while [ "$n" -lt "$SIZE" ]; do
    d=$(printf '%s/%02d' "$1" $((b % BOXES)))
    mkdir -p "$d"
    head -c $((FILE * 1048576)) /dev/urandom >"$d/$(printf '%05d' "$n").pdf"
    n=$((n + FILE)); b=$((b + 1))
  done
  sync
}
# rate NAME NS: prints and remembers MiB/s of the last run.
rate() {
  echo "$2" | awk -v n="$1" -v s="$SIZE" '{ t = $1 / 1e9; printf "%-28s %8.2f s %9.1f MiB/s\n", n, t, s / t }'
}
mibs() { echo "$1" | awk -v s="$SIZE" '{ printf "%.3f", s / ($1 / 1e9) }'; }

echo "svcmode init benchmark: $SIZE MiB in $BOXES inboxes, $FILE MiB files, on $(df -P "$DIR" | awk 'NR==2 {print $1}')"
echo "svcmode: $("$SVCMODE" --version), $(shred --version | head -1), $(nproc) CPUs"

# A plain write of the same size, fsynced.
t0=$(now_ns)
dd if=/dev/zero of="$DIR/dd.bin" bs=1M count="$SIZE" conv=fsync status=none
t1=$(now_ns); DD=$((t1 - t0)); rm -f "$DIR/dd.bin"
rate "dd write (zeros, fsync)" "$DD"

# shred -n1 -u: one random pass, fsynced, then unlinked; like the erase.
plant "$DIR/plain"
t0=$(now_ns)
find "$DIR/plain" -type f -exec shred -n1 -u {} +
t1=$(now_ns); SHRED=$((t1 - t0)); rm -rf "$DIR/plain"
rate "shred -n1 -u" "$SHRED"

for method in "1 Pass Zeros" "1 Pass Random"; do
  rm -rf "$STORE"
  "$SVCMODE" info >/dev/null 2>&1
  "$SVCMODE" set system.init.erase_method "$method"
  SERIAL=$("$SVCMODE" info | awk '/^serial/ {print $2}')
  plant "$DOCS"
  t0=$(now_ns)
  "$SVCMODE" init --all --confirm "$SERIAL" >"$DIR/report" 2>/dev/null
  t1=$(now_ns); T=$((t1 - t0))
  grep -q "$((SIZE * 1048576)) bytes" "$DIR/report" || { echo "unexpected report:"; cat "$DIR/report"; exit 1; }
  rate "svcmode init ($method)" "$T"
  awk -v a="$(mibs "$T")" -v s="$(mibs "$SHRED")" -v d="$(mibs "$DD")" -v m="$method" \
    'BEGIN { printf "  %s: %.2fx shred -n1, %.2fx dd\n", m, a / s, a / d }'
  # One tab-separated line for bench/all's table.
  awk -v a="$(mibs "$T")" -v s="$(mibs "$SHRED")" -v d="$(mibs "$DD")" -v m="$method" -v z="$SIZE" -v f="$FILE" \
    'BEGIN { printf "row\tInitialize, %s, %d MiB in %d MiB files\t%.1f MiB/s\tshred -n1 %.1f MiB/s (dd %.1f: %.2fx dd)\t%.2fx\t>= 1.2x\n", m, z, f, a, s, d, a / d, a / s }' >>"$DIR/rows"
done
rm -f "$DIR/report"
cat "$DIR/rows"
