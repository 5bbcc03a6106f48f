#!/bin/sh
# The web pages in a real browser: headless Chromium driven by Selenium
# (Debian's chromium, chromium-driver, python3-selenium, run by Debian's
# python3) over TLS. An engineer moves SEND from device A to device B with
# the console of A, a browser and the console of B; redeems a License
# Access Number for C; and the forms work with JavaScript off.
. "$SRC/tests/lms/lib.sh"
PY=/usr/bin/python3
for need in "$PY" /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$need" ] || { echo "missing $need (tests/lms.deps)"; exit 1; }
done
"$PY" -c 'import selenium' 2>/dev/null || { echo "missing python3-selenium"; exit 1; }

make_cert
account eng 'engineer password 1'
device a AAA00001
device b BBB00002
device c CCC00003
lms issue --serial AAA00001 --option SEND
svc1 --db "$WORK/a.db" license install "$(out)"
svc2 --db "$WORK/a.db" license invalidate SEND --yes
TR=$(out)
lms lan create --option SEND --count 2
LAN=$(sed -n 1p "$WORK/out")
LAN2=$(sed -n 2p "$WORK/out")
lms lan create --option PCL
LAN3=$(out)
serve web
HOME=$WORK "$PY" "$SRC/tests/lms/browser.py" "$URL" "$WORK" "$TR" "$LAN" "$LAN3" \
  >"$WORK/browser.out" 2>&1
RC=$?
grep -v -e '^$' -e '^#[0-9]' "$WORK/browser.out" | tail -20
check_rc "the browser checks" 0
KB=$(sed -n 's/^B //p' "$WORK/browser.keys" | head -1)
KC=$(sed -n 's/^C //p' "$WORK/browser.keys")
svc1 --db "$WORK/b.db" license install "$KB"
check_rc "B installs the key the browser showed" 0
svc1 --db "$WORK/b.db" license report
check_grep "B has SEND" out "SEND ON/ON"
svc1 --db "$WORK/c.db" license install "$KC"
check_rc "C installs the redeemed key" 0
svc1 --db "$WORK/a.db" license report
check_grep "A stays without SEND" out "SEND OFF/OFF"
kill -TERM "$PID"
wait "$PID"
finish
