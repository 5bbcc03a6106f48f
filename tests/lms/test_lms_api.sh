#!/bin/sh
# The LMS as a service, over real TLS with curl: sign-in and tokens, verify
# and transfer a number that a real device (svcmode) made, redeem a License
# Access Number, list a device's licenses, the audit, the roles, and the
# same refusals as the command line, as JSON errors with stable codes.
. "$SRC/tests/lms/lib.sh"

make_cert
account root 'admin password 1' --admin
account eng 'engineer password 1'
printf 'short\n' | "$LMS" --db "$LMSDB" account add weak >/dev/null 2>"$WORK/err"
RC=$?
check_rc "a short password is refused" 64
check_grep "says why" err "at least 10 characters"
printf 'x password 123\n' | "$LMS" --db "$LMSDB" account add eng >/dev/null 2>"$WORK/err"
RC=$?
check_rc "a second account of the same name" 65
"$LMS" --db "$LMSDB" account add bob 'password on argv' >/dev/null 2>"$WORK/err" </dev/null
RC=$?
check_rc "no password on the command line" 64
[ "$(dbq "SELECT count(*) FROM account WHERE password LIKE 'pbkdf2-sha256\$600000\$%'")" = 2 ] &&
  ok || fail "passwords are stored as PBKDF2 hashes"
dbq "SELECT password FROM account" | grep -q "password 1" &&
  fail "a password stored in clear" || ok

serve main --max-failures 0
api GET /v1/health
check_code "health" 200
check_grep "health says ok" out '"status":"ok"'
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/health")
[ "$CODE" != 200 ] && ok || fail "the certificate is not checked"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "http://${URL#https://}/v1/health")
[ "$CODE" != 200 ] && ok || fail "plain HTTP answered on the TLS port"

