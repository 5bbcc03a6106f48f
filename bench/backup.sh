#!/bin/sh
# Backup of Mail Box benchmark: 1 GiB in 100 inboxes (10 documents of
# about 1 MiB each per inbox), backup create (which reads everything back
# and verifies it), verify, and restore onto a fresh store, next to
# `tar -cf - DIR | sha256sum` of the same files. Prints MB/s, the ratio and
# the peak RSS (GNU time; packages time and bc). Needs about 3.5 GiB free
# in $BENCH_DIR (default /tmp). BENCH_MB sets the size, BENCH_REPEAT the runs.
#
#   bench/backup.sh [path/to/svcmode]     (default build/src/svcmode)
set -eu
SVCMODE=${1:-build/src/svcmode}
SIZE_MB=${BENCH_MB:-1024}
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/svcmode-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export SVCMODE_DB="$DIR/src/device.db" SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321

per=$((SIZE_MB * 1024 * 1024 / 1000)) # bytes per document, 1000 documents
echo "generating $SIZE_MB MiB in 100 inboxes ..."
head -c "$per" /dev/urandom >"$DIR/doc.bin"
b=0
while [ $b -lt 100 ]; do
	set --
	i=0
	while [ $i -lt 10 ]; do
		# Each document different: a header of its own in front.
		f="$DIR/in/$b-$i.pdf"
		mkdir -p "$DIR/in"
		{ printf 'document %d of inbox %d\n' "$i" "$b"; cat "$DIR/doc.bin"; } >"$f"
		set -- "$@" "$f"
		i=$((i + 1))
	done
	"$SVCMODE" box store "$(printf %02d $b)" "$@" >/dev/null 2>&1
	rm -f "$@"
	b=$((b + 1))
done
bytes=$(du -sb "$DIR/src/device.db.d/docs" | cut -f1)
sync

# run LABEL CMD...: the best of $REPEAT runs (the machine may be shared):
# wall seconds into $secs, peak RSS (KiB) into $rss. $BEFORE runs first.
REPEAT=${BENCH_REPEAT:-3}
BEFORE=true
run() {
	label=$1
	shift
	secs=
	n=0
	while [ $n -lt "$REPEAT" ]; do
		sh -c "$BEFORE"
		/usr/bin/time -f '%e %M' -o "$DIR/time" "$@" >/dev/null 2>"$DIR/stderr" ||
			{ cat "$DIR/stderr"; exit 1; }
		s=$(cut -d' ' -f1 "$DIR/time")
		if [ -z "$secs" ] || [ "$(echo "$s < $secs" | bc)" = 1 ]; then
			secs=$s
			rss=$(cut -d' ' -f2 "$DIR/time")
		fi
		n=$((n + 1))
	done
	printf '%-34s %7.2f s %8.1f MB/s  peak RSS %6.1f MiB\n' "$label" "$secs" \
		"$(echo "$bytes / 1000000 / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
	[ "$label" = "${label#svcmode}" ] || svcrss=$((svcrss > rss ? svcrss : rss))
}
svcrss=0
# row FIGURE SECS TARGET: one tab-separated line for bench/all's table
# (MB/s, and the ratio to tar | sha256sum, run just before on the same files).
row() {
	printf 'row\tbackup %s, %d MiB\t%.1f MB/s\ttar | sha256sum %.1f MB/s (dd write %.1f)\t%.2fx\t%s\n' \
		"$1" "$SIZE_MB" "$(echo "$bytes / 1000000 / $2" | bc -l)" \
		"$(echo "$bytes / 1000000 / $base" | bc -l)" "$(echo "$bytes / 1000000 / $ddsecs" | bc -l)" \
		"$(echo "$base / $2" | bc -l)" "$3"
}

echo "$bytes bytes in $(ls "$DIR/src/device.db.d/docs" | grep -c doc) documents; best of $REPEAT runs"
run "tar -cf - DIR | sha256sum" sh -c "tar -cf - -C '$DIR/src/device.db.d' docs | sha256sum"
base=$secs
tarrss=$rss
# The disk's own write speed, fsynced: a restore writes every byte and
# syncs it, which tar | sha256sum does not; no restore can beat this.
BEFORE="rm -f '$DIR/dd.bin'"
run "dd write (zeros, fsync)" dd if=/dev/zero of="$DIR/dd.bin" bs=1000000 count="$((bytes / 1000000))" conv=fsync status=none
rm -f "$DIR/dd.bin"
ddsecs=$secs
BEFORE=true
BEFORE="rm -f '$DIR/all.zip'"
run "svcmode backup create (+verify)" "$SVCMODE" backup create "$DIR/all.zip"
create=$secs
BEFORE=true
run "svcmode backup verify" "$SVCMODE" backup verify "$DIR/all.zip"
verify=$secs
BEFORE="rm -rf '$DIR/dst' && SVCMODE_DB='$DIR/dst/device.db' '$SVCMODE' box list >/dev/null 2>&1"
run "svcmode backup restore" env SVCMODE_DB="$DIR/dst/device.db" "$SVCMODE" backup restore \
	"$DIR/all.zip"
restore=$secs
printf 'ratio to tar|sha256sum: create %.2fx, verify %.2fx, restore %.2fx\n' \
	"$(echo "$base / $create" | bc -l)" "$(echo "$base / $verify" | bc -l)" \
	"$(echo "$base / $restore" | bc -l)"
row "create (+verify)" "$create" "-"
row verify "$verify" "-"
row restore "$restore" ">= 1.2x"
printf 'row\tbackup create, verify, restore: peak RSS\t%.1f MiB\ttar %.1f MiB\t-\t<= 8 MiB\n' \
	"$(echo "$svcrss / 1024" | bc -l)" "$(echo "$tarrss / 1024" | bc -l)"
