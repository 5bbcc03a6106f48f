#!/bin/sh
# export and import: round trip, all or nothing.
. "$SRC/tests/cli/lib.sh"
svc --db "$DB" init-store --serial IMP00001

svc_mgr set network.email.smtp.server smtp.example.com
svc_mgr set network.email.smtp.port 587
svc export "$WORK/a.json"; check_rc "export to file" 0
[ "$(stat -c %a "$WORK/a.json")" = 600 ] && ok || fail "export file mode"
check_grep_file() { grep -qF -- "$2" "$1" && ok || fail "$1 lacks $2"; }
check_grep_file "$WORK/a.json" '"network.email.smtp.port": 587'
check_grep_file "$WORK/a.json" '"format": "svcmode-settings"'
grep -q "system.manager.pin" "$WORK/a.json" && fail "PIN exported" || ok
# Stable order: two exports are identical.
svc export; cmp -s "$WORK/out" "$WORK/a.json" && ok || fail "export not stable"

# Onto a second store: the same settings afterwards.
B="$WORK/b/device.db"
svc --db "$B" init-store --serial IMP00002
SVCMODE_DB="$B" svc_mgr import "$WORK/a.json"; check_rc "import" 0
check_grep "import count" err "imported 2 changes"
SVCMODE_DB="$B" svc get network.email.smtp.port; check_out "imported value" 587
SVCMODE_DB="$B" svc log; check_grep "import audited" out "import"
# Importing the same again changes nothing and needs no credentials.
SVCMODE_DB="$B" svc import "$WORK/a.json"; check_rc "unchanged import" 0
check_grep "nothing to change" err "imported 0 changes"

# 100 settings lines with one bad value: every problem listed, nothing written.
python_free_edit() { sed "s/\"network.email.smtp.port\": 587/\"network.email.smtp.port\": 70000/" "$1"; }
python_free_edit "$WORK/a.json" | sed 's/"smtp.example.com"/"other.example.com"/' >"$WORK/bad.json"
lines=$(grep -c '": ' "$WORK/bad.json")
[ "$lines" -ge 30 ] && ok || fail "export too small: $lines lines"
before=$(SVCMODE_DB="$B" snapshot)
SVCMODE_DB="$B" svc_mgr import "$WORK/bad.json"; check_rc "bad import" 65
check_grep "names key, value, expected" err "invalid value '70000' for network.email.smtp.port: expected an integer 1-65535"
SVCMODE_DB="$B" svc get network.email.smtp.server; check_out "good line not written" smtp.example.com
# Several problems, all listed.
sed -e 's/"network.email.smtp.port": 587/"network.email.smtp.port": 0, "no.such.key": "x"/' \
    -e 's/"network.tcpip.dhcp": "OFF"/"network.tcpip.dhcp": "sometimes"/' "$WORK/a.json" >"$WORK/bad2.json"
SVCMODE_DB="$B" svc_mgr import "$WORK/bad2.json"; check_rc "bad import 2" 65
check_grep "unknown key listed" err "unknown setting 'no.such.key'"
check_grep "bad bool listed" err "invalid value 'sometimes' for network.tcpip.dhcp"
check_grep "bad port listed" err "invalid value '0' for network.email.smtp.port"
check_grep "count" err "3 invalid entries"
printf '{"format": "svcmode-settings", "settings": {' >"$WORK/trunc.json"
SVCMODE_DB="$B" svc_mgr import "$WORK/trunc.json"; check_rc "malformed JSON" 65
check_grep "malformed message" err "malformed JSON"
printf '{"a": 1}' | SVCMODE_DB="$B" svc_mgr import -; check_rc "not an export" 65
SVCMODE_DB="$B" svc_mgr import "$WORK/missing.json"; check_rc "missing file" 66
[ "$(SVCMODE_DB="$B" snapshot)" = "$before" ] && ok || fail "failed imports changed the store"

