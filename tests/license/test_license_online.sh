#!/bin/sh
# The device online: license redeem, transfer and check against an LMS over
# HTTPS. The LMS here is tests/license/lms_stub.py (the API v1 contract,
# backed by the real svcmode-lms CLI) behind a certificate of a test CA made
# with openssl: trusted only once the CA is imported into the store.
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
A="$WORK/a/a.db"
B="$WORK/b/b.db"
umask 077
mkdir -p "$WORK/a" "$WORK/b"
export SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828
export SVCMODE_LMS_USER=eng SVCMODE_LMS_PASSWORD=eng-password
"$LMS" demo-secret --out "$WORK/demo.secret" 2>/dev/null

# --- a test CA and the LMS's certificate for 127.0.0.1 ----------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=svcmode test LMS CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$WORK/lms.key" -out "$WORK/lms.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$WORK/ext"
openssl x509 -req -in "$WORK/lms.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
  -CAcreateserial -days 2 -extfile "$WORK/ext" -out "$WORK/lms.pem" 2>/dev/null

python3 "$SRC/tests/license/lms_stub.py" --cert "$WORK/lms.pem" --key "$WORK/lms.key" \
  --port-file "$WORK/port" --lms "$LMS" --db "$WORK/lms.db" --secret "$WORK/demo.secret" \
  --from AAA00001 --log "$WORK/requests" 2>"$WORK/stub.err" &
STUB=$!
trap 'kill $STUB 2>/dev/null; rm -rf "$WORK"' EXIT
i=0
while [ ! -s "$WORK/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$WORK/port" ] || { echo "the LMS stub did not start: $(cat "$WORK/stub.err")"; exit 1; }
URL="https://127.0.0.1:$(cat "$WORK/port")"
lmsv() { "$LMS" --db "$WORK/lms.db" --secret-file "$WORK/demo.secret" "$@"; }
state() { sqlite3 "$1" "SELECT coalesce(max(state), 'none') FROM license WHERE option = '$2'"; }

svc --db "$A" init-store --serial AAA00001
svc --db "$B" init-store --serial BBB00002

# --- refusals before anything happens -----------------------------------------
svc --db "$A" license redeem LAN-SEND-0001 --lms "$URL"
check_rc "an LMS whose CA is not imported" 69
check_grep "says not trusted and how" err "is not trusted"
check_grep "names the fix" err "svcmode cert import-ca"
svc_mgr --db "$A" cert import-ca "$WORK/ca.pem"
check_rc "import the test CA into A" 0
svc_mgr --db "$B" cert import-ca "$WORK/ca.pem"
svc --db "$A" license redeem LAN-SEND-0001 --lms "http://127.0.0.1:$(cat "$WORK/port")"
check_rc "plain http" 64
SVCMODE_LMS_PASSWORD=wrong svc --db "$A" license redeem LAN-SEND-0001 --lms "$URL"
check_rc "a wrong password" 77
check_grep "the LMS's message" err "wrong account or password (bad_credentials)"
[ "$(state "$A" SEND)" = none ] && ok || fail "a refused redeem installed SEND"
env -u SVCMODE_LMS_USER -u SVCMODE_LMS_PASSWORD "$SVCMODE" --db "$A" license redeem \
  LAN-SEND-0001 --lms "$URL" </dev/null >"$WORK/out" 2>"$WORK/err"
RC=$?
[ "$RC" -ne 0 ] && ok || fail "no account and no terminal must fail"
svc --db "$A" license redeem LAN-NOPE --lms "$URL"
check_rc "an unknown LAN" 65
check_grep "names the LAN" err "no License Access Number 'LAN-NOPE' (unknown_lan)"
svc --db "$A" license redeem LAN-SEND-0001 --lms "https://127.0.0.1:1"
check_rc "an LMS that is not there" 69
check_grep "cannot reach" err "cannot reach the LMS at https://127.0.0.1:1"

