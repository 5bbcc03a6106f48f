#!/bin/sh
# Where the store lives, how it is created, and what is refused on open.
. "$SRC/tests/cli/lib.sh"

# First use creates the demo store, 0700 directory, 0600 file.
svc info; check_rc "first use creates the store" 0
check_grep "says it created it" err "created a new device store"
[ "$(stat -c %a "$DB")" = 600 ] && ok || fail "store file mode $(stat -c %a "$DB")"
[ "$(stat -c %a "$(dirname "$DB")")" = 700 ] && ok || fail "store dir mode"
grep -Eq '^serial: +[A-Z]{3}[0-9]{5}$' "$WORK/out" && ok || fail "serial format"
grep -Eq '^mac: +00:00:85(:[0-9A-F]{2}){3}$' "$WORK/out" && ok || fail "mac format"
check_grep "schema version" out "schema:"
check_grep "library versions" out "sqlite:"
svc info; check_nogrep "created only once" err "created"

# init-store: chosen serial, refuses to overwrite, validates the serial.
svc --db "$WORK/b/dev.db" init-store --serial XYZ98765; check_rc "init-store" 0
svc --db "$WORK/b/dev.db" info; check_grep "chosen serial" out "XYZ98765"
svc --db "$WORK/b/dev.db" init-store --serial XYZ98765; check_rc "no overwrite" 73
svc --db "$WORK/c/dev.db" init-store --serial abc123; check_rc "bad serial" 64
check_grep "serial message" err "invalid serial number 'abc123'"
[ ! -e "$WORK/c/dev.db" ] && ok || fail "bad serial left a store"

# Location: --db, then SVCMODE_DB, then XDG_DATA_HOME (when /var/lib is not writable).
unset SVCMODE_DB
svc --db "$WORK/d/x.db" info; check_grep "--db wins" out "$WORK/d/x.db"
SVCMODE_DB="$WORK/e/y.db" svc info; check_grep "SVCMODE_DB" out "$WORK/e/y.db"
if [ "$(id -u)" -ne 0 ]; then
  XDG_DATA_HOME="$WORK/xdg" svc info; check_grep "XDG" out "$WORK/xdg/svcmode/device.db"
fi
export SVCMODE_DB="$DB"

# Refused on open, exit 65, never modified: a random file, an empty file,
# a foreign SQLite database, a damaged store, a newer schema.
refuse() { # FILE WHY
  sum=$(sha256sum "$1")
  svc --db "$1" get network.email.smtp.port
  check_rc "refuse $(basename "$1")" 65
  check_grep "why $(basename "$1")" err "$2"
  [ "$(sha256sum "$1")" = "$sum" ] && ok || fail "$(basename "$1") was modified"
  [ ! -e "$1-journal" ] && ok || fail "$(basename "$1") got a journal"
}
head -c 8192 /dev/urandom >"$WORK/random.db"; refuse "$WORK/random.db" "not an SQLite database"
: >"$WORK/empty.db"; refuse "$WORK/empty.db" "not an SQLite database"
sqlite3 "$WORK/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
refuse "$WORK/foreign.db" "not an svcmode device store"
cp "$DB" "$WORK/damaged.db"
dd if=/dev/urandom of="$WORK/damaged.db" bs=4096 seek=2 count=2 conv=notrunc 2>/dev/null
refuse "$WORK/damaged.db" "damaged"
cp "$DB" "$WORK/newer.db"; sqlite3 "$WORK/newer.db" "PRAGMA user_version = 9999"
refuse "$WORK/newer.db" "newer svcmode"

# A missing directory that cannot be made is a clear error.
svc --db /proc/nope/device.db info; check_rc "cannot create" 73

# A store reached through a symbolic link: everything derived from its
# path (the documents folder, the lock files) is beside the real file, the
# documents can be exported and backed up through either name, and
# Initialize All Data erases their content wherever they are.
mkdir -p "$WORK/real" "$WORK/links"
svc --db "$WORK/real/device.db" init-store --serial SYM00001
ln -s "$WORK/real/device.db" "$WORK/links/device.db"
printf 'SymlinkMarker-%s\n' "$(head -c 4096 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  >"$WORK/doc.txt"
mgr_at() { db=$1; shift; SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 svc --db "$db" "$@"; }
mgr_at "$WORK/links/device.db" box store 05 "$WORK/doc.txt"; check_rc "stored through the link" 0
[ -d "$WORK/real/device.db.d" ] && ok || fail "documents folder not beside the real store"
[ ! -e "$WORK/links/device.db.d" ] && ok || fail "documents folder beside the link"
mgr_at "$WORK/real/device.db" box export 05 1 "$WORK/copy.txt"; check_rc "exported by the real name" 0
cmp -s "$WORK/doc.txt" "$WORK/copy.txt" && ok || fail "the export is not the document"
mgr_at "$WORK/real/device.db" backup create "$WORK/sym.zip"; check_rc "backup by the real name" 0
mgr_at "$WORK/links/device.db" init --confirm SYM00001; check_rc "initialize through the link" 0
grep -rl SymlinkMarker "$WORK/real" "$WORK/links" >"$WORK/left" 2>/dev/null
[ -s "$WORK/left" ] && fail "document content survived: $(cat "$WORK/left")" || ok
finish
