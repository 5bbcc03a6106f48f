# Shared by the CLI test scripts (POSIX sh). Each script sources this,
# calls its checks, and ends with 'finish'.
set -u
: "${SVCMODE:?SVCMODE must name the svcmode binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-test.XXXXXX")
DB="$WORK/store/device.db"
export SVCMODE_DB="$DB" SVCMODE_OPERATOR=tester
# The license history lives outside the store (svcmode-counter): each test
# keeps its own, so that runs and serials never meet.
export SVCMODE_LICENSE_HISTORY="$WORK/license-history"
unset SVCMODE_MANAGER_ID SVCMODE_MANAGER_PIN SVCMODE_SERVICE_CODE SVCMODE_SERVICE2_CODE
PASSED=0
FAILED=0
trap 'rm -rf "$WORK"' EXIT

# svc ARGS...: runs svcmode; output in $WORK/out, errors in $WORK/err, status in $RC.
svc() {
  ${SVCMODE_WRAP:-} "$SVCMODE" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
# As System Manager with the factory credentials.
svc_mgr() {
  SVCMODE_MANAGER_ID=${MGR_ID:-7654321} SVCMODE_MANAGER_PIN=${MGR_PIN:-7654321} svc "$@"
}
ok() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $*"
  echo "  exit $RC; stdout: $(head -c 400 "$WORK/out")"
  echo "  stderr: $(head -c 400 "$WORK/err")"
}
# check NAME EXPECTED_RC: the last command's exit status.
check_rc() { [ "$RC" -eq "$2" ] && ok || fail "$1: expected exit $2"; }
# check_out NAME TEXT: stdout equals TEXT exactly.
check_out() { [ "$(cat "$WORK/out")" = "$2" ] && ok || fail "$1: expected stdout '$2'"; }
# check_grep NAME FILE PATTERN: FILE (out/err) contains PATTERN (fixed string).
check_grep() { grep -qF -- "$3" "$WORK/$2" && ok || fail "$1: expected '$3' in $2"; }
check_nogrep() { grep -qF -- "$3" "$WORK/$2" && fail "$1: unexpected '$3' in $2" || ok; }
# snapshot: a digest of every file of the store's directory.
snapshot() { (cd "$(dirname "$DB")" && find . -type f | sort | xargs sha256sum 2>/dev/null; ls -a); }
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
# damage FILE OFFSET: changes the byte at OFFSET, always to another value.
damage() {
  old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  new=$(( (old + 1) % 256 ))
  printf "$(printf '\\%03o' "$new")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# slices N: the numbers 0 to N-1 in random order, one a line, for the kill
# loops: run k of N is killed at a random moment within slice k of N equal
# slices of the command's run time (stratified sampling). So no two
# neighbouring kill moments are more than 2/N of the run time apart, and
# every phase longer than that gets a kill; N uniformly random moments
# leave a largest gap of about (ln N + 0.6)/N (1/34 of the run at N=200,
# more than the 1/50 of 100 stratified runs).
slices() { shuf -i "0-$(($1 - 1))"; }