# --- redeem ------------------------------------------------------------------
svc --db "$A" license redeem LAN-SEND-0001 --lms "$URL"
check_rc "redeem SEND on A" 0
check_grep "installed" out "SEND: license 000001 installed"
svc --db "$A" license report
check_grep "SEND ON/ON on A" out "SEND ON/ON"
svc --db "$A" license redeem LAN-SEND-0001 --lms "$URL"
check_rc "the same LAN again" 65
check_grep "already redeemed" err "was already redeemed (lan_used)"
grep -q "^POST /v1/redeem bearer" "$WORK/requests" && ok || fail "redeem without the bearer token"
svc --db "$A" license check --lms "$URL"
check_rc "check on A" 0
check_grep "SEND issued at the LMS, kept" out "SEND    active       issued       -"

# --- root copies both places before the transfer ------------------------------
cp "$A" "$WORK/a.saved"
cp "$SVCMODE_LICENSE_HISTORY/AAA00001" "$WORK/h.saved" 2>/dev/null || : >"$WORK/h.none"

# --- transfer -----------------------------------------------------------------
svc --db "$A" license transfer SEND --to BBB00002 --lms "$URL"
check_rc "transfer without --yes" 64
[ "$(state "$A" SEND)" = active ] && ok || fail "an unconfirmed transfer changed A"
svc --db "$A" license transfer SEND --to AAA00001 --lms "$URL" --yes
check_rc "a transfer to itself" 64
svc --db "$A" license transfer SEND --to BBB00002 --lms "$URL" --yes
check_rc "transfer SEND from A to B" 0
KB=$(cat "$WORK/out")
check_grep "says what happened" err "SEND invalidated here (transfer number"
[ "$(state "$A" SEND)" = transferred ] && ok || fail "SEND not transferred on A"
svc --db "$B" license install "$KB"
check_rc "B installs the key from the transfer" 0
svc --db "$B" license report
check_grep "SEND ON/ON on B" out "SEND ON/ON"
svc --db "$A" log
check_grep "transfer audited" out "license.transfer SEND 'transferred' -> 'BBB00002'"
check_nogrep "no password in the audit" out "eng-password"

# --- the LMS refuses after the invalidation: the number is kept ----------------
svc --db "$A" license redeem LAN-PCL-0002 --lms "$URL"
check_rc "redeem PCL on A" 0
lmsv issue --serial BBB00002 --option PCL >/dev/null 2>&1
svc --db "$A" license transfer PCL --to BBB00002 --lms "$URL" --yes
check_rc "a transfer the LMS refuses (B holds PCL)" 65
check_grep "PCL stays invalidated with its number" err "PCL stays invalidated here, transfer number"
[ "$(state "$A" PCL)" = transferred ] && ok || fail "PCL not invalidated on A"
TR=$(sqlite3 "$A" "SELECT transfer FROM license WHERE option = 'PCL'")
svc --db "$A" license transfer PCL --to BBB00002 --lms "$URL" --yes
check_grep "the same number again" err "transfer number $TR"

# --- both places put back: the LMS check disables SEND -----------------------
rm -f "$A-wal" "$A-shm"
cp "$WORK/a.saved" "$A"
if [ -f "$WORK/h.saved" ]; then cp "$WORK/h.saved" "$SVCMODE_LICENSE_HISTORY/AAA00001"; else rm -f "$SVCMODE_LICENSE_HISTORY/AAA00001"; fi
[ "$(state "$A" SEND)" = active ] && ok || fail "the put-back store should have SEND active"
svc --db "$A" license check --lms "$URL"
check_rc "check on the cloned A" 0
check_grep "SEND disabled" out "disabled: transferred at the LMS"
[ "$(state "$A" SEND)" = erased ] && ok || fail "SEND still $(state "$A" SEND) on A"
svc --db "$A" log
check_grep "check audited" out "license.check SEND 'active' -> 'erased'"
grep -q "^SEND 000001 erased" "$SVCMODE_LICENSE_HISTORY/AAA00001" && ok ||
  fail "the check did not write the history"
svc --db "$A" license check --lms "$URL" --json
check_rc "check --json" 0
check_grep "json fields" out '"option": "SEND", "state": "erased"'
finish