# --- sign-in -------------------------------------------------------------------
TOKEN= api POST /v1/sessions '{"user":"eng","password":"wrong password"}'
check_code "wrong password" 401
check_grep "stable code" out '"code":"BAD_CREDENTIALS"'
TOKEN= api POST /v1/sessions '{"user":"nobody","password":"wrong password"}'
check_code "unknown account: the same answer" 401
check_grep "no hint which" out 'wrong account name or password'
TOKEN= api POST /v1/sessions '{"user":"eng"}'
check_code "no password" 400
check_grep "names the field" out 'missing \"password\"'
TOKEN= api POST /v1/sessions '{"user":"eng","password":'
check_code "not JSON" 400
check_grep "bad JSON" out '"code":"BAD_REQUEST"'
api GET '/v1/licenses?serial=AAA00001' "" ""
check_code "no token" 401
check_grep "unauthorized" out '"code":"UNAUTHORIZED"'
api GET '/v1/licenses?serial=AAA00001' "" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
check_code "a made-up token" 401
signin root 'admin password 1'
ADMIN=$TOKEN
signin eng 'engineer password 1'
check_code "engineer signs in" 201
ENG=$TOKEN
[ ${#ENG} -eq 64 ] && ok || fail "a token of 64 hex digits"
[ "$(json expires)" -gt "$(date +%s)" ] && ok || fail "the token has an expiry"
dbq "SELECT token FROM session" | grep -q "$ENG" && fail "a token stored in clear" || ok

# --- a device invalidates SEND; the API verifies and moves it -----------------
device a AAA00001
device b BBB00002
device c CCC00003
lms issue --serial AAA00001 --option SEND
svc1 --db "$WORK/a.db" license install "$(out)"
check_rc "A installs SEND" 0
svc2 --db "$WORK/a.db" license invalidate SEND --yes
check_rc "A invalidates SEND" 0
TR=$(out)
SPACED=$(echo "$TR" | tr '-' ' ')
api POST /v1/transfers/verify "{\"number\":\"$SPACED\"}"
check_code "verify with spaces" 200
check_grep "valid" out '"valid":true'
check_grep "the option" out '"option":"SEND"'
check_grep "the device it came from" out '"serial":"AAA00001"'
check_grep "the license" out '"license":1'
BADTR=$(echo "$TR" | awk -F- '{ d = substr($3, 2, 1); n = (d + 1) % 10;
  $3 = substr($3, 1, 1) n substr($3, 3); print $1 "-" $2 "-" $3 "-" $4 "-" $5 "-" $6 }')
api POST /v1/transfers/verify "{\"number\":\"$BADTR\"}"
check_code "a typo" 400
check_grep "typo code" out '"code":"NUMBER_MISTYPED"'
check_grep "names the group" out 'group 3 ('
api POST /v1/transfers/verify "{\"number\":\"$TR\",\"option\":\"SPDF\"}"
check_code "the wrong option" 422
check_grep "wrong option code" out '"code":"WRONG_OPTION"'
check_grep "says which it is" out 'is for SEND license 000001 on AAA00001, not SPDF'
api POST /v1/transfers/verify "{\"number\":\"$TR\",\"option\":\"NOPE\"}"
check_code "an unknown option" 400
check_grep "unknown option" out '"code":"UNKNOWN_OPTION"'
api POST /v1/transfers/verify "{\"number\":\"$TR\",\"from\":\"AAA00001\",\"option\":\"SEND\"}"
check_code "verify the command line's way" 200
api POST /v1/transfers/verify "{\"number\":\"$TR\",\"from\":\"BBB00002\",\"option\":\"SEND\"}"
check_code "from the wrong device" 422
check_grep "B never had SEND" out 'BBB00002 never had SEND'
api POST /v1/transfers "{\"number\":\"$TR\",\"serial\":\"bbb00002\"}"
check_code "a bad destination serial" 400
check_grep "bad serial" out '"code":"BAD_SERIAL"'
api POST /v1/transfers "{\"number\":\"$TR\",\"serial\":\"AAA00001\"}"
check_code "to the same device" 400
check_grep "same device" out '"code":"SAME_DEVICE"'
[ "$(dbq "SELECT count(*) FROM transfer")" = 0 ] && ok ||
  fail "a refused transfer recorded something"
api POST /v1/transfers "{\"number\":\"$TR\",\"serial\":\"BBB00002\"}"
check_code "transfer" 200
check_grep "to B" out '"serial":"BBB00002"'
check_grep "the option moved" out '"option":"SEND"'
KB=$(json key)
svc1 --db "$WORK/b.db" license install "$KB"
check_rc "B installs the key the API gave" 0
api POST /v1/transfers "{\"number\":\"$TR\",\"serial\":\"CCC00003\"}"
check_code "the same number again" 409
check_grep "reuse" out '"code":"NUMBER_USED"'
api POST /v1/transfers/verify "{\"number\":\"$TR\"}"
check_code "a used number no longer verifies" 409
lms list
check_grep "the CLI sees the API's transfer" out "license 000001 -> 000002"

# --- licenses of a device --------------------------------------------------------
api GET '/v1/licenses?serial=AAA00001'
check_code "A's licenses" 200
check_grep "A's SEND was transferred away" out '"option":"SEND","state":"transferred"'
check_nogrep "no key for a license moved away" out '"key"'
api GET '/v1/licenses?serial=BBB00002'
grep -qE "\"state\":\"issued\",\"issued\":\"[^\"]*\",\"key\":\"$KB\"" "$WORK/out" && ok ||
  fail "B holds SEND with its key"
api GET '/v1/licenses?serial=nope'
check_code "a bad serial" 400

# --- License Access Numbers --------------------------------------------------------
api POST /v1/lans '{"option":"SEND","count":2}'
check_code "an engineer makes no LANs" 403
check_grep "forbidden" out '"code":"FORBIDDEN"'
api POST /v1/lans '{"option":"SEND","count":2}' "$ADMIN"
check_code "admin makes 2 LANs" 201
LAN1=$(sed 's/.*"numbers":\["\([^"]*\)".*/\1/' "$WORK/out")
LAN2=$(sed 's/.*"numbers":\["[^"]*","\([^"]*\)".*/\1/' "$WORK/out")
echo "$LAN1" | grep -qE '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$' && ok || fail "LAN format: $LAN1"
dbq "SELECT hash FROM lan" | grep -q "$LAN1" && fail "a LAN stored in clear" || ok
api POST /v1/lans '{"option":"NOPE","count":2}' "$ADMIN"
check_code "LANs for an unknown option" 400
api POST /v1/lans '{"option":"SEND","count":"2"}' "$ADMIN"
check_code "count as a string" 400
lms lan create --option PCL --count 3
check_rc "lan create on the command line" 0
[ "$(wc -l <"$WORK/out")" = 3 ] && ok || fail "three numbers printed"
LANCLI=$(head -1 "$WORK/out")
LANTYPO=$(echo "$LAN1" | awk -F- '{ c = substr($2, 1, 1); r = (c == "X") ? "Y" : "X";
  print $1 "-" r substr($2, 2) "-" $3 "-" $4 }')
api POST /v1/redeem "{\"lan\":\"$LANTYPO\",\"serial\":\"CCC00003\"}"
check_code "a mistyped LAN" 400
check_grep "names the group" out 'group 2 mistyped'
api POST /v1/redeem "{\"lan\":\"$(echo "$LAN1" | tr 'A-Z' 'a-z')\",\"serial\":\"CCC00003\"}"
check_code "redeem (typed in lower case)" 200
check_grep "for C" out '"serial":"CCC00003"'
svc1 --db "$WORK/c.db" license install "$(json key)"
check_rc "C installs the redeemed key" 0
api POST /v1/redeem "{\"lan\":\"$LAN1\",\"serial\":\"BBB00002\"}"
check_code "a LAN twice" 409
check_grep "used" out '"code":"LAN_USED"'
api POST /v1/redeem "{\"lan\":\"$LAN2\",\"serial\":\"CCC00003\"}"
check_code "C holds SEND already" 409
check_grep "already licensed" out '"code":"ALREADY_LICENSED"'
check_grep "names C's license" out 'CCC00003 already holds SEND license 000003: the number stays unused'
[ "$(dbq "SELECT count(*) FROM lan WHERE hint = '${LAN2%%-*}' AND serial IS NULL")" = 1 ] && ok ||
  fail "the refused LAN stays unredeemed"
# Nothing reads C's licenses first: the key of license_live refuses the
# second SEND, and the whole transfer is rolled back.
svc2 --db "$WORK/b.db" license invalidate SEND --yes
check_rc "B invalidates the SEND it was given" 0
TRB=$(out)
NLIC=$(dbq "SELECT count(*) FROM license")
api POST /v1/transfers "{\"number\":\"$TRB\",\"serial\":\"CCC00003\"}"
check_code "a transfer to C, which holds SEND" 409
check_grep "already licensed" out '"code":"ALREADY_LICENSED"'
check_grep "names C's license, and that nothing moved" out \
  'CCC00003 already holds SEND license 000003: nothing moved'
[ "$(dbq "SELECT count(*) FROM license")" = "$NLIC" ] && ok || fail "the refused transfer added a license"
[ "$(dbq "SELECT count(*) FROM license_live WHERE serial = 'BBB00002' AND option = 'SEND'")" = 1 ] &&
  ok || fail "B's SEND stays live"
api POST /v1/transfers/verify "{\"number\":\"$TRB\"}"
check_code "B's number still verifies" 200
api POST /v1/redeem "{\"lan\":\"$LANCLI\",\"serial\":\"CCC00003\"}"
check_code "a LAN made on the command line" 200
check_grep "PCL" out '"option":"PCL"'
"$LMS" --db "$WORK/other.db" lan create --option SEND >"$WORK/other" 2>/dev/null
api POST /v1/redeem "{\"lan\":\"$(cat "$WORK/other")\",\"serial\":\"BBB00002\"}"
check_code "a LAN of another LMS" 422
check_grep "unknown LAN" out '"code":"LAN_UNKNOWN"'
UNISSUED=$(printf '%s\n' "$LANCLI" | awk -F- '{ print $1 "-" $3 "-" $2 "-" $4 }')
api POST /v1/redeem "{\"lan\":\"$UNISSUED\",\"serial\":\"BBB00002\"}"
check_code "groups in the wrong place" 400

# --- accounts, audit, limits -------------------------------------------------------
api POST /v1/accounts '{"name":"eve","password":"eve password 1"}'
check_code "an engineer adds no accounts" 403
api POST /v1/accounts '{"name":"eve","password":"eve password 1"}' "$ADMIN"
check_code "admin adds eve" 201
api POST /v1/accounts '{"name":"eve","password":"eve password 1"}' "$ADMIN"
check_code "eve twice" 409
api POST /v1/accounts '{"name":"Eve!","password":"eve password 1"}' "$ADMIN"
check_code "a bad name" 400
api GET '/v1/audit?limit=500'
check_code "an engineer reads no audit" 403
api GET '/v1/audit?limit=500' "" "$ADMIN"
check_code "admin reads the audit" 200
check_grep "transfer audited with account and address" out '"account":"eng","address":"127.0.0.1","action":"transfer","subject":"BBB00002","result":"ok"'
check_grep "refusals audited" out '"action":"transfer","subject":"CCC00003","result":"NUMBER_USED"'
check_grep "failed sign-ins audited" out '"action":"signin","subject":"eng","result":"BAD_CREDENTIALS"'
check_grep "forbidden tries audited" out '"result":"FORBIDDEN"'
api GET '/v1/audit?limit=0' "" "$ADMIN"
check_code "a bad limit" 400
api DELETE /v1/transfers
check_code "a wrong method" 405
api GET /v1/nothing
check_code "an unknown path" 404
head -c 20000 /dev/zero | tr '\0' 'x' >"$WORK/big"
CODE=$(curl -sS --cacert "$WORK/cert.pem" -o "$WORK/out" -w '%{http_code}' \
  -H "Authorization: Bearer $ENG" --data-binary @"$WORK/big" "$URL/v1/redeem")
check_code "a body over 16 KiB" 413

# --- SIGTERM: a clean stop ---------------------------------------------------------
kill -TERM "$PID"
wait "$PID"
RC=$?
check_rc "the server exits 0 on SIGTERM" 0
check_grep "says it stops" main.log "signal 15: stopping"
[ "$(db_intact)" = ok ] && ok || fail "database intact"

# --- limits: tokens expire, failed sign-ins and wrong numbers ---------------------
# Expiry on a server of its own: a 1-second token would also expire in the
# middle of the failure counts below on a loaded machine.
serve expiry --token-ttl 1 --timeout 2
signin eng 'engineer password 1'
sleep 2
api GET '/v1/licenses?serial=BBB00002'
check_code "an expired token" 401
check_grep "says expired" out "expired"
# A client that connects and says nothing, or sends half a request over
# TLS, is let go after --timeout (2 s here): the server closes the
# connection (a TLS alert at most).
for said in '' 'GET /v1/health HTTP/1.1\r\nHost: x\r\n'; do
  /usr/bin/python3 -c '
import socket, ssl, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host.strip("[]"), int(port)))
if sys.argv[2]:
    s = ssl._create_unverified_context().wrap_socket(s)
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode())
t = time.monotonic()
s.settimeout(30)
try:
    while s.recv(256):
        pass
