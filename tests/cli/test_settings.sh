#!/bin/sh
# get, set, reset, list, describe and the rules for bad input and secrets.
. "$SRC/tests/cli/lib.sh"

svc --db "$DB" init-store --serial ABC12345
check_rc "init-store" 0

svc get network.email.smtp.port;                 check_out "default port" 25
svc get network.email.auth.pop_auth_method;      check_out "default method" Standard
svc get network.email.auth.pop_before_smtp;      check_out "default bool" OFF
svc get system.manager.pin;                      check_out "set PIN shows stars" '***'
svc get network.email.pop.password;              check_out "unset secret shows nothing" ''
svc get no.such.key;                             check_rc "unknown key" 64
check_grep "unknown key message" err "unknown setting 'no.such.key'"

# Values: panel spellings in, panel spellings out.
for v in on ON True 1 yes; do
  svc_mgr set network.email.auth.pop_before_smtp "$v"; check_rc "bool '$v'" 0
  svc get network.email.auth.pop_before_smtp; check_out "bool '$v' stored" ON
done
for v in off FALSE 0; do
  svc_mgr set network.email.auth.pop_before_smtp "$v"; check_rc "bool '$v'" 0
  svc get network.email.auth.pop_before_smtp; check_out "bool '$v' stored" OFF
done
svc_mgr set network.email.auth.pop_auth_method "pop auth"; check_rc "enum any case" 0
svc get network.email.auth.pop_auth_method; check_out "enum panel spelling" "POP AUTH"
svc_mgr set network.email.smtp.server Mail.Example.COM; check_rc "host" 0
svc get network.email.smtp.server; check_out "host lowercased" mail.example.com

# Every class of invalid input: exit 65, a message naming key, value and
# what was expected, and the store's files byte-for-byte unchanged.
before=$(snapshot)
bad() { # KEY VALUE EXPECTED
  svc_mgr set "$1" "$2"
  check_rc "refuse '$2' for $1" 65
  check_grep "message for '$2'" err "invalid value '$2' for $1: expected $3"
}
# A retired key: refused with the reason, not "unknown".
svc_mgr set network.tcpip.ipv4.netmask 255.255.255.0
check_rc "retired key refused" 64
check_grep "retired key: why" err "setting 'network.tcpip.ipv4.netmask': it was removed (schema 081) because it changed nothing"
bad network.email.smtp.port 70000 "an integer 1-65535"
bad network.email.smtp.port 0 "an integer 1-65535"
bad network.email.smtp.port abc "an integer 1-65535"
bad system.auto_clear 10 "an integer 0-9"
bad network.email.auth.pop_before_smtp maybe "ON or OFF"
bad network.email.auth.pop_auth_method KERBEROS "one of 'Standard', 'APOP', 'POP AUTH'"
bad network.tcpip.ipv4.address 300.1.1.1 "an IPv4 address"
bad network.email.smtp.server "bad_host!" "a host name"
bad network.email.address "not-an-address" "an e-mail address"
bad system.manager.name "123456789012345678901234567890123" "printable text (UTF-8, no control characters) of at most 32"
svc_mgr set network.no.such 1; check_rc "unknown key on set" 64
svc_mgr set network.email.smtp.port; check_rc "missing value" 64
[ "$(snapshot)" = "$before" ] && ok || fail "invalid input changed the store's files"
# An export made before schema 081 still imports; the retired key is skipped.
printf '{"format": "svcmode-settings", "version": 1, "settings": {"network.tcpip.ipv4.netmask": "255.255.255.0", "network.tcpip.dns.primary": "10.0.0.53", "system.manager.comment": "old export"}}\n' >"$WORK/old.json"
svc_mgr import "$WORK/old.json"
check_rc "old export with retired keys imports" 0
svc get system.manager.comment
check_out "its other keys are imported" "old export"

# Protected keys need credentials; the refusal names them.
svc set system.manager.name Alice; check_rc "set without credentials" 77
check_grep "names the credential" err "SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN"
svc get system.manager.name; check_out "nothing stored" ""

# Secrets: never on argv, never shown, never in the files in clear.
svc_mgr set network.email.pop.password hunter2
check_rc "secret on argv refused" 64
check_grep "says how" err "give it on stdin"
printf 'Plaintext-Marker-77\n' | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  ${SVCMODE_WRAP:-} "$SVCMODE" set network.email.pop.password >"$WORK/out" 2>"$WORK/err"
RC=$?; check_rc "secret from stdin" 0
svc get network.email.pop.password; check_out "set secret shows stars" '***'
if grep -l "Plaintext-Marker-77" "$DB"* >/dev/null 2>&1; then fail "secret in clear in the store files"; else ok; fi
# With a reader holding the WAL open, the -wal and -shm files stay: the
# secret is not in them either. The reader holds its read transaction
# until told (a FIFO), and the write starts only once it has read: no
# timing decides the outcome, however slow the machine or valgrind.
mkfifo "$WORK/hold"
(printf 'BEGIN;\nSELECT count(*) FROM setting;\n'; cat "$WORK/hold") | sqlite3 "$DB" \
  >"$WORK/reader.out" &
reader=$!
n=0
while [ ! -s "$WORK/reader.out" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
[ -s "$WORK/reader.out" ] && ok || fail "the reader did not start"
printf 'Plaintext-Marker-78\n' | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  ${SVCMODE_WRAP:-} "$SVCMODE" set network.email.auth.smtp_password >"$WORK/out" 2>"$WORK/err"
RC=$?; check_rc "secret with a reader open" 0
[ -s "$DB-wal" ] && ok || fail "expected a non-empty WAL while a reader holds it"
if grep -l "Plaintext-Marker-78" "$DB" "$DB-wal" "$DB-shm" >/dev/null 2>&1; then
  fail "secret in clear in .db, -wal or -shm"; else ok; fi
echo 'COMMIT;' >"$WORK/hold"
wait $reader
svc log; check_nogrep "secret not in the log" out "Plaintext-Marker-77"
check_grep "secret change logged as stars" out "network.email.pop.password '' -> '***'"
svc export; check_nogrep "secret not exported" out "network.email.pop.password"
svc export --include-secrets; check_rc "secrets export needs credentials" 77
svc_mgr export --include-secrets; check_rc "secrets export with credentials" 0
check_grep "secret exported on request" out '"network.email.pop.password": "Plaintext-Marker-77"'

# reset, list, describe
svc_mgr reset network.email.auth.pop_auth_method; check_rc "reset" 0
svc get network.email.auth.pop_auth_method; check_out "reset to default" Standard
svc list network.email.auth; check_rc "list prefix" 0
check_grep "list shows key and value" out "network.email.auth.pop_before_smtp"
[ "$(wc -l <"$WORK/out")" -eq 7 ] && ok || fail "list network.email.auth: expected 7 keys"
svc list network.email.auth --json; check_grep "list json" out '"key": "network.email.auth.smtp_auth"'
svc list nope; check_rc "list unknown prefix" 64
svc describe network.email.smtp.port; check_rc "describe" 0
check_grep "describe range" out "an integer 1-65535"
check_grep "describe default" out "default:  25"
check_grep "describe level" out "System Manager"

# Help for every command, and the exit code table.
svc --help; check_rc "--help" 0; check_grep "exit codes listed" out "77  permission denied"
for c in $("$SVCMODE" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
  svc "$c" --help; check_rc "$c --help" 0; check_grep "$c usage" out "usage: svcmode $c"
done
svc --version; check_grep "version" out "svcmode "
svc frobnicate; check_rc "unknown command" 64

finish
