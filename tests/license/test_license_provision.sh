#!/bin/sh
# license provision FILE: a demo-keyed store moves to its factory key. It is
# refused while an option is enabled under the demo key, for another
# serial's key file, for a file others may read, at level 1 and once the
# store has its factory key; it is audited, and afterwards demo keys are
# refused and the factory LMS's keys install.
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
A="$WORK/a.db"
umask 077
printf 'test vendor secret, not the demo one\n' >"$WORK/vendor.secret"
"$LMS" demo-secret --out "$WORK/demo.secret" 2>/dev/null
# lms SECRET ARGS...: the demo or the factory LMS, each with its own file.
lms() {
  s=$1
  shift
  "$LMS" --db "$WORK/lms-$s.db" --secret-file "$WORK/$s.secret" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
svc2() { SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@"; }
keysrc() { sqlite3 "$A" "SELECT source FROM license_key"; }

svc --db "$A" init-store --serial AAA00001
lms demo issue --serial AAA00001 --option SEND
svc2 --db "$A" license install "$(cat "$WORK/out")"
check_rc "a demo key installs on the demo store" 0
[ "$(keysrc)" = demo ] && ok || fail "store is not demo-keyed ($(keysrc))"
lms vendor device-key --serial AAA00001 --out "$WORK/a.key"
lms vendor device-key --serial BBB00002 --out "$WORK/b.key"

SVCMODE_SERVICE_CODE=2828282 svc --db "$A" license provision "$WORK/a.key"
check_rc "provision at level 1" 77
svc2 --db "$A" license provision "$WORK/a.key"
check_rc "provision while SEND is on under the demo key" 65
check_grep "says to erase it" err "SEND is enabled under the demo key: erase it first"
[ "$(keysrc)" = demo ] && ok || fail "a refused provision changed the key"
svc2 --db "$A" license erase SEND --yes
svc2 --db "$A" license provision "$WORK/b.key"
check_rc "another serial's key file" 65
check_grep "names both serials" err "is for serial BBB00002, not this device's AAA00001"
cp "$WORK/a.key" "$WORK/open.key" && chmod 644 "$WORK/open.key"
svc2 --db "$A" license provision "$WORK/open.key"
check_rc "a key file others may read" 77

svc2 --db "$A" license provision "$WORK/a.key"
check_rc "provision" 0
check_grep "says factory" out "device license key: factory (serial AAA00001)"
[ "$(keysrc)" = factory ] && ok || fail "the key is not factory ($(keysrc))"
svc2 --db "$A" log
check_grep "audited" out "license.provision - '' -> 'factory': device license key: demo -> factory"
check_nogrep "the key is never logged" out "$(cut -d' ' -f2 "$WORK/a.key")"
svc2 --db "$A" license provision "$WORK/a.key"
check_rc "provision twice" 65
check_grep "already factory" err "already has its factory license key"

lms demo issue --serial AAA00001 --option PCL
svc2 --db "$A" license install "$(cat "$WORK/out")"
check_rc "a demo key after provisioning" 65
check_grep "refused as altered" err "altered key"
lms vendor issue --serial AAA00001 --option PCL
svc2 --db "$A" license install "$(cat "$WORK/out")"
check_rc "a factory key after provisioning" 0
svc2 --db "$A" license report
check_grep "report says factory" out "device license key: factory"
finish
