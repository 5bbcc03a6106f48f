#!/bin/sh
# Two processes each doing 200 sets at once lose no update.
. "$SRC/tests/cli/lib.sh"
svc --db "$DB" init-store --serial CON00001
N=${N:-200}
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
writer() { # KEY PREFIX
  i=1; errors=0
  while [ $i -le "$N" ]; do
    ${SVCMODE_WRAP:-} "$SVCMODE" set "$1" "$2$i" 2>>"$WORK/errors-$2" || errors=$((errors + 1))
    i=$((i + 1))
  done
  echo "$errors" >"$WORK/count-$2"
}
writer system.manager.name a & pa=$!
writer system.manager.contact b & pb=$!
wait $pa; wait $pb
[ "$(cat "$WORK/count-a")" = 0 ] && ok || fail "writer a had errors: $(head -3 "$WORK/errors-a")"
[ "$(cat "$WORK/count-b")" = 0 ] && ok || fail "writer b had errors: $(head -3 "$WORK/errors-b")"
svc get system.manager.name; check_out "last a" "a$N"
svc get system.manager.contact; check_out "last b" "b$N"
n=$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE event = 'set'")
[ "$n" -eq $((2 * N)) ] && ok || fail "audit has $n sets, expected $((2 * N))"
[ "$(sqlite3 "$DB" "PRAGMA integrity_check")" = ok ] && ok || fail "integrity"
finish
