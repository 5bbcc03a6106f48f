#!/bin/sh
# Export and import carry the inboxes' settings and the MAC exception lists
# with the settings, all or nothing: a store made like another from its
# export alone; a bad entry anywhere (a MAC address, an inbox number or
# field, an inbox password) refuses the whole file and changes nothing; an
# export without those parts leaves them as they are.
. "$SRC/tests/cli/lib.sh"
A="$WORK/a/device.db"
mkdir -p "$WORK/a"
sa() { SVCMODE_DB="$A" svc_mgr "$@"; }

svc init-store
SVCMODE_DB="$A" svc init-store
sa box set 07 name Sales
sa box set 07 auto-erase 3d
sa box set 42 print-on-store ON
sa mac add rx 00:1e:8f:12:34:56 00-1E-8F-AA-BB-CC
sa mac add tx 001e.8f00.0001
sa set network.email.address dev@example.test
# Inbox passwords stay each store's own: never exported, never imported.
printf 1111 | sa box set 11 password
printf 2222 | svc_mgr box set 11 password
b_hash=$(sqlite3 "$DB" "SELECT password FROM mailbox_inbox WHERE box = 11")
sa export "$WORK/a.json"
check_rc "export" 0
check_grep "inboxes in the export" a.json '"07": {"auto-erase": "3d", "name": "Sales", "print-on-store": "OFF"}'
check_nogrep "no inbox password in the export" a.json 'password'
check_nogrep "inbox settings only in their section" a.json '"box.07.name"'
check_grep "MAC lists in the export" a.json '"mac": {"rx": ["00:1E:8F:12:34:56", "00:1E:8F:AA:BB:CC"], "tx": ["00:1E:8F:00:00:01"]}'

# B already has an exception A lacks: the import makes B's list A's.
svc_mgr mac add rx 02:00:00:00:00:09
svc_mgr import "$WORK/a.json" --yes
check_rc "import" 0
check_grep "plan: inbox" err "box.07.name: '' -> 'Sales'"
check_grep "plan: mac remove" err "mac rx: remove 02:00:00:00:00:09"
sa box list; cp "$WORK/out" "$WORK/a.boxes"
svc_mgr box list
cmp -s "$WORK/out" "$WORK/a.boxes" && ok || fail "inbox settings differ after import"
sa mac list; sed 's/(added .*)//' "$WORK/out" >"$WORK/a.mac"
svc_mgr mac list; sed 's/(added .*)//' "$WORK/out" >"$WORK/b.mac"
cmp -s "$WORK/a.mac" "$WORK/b.mac" && ok || fail "MAC lists differ after import: $(diff "$WORK/a.mac" "$WORK/b.mac")"
[ "$(sqlite3 "$DB" "SELECT password FROM mailbox_inbox WHERE box = 11")" = "$b_hash" ] && ok ||
  fail "the import changed B's inbox password"
SVCMODE_BOX_PASSWORD=2222 svc box list 11
check_rc "B's inbox opens with B's password" 0
svc_mgr export "$WORK/b.json"
grep -v '"serial"' "$WORK/a.json" >"$WORK/a.cmp"; grep -v '"serial"' "$WORK/b.json" >"$WORK/b.cmp"
cmp -s "$WORK/a.cmp" "$WORK/b.cmp" && ok || fail "the two exports differ"
svc_mgr import "$WORK/a.json" --yes
check_grep "again: nothing to change" err "imported 0 changes"

# All or nothing: one bad entry anywhere, and the store is what it was.
bad() { # NAME SED-EXPRESSION EXPECTED
  sed "$2" "$WORK/a.json" >"$WORK/bad.json"
  before=$(snapshot)
  svc_mgr import "$WORK/bad.json" --yes
  [ "$RC" -ne 0 ] && ok || fail "$1: imported"
  check_grep "$1: message" err "$3"
  [ "$(snapshot)" = "$before" ] && ok || fail "$1: the store changed"
}
sa box set 07 name Other
sa export "$WORK/a.json"
bad "bad MAC" 's/00:1E:8F:AA:BB:CC/00:1E:8F:AA:BB:ZZ/' "mac.rx:"
bad "inbox 100" 's/"42": {/"100": {/' "inboxes.100: invalid instance: expected 00-99 (box.NN.*)"
bad "inbox 7" 's/"42": {/"7": {/' "inboxes.7: invalid instance: expected 00-99 (box.NN.*)"
bad "inbox not an object" 's/"42": {[^}]*}/"42": "x"/' "inboxes.42: expected an object of settings"
bad "inbox password" 's/"print-on-store": "ON"}/"print-on-store": "ON", "password": "1234"}/' "box.42.password cannot be imported"
bad "unknown field" 's/"print-on-store": "ON"}/"print-on-store": "ON", "colour": "red"}/' "unknown setting 'box.42.colour'"
bad "bad period" 's/"auto-erase": "3d"/"auto-erase": "3 weeks"/' "invalid value '3 weeks' for box.07.auto-erase: expected OFF, or minutes, hours or days"
bad "long name" 's/"name": "Other"/"name": "abcdefghijklmnopqrstuvwxy"/' "invalid value 'abcdefghijklmnopqrstuvwxy' for box.07.name"
bad "bad ON/OFF" 's/"print-on-store": "ON"/"print-on-store": "maybe"/' "invalid value 'maybe' for box.42.print-on-store: expected ON or OFF"
bad "inbox key in settings" 's/"settings": {/"settings": {"box.100.name": "x", /' "invalid instance '100' in 'box.100.name'"
svc_mgr box list
check_grep "nothing of the refused files" out "07  Sales"

# An export without the two parts: inboxes and lists stay as they are.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("inboxes"); d.pop("mac"); json.dump(d, open(sys.argv[2], "w"))' \
  "$WORK/a.json" "$WORK/old.json"
svc_mgr import "$WORK/old.json" --yes
check_rc "an export without inboxes and lists" 0
svc_mgr box list
check_grep "inboxes kept" out "07  Sales"
svc_mgr mac list
check_grep "MAC list kept" out "00:1E:8F:AA:BB:CC"

# An inbox setting in "settings" is a setting like any other.
sed 's/"settings": {/"settings": {"box.08.name": "Eight", /' "$WORK/old.json" >"$WORK/key.json"
svc_mgr import "$WORK/key.json" --yes
check_rc "box.08.name in settings" 0
svc_mgr box list
check_grep "box.08.name imported" out "08  Eight"

# Importing inboxes or lists is the System Manager's.
svc import "$WORK/a.json" --yes
check_rc "without credentials" 77
finish
