#!/bin/sh
# Regenerates cmake/hot-text.ld: the code that svcmode's commands and menus
# run, placed together at the start of .text (bench/hot-text.py says why).
#
#   bench/hot-text.sh [BUILD_DIR]     (default build-hot)
#
# Builds svcmode for profiling (Release, -ffunction-sections, a link map,
# without the current script), runs under callgrind what the benchmarks
# measure (get, set, lists, backup create/verify/restore, Initialize, the
# menus in a pseudo-terminal) on a store with documents, and writes the
# script from the functions those runs executed. Needs valgrind, python3
# and python3-pyte; takes a few minutes.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-hot}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSVC_HOT_TEXT=OFF \
	-DCMAKE_EXE_LINKER_FLAGS="-Wl,-Map=$PWD/$build/svcmode.map" >/dev/null
cmake --build "$build" -j2 --target svcmode >/dev/null
svc=$PWD/$build/src/svcmode
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SVCMODE_DB="$work/src/device.db" SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
cg() { valgrind -q --tool=callgrind --callgrind-out-file="$work/cg.%p" "$@" >/dev/null 2>&1; }

"$svc" init-store >/dev/null 2>&1
head -c 300000 /dev/urandom >"$work/a.pdf"
cp "$work/a.pdf" "$work/b.pdf"
for b in 00 01 02; do "$svc" box store $b "$work/a.pdf" "$work/b.pdf" >/dev/null 2>&1; done
cg "$svc" get network.email.smtp.port
cg "$svc" set system.manager.comment profile
cg "$svc" box list
cg "$svc" log
cg "$svc" backup create "$work/all.zip"
cg "$svc" backup verify "$work/all.zip"
SVCMODE_DB="$work/dst/device.db" "$svc" box list >/dev/null 2>&1
SVCMODE_DB="$work/dst/device.db" cg "$svc" backup restore "$work/all.zip"
serial=$(SVCMODE_DB="$work/dst/device.db" "$svc" info | awk '/^serial/ {print $2}')
SVCMODE_DB="$work/dst/device.db" cg "$svc" init --all --confirm "$serial"
SVC=$svc WORK=$work /usr/bin/python3 - <<'EOF'
# The menus: the top menu, a long list scrolled, a submenu behind the
# System Manager's PIN, then quit.
import os, sys
sys.path.insert(0, "tests/tui")
from tuilib import Term, svc_env
argv = ["/usr/bin/valgrind", "-q", "--tool=callgrind",
        "--callgrind-out-file=" + os.environ["WORK"] + "/cg.tui", os.environ["SVC"]]
t = Term(argv, svc_env(os.environ["SVCMODE_DB"], "vt100", "C"))
t.pump(10)
t.send("2", "ENTER", quiet=3)
t.send("1", "ENTER", quiet=3)
for _ in range(25):
    t.send("DOWN", quiet=0.5)
t.send("ESC", "ESC", quiet=3)
t.send("1", "ENTER", quiet=3)
t.send("7654321", "ENTER", quiet=3)
t.send("7654321", "ENTER", quiet=3)
t.send("DOWN", "DOWN", "ENTER", quiet=3)
t.send("ESC", "ESC", quiet=3)
t.send("q", quiet=3)
t.wait(60)
t.close()
EOF
/usr/bin/python3 bench/hot-text.py "$svc" "$build/svcmode.map" "$work"/cg.* >cmake/hot-text.ld
echo "wrote cmake/hot-text.ld"