except (ssl.SSLError, ConnectionResetError):
    pass
print("closed", int(time.monotonic() - t))' "${URL#https://}" "$said" >"$WORK/out" 2>&1
  read -r got secs <"$WORK/out"
  [ "$got" = closed ] && [ "$secs" -ge 1 ] && [ "$secs" -le 10 ] && ok ||
    fail "an idle connection ('$said') closed after the 2 s timeout: $(cat "$WORK/out")"
done
kill -TERM "$PID"
wait "$PID"
serve short --max-signin-failures 3 --max-failures 3
for i in 1 2 3; do TOKEN= api POST /v1/sessions '{"user":"eve","password":"not it at all"}'; done
TOKEN= api POST /v1/sessions '{"user":"eve","password":"eve password 1"}'
check_code "sign-in locked after 3 failures" 429
check_grep "rate limited" out '"code":"RATE_LIMITED"'
signin root 'admin password 1'
check_code "the address is locked for every account" 429
dbq "DELETE FROM audit WHERE action = 'signin'"
signin eng 'engineer password 1'
check_code "after the window, eng signs in" 201
# The wrong numbers on a server whose tokens outlive the test: a token of
# one second may expire between two of its requests.
kill -TERM "$PID"
wait "$PID"
serve wrong --max-failures 3
signin eng 'engineer password 1'
for i in 1 2 3; do api POST /v1/transfers/verify '{"number":"0000-0000-0000-0000-0000-0000"}'; done
api POST /v1/transfers/verify "{\"number\":\"$BADTR\"}"
check_code "wrong numbers locked after 3" 429
kill -TERM "$PID"
wait "$PID"

