#!/bin/sh
# After Initialize All Data nothing that svcmode wrote survives beside the
# store but the store itself: the product is used (documents stored and
# exported, backups, settings exported and imported, a POP reception killed
# in mid-session), then the store's folder is listed. What the person chose
# to write elsewhere stays; a lock that another process holds is kept and
# reported, and goes at the next initialization once it is free.
. "$SRC/tests/cli/lib.sh"
STORE_DIR=$(dirname "$DB")
OUT_DIR="$WORK/outside"
SILENT_PID=
HOLD_PID=
cleanup() {
  [ -n "$SILENT_PID" ] && kill "$SILENT_PID" 2>/dev/null
  [ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
# The names in the store's folder other than the outputs lib.sh keeps there.
listing() { (cd "$STORE_DIR" && ls -A | grep -v -x -e out -e err | sort | tr '\n' ' '); }
mkdir -p "$OUT_DIR"

svc init-store; check_rc "init-store" 0
svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")

# The customer's data, through the product.
head -c 50000 /dev/urandom >"$WORK/scan.pdf"
printf 'MARKER-CUSTOMER-DOC\n' >"$WORK/memo.txt"
svc_mgr box store 03 "$WORK/scan.pdf"; check_rc "store a document" 0
svc_mgr box store 07 "$WORK/memo.txt"; check_rc "store another" 0
svc_mgr box export 07 0001 "$OUT_DIR/memo.txt"; check_rc "export a document elsewhere" 0
svc_mgr set network.email.address customer@example.test
svc_mgr set network.email.pop.password <<EOS
customer-secret
EOS
svc_mgr backup create "$OUT_DIR/mailbox.zip"; check_rc "backup elsewhere" 0
# Named like the store, beside it: Initialize erases them with the store's
# files (and refuses them for its own backup).
svc_mgr backup create "$DB.zip"; check_rc "backup named like the store" 0
svc_mgr export --include-secrets "$DB.settings.json"; check_rc "export named like the store" 0
svc_mgr import "$DB.settings.json"; check_rc "import it back" 0
svc_mgr export "$OUT_DIR/settings.json"; check_rc "export elsewhere" 0

# A POP reception killed in mid-session leaves its lock file: a server
# that accepts and never speaks holds it there until the kill.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$WORK/port" &
SILENT_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
svc_mgr set network.email.pop.server 127.0.0.1
svc_mgr set network.email.pop.port "$(cat "$WORK/port")"
svc_mgr set network.email.timeout 30
SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 "$SVCMODE" mail test-receive \
  >/dev/null 2>&1 &
RX=$!
for _ in $(seq 1 100); do [ -e "$DB.mail-lock" ] && break; sleep 0.1; done
sleep 0.3
kill -9 "$RX" 2>/dev/null
wait "$RX" 2>/dev/null
[ -e "$DB.mail-lock" ] && ok || fail "the killed reception left no lock file to test with"

before=" $(listing)"
for f in device.db.zip device.db.settings.json device.db.mail-lock; do
  case "$before" in
    *" $f "*) ok ;;
    *) fail "expected $f beside the store before Initialize: $before" ;;
  esac
done

# A lock that another process holds is not taken away.
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True); time.sleep(60)
' "$DB.mail-lock" >"$WORK/held" &
HOLD_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/held" ] && break; sleep 0.1; done
svc_mgr init --all --confirm "$SERIAL"
check_rc "init --all" 0
check_grep "leftovers counted" out "2 leftover files"
check_grep "held lock reported" out "1 lock files in use (kept)"
[ "$(listing)" = "device.db device.db.d device.db.mail-lock " ] && ok ||
  fail "after init with a held lock: $(listing)"
[ ! -s "$DB.mail-lock" ] && ok || fail "the kept lock file holds data"
kill "$HOLD_PID"; wait "$HOLD_PID" 2>/dev/null; HOLD_PID=

# Free now: the next initialization removes it; only the store remains.
svc_mgr init --all --confirm "$SERIAL"
check_rc "init --all again" 0
check_grep "the freed lock counted" out "1 leftover files"
[ "$(listing)" = "device.db device.db.d " ] && ok || fail "left beside the store: $(listing)"
# The store's folder of documents holds nothing of the customer's: no
# directory but docs, no file but the empty lock of the mailbox module.
left=$(cd "$DB.d" && find . -mindepth 1 ! -path ./docs ! -path ./docs/.lock)
[ -z "$left" ] && ok || fail "left in the store's folder of documents: $left"
[ ! -s "$DB.d/docs/.lock" ] && ok || fail "the mailbox lock file holds data"
grep -rqa "MARKER-CUSTOMER-DOC" "$STORE_DIR" && fail "a customer document survives" || ok
grep -rqa "customer-secret" "$STORE_DIR" && fail "a customer secret survives" || ok
# What the person wrote elsewhere is theirs: kept.
[ -f "$OUT_DIR/mailbox.zip" ] && [ -f "$OUT_DIR/settings.json" ] && [ -f "$OUT_DIR/memo.txt" ] &&
  ok || fail "files written outside the store's folder were removed"
finish
