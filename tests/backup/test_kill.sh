#!/bin/sh
# kill -9 at random moments during backup create and restore (RUNS of each,
# 100 by default). After every run:
# - the store passes PRAGMA integrity_check;
# - its inboxes and documents are exactly the old state or the new one,
#   never a mix, and every document row's file holds the content of its
#   SHA-256 (no data lost) with no file that no row names (after the next
#   start's cleanup);
# - create: a backup FILE either does not exist or is complete and
#   verifies with the expected contents; nothing else is left beside it.
# The random delays are scaled to a measured run of each command,
# adapting to the load (see delay below), so kills land in every phase;
# each kill's phase is read from the progress the command had printed (and,
# for restore, from the files it left) and the counts are printed at the
# end. SEED (default: the process id) makes the random fractions repeatable;
# a failing run prints it.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"
# 100 runs of each, one in each hundredth of the run time (fractions
# below): denser than 200 uniformly random moments would be (largest gap
# 1/50 of the run, against about 1/34; see slices in tests/cli/lib.sh), in
# half the runs.
RUNS=${RUNS:-100}
SEED=${SEED:-$$}
echo "RUNS=$RUNS SEED=$SEED"

# check DB: the integrity check into $WORK/integrity, the inbox settings
# and document rows (without the random file names) into $WORK/rows, each
# row's SHA-256 and file into $WORK/sums; one sqlite3 run.
check() {
	sqlite3 "$1" ".output $WORK/integrity" 'PRAGMA integrity_check' \
		".output $WORK/rows" 'SELECT * FROM mailbox_inbox ORDER BY box' \
		'SELECT box, no, name, stored_at, pages, size, sha256 FROM mailbox_doc
		ORDER BY box, no' \
		".output $WORK/sums" '.separator "  "' 'SELECT sha256, file FROM mailbox_doc'
}
# orphans DB: how many files of the documents directory no row names
# (after check).
orphans() {
	echo $(($(find "$1.d/docs" -type f ! -name .lock | wc -l) - $(wc -l <"$WORK/sums")))
}
# intact DB: (after check) integrity ok, every row's file exists and holds
# the content of its SHA-256, and no other file is there.
intact() {
	read -r _ic <"$WORK/integrity"
	[ "$_ic" = ok ] || { echo "integrity check failed"; return 1; }
	(cd "$1.d/docs" && sha256sum -c --quiet --status "$WORK/sums") ||
		{ echo "a document's file is missing or damaged"; return 1; }
	[ "$(orphans "$1")" -eq 0 ] || { echo "files that no row names"; return 1; }
}
# ms: monotonic-enough milliseconds.
ms() { echo $(($(date +%s%N) / 1000000)); }
# span CMD...: how long CMD takes, in ms (the quickest of three runs).
span() {
	for _i in 1 2 3; do
		${BEFORE:-true}
		_t0=$(ms)
		"$@" >/dev/null 2>&1
		echo $(($(ms) - _t0))
	done | sort -n | head -1
}
# fractions N: N random numbers 0-9999 (from SEED), one in each of N equal
# slices of 0-9999, in random order (stratified: no gap between two of them
# exceeds 2/N of the range).
fractions() {
	awk -v n="$1" -v seed="$SEED" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) f[i] = int((i + rand()) * 10000 / n)
		for (i = n - 1; i > 0; i--) { j = int(rand() * (i + 1)); t = f[i]; f[i] = f[j]; f[j] = t }
		for (i = 0; i < n; i++) printf "%d\n", f[i] }'
}
# The kill moments: a fraction (above) of $US, the expected run time in
# microseconds, measured first and then adapted to the machine's load as
# the runs go (ASan and a shared machine make it vary): a run that finished
# before its kill shortens it by 7 %, any other run lengthens it by 0.4 %.
# So about one run in twenty finishes and the other kills spread over the
# whole run: start-up, writing, verifying, commit.
# delay U: the delay in seconds for fraction U; adapt PHASE: the update.
delay() {
	_us=$(($1 * US / 10000))
	printf '%d.%06d' $((_us / 1000000)) $((_us % 1000000))
}
adapt() {
	if [ "$1" = done ]; then US=$((US * 93 / 100)); else US=$((US * 1004 / 1000)); fi
}
# phase FILE MODE: where the command was when it died, as far as its
# progress shows (printed at most five times a second, so a boundary may
# be late; the loops below refine it). create: start, writing, verifying
# (flush and read-back), commit (naming FILE), done. restore: start,
# verifying (and planning), writing, commit (flush, transaction, erasing
# the replaced files), done.
phase() {
	tr '\r' '\n' <"$1" | awk -v mode="$2" '
		/^svcmode: (backup written|restored)/ { p = "done"; next }
		/^backing up:/ { p = "writing"; next }
		/^verifying: 100%/ { p = mode == "create" ? "commit" : "verifying"; next }
		/^verifying:/ { p = "verifying"; next }
		/^restoring: 100%/ { p = "commit"; next }
		/^restoring:/ { p = "writing"; next }
		END { print p == "" ? "start" : p }'
}
# count WORDS: "word n, ..." for the phases.
count() { echo $1 | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }'; }

