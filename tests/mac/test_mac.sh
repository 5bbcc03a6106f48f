#!/bin/sh
# svcmode mac: notations, normalization, duplicates, the 100-entry limit, the
# refused block-everything configuration, the interface and its refusals,
# and the rulesets of every policy combination checked with the real
# 'nft -c -f'. Nothing here loads into the host's kernel: every apply that
# writes a file is --no-load (loading is tests/mac/test_netns.sh).
. "$SRC/tests/cli/lib.sh"
DB="$WORK/store/device.db"
export SVCMODE_DB="$DB"
T="$WORK/t"
mkdir -p "$T"

settle() { svc mac list; BEFORE=$(snapshot); }
unchanged() { [ "$(snapshot)" = "$BEFORE" ] && ok || fail "$1: the store changed"; }
check_file_grep() { grep -qF -- "$3" "$2" && ok || fail "$1: expected '$3' in $2"; }

# nft -c needs CAP_NET_ADMIN and the interface: a network namespace of our
# own with a veth named eth0, so the host's network is never touched.
# Without them (not root, no nftables) the nft checks fail rather than skip.
NFT_NS=yes
command -v nft >/dev/null || { echo "nft not installed (Debian package nftables)"; NFT_NS=""; }
unshare -n true 2>/dev/null || { echo "unshare -n not permitted (run as root)"; NFT_NS=""; }
[ -n "$NFT_NS" ] && ok || fail "nft -c is available"
nft_check() { # FILE: 0 if nft accepts it
  unshare -n sh -c 'ip link add eth0 type veth peer name eth1 && nft -c -f "$1"' sh "$1" \
    >"$T/nft.log" 2>&1
}

svc_mgr set network.mac.interface eth0
check_rc "the interface the rulesets below name" 0
svc mac --help
check_rc "mac --help" 0
check_grep "help says multicast is never filtered" out "Multicast and broadcast frames are never"
svc mac frobnicate
check_rc "unknown subcommand" 64

# --- notations and normalization --------------------------------------------
svc mac list
check_rc "list on a new store" 0
check_grep "rx off by default" out "Receive Filter (rx): Use Filter OFF, Default Policy Allow, 0 of 100"
svc mac add rx 00:1e:8f:12:34:56
check_rc "add without credentials" 77
i=0
for a in 00:1e:8f:12:34:56 00-1E-8F-12-34-57 001e.8f12.3458 001E8F123459 aA:bB:cC:dD:eE:f0; do
  svc_mgr mac add rx "$a"
  [ "$RC" -eq 0 ] && ok || fail "add notation $a"
done
svc mac list rx
for n in 00:1E:8F:12:34:56 00:1E:8F:12:34:57 00:1E:8F:12:34:58 00:1E:8F:12:34:59 AA:BB:CC:DD:EE:F0; do
  check_grep "stored normalized $n" out "  $n  "
done
check_nogrep "tx not listed with rx" out "Send Filter"
svc mac list --json
check_grep "json" out '"rx": {"enabled": false, "policy": "Allow", "addresses": ["00:1E:8F:12:34:56", "00:1E:8F:12:34:57"'
check_grep "json tx" out '"tx": {"enabled": false, "policy": "Allow", "addresses": []}'

settle
for bad in 00:1e:8f:12:34 00:1e:8f:12:34:5g 00:1e-8f:12:34:56 001e.8f12.34 001E8F12345 \
  "" 0:1e:8f:12:34:56 00:00:00:00:00:00; do
  svc_mgr mac add rx "$bad"
  [ "$RC" -eq 64 ] && ok || fail "invalid '$bad' refused with 64"