# --- per-address request rate ---------------------------------------------------------
serve rate --rate 5
n429=0
for i in $(seq 30); do
  c=$(curl -s --cacert "$WORK/cert.pem" -o /dev/null -w '%{http_code}' "$URL/v1/health")
  [ "$c" = 429 ] && n429=$((n429 + 1))
done
[ "$n429" -gt 0 ] && ok || fail "30 requests at once at 5/s: none limited"
[ "$n429" -lt 30 ] && ok || fail "the burst was limited too"
kill -TERM "$PID"
wait "$PID"

# The live licenses (license_live) are the issued ones, and no others.
dbq "SELECT serial || ' ' || option || ' ' || number FROM license WHERE state = 'issued'
  ORDER BY 1" >"$WORK/issued"
dbq "SELECT serial || ' ' || option || ' ' || license FROM license_live ORDER BY 1" >"$WORK/live"
[ -s "$WORK/live" ] && cmp -s "$WORK/issued" "$WORK/live" && ok ||
  fail "license_live is not the issued licenses: $(diff "$WORK/issued" "$WORK/live" | tr '\n' ' ')"

# --- PostgreSQL: the same schema as SQLite; the connection string --------------------
if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
  sqlite3 "$WORK/other.db" "SELECT m.name || '.' || p.name FROM sqlite_master m,
    pragma_table_info(m.name) p WHERE m.type = 'table'" | LC_ALL=C sort >"$WORK/cols.sqlite"
  dbq "SELECT table_name || '.' || column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> 'lms_meta'" | LC_ALL=C sort >"$WORK/cols.pg"
  [ -s "$WORK/cols.pg" ] && cmp -s "$WORK/cols.sqlite" "$WORK/cols.pg" && ok ||
    fail "the migrations reach other tables or columns: $(diff "$WORK/cols.sqlite" "$WORK/cols.pg" | tr '\n' ' ')"
  [ "$(dbq "SELECT version FROM lms_meta")" = "$(ls "$SRC"/schema/lms/*.sql | wc -l)" ] && ok ||
    fail "the schema version is the number of migrations"
  "$LMS" --db "postgresql://lms:not-the-pw-4711@127.0.0.1:$PGPORT/lms" list >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "a wrong database password" 69
  check_grep "the error names the database" err "postgresql://lms:***@127.0.0.1:$PGPORT/lms"
  check_nogrep "but not its password" err "not-the-pw-4711"
  "$LMS" --db "postgres://lms@127.0.0.1:$PGPORT/lms?password=not-the-pw-4711" list >"$WORK/out" 2>"$WORK/err"
  check_nogrep "nor a password= parameter" err "not-the-pw-4711"
  check_grep "masked there too" err "password=***"
  SVCMODE_LMS_DB="postgres${LMSDB#postgresql}" "$LMS" --secret-file "$WORK/vendor.secret" list >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "postgres:// from SVCMODE_LMS_DB" 0
  check_grep "the same database" out "license 000001 -> 000002"
