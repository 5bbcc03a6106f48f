#!/bin/sh
# Damaged, truncated, tampered, foreign and newer-format archives: verify
# fails with a clear error and restore leaves the store as it was.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"
EDIT="python3 $SRC/tests/backup/zipedit.py"
make_source
svc backup create "$WORK/good.zip"
check_rc "create" 0
printf 'correct horse battery\n' >"$WORK/pass"
svc backup create "$WORK/enc.zip" --encrypt <"$WORK/pass"
check_rc "create encrypted" 0

T="$WORK/t/device.db"
printf 'mine\n' >"$WORK/mine.txt"
on "$T" box store 05 "$WORK/mine.txt"
before=$(store_snap "$T")

# refused NAME FILE PATTERN [STDIN]: verify and restore both fail with exit
# 65 naming PATTERN, and the target store is unchanged.
refused() {
	SVCMODE_DB="$T" svc backup verify "$2" <"${4:-/dev/null}"
	check_rc "$1: verify" 65
	check_grep "$1: verify says" err "$3"
	SVCMODE_DB="$T" svc backup restore "$2" --replace <"${4:-/dev/null}"
	check_rc "$1: restore" 65
	check_grep "$1: restore says" err "$3"
	[ "$before" = "$(store_snap "$T")" ] && ok || fail "$1: the store changed"
}

cp "$WORK/good.zip" "$WORK/doc.zip"
$EDIT flip "$WORK/doc.zip" MARKER-DOCUMENT-CONTENT
refused "flipped byte in a document" "$WORK/doc.zip" "damaged"

cp "$WORK/good.zip" "$WORK/man.zip"
$EDIT flip "$WORK/man.zip" '"name": "scan 2.pdf"'
refused "flipped byte in the manifest" "$WORK/man.zip" "damaged or tampered with: svcmode-backup.json does not match SHA256SUMS"

size=$(stat -c %s "$WORK/good.zip")
head -c $((size - 10)) "$WORK/good.zip" >"$WORK/cut1.zip"
refused "truncated end" "$WORK/cut1.zip" "not a complete svcmode backup"
head -c $((size / 2)) "$WORK/good.zip" >"$WORK/cut2.zip"
refused "truncated half" "$WORK/cut2.zip" "not a complete svcmode backup"

$EDIT format "$WORK/good.zip" "$WORK/newer.zip" 2
refused "newer format" "$WORK/newer.zip" "is backup format 2, newer than this svcmode reads (1)"

$EDIT extra "$WORK/good.zip" "$WORK/extra.zip"
refused "unlisted entry" "$WORK/extra.zip" "holds 'evil.txt', which the manifest does not list"

head -c 50000 /dev/urandom >"$WORK/random.zip"
refused "not an archive" "$WORK/random.zip" "not a complete svcmode backup"

(cd "$WORK" && zip -q plain.zip mine.txt 2>/dev/null || python3 -c "
import zipfile; zipfile.ZipFile('plain.zip', 'w').write('mine.txt')")
refused "a ZIP that is not a backup" "$WORK/plain.zip" "not an svcmode backup"

cp "$WORK/enc.zip" "$WORK/encdoc.zip"
# Flip a byte in the middle of the largest encrypted entry (scan1.pdf).
python3 - "$WORK/encdoc.zip" <<'PY'
import sys, zipfile
p = sys.argv[1]
with zipfile.ZipFile(p) as z:
    i = max(z.infolist(), key=lambda i: i.compress_size)
data = bytearray(open(p, "rb").read())
data[i.header_offset + 200 + i.compress_size // 2] ^= 0x01
open(p, "wb").write(bytes(data))
PY
refused "flipped byte in an encrypted document" "$WORK/encdoc.zip" "damaged" "$WORK/pass"

SVCMODE_DB="$T" svc backup verify "$WORK/none.zip"
check_rc "missing file" 66

# A manifest whose sums are right but whose values are nonsense: each
# refused with 65, naming the field, before anything is trusted.
inbox3='[i for i in m["inboxes"] if i["box"] == 3][0]'
patched() { # NAME CODE PATTERN
	$EDIT patch "$WORK/good.zip" "$WORK/p.zip" "$2" || fail "$1: cannot patch"
	refused "$1" "$WORK/p.zip" "$3"
}
patched "malformed password hash" "$inbox3[\"password\"] = \"pbkdf2-sha256\$100000\$abc\$def\"" \
	"'password' of inbox 03"
patched "10,000,000 iterations" \
	"$inbox3[\"password\"] = re.sub(r'\\$[0-9]+\\$', '\$10000000\$', $inbox3[\"password\"], 1)" \
	"'password' of inbox 03"
patched "1,000 iterations" \
	"$inbox3[\"password\"] = re.sub(r'\\$[0-9]+\\$', '\$1000\$', $inbox3[\"password\"], 1)" \
	"'password' of inbox 03"
patched "a box beyond 32 bits" "$inbox3[\"box\"] = 4294967299" "'box' (4294967299)"
patched "a document's box beyond 32 bits" "m[\"documents\"][0][\"box\"] = 4294967299" \
	"'box' (4294967299)"
patched "a creation date in year 9999" "m[\"created\"] = \"9999-01-01T00:00:00Z\"" "'created'"
patched "a document stored in year 5138" "m[\"documents\"][0][\"stored\"] = 99999999999" \
	"'stored' (99999999999)"
finish
