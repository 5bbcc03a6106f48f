#!/bin/sh
# Every setting says what it changes on the running device: 'describe KEY'
# has a non-empty effect for every key of 'svcmode list --json', and the
# generated svcmode-settings(7) gives exactly that effect for exactly the
# catalog's keys. Then two effects that no other test observes: the System
# Manager's fields in Device Information.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/manpage.sh"

# The plain keys, and the instanced ones through their first instance.
: >"$WORK/keys"
for prefix in "" box.00; do
  svc list $prefix --json
  check_rc "list $prefix --json" 0
  python3 -c 'import json,sys; [print(e["key"], e["label"], sep="\t") for e in json.load(open(sys.argv[1]))]' \
    "$WORK/out" >>"$WORK/keys"
done
grep -q '^box\.00\.name' "$WORK/keys" && ok || fail "list box.00 --json has no box.00.name"
: >"$WORK/want"
while IFS="$(printf '\t')" read -r key label; do
  svc describe "$key"
  effect=$(sed -n 's/^effect: *//p' "$WORK/out")
  [ -n "$effect" ] && ok || fail "describe $key: no effect"
  printf '%s\t%s\n' "$(page_key "$key")" "$effect" >>"$WORK/want"
done <"$WORK/keys"
sort -o "$WORK/want" "$WORK/want"

settings_field Effect | sort >"$WORK/have"
[ -s "$WORK/have" ] && ok || fail "svcmode-settings(7) gives no effect"
if diff "$WORK/want" "$WORK/have" >"$WORK/diff"; then
  ok
else
  cat "$WORK/diff"
  FAILED=$((FAILED + 1))
  echo "FAIL: the effects of svcmode-settings(7) differ from 'svcmode describe' (< describe, > page)"
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
