#!/bin/sh
# kill -9 during backup create and restore: a backup file either does not
# exist or is complete and verifies; a store is either unchanged or fully
# restored, never in between (after the next start's cleanup).
# KILL_RUNS sets the number of runs of each (bench/backup-kill.sh runs more).
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"
RUNS=${KILL_RUNS:-4}
make_source
i=0
while [ $i -lt 6 ]; do
	head -c 6000000 /dev/urandom >"$WORK/big$i.pdf"
	svc box store $((20 + i)) "$WORK/big$i.pdf" || { echo "setup failed"; exit 1; }
	rm -f "$WORK/big$i.pdf"
	i=$((i + 1))
done
svc backup create "$WORK/all.zip"
check_rc "create the reference backup" 0

# The delays step through the run so that kills land in different phases.
delay() { awk -v r="$1" -v n="$RUNS" 'BEGIN { printf "%.3f", 0.02 + 1.2 * r / n }'; }

r=0
complete=0
while [ $r -lt "$RUNS" ]; do
	rm -f "$WORK/k.zip"
	"$SVCMODE" backup create "$WORK/k.zip" >/dev/null 2>&1 &
	pid=$!
	sleep "$(delay $r)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -e "$WORK/k.zip" ]; then
		svc backup verify "$WORK/k.zip"
		check_rc "create run $r: an existing backup is complete" 0
		complete=$((complete + 1))
	else
		ok
	fi
	ls "$WORK" | grep -q 'k\.zip\.partial' && fail "create run $r: partial file left" || ok
	r=$((r + 1))
done

echo "create killed $RUNS times: $complete finished before the kill"

# Restore: the target has its own document; before and after states.
T="$WORK/t/device.db"
printf 'mine\n' >"$WORK/mine.txt"
on "$T" box store 03 "$WORK/mine.txt"
state "$T" >"$WORK/before.state"
mkdir -p "$WORK/ref"
cp -a "$T" "$T.d" "$WORK/ref/"
on "$T" backup restore "$WORK/all.zip" --replace
check_rc "reference restore" 0
state "$T" >"$WORK/after.state"
cmp -s "$WORK/before.state" "$WORK/after.state" && fail "restore changed nothing" || ok

r=0
restored=0
while [ $r -lt "$RUNS" ]; do
	rm -rf "$WORK/k" && mkdir -p "$WORK/k"
	cp -a "$WORK/ref/device.db" "$WORK/ref/device.db.d" "$WORK/k/"
	K="$WORK/k/device.db"
	SVCMODE_DB="$K" "$SVCMODE" backup restore "$WORK/all.zip" --replace >/dev/null 2>&1 &
	pid=$!
	sleep "$(delay $r)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	on "$K" box list # the next start cleans up
	state "$K" >"$WORK/k.state"
	if cmp -s "$WORK/k.state" "$WORK/before.state"; then
		ok
	elif cmp -s "$WORK/k.state" "$WORK/after.state"; then
		ok
		restored=$((restored + 1))
	else
		fail "restore run $r: a half state"
	fi
	files_match_rows "$K" && ok || fail "restore run $r: files and rows disagree"
	r=$((r + 1))
done
echo "restore killed $RUNS times: $restored finished before the kill"
finish
