#!/bin/sh
# POP reception against the real servers of servers.sh: UIDL
# de-duplication when the connection is lost after a message was stored
# (a proxy cuts the session at DELE; svcmode killed with SIGKILL while its
# DELE is pending), and POP AUTH NTLM against the test POP server that
# uses the Cyrus SASL server library (tests/mail/pop_sasl.c).
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/mail/servers.sh"
PROXY_PID=
stop_proxy() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  PROXY_PID=
}
trap 'stop_proxy; mail_servers_stop; rm -rf "$WORK"' EXIT
PY=$(command -v python3)
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$SRC/tests/mail/lsan.supp"

if ! mail_servers_start; then
  echo "FAIL: the mail servers did not start"
  exit 1
fi

set_() { svc_mgr set "$1" "$2"; [ "$RC" -eq 0 ] || fail "set $1 $2"; }
secret() { printf '%s' "$2" | SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  ${SVCMODE_WRAP:-} "$SVCMODE" set "$1" >/dev/null 2>&1 || fail "set $1"; }
# proxy MODE: cut_proxy.py on $MS_FAKE in front of Dovecot's POP port.
proxy() {
  stop_proxy
  : >"$WORK/proxy.log"
  "$PY" "$SRC/tests/mail/cut_proxy.py" "$MS_FAKE" "$MS_POP" "$1" "$WORK/proxy.log" &
  PROXY_PID=$!
  ms_wait_port "$MS_FAKE"
}
# on_server: messages in alice's POP mailbox.
on_server() { find "$MS/popmail/alice/new" "$MS/popmail/alice/cur" -type f 2>/dev/null | wc -l; }
# docs NAME BOX N: inbox BOX holds exactly N received documents.
docs() {
  svc_mgr box list "$2"
  n=$(grep -c "mail " "$WORK/out")
  [ "$n" -eq "$3" ] && ok || fail "$1: $n documents in inbox $2, expected $3"
}
# left NAME N: N messages are left on the server.
left() { n=$(on_server); [ "$n" -eq "$2" ] && ok || fail "$1: $n messages on the server, expected $2"; }

svc init-store
set_ network.email.pop.server 127.0.0.1
set_ network.email.pop.port "$MS_POP"
set_ network.email.pop.login alice
secret network.email.pop.password alice-pop-pw
set_ network.email.timeout 5

# --- UIDL: the connection is lost at DELE, after the message was stored ---
ms_pop_seed uidl-one
proxy cut
set_ network.email.pop.port "$MS_FAKE"
svc_mgr mail receive --box 05
check_rc "lost at DELE" 76
check_grep "lost at DELE: UIDL used" out "UIDL: 1 listed, 0 already stored, 0 forgotten"
check_grep "lost at DELE: stored first" out "message 1 ("
check_grep "lost at DELE: #853" err "svcmode: #853 "
grep -q "cut at DELE" "$WORK/proxy.log" && ok || fail "lost at DELE: the proxy did not cut"
docs "lost at DELE" 05 1
left "lost at DELE: the server kept it" 1
set_ network.email.pop.port "$MS_POP"
svc_mgr mail receive --box 05
check_rc "after the lost connection" 0
check_grep "after the lost connection" out "UIDL: 1 listed, 1 already stored, 0 forgotten"
check_grep "after the lost connection" out "was already stored: not stored again"
check_grep "after the lost connection" out "received: 0"
docs "after the lost connection: exactly one document" 05 1
left "after the lost connection: deleted now" 0
svc_mgr box export 05 1 "$WORK/doc1"
grep -q "body uidl-one" "$WORK/doc1" && ok || fail "the stored document is the message"

# --- the same with svcmode killed (SIGKILL) while its DELE is pending ------
ms_pop_seed uidl-two
proxy hold
set_ network.email.pop.port "$MS_FAKE"
SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 ${SVCMODE_WRAP:-} "$SVCMODE" \
  mail receive --box 06 >"$WORK/k.out" 2>&1 &
K=$!
for _ in $(seq 1 100); do grep -q "hold DELE" "$WORK/proxy.log" && break; sleep 0.1; done
grep -q "hold DELE" "$WORK/proxy.log" && ok || fail "sigkill: DELE never came ($(cat "$WORK/k.out"))"
kill -KILL "$K"
wait "$K" 2>/dev/null
for _ in $(seq 1 50); do grep -q "client gone" "$WORK/proxy.log" && break; sleep 0.1; done
docs "sigkill: stored before DELE" 06 1
left "sigkill: the server kept it" 1
set_ network.email.pop.port "$MS_POP"
svc_mgr mail receive --box 06
check_rc "after sigkill" 0
check_grep "after sigkill" out "UIDL: 1 listed, 1 already stored, 0 forgotten"
docs "after sigkill: exactly one document" 06 1
left "after sigkill: deleted now" 0
stop_proxy

