#!/bin/sh
# The server as a service of its own user: the systemd unit runs it as
# svcmode-lms with the environment the program reads; run here as an
# unprivileged user (nobody), it refuses a vendor secret others can read,
# serves with a 0600 one, keeps its database 0600, and stops on SIGTERM.
. "$SRC/tests/lms/lib.sh"
UNIT="$SRC/packaging/lms/svcmode-lms.service"
for line in 'User=svcmode-lms' 'UMask=0077' 'StateDirectoryMode=0700' 'KillSignal=SIGTERM' \
  'Environment=SVCMODE_LMS_DB=/var/lib/svcmode-lms/lms.db' \
  'Environment=SVCMODE_LMS_SECRET_FILE=/etc/svcmode-lms/vendor.secret'; do
  grep -qx "$line" "$UNIT" && ok || fail "the unit has $line"
done
grep -q '^ExecStart=/usr/bin/svcmode-lms serve --listen ' "$UNIT" && ok || fail "ExecStart runs serve"
grep -q '^u svcmode-lms ' "$SRC/packaging/lms/svcmode-lms.sysusers" && ok || fail "sysusers makes the user"
grep -qx 'Documentation=man:svcmode-lms(8)' "$UNIT" && ok || fail "the unit names the man page svcmode-lms(8)"
grep -qx 'd /etc/svcmode-lms 0750 root svcmode-lms -' "$SRC/packaging/lms/svcmode-lms.tmpfiles" && ok ||
  fail "tmpfiles makes the folder of the secret, 0750 for the server's group"
# The package's postinst makes the same user and folders where systemd does not.
PI="$SRC/packaging/lms/debian/postinst"
grep -q 'adduser --quiet --system --group' "$PI" && grep -q 'svcmode-lms$' "$PI" && ok ||
  fail "the postinst makes the system user svcmode-lms"
grep -q 'STATE=/var/lib/svcmode-lms' "$PI" && grep -q 'CONF=/etc/svcmode-lms' "$PI" && ok ||
  fail "the postinst makes the unit's directories"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the run as another user is skipped"
  finish
  exit $?
fi
make_cert
SERVER_PIDS=
D="$WORK/srv"
mkdir -m 0700 "$D"
cp "$WORK/vendor.secret" "$WORK/cert.pem" "$WORK/key.pem" "$D/"
chmod 0644 "$D/vendor.secret"
chown -R nobody "$D"
chmod 0711 "$WORK"
# setpriv executes the server itself (no child): $! is the server.
export SVCMODE_LMS_DB="$D/lms.db" SVCMODE_LMS_SECRET_FILE="$D/vendor.secret"
NOBODY="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
$NOBODY "$LMS" serve --listen 127.0.0.1:0 --tls-cert "$D/cert.pem" --tls-key "$D/key.pem" \
  2>"$WORK/err" >/dev/null
RC=$?
check_rc "a secret others can read is refused" 77
check_grep "says chmod 600" err "chmod 600"
chmod 0600 "$D/vendor.secret"
$NOBODY "$LMS" serve --listen 127.0.0.1:0 --tls-cert "$D/cert.pem" --tls-key "$D/key.pem" \
  2>"$WORK/srv.log" &
PID=$!
SERVER_PIDS=$PID
for _ in $(seq 100); do grep -q serving "$WORK/srv.log" && break; sleep 0.1; done
URL=https://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/srv.log")
api GET /v1/health
check_code "health, served by nobody" 200
[ "$(stat -c '%U %a' "$D/lms.db")" = "nobody 600" ] && ok || fail "the database is nobody's, 0600"
[ "$(ps -o user= -p "$PID")" = nobody ] && ok || fail "the server runs as nobody"
kill -TERM "$PID"
wait "$PID"
RC=$?
check_rc "stops on SIGTERM with 0" 0
finish
