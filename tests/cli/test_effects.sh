#!/bin/sh
# Every setting says what it changes on the running device: 'describe KEY'
# has a non-empty effect for every key of 'svcmode list --json', and the
# Settings reference of README.md (between its markers) is exactly the
# catalog's keys, labels and effects. Then two effects that no other test
# observes: the System Manager's fields in Device Information.
#
# With --print, prints the rows the catalog wants (to paste into the doc).
. "$SRC/tests/cli/lib.sh"
DOC="$SRC/README.md"

svc list --json
check_rc "list --json" 0
python3 -c 'import json,sys; [print(e["key"], e["label"], sep="\t") for e in json.load(open(sys.argv[1]))]' \
  "$WORK/out" >"$WORK/keys"
: >"$WORK/want"
while IFS="$(printf '\t')" read -r key label; do
  svc describe "$key"
  effect=$(sed -n 's/^effect: *//p' "$WORK/out")
  [ -n "$effect" ] && ok || fail "describe $key: no effect"
  printf '| `%s` | %s | %s |\n' "$key" "$label" "$effect" >>"$WORK/want"
done <"$WORK/keys"
if [ "${1:-}" = --print ]; then cat "$WORK/want"; exit 0; fi

sed -n '/<!-- settings-effect:begin -->/,/<!-- settings-effect:end -->/p' "$DOC" | grep '^| `' >"$WORK/have"
[ -s "$WORK/have" ] && ok || fail "no settings reference between the markers in README.md"
if diff "$WORK/want" "$WORK/have" >"$WORK/diff"; then
  ok
else
  cat "$WORK/diff"
  FAILED=$((FAILED + 1))
  echo "FAIL: README.md settings reference differs from the catalog (< catalog, > doc);"
  echo "      'sh tests/cli/test_effects.sh --print' prints the rows to paste"
fi

# The System Manager's information: shown by Device Information when set.
svc info
check_nogrep "no manager before it is set" out "system manager:"
svc_mgr set system.manager.name "Ada Field"
svc_mgr set system.manager.contact "ext. 4711"
svc info
check_grep "manager in info" out "system manager: Ada Field"
check_grep "contact in info" out "contact:        ext. 4711"
svc info --json
check_grep "manager in info --json" out '"system manager": "Ada Field"'
finish
