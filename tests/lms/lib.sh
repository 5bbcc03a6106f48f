# Shared by the LMS service tests (POSIX sh), on top of tests/cli/lib.sh:
# a vendor secret, a TLS certificate made with openssl, devices made with
# svcmode, and `svcmode-lms serve` on 127.0.0.1 with a free port.
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
umask 077
printf 'test vendor secret, not the demo one\n' >"$WORK/vendor.secret"
SERVER_PIDS=

# The backend: a SQLite file, or with LMS_BACKEND=postgresql a real
# PostgreSQL 15 server of this test's own (pg_start, tests/lms/pg.sh), so
# that the same assertions hold for both. dbq SQL: one query on what the
# LMS stored.
. "$SRC/tests/lms/pg.sh"
stop_servers() { for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done; }
trap 'stop_servers; pg_stop; rm -rf "$WORK"' EXIT
if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
  pg_start
  dbq() { pg_query "$LMSDB" "$1"; }
  # intact: no transaction left open by a server that has stopped
  db_intact() {
    dbq "SELECT CASE count(*) WHEN 0 THEN 'ok' ELSE 'open' END FROM pg_stat_activity
      WHERE datname = 'lms' AND state LIKE 'idle in transaction%'"
  }
else
  LMSDB=${LMSDB:-$WORK/lms.db}
  dbq() { sqlite3 "$LMSDB" "$1"; }
  db_intact() { dbq "PRAGMA integrity_check"; }
fi

# lms ARGS...: the LMS command line on this test's database and secret.
lms() {
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
out() { cat "$WORK/out"; }

# make_cert: a self-signed certificate for 127.0.0.1 and ::1 in $WORK/cert.pem.
make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,IP:::1 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null ||
    { echo "openssl cannot make a certificate"; exit 1; }
}

# serve NAME ARGS...: starts the server (TLS, free port) on $LISTEN
# (127.0.0.1:0 unless set) with ARGS; sets $URL (the address it says it
# serves on), $port and $PID; its log in $WORK/NAME.log.
serve() {
  name=$1
  shift
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" serve --listen "${LISTEN:-127.0.0.1:0}" \
    --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" "$@" 2>"$WORK/$name.log" &
  PID=$!
  SERVER_PIDS="$SERVER_PIDS $PID"
  at=
  for _ in $(seq 100); do
    at=$(sed -n 's/^svcmode-lms: serving https on \(.*:[0-9]*\)$/\1/p' "$WORK/$name.log")
    [ -n "$at" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$at" ] || { echo "the server did not start:"; cat "$WORK/$name.log"; exit 1; }
  port=${at##*:}
  URL="https://$at"
}

# api METHOD PATH [BODY] [TOKEN]: one request over TLS, the certificate
# checked; the body in $WORK/out, the status in $CODE.
api() {
  set -- "$1" "$2" "${3:-}" "${4:-${TOKEN:-}}"
  CODE=$(curl -sS --cacert "$WORK/cert.pem" -o "$WORK/out" -w '%{http_code}' -X "$1" \
    ${4:+-H "Authorization: Bearer $4"} ${3:+-H 'Content-Type: application/json' --data-binary "$3"} \
    "$URL$2" 2>"$WORK/err")
  RC=$?
}
check_code() { [ "$CODE" = "$2" ] && ok || fail "$1: expected HTTP $2, got $CODE"; }
# json FIELD: a top-level string or number of the last response.
json() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$WORK/out" | head -1; }
# signin USER PASSWORD: sets $TOKEN.
signin() {
  TOKEN= api POST /v1/sessions "{\"user\":\"$1\",\"password\":\"$2\"}" ""
  TOKEN=$(json token)
}

# device NAME SERIAL: a store $WORK/NAME.db provisioned for SERIAL.
device() {
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" device-key --serial "$2" \
    --out "$WORK/$1.key" 2>/dev/null
  svc --db "$WORK/$1.db" init-store --device-key-file "$WORK/$1.key"
  [ "$RC" -eq 0 ] || { echo "cannot make device $1"; cat "$WORK/err"; exit 1; }
}
svc1() { SVCMODE_SERVICE_CODE=2828282 svc "$@"; }
svc2() { SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828 svc "$@"; }
# account NAME PASSWORD [--admin]
account() {
  printf '%s\n' "$2" | "$LMS" --db "$LMSDB" account add "$1" ${3:-} 2>"$WORK/err" ||
    { echo "cannot add account $1"; cat "$WORK/err"; exit 1; }
}

# parallel_config N PATH BODY: a curl config of N POSTs, BODY's %s
# replaced by the request's number (00, 01, ...).
parallel_config() {
  i=0
  while [ "$i" -lt "$1" ]; do
    n=$(printf '%02d' "$i")
    printf "$3" "$n" >"$WORK/body.$n"
    [ "$i" -gt 0 ] && echo next # options hold until "next": each block has them all
    printf 'url = "%s%s"\ncacert = "%s/cert.pem"\nsilent\n' "$URL" "$2" "$WORK"
    [ -n "${TOKEN:-}" ] && printf 'header = "Authorization: Bearer %s"\n' "$TOKEN"
    printf 'header = "Content-Type: application/json"\ndata-binary = "@%s/body.%s"\n' "$WORK" "$n"
    printf 'output = "%s/resp.%s"\nwrite-out = "%%{http_code}\\n"\n' "$WORK" "$n"
    i=$((i + 1))
  done >"$WORK/parallel.conf"
  rm -f "$WORK"/resp.*
}
# parallel N: runs the N requests of parallel.conf at once; their status
# codes, one a line, in $WORK/codes.
parallel() {
  curl -s --no-progress-meter --cacert "$WORK/cert.pem" --parallel --parallel-immediate --parallel-max "$1" \
    -K "$WORK/parallel.conf" >"$WORK/codes"
}

# hold_writes SECONDS: in the background ($HOLD), another client holds
# what the LMS's writes need. PostgreSQL: a lock on the audit table, which
# every successful action writes last, for 3 s at most: the transactions
# under way (one a server thread) meet there and then commit at once, so
# that SERIALIZABLE refuses some (40001); longer would only keep the
# requests queued behind them waiting, towards the server's connection
# timeout (serve --timeout) on a busy machine. SQLite: the write lock of
# the file for SECONDS, past the busy timeout (5 s) of every write that
# waits for it.
hold_writes() {
  if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
    psql -X -q -d "$LMSDB" -c "BEGIN; LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE;
      SELECT pg_sleep($(($1 < 3 ? $1 : 3))); COMMIT" >/dev/null &
  else
    printf 'BEGIN IMMEDIATE;\n.shell sleep %s\nCOMMIT;\n' "$1" | sqlite3 "$LMSDB" >/dev/null &
  fi
  HOLD=$!
  sleep 0.5
}
# conflicts: the serialization failures PostgreSQL has logged so far (0 on SQLite).
conflicts() {
  if [ "${LMS_BACKEND:-sqlite}" = postgresql ]; then
    grep -c 'could not serialize' "$PGDIR/server.log"
  else
    echo 0
  fi
}