done
svc_mgr mac add rx 01:00:5e:00:00:fb
check_rc "multicast refused" 64
check_grep "multicast reason" err "multicast and broadcast frames are never filtered"
svc_mgr mac add rx ff-ff-ff-ff-ff-ff
check_rc "broadcast refused" 64
check_grep "broadcast named" err "broadcast address"
svc_mgr mac add rx 001E.8F12.3456
check_rc "duplicate in another notation refused" 65
check_grep "duplicate named" err "00:1E:8F:12:34:56 is already in the Receive Filter list"
svc_mgr mac add rx 02:00:00:00:00:01 02-00-00-00-00-01
check_rc "same address twice in one add refused" 64
svc_mgr mac add rx 02:00:00:00:00:02 00:1e:8f:12:34:56
check_rc "a batch with a duplicate adds nothing" 65
svc_mgr mac add sideways 02:00:00:00:00:03
check_rc "bad filter name" 64
svc_mgr mac policy rx maybe
check_rc "bad policy" 64
svc_mgr mac remove rx 02:00:00:00:00:09
check_rc "removing an absent address" 64
unchanged "refused additions"

# --- the 100-entry limit ------------------------------------------------------
svc_mgr mac clear tx
addrs=$(i=0; while [ $i -lt 100 ]; do printf '02:00:00:00:%02x:%02x ' $((i / 256)) $((i % 256)); i=$((i + 1)); done)
# shellcheck disable=SC2086
svc_mgr mac add tx $addrs
check_rc "100 addresses" 0
svc mac list tx
check_grep "100 of 100 listed" out "100 of 100 exceptions"
settle
svc_mgr mac add tx 02:00:00:00:99:99
check_rc "101st refused" 65
check_grep "101st message" err "the Send Filter holds at most 100 exception addresses"
unchanged "101st"
# shellcheck disable=SC2086
svc_mgr mac add rx $addrs 02:00:00:00:99:98
check_rc "more than 100 at once is a usage error" 64
check_grep "more than 100 at once" err "too many addresses (101)"
unchanged "more than 100 at once"
svc_mgr mac remove tx 02-00-00-00-00-00
check_rc "remove in another notation" 0
check_grep "remove says which" err "removed 02:00:00:00:00:00 from the Send Filter"
svc_mgr mac add tx 02:00:00:00:99:99
check_rc "room again after a removal" 0
svc_mgr mac clear tx
check_rc "clear" 0
check_grep "clear counts" err "removed 100 addresses"

# --- block everything ------------------------------------------------------------
svc_mgr mac enable tx
svc_mgr mac policy tx reject
check_rc "reject with no exceptions refused" 65
check_grep "block-all message" err "would block every host"
svc mac list tx
check_grep "policy unchanged" out "Default Policy Allow"
svc_mgr mac policy tx reject --force
check_rc "forced" 0
svc_mgr mac apply "$T/forced.nft" --no-load
check_rc "apply refuses the block-all state" 65
svc_mgr mac apply "$T/forced.nft" --force --no-load
check_rc "apply forced" 0
svc_mgr mac disable tx
svc_mgr mac add tx 02:00:00:00:00:10
svc_mgr mac enable tx
check_rc "enable with an exception" 0
settle
svc_mgr mac remove tx 02:00:00:00:00:10
check_rc "removing the last exception refused" 65
svc_mgr mac clear tx
check_rc "clearing refused" 65
unchanged "refused block-all changes"
svc_mgr mac disable tx
svc_mgr mac enable rx
svc_mgr mac policy rx reject
check_rc "reject with exceptions" 0

