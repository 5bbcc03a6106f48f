#!/usr/bin/env bash
# Whole-process time of `svcmode get` / `svcmode set` next to the sqlite3
# CLI doing the same SELECT / UPDATE on the same store, as ratios of the
# medians of RUNS runs each; and the time to import an export that holds
# every setting. Usage: bench/settings.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build-rel}
runs=${2:-101}
svc="$build/src/svcmode"
[ -x "$svc" ] || { echo "build first: cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
db="$work/device.db"
"$svc" --db "$db" init-store --serial BEN00001 2>/dev/null
export SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 SVCMODE_DB="$db"
"$svc" set network.email.smtp.port 587

# median_ms CMD...: median wall time of RUNS runs, in milliseconds.
median_ms() {
  local t=() i s e
  for ((i = 0; i < runs; i++)); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.2f", $1 / 1000 }'
}

# get_pair: `svcmode get` and the sqlite3 CLI run in turn, RUNS times each,
# so that both see the same load; sets get_svc and get_sql (medians, ms).
get_pair() {
  local a=() b=() i s e
  for ((i = 0; i < runs; i++)); do
    s=$(date +%s%N); "$svc" get network.email.smtp.port >/dev/null 2>&1; e=$(date +%s%N)
    a+=($(( (e - s) / 1000 )))
    s=$(date +%s%N)
    sqlite3 "$db" "SELECT value FROM setting WHERE key = 'network.email.smtp.port'" >/dev/null 2>&1
    e=$(date +%s%N)
    b+=($(( (e - s) / 1000 )))
  done
  med() { sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.2f", $1 / 1000 }'; }
  get_svc=$(printf '%s\n' "${a[@]}" | med)
  get_sql=$(printf '%s\n' "${b[@]}" | med)
}
get_pair
set_svc=$(median_ms "$svc" set network.email.smtp.port 588)
set_sql=$(median_ms sqlite3 "$db" "UPDATE setting SET value = '589' WHERE key = 'network.email.smtp.port'")
"$svc" export >"$work/all.json"
sed -e 's/"ir5570"/"ir5570-b"/' "$work/all.json" >"$work/changed.json"
n=$(grep -c '": ' "$work/all.json")
imp=$(runs=21 median_ms "$svc" import "$work/all.json")

printf '%-34s %10s %10s %8s %8s\n' figure svcmode sqlite3 ratio target
printf '%-34s %8sms %8sms %8s %8s\n' "get KEY (process)" "$get_svc" "$get_sql" \
  "$(awk -v a="$get_svc" -v b="$get_sql" 'BEGIN { printf "%.2fx", a / b }')" "<=1.1x"
printf '%-34s %8sms %8sms %8s %8s\n' "set KEY VALUE (process)" "$set_svc" "$set_sql" \
  "$(awk -v a="$set_svc" -v b="$set_sql" 'BEGIN { printf "%.2fx", a / b }')" "-"
printf '%-34s %8sms %10s %8s %8s\n' "import export of $n settings" "$imp" "-" "-" "-"

# Instructions executed (valgrind callgrind): repeatable whatever else the
# machine is doing, unlike wall time.
if command -v valgrind >/dev/null; then
  instr() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/.*refs: *//p' | tr -d ,; }
  gi_svc=$(instr "$svc" get network.email.smtp.port)
  gi_sql=$(instr sqlite3 "$db" "SELECT value FROM setting WHERE key = 'network.email.smtp.port'")
  printf '%-34s %10s %10s %8s %8s\n' "get KEY (instructions)" "$gi_svc" "$gi_sql" \
    "$(awk -v a="$gi_svc" -v b="$gi_sql" 'BEGIN { printf "%.2fx", a / b }')" "<=1.1x"
fi

# The lines bench/all puts into its table, tab-separated:
# row, figure, svcmode, peer, ratio, target.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
printf 'row\tget KEY, median wall of %s\t%s ms\tsqlite3 CLI %s ms\t%s\t<= 1.1x\n' "$runs" \
  "$get_svc" "$get_sql" "$(ratio "$get_svc" "$get_sql")"
[ -n "${gi_svc:-}" ] &&
  printf 'row\tget KEY, instructions (callgrind)\t%s\tsqlite3 CLI %s\t%s\t<= 1.1x\n' \
    "$gi_svc" "$gi_sql" "$(ratio "$gi_svc" "$gi_sql")"
exit 0