make_source
i=0
while [ $i -lt 4 ]; do
	head -c 2000000 /dev/urandom >"$WORK/big$i.pdf"
	svc box store $((20 + i)) "$WORK/big$i.pdf" || { echo "setup failed"; exit 1; }
	rm -f "$WORK/big$i.pdf"
	i=$((i + 1))
done
# Two large documents in inboxes 40 and 41, which the killed commands
# leave out (--box 00-39): restore still verifies them in its first pass,
# which makes that phase long enough for kills to land in it.
head -c 16000000 /dev/urandom >"$WORK/huge.pdf"
svc box store 40 "$WORK/huge.pdf" && svc box store 41 "$WORK/huge.pdf" ||
	{ echo "setup failed"; exit 1; }
rm -f "$WORK/huge.pdf"
SEL="--box 00-39"
check "$DB"
cp "$WORK/rows" "$WORK/src.rows"
svc backup create "$WORK/all.zip"
check_rc "create the reference backup" 0
svc backup create "$WORK/sel.zip" $SEL
check_rc "create the reference backup of inboxes 00-39" 0
svc backup verify "$WORK/sel.zip"
sum=$(sed -n "s/.*': //p" "$WORK/err" | tail -1) # N inboxes, M documents, B bytes

# --- create ---------------------------------------------------------------
BEFORE="rm -f $WORK/t.zip"
US=$(($(span "$SVCMODE" backup create "$WORK/t.zip" $SEL) * 1000))
echo "backup create takes about $((US / 1000)) ms"
fractions "$RUNS" >"$WORK/fractions"
phases=
r=0
while read -r u; do
	d=$(delay "$u")
	rm -f "$WORK/k.zip"
	"$SVCMODE" backup create "$WORK/k.zip" $SEL >/dev/null 2>"$WORK/k.err" &
	pid=$!
	sleep "$d"
	# What it has open just before the kill tells the phase better than
	# its progress: a document (writing), only the unnamed archive
	# (flushing and verifying it); FILE there without success: commit.
	fds=$(ls -l /proc/$pid/fd 2>/dev/null)
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	p=$(phase "$WORK/k.err" create)
	case $p:$fds in
	done:*) ;;
	*.doc*) p=writing ;;
	*"(deleted)"*) [ "$p" = start ] || p=verifying ;;
	esac
	[ "$p" != done ] && [ -e "$WORK/k.zip" ] && p=commit
	adapt "$p"
	phases="$phases $p"
	at="create run $r (killed at $d s, $p)"
	check "$DB"
	why=$(intact "$DB") && ok || fail "$at: the store is damaged: $why"
	cmp -s "$WORK/rows" "$WORK/src.rows" && ok || fail "$at: the store changed"
	if [ -e "$WORK/k.zip" ]; then
		svc backup verify "$WORK/k.zip"
		check_rc "$at: an existing FILE is complete" 0
		check_grep "$at: an existing FILE holds everything" err "$sum"
	elif [ "$p" = done ]; then
		fail "$at: reported success but FILE is missing"
	fi
	# Only the final name: no partial or temporary file beside it.
	set -- "$WORK"/k.zip?*
	[ ! -e "$1" ] && ok || fail "$at: a partial file was left: $*"
	r=$((r + 1))
