#!/bin/sh
# Every action that writes is run again when it meets another writer, not
# refused as busy: issues (command line) and License Access Numbers (API
# and command line) made at once while another client holds what their
# writes need (hold_writes in lib.sh: on PostgreSQL their SERIALIZABLE
# transactions then fail to commit, 40001, on SQLite the file stays locked
# past the busy timeout). Each one succeeds, and the database holds exactly
# what they made.
. "$SRC/tests/lms/lib.sh"

make_cert
account root 'admin password 1' --admin
serve writes --rate 0 --max-failures 0 --threads 8
signin root 'admin password 1'
[ -n "$TOKEN" ] && ok || fail "admin signs in"
before=$(conflicts)
# wait_kids: waits for the command lines started ($KIDS) and the hold
# ($HOLD), not for the server.
KIDS=
wait_kids() {
  for k in $KIDS $HOLD; do wait "$k"; done
  KIDS=
}

# --- issues: 12 devices, and one device 4 times, all at once ---------------------
hold_writes 7
for k in 01 02 03 04 05 06 07 08 09 10 11 12; do
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" issue --serial "III000$k" \
    --option SEND >"$WORK/issue.$k" 2>&1 &
  KIDS="$KIDS $!"
done
for k in 1 2 3 4; do
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" issue --serial JJJ00001 \
    --option SEND >"$WORK/same.$k" 2>&1 &
  KIDS="$KIDS $!"
done
wait_kids
keys=$(grep -lE '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$' "$WORK"/issue.* | wc -l)
[ "$keys" -eq 12 ] && ok || fail "12 issues: $keys keys; $(cat "$WORK"/issue.*)"
same=$(grep -hE '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$' "$WORK"/same.*)
[ "$(echo "$same" | wc -l)" -eq 4 ] && [ "$(echo "$same" | sort -u | wc -l)" -eq 1 ] && ok ||
  fail "one device issued at once 4 times: one key 4 times, $(cat "$WORK"/same.*)"
[ "$(dbq "SELECT count(*) FROM license WHERE serial LIKE 'III%' AND state = 'issued'")" = 12 ] &&
  ok || fail "12 licenses stored"
[ "$(dbq "SELECT count(*) FROM license WHERE serial = 'JJJ00001'")" = 1 ] && ok ||
  fail "one license for the device issued 4 times"
[ "$(dbq "SELECT count(*) FROM audit WHERE action = 'issue' AND result = 'ok'")" = 16 ] && ok ||
  fail "16 issues audited as done: $(dbq "SELECT result, count(*) FROM audit WHERE action = 'issue' GROUP BY result")"

# --- License Access Numbers: 16 API requests and 4 command lines at once ------------
parallel_config 16 /v1/lans '{"option":"PCL","count":5,"x":"%s"}'
hold_writes 7
for k in 1 2 3 4; do
  "$LMS" --db "$LMSDB" lan create --option SPDF --count 3 >"$WORK/lan.$k" 2>&1 &
  KIDS="$KIDS $!"
done
parallel 16
wait_kids
[ "$(grep -c '^201$' "$WORK/codes")" = 16 ] && ok ||
  fail "16 API LAN creations: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ') $(cat "$WORK"/resp.* | head -3)"
[ "$(cat "$WORK"/lan.* | grep -cE '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$')" = 12 ] && ok ||
  fail "4 command-line LAN creations: $(cat "$WORK"/lan.*)"
[ "$(dbq "SELECT count(*) FROM lan WHERE option = 'PCL'")" = 80 ] && ok || fail "80 PCL LANs stored"
[ "$(dbq "SELECT count(*) FROM lan WHERE option = 'SPDF'")" = 12 ] && ok || fail "12 SPDF LANs stored"
[ "$(dbq "SELECT count(*) FROM audit WHERE action = 'lan-create' AND result = 'ok'")" = 20 ] &&
  ok || fail "20 LAN creations audited as done"

# --- sign-ins: 16 at once (sessions and their audit rows) --------------------------
TOKEN=
parallel_config 16 /v1/sessions '{"user":"root","password":"admin password 1","x":"%s"}'
hold_writes 7
parallel 16
wait_kids
[ "$(grep -c '^201$\|^200$' "$WORK/codes")" = 16 ] && ok ||
  fail "16 sign-ins at once: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ') $(cat "$WORK"/resp.* | head -3)"
[ "$(dbq "SELECT count(*) FROM audit WHERE action = 'signin' AND result = 'ok'")" = 17 ] && ok ||
  fail "17 sign-ins audited as done: $(dbq "SELECT result, count(*) FROM audit WHERE action = 'signin' GROUP BY result")"
[ "$(dbq "SELECT count(*) FROM session")" -ge 17 ] && ok || fail "17 sessions stored"

[ "$(dbq "SELECT count(*) FROM audit WHERE result IN ('BUSY', 'INTERNAL')")" = 0 ] && ok ||
  fail "a writer refused as busy: $(dbq "SELECT action, detail FROM audit WHERE result IN ('BUSY', 'INTERNAL')" | head -3)"
echo "conflicts met and tried again: $(($(conflicts) - before)) (PostgreSQL's log; 0 on SQLite)"
if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
  [ $(($(conflicts) - before)) -gt 0 ] && ok || fail "the held lock made no serialization conflict"
fi
kill -TERM "$PID"
wait "$PID"
RC=$?
check_rc "clean stop" 0
[ "$(db_intact)" = ok ] && ok || fail "database intact"
finish
