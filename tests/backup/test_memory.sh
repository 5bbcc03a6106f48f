#!/bin/sh
# Memory stays flat: the peak RSS of backup create, verify and restore does
# not grow with the size of the documents (streaming, no whole-file
# buffers). Compares 2 x 4 MiB with 2 x 64 MiB; without AddressSanitizer
# (whose shadow memory inflates RSS) it also checks the 32 MiB ceiling.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"

# peak_kib CMD...: the command's peak RSS in KiB.
peak_kib() {
	python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)' "$@"
}

# measure MB: fills a store with two documents of MB MiB, prints the peak
# RSS of create, verify and restore.
measure() {
	d="$WORK/m$1"
	mkdir -p "$d"
	head -c $(($1 * 1048576)) /dev/urandom >"$d/doc"
	SVCMODE_DB="$d/src.db" "$SVCMODE" box store 01 "$d/doc" "$d/doc" >/dev/null 2>&1
	rm -f "$d/doc"
	c=$(SVCMODE_DB="$d/src.db" peak_kib "$SVCMODE" backup create "$d/b.zip")
	v=$(SVCMODE_DB="$d/src.db" peak_kib "$SVCMODE" backup verify "$d/b.zip")
	r=$(SVCMODE_DB="$d/dst.db" peak_kib "$SVCMODE" backup restore "$d/b.zip")
	echo "$c $v $r"
}

set -- $(measure 4)
small_c=$1 small_v=$2 small_r=$3
set -- $(measure 64)
big_c=$1 big_v=$2 big_r=$3
echo "peak RSS KiB with 2 x 4 MiB: create $small_c verify $small_v restore $small_r"
echo "peak RSS KiB with 2 x 64 MiB: create $big_c verify $big_v restore $big_r"
for pair in "create $small_c $big_c" "verify $small_v $big_v" "restore $small_r $big_r"; do
	set -- $pair
	RC=0
	[ "$2" -gt 0 ] && [ "$3" -gt 0 ] && ok || fail "$1 failed"
	[ $(($3 - $2)) -lt 4096 ] && ok || fail "$1: peak RSS grew from $2 to $3 KiB"
	if grep -q __asan_init "$SVCMODE"; then
		ok
	else
		[ "$3" -lt 32768 ] && ok || fail "$1: peak RSS $3 KiB over 32 MiB"
	fi
done
finish