else
  # A file of version 3 (a partial index for the live licenses) is brought
  # up to date: its issued license becomes the live one, the ended not.
  for f in "$SRC"/schema/lms/00[1-3]_*.sql; do sqlite3 "$WORK/v3.db" <"$f"; done
  sqlite3 "$WORK/v3.db" "INSERT INTO license VALUES
    (1, 'DDD00004', 'SEND', 'transferred', '2026-01-01T00:00:00Z'),
    (2, 'EEE00005', 'SEND', 'issued', '2026-01-01T00:00:00Z')"
  v3() { "$LMS" --db "$WORK/v3.db" --secret-file "$WORK/vendor.secret" "$@" >"$WORK/out" 2>"$WORK/err"; RC=$?; }
  v3 list
  check_rc "a version 3 file opens" 0
  [ "$(sqlite3 "$WORK/v3.db" "PRAGMA user_version")" = "$(ls "$SRC"/schema/lms/*.sql | wc -l)" ] &&
    ok || fail "a version 3 file is migrated"
  [ "$(sqlite3 "$WORK/v3.db" "SELECT serial || ' ' || option || ' ' || license FROM license_live")" = \
    "EEE00005 SEND 2" ] && ok || fail "its issued license, and only it, is live"
  v3 issue --serial EEE00005 --option SEND
  check_rc "issued again" 0
  v3 issue --serial DDD00004 --option SEND
  check_rc "a new license where the old one ended" 0
  [ "$(sqlite3 "$WORK/v3.db" "SELECT group_concat(license, ' ') FROM (SELECT license FROM license_live ORDER BY 1)")" = "2 3" ] &&
    ok || fail "the same license again, and one new"
fi
finish
