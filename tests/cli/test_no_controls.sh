#!/bin/sh
# The promise (docs/architecture.md) that nothing svcmode prints can carry terminal
# controls or broken UTF-8: every way free text enters (setting values, the
# operator name, inbox names, document names given or taken from a file
# name, certificate subject fields) refuses C0/C1 controls, DEL and
# invalid UTF-8 with 64 or 65, and then every operation of the table, in
# text and in --json, prints valid UTF-8 with no control character but
# the newline.
. "$SRC/tests/cli/lib.sh"
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
export SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828
svc info >/dev/null
mkdir -p "$WORK/t"
printf 'sample\n' >"$WORK/t/in.txt"
esc=$(printf 'a\033]0;pwned\007b')
c1=$(printf 'a\302\233' ; printf '2Jb')
bad8=$(printf 'caf\351')
refused() { # NAME
  [ "$RC" -eq 64 ] || [ "$RC" -eq 65 ] && ok || fail "$1: exit $RC"
}
for v in "$esc" "$c1" "$bad8"; do
  svc set system.manager.comment "$v"; refused "setting value"
  svc --operator "$v" info; refused "operator"
  svc box set 05 name "$v"; refused "inbox name"
  svc box store 05 "$WORK/t/in.txt" --name "$v"; refused "document name"
  cp "$WORK/t/in.txt" "$WORK/t/$v.pdf" 2>/dev/null &&
    { svc box store 05 "$WORK/t/$v.pdf"; refused "document name from the file name"; }
  svc cert genkey k1 --cn "$v"; refused "certificate CN"
  svc cert genkey "$v"; refused "key pair name"
done
# Legitimate UTF-8 goes in and comes out intact.
svc set system.manager.comment "Zoë's desk – 3rd floor"; check_rc "UTF-8 comment" 0
svc box set 05 name "Verkauf Süd"; check_rc "UTF-8 inbox name" 0

# clean FILE: valid UTF-8, no control character but the newline.
clean() {
  /usr/bin/python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f]
sys.exit("control characters: %r" % bad[:5] if bad else 0)
PY
}
"$BUILD/tests/op-table" "$WORK/t" "$DB" >"$WORK/table" || { echo "op-table failed"; exit 1; }
runs=0
while IFS="$(printf '\t')" read -r name words doors args; do
  for json in "" --json; do
    runs=$((runs + 1))
    # shellcheck disable=SC2086
    eval "svc $words $args $json" </dev/null
    clean "$WORK/out" >"$WORK/why" 2>&1 && clean "$WORK/err" >>"$WORK/why" 2>&1 && ok ||
      fail "$name $json: $(cat "$WORK/why")"
  done
done <"$WORK/table"
echo "$runs outputs checked"
finish
