#!/bin/sh
# The marker test: plant a marker string in every kind of user data,
# initialize, then search every file of the store's directory (database,
# WAL, shared memory, journal, document files) for it, in plain and in the
# form it was stored in (sealed secret, PIN hash). Before the
# initialization the stored forms must be found (the test can fail);
# after it, nothing.
#
# Each kind of data is one plant_* function and one word in KINDS. As the
# feature modules land, add theirs:
#   plant_inbox_names      svc_mgr box rename 07 "$MARK-inbox";  needle "$MARK-inbox"
#   plant_inbox_passwords  box PIN / password set;               needle "$(stored_form ...)"
#   plant_doc_contents     store a document through the mailbox; needle "$MARK-doc"
#   plant_certificates     import a certificate whose subject CN is "$MARK-cert"
#   plant_mac_lists        svc_mgr mac add rx 02:4D:41:52:4B:00 "$MARK-mac"
#   plant_comm_log         a communication log line naming "$MARK-log@example.com"
. "$SRC/tests/cli/lib.sh"
KINDS="settings secrets pins lockouts doc_files"
MARK=kz7qmarker
STORE="$WORK/store"
export SVCMODE_DB="$STORE/device.db"
DOCS="$SVCMODE_DB.d/docs"
NEEDLES="$WORK/needles" # found before, never after
HIDDEN="$WORK/hidden"   # never found in plain text, before or after
: >"$NEEDLES"; : >"$HIDDEN"
ID=7654321; PIN=7654321
mgr() { SVCMODE_MANAGER_ID=$ID SVCMODE_MANAGER_PIN=$PIN svc "$@"; }
needle() { printf '%s\n' "$1" >>"$NEEDLES"; }
hidden() { printf '%s\n' "$1" >>"$HIDDEN"; }
stored_form() { sqlite3 "$SVCMODE_DB" "SELECT value FROM setting WHERE key = '$1'"; }
planted() { [ "$RC" -eq 0 ] && ok || fail "planting $1"; }

plant_settings() {
  for k in system.manager.name system.manager.contact system.manager.comment \
           network.email.pop.login network.email.auth.smtp_user \
           network.email.auth.gssapi_keytab; do
    mgr set "$k" "$MARK-${k##*.}"; planted "$k"; needle "$MARK-${k##*.}"
  done
  mgr set network.tcpip.hostname "$MARK-host"; planted hostname; needle "$MARK-host"
  mgr set network.email.address "$MARK@example.com"; planted address; needle "$MARK@example.com"
  mgr set network.email.smtp.server "smtp.$MARK.example"; planted smtp; needle "smtp.$MARK.example"
}
plant_secrets() {
  for k in network.email.pop.password network.email.auth.smtp_password; do
    mgr set "$k" <<EOS
$MARK-secret-$k
EOS
    planted "$k"; hidden "$MARK-secret-$k"; needle "$(stored_form "$k")"
  done
}
plant_pins() {
  mgr set system.manager.id <<EOS
1357913
EOS
  planted manager.id; ID=1357913
  mgr set system.manager.pin <<EOS
2468024
EOS
  planted manager.pin; PIN=2468024
  needle "$(stored_form system.manager.id)"; needle "$(stored_form system.manager.pin)"
  hidden 1357913; hidden 2468024
}
plant_lockouts() {
  # A lockout state holds no text; it must be gone (checked below).
  SVCMODE_MANAGER_ID=$ID SVCMODE_MANAGER_PIN=1111111 svc set system.manager.comment refused
  [ "$(sqlite3 "$SVCMODE_DB" "SELECT failures FROM door WHERE name = 'manager'")" = 1 ] && ok ||
    fail "planting a lockout state"
}
plant_doc_files() {
  for b in 00 42 99; do
    mkdir -p "$DOCS/$b"
    { printf '%s-doc-%s\n' "$MARK" "$b"; head -c 200000 /dev/urandom; printf '%s-tail\n' "$MARK"; } \
      >"$DOCS/$b/$MARK-$b.pdf"
    needle "$MARK-doc-$b"
  done
  needle "$MARK-tail"
}

svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
for k in $KINDS; do "plant_$k"; done

# Positive control: every needle is in some file now; no secret in plain.
while IFS= read -r n; do
  grep -r -a -q -F -- "$n" "$STORE" && ok || fail "planted '$n' not found before the initialization"
done <"$NEEDLES"
while IFS= read -r n; do
  grep -r -a -q -F -- "$n" "$STORE" && fail "'$n' stored in plain text" || ok
done <"$HIDDEN"

mgr init --all --confirm "$SERIAL"
check_rc "initialization" 0

for f in "$NEEDLES" "$HIDDEN"; do
  while IFS= read -r n; do
    found=$(grep -r -a -l -F -- "$n" "$STORE")
    [ -z "$found" ] && ok || fail "'$n' still in: $found"
  done <"$f"
done
# The whole marker, in any file or file name, in any case.
found=$(grep -r -a -l -i -F -- "$MARK" "$STORE"; find "$STORE" -iname "*$MARK*")
[ -z "$found" ] && ok || fail "marker still in: $found"
[ "$(sqlite3 "$SVCMODE_DB" 'PRAGMA freelist_count')" = 0 ] && ok || fail "free pages left"
[ ! -s "$SVCMODE_DB-wal" ] && ok || fail "WAL not empty"
[ "$(sqlite3 "$SVCMODE_DB" "SELECT count(*) FROM door WHERE name = 'manager'")" = 0 ] && ok ||
  fail "manager lockout state left"
[ "$(sqlite3 "$SVCMODE_DB" 'PRAGMA integrity_check')" = ok ] && ok || fail "integrity check"
ls -a "$STORE"
finish
