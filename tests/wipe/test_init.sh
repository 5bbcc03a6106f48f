#!/bin/sh
# svcmode init: refusals change nothing; --all erases user data and resets
# settings, keeps service settings, identity and counters; --settings-only
# keeps data; the report; an interrupted initialization is completed by
# the next command.
. "$SRC/tests/cli/lib.sh"
DOCS="$DB.d/docs"
svc2() { SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@"; }
sql() { sqlite3 "$DB" "$1"; }
# The store's files, without the outputs that lib.sh keeps beside them.
store_files() { snapshot | grep -v ' \./\(out\|err\)$'; }
plant_docs() {
  mkdir -p "$DOCS/00" "$DOCS/07"
  head -c 100000 /dev/urandom >"$DOCS/00/0001.pdf"
  printf 'a document\n' >"$DOCS/07/0002.tif"
}

svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out"); MAC=$(awk '/^mac/ {print $2}' "$WORK/out")
check_rc "info" 0
svc_mgr set system.manager.name "Alice"
svc2 set service.lockout.delay 60
check_rc "service setting" 0
plant_docs

before=$(store_files)
svc_mgr init --all
check_rc "no --confirm refused" 64
check_grep "no --confirm names the serial" err "$SERIAL"
svc_mgr init --all --confirm XYZ99999
check_rc "wrong serial refused" 77
svc_mgr init --all --settings-only --confirm "$SERIAL"
check_rc "two presets refused" 64
svc_mgr init --report --confirm "$SERIAL"
check_rc "report with confirm refused" 64
[ "$before" = "$(store_files)" ] && ok || fail "refusals changed the store's files"

svc init --all --confirm "$SERIAL"
check_rc "no credentials refused" 77
[ -f "$DOCS/00/0001.pdf" ] && ok || fail "refusal without rights erased documents"
svc get system.manager.name
check_out "refusal without rights kept settings" "Alice"

svc_mgr set network.tcpip.hostname printer7
svc_mgr set network.email.pop.password <<EOS
hunter2
EOS
# Failed attempts: the manager's lockout state goes, the service door's stays.
MGR_PIN=1111111 svc_mgr get system.manager.name
SVCMODE_SERVICE_CODE=1111111 svc set service.lockout.delay 90
check_rc "wrong service code" 77
# A changed System Manager PIN: it is the one that authorizes, then it is reset.
svc_mgr set system.manager.pin <<EOS
1234567
EOS
check_rc "change manager pin" 0
MGR_PIN=1234567 svc_mgr init --all --confirm "$SERIAL"
check_rc "init --all" 0
check_grep "progress on stderr" err "100%"
check_grep "report: method" out "1 Pass Zeros"
check_grep "report: verification" out "verification:  passed"
check_grep "report: serial" out "serial $SERIAL"
check_grep "report: operator" out "tester (manager)"
check_grep "report: settings count" out "4 settings"
check_grep "report: document count" out "2 document files"
check_grep "report: bytes" out "100011 bytes"
svc get system.manager.name; check_out "manager name reset" ""
svc get network.tcpip.hostname; check_out "hostname reset" "ir5570"
svc get network.email.pop.password; check_out "secret erased" ""
[ "$(sql "SELECT count(*) FROM setting WHERE key NOT GLOB 'service.*'")" = 0 ] && ok ||
  fail "setting rows left: $(sql "SELECT key FROM setting")"
svc2 get service.lockout.delay; check_out "service setting kept" "60"
svc_mgr init --report
check_rc "factory manager PIN works again" 0
svc info
check_grep "serial kept" out "$SERIAL"
check_grep "mac kept" out "$MAC"
check_grep "counters kept" out "counter total"
[ -z "$(find "$DOCS" -type f ! -name .lock)" ] && ok || fail "document files left: $(find "$DOCS" -type f ! -name .lock)"
[ "$(sql "SELECT name FROM door WHERE failures > 0")" = service1 ] && ok ||
  fail "lockout states: $(sql "SELECT * FROM door")"
[ "$(sql "SELECT count(*) FROM wipe_job")" = 0 ] && ok || fail "intent left recorded"
[ ! -s "$DB-wal" ] && ok || fail "WAL not empty after init"
svc log
check_grep "audit: start" out "init.start"
check_grep "audit: done with counts" out "4 settings"
check_grep "audit: values erased" out "'(erased)'"
check_nogrep "audit: no old value" out "printer7"

svc init --report --json
check_rc "report --json" 0
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["verified"] and r["erased"]["document files"]==2 and r["serial"]==sys.argv[2] and r["method"]=="1 Pass Zeros", r' \
  "$WORK/out" "$SERIAL" && ok || fail "report JSON"

# Service level 1 may initialize; DoD 3 passes with read-back.
svc_mgr set system.init.erase_method "3 Passes DoD"
svc_mgr set system.init.verify ON
plant_docs
SVCMODE_SERVICE_CODE=2828282 svc init --confirm "$SERIAL"
check_rc "service level 1 initializes (default preset all)" 0
check_grep "dod method" out "3 Passes DoD"
check_grep "three passes counted" out "300033 bytes"
check_grep "read-back" out "read-back of overwritten files matched"
check_grep "operator level" out "(service1)"
svc get system.init.erase_method; check_out "erase method itself reset" "1 Pass Zeros"

# settings-only keeps documents.
plant_docs
svc_mgr set system.manager.name "Bob"
svc_mgr init --settings-only --confirm "$SERIAL"
check_rc "settings-only" 0
check_grep "settings-only scope" out "settings-only"
[ -f "$DOCS/00/0001.pdf" ] && ok || fail "settings-only erased documents"
svc get system.manager.name; check_out "settings-only reset" ""

# At a terminal without --confirm, svcmode asks for the serial number.
tty_init() {
  printf '%s\n' "$1" | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
    script -qec "$SVCMODE init --all" /dev/null >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
tty_init XXX11111
check_rc "terminal: wrong serial typed" 77
check_grep "terminal: asks" out "Type $SERIAL to confirm"
[ -f "$DOCS/00/0001.pdf" ] && ok || fail "terminal: wrong serial erased documents"
tty_init "$SERIAL"
check_rc "terminal: serial typed" 0
check_grep "terminal: report" out "2 document files"

# An interrupted initialization: the intent is recorded, nothing erased yet.
svc_mgr set network.tcpip.hostname halfway
sql "INSERT INTO wipe_job (id, preset, method, verify, operator, level, started, started_ms)
     VALUES (1, 'all', '1 Pass Random', 0, 'nightshift', 'manager', '2026-01-01T00:00:00Z', 0)"
svc get network.tcpip.hostname
check_rc "next command runs after completing" 0
check_out "next command sees the initialized store" "ir5570"
check_grep "says so" err "interrupted"
[ -z "$(find "$DOCS" -type f ! -name .lock)" ] && ok || fail "resume left documents"
svc init --report
check_grep "resumed report: operator who started" out "nightshift"
check_grep "resumed report: interrupted once" out "interrupted:   1 time;"
check_grep "resumed report: method" out "1 Pass Random"
svc info
check_nogrep "completed only once" err "interrupted"

# --backup FILE: the Mail Box is saved and verified first; a bad target
# stops everything before anything is erased.
printf 'keep me\n' >"$WORK/doc.txt"
svc_mgr box store 03 "$WORK/doc.txt"; check_rc "document to back up" 0
serial=$(svc info >/dev/null; sed -n 's/^serial: *//p' "$WORK/out")
svc_mgr init --all --backup /proc/nope/b.zip --confirm "$serial"
check_rc "backup to an impossible place" 73
svc_mgr box list 03; check_grep "nothing erased when the backup failed" out "doc.txt"
svc_mgr init --all --backup "$WORK/before-init.zip" --confirm "$serial"
check_rc "init with backup first" 0
check_grep "backup reported" err "backed up"
svc_mgr box list 03; check_nogrep "documents erased" out "doc.txt"
svc_mgr backup verify "$WORK/before-init.zip"; check_rc "the backup verifies" 0
svc_mgr backup restore "$WORK/before-init.zip"; check_rc "and restores" 0
svc_mgr box list 03; check_grep "document back" out "doc.txt"
# --backup FILE --encrypt: the passphrase (read from stdin here; asked twice
# at a terminal) protects the backup; its full path is shown.
svc_mgr box store 03 "$WORK/doc.txt"; check_rc "document to back up encrypted" 0
printf 'correct horse battery\n' >"$WORK/pass"
printf 'wrong horse battery\n' >"$WORK/wrongpass"
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere" || exit 1
svc_mgr init --all --backup enc.zip --encrypt --confirm "$serial" <"$WORK/pass"
cd - >/dev/null || exit 1
check_rc "init with an encrypted backup" 0
check_grep "backup path shown in full" out "backup:        $(realpath "$WORK/elsewhere/enc.zip")"
check_grep "backup said encrypted" out "encrypted:     yes"
svc_mgr box list 03; check_nogrep "encrypted backup: documents erased" out "doc.txt"
grep -qa "keep me" "$WORK/elsewhere/enc.zip" && fail "document in clear in the encrypted backup" || ok
svc_mgr backup verify "$WORK/elsewhere/enc.zip" </dev/null
check_rc "encrypted backup: no passphrase, no verify" 77
svc_mgr backup verify "$WORK/elsewhere/enc.zip" <"$WORK/wrongpass"
check_rc "encrypted backup: wrong passphrase refused" 77
svc_mgr backup verify "$WORK/elsewhere/enc.zip" <"$WORK/pass"
check_rc "encrypted backup verifies with its passphrase" 0
check_grep "verify says encrypted" out ", encrypted"
svc_mgr backup restore "$WORK/elsewhere/enc.zip" <"$WORK/wrongpass"
check_rc "encrypted backup: wrong passphrase, no restore" 77
svc_mgr box list 03; check_nogrep "nothing restored with a wrong passphrase" out "doc.txt"
svc_mgr backup restore "$WORK/elsewhere/enc.zip" <"$WORK/pass"
check_rc "encrypted backup restores with its passphrase" 0
svc_mgr box list 03; check_grep "encrypted backup: document back" out "doc.txt"

# Where Initialize would erase the backup, or where its report goes, and a
# short passphrase: refused before anything is written (not even a login
# record), the store byte for byte as it was.
ln -s "$DB.d" "$WORK/docs-link"
before=$(store_files)
for f in "$DB.d/b.zip" "$DB.d/docs/b.zip" "$DB.bak.zip" "$DB-backup" "$WORK/docs-link/b.zip" \
  "$WORK/store/../store/device.db.d/b.zip"; do
  svc_mgr init --all --backup "$f" --confirm "$serial"
  check_rc "backup refused at $f" 73
  check_grep "backup refused at $f: says why" err "Initialize erases it"
  [ -e "$f" ] && fail "backup refused at $f: a file was written" || ok
done
svc_mgr init --all --backup - --confirm "$serial"
check_rc "backup to stdout refused" 64
printf 'short\n' >"$WORK/shortpass"
svc_mgr init --all --backup "$WORK/short.zip" --encrypt --confirm "$serial" <"$WORK/shortpass"
check_rc "short passphrase refused" 64
check_grep "short passphrase: says so" err "at least 8 characters"
svc_mgr init --all --encrypt --confirm "$serial" <"$WORK/pass"
check_rc "--encrypt without --backup refused" 64
[ ! -e "$WORK/short.zip" ] && ok || fail "short passphrase: a backup was written"

[ "$before" = "$(store_files)" ] && ok || fail "refused backups changed the store's files"
svc_mgr box list 03; check_grep "refused backups erased nothing" out "doc.txt"
# A name that only begins like the store's is not one of its files.
svc_mgr init --all --backup "${DB}x.zip" --confirm "$serial"
check_rc "a backup beside the store, not named like it" 0
[ -f "${DB}x.zip" ] && ok || fail "the backup beside the store is not there"
# Without root (the svcmode account), nft may not touch the kernel: a store
# that never loaded a ruleset still initializes, and says none was there.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && command -v nft >/dev/null; then
  NP=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-np.XXXXXX")
  chmod 777 "$NP"
  asnobody() {
    setpriv --reuid=nobody --regid=nogroup --clear-groups env SVCMODE_DB="$NP/d.db" HOME="$NP" \
      SVCMODE_SERVICE_CODE=2828282 ${SVCMODE_WRAP:-} "$SVCMODE" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
  }
  asnobody init-store --serial NPX00001
  asnobody init --all --confirm NPX00001
  check_rc "Initialize without root, nothing ever loaded" 0
  check_grep "no ruleset of ours in the kernel" out "0 MAC rulesets in the kernel"
  rm -rf "$NP"
fi

finish
