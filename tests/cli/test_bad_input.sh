#!/bin/sh
# The promise of the error convention (docs/architecture.md) for every
# command: bad input gets a clear error and
# changes nothing. Every operation of the table, by its CLI words, with each
# parameter in turn given a value its type refuses (a missing file, a
# folder that does not exist, "1x" for an inbox, an unknown choice or key,
# text with a terminal control), run with every credential: it exits
# non-zero, says what was wrong, and the store is byte for byte as it was,
# not even a login record added.
. "$SRC/tests/cli/lib.sh"
TABLE="$BUILD/tests/op-table"
mkdir -p "$WORK/t"
printf 'sample\n' >"$WORK/t/in.txt"
svc info >/dev/null
"$TABLE" "$WORK/t" "$DB" bad >"$WORK/table" || { echo "op-table failed"; exit 1; }
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
export SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828
runs=0
while IFS="$(printf '\t')" read -r name words param args; do
  runs=$((runs + 1))
  before=$(snapshot)
  # shellcheck disable=SC2086
  eval "svc $words $args" </dev/null
  [ "$RC" -ne 0 ] && ok || fail "$name with a bad $param ($args) succeeded"
  [ -s "$WORK/err" ] && ok || fail "$name with a bad $param: no message"
  grep -q '[[:cntrl:]]' "$WORK/err" && fail "$name: a control character in the message" || ok
  [ "$(snapshot)" = "$before" ] && ok || fail "$name with a bad $param ($args) changed the store"
done <"$WORK/table"
echo "$runs commands with bad input"
[ "$runs" -gt 60 ] && ok || fail "too few cases"
finish
