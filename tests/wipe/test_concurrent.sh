#!/bin/sh
# A command started while Initialize All Data/Settings runs must not take
# the recorded intent for an interrupted initialization and "resume" it
# alongside: the running one holds a lock for its whole run, and other
# commands refuse with 75 (try again) until it has finished. Afterwards the
# report says it was never interrupted and the log holds no resume.
. "$SRC/tests/cli/lib.sh"
mgr() { SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 svc "$@"; }
svc info
SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
# 3 passes over 96 MiB of documents, read back: seconds, not milliseconds.
mgr set system.init.erase_method "3 Passes DoD"
mgr set system.init.verify ON
head -c $((48 << 20)) /dev/urandom >"$WORK/a.pdf"
head -c $((48 << 20)) /dev/urandom >"$WORK/b.pdf"
mgr box store 05 "$WORK/a.pdf" "$WORK/b.pdf"; check_rc "documents stored" 0

SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 \
  "$SVCMODE" init --confirm "$SERIAL" >"$WORK/init.out" 2>"$WORK/init.err" &
pid=$!
busy=0 tries=0
while kill -0 "$pid" 2>/dev/null && [ $tries -lt 400 ]; do
  tries=$((tries + 1))
  "$SVCMODE" get system.init.verify >"$WORK/o" 2>"$WORK/e"
  rc=$?
  case $rc in
  0) ;;
  75) busy=$((busy + 1)); grep -q "running in another svcmode" "$WORK/e" || fail "75 without the reason" ;;
  *) RC=$rc; fail "a command during the initialization exited $rc: $(cat "$WORK/e")" ;;
  esac
  grep -q "completing it first" "$WORK/e" && fail "a command took the running initialization for an interrupted one"
  sleep 0.05
done
wait "$pid"
RC=$?
check_rc "the initialization itself" 0
[ "$busy" -gt 0 ] && ok || fail "no command met the running initialization ($tries tries)"
svc init --report
check_nogrep "never interrupted" out "interrupted"
svc log
check_nogrep "no resume in the log" out "init.resume"
echo "$busy of $tries commands found the initialization running"
finish
