#!/bin/sh
# Exactly one key: the same transfer number, and the same License Access
# Number, submitted at once by many clients (32 connections of one curl
# --parallel, and command-line transfers beside them) issue one key, and
# the database records one transfer and one redemption. Then a bounded
# load: 64 concurrent clients verifying, every answer right.
. "$SRC/tests/lms/lib.sh"

make_cert
account eng 'engineer password 1'
account root 'admin password 1' --admin
device a AAA00001
lms issue --serial AAA00001 --option SEND
svc1 --db "$WORK/a.db" license install "$(out)"
svc2 --db "$WORK/a.db" license invalidate SEND --yes
check_rc "A invalidates SEND" 0
TR=$(out)
serve race --rate 0 --max-failures 0 --threads 8
signin eng 'engineer password 1'

# --- one transfer number, 32 clients and 4 command-line transfers at once -------
parallel_config 32 /v1/transfers "{\"number\":\"$TR\",\"serial\":\"DDD000%s\"}"
for k in 1 2 3 4; do
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" transfer --from AAA00001 \
    --to "EEE0000$k" --option SEND --number "$TR" >"$WORK/cli.$k" 2>&1 &
done
parallel 32
sleep 2 # the command-line transfers wait at most their busy timeout
n200=$(grep -c '^200$' "$WORK/codes")
n409=$(grep -c '^409$' "$WORK/codes")
ncli=$(grep -lE '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$' "$WORK"/cli.* 2>/dev/null | wc -l)
[ $((n200 + ncli)) -eq 1 ] && ok ||
  fail "one transfer number: $n200 API keys and $ncli command-line keys, not exactly 1"
[ $((n200 + n409)) -eq 32 ] && ok || fail "the other clients: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
[ "$(grep -l 'was already used' "$WORK"/cli.* | wc -l)" -eq $((4 - ncli)) ] && ok ||
  fail "command-line losers told the number was used: $(cat "$WORK"/cli.*)"
grep -l '"code":"NUMBER_USED"' "$WORK"/resp.* >/dev/null && ok || fail "losers told NUMBER_USED"
[ "$(dbq "SELECT count(*) FROM transfer")" = 1 ] && ok || fail "one transfer recorded"
[ "$(dbq "SELECT count(*) FROM license WHERE option = 'SEND' AND state = 'issued'")" = 1 ] &&
  ok || fail "one live SEND license in all"
[ "$(dbq "SELECT count(*) FROM audit WHERE action = 'transfer' AND result = 'ok'")" = 1 ] &&
  ok || fail "one transfer audited as done"

# --- one License Access Number, 32 clients at once ---------------------------------
lms lan create --option PCL
LAN=$(out)
parallel_config 32 /v1/redeem "{\"lan\":\"$LAN\",\"serial\":\"FFF000%s\"}"
parallel 32
[ "$(grep -c '^200$' "$WORK/codes")" = 1 ] && ok ||
  fail "one LAN: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
[ "$(grep -c '^409$' "$WORK/codes")" = 31 ] && ok || fail "31 told LAN_USED"
[ "$(dbq "SELECT count(*) FROM license WHERE option = 'PCL'")" = 1 ] && ok ||
  fail "one PCL license issued"
[ "$(dbq "SELECT count(*) FROM lan WHERE serial IS NOT NULL")" = 1 ] && ok ||
  fail "one redemption recorded"

[ "$(dbq "SELECT count(*) FROM audit WHERE result IN ('BUSY', 'INTERNAL')")" = 0 ] && ok ||
  fail "a client refused as busy: the conflicts were not retried"

# --- PostgreSQL: conflicts for certain, and tried again -----------------------------
# A session holds a lock that lets the redemptions read but not mark the
# LAN: they all begin on the same snapshot, then meet at once. All but one
# fail to commit as serializable (40001), run again, and find it used.
if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
  lms lan create --option SPDF
  LAN=$(out)
  before=$(grep -c 'could not serialize' "$PGDIR/server.log")
  psql -X -q -d "$LMSDB" -c 'BEGIN; LOCK TABLE lan IN SHARE ROW EXCLUSIVE MODE;
    SELECT pg_sleep(2); COMMIT' >/dev/null &
  HOLD=$!
  sleep 0.5
  parallel_config 16 /v1/redeem "{\"lan\":\"$LAN\",\"serial\":\"HHH000%s\"}"
  parallel 16
  wait "$HOLD"
  conflicts=$(($(grep -c 'could not serialize' "$PGDIR/server.log") - before))
  [ "$conflicts" -gt 0 ] && ok || fail "the held lock made no serialization conflict"
  echo "serialization conflicts, tried again: $conflicts"
  [ "$(grep -c '^200$' "$WORK/codes")" = 1 ] && [ "$(grep -c '^409$' "$WORK/codes")" = 15 ] && ok ||
    fail "one LAN after conflicts: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
  [ "$(dbq "SELECT count(*) FROM license WHERE option = 'SPDF'")" = 1 ] && ok ||
    fail "one SPDF license issued after conflicts"
  [ "$(dbq "SELECT count(*) FROM audit WHERE result IN ('BUSY', 'INTERNAL')")" = 0 ] && ok ||
    fail "a conflict reached a client"
fi

# --- bounded load: 64 clients, 640 verifications of a live number --------------------
device g GGG00001
svc1 --db "$WORK/g.db" license install "$(lms issue --serial GGG00001 --option SEND; out)"
svc1 --db "$WORK/g.db" license install "$(lms issue --serial GGG00001 --option SPDF; out)"
svc2 --db "$WORK/g.db" license invalidate SPDF --yes
check_rc "G invalidates SPDF" 0
TRG=$(out)
parallel_config 640 /v1/transfers/verify "{\"number\":\"$TRG\",\"x\":\"%s\"}"
start=$(date +%s)
parallel 64
took=$(( $(date +%s) - start ))
[ "$(grep -c '^200$' "$WORK/codes")" = 640 ] && ok ||
  fail "640 verifications: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
grep -L '"option":"SPDF","serial":"GGG00001"' "$WORK"/resp.* | head -1 | grep -q . &&
  fail "a verification answered something else" || ok
[ "$took" -le 60 ] && ok || fail "640 verifications took ${took}s"
echo "load: 640 verifications by 64 clients in ${took}s"
kill -TERM "$PID"
wait "$PID"
RC=$?
check_rc "clean stop after the load" 0
finish
