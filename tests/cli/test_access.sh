#!/bin/sh
# Credentials, lockout, levels, passwd and the audit log.
. "$SRC/tests/cli/lib.sh"
svc --db "$DB" init-store --serial ACC00001

# Wrong PIN: 77, audited; the third wrong in a row locks (75) and even the
# right PIN is then refused, across processes.
for i in 1 2; do
  MGR_PIN=1111111 svc_mgr set system.manager.name Bob; check_rc "wrong PIN $i" 77
  check_grep "wrong PIN message $i" err "wrong System Manager ID or PIN"
done
MGR_PIN=1111111 svc_mgr set system.manager.name Bob; check_rc "third wrong PIN" 77
svc_mgr set system.manager.name Bob; check_rc "locked even with the right PIN" 75
check_grep "lock message" err "locked"
svc log; check_grep "failed login audited" out "login-failed"
check_grep "lockout audited" out "lockout"
check_grep "attempt while locked audited" out "login-locked"
svc get system.manager.name; check_out "nothing changed" ""
# The lock is in the store: shorten it (service level 2) and it still counts from there.
sqlite3 "$DB" "UPDATE door SET locked_until = 0 WHERE name = 'manager'"
svc_mgr set system.manager.name Bob; check_rc "unlocked after the delay" 0

# Service levels: level-1 code for level-1 keys; level 2 needs both codes.
SVCMODE_SERVICE_CODE=2828282 svc set service.lockout.delay 60; check_rc "level 2 key with level 1" 77
check_grep "names level 2" err "Service Mode level 2"
SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc set service.lockout.delay 60
check_rc "level 2 key with both codes" 0
SVCMODE_SERVICE2_CODE=8282828 svc set service.lockout.delay 61; check_rc "level 2 alone" 77
# A service code does not open System Settings keys: they are the
# customer's; the message says how to get in.
SVCMODE_SERVICE_CODE=2828282 svc set system.manager.contact desk-4; check_rc "service does not open manager" 77
check_grep "says how to get in" err "PWD-CLR"

# passwd: the old credential from the environment, the new ones on stdin.
printf '1234\n55\n' | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  ${SVCMODE_WRAP:-} "$SVCMODE" passwd manager >"$WORK/out" 2>"$WORK/err"; RC=$?
check_rc "passwd manager" 0
svc_mgr set system.manager.name Carol; check_rc "old PIN no longer works" 77
MGR_ID=0001234 MGR_PIN=55 svc_mgr set system.manager.name Carol; check_rc "new ID/PIN (padded)" 0
svc get system.manager.id; check_out "ID never shown" '***'
grep -q "0001234" "$DB" && fail "ID stored in clear" || ok
printf '0000000\n' | SVCMODE_SERVICE_CODE=2828282 ${SVCMODE_WRAP:-} "$SVCMODE" passwd service1 \
  >"$WORK/out" 2>"$WORK/err"; RC=$?
check_rc "all-zero code refused" 65
svc passwd root; check_rc "unknown door" 64

# passwd checks every new value of one change first: a refused PIN (or a
# missing one) after an acceptable ID changes nothing, writes no login
# record, and the old credentials still work without counting as wrong.
for input in '1234567\n' '1234567\n0000000\n' '1234567\nabc\n'; do
  before=$(snapshot)
  printf "$input" | MGR_ID=0001234 MGR_PIN=55 SVCMODE_MANAGER_ID=0001234 SVCMODE_MANAGER_PIN=55 \
    ${SVCMODE_WRAP:-} "$SVCMODE" passwd manager >"$WORK/out" 2>"$WORK/err"; RC=$?
  check_rc "half a passwd refused ($input)" 65
  [ "$(snapshot)" = "$before" ] && ok || fail "a refused passwd ($input) changed the store"
done
MGR_ID=0001234 MGR_PIN=55 svc_mgr set system.manager.name Dave; check_rc "old ID/PIN still open" 0

# Clearing a door's lockout needs that door's level: level 1 clears the
# System Manager's and its own, never level 2's (else the level-2 code could
# be guessed without limit, three tries per clear).
for i in 1 2 3; do
  SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=1111111 svc set service.lockout.delay 45
done
SVCMODE_SERVICE_CODE=2828282 svc unlock --yes; check_rc "level 1 clears what it may" 0
check_grep "says who clears level 2" out "level 2 clears it"
sqlite3 "$DB" "SELECT locked_until > 0 FROM door WHERE name = 'service2'" >"$WORK/locked"
[ "$(cat "$WORK/locked")" = 1 ] && ok || fail "level 1 cleared the level-2 lockout"
SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc set service.lockout.delay 45
check_rc "the level-2 door stays locked for its delay" 75

# The audit log: who, level, old -> new; JSON and --limit.
svc log --limit 2; [ "$(wc -l <"$WORK/out")" -eq 2 ] && ok || fail "--limit 2"
svc log --json; check_grep "json event" out '"event": "set"'
check_grep "operator recorded" out '"operator": "tester"'
svc --operator alice log; check_rc "operator option" 0
svc log --limit 0; check_rc "bad limit" 64
svc log; check_grep "old -> new" out "system.manager.name '' -> 'Bob'"

finish
