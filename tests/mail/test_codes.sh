#!/bin/sh
# The error code table in the code (svcmode mail codes) and the one of
# svcmode-codes(7), generated from it at build time, are the same table;
# the mail commands' usage errors.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/manpage.sh"

svc mail codes
check_rc "codes" 0
codes_page >"$WORK/doc"
if [ -s "$WORK/doc" ] && diff "$WORK/doc" "$WORK/out" >"$WORK/diff"; then ok; else
  fail "svcmode-codes(7) and 'svcmode mail codes' differ: $(cat "$WORK/diff")"; fi
check_grep "manual's #839" out "#839  77  SMTP authentication refused"

svc mail
check_rc "no subcommand" 64
svc mail frobnicate
check_rc "unknown subcommand" 64
check_grep "unknown subcommand" err "unknown mail command 'frobnicate'"
svc mail --help
check_rc "help" 0
check_grep "help" out "test-send [--to TO]"
svc_mgr mail receive
check_rc "receive without --box" 64
svc_mgr mail receive --box 1x
check_rc "receive --box 1x" 64
check_grep "receive --box 1x" err "invalid box '1x'"
svc_mgr mail log --limit 0
check_rc "log --limit 0" 64
# Nothing set: a configuration error naming the key, and no code. It is
# found before any door opens: the store is byte for byte as it was (no
# login record, no log row).
before=$(snapshot)
svc_mgr mail test-send --to 'a b@example.test'
check_rc "bad --to" 64
check_grep "bad --to" err "invalid address 'a b@example.test' for --to"
svc_mgr mail test-send
check_rc "no smtp server" 78
check_grep "no smtp server" err "network.email.smtp.server is not set"
svc_mgr mail test-receive
check_rc "no pop server" 78
check_grep "no pop server" err "network.email.pop.server is not set"
svc_mgr mail receive --box 05
check_rc "no pop server for a reception" 78
[ "$(snapshot)" = "$before" ] && ok || fail "a refused mail command changed the store"
svc_mgr mail log --json
check_rc "log json" 0
check_out "log json: nothing logged" "[]"
svc_mgr set network.email.smtp.server 127.0.0.1
svc_mgr set network.email.address dev@example.com
svc mail test-send
check_rc "test-send needs the manager" 77

# A refused connection: exit 69, the device code on stderr, the one result
# wording as the last line, and a row in the communication log that
# 'mail log show' gives in full.
svc_mgr set network.email.smtp.port 1
svc_mgr mail test-send
check_rc "connection refused" 69
check_grep "connection refused: code" err "svcmode: #801 "
[ "$(tail -n 1 "$WORK/out")" = "result: error #801 (SMTP server unreachable or refused the session)" ] &&
  ok || fail "connection refused: the last line is the result"
svc_mgr mail log
check_rc "log" 0
check_grep "log: the exchange" out "tx test-send"
svc_mgr mail log --json --limit 1
check_grep "log json: code" out '"code": 801'
id=$(sed -n 's/.*"id": \([0-9]*\),.*/\1/p' "$WORK/out" | head -n 1)
svc_mgr mail log show "$id"
check_rc "log show" 0
check_grep "log show: result" out "result:         error #801 (SMTP server unreachable"
check_grep "log show: server" out "server:         127.0.0.1:1"
svc_mgr mail log show "$id" --json
check_grep "log show json" out '"id": '"$id"', "at": '
check_grep "log show json: steps" out '"steps": ['
svc_mgr mail log show 999999
check_rc "log show: no such record" 66
svc mail log show "$id"
check_rc "log show needs the manager" 77

finish
