#!/bin/sh
# Timings of the tls and mac modules on this machine: key generation per
# algorithm (median of N runs, on a temporary store) and writing the MAC
# Address Block ruleset with 100 + 100 exceptions.
# Usage: bench/tls-mac.sh [BUILD_DIR] [N]   (default: build, 5)
set -eu
BUILD=${1:-build}
N=${2:-5}
SVCMODE=$(cd "$BUILD" && pwd)/src/svcmode
WORK=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SVCMODE_DB="$WORK/device.db" SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t0=$(now); "$SVCMODE" cert list >/dev/null 2>&1; t1=$(now)
echo "first command on a new store (creates it and the default P-256 pair): $(ms "$t0" "$t1") ms"
for alg in p256 p384 rsa2048 rsa3072 rsa4096; do
  i=0
  while [ $i -lt "$N" ]; do
    t0=$(now)
    "$SVCMODE" cert genkey "b$i" --alg $alg >/dev/null 2>&1
    t1=$(now)
    "$SVCMODE" cert delete "b$i" >/dev/null 2>&1
    ms "$t0" "$t1"
    i=$((i + 1))
  done | median | xargs printf "cert genkey --alg %-8s median of $N: %s ms\n" $alg
done
for d in rx tx; do
  "$SVCMODE" mac add $d $(i=0; while [ $i -lt 100 ]; do printf '02:00:00:00:%02x:%02x ' $((i / 256)) $((i % 256)); i=$((i + 1)); done) 2>/dev/null
  "$SVCMODE" mac enable $d
done
t0=$(now); "$SVCMODE" mac apply "$WORK/r.nft" --no-load --iface eth0 2>/dev/null; t1=$(now)
echo "mac apply, 2 x 100 exceptions: $(ms "$t0" "$t1") ms ($(wc -c <"$WORK/r.nft") bytes)"
