#!/bin/sh
# Credentials passed to svcmode in the environment do not reach the
# programs it runs (their /proc/PID/environ): `mac apply` runs nft,
# here a stand-in that records its environment.
. "$SRC/tests/cli/lib.sh"
svc --db "$DB" init-store --serial ENV00001
mkdir -p "$WORK/bin"
cat >"$WORK/bin/nft" <<EOS
#!/bin/sh
env >"$WORK/nft-env"
exit 0
EOS
chmod +x "$WORK/bin/nft"
PATH="$WORK/bin:$PATH" SVCMODE_BOX_PASSWORD=4242 svc_mgr mac apply "$WORK/rules.nft" --iface lo
check_rc "mac apply with a stand-in nft" 0
[ -s "$WORK/nft-env" ] && ok || fail "the stand-in nft did not run"
check_grep "the child got the ordinary environment" nft-env "PATH="
check_nogrep "no System Manager PIN in the child" nft-env "SVCMODE_MANAGER_PIN"
check_nogrep "no System Manager ID in the child" nft-env "SVCMODE_MANAGER_ID"
check_nogrep "no inbox password in the child" nft-env "SVCMODE_BOX_PASSWORD"
finish
