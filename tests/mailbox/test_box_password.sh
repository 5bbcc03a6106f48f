#!/bin/sh
# Inbox passwords: digits only, at most 7, not all zeros, never on the
# command line, stored hashed, checked with lockout; System Manager rights
# open any inbox.
. "$SRC/tests/cli/lib.sh"
printf 'hello\n' >"$WORK/note.txt"
# svc_in LINE ARGS...: svc with LINE on stdin (a pipe would run svc in a subshell).
svc_in() { printf '%s\n' "$1" >"$WORK/stdin"; shift; svc "$@" <"$WORK/stdin"; }
svc box store 04 "$WORK/note.txt"

svc box set 04 password 1234
check_rc "password on argv refused" 64
check_grep "says why" err "on the command line"
for bad in 12345678 12a4 0000000 000; do
	svc_in "$bad" box set 04 password
	check_rc "password '$bad' refused" 64
done
[ "$(sqlite3 "$DB" "SELECT count(*) FROM mailbox_inbox WHERE password <> ''")" = 0 ] && ok ||
	fail "a refused password was stored"

svc_in 1234 box set 04 password
check_rc "set password" 0
sqlite3 "$DB" "SELECT password FROM mailbox_inbox WHERE box = 4" >"$WORK/hash"
grep -q '^pbkdf2-sha256\$' "$WORK/hash" && ok || fail "password not stored as a hash"
grep -q 1234 "$WORK/hash" && fail "password in clear" || ok
svc box list --json
check_grep "list shows only that a password is set" out '{"box": "04", "name": "", "password": true'
check_nogrep "never the hash" out "pbkdf2"

svc box list 04 </dev/null
check_rc "protected inbox without password" 77
check_grep "asks for it" err "inbox 04 is protected by a password"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE event = 'refused' AND key = 'box:04'")" = 1 ] &&
	ok || fail "refusal not audited"
SVCMODE_BOX_PASSWORD=1234 svc box list 04
check_rc "right password" 0
check_grep "documents listed" out "note.txt"
SVCMODE_BOX_PASSWORD=0001234 svc box list 04
check_rc "padded like the panel" 0
svc_mgr box list 04 </dev/null
check_rc "System Manager opens it" 0
SVCMODE_BOX_PASSWORD=1234 svc box export 04 1 "$WORK/out.txt"
check_rc "export with password" 0
svc box delete 04 1 </dev/null
check_rc "delete needs the password" 77
svc box set 04 name Legal </dev/null
check_rc "settings need the password" 77

# Three wrong passwords lock the inbox, even against the right one.
for i in 1 2 3; do
	SVCMODE_BOX_PASSWORD=9999 svc box list 04
	check_rc "wrong password $i" 77
done
SVCMODE_BOX_PASSWORD=1234 svc box list 04
check_rc "locked" 75
[ "$(sqlite3 "$DB" "SELECT failures FROM door WHERE name = 'box:04'")" -ge 3 ] && ok ||
	fail "failures not recorded"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE key = 'box:04' OR detail LIKE '%box:04%'")" -ge 3 ] && ok ||
	fail "attempts not audited"

# An empty line removes the password (with System Manager rights here).
printf '\n' >"$WORK/stdin"
svc_mgr box set 04 password <"$WORK/stdin"
check_rc "remove password" 0
svc box list 04 </dev/null
check_rc "open again" 0
finish
