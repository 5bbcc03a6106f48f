#!/bin/sh
# A short pass over 'svcmode init' for the valgrind build: refusal,
# initialization, the report in both forms, completion at start.
. "$SRC/tests/cli/lib.sh"
svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
mkdir -p "$DB.d/docs/01"; printf 'a scan\n' >"$DB.d/docs/01/0001.pdf"
svc_mgr set system.manager.name Carol
svc_mgr init
check_rc "no confirmation" 64
svc init --report
check_rc "no report yet" 66
svc_mgr init --confirm "$SERIAL"
check_rc "init" 0
check_grep "report" out "1 document files"
svc init --report --json
check_grep "json report" out '"document files": 1'
sqlite3 "$DB" "INSERT INTO wipe_job (id, preset, method, verify, operator, level, started, started_ms)
  VALUES (1, 'settings-only', '1 Pass Zeros', 1, 'x', 'manager', '2026-01-01T00:00:00Z', 0)"
svc get system.manager.name
check_rc "resumed at start" 0
check_grep "says so" err "interrupted"
svc init --report
check_grep "second report" out "report:        2"
check_grep "settings-only" out "settings-only"
finish
