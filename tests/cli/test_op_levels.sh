#!/bin/sh
# The CLI side of the level test: every operation of the table, by its CLI
# words with sample arguments, at every session (nobody, the System
# Manager, service level 1, service level 2), credentials from the
# environment. It is refused (exit 77, "needs ...") exactly when the
# session holds none of the operation's doors, and a refused command
# leaves the store byte for byte as it was. tests/ops/test_ops.c runs the
# same table through op_exec, the path of the menus.
. "$SRC/tests/cli/lib.sh"
TABLE="$BUILD/tests/op-table"
mkdir -p "$WORK/t"
printf 'sample\n' >"$WORK/t/in.txt"
svc info >/dev/null
cp "$DB" "$WORK/template.db"
"$TABLE" "$WORK/t" "$WORK/template.db" >"$WORK/table" || { echo "op-table failed"; exit 1; }

# held LEVEL: the doors a session at LEVEL holds (1 manager, 2 level 1, 4 level 2).
held() { case $1 in none) echo 0 ;; manager) echo 1 ;; service1) echo 2 ;; service2) echo 6 ;; esac; }
# as LEVEL CMD...: runs svcmode with the credentials of LEVEL only.
as() {
  lvl=$1
  shift
  case $lvl in
  none) svc "$@" ;;
  manager) SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 svc "$@" ;;
  service1) SVCMODE_SERVICE_CODE=2828282 svc "$@" ;;
  service2) SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@" ;;
  esac
}

runs=0
door=0
while IFS="$(printf '\t')" read -r name words doors args; do
  for lvl in none manager service1 service2; do
    runs=$((runs + 1))
    rm -rf "$(dirname "$DB")"
    mkdir -p "$(dirname "$DB")"
    cp "$WORK/template.db" "$DB"
    svc info   # the store's WAL files exist from here on, as on a device
    before=$(snapshot)
    # shellcheck disable=SC2086
    eval "as $lvl $words $args" </dev/null
    h=$(held $lvl)
    if [ "$doors" -ne 0 ] && [ $((doors & h)) -eq 0 ]; then
      # Refused at the door, or before it for the sample's input (a key
      # pair that does not exist, an empty new code): never done, and the
      # store untouched, not even a login record.
      [ "$RC" -ne 0 ] && ok || fail "$name ($words) at $lvl: not refused (doors $doors)"
      [ "$RC" -eq 77 ] && door=$((door + 1))
      [ "$(snapshot)" = "$before" ] && ok || fail "$name at $lvl: the refusal changed the store"
    else
      grep -q " needs " "$WORK/err" && [ "$RC" -eq 77 ] &&
        fail "$name ($words) at $lvl: refused although the session holds its door" || ok
    fi
  done
done <"$WORK/table"
echo "$runs runs, $door refused at the door"
[ "$runs" -gt 100 ] && ok || fail "too few operations in the table"
[ "$door" -gt 40 ] && ok || fail "too few refusals reached the door"
finish
