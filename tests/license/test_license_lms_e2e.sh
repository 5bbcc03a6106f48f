#!/bin/sh
# End to end with the real LMS service: `svcmode-lms serve` over TLS, two
# factory-provisioned devices. A redeems a License Access Number, moves SEND
# to B with one command, B installs the key; the LMS check on A agrees; a
# copy of A's store and license history both put back (what root can do)
# is caught by the LMS check.
. "$SRC/tests/lms/lib.sh"
export SVCMODE_LMS_USER=eng SVCMODE_LMS_PASSWORD='engineer password 1'
make_cert
device a AAA00001
device b BBB00002
account eng "$SVCMODE_LMS_PASSWORD"
lms lan create --option SEND
LAN=$(out)
serve main
for d in a b; do
  svc_mgr --db "$WORK/$d.db" cert import-ca "$WORK/cert.pem"
  check_rc "trust the LMS's certificate on $d" 0
done
state() { sqlite3 "$WORK/$1.db" "SELECT coalesce(max(state), 'none') FROM license WHERE option = '$2'"; }

svc1 --db "$WORK/a.db" license redeem "$LAN" --lms "$URL"
check_rc "A redeems the LAN" 0
check_grep "SEND installed on A" out "SEND: license"
svc1 --db "$WORK/a.db" license redeem "$LAN" --lms "$URL"
check_rc "the LAN a second time" 65

cp "$WORK/a.db" "$WORK/a.saved"
svc2 --db "$WORK/a.db" license transfer SEND --to BBB00002 --lms "$URL" --yes
check_rc "A transfers SEND to B in one command" 0
KB=$(out)
[ "$(state a SEND)" = transferred ] && ok || fail "SEND on A: $(state a SEND)"
svc1 --db "$WORK/b.db" license install "$KB"
check_rc "B installs the key" 0
svc1 --db "$WORK/b.db" license report
check_grep "SEND ON/ON on B" out "SEND ON/ON"
svc1 --db "$WORK/a.db" license check --lms "$URL"
check_rc "check on A" 0
check_nogrep "nothing to disable" out "disabled: transferred"

# Both places put back.
rm -f "$WORK/a.db-wal" "$WORK/a.db-shm"
cp "$WORK/a.saved" "$WORK/a.db"
rm -f "$SVCMODE_LICENSE_HISTORY/AAA00001"
[ "$(state a SEND)" = active ] && ok || fail "the copy should have SEND active"
svc1 --db "$WORK/a.db" license check --lms "$URL"
check_rc "check on the cloned A" 0
check_grep "the LMS check disables SEND" out "disabled: transferred at the LMS"
[ "$(state a SEND)" = erased ] && ok || fail "SEND on A: $(state a SEND)"
finish
