# Shared by the backup test scripts (sourced after tests/cli/lib.sh).
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321

# on DB ARGS...: svc against another store.
on() { _db=$1; shift; SVCMODE_DB="$_db" svc "$@"; }
# on_in DB LINE ARGS...: the same with LINE on stdin.
on_in() {
	_db=$1; printf '%s\n' "$2" >"$WORK/stdin"; shift 2
	SVCMODE_DB="$_db" svc "$@" <"$WORK/stdin"
}
# state DB: every inbox's settings and every document's metadata and hash.
state() {
	SVCMODE_DB="$1" "$SVCMODE" box list --json 2>/dev/null
	for _b in $(SVCMODE_DB="$1" "$SVCMODE" box list --json 2>/dev/null |
		sed -n 's/.*"box": "\([0-9]*\)".*"documents": [1-9].*/\1/p'); do
		SVCMODE_DB="$1" "$SVCMODE" box list "$_b" --json 2>/dev/null
	done
}
# store_snap DB: the store's rows (all but the audit log and door counters,
# where the System Manager login is recorded by design) and every file of
# its documents directory with its hash.
store_snap() {
	sqlite3 "$1" 'SELECT * FROM device; SELECT * FROM setting;
		SELECT * FROM mailbox_inbox; SELECT * FROM mailbox_doc ORDER BY box, no'
	(cd "$1.d/docs" 2>/dev/null && find . -type f ! -name .lock | sort | xargs -r sha256sum)
}
# files_match_rows DB: one content file per document row, no orphans.
files_match_rows() {
	[ "$(find "$1.d/docs" -name '*.doc' 2>/dev/null | wc -l)" -eq \
		"$(sqlite3 "$1" 'SELECT count(*) FROM mailbox_doc')" ]
}

# A source store with settings, a password and documents in three inboxes.
make_source() {
	head -c 200000 /dev/urandom >"$WORK/scan1.pdf"
	{ head -c 5000 /dev/urandom; printf 'MARKER-DOCUMENT-CONTENT'; head -c 5000 /dev/urandom; } \
		>"$WORK/scan 2.pdf"
	printf 'received mail\n' >"$WORK/mail.eml"
	svc box store 03 "$WORK/scan1.pdf" "$WORK/scan 2.pdf" "$WORK/mail.eml" &&
		svc box store 07 "$WORK/mail.eml" &&
		svc box store 99 "$WORK/scan1.pdf" &&
		svc box set 03 name Sales &&
		svc box set 07 auto-erase 3d &&
		svc box set 12 print-on-store ON &&
		printf '2468\n' >"$WORK/stdin" && svc box set 03 password <"$WORK/stdin" ||
		{ echo "cannot make the source store: $(cat "$WORK/err")"; exit 1; }
}
