#!/bin/sh
# Backup of Mail Box round trips: all inboxes, some, merge, replace, onto a
# store with another serial, encrypted and not; the archive opened with
# Debian's own tools.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"
make_source
state "$DB" >"$WORK/src.state"

svc backup create "$WORK/all.zip"
check_rc "create" 0
check_grep "create says verified" err "backup written and verified"
[ "$(stat -c %a "$WORK/all.zip")" = 600 ] && ok || fail "backup not 0600"
ls "$WORK" | grep -q partial && fail "temporary file left" || ok
svc backup verify "$WORK/all.zip"
check_rc "verify" 0
check_grep "verify reports" out "OK $WORK/all.zip"
svc backup list "$WORK/all.zip"
check_rc "list" 0
check_grep "list shows inbox" out "inbox 03 Sales"
check_grep "list shows documents" out "scan 2.pdf"
svc backup list "$WORK/all.zip" --json
check_grep "list json has serial" out "\"serial\": \"$(sqlite3 "$DB" 'SELECT serial FROM device')\""

# A PC opens it: bsdtar and unzip; the files and SHA256SUMS match.
mkdir "$WORK/x"
bsdtar -xf "$WORK/all.zip" -C "$WORK/x" && ok || fail "bsdtar cannot extract"
cmp -s "$WORK/x/inboxes/03/0001 scan1.pdf" "$WORK/scan1.pdf" && ok || fail "bsdtar: scan1 differs"
cmp -s "$WORK/x/inboxes/03/0002 scan 2.pdf" "$WORK/scan 2.pdf" && ok || fail "bsdtar: scan 2 differs"
cmp -s "$WORK/x/inboxes/07/0001 mail.eml" "$WORK/mail.eml" && ok || fail "bsdtar: mail differs"
(cd "$WORK/x" && sha256sum --quiet -c SHA256SUMS) && ok || fail "SHA256SUMS does not check"
unzip -tq "$WORK/all.zip" >/dev/null && ok || fail "unzip -t fails"

# Onto another device (another serial): everything comes back.
T1="$WORK/t1/device.db"
on "$T1" backup restore "$WORK/all.zip"
check_rc "restore onto another serial" 0
check_grep "says it is another device" out "the backup comes from another device"
state "$T1" >"$WORK/t1.state"
cmp -s "$WORK/src.state" "$WORK/t1.state" && ok || fail "restored state differs"
files_match_rows "$T1" && ok || fail "restored files and rows disagree"
SVCMODE_BOX_PASSWORD=2468 on "$T1" box list 03
SVCMODE_MANAGER_ID= SVCMODE_MANAGER_PIN= SVCMODE_BOX_PASSWORD=2468 SVCMODE_DB="$T1" svc box list 03
check_rc "password travels as its hash" 0
SVCMODE_MANAGER_ID= SVCMODE_MANAGER_PIN= SVCMODE_BOX_PASSWORD=1111 SVCMODE_DB="$T1" svc box list 03
check_rc "wrong password still refused" 77
SVCMODE_MANAGER_ID= SVCMODE_MANAGER_PIN= SVCMODE_DB="$T1" svc box export 99 1 "$WORK/r.pdf"
cmp -s "$WORK/r.pdf" "$WORK/scan1.pdf" && ok || fail "restored content differs"

# Encrypted (AES-256): 7z opens it with the passphrase; a wrong one fails.
on_in "$DB" "short" backup create "$WORK/enc.zip" --encrypt
check_rc "short passphrase refused" 64
on_in "$DB" "correct horse battery" backup create "$WORK/enc.zip" --encrypt
check_rc "create encrypted" 0
check_grep "says encrypted" err "encrypted"
7z x -p"correct horse battery" -o"$WORK/e" "$WORK/enc.zip" >/dev/null 2>&1 && ok ||
	fail "7z cannot open the encrypted backup"
cmp -s "$WORK/e/inboxes/03/0001 scan1.pdf" "$WORK/scan1.pdf" && ok || fail "7z: content differs"
7z l -slt "$WORK/enc.zip" | grep -q "AES-256" && ok || fail "not AES-256"
grep -c MARKER-DOCUMENT-CONTENT "$WORK/enc.zip" >/dev/null && fail "plain text in encrypted backup" || ok
on_in "$DB" "correct horse battery" backup verify "$WORK/enc.zip"
check_rc "verify encrypted" 0
T2="$WORK/t2/device.db"
on "$T2" box list
before=$(store_snap "$T2")
on_in "$T2" "wrong horse battery" backup restore "$WORK/enc.zip"
check_rc "wrong passphrase" 77
check_grep "says wrong passphrase" err "wrong passphrase"
[ "$before" = "$(store_snap "$T2")" ] && ok || fail "wrong passphrase changed the store"
on_in "$T2" "" backup list "$WORK/enc.zip"
check_rc "no passphrase" 77
on_in "$T2" "correct horse battery" backup restore "$WORK/enc.zip"
check_rc "restore encrypted" 0
state "$T2" >"$WORK/t2.state"
cmp -s "$WORK/src.state" "$WORK/t2.state" && ok || fail "encrypted round trip differs"

