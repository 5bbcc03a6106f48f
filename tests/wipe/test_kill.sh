#!/bin/sh
# Kill -9 during initialization, LOOPS times (first argument or
# $WIPE_KILL_LOOPS, default 100), each at a random moment of a run on a
# store with settings, secrets, lockout states and documents. After each
# kill, the next svcmode command must complete the initialization (or, if
# the kill came before the intent was recorded, find nothing changed), and
# the result must match a clean initialization: same settings, no user
# data, no marker in any file, integrity check ok, exactly one report.
. "$SRC/tests/cli/lib.sh"
# 100 runs, one in each hundredth of the run time (slices in lib.sh): they
# cover it more densely than 200 uniformly random moments would (largest
# gap 1/50 of the run, against about 1/34), in half the runs.
LOOPS=${1:-${WIPE_KILL_LOOPS:-100}}
MARK=Kz7qMarker
TMPL="$WORK/tmpl"
RUN="$WORK/run"
mkdir -p "$TMPL" "$RUN"
export SVCMODE_DB="$TMPL/device.db"
mgr() { SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=${PIN:-7654321} svc "$@"; }
now_ms() { date +%s%3N; }
rand() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }

# --- the template store: settings, a secret, a changed PIN, lockout
# states, 8 documents of 32 KiB holding the marker.
svc info
SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
mgr set system.manager.name "$MARK-name"
mgr set system.manager.comment "$MARK-comment"
mgr set network.email.pop.login "$MARK-login"
mgr set network.email.pop.password <<EOS
$MARK-secret
EOS
mgr set system.init.erase_method "1 Pass Random"
PIN=1111111 mgr get system.manager.name
mgr set system.manager.pin <<EOS
2468024
EOS
check_rc "template store" 0
for b in 00 01 02 03; do
  mkdir -p "$TMPL/device.db.d/docs/$b"
  for d in 1 2; do
    { printf '%s-doc-%s-%s\n' "$MARK" "$b" "$d"; head -c 32768 /dev/urandom; printf '%s\n' "$MARK"; } \
      >"$TMPL/device.db.d/docs/$b/000$d.pdf"
  done
done
PIN=2468024
# Data of the feature modules: an inbox with a name, a password and a
# document, a key pair, a MAC exception.
mgr box set 07 name "$MARK-inbox"
mgr box set 07 password <<EOS
8642
EOS
{ printf '%s-scan\n' "$MARK"; head -c 20000 /dev/urandom; } >"$WORK/scan.pdf"
mgr box store 07 "$WORK/scan.pdf" --name "$MARK-doc"
mgr cert genkey "$MARK-key"
mgr mac add rx 02:4D:41:52:4B:21
check_rc "template data of the feature modules" 0
export SVCMODE_DB="$RUN/device.db"
fresh() { rm -rf "$RUN" && cp -a "$TMPL" "$RUN"; }
# What a clean initialization must leave: the settings as listed by the last
# 'svc list --json', the rows that hold user data or state, one report, and
# a sound database.
state() {
  cat "$WORK/out"
  sqlite3 "$SVCMODE_DB" "SELECT 'setting', key, value FROM setting ORDER BY key;
    SELECT 'door', name FROM door ORDER BY name; SELECT 'job', count(*) FROM wipe_job;
    SELECT 'inbox', * FROM mailbox_inbox; SELECT 'doc', count(*) FROM mailbox_doc;
    SELECT 'key', name, origin FROM tls_key ORDER BY name; SELECT 'ca', count(*) FROM tls_ca;
    SELECT 'mac', count(*) FROM mac_entry;
    SELECT 'report', count(*) FROM wipe_report; PRAGMA integrity_check;"
}

# --- the reference: a clean initialization, and the untouched state.
fresh
svc list --json
BEFORE=$(cat "$WORK/out")
t0=$(now_ms)
PIN=2468024 mgr init --all --confirm "$SERIAL"
t1=$(now_ms)
check_rc "clean initialization" 0
svc list --json
REF=$(state)
SPAN=$(( (t1 - t0) * 12 / 10 + 1 ))
echo "clean run: $((t1 - t0)) ms; killing at random within $SPAN ms"

slices "$LOOPS" >"$WORK/slices"
before=0; resumed=0; finished=0
i=0
while [ "$i" -lt "$LOOPS" ]; do
  i=$((i + 1))
  fresh
  SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=2468024 \
    "$SVCMODE" init --all --confirm "$SERIAL" >/dev/null 2>&1 &
  pid=$!
  ms=$(( ($(sed -n "${i}p" "$WORK/slices") * SPAN + $(rand) % SPAN) / LOOPS ))
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  svc list --json
  if [ "$RC" -ne 0 ]; then
    fail "run $i (killed at $ms ms): next start failed"
    continue
  fi
  if grep -q "interrupted" "$WORK/err"; then
    resumed=$((resumed + 1))
  elif [ "$(sqlite3 "$SVCMODE_DB" 'SELECT count(*) FROM wipe_report')" = 0 ]; then
    # Killed before the intent was recorded: nothing may have changed.
    before=$((before + 1))
    [ "$(cat "$WORK/out")" = "$BEFORE" ] ||
      { fail "run $i (killed at $ms ms): settings changed without a recorded intent"; continue; }
    [ "$(find "$RUN/device.db.d/docs" -type f ! -name .lock | wc -l)" = 9 ] ||
      { fail "run $i (killed at $ms ms): documents lost without a recorded intent"; continue; }
    PIN=2468024 mgr init --all --confirm "$SERIAL"
    [ "$RC" -eq 0 ] || { fail "run $i: initialization after an early kill failed"; continue; }
    svc list --json
  else
    finished=$((finished + 1))
  fi
  [ "$(state)" = "$REF" ] || { fail "run $i (killed at $ms ms): result differs from a clean initialization"; state >"$WORK/got"; echo "$REF" | diff - "$WORK/got" | head; continue; }
  [ -z "$(find "$RUN/device.db.d/docs" -type f ! -name .lock)" ] ||
    { fail "run $i (killed at $ms ms): document files left"; continue; }
  grep -r -a -l -F "$MARK" "$RUN" >/dev/null &&
    { fail "run $i (killed at $ms ms): marker found in $(grep -r -a -l -F "$MARK" "$RUN")"; continue; }
  ok
done
echo "$LOOPS runs: $before killed before the intent was recorded, $resumed completed at the next start, $finished finished before the kill"
# The random moments must have hit initializations in progress.
[ "$resumed" -gt 0 ] && ok || fail "no kill landed during an initialization"
finish
