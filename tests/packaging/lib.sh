# Shared by the packaging test scripts (POSIX sh): the checks of
# tests/cli/lib.sh (ok, fail, check_rc, finish, $WORK removed on exit), and
# a fresh store path that the default path logic never reaches.
. "$SRC/tests/cli/lib.sh"
# The store must be the one named by --db: no environment store.
unset SVCMODE_DB
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share"
mkdir -p "$HOME"
: >"$WORK/out"
: >"$WORK/err"
RC=0
