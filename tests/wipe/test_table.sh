#!/bin/sh
# The erase/keep table of README.md against the catalog: every key of
# 'svcmode list --json' has exactly one row, with the label, level and the
# initialization rule that 'svcmode describe' gives; no row names a key
# that does not exist. Then the rule is checked in behaviour: every key
# set away from its default is back at it after 'init --all' if and only
# if its row says "reset".
#
# With --print, prints the rows the catalog wants (to paste into the doc).
. "$SRC/tests/cli/lib.sh"
DOC="$SRC/README.md"
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
  case "$init" in reset | kept) ;; *) fail "describe $key: init '$init'" ;; esac
  printf '| `%s` | %s | %s | %s |\n' "$key" "$label" "$level" "$init" >>"$WORK/want"
done <"$WORK/keys"
if [ "${1:-}" = --print ]; then cat "$WORK/want"; exit 0; fi

sed -n '/<!-- erase-keep:begin -->/,/<!-- erase-keep:end -->/p' "$DOC" | grep '^| `' >"$WORK/have"
[ -s "$WORK/have" ] && ok || fail "no erase/keep table between the markers in README.md"
if diff "$WORK/want" "$WORK/have" >"$WORK/diff"; then
  ok
else
  cat "$WORK/diff"
  FAILED=$((FAILED + 1))
  echo "FAIL: README.md erase/keep table differs from the catalog (< catalog, > doc);"
  echo "      'sh tests/wipe/test_table.sh --print' prints the rows to paste"
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
  rule=$(grep -F "| \`$key\` |" "$WORK/want" | awk -F' [|] ' '{print $4}' | tr -d ' |')
  case "$rule:$dflt" in
    reset:True | kept:False) ok ;;
    *) fail "$key: rule '$rule' but after init --all default=$dflt" ;;
  esac
done <"$WORK/changed"
finish
