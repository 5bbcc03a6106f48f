#!/bin/sh
# A core dump of svcmode could keep a secret that is still in its buffers:
# the process runs with RLIMIT_CORE 0 and not dumpable, so that neither a
# crash nor another process of the same user can read its memory. Checked
# on a process waiting for a secret on stdin (a FIFO), run as an
# unprivileged user. (The sanitizer build keeps the process dumpable: its
# leak check attaches to it; there only the core limit is checked.)
. "$SRC/tests/cli/lib.sh"
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || { echo "needs root and setpriv: skipped"; exit 77; }
user=nobody
RC=0
chmod o+x "$WORK"   # the unprivileged user reaches its folder inside
dir="$WORK/nobody"
mkdir -p "$dir"
chown "$user" "$dir"
mkfifo "$dir/secret"
chown "$user" "$dir/secret"
setpriv --reuid="$user" --regid=nogroup --clear-groups env SVCMODE_DB="$dir/device.db" \
  SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 "$SVCMODE" set network.email.pop.password \
  <"$dir/secret" >"$WORK/out" 2>"$WORK/err" &
exec 3>"$dir/secret"   # the writer end stays open: svcmode waits for its line
pid=""
n=0
while [ -z "$pid" ] && [ $n -lt 100 ]; do
  pid=$(pgrep -u "$user" -f "svcmode set network.email.pop.password" | head -1)
  [ -z "$pid" ] && sleep 0.1
  n=$((n + 1))
done
[ -n "$pid" ] && ok || fail "svcmode did not start"
sleep 0.5
grep -E '^Max core file size +0 +0 ' "/proc/$pid/limits" >/dev/null && ok ||
  fail "core file size not 0: $(grep core "/proc/$pid/limits")"
if grep -q 'CMAKE_BUILD_TYPE:STRING=Asan' "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "sanitizer build: the dumpable flag is not checked"
else
  # Same user, but not dumpable: its environment and memory are closed.
  setpriv --reuid="$user" --regid=nogroup --clear-groups cat "/proc/$pid/environ" \
    >/dev/null 2>&1 && fail "another process of the same user read its environment" || ok
fi
printf 'secret-value\n' >&3
exec 3>&-
wait
finish
