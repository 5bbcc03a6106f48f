#!/bin/sh
# No license cloning by rolling the store back: the license history is kept
# outside the store (SVCMODE_LICENSE_HISTORY, set per test by lib.sh). A copy
# of the store taken before an invalidation or erase and put back afterwards
# does not enable the license again, and the audit says why; a copy from
# before the install does not accept the old key. A lost history is written
# again from the store, a damaged one stops licensing, one kept in the
# store's own directory is refused, and Initialize All Data, settings import
# and backup restore never bring a license back.
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
export SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828
A="$WORK/dev/a.db"
H="$SVCMODE_LICENSE_HISTORY/AAA00001"
umask 077
mkdir -p "$WORK/dev"

lms() {
  "$LMS" --db "$WORK/lms.db" --secret-file "$WORK/demo.secret" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
"$LMS" demo-secret --out "$WORK/demo.secret" 2>/dev/null
# state OPTION: the stored state and transfer number, read by sqlite3.
state() { sqlite3 "$A" "SELECT state || ' ' || coalesce(transfer, '-') FROM license WHERE option = '$1'"; }
put_back() { rm -f "$A-wal" "$A-shm"; cp "$1" "$A"; }

svc --db "$A" init-store --serial AAA00001
lms issue --serial AAA00001 --option SEND
KS=$(cat "$WORK/out")
lms issue --serial AAA00001 --option PCL
KP=$(cat "$WORK/out")
svc --db "$WORK/dev/a.db" license install "$KS"
check_rc "install SEND" 0
[ ! -e "$H" ] && ok || fail "an install alone writes no history"
cp "$A" "$WORK/before-install.db"
svc --db "$A" license install "$KP"
cp "$A" "$WORK/before.db"

# --- invalidation, then the old copy put back --------------------------------
svc --db "$A" license invalidate SEND --yes
check_rc "invalidate SEND" 0
TR=$(cat "$WORK/out")
[ "$(stat -c %a "$H")" = 600 ] && ok || fail "history file is not 0600"
[ "$(stat -c %a "$SVCMODE_LICENSE_HISTORY")" = 700 ] && ok || fail "history dir is not 0700"
check_grep "history holds the number" license-history/AAA00001 "SEND 000001 transferred 1 $TR"
svc --db "$A" license erase PCL --yes
check_rc "erase PCL" 0
check_grep "history holds the erase" license-history/AAA00001 "PCL 000002 erased 0 -"

put_back "$WORK/before.db"
[ "$(state SEND)" = "active -" ] && ok || fail "the copy put back has SEND active ($(state SEND))"
svc --db "$A" license report
check_rc "report on the rolled-back store" 0
check_grep "SEND stays disabled" out "SEND OFF/OFF"
check_grep "PCL stays disabled" out "PCL OFF/OFF"
[ "$(state SEND)" = "transferred $TR" ] && ok || fail "SEND not ended again with its number ($(state SEND))"
[ "$(state PCL)" = "erased -" ] && ok || fail "PCL not erased again ($(state PCL))"
svc --db "$A" log
check_grep "the rollback is audited" out "license.rollback"
check_grep "audit names the licenses" out "SEND 000001 transferred, PCL 000002 erased: the store was rolled back"
svc --db "$A" license install "$KS"
check_rc "the old SEND key is refused" 65
check_grep "refusal says why" err "license 000001 of SEND was invalidated for transfer"
svc --db "$A" license transfer-number SEND
check_out "the same transfer number again" "$TR"
n=$(sqlite3 "$A" "SELECT count(*) FROM audit WHERE event = 'license.rollback'")
svc --db "$A" license list
n2=$(sqlite3 "$A" "SELECT count(*) FROM audit WHERE event = 'license.rollback'")
[ "$n" = 1 ] && [ "$n2" = 1 ] && ok || fail "rollback audited $n then $n2 times (want 1, once)"

# A new invalidation after the rollback does not reuse counter 1.
lms issue --serial AAA00001 --option PS
svc --db "$A" license install "$(cat "$WORK/out")"
svc --db "$A" license invalidate PS --yes
check_rc "invalidate PS" 0
c=$(sqlite3 "$A" "SELECT counter FROM license WHERE option = 'PS'")
[ "$c" = 2 ] && ok || fail "PS got counter $c (want 2)"

# --- a copy from before the install: the key stays refused -----------------
put_back "$WORK/before-install.db"
svc --db "$A" license install "$KP"
check_rc "the erased PCL key on a copy from before its install" 65
check_grep "refused as erased" err "license 000002 of PCL was erased"

# --- the history lost: written again from the store ------------------------
rm -f "$H"
svc --db "$A" license list
check_rc "list without a history" 0
check_grep "history rewritten: SEND" license-history/AAA00001 "SEND 000001 transferred 1 $TR"
check_grep "history rewritten: PCL" license-history/AAA00001 "PCL 000002 erased"

# --- a damaged history: licensing refused, the store unchanged --------------
cp "$H" "$WORK/h.good"
sed -i 's/^SEND 000001 transferred 1/SEND 000001 transferred x/' "$H"
sum=$(sqlite3 "$A" "SELECT * FROM license")
svc --db "$A" license list
check_rc "a damaged history" 65
check_grep "names the file" err "license history '$H' is damaged (line 6)"
[ "$(sqlite3 "$A" "SELECT * FROM license")" = "$sum" ] && ok || fail "a damaged history changed the licenses"
cp "$WORK/h.good" "$H"

# --- the history in the store's own directory: refused --------------------
SVCMODE_LICENSE_HISTORY="$WORK/dev" svc --db "$A" license list
check_rc "history beside the store" 78
check_grep "says where it must not be" err "is the store's own directory"

# --- Initialize All Data, settings import, backup restore -------------------
put_back "$WORK/before.db"
svc_mgr --db "$A" export "$WORK/settings.json"
svc --db "$A" init --all --confirm AAA00001
check_rc "Initialize All Data" 0
[ -f "$H" ] && ok || fail "Initialize All Data removed the license history"
svc_mgr --db "$A" import "$WORK/settings.json" --yes
check_rc "settings import" 0
svc --db "$A" license list
check_grep "after Initialize and import: SEND transferred" out "transferred  000001  $TR"
[ "$(state SEND)" = "transferred $TR" ] && ok || fail "SEND active again ($(state SEND))"
finish
