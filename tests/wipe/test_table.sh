#!/bin/sh
# The erase/keep table, svcmode-settings(7) (generated from the catalog),
# against the program: every key of 'svcmode list --json' has exactly one
# entry, with the level and the initialization rule that 'svcmode
# describe' gives; no entry names a key that does not exist. Then the rule
# is checked in behaviour: every key set away from its default is back at
# it after 'init --all' if and only if its entry says "reset".
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/manpage.sh"
svc2() { SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@"; }

# Every key: the plain ones, and the instanced ones through their first
# instance (the page has one entry for box.NN.name).
svc list --json
check_rc "list --json" 0
cp "$WORK/out" "$WORK/list-plain"
svc list box.00 --json
check_rc "list box.00 --json" 0
cp "$WORK/out" "$WORK/list-box"
# key, level, label, and a valid value other than the current one (empty
# where the type makes none easy), from one python3 run.
python3 - "$WORK/list-plain" "$WORK/list-box" >"$WORK/keys" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])) + json.load(open(sys.argv[2])):
    t, v = e["type"], e["value"]
    alt = {"bool": "OFF" if v == "ON" else "ON", "string": "x7", "host": "h7.example",
           "email": "a7@example.com", "ipv4": "10.7.7.7", "netmask": "255.255.0.0",
           "port": "2525" if v != "2525" else "2526",
           "int": "7" if v != "7" else "8", "iface": "eth7"}.get(t, "")
    print(e["key"], e["level"], e["label"], alt, sep="\t")
PY
: >"$WORK/want"
while IFS="$(printf '\t')" read -r key level label alt; do
  svc describe "$key"
  init=$(sed -n 's/^init: *//p' "$WORK/out")
  title=$(sed -n 's/^level: *//p' "$WORK/out")
  case "$init" in reset | kept | "with data") ;; *) fail "describe $key: init '$init'" ;; esac
  printf '%s\t%s\t%s\n' "$(page_key "$key")" "$title" "$init" >>"$WORK/want"
done <"$WORK/keys"
sort -o "$WORK/want" "$WORK/want"

settings_field Level >"$WORK/levels"
settings_field Initialize | cut -f 2 >"$WORK/inits"
paste "$WORK/levels" "$WORK/inits" | sort >"$WORK/have"
[ -s "$WORK/levels" ] && ok || fail "svcmode-settings(7) gives no level"
if diff "$WORK/want" "$WORK/have" >"$WORK/diff"; then
  ok
else
  cat "$WORK/diff"
  FAILED=$((FAILED + 1))
  echo "FAIL: svcmode-settings(7) differs from 'svcmode describe' (< describe, > page):"
  echo "      key, level, what Initialize does"
fi

# Behaviour: a non-default value for every key whose type makes one easy.
svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
: >"$WORK/changed"
while IFS="$(printf '\t')" read -r key level label v; do
  [ -n "$v" ] || continue
  case "$level" in service*) svc2 set "$key" "$v" ;; *) svc_mgr set "$key" "$v" ;; esac
  [ "$RC" -eq 0 ] && echo "$key" >>"$WORK/changed"
done <"$WORK/keys"
[ "$(wc -l <"$WORK/changed")" -ge 20 ] && ok || fail "too few keys could be changed"
svc_mgr init --all --confirm "$SERIAL"
check_rc "init --all" 0
: >"$WORK/after"
for prefix in "" box.00; do
  svc list $prefix --json
  python3 -c 'import json,sys; [print(e["key"], e["default"]) for e in json.load(open(sys.argv[1]))]' \
    "$WORK/out" >>"$WORK/after"
done
while read -r key; do
  dflt=$(awk -v k="$key" '$1 == k {print $2}' "$WORK/after")
  rule=$(awk -F '\t' -v k="$(page_key "$key")" '$1 == k {print $3}' "$WORK/have")
  case "$rule:$dflt" in
    reset:True | kept:False | "with data:True") ok ;;
    *) fail "$key: rule '$rule' but after init --all default=$dflt" ;;
  esac
done <"$WORK/changed"
finish
