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
# A refusal at the door writes nothing: the log holds no trace of them.
svc log; check_nogrep "refusals leave no record" out "refused"

# With the level-2 code too, the same keys open.
SVCMODE_SERVICE2_CODE=8282828 svc set service.lockout.delay 45
check_rc "level 2 sets a level-2 key" 0

# Every command and subcommand that --help lists, run with only the
# level-1 code, without arguments and with arguments aimed at level-2
# items: none may crash, and nothing that level 2 guards may change (the
# level-2 settings, the licenses, the level-2 code).
level2_state() {
  sqlite3 "$DB" "SELECT key || '|', value FROM setting ORDER BY key" | grep -F -f "$WORK/level2-keys"
  sqlite3 "$DB" "SELECT * FROM license; SELECT * FROM license_key;
    SELECT * FROM door WHERE name = 'service2';"
}
sed 's/ .*/|/' "$WORK/keys" >"$WORK/level2-keys"
sqlite3 "$DB" "SELECT 1" >/dev/null || fail "sqlite3 shell missing"
BEFORE2=$(level2_state)
"$SVCMODE" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' >"$WORK/cmds"
[ "$(wc -l <"$WORK/cmds")" -gt 15 ] && ok || fail "--help lists too few commands"
walked=0
cd "$WORK" || exit 1
while read -r cmd; do
  [ "$cmd" = tui ] && continue
  subs=$("$SVCMODE" "$cmd" --help 2>/dev/null |
    sed -n "s/^  $cmd \([a-z][a-z0-9-]*\)[ |].*/\1/p" | sort -u)
  for sub in "" $subs; do
    for args in "" "SEND --yes" "service.lockout.delay 45" "00 name X"; do
      # shellcheck disable=SC2086
      # Not under valgrind (SVCMODE_WRAP): 244 runs would take many minutes;
      # the sanitizer build covers these paths.
      # 'service run' runs until stopped: timeout ends it with SIGTERM.
      # 3 s: its loop wakes every second (src/service), so it has gone
      # round at least twice; every other command line ends within 0.4 s.
      printf '1234\n1234\n' | timeout 3 "$SVCMODE" $cmd $sub $args >"$WORK/out" 2>"$WORK/err"
      RC=$?
      [ "$RC" -lt 128 ] || fail "'$cmd $sub $args' crashed"
      walked=$((walked + 1))
    done
  done
done <"$WORK/cmds"
[ "$(level2_state)" = "$BEFORE2" ] && ok || fail "a level-1 command changed level-2 state"
echo "walked $walked command lines"

finish
