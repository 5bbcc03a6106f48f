#!/bin/sh
# A full disk and a read-only store: a clear error, nothing lost. Needs to
# mount a small tmpfs (root); says so and skips otherwise.
. "$SRC/tests/cli/lib.sh"
MNT="$WORK/mnt"; mkdir -p "$MNT"
if ! mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs here (needs root)"; echo "0 passed, 0 failed"; exit 0
fi
trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
DB="$MNT/store/device.db"; export SVCMODE_DB="$DB"
svc init-store --serial FUL00001; check_rc "store on the small disk" 0
svc_mgr set system.manager.name Before; check_rc "a first change" 0
before=$(sqlite3 "$DB" "SELECT value FROM setting WHERE key = 'system.manager.name'")
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null   # fill the disk to the last block
long=$(head -c 30 /dev/zero | tr '\0' x)
n=0; while [ $n -lt 40 ]; do
  svc_mgr set system.manager.comment "$long$n"; [ "$RC" -ne 0 ] && break; n=$((n + 1))
done
check_rc "a change on a full disk fails" 74
check_grep "clear message" err "the disk is full"
rm -f "$MNT/filler"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] && ok || fail "integrity after disk full"
svc get system.manager.name; check_out "nothing lost" "$before"
svc_mgr set system.manager.name After; check_rc "works again with space" 0

# Read-only: the filesystem remounted read-only.
mount -o remount,ro "$MNT"
svc_mgr set system.manager.name ReadOnly; [ "$RC" -eq 74 ] || [ "$RC" -eq 65 ] && ok || fail "read-only: exit $RC"
check_grep "read-only named" err "Read-only file system"
mount -o remount,rw "$MNT"
svc get system.manager.name; check_out "read-only lost nothing" After
finish
