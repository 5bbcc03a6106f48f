#!/bin/sh
# A full disk (a small tmpfs): backup create, box store and restore fail
# with a clear error, remove their partial files and change nothing.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/backup/common.sh"
SMALL="$WORK/small"
mkdir -p "$SMALL"
if ! mount -t tmpfs -o size=3m,mode=0700 svcmode-test "$SMALL" 2>"$WORK/mount.err"; then
	echo "SKIP: cannot mount a small tmpfs ($(cat "$WORK/mount.err")); run as root"
	finish
	exit 0
fi
trap 'umount "$SMALL" 2>/dev/null; rm -rf "$WORK"' EXIT

make_source
head -c 5000000 /dev/urandom >"$WORK/big.pdf"
svc box store 20 "$WORK/big.pdf"
check_rc "setup" 0
svc backup create "$WORK/all.zip"
check_rc "reference backup" 0

svc backup create "$SMALL/full.zip"
check_rc "create on a full disk" 74
check_grep "says the disk is full" err "the disk is full writing '$SMALL/full.zip'"
[ -z "$(ls -A "$SMALL")" ] && ok || fail "partial backup left: $(ls -A "$SMALL")"

S="$SMALL/s/device.db"
on "$S" box store 01 "$WORK/mail.eml"
check_rc "a store on the small disk" 0
before=$(store_snap "$S")
on "$S" box store 02 "$WORK/big.pdf"
check_rc "store on a full disk" 74
check_grep "box store says full" err "the disk is full"
[ "$before" = "$(store_snap "$S")" ] && ok || fail "failed store changed the store"
ls "$S.d/docs" | grep -q '\.tmp$' && fail "temporary document left" || ok

on "$S" backup restore "$WORK/all.zip" --replace
check_rc "restore on a full disk" 74
check_grep "restore says full" err "the disk is full"
on "$S" box list
[ "$before" = "$(store_snap "$S")" ] && ok || fail "failed restore changed the store"
files_match_rows "$S" && ok || fail "failed restore left files"
finish