# Exactly 100 settings lines, one key 99 times and one bad value: a key
# given twice is refused before anything else, nothing written.
{
  echo '{"format": "svcmode-settings", "version": 1, "settings": {'
  i=1
  while [ $i -le 99 ]; do echo "  \"system.manager.comment\": \"c$i\","; i=$((i + 1)); done
  echo '  "network.email.pop.port": 99999'
  echo '}}'
} >"$WORK/hundred.json"
[ "$(grep -c '^  "' "$WORK/hundred.json")" -eq 100 ] && ok || fail "hundred.json has not 100 lines"
SVCMODE_DB="$B" svc_mgr import "$WORK/hundred.json"; check_rc "one bad line in 100" 65
check_grep "the repeated key named" err "'system.manager.comment' appears twice"
SVCMODE_DB="$B" svc get system.manager.comment; check_out "none of the 99 written" ""
[ "$(SVCMODE_DB="$B" snapshot)" = "$before" ] && ok || fail "the 100-line import changed the store"

# A change that needs credentials: refused whole without them.
sed 's/"smtp.example.com"/"other.example.com"/' "$WORK/a.json" >"$WORK/c.json"
SVCMODE_DB="$B" svc import "$WORK/c.json"; check_rc "import needs credentials" 77
SVCMODE_DB="$B" svc get network.email.smtp.server; check_out "not written" smtp.example.com

# Secrets round trip only with --include-secrets.
printf 'pw-123\n' | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  "$SVCMODE" set network.email.auth.smtp_password 2>/dev/null
svc_mgr export --include-secrets "$WORK/s.json"
C="$WORK/c/device.db"; svc --db "$C" init-store --serial IMP00003
SVCMODE_DB="$C" svc_mgr import "$WORK/s.json"; check_rc "import with secret" 0
SVCMODE_DB="$C" svc_mgr export --include-secrets
check_grep "secret carried over" out '"network.email.auth.smtp_password": "pw-123"'
grep -q "pw-123" "$C"* && fail "imported secret in clear in the store" || ok

# Refused whole, store unchanged, exit 65: a NUL inside a key or a value
# (cut short in C it would name another key or a shorter value), a key
# given twice (the last would win), a format version this program does not
# write (2, or "1" as a string).
D="$WORK/d/device.db"; svc --db "$D" init-store --serial IMP00004
nul_key='{"format": "svcmode-settings", "version": 1, "settings": {"network.email.smtp.port\u0000x": 25}}'
nul_value='{"format": "svcmode-settings", "version": 1, "settings": {"system.manager.name": "Bob\u0000by"}}'
twice='{"format": "svcmode-settings", "version": 1, "settings": {"system.manager.name": "A", "system.manager.name": "B"}}'
v2='{"format": "svcmode-settings", "version": 2, "settings": {"system.manager.name": "A"}}'
vstr='{"format": "svcmode-settings", "version": "1", "settings": {"system.manager.name": "A"}}'
nover='{"format": "svcmode-settings", "settings": {"system.manager.name": "A"}}'
for case in nul_key nul_value twice v2 vstr nover; do
  eval "printf '%s\n' \"\$$case\"" >"$WORK/$case.json"
  before=$(SVCMODE_DB="$D" snapshot)
  SVCMODE_DB="$D" svc_mgr import "$WORK/$case.json"; check_rc "import $case refused" 65
  [ "$(SVCMODE_DB="$D" snapshot)" = "$before" ] && ok || fail "import $case changed the store"
done
SVCMODE_DB="$D" svc_mgr import "$WORK/nul_key.json"; check_grep "NUL named" err "NUL character"
SVCMODE_DB="$D" svc_mgr import "$WORK/twice.json"; check_grep "repeat named" err "'system.manager.name' appears twice"
SVCMODE_DB="$D" svc_mgr import "$WORK/v2.json"; check_grep "version named" err '"version": 1'

# Free text: valid UTF-8 without control characters, everywhere it enters.
svc_mgr set system.manager.name "Zoë Müller"; check_rc "UTF-8 name accepted" 0
for bad in "$(printf 'a\033[2Jb')" "$(printf 'a\302\233b')" "$(printf 'a\377b')" "$(printf 'tab\there')"; do
  before=$(snapshot)
  svc_mgr set system.manager.comment "$bad"; check_rc "control or non-UTF-8 refused" 65
  [ "$(snapshot)" = "$before" ] && ok || fail "a refused comment changed the store"
done
# The operator name: 1-63 bytes of printable text, refused otherwise (never cut).
before=$(snapshot)
svc --operator "" info; check_rc "empty operator refused" 64
svc --operator "$(printf '%05000d' 0)" info; check_rc "5000-character operator refused" 64
svc --operator "$(printf 'x\033y')" info; check_rc "control character in operator refused" 64
check_grep "operator named" err "invalid operator name"
[ "$(snapshot)" = "$before" ] && ok || fail "a refused operator changed the store"

# An export with secrets that could not be written is not an export: no
# audit record, nothing changed (a missing folder, a full device); a written
# one is audited with where it went.
before=$(snapshot)
svc_mgr export --include-secrets "$WORK/no/such/folder/s.json"; check_rc "export to a missing folder" 73
[ "$(snapshot)" = "$before" ] && ok || fail "a refused export changed the store"
svc log; grep -c "export" "$WORK/out" >"$WORK/n-before"
svc_mgr export --include-secrets /dev/full; check_rc "export to a full device" 74
svc log; grep -c "export" "$WORK/out" >"$WORK/n-after"
cmp -s "$WORK/n-before" "$WORK/n-after" && ok || fail "an export that failed to write was audited"
svc_mgr export --include-secrets "$WORK/s2.json"; check_rc "export with secrets" 0
svc log; check_grep "audited with its destination" out "with secrets to '$WORK/s2.json'"
# A folder is not a file to store: 66, as a missing file.
mkdir -p "$WORK/adir"
svc_mgr box store 05 "$WORK/adir"; check_rc "box store of a folder" 66
finish
