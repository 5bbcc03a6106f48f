#!/bin/sh
# SMTP reception and the POP Interval, with the reception service
# (`svcmode service run`) against real clients: swaks, openssl s_client,
# Postfix relaying to it (servers.sh), raw clients (smtp_raw.py) for
# pipelining, garbage, STARTTLS injection, 50 concurrent sessions and
# SIGKILL during delivery; Dovecot for the POP Interval.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/mail/servers.sh"
SERVE_PID=
stop_serve() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  SERVE_PID=
}
trap 'stop_serve; mail_servers_stop; rm -rf "$WORK"' EXIT
PY=$(command -v python3)
RAW="$SRC/tests/mail/smtp_raw.py"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$SRC/tests/mail/lsan.supp"
ADDR=dev@device.test

if ! mail_servers_start; then
  echo "FAIL: the mail servers did not start"
  exit 1
fi
PORT=$MS_SVC_RX

set_() { svc_mgr set "$1" "$2"; [ "$RC" -eq 0 ] || fail "set $1 $2"; }
# serve [fast]: starts the service on 127.0.0.1 (log in $WORK/serve.log);
# fast: under libfaketime at 60 times the speed (a minute in a second).
serve() {
  if [ "${1:-}" = fast ]; then
    FAKETIME="+0 x60" LD_PRELOAD="$FAKELIB" ${SVCMODE_WRAP:-} "$SVCMODE" service run \
      --listen 127.0.0.1 >"$WORK/serve.log" 2>&1 &
  else
    ${SVCMODE_WRAP:-} "$SVCMODE" service run --listen 127.0.0.1 >"$WORK/serve.log" 2>&1 &
  fi
  SERVE_PID=$!
}
# listening / closed: the port within 5 s.
listening() { ms_wait_port "$PORT" 2>/dev/null; }
closed() {
  for _ in $(seq 1 50); do
    ss -Hltn "sport = :$PORT" | grep -q LISTEN || return 0
    sleep 0.1
  done
  return 1
}
# count: the documents in inbox $1 (default 00).
count() { svc_mgr box list "${1:-0}"; grep -c "mail " "$WORK/out"; }
# stored MSGID: how many documents of the inbox carry that Message-ID.
stored() {
  n=0
  svc_mgr box list 0
  for d in $(awk 'NR>1 {print $1}' "$WORK/out"); do
    svc_mgr box export 0 "$d" -
    grep -qF "Message-ID: <$1>" "$WORK/out" && n=$((n + 1))
  done
  echo "$n"
}
# wait_for N [BOX]: until inbox BOX holds N documents (20 s).
wait_for() {
  for _ in $(seq 1 200); do
    [ "$(count "${2:-0}")" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

svc init-store
set_ network.email.address "$ADDR"
set_ network.email.smtp.rx_port "$PORT"
set_ network.email.timeout 10

# --- SMTP RX OFF: the port stays closed --------------------------------------------
serve
sleep 1.5
ss -Hltn "sport = :$PORT" | grep -q LISTEN && fail "SMTP RX OFF: port $PORT is open" || ok
svc service status
check_grep "status: running" out "Service running          true"
check_grep "status: closed" out "SMTP RX listening on     closed"

# --- ON: it opens without a restart --------------------------------------------------
set_ network.email.smtp.rx ON
listening && ok || fail "SMTP RX ON: nothing listens on $PORT"
svc service status
check_grep "status: port" out "SMTP RX listening on     $PORT (127.0.0.1)"
svc service run --listen 127.0.0.1
check_rc "a second service for the store" 75
check_grep "second service" err "already runs for this store (pid $SERVE_PID)"

# The Host Name setting is the name the device greets with.
set_ network.tcpip.hostname rx-device.test
"$PY" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); print(s.recv(200).decode())' \
  "$PORT" >"$WORK/banner"
check_grep "greeting names Host Name" banner "220 rx-device.test ESMTP svcmode"

# --- swaks: a message in clear, one over STARTTLS -------------------------------------
swaks --server 127.0.0.1:"$PORT" --to "$ADDR" --from t@example.test --header "Subject: clear" \
  >"$WORK/swaks" 2>&1 && ok || fail "swaks in clear: $(tail -3 "$WORK/swaks")"
swaks --server 127.0.0.1:"$PORT" --to "$ADDR" --from t@example.test --header "Subject: tls" \
  -tls >"$WORK/swaks" 2>&1 && ok || fail "swaks STARTTLS: $(tail -3 "$WORK/swaks")"
grep -q "TLS started" "$WORK/swaks" && ok || fail "swaks: no TLS"
[ "$(count)" -eq 2 ] && ok || fail "two messages stored, found $(count)"
svc_mgr box export 0 2 -
check_grep "received over TLS" out "with ESMTPS;"
check_grep "document is the message" out "Subject: tls"
# Not for the device: refused, nothing stored.
swaks --server 127.0.0.1:"$PORT" --to other@device.test --from t@example.test \
  >"$WORK/swaks" 2>&1 && fail "a message for another address was accepted" || ok
grep -q "<\*\* *550 5.1.1" "$WORK/swaks" && ok || fail "550 for another address"
[ "$(count)" -eq 2 ] && ok || fail "nothing stored for another address"

# --- STARTTLS presents the key pair in use --------------------------------------------
# fp_pair NAME: the SHA-256 of the pair's certificate; fp_rx: of the one
# STARTTLS presents.
fp_pair() {
  svc_mgr cert export "$1" -
  openssl x509 -noout -fingerprint -sha256 <"$WORK/out" | sed 's/.*=//'
}
fp_rx() {
  echo QUIT | openssl s_client -starttls smtp -connect 127.0.0.1:"$PORT" 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'
}
fp=$(fp_pair "Default Key")
got=$(fp_rx)
[ -n "$fp" ] && [ "$got" = "$fp" ] && ok || fail "STARTTLS presents '$got', not the key pair in use '$fp'"
# Another pair in use: the next session presents it.
svc_mgr cert genkey Second --cn device.test
svc_mgr cert use Second
fp2=$(fp_pair Second)
got=$(fp_rx)
[ -n "$fp2" ] && [ "$got" = "$fp2" ] && [ "$fp2" != "$fp" ] && ok ||
  fail "after cert use Second, STARTTLS presents '$got', expected '$fp2'"
svc_mgr cert use "Default Key"

# --- the same Message-ID twice: stored once -----------------------------------------
printf 'From: <t@example.test>\r\nTo: <%s>\r\nSubject: twice\r\nMessage-ID: <twice@test>\r\n\r\nonce\r\n' \
  "$ADDR" >"$WORK/twice.eml"
for _ in 1 2; do
  swaks --server 127.0.0.1:"$PORT" --to "$ADDR" --from t@example.test --data @"$WORK/twice.eml" \
    >"$WORK/swaks" 2>&1 || fail "swaks twice: $(tail -3 "$WORK/swaks")"
done
[ "$(stored twice@test)" -eq 1 ] && ok || fail "Message-ID twice@test stored $(stored twice@test) times"

# --- oversized mail --------------------------------------------------------------------
set_ network.email.smtp.rx_max 1
before=$(count)
head -c 1500000 /dev/zero | tr '\0' 'x' | fold -w 76 >"$WORK/big.txt"
swaks --server 127.0.0.1:"$PORT" --to "$ADDR" --from t@example.test --body @"$WORK/big.txt" \
  >"$WORK/swaks" 2>&1 && fail "an oversized message was accepted" || ok
grep -q "552 5.3.4" "$WORK/swaks" && ok || fail "552 for an oversized message: $(tail -3 "$WORK/swaks")"
grep -q "SIZE 1048576" "$WORK/swaks" && ok || fail "EHLO announces SIZE 1048576"
"$PY" "$RAW" "$PORT" pipeline "$ADDR" small@test >"$WORK/raw"
check_grep "a small one still passes" raw "data 250 221"
[ "$(count)" -eq $((before + 1)) ] && ok || fail "only the small message is stored"
set_ network.email.smtp.rx_max 20

# --- pipelining, garbage, STARTTLS injection ------------------------------------------
"$PY" "$RAW" "$PORT" pipeline "$ADDR" pipe@test >"$WORK/raw"
check_grep "pipelined replies in order" raw "pipelined 250 250 550 250 354"
check_grep "pipelined data" raw "data 250 221"
"$PY" "$RAW" "$PORT" garbage >"$WORK/raw"
check_grep "junk" raw "junk 250 500 555 503"
check_grep "long line" raw "long 503 500"
check_grep "ten bad commands close" raw "500 500 421 EOF"
check_grep "NUL" raw "nul 250 500"
"$PY" "$RAW" "$PORT" inject "$ADDR" >"$WORK/raw"
check_grep "STARTTLS" raw "starttls 220"
check_grep "no answer to text sent in clear" raw "first-in-tls 250 2.0.0 ok"
check_grep "no STARTTLS inside TLS" raw "ehlo-in-tls"
check_nogrep "STARTTLS offered inside TLS" raw "STARTTLS,"
svc_mgr mail log
check_grep "sessions in the communication log" out "smtp-rx"

# --- 50 concurrent sessions ------------------------------------------------------------
before=$(count)
"$PY" "$RAW" "$PORT" concurrent "$ADDR" 50 >"$WORK/raw"
check_grep "50 concurrent sessions" raw "concurrent-ok 50"
[ "$(count)" -eq $((before + 50)) ] && ok || fail "50 concurrent: $(count) documents, expected $((before + 50))"
SVCMODE_SERVICE_CODE=2828282 svc check
check_rc "store consistent after 50 concurrent sessions" 0

# --- SIGKILL during delivery: never lost, never twice ------------------------------------
# The session's process is killed at a random moment of a 300 KB message
# (before, during or after its commit); the client then sends it again, as
# an MTA does, until it gets 250. Each message must be stored exactly once.
for i in $(seq 1 12); do
  "$PY" "$RAW" "$PORT" slow "$ADDR" "kill$i@test" 300000 >"$WORK/slow" 2>&1 &
  cp=$!
  sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')"
  for k in $(pgrep -P "$SERVE_PID"); do kill -9 "$k" 2>/dev/null; done
  wait "$cp"
  grep -q "slow 250" "$WORK/slow" ||
    "$PY" "$RAW" "$PORT" pipeline "$ADDR" "kill$i@test" >"$WORK/raw"
done
for i in $(seq 1 12); do
  n=$(stored "kill$i@test")
  [ "$n" -eq 1 ] && ok || fail "kill$i@test stored $n times after SIGKILL"
done
# The whole service killed mid-delivery, then started again.
"$PY" "$RAW" "$PORT" slow "$ADDR" whole@test 2000000 >"$WORK/slow" 2>&1 &
cp=$!
sleep 0.3
pkill -9 -P "$SERVE_PID"
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=
wait "$cp"
serve
listening && ok || fail "the service starts again after SIGKILL"
"$PY" "$RAW" "$PORT" pipeline "$ADDR" whole@test >"$WORK/raw"
check_grep "resent after SIGKILL" raw "data 250 221"
[ "$(stored whole@test)" -eq 1 ] && ok || fail "whole@test stored $(stored whole@test) times"
SVCMODE_SERVICE_CODE=2828282 svc check
check_rc "store consistent after the kills" 0

# --- Postfix relays to the device (STARTTLS) --------------------------------------------
if [ "$MS_POSTFIX" = 1 ]; then
  before=$(count)
  swaks --server 127.0.0.1:"$MS_SMTP_NOAUTH" --to "$ADDR" --from t@example.test \
    --header "Subject: relayed" >"$WORK/swaks" 2>&1 && ok || fail "Postfix took the message"
  wait_for $((before + 1)) && ok || fail "Postfix relayed nothing to the device"
  grep -q "TLS connection established to 127.0.0.1\[127.0.0.1\]:$PORT" "$MS/postfix.log" && ok ||
    fail "Postfix relayed without TLS"
  svc_mgr box export 0 "$(count)" -
  check_grep "relayed document" out "Subject: relayed"
fi

# --- OFF again: closed without a restart; ON in another inbox ---------------------------
set_ network.email.smtp.rx OFF
closed && ok || fail "SMTP RX OFF: port $PORT still open"
set_ network.email.rx.inbox 7
set_ network.email.smtp.rx ON
listening && ok || fail "SMTP RX ON again"
"$PY" "$RAW" "$PORT" pipeline "$ADDR" inbox7@test >"$WORK/raw"
[ "$(count 7)" -eq 1 ] && ok || fail "Receive Into Inbox 07: $(count 7) documents"
set_ network.email.rx.inbox 0
set_ network.email.smtp.rx OFF
closed || fail "SMTP RX OFF"

# --- clean shutdown ----------------------------------------------------------------------
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
RC=$?
SERVE_PID=
check_rc "SIGTERM: exit 0" 0
svc service status
check_grep "status after stop" out "Service running          false"

# --- the POP Interval ----------------------------------------------------------------------
# Under libfaketime at 60 times the speed: a minute passes in a second.
set_ network.email.pop.server 127.0.0.1
set_ network.email.pop.port "$MS_POP"
set_ network.email.pop.login alice
printf '%s' alice-pop-pw | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  ${SVCMODE_WRAP:-} "$SVCMODE" set network.email.pop.password >/dev/null 2>&1 || fail "password"
set_ network.email.pop.interval 1
set_ network.email.pop.rx OFF
ms_pop_seed interval1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0"
FAKELIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime.so.1$' | head -1)
base=$(count)
serve fast
sleep 3
[ "$(count)" -eq "$base" ] && ok || fail "POP RX OFF: the POP Interval received"
set_ network.email.pop.rx ON
wait_for $((base + 1)) && ok || fail "POP Interval 1 min: nothing received (log: $(tail -3 "$WORK/serve.log"))"
ms_pop_seed interval2
wait_for $((base + 2)) && ok || fail "POP Interval: the second reception"
grep -q "POP Interval: a reception every 1 min" "$WORK/serve.log" && ok || fail "service log"
svc_mgr log
check_grep "audit names the service" out "svcmode serve"
# Never two receptions at once: while another holds the reception lock
# (a 'mail receive' in progress), the Interval's reception waits for it.
ms_pop_seed interval3
flock "$DB.mail-lock" sleep 4 &
lp=$!
sleep 0.2
b3=$(count)
sleep 2.5
[ "$(count)" -eq "$b3" ] && ok || fail "a reception ran beside the lock's holder"
wait "$lp"
wait_for $((b3 + 1)) && ok || fail "the waiting reception did not run after the lock"
# 0 is off.
set_ network.email.pop.interval 0
ms_pop_seed interval4
b4=$(count)
sleep 3
[ "$(count)" -eq "$b4" ] && ok || fail "POP Interval 0 still receives"
stop_serve

finish
