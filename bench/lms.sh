#!/bin/sh
# License server benchmark: 64 concurrent HTTPS clients (one curl
# --parallel, connections kept) against `svcmode-lms serve` on SQLite, or
# on PostgreSQL when given a connection string:
# verifications of live transfer numbers, then transfers, every number
# submitted twice at once. Prints requests/s, p50/p99 latency and the
# number of double issues (keys issued beyond one per number: must be 0).
# Issue 18's target (with PostgreSQL): 500 transfers/s, 2,000
# verifications/s, p99 under 100 ms.
#
#   bench/lms.sh [BUILD_DIR [postgresql | postgresql://USER@HOST:PORT/DB]]
#     (default build; BENCH_N numbers, default 2000; BENCH_THREADS
#     server threads, default 4 as serve's). "postgresql" alone: a PostgreSQL 15
#     server of the benchmark's own on 127.0.0.1, started as the tests
#     start it (tests/lms/pg.sh). A given database must be empty; its
#     password comes from PGPASSWORD or PGPASSFILE. psql reads the counts
#     there, sqlite3 on SQLite.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
N=${BENCH_N:-2000}
LMS=$build/src/lms/svcmode-lms
DIR=$(mktemp -d "${BENCH_DIR:-/tmp}/lms-bench.XXXXXX")
DB=${2:-$DIR/lms.db}
. tests/lms/pg.sh
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; pg_stop; rm -rf "$DIR"' EXIT
if [ "$DB" = postgresql ]; then
  pg_start
  DB=$LMSDB
fi
case $DB in
postgres://* | postgresql://*) q() { pg_query "$DB" "$1"; } ;;
*) q() { sqlite3 "$DB" "$1"; } ;;
esac
umask 077
printf 'benchmark vendor secret, not for use\n' >"$DIR/secret"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
cc -O2 -I src -I "$build/src" bench/lms_numbers.c "$build/src/license/libsvc_license.a" \
  "$build/src/util/libsvc_util.a" -lcrypto -o "$DIR/lms_numbers"
lms() { "$LMS" --db "$DB" --secret-file "$DIR/secret" "$@"; }

echo "issuing $N licenses ..."
i=0
while [ $i -lt "$N" ]; do
  lms issue --serial "$(printf 'BNC%05d' $i)" --option SEND >/dev/null 2>&1
  i=$((i + 1))
done
"$DIR/lms_numbers" "$DIR/secret" SEND "$N" >"$DIR/numbers"
printf 'bench password 1\n' | lms account add bench 2>/dev/null
"$LMS" --db "$DB" --secret-file "$DIR/secret" serve --listen 127.0.0.1:0 --tls-cert "$DIR/cert.pem" --tls-key "$DIR/key.pem" --rate 0 \
  --max-failures 0 --threads "${BENCH_THREADS:-4}" 2>"$DIR/serve.log" &
PID=$!
for _ in $(seq 50); do grep -q serving "$DIR/serve.log" && break; sleep 0.1; done
URL=https://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)$/\1/p' "$DIR/serve.log")
TOKEN=$(curl -s --cacert "$DIR/cert.pem" -d '{"user":"bench","password":"bench password 1"}' \
  "$URL/v1/sessions" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')

# run NAME PATH BODY_SED: one curl --parallel -Z of every number twice, 64
# at a time; the body of each from its line "SERIAL NUMBER" by BODY_SED.
# The bodies are in the config and the responses go to /dev/null (only
# the status is counted): files of their own cost the client, which shares
# the two cores with the server, a fifth of the CPU in file-system work.
run() {
  awk '{ print; print }' "$DIR/numbers" | sed "$3" | awk -v url="$URL$2" -v tok="$TOKEN" \
    -v cert="$DIR/cert.pem" '{
      if (NR > 1) print "next"
      gsub(/"/, "\\\"")
      print "url = \"" url "\"\ncacert = \"" cert "\"\nsilent"
      print "header = \"Authorization: Bearer " tok "\""
      print "header = \"Content-Type: application/json\""
      print "data-binary = \"" $0 "\"\noutput = \"/dev/null\""
      print "write-out = \"%{http_code} %{time_total} %{time_pretransfer}\\n\"" }' >"$DIR/$1.conf"
  start=$(date +%s.%N)
  curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 64 -K "$DIR/$1.conf" \
    >"$DIR/$1.out"
  end=$(date +%s.%N)
  total=$(wc -l <"$DIR/$1.out")
  # Latency: from the request's send to its full response (time_total
  # less time_pretransfer); the connection and TLS set-up of the first
  # request on each connection are counted apart (set-up).
  awk '{ print $1, $2 - $3, $3 }' "$DIR/$1.out" | sort -k2 -g |
    awk -v n="$total" -v s="$start" -v e="$end" -v name="$1" '
    { t[NR] = $2; c[$1]++; if ($3 > 0.001) { nc++; if ($3 > cmax) cmax = $3 } }
    END {
      p50 = t[int(n * 0.50) > 0 ? int(n * 0.50) : 1] * 1000
      p99 = t[int(n * 0.99) > 0 ? int(n * 0.99) : 1] * 1000
      codes = ""; for (k in c) codes = codes " " k ":" c[k]
      printf "%-13s %6d requests  %7.0f req/s  p50 %6.1f ms  p99 %6.1f ms  (HTTP%s)\n",
        name, n, n / (e - s), p50, p99, codes
      printf "%-13s %6d connections set up, the slowest in %.1f ms\n", "", nc, cmax * 1000 }'
}

echo "64 clients, every number twice:"
run verify /v1/transfers/verify \
  's/^\(BNC[0-9]*\) \(.*\)$/{"number":"\2","from":"\1","option":"SEND"}/'
run transfers /v1/transfers \
  's/^BNC\([0-9]*\) \(.*\)$/{"number":"\2","serial":"DST\1","from":"BNC\1","option":"SEND"}/'
issued=$(grep -c '^200 ' "$DIR/transfers.out" || true)
recorded=$(q "SELECT count(*) FROM transfer")
double=$(q "SELECT count(*) - count(DISTINCT serial) FROM license WHERE serial LIKE 'DST%'")
echo "transfers: $issued keys given for $N numbers, $recorded recorded; double issues: $((issued - recorded + double))"
# The benchmark's own PostgreSQL logs each serializable transaction that
# failed (and was run again): how often transfers met.
[ -n "$PGDIR" ] && echo "serialization failures, run again: $(grep -c 'could not serialize' "$PGDIR/server.log")"
kill -TERM "$PID"
wait "$PID" || true
PID=
