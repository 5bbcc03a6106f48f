#!/bin/sh
# The marker test: plant a marker string in every kind of user data,
# initialize, then search every file of the store's directory (database,
# WAL, shared memory, journal, document files) for it, in plain and in the
# form it was stored in (sealed secret, PIN hash). Before the
# initialization the stored forms must be found (the test can fail);
# after it, nothing.
#
# Each kind of data is one plant_* function and one word in KINDS.
. "$SRC/tests/cli/lib.sh"
KINDS="settings secrets inboxes documents certificates mac_lists pins lockouts doc_files comm_log"
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
INPUT="$WORK/input" # files to store or import: outside the store's directory
mkdir -p "$INPUT"
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
plant_inboxes() {
  mgr box set 07 name "$MARK-inbox"; planted "inbox name"; needle "$MARK-inbox"
  mgr box set 07 password <<EOS
8642
EOS
  planted "inbox password"
  needle "$(sqlite3 "$SVCMODE_DB" "SELECT password FROM mailbox_inbox WHERE box = 7")"
}
plant_documents() {
  { printf '%s-scan\n' "$MARK"; head -c 50000 /dev/urandom; printf '%s-scan-end\n' "$MARK"; } \
    >"$INPUT/scan.pdf"
  mgr box store 07 "$INPUT/scan.pdf" --name "$MARK-docname"; planted "document"
  needle "$MARK-scan"; needle "$MARK-scan-end"; needle "$MARK-docname"
}
plant_certificates() {
  mgr cert genkey "$MARK-key" --cn "$MARK-cert.example"; planted "key pair"
  needle "$MARK-key"
  needle "$(sqlite3 "$SVCMODE_DB" "SELECT substr(key_sealed, 10, 40) FROM tls_key WHERE name = '$MARK-key'")"
  needle "$(sqlite3 "$SVCMODE_DB" "SELECT substr(cert_pem, 40, 40) FROM tls_key WHERE name = '$MARK-key'")"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=$MARK-ca" -keyout "$INPUT/ca.key" -out "$INPUT/ca.pem" 2>/dev/null
  mgr cert import-ca "$INPUT/ca.pem"; planted "CA certificate"
  needle "$(sed -n 2p "$INPUT/ca.pem")"
}
plant_mac_lists() {
  mgr mac add rx 02:4D:41:52:4B:21; planted "rx exception"
  mgr mac add tx 02:4D:41:52:4B:22; planted "tx exception"
  needle 02:4D:41:52:4B:21; needle 02:4D:41:52:4B:22
  # The ruleset file beside the store holds them too, and so does a
  # temporary an interrupted apply left.
  mgr mac enable rx; mgr mac apply --no-load --iface eth0; planted "ruleset file"
  grep -q 02:4D:41:52:4B:21 "$STORE/mac-block.nft" && ok || fail "the ruleset holds the exception"
  printf '02:4D:41:52:4B:23\n' >"$STORE/.mac-block.nft.Zx81Qa"; needle 02:4D:41:52:4B:23
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
plant_comm_log() {
  # A real failed attempt (nothing listens on the port) writes its log row;
  # the marker rides in the server's reply text of a second, planted row.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mgr set network.email.smtp.server 127.0.0.1; mgr set network.email.smtp.port "$port"
  mgr mail test-send --to "$MARK-log@example.com" >/dev/null 2>&1
  [ "$(sqlite3 "$SVCMODE_DB" "SELECT count(*) FROM mail_log")" -ge 1 ] && ok || fail "no log row"
  sqlite3 "$SVCMODE_DB" "INSERT INTO mail_log (at, direction, operation, server, result, code,
    message, steps) VALUES ('2026-01-01T00:00:00Z', 'tx', 'test-send', 'mx.$MARK-log.example:25',
    'error', 805, '550 <$MARK-log@example.com> refused', 'RCPT TO:<$MARK-log@example.com>')"
  RC=$?; planted "communication log"; needle "$MARK-log@example.com"
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

# Initialize also deletes the MAC Address Block table from the kernel: in a
# network namespace of our own where one can be made, not the host's.
WRAP=${SVCMODE_WRAP:-}
unshare -n true 2>/dev/null && WRAP="unshare -n $WRAP"
SVCMODE_WRAP=$WRAP mgr init --all --confirm "$SERIAL"
check_rc "initialization" 0
check_grep "the report counts the ruleset files" out "2 MAC ruleset files"
found=$(ls -a "$STORE" | grep 'mac-block\.nft')
[ -z "$found" ] && ok || fail "ruleset files left beside the store: $found"

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