# Some inboxes.
svc backup create "$WORK/some.zip" --box 03,99
check_rc "create some" 0
svc backup list "$WORK/some.zip" --json
check_nogrep "inbox 07 left out" out '"box": "07"'
T3="$WORK/t3/device.db"
on "$T3" backup restore "$WORK/some.zip" --box 07
check_rc "inbox not in the backup" 64
on "$T3" backup restore "$WORK/some.zip"
check_rc "restore some" 0
on "$T3" box list 99 --json
check_grep "inbox 99 restored" out "scan1.pdf"
on "$T3" box list 07 --json
# An empty JSON array (however it is spaced).
[ "$(tr -d ' \n' <"$WORK/out")" = "[]" ] && ok || fail "inbox 07 untouched: expected []"

# Merge keeps what is there; replace makes the inbox what the backup holds.
T4="$WORK/t4/device.db"
printf 'mine\n' >"$WORK/mine.txt"
on "$T4" box store 03 "$WORK/mine.txt"
before=$(store_snap "$T4")
on "$T4" backup restore "$WORK/all.zip"
check_rc "non-empty inbox needs a mode" 64
check_grep "names the inbox" err "inboxes not empty: 03"
[ "$before" = "$(store_snap "$T4")" ] && ok || fail "refused restore changed the store"
on "$T4" backup restore "$WORK/all.zip" --box 03 --replace --dry-run
check_rc "dry run" 0
check_grep "dry run plan" out "inbox 03: replace: 1 document removed, 3 restored"
check_grep "dry run says so" out "dry run: nothing was changed"
[ "$before" = "$(store_snap "$T4")" ] && ok || fail "dry run changed the store"
on "$T4" backup restore "$WORK/all.zip" --box 03 --merge
check_rc "merge" 0
[ "$(sqlite3 "$T4" 'SELECT count(*) FROM mailbox_doc WHERE box = 3')" = 4 ] && ok || fail "merge count"
[ "$(sqlite3 "$T4" "SELECT name FROM mailbox_doc WHERE box = 3 AND no = 1")" = mine.txt ] && ok ||
	fail "merge kept the existing document under its number"
on "$T4" backup restore "$WORK/all.zip" --box 03 --merge
check_grep "second merge adds nothing" out "0 documents restored, 3 already there"
[ "$(sqlite3 "$T4" 'SELECT count(*) FROM mailbox_doc WHERE box = 3')" = 4 ] && ok || fail "merge twice"
files_match_rows "$T4" && ok || fail "merge: files and rows disagree"
on "$T4" backup restore "$WORK/all.zip" --box 03 --replace
check_rc "replace" 0
on "$T4" box list 03 --json
cp "$WORK/out" "$WORK/t4.03"
on "$DB" box list 03 --json
cmp -s "$WORK/out" "$WORK/t4.03" && ok || fail "replaced inbox differs from the source"
files_match_rows "$T4" && ok || fail "replace left the old file"
on "$T4" backup restore "$WORK/all.zip" --merge --replace
check_rc "--merge with --replace" 64

# To stdout, then verified.
"$SVCMODE" backup create - >"$WORK/stdout.zip" 2>"$WORK/err"
RC=$?
check_rc "create to stdout" 0
svc backup verify "$WORK/stdout.zip"
check_rc "stdout backup verifies" 0

# A document damaged in the store: create fails and leaves no file.
f=$(sqlite3 "$DB" "SELECT file FROM mailbox_doc WHERE box = 99")
damage "$DB.d/docs/$f" 10
svc backup create "$WORK/bad.zip"
check_rc "damaged store document" 65
check_grep "names the document" err "document 99/0001 'scan1.pdf' is damaged in the store"
[ ! -e "$WORK/bad.zip" ] && ok || fail "failed create left a file"

# Rights: without System Manager credentials, refused; a refusal at the
# door writes nothing, not even an audit record.
audits=$(sqlite3 "$DB" "SELECT count(*) FROM audit")
SVCMODE_MANAGER_ID= SVCMODE_MANAGER_PIN= svc backup create "$WORK/no.zip" </dev/null
check_rc "needs System Manager" 77
check_grep "says who may" err "System Manager ID and PIN"
[ ! -e "$WORK/no.zip" ] && ok || fail "refused create left a file"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit")" = "$audits" ] && ok ||
	fail "the refusal wrote to the store"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE event = 'backup.create'")" -ge 3 ] && ok ||
	fail "backups not audited"
svc backup --help
check_grep "help" out "backup restore FILE"
finish