# --- rulesets for the four policy combinations ----------------------------------
svc_mgr mac enable tx
for rx in allow reject; do
  for tx in allow reject; do
    svc_mgr mac policy rx $rx
    svc_mgr mac policy tx $tx
    f="$T/$rx-$tx.nft"
    svc_mgr mac apply "$f" --no-load
    [ "$RC" -eq 0 ] && ok || fail "apply $rx/$tx"
    if [ $rx = allow ]; then v=accept; e=drop; else v=drop; e=accept; fi
    check_file_grep "$rx/$tx rx hook" "$f" "type filter hook ingress device \"eth0\" priority -500; policy $v;"
    check_file_grep "$rx/$tx rx exceptions" "$f" "ether saddr @rx_except $e"
    if [ $tx = allow ]; then v=accept; e=drop; else v=drop; e=accept; fi
    check_file_grep "$rx/$tx tx hook" "$f" "type filter hook egress device \"eth0\" priority -500; policy $v;"
    check_file_grep "$rx/$tx tx exceptions" "$f" "ether daddr @tx_except $e"
    [ "$(grep -c 'ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 accept' "$f")" -eq 2 ] && ok ||
      fail "$rx/$tx: multicast and broadcast pass both chains"
    check_file_grep "$rx/$tx rx elements" "$f" "00:1E:8F:12:34:56"
    check_file_grep "$rx/$tx tx elements" "$f" "02:00:00:00:00:10"
    if [ -n "$NFT_NS" ]; then
      nft_check "$f" && ok || fail "nft -c accepts $rx/$tx: $(cat "$T/nft.log")"
    fi
  done
done
svc_mgr mac disable rx
svc_mgr mac disable tx
svc_mgr mac apply "$T/off.nft" --iface enp3s0 --no-load
check_nogrep "both off: no chain" out "chain"
grep -q "chain" "$T/off.nft" && fail "both off: no chain in the file" || ok
check_file_grep "both off: the table is removed" "$T/off.nft" "delete table netdev svcmode_mac"
[ -n "$NFT_NS" ] && { nft_check "$T/off.nft" && ok || fail "nft -c accepts the empty ruleset"; }
svc_mgr mac enable rx
svc_mgr mac apply "$T/iface.nft" --iface enp3s0 --no-load
check_file_grep "interface option" "$T/iface.nft" 'device "enp3s0"'
grep -q "chain tx" "$T/iface.nft" && fail "tx off: no tx chain" || ok
svc_mgr mac apply "$T/x.nft" --iface 'eth0"; drop' --no-load
check_rc "bad interface refused" 64
svc_mgr mac apply --no-load
check_rc "apply to the default file" 0
[ -f "$WORK/store/mac-block.nft" ] && ok || fail "default ruleset beside the store"
[ "$(stat -c %a "$WORK/store/mac-block.nft")" = 600 ] && ok ||
  fail "the ruleset holds customer addresses: mode 600, not $(stat -c %a "$WORK/store/mac-block.nft")"
check_grep "--no-load says not loaded" err "(not loaded)"
ls -a "$WORK/store" | grep -q '^\.mac-block' && fail "no temporary left" || ok

# --- the interface ------------------------------------------------------------------
svc describe network.mac.interface
check_grep "the setting exists" out "iface"
settle
for bad in . .. eth/0 eth0:1 "eth 0" abcdefghijklmnop 'eth0"; drop'; do
  svc_mgr set network.mac.interface "$bad"
  [ "$RC" -eq 65 ] && ok || fail "setting interface '$bad' refused with 65"
  svc_mgr mac apply "$T/bad.nft" --no-load --iface "$bad"
  [ "$RC" -eq 64 ] && ok || fail "--iface '$bad' refused with 64"
done
[ -f "$T/bad.nft" ] && fail "a refused interface wrote a file" || ok
unchanged "refused interface names"
svc_mgr set network.mac.interface lan7
check_rc "interface setting" 0
svc_mgr mac apply "$T/set.nft" --no-load
check_file_grep "the setting names the interface" "$T/set.nft" 'device "lan7"'
svc_mgr mac apply "$T/opt.nft" --no-load --iface enp3s0
check_file_grep "--iface wins over the setting" "$T/opt.nft" 'device "enp3s0"'
svc_mgr mac apply - --iface enp3s0
check_rc "print" 0
check_grep "- prints the ruleset" out 'device "enp3s0"'
svc_mgr mac apply - --load
check_rc "- with --load refused" 64
svc_mgr mac apply "$T/both.nft" --load --no-load
check_rc "--load and --no-load refused" 64
# Apply loads by default: onto an interface that does not exist it is
# refused (78) before nft runs or anything is written.
settle
svc_mgr mac apply --iface nosuch0
check_rc "load onto a missing interface" 78
check_grep "the missing interface named" err "no network interface 'nosuch0'"
unchanged "load onto a missing interface"
# Nothing names an interface: no setting, no default route (a namespace
# of our own has none).
svc_mgr set network.mac.interface ""
if [ -n "$NFT_NS" ]; then
  SVCMODE_WRAP="unshare -n ${SVCMODE_WRAP:-}" svc_mgr mac apply "$T/none.nft" --no-load
  check_rc "no interface at all" 78
  check_grep "says what to set" err "set network.mac.interface or give --iface"
