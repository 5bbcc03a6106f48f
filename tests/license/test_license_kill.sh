#!/bin/sh
# Crash safety of #LMS > INACTIVE: 'license invalidate' is killed with
# SIGKILL at a random moment, LOOPS times (default 100; first argument or
# KILL_LOOPS). After every kill the store (read with the sqlite3 shell) must
# hold SEND either still active with no transfer number, or transferred with
# its number; asking again must then show a number (the stored one if there
# was one), which the LMS accepts (checked every 4th round). The license
# history outside the store is written just before the store commits: after
# a kill it may be ahead of the store (then the next command ends SEND with
# the history's number), never behind it.
#   sh tests/license/test_license_kill.sh 1000
. "$SRC/tests/cli/lib.sh"
LMS=${LMS:-$BUILD/src/lms/svcmode-lms}
# 100 runs, one in each hundredth of the run time (slices in
# tests/cli/lib.sh): denser than 200 uniformly random moments would be
# (largest gap 1/50 of the run, against about 1/34), in half the runs.
LOOPS=${1:-${KILL_LOOPS:-100}}
export SVCMODE_SERVICE_CODE=2828282 SVCMODE_SERVICE2_CODE=8282828
T="$WORK/template.db"
X="$WORK/x.db"
SERIAL=KIL00001
TR_RE='^[0-9]{4}(-[0-9]{4}){5}$'
umask 077

"$LMS" demo-secret --out "$WORK/demo.secret" 2>/dev/null
lmsv() {
  "$LMS" --db "$WORK/lms.db" --secret-file "$WORK/demo.secret" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
svc --db "$T" init-store --serial $SERIAL
lmsv issue --serial $SERIAL --option SEND
svc --db "$T" license install "$(cat "$WORK/out")"
check_rc "template store has SEND" 0

# Random seconds in slice SLICE of LOOPS of [0, MAX ms), to the microsecond.
rand_ms() {
  od -An -N2 -tu2 /dev/urandom |
    awk -v m="$1" -v s="$2" -v n="$LOOPS" '{ printf "0.%06d", (s * m + $1 % m) * 1000 / n }'
}

# The time of one whole run bounds the delays, so kills land all along it.
cp "$T" "$X"
start=$(date +%s%N)
"$SVCMODE" --db "$X" license invalidate SEND --yes >/dev/null 2>&1
span=$(( ($(date +%s%N) - start) / 1000000 + 5 ))
[ "$span" -gt 999 ] && span=999

slices "$LOOPS" >"$WORK/slices"
active=0 transferred=0 ahead=0 i=0
while [ "$i" -lt "$LOOPS" ]; do
  i=$((i + 1))
  rm -f "$X" "$X-wal" "$X-shm" "$X-journal"
  rm -rf "$SVCMODE_LICENSE_HISTORY"
  cp "$T" "$X"
  "$SVCMODE" --db "$X" license invalidate SEND --yes >"$WORK/kill.out" 2>&1 &
  pid=$!
  sleep "$(rand_ms "$span" "$(sed -n "${i}p" "$WORK/slices")")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null

  # What is stored, read by SQLite itself (it recovers the killed WAL).
  line=$(sqlite3 "$X" "SELECT state, coalesce(transfer, '-') FROM license WHERE option = 'SEND'")
  state=${line%%|*} number=${line#*|}
  hist=$(awk '$1 == "SEND" { print $5 }' "$SVCMODE_LICENSE_HISTORY/$SERIAL" 2>/dev/null)
  if [ "$state" = transferred ]; then
    [ "$hist" = "$number" ] && ok || fail "kill $i: store has $number, history '$hist'"
  fi
  [ -n "$hist" ] && [ "$state" = active ] && ahead=$((ahead + 1))
  case "$state" in
  active)
    [ "$number" = "-" ] && ok || fail "kill $i: active SEND with transfer number '$number'"
    active=$((active + 1))
    ;;
  transferred)
    echo "$number" | grep -qE "$TR_RE" && ok ||
      fail "kill $i: SEND inactive without a transfer number ('$number')"
    transferred=$((transferred + 1))
    ;;
  *) fail "kill $i: SEND in state '$state' ($line)" ;;
  esac

  svc --db "$X" license invalidate SEND --yes
  check_rc "kill $i: invalidating again works" 0
  again=$(cat "$WORK/out")
  [ -n "$hist" ] && number=$hist
  if [ -n "$hist" ] || [ "$state" = transferred ]; then
    [ "$again" = "$number" ] && ok || fail "kill $i: number changed from $number to $again"
  fi
  # The LMS check costs a process: every 4th round is enough.
  if [ $((i % 4)) -eq 0 ]; then
    lmsv verify-transfer --serial $SERIAL --option SEND --number "$again"
    check_rc "kill $i: the LMS accepts the number" 0
  fi
done
echo "$LOOPS kills within ${span} ms: $active left SEND active ($ahead of them with the history ahead), $transferred transferred"
finish
