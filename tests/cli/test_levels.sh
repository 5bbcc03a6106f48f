#!/bin/sh
# A level-1 session cannot reach level-2 items through any command: every
# catalog key marked service2 and every level-2 command is refused (77)
# with only the level-1 code, and works with both codes.
. "$SRC/tests/cli/lib.sh"
svc --db "$DB" init-store --serial LVL00001
export SVCMODE_SERVICE_CODE=2828282

# Every level-2 setting, whatever the catalog holds today.
svc list --json
sed -n 's/.*"key": "\([^"]*\)".*"type": "\([^"]*\)", "level": "service2", "value": \([^,]*\),.*/\1 \2 \3/p' \
  "$WORK/out" >"$WORK/keys"
[ -s "$WORK/keys" ] && ok || fail "the catalog lists no level-2 setting"
while read -r key type value; do
  value=$(echo "$value" | tr -d '"')
  if [ "$type" = pin ] || [ "$type" = secret ]; then
    printf '1234\n' | ${SVCMODE_WRAP:-} "$SVCMODE" set "$key" >"$WORK/out" 2>"$WORK/err"; RC=$?
  else
    svc set "$key" "$value"
  fi
  check_rc "level 1 cannot set $key" 77
  check_grep "names level 2 for $key" err "Service Mode level 2"
  svc reset "$key"; check_rc "level 1 cannot reset $key" 77
done <"$WORK/keys"

# Every level-2 command.
for cmd in "license invalidate SEND --yes" "license erase SEND --yes" "passwd service2"; do
  printf '1234\n1234\n' | ${SVCMODE_WRAP:-} "$SVCMODE" $cmd >"$WORK/out" 2>"$WORK/err"; RC=$?
  check_rc "level 1 cannot run '$cmd'" 77
done
svc log; check_grep "refusals audited" out "refused"

# With the level-2 code too, the same keys open.
SVCMODE_SERVICE2_CODE=8282828 svc set service.lockout.delay 45
check_rc "level 2 sets a level-2 key" 0
finish
