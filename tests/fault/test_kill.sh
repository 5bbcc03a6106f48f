#!/bin/sh
# Kills svcmode with SIGKILL at random moments during `set` and `import`
# (RUNS times each, default 100) and checks after every kill that the store
# passes PRAGMA integrity_check and holds the old state or the new one,
# never a mix, with the audit log agreeing.
. "$SRC/tests/cli/lib.sh"
# 100 runs of each, one in each hundredth of the 40 ms (slices in
# tests/cli/lib.sh): denser than 200 uniformly random delays would be
# (largest gap 1/50 of the 40 ms, against about 1/34), in half the runs.
RUNS=${RUNS:-100}
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
svc --db "$DB" init-store --serial KIL00001

# A random delay of 0-40 ms (svcmode's own run takes a few to tens of ms)
# within slice SLICE of RUNS, to the microsecond.
rand_delay() {
  od -An -N2 -tu2 /dev/urandom |
    awk -v s="$1" -v n="$RUNS" '{ printf "0.%06d", (s * 40000 + $1 % 40000) / n }'
}
kill_during() { # SLICE ARGS...: start svcmode, kill it after a random delay
  d=$(rand_delay "$1"); shift
  "$SVCMODE" "$@" >/dev/null 2>&1 &
  pid=$!
  sleep "$d"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
q() { sqlite3 "$DB" "$1"; }

# set: old value or new value; a changed value always has its audit record.
slices "$RUNS" >"$WORK/slices"
i=1; mixed=0
while [ $i -le "$RUNS" ]; do
  old=$(q "SELECT count(*) FROM audit WHERE event = 'set'")
  kill_during "$(sed -n "${i}p" "$WORK/slices")" set system.manager.comment "v$i"
  v=$("$SVCMODE" get system.manager.comment 2>/dev/null)
  new=$(q "SELECT count(*) FROM audit WHERE event = 'set'")
  [ "$(q 'PRAGMA integrity_check')" = ok ] || { mixed=$((mixed + 1)); echo "run $i: integrity"; }
  prev=v$((i - 1)); [ $i -eq 1 ] && prev=""
  if [ "$v" = "v$i" ]; then [ "$new" -eq $((old + 1)) ] || { mixed=$((mixed + 1)); echo "run $i: value without audit"; }
  elif [ "$v" = "$prev" ] || [ "$v" = "" ]; then [ "$new" -eq "$old" ] || { mixed=$((mixed + 1)); echo "run $i: audit without value"; }
  else mixed=$((mixed + 1)); echo "run $i: unexpected value '$v'"; fi
  # Make the next run's "old" well-defined.
  "$SVCMODE" set system.manager.comment "v$i" 2>/dev/null
  i=$((i + 1))
done
[ "$mixed" -eq 0 ] && ok || fail "set: $mixed of $RUNS killed runs left a bad state"

# import of ten changes: all ten or none.
"$SVCMODE" export >"$WORK/base.json"
sed -e 's/"system.manager.name": ""/"system.manager.name": "N"/' \
    -e 's/"system.manager.contact": ""/"system.manager.contact": "C"/' \
    -e 's/"network.email.smtp.port": 25/"network.email.smtp.port": 2525/' \
    -e 's/"network.email.pop.port": 110/"network.email.pop.port": 1110/' \
    -e 's/"network.tcpip.dhcp": "OFF"/"network.tcpip.dhcp": "ON"/' \
    -e 's/"system.auto_clear": 2/"system.auto_clear": 5/' \
    -e 's/"network.email.smtp.server": ""/"network.email.smtp.server": "smtp.example.com"/' \
    -e 's/"network.email.pop.server": ""/"network.email.pop.server": "pop.example.com"/' \
    -e 's/"network.email.auth.smtp_auth": "OFF"/"network.email.auth.smtp_auth": "ON"/' \
    -e 's/"network.email.pop.interval": 0/"network.email.pop.interval": 7/' "$WORK/base.json" >"$WORK/ten.json"
cmp -s "$WORK/base.json" "$WORK/ten.json" && fail "ten.json changes nothing"
slices "$RUNS" >"$WORK/slices"
i=1; mixed=0; both=0
while [ $i -le "$RUNS" ]; do
  "$SVCMODE" import "$WORK/base.json" 2>/dev/null
  kill_during "$(sed -n "${i}p" "$WORK/slices")" import "$WORK/ten.json"
  changed=$(q "SELECT count(*) FROM setting WHERE key IN ('system.manager.name','system.manager.contact',
    'network.email.smtp.port','network.email.pop.port','network.tcpip.dhcp','system.auto_clear',
    'network.email.smtp.server','network.email.pop.server','network.email.auth.smtp_auth',
    'network.email.pop.interval')")
  [ "$(q 'PRAGMA integrity_check')" = ok ] || { mixed=$((mixed + 1)); echo "run $i: integrity"; }
  case "$changed" in 0) ;; 10) both=$((both + 1)) ;; *) mixed=$((mixed + 1)); echo "run $i: $changed of 10 changed" ;; esac
  i=$((i + 1))
done
[ "$mixed" -eq 0 ] && ok || fail "import: $mixed of $RUNS killed runs left a mix"
echo "import: $both of $RUNS killed runs had completed, the rest left the old state"
finish
