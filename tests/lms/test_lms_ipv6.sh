#!/bin/sh
# The service on IPv6: `serve --listen [::1]:PORT` answers over HTTPS on
# the IPv6 loopback, with the client's IPv6 address in the audit, and
# [::]:PORT (every address) too; a --listen that is not HOST:PORT or
# [IPV6]:PORT is refused as a usage error that names the part. Skipped
# (77) only where the machine has no IPv6 loopback.
. "$SRC/tests/lms/lib.sh"

python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || {
  echo "no IPv6 loopback (::1) on this machine: skipped"
  exit 77
}
make_cert
account eng 'engineer password 1'

# --- [::1]: the API over TLS, the certificate checked ------------------------------
LISTEN='[::1]:0' serve v6
case $URL in "https://[::1]:"[0-9]*) ok ;; *) fail "serving on [::1]: says '$URL'" ;; esac
CODE=$(curl -sS --cacert "$WORK/cert.pem" -o "$WORK/out" -w '%{http_code}' "$URL/v1/health" 2>"$WORK/err")
RC=$?
check_code "health over https on ::1" 200
signin eng 'engineer password 1'
[ -n "$TOKEN" ] && ok || fail "signs in over ::1"
[ "$(dbq "SELECT address FROM audit WHERE action = 'signin' AND result = 'ok'")" = ::1 ] && ok ||
  fail "the audit names the IPv6 client: $(dbq "SELECT address FROM audit")"
CODE=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$port/v1/health")
[ "$CODE" = 000 ] && ok || fail "[::1] serves IPv6 only, yet 127.0.0.1:$port answered $CODE"
kill -TERM "$PID"
wait "$PID"
RC=$?
check_rc "clean stop on ::1" 0

# --- [::]: every address, reached here on ::1 ------------------------------------
LISTEN='[::]:0' serve any
case $URL in "https://[::]:"[0-9]*) ok ;; *) fail "serving on [::]: says '$URL'" ;; esac
URL="https://[::1]:$port"
api GET /v1/health
check_code "health over https on [::] from ::1" 200
kill -TERM "$PID"
wait "$PID"

# --- what --listen refuses, and the part its message names -----------------------
refused() {
  "$LMS" --db "$LMSDB" --secret-file "$WORK/vendor.secret" serve --listen "$1" \
    --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "--listen '$1' refused" 64
  check_grep "--listen '$1': the message" err "$2"
}
refused '::1:8443' "invalid host '::1' in --listen: an IPv4 address, like 127.0.0.1, or an IPv6 one in brackets"
refused '[::1]' "invalid --listen '[::1]': expected HOST:PORT, or [IPV6]:PORT"
refused '[::1]8443' "invalid --listen '[::1]8443'"
refused '[::1:8443' "invalid --listen '[::1:8443'"
refused '[]:8443' "invalid --listen '[]:8443'"
refused '[::1]:70000' "invalid port '70000' in --listen: 0-65535"
refused '[::1]:' "invalid port '' in --listen"
refused '[127.0.0.1]:8443' "invalid host '127.0.0.1' in --listen: an IPv6 address in brackets"
refused 'localhost:8443' "invalid host 'localhost' in --listen"
refused '127.0.0.1:8443x' "invalid port '8443x' in --listen"
finish