done <"$WORK/fractions"
echo "create killed $RUNS times (kill delays up to $((US / 1000)) ms at the end)," \
	"by phase: $(count "$phases")"

# --- restore --------------------------------------------------------------
# The target has a document of its own in inbox 03 (large enough that
# overwriting it after the commit takes a while) and --replace replaces it.
T="$WORK/t/device.db"
head -c 2000000 /dev/urandom >"$WORK/mine.pdf"
on "$T" box store 03 "$WORK/mine.pdf"
check "$T"
cp "$WORK/rows" "$WORK/before.rows"
mkdir -p "$WORK/ref"
cp -a "$T" "$T.d" "$WORK/ref/"
on "$T" backup restore "$WORK/all.zip" $SEL --replace
check_rc "reference restore" 0
check "$T"
cp "$WORK/rows" "$WORK/after.rows"
cmp -s "$WORK/before.rows" "$WORK/after.rows" && fail "restore changed nothing" || ok
K="$WORK/k/device.db"
reset_k() {
	rm -rf "$WORK/k" && mkdir -p "$WORK/k" &&
		cp -a "$WORK/ref/device.db" "$WORK/ref/device.db.d" "$WORK/k/"
}
BEFORE=reset_k
US=$(($(SVCMODE_DB="$K" span "$SVCMODE" backup restore "$WORK/all.zip" $SEL --replace) * 1000))
echo "backup restore takes about $((US / 1000)) ms"
SEED=$((SEED + 1))
fractions "$RUNS" >"$WORK/fractions"
phases=
restored=0
cleaned=0
r=0
while read -r u; do
	d=$(delay "$u")
	reset_k
	SVCMODE_DB="$K" "$SVCMODE" backup restore "$WORK/all.zip" $SEL --replace >/dev/null \
		2>"$WORK/k.err" &
	pid=$!
	sleep "$d"
	fds=$(ls -l /proc/$pid/fd 2>/dev/null)
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	p=$(phase "$WORK/k.err" restore)
	# Open files: the archive and a temporary document (writing), the
	# archive alone (verifying, or between two documents).
	case $p:$fds in
	done:*) ;;
	*all.zip*.tmp* | *.tmp*all.zip*) p=writing ;;
	*all.zip*) [ "$p" = writing ] || p=verifying ;;
	esac
	check "$K"
	# Files that no row names (written before the commit, or replaced ones
	# not yet erased after it) also tell the phase; the next start removes
	# them.
	if [ "$(orphans "$K")" -ne 0 ] || [ -n "$(find "$K.d/docs" -name '*.tmp')" ]; then
		if cmp -s "$WORK/rows" "$WORK/before.rows"; then
			p=writing
		elif [ "$p" != done ]; then
			p=commit
		fi
		on "$K" box list
		cleaned=$((cleaned + 1))
		check "$K"
	fi
	adapt "$p"
	phases="$phases $p"
	at="restore run $r (killed at $d s, $p)"
	why=$(intact "$K") && ok || fail "$at: the store is damaged: $why"
	if cmp -s "$WORK/rows" "$WORK/before.rows"; then
		ok
	elif cmp -s "$WORK/rows" "$WORK/after.rows"; then
		ok
		restored=$((restored + 1))
	else
		fail "$at: neither the old nor the new state"
	fi
	r=$((r + 1))
done <"$WORK/fractions"
echo "restore killed $RUNS times (kill delays up to $((US / 1000)) ms at the end;" \
	"$restored in the new state, $cleaned cleaned up at the next start)," \
	"by phase: $(count "$phases")"
finish
