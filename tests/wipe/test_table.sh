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

svc list --json
check_rc "list --json" 0
# key, level, label, and a valid value other than the current one (empty
# where the type makes none easy), from one python3 run.
python3 - "$WORK/out" >"$WORK/keys" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
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
  case "$init" in reset | kept) ;; *) fail "describe $key: init '$init'" ;; esac
  printf '%s\t%s\t%s\n' "$key" "$title" "$init" >>"$WORK/want"
done <"$WORK/keys"

settings_field Level >"$WORK/levels"
settings_field Initialize | cut -f 2 >"$WORK/inits"
paste "$WORK/levels" "$WORK/inits" >"$WORK/have"
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
svc list --json
python3 -c 'import json,sys; [print(e["key"], e["default"]) for e in json.load(open(sys.argv[1]))]' \
  "$WORK/out" >"$WORK/after"
while read -r key; do
  dflt=$(awk -v k="$key" '$1 == k {print $2}' "$WORK/after")
  rule=$(awk -F '\t' -v k="$key" '$1 == k {print $3}' "$WORK/have")
  case "$rule:$dflt" in
    reset:True | kept:False) ok ;;
    *) fail "$key: rule '$rule' but after init --all default=$dflt" ;;
  esac
done <"$WORK/changed"
finish
