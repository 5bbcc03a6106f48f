#!/bin/sh
# The idle period between POP QUIT and SMTP connect in POP before SMTP, as
# the servers see it: Dovecot's log time of the POP logout (microseconds)
# against Postfix's connect-time policy hook on the POP-before-SMTP
# listener (date +%s.%6N on the server side). Needs root (Postfix) and the
# packages of tests/mail.deps.
#   usage: bench/mail-idle.sh [BUILD_DIR] [RUNS]
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-10}
SVCMODE=$BUILD/src/svcmode
. "$SRC/tests/mail/servers.sh"
W=$(mktemp -d)
trap 'mail_servers_stop; rm -rf "$W"' EXIT
mail_servers_start || exit 1
export SVCMODE_DB=$W/device.db SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321
s() { "$SVCMODE" "$@" >/dev/null 2>&1 || { echo "svcmode $* failed" >&2; exit 1; }; }
s init-store
s set network.email.smtp.server 127.0.0.1
s set network.email.smtp.port "$MS_SMTP_PBS"
s set network.email.pop.server 127.0.0.1
s set network.email.pop.port "$MS_POP"
s set network.email.pop.login alice
printf alice-pop-pw | "$SVCMODE" set network.email.pop.password >/dev/null 2>&1
s set network.email.address device@example.test
s set network.email.auth.pop_before_smtp ON
for i in $(seq 1 "$RUNS"); do
  s mail test-send
done
# The n-th POP logout against the n-th SMTP connect.
grep 'pop3(alice).*Disconnected: Logged out' "$MS/dovecot.log" | cut -c1-26 |
  while read -r d t; do date -d "$d $t" +%s.%6N; done >"$W/quit"
cut -d' ' -f1 "$MS/pbs/connects" >"$W/connect"
paste "$W/quit" "$W/connect" | awk '
  { ms = ($2 - $1) * 1000; s += ms; if (NR == 1 || ms < lo) lo = ms; if (ms > hi) hi = ms }
  END { if (NR) printf "POP QUIT -> SMTP connect, as seen by the servers, %d runs: min %.1f ms, mean %.1f ms, max %.1f ms\n", NR, lo, s / NR, hi }'