# --- ids of messages gone from the server are forgotten ---------------------
ms_pop_seed uidl-three
svc_mgr mail receive --box 06
check_rc "forget" 0
check_grep "forget" out "UIDL: 1 listed, 0 already stored, 1 forgotten"
check_grep "forget" out "received: 1"
docs "forget" 06 2
# An empty mailbox: the last record goes too.
svc_mgr mail receive --box 06
check_rc "empty mailbox" 0
check_grep "empty mailbox" out "UIDL: 0 listed, 0 already stored, 1 forgotten"
check_grep "empty mailbox" out "received: 0"
svc_mgr mail receive --box 06
check_rc "empty mailbox, nothing recorded" 0
check_nogrep "empty mailbox, nothing recorded" out "UIDL:"

# --- a server without UIDL: stored and deleted as before --------------------
"$PY" "$SRC/tests/mail/fake_server.py" "$MS_FAKE" pop-nouidl "$WORK/fake.log" &
PROXY_PID=$!
ms_wait_port "$MS_FAKE"
set_ network.email.pop.port "$MS_FAKE"
svc_mgr mail receive --box 07
check_rc "no UIDL" 0
check_grep "no UIDL" out "server has no UIDL: a message stored before a lost connection will be stored again"
check_grep "no UIDL" out "received: 1"
grep -q "dele" "$WORK/fake.log" && ok || fail "no UIDL: not deleted on the server"
docs "no UIDL" 07 1
stop_proxy
set_ network.email.pop.port "$MS_POP"

# --- POP AUTH NTLM: the test POP server with the Cyrus SASL server library --
# (Debian's Dovecot has no NTLM; tests/mail/pop_sasl.c, same sasldb as the
# Postfix NTLM listener.)
code() {
  if grep -qF "svcmode: #$2 " "$WORK/err" && grep -qF "result: error #$2 " "$WORK/out"; then
    ok
  else
    fail "$1: expected error #$2"
  fi
}
if [ -z "${MS_POP_SASL_BIN:-}" ] || [ "$MS_POSTFIX" != 1 ]; then
  fail "pop auth ntlm: the pop_sasl helper was not built (apt-get install libsasl2-dev) or not root"
else
  printf 'From: <x@example.test>\r\nSubject: ntlm\r\n\r\nbody over ntlm\r\n' \
    >"$MS/popsasl/00000001ntlm"
  set_ network.email.pop.port "$MS_POP_SASL"
  set_ network.email.auth.pop_auth_method "POP AUTH"
  secret network.email.pop.password bob-smtp-pw
  for u in bob 'bob@EXAMPLE' 'EXAMPLE\bob'; do
    set_ network.email.pop.login "$u"
    svc_mgr -v mail test-receive
    check_rc "pop auth ntlm $u" 0
    check_grep "pop auth ntlm $u" out "server offers SASL NTLM"
    check_grep "pop auth ntlm $u" out "AUTH NTLM accepted"
    check_grep "pop auth ntlm $u" out "messages: 1"
    check_nogrep "pop auth ntlm $u: no password" out "bob-smtp-pw"
  done
  [ "$(grep -c "auth NTLM ok user bob" "$MS/pop_sasl.log")" -eq 3 ] && ok ||
    fail "pop auth ntlm: the server did not log three NTLM logins of bob"
  svc_mgr mail log --json --limit 1
  check_grep "pop auth ntlm: logged" out '"mechanism": "NTLM"'
  # A reception through it: stored, then deleted at QUIT.
  set_ network.email.pop.login bob
  svc_mgr mail receive --box 08
  check_rc "pop auth ntlm: receive" 0
  check_grep "pop auth ntlm: receive" out "UIDL: 1 listed, 0 already stored, 0 forgotten"
  check_grep "pop auth ntlm: receive" out "received: 1"
  docs "pop auth ntlm: receive" 08 1
  [ -z "$(ls "$MS/popsasl")" ] && ok || fail "pop auth ntlm: the message is still on the server"
  # Wrong password: the server refuses the NTLM response: #854.
  secret network.email.pop.password wrong-password
  svc_mgr mail test-receive
  check_rc "pop auth ntlm refused" 77
  code "pop auth ntlm refused" 854
  check_grep "pop auth ntlm refused" out "AUTH NTLM refused: -ERR [AUTH] authentication failed"
  grep -q "auth NTLM failed" "$MS/pop_sasl.log" && ok ||
    fail "pop auth ntlm refused: the server logged no failed NTLM login"
  svc_mgr mail log --json
  for s in bob-smtp-pw wrong-password alice-pop-pw; do
    check_nogrep "no secret in the log: $s" out "$s"
  done
fi

finish
