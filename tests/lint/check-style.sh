#!/bin/sh
# The house rules that a compiler does not check (STYLE.md): banned
# functions, SQLite only in src/store, curses only in src/tui, and the code
# formatted as .clang-format says. Prints each violation; exits non-zero if any.
cd "${SRC:-$(dirname "$0")/../..}" || exit 2
bad=0
report() { echo "$1"; bad=$((bad + 1)); }

# Comments and string literals are left out before looking.
banned=$(grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|system)[[:space:]]*\(' \
  src tests/unit --include='*.[ch]' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' |
  sed -e 's|/\*.*\*/||g' -e 's|//.*||' -e 's|"[^"]*"||g' |
  grep -E '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|system)[[:space:]]*\(')
[ -n "$banned" ] && report "banned functions:
$banned"

# The device store, and the license server's own database beside it.
sql=$(grep -rlE 'sqlite3\.h|sqlite3_[a-z_]+\(' src --include='*.[ch]' |
  grep -vE '^src/store/|^src/lms/lms_db\.c$')
[ -n "$sql" ] && report "SQLite used outside src/store and src/lms/lms_db.c: $sql"

curses=$(grep -rlE '#include[[:space:]]*<n?curses' src --include='*.[ch]' | grep -v '^src/tui/')
[ -n "$curses" ] && report "curses included outside src/tui: $curses"

if command -v clang-format >/dev/null; then
  for f in $(find src tests/unit -name '*.[ch]'); do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || report "not formatted: $f (clang-format -i $f)"
  done
else
  report "clang-format not installed"
fi
if [ "$bad" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
[ "$bad" -eq 0 ]
