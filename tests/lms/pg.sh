# A real PostgreSQL 15 server of one's own on 127.0.0.1 (POSIX sh), for
# the LMS tests (tests/lms/lib.sh) and its benchmark (bench/lms.sh):
#   pg_start   a new cluster in a temporary folder, a free port, a
#              database "lms"; sets PGDIR, PGPORT, PGPASSWORD (exported:
#              libpq reads it, so it stays out of argv) and LMSDB, the
#              connection string.
#   pg_stop    stops it and removes the folder.
#   pg_query DB SQL   one query, its rows unaligned, stopping on an error.
# fsync=off: a test or a benchmark measures the LMS, not the disk.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDIR=
pg_as() { # the server runs as an unprivileged user: as nobody under root
  if [ "$(id -u)" = 0 ]; then
    (cd "$PGDIR" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@")
  else
    (cd "$PGDIR" && "$@")
  fi
}
pg_start() {
  PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/lms-pg.XXXXXX")
  openssl rand -hex 16 >"$PGDIR/pw"
  [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$PGDIR"
  pg_as "$PGBIN/initdb" -D "$PGDIR/data" -U lms --pwfile="$PGDIR/pw" --auth=scram-sha-256 \
    -E UTF8 --no-sync >"$PGDIR/initdb.log" 2>&1 || { echo "initdb failed:"; cat "$PGDIR/initdb.log"; exit 1; }
  for _ in 1 2 3 4 5; do
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
      -o "-h 127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null 2>&1 && break
    PGPORT=
  done
  [ -n "$PGPORT" ] || { echo "PostgreSQL did not start:"; cat "$PGDIR/server.log"; exit 1; }
  PGPASSWORD=$(cat "$PGDIR/pw")
  export PGPASSWORD
  psql -X -q -d "postgresql://lms@127.0.0.1:$PGPORT/postgres" -c 'CREATE DATABASE lms' ||
    { echo "cannot create the database"; exit 1; }
  LMSDB="postgresql://lms@127.0.0.1:$PGPORT/lms"
}
pg_stop() {
  [ -n "$PGDIR" ] || return 0
  pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$PGDIR"
  PGDIR=
}
pg_query() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
