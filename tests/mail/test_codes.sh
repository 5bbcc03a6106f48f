#!/bin/sh
# The error code table in the code (svcmode mail codes) and the one in
# README.md are the same table; the mail commands' usage errors.
. "$SRC/tests/cli/lib.sh"

svc mail codes
check_rc "codes" 0
sed -n 's/^| #\([0-9]*\) | \([0-9]*\) | \(.*\) |$/#\1  \2  \3/p' "$SRC/README.md" >"$WORK/doc"
if [ -s "$WORK/doc" ] && diff "$WORK/doc" "$WORK/out" >"$WORK/diff"; then ok; else
  fail "README.md and 'svcmode mail codes' differ: $(cat "$WORK/diff")"; fi
check_grep "manual's #839" out "#839  77  SMTP authentication refused"

svc mail
check_rc "no subcommand" 64
svc mail frobnicate
check_rc "unknown subcommand" 64
check_grep "unknown subcommand" err "unknown mail command 'frobnicate'"
svc mail --help
check_rc "help" 0
check_grep "help" out "test-send [--to ADDR]"
svc_mgr mail receive
check_rc "receive without --box" 64
svc_mgr mail receive --box 1x
check_rc "receive --box 1x" 64
check_grep "receive --box 1x" err "invalid inbox '1x'"
svc_mgr mail log --limit 0
check_rc "log --limit 0" 64
# Nothing set: a configuration error naming the key, and no code.
svc_mgr mail test-send
check_rc "no smtp server" 78
check_grep "no smtp server" err "network.email.smtp.server is not set"
svc_mgr mail test-receive
check_rc "no pop server" 78
check_grep "no pop server" err "network.email.pop.server is not set"
svc_mgr mail log --json
check_rc "log json" 0
check_grep "log json: config failure logged" out '"result": "error"'
svc mail test-send
check_rc "test-send needs the manager" 77

finish
