#!/bin/sh
# Licenses end to end: the LMS issues a key for device A, A installs it and
# invalidates it for transfer, the LMS checks the number and issues a key
# for B, B installs it; A cannot use the old key again and the number
# cannot be used twice. Then every install error, erase, and the demo key.
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
A="$WORK/a.db"
B="$WORK/b.db"
C="$WORK/c.db"

# lms ARGS...: the license server on this test's database and secret.
lms() {
  "$LMS" --db "$WORK/lms.db" --secret-file "$WORK/vendor.secret" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
svc1() { SVCMODE_SERVICE_CODE=2828282 svc "$@"; }
svc2() { SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@"; }
out() { cat "$WORK/out"; }
# check_match NAME REGEX: stdout matches an extended regular expression.
check_match() { grep -qE -- "$2" "$WORK/out" && ok || fail "$1: expected /$2/ in out"; }
KEY_RE='^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$'
TR_RE='^[0-9]{4}(-[0-9]{4}){5}$'

umask 077
printf 'test vendor secret, not the demo one\n' >"$WORK/vendor.secret"

# --- factory provisioning ---------------------------------------------------
lms device-key --serial AAA00001 --out "$WORK/a.key"
check_rc "device-key A" 0
[ "$(stat -c %a "$WORK/a.key")" = 600 ] && ok || fail "device key file is not 0600"
lms device-key --serial BBB00002 --out "$WORK/b.key"
lms device-key --serial CCC00003 --out "$WORK/c.key"

svc --db "$A" init-store --serial ZZZ99999 --device-key-file "$WORK/a.key"
check_rc "init-store with another serial's key file" 65
check_grep "names both serials" err "is for serial AAA00001, not ZZZ99999"
[ ! -e "$A" ] && ok || fail "a refused init-store left a store"
cp "$WORK/a.key" "$WORK/open.key" && chmod 644 "$WORK/open.key"
svc --db "$A" init-store --device-key-file "$WORK/open.key"
check_rc "init-store with a key file others can read" 77
[ ! -e "$A" ] && ok || fail "a refused init-store left a store"

svc --db "$A" init-store --device-key-file "$WORK/a.key"
check_rc "init-store A" 0
svc --db "$A" info
check_grep "A has the key file's serial" out "AAA00001"
svc --db "$B" init-store --device-key-file "$WORK/b.key"
svc --db "$C" init-store --device-key-file "$WORK/c.key"
check_rc "init-store C" 0
svc1 --db "$A" license report
check_grep "factory key" out "device license key: factory"
check_nogrep "the key itself is never shown" out "$(cut -d' ' -f2 "$WORK/a.key")"

# --- A: install SEND and SPDF -------------------------------------------------
lms issue --serial AAA00001 --option SEND
check_rc "lms issue SEND for A" 0
check_match "key format" "$KEY_RE"
KA=$(out)
lms issue --serial AAA00001 --option SEND
check_out "issuing again gives the same key" "$KA"
svc --db "$A" license install "$KA"
check_rc "install needs service mode" 77
svc1 --db "$A" license install "$KA"
check_rc "A installs SEND" 0
check_grep "installed" out "SEND: license 000001 installed"
svc1 --db "$A" license install "$(echo "$KA" | tr 'A-Z-' 'a-z ')"
check_rc "typed in lower case with spaces: already there" 0
check_grep "idempotent" out "already installed"
lms issue --serial AAA00001 --option SPDF
KSPDF=$(out)
svc1 --db "$A" license install "$KSPDF"
check_rc "A installs SPDF" 0
svc1 --db "$A" license report
check_grep "SPEC LIST SEND" out "SEND ON/ON"
check_grep "SPEC LIST SPDF" out "SPDF ON/ON"
check_grep "SPEC LIST PCL" out "PCL OFF/OFF"
check_grep "license numbers listed" out "000001  SEND   active"

# --- A: invalidate SEND for transfer ------------------------------------------
svc1 --db "$A" license list
BEFORE=$(out)
svc1 --db "$A" license invalidate SEND --yes
check_rc "invalidate needs level 2" 77
svc2 --db "$A" license invalidate SEND </dev/null
check_rc "a script must confirm with --yes" 64
check_grep "the confirmation names the slave" err "also disables SPDF"
svc1 --db "$A" license list
[ "$(out)" = "$BEFORE" ] && ok || fail "an unconfirmed invalidation changed the licenses"
svc2 --db "$A" license invalidate NOPE --yes
check_rc "unknown option" 64
svc2 --db "$A" license invalidate SEND --yes
check_rc "A invalidates SEND" 0
check_match "24-digit transfer number" "$TR_RE"
TR=$(out)
svc2 --db "$A" license invalidate SEND --yes
check_out "asking again shows the same number" "$TR"
svc1 --db "$A" license transfer-number SEND
check_out "transfer-number shows it again" "$TR"
svc1 --db "$A" license report
check_grep "SEND off after invalidation" out "SEND OFF/OFF"
check_grep "slave SPDF disabled with its master" out "SPDF ON/OFF"
check_grep "report lists the transfer number" out "000001  SEND   transferred  $TR"
svc --db "$A" log
check_grep "invalidation audited with its number" out "transfer number $TR; disables SPDF"

# --- the LMS checks the number ------------------------------------------------
BADTR=$(echo "$TR" | awk -F- '{ d = substr($3, 2, 1); n = (d + 1) % 10;
  $3 = substr($3, 1, 1) n substr($3, 3); print $1 "-" $2 "-" $3 "-" $4 "-" $5 "-" $6 }')
lms verify-transfer --serial AAA00001 --option SEND --number "$BADTR"
check_rc "a mistyped number" 65
check_grep "names the wrong group" err "group 3 ("
SWAPTR=$(echo "$TR" | awk -F- '{ g = $5; $5 = substr(g, 2, 1) substr(g, 1, 1) substr(g, 3);
  print $1 "-" $2 "-" $3 "-" $4 "-" $5 "-" $6 }')
if [ "$SWAPTR" != "$TR" ]; then
  lms verify-transfer --serial AAA00001 --option SEND --number "$SWAPTR"
  check_rc "two swapped digits" 65
  check_grep "names the swapped group" err "group 5 ("
fi
lms verify-transfer --serial BBB00002 --option SEND --number "$TR"
check_rc "wrong serial" 65
check_grep "B never had SEND" err "BBB00002 never had SEND"
lms verify-transfer --serial AAA00001 --option PCL --number "$TR"
check_rc "an option A never had" 65
check_grep "A never had PCL" err "AAA00001 never had PCL"
lms verify-transfer --serial AAA00001 --option SPDF --number "$TR"
check_rc "the number of another option" 65
check_grep "does not verify" err "does not verify for SPDF"
lms verify-transfer --serial AAA00001 --option SEND --number "$TR"
check_rc "the right number verifies" 0
"$LMS" --db "$WORK/lms.db" issue --serial AAA00001 --option SEND "$(cat "$WORK/vendor.secret")" \
  >"$WORK/out" 2>"$WORK/err"
RC=$?
check_rc "no secret in argv" 64
chmod 644 "$WORK/vendor.secret"
lms verify-transfer --serial AAA00001 --option SEND --number "$TR"
check_rc "a vendor secret others can read is refused" 77
chmod 600 "$WORK/vendor.secret"

lms transfer --from AAA00001 --to BBB00002 --option SEND --number "$BADTR"
check_rc "transfer with a mistyped number" 65
lms transfer --from AAA00001 --to BBB00002 --option SEND --number "$TR"
check_rc "LMS moves SEND to B" 0
check_match "B's key" "$KEY_RE"
KB=$(out)
lms transfer --from AAA00001 --to BBB00002 --option SEND --number "$TR"
check_rc "the same number twice" 65
check_grep "already used" err "was already used"
lms transfer --from AAA00001 --to CCC00003 --option SEND --number "$TR"
check_rc "the same number for another device" 65
lms list
check_grep "LMS recorded the transfer" out "license 000001 -> 000003"
check_grep "A's license ended at the LMS" out "AAA00001  SEND   transferred"

# --- B installs; A cannot go back --------------------------------------------
svc1 --db "$B" license install "$KB"
check_rc "B installs the transferred SEND" 0
svc1 --db "$B" license report
check_grep "B has SEND" out "SEND ON/ON"
svc1 --db "$A" license install "$KA"
check_rc "A cannot install the old key again" 65
check_grep "old key refused for ever" err "can never enable SEND on this device again"
svc1 --db "$A" license report
check_grep "A stays without SEND" out "SEND OFF/OFF"

# --- every install error -------------------------------------------------------
svc1 --db "$B" license list
BEFORE=$(out)
svc1 --db "$B" license install "$KA"
check_rc "key for another device" 65
check_grep "another device" err "key for another device: it was not issued for serial BBB00002"
lms issue --serial BBB00002 --option FAX2
svc1 --db "$B" license install "$(out)"
check_rc "option not on this device" 65
check_grep "not on this device" err "option not on this device: the key is for FAX2"
lms issue --serial CCC00003 --option SPDF
KC=$(out)
svc1 --db "$C" license install "$KC"
check_rc "SPDF without SEND" 65
check_grep "slave without master" err "slave option SPDF needs its master SEND validated first"
lms issue --serial BBB00002 --option PCL
KPCL=$(out)
TYPO=$(echo "$KPCL" | awk -F- '{ c = substr($4, 1, 1); r = (c == "X") ? "Y" : "X";
  $4 = r substr($4, 2); print $1 "-" $2 "-" $3 "-" $4 "-" $5 "-" $6 }')
svc1 --db "$B" license install "$TYPO"
check_rc "a mistyped key" 65
check_grep "wrong key names group 4" err "wrong key: group 4 ("
svc1 --db "$B" license install "AAAA-BBBB"
check_rc "a short key" 65
check_grep "short key" err "expected 24 characters"
printf 'somebody else, without the vendor secret\n' >"$WORK/forger.secret"
"$LMS" --db "$WORK/forger.db" --secret-file "$WORK/forger.secret" issue --serial BBB00002 \
  --option PS >"$WORK/out" 2>"$WORK/err"
svc1 --db "$B" license install "$(out)"
check_rc "a key made without the vendor secret" 65
check_grep "altered key" err "altered key: it does not authenticate for serial BBB00002"
svc1 --db "$B" license list
[ "$(out)" = "$BEFORE" ] && ok || fail "a refused key changed the licenses"
svc --db "$B" log
check_grep "refusals audited with their error" out "key for another device"
check_grep "mistyped key audited" out "wrong key: group 4"
check_grep "slave refusal audited" out "license.install"

# --- erase (#LMS > ERASE) -------------------------------------------------------
svc2 --db "$B" license erase PCL --yes
check_rc "erase without a license" 65
check_grep "nothing to erase" err "PCL has no active license"
svc1 --db "$B" license install "$KPCL"
check_rc "B installs PCL" 0
svc2 --db "$B" license erase PCL </dev/null
check_rc "erase must be confirmed" 64
svc2 --db "$B" license erase PCL --yes
check_rc "B erases PCL" 0
[ ! -s "$WORK/out" ] && ok || fail "erase printed a transfer number"
svc1 --db "$B" license report
check_grep "PCL off after erase" out "PCL OFF/OFF"
check_grep "erased, no number" out "000006  PCL    erased"
svc1 --db "$B" license transfer-number PCL
check_rc "no transfer number after erase" 65
svc1 --db "$B" license install "$KPCL"
check_rc "an erased key never again" 65
check_grep "erased key refused" err "was erased"
svc2 --db "$B" license list --json
check_grep "json state" out '"option": "PCL"'
check_grep "json erased" out '"state": "erased"'

# --- on a terminal, invalidation asks for the option name ---------------------
lms issue --serial CCC00003 --option SEND
svc1 --db "$C" license install "$(out)"
check_rc "C installs SEND" 0
tty() {
  SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 \
    python3 "$SRC/tests/license/tty_answer.py" "$1" "$SVCMODE" --db "$C" license invalidate SEND \
    >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
tty "send please"
check_rc "a wrong answer on the terminal" 64
check_grep "the terminal asks" out "Type SEND to confirm:"
check_grep "not confirmed" out "not confirmed: SEND is still enabled"
svc1 --db "$C" license report
check_grep "C still has SEND" out "SEND ON/ON"
tty SEND
check_rc "the right answer on the terminal" 0
check_grep "the number is shown" out "license transfer number"
svc1 --db "$C" license report
check_grep "C has given SEND up" out "SEND OFF/OFF"

# --- the demo store: the published demo vendor secret ------------------------
"$LMS" demo-secret --out "$WORK/demo.secret" 2>"$WORK/err"
check_grep "demo secret says it is a demo" err "DEMO"
SVCMODE_SERVICE_CODE=2828282 svc info
SERIAL=$(sed -n 's/^serial: *//p' "$WORK/out")
"$LMS" --db "$WORK/demo-lms.db" --secret-file "$WORK/demo.secret" issue --serial "$SERIAL" \
  --option ELA >"$WORK/out" 2>"$WORK/err"
svc1 license install "$(out)"
check_rc "the demo store takes a demo LMS key" 0
svc1 license report
check_grep "demo key reported" out "device license key: demo"
check_grep "ELA on" out "ELA ON/ON"

svc license --help
check_grep "help" out "license invalidate SEND|SPDF|PCL|PS|ERDS|EAM|ELA|BRDIM [--yes]"
finish
