#!/bin/sh
# Page counts of stored documents, on real files made by Debian's tools:
# multi-page TIFFs from libtiff's raw2tiff and tiffcp (little- and
# big-endian), PDFs from tiff2pdf and qpdf. A PDF whose page objects sit in
# compressed object streams, a damaged TIFF and other files count 1 page.
# A backup round trip keeps the counts.
. "$SRC/tests/cli/lib.sh"
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
for t in raw2tiff tiffcp tiff2pdf qpdf; do
	command -v $t >/dev/null || { echo "SKIP: $t missing (apt-get install libtiff-tools qpdf)"; exit 0; }
done
cd "$WORK" || exit 1
head -c 4096 /dev/urandom >raw
raw2tiff -w 64 -l 64 raw p1.tif
tiffcp p1.tif p1.tif p1.tif three.tif
tiffcp -B p1.tif p1.tif p1.tif p1.tif p1.tif five-be.tif
tiff2pdf -o three.pdf three.tif
tiff2pdf -o five.pdf five-be.tif
qpdf five.pdf --pages five.pdf 1,3 -- two.pdf
qpdf --object-streams=generate three.pdf three-objstm.pdf
head -c 9000 three.tif >cut.tif # the third directory is cut off
printf 'II*\000\010\000\000\000\001\000AAAAAAAAAAAA\010\000\000\000' >loop.tif # IFD -> itself
printf '%%PDF-1.4 but nothing else\n' >empty.pdf
printf 'hello\n' >note.txt

# pages NAME: the page count `box list 01 --json` shows for document NAME.
pages() {
	sed -n "s/.*\"name\": \"$1\".*\"pages\": \([0-9]*\).*/\1/p" "$WORK/out"
}
svc_mgr box store 01 three.tif five-be.tif three.pdf five.pdf two.pdf three-objstm.pdf cut.tif \
	loop.tif empty.pdf note.txt p1.tif
check_rc "store the files" 0
svc_mgr box list 01 --json
for want in three.tif:3 five-be.tif:5 three.pdf:3 five.pdf:5 two.pdf:2 three-objstm.pdf:1 \
	cut.tif:1 loop.tif:1 empty.pdf:1 note.txt:1 p1.tif:1; do
	name=${want%:*} n=${want#*:}
	[ "$(pages "$name")" = "$n" ] && ok || fail "$name: expected $n pages, got '$(pages "$name")'"
done
svc_mgr box list 01
check_grep "the list shows the pages" out "     5 "

# The counts travel in a backup and come back with a restore.
svc_mgr backup create b.zip
check_rc "backup" 0
SVCMODE_DB="$WORK/t/device.db" svc_mgr backup restore b.zip
check_rc "restore" 0
SVCMODE_DB="$WORK/t/device.db" svc_mgr box list 01 --json
[ "$(pages five-be.tif)" = 5 ] && [ "$(pages two.pdf)" = 2 ] && ok ||
	fail "the restored counts differ"
finish
