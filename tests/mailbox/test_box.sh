#!/bin/sh
# Mail Box from the command line: store, list, export, delete, settings,
# Auto Erase and orphan cleanup, on real files beside a real store.
. "$SRC/tests/cli/lib.sh"
DOCS="$DB.d/docs"
# The store and its documents directory (lib.sh's snapshot also sees out/err).
store_snap() { (cd "$WORK" && find device.db* -type f | sort | xargs sha256sum); }
docs_count() { find "$DOCS" -name '*.doc' | wc -l; }

head -c 300000 /dev/urandom >"$WORK/scan1.pdf"
printf 'hello inbox\n' >"$WORK/note.txt"

svc box store 07 "$WORK/scan1.pdf" "$WORK/note.txt"
check_rc "store two files" 0
check_grep "store names the numbers" out "07/0001"
check_grep "store names the numbers" out "07/0002"
[ "$(docs_count)" -eq 2 ] && ok || fail "two content files"
[ "$(stat -c %a "$DOCS")" = 700 ] && ok || fail "documents directory is 0700"
for f in "$DOCS"/*.doc; do [ "$(stat -c %a "$f")" = 600 ] || fail "content file $f not 0600"; done
ok

svc box list 07 --json
check_rc "list documents as JSON" 0
check_grep "sha256 of the stored file" out "$(sha256sum <"$WORK/scan1.pdf" | cut -d' ' -f1)"
check_grep "document name" out '"name": "note.txt"'
check_grep "document size" out '"size": 300000'
svc box list
check_grep "inbox table counts documents" out "07                               2       300012"

svc box export 07 0001 "$WORK/back.pdf"
check_rc "export" 0
cmp -s "$WORK/scan1.pdf" "$WORK/back.pdf" && ok || fail "exported content differs"
svc box export 07 2 -
check_out "export to stdout" "hello inbox"
# A device or FIFO is written through, never replaced (as root, a rename
# would put a regular file in place of /dev/null).
mkfifo "$WORK/fifo"
cat "$WORK/fifo" >"$WORK/from-fifo" &
svc box export 07 2 "$WORK/fifo"
wait
check_rc "export to a FIFO" 0
[ -p "$WORK/fifo" ] && [ "$(cat "$WORK/from-fifo")" = "hello inbox" ] && ok ||
  fail "export to a FIFO replaced it or lost the content"
svc export "$WORK/fifo" & sleep 0.2; cat "$WORK/fifo" >"$WORK/from-fifo"; wait
[ -p "$WORK/fifo" ] && grep -q '"settings"' "$WORK/from-fifo" && ok ||
  fail "settings export to a FIFO replaced it or lost the content"
svc_mgr backup create "$WORK/fifo"
check_rc "backup refuses a FIFO" 64
check_grep "backup names the FIFO" err "is not a regular file"
[ -p "$WORK/fifo" ] && ok || fail "backup create replaced the FIFO"

# Bad input changes nothing.
before=$(store_snap)
for args in "box store 100 $WORK/note.txt" "box store ab $WORK/note.txt" "box export 07 0 $WORK/x" \
	"box set 07 colour red" "box set 07 name abcdefghijklmnopqrstuvwxyz" \
	"box set 07 auto-erase 5x" "box set 07 auto-erase 400d" "box set 07 print-on-store maybe" \
	"box list 07 extra"; do
	svc $args
	check_rc "refused: $args" 64
done
svc box store 07 "$WORK/missing.pdf"
check_rc "missing input file" 66
svc box export 07 0042 "$WORK/x"
check_rc "missing document" 66
check_grep "missing document named" err "no document 0042 in inbox 07"
[ "$before" = "$(store_snap)" ] && ok || fail "bad input changed the store"
[ ! -e "$WORK/x" ] && ok || fail "failed export left a file"

svc box set 07 name "Sales dept"
check_rc "set name" 0
svc box set 07 print-on-store on
svc box set 07 auto-erase 12h
svc box list --json
check_grep "settings shown" out '{"box": "07", "name": "Sales dept", "password": false, "auto_erase": "12h", "print_on_store": true'

# The same settings are the catalog's box.NN.* keys: one declaration for
# the hundred inboxes, read and written like any setting.
svc get box.07.name; check_out "box.07.name read as a setting" "Sales dept"
svc get box.07.auto-erase; check_out "box.07.auto-erase read as a setting" "12h"
svc describe box.42.auto-erase
check_grep "described from the catalog" out "Time until Document Auto Erase"
svc box set 07 auto-erase 48h; svc get box.07.auto-erase; check_out "period in its unit" "2d"
svc box set 07 auto-erase 12h
sqlite3 "$DB" "SELECT event, key, old, new FROM audit WHERE event = 'box.set' ORDER BY rowid DESC LIMIT 1" >"$WORK/audit"
check_grep "audited as box.set with the key" audit "box.set|box.07.auto-erase|2d|12h"
before=$(store_snap)
svc box set 07 auto-erase 5x
check_rc "bad period" 64
check_grep "bad period: key, value, expected" err "invalid value '5x' for box.07.auto-erase: expected OFF, or minutes, hours or days"
svc set box.07.name Other
check_rc "as a setting, the System Manager's" 77
svc_mgr set box.100.name Other
check_rc "bad instance" 64
check_grep "bad instance named" err "invalid instance '100' in 'box.100.name' (box.NN.name): expected 00-99"
svc_mgr set box.07.print-on-store maybe
check_rc "bad value as a setting" 65
check_grep "bad value named" err "invalid value 'maybe' for box.07.print-on-store: expected ON or OFF"
[ "$before" = "$(store_snap)" ] && ok || fail "refused inbox settings changed the store"
svc_mgr set box.08.name Legal
check_rc "box.08.name as a setting" 0
svc box list; check_grep "set as a setting, shown by box list" out "08  Legal"

# A damaged content file is caught by its SHA-256 on export.
f=$(sqlite3 "$DB" "SELECT file FROM mailbox_doc WHERE box = 7 AND no = 1")
damage "$DOCS/$f" 1000
svc box export 07 0001 "$WORK/bad.pdf"
check_rc "damaged document refused" 65
check_grep "damage named" err "document 0001 of inbox 07 is damaged"
[ ! -e "$WORK/bad.pdf" ] && ok || fail "damaged export left a file"

# Delete overwrites and removes the content file and the row.
svc box delete 07 0001
check_rc "delete" 0
[ ! -e "$DOCS/$f" ] && ok || fail "deleted content file still there"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_doc WHERE box = 7")" = 1 ] && ok ||
	fail "row not deleted"
svc box delete 07 0001
check_rc "delete twice" 66
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE event = 'box.delete'")" = 1 ] && ok ||
	fail "delete not audited"

# Auto Erase at start: a document past its period is erased.
svc box set 05 auto-erase 1h
svc box store 05 "$WORK/note.txt"
svc box store 06 "$WORK/note.txt"
sqlite3 "$DB" "UPDATE mailbox_doc SET stored_at = stored_at - 7200 WHERE box IN (5, 6)"
n=$(docs_count)
svc box list
check_grep "Auto Erase says so" err "Auto Erase removed 1 expired document"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_doc WHERE box = 5")" = 0 ] && ok ||
	fail "expired document kept"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_doc WHERE box = 6")" = 1 ] && ok ||
	fail "document of an inbox without Auto Erase erased"
[ "$(docs_count)" -eq $((n - 1)) ] && ok || fail "expired content file kept"

# Files that no row names (an interrupted store) are removed at start.
printf junk >"$DOCS/0123456789abcdef0123456789abcdef.doc"
printf junk >"$DOCS/0123456789abcdef0123456789abcdef.tmp"
svc box list
[ ! -e "$DOCS/0123456789abcdef0123456789abcdef.doc" ] && ok || fail "orphan kept"
[ ! -e "$DOCS/0123456789abcdef0123456789abcdef.tmp" ] && ok || fail "temporary file kept"
[ "$(docs_count)" -eq "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_doc")" ] && ok ||
	fail "files and rows disagree"

# An inbox holds at most 100 documents.
i=0
set --
while [ $i -lt 100 ]; do set -- "$@" "$WORK/note.txt"; i=$((i + 1)); done
svc box store 09 "$@"
check_rc "100 documents fit" 0
svc box store 09 "$WORK/note.txt"
check_rc "the 101st is refused" 73
check_grep "full inbox named" err "inbox 09 is full"
[ "$(docs_count)" -eq "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_doc")" ] && ok ||
	fail "refused document left a file"

svc box --help
check_rc "box --help" 0
check_grep "help lists export" out "box export NN DOC"
finish