fi
# The interface of the default route, from /proc/net/route of the namespace.
if [ -n "$NFT_NS" ]; then
  cat >"$T/route.sh" <<'EOS'
ip link add wan3 type veth peer name wan4 && ip link set wan3 up &&
  ip addr add 10.214.0.1/24 dev wan3 && ip route add default via 10.214.0.2 && exec "$@"
EOS
  SVCMODE_WRAP="unshare -n sh $T/route.sh ${SVCMODE_WRAP:-}" \
    svc_mgr mac apply "$T/route.nft" --no-load
  check_rc "default route" 0
  check_file_grep "the default route's interface" "$T/route.nft" 'device "wan3"'
fi
# A wrong ruleset must fail nft -c: the check can fail.
if [ -n "$NFT_NS" ]; then
  sed 's/ether saddr/ether sadr/' "$T/allow-allow.nft" >"$T/broken.nft"
  nft_check "$T/broken.nft" && fail "nft -c rejects a broken ruleset" || ok
fi

svc_mgr set network.mac.interface eth0
svc log
check_grep "add audited" out "mac.add"
check_grep "apply audited" out "mac.apply"
check_grep "policy audited" out "network.mac.tx.policy"

# The 100-address limit reached by several svcmode at once: each is either
# done (0) or refused as over the limit (65), never "busy" (75), and the
# list ends at exactly 100. Three rounds (the Send Filter cleared before
# each): 90 addresses, then six svcmode adding two each at the same time.
i=0 addrs=""
while [ $i -lt 90 ]; do addrs="$addrs $(printf '02:00:00:00:%02X:%02X' $((i / 256)) $((i % 256)))"; i=$((i + 1)); done
for round in 1 2 3; do
  svc_mgr mac clear tx --force
  check_rc "round $round: cleared" 0
  # shellcheck disable=SC2086
  svc_mgr mac add tx $addrs; check_rc "round $round: 90 addresses" 0
  for r in 1 2 3 4 5 6; do
    a="$(printf '02:00:00:%02X:%02X:01 02:00:00:%02X:%02X:02' "$round" "$r" "$round" "$r")"
    # shellcheck disable=SC2086
    (SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 ${SVCMODE_WRAP:-} "$SVCMODE" mac add tx $a \
      >"$WORK/race$r.out" 2>"$WORK/race$r.err"; echo $? >"$WORK/race$r.rc") &
  done
  wait
  done=0
  for r in 1 2 3 4 5 6; do
    rc=$(cat "$WORK/race$r.rc")
    case $rc in
    0) done=$((done + 1)) ;;
    65) grep -q "holds at most 100 exception addresses" "$WORK/race$r.err" && ok ||
      fail "round $round, svcmode $r: 65 without the limit: $(cat "$WORK/race$r.err")" ;;
    *) fail "round $round, svcmode $r exited $rc (0 or 65 expected): $(cat "$WORK/race$r.err")" ;;
    esac
  done
  [ "$done" -eq 5 ] && ok || fail "round $round: five of the six additions fit, not $done"
  svc mac list tx
  check_grep "round $round: exactly 100" out "100 of 100 exceptions"
done
finish
