#!/bin/sh
# What the MAC Address Block rulesets do to real frames: two network
# namespaces joined by a veth pair; "dev" plays the device (its eth0 gets
# the ruleset), "peer" another host. Needs root (CI runs as root); exits 77
# (skipped) where namespaces cannot be made.
. "$SRC/tests/cli/lib.sh"
DB="$WORK/store/device.db"
export SVCMODE_DB="$DB"
T="$WORK/t"
mkdir -p "$T"

NS_DEV="svcmac-dev-$$"
NS_PEER="svcmac-peer-$$"
cleanup() {
  ip netns del "$NS_DEV" 2>/dev/null
  ip netns del "$NS_PEER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in ip nft ping; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
ip netns add "$NS_DEV" 2>/dev/null || { echo "SKIP: cannot make network namespaces (not root?)"; exit 77; }
ip netns add "$NS_PEER" || exit 1
DEV_MAC=02:00:00:00:0a:01
PEER_MAC=02:00:00:00:0b:01
OTHER_MAC=02:00:00:00:0c:01
ip -n "$NS_DEV" link add eth0 type veth peer name eth0 netns "$NS_PEER" &&
  ip -n "$NS_DEV" link set eth0 address $DEV_MAC &&
  ip -n "$NS_PEER" link set eth0 address $PEER_MAC &&
  ip -n "$NS_DEV" addr add 10.213.0.1/24 dev eth0 &&
  ip -n "$NS_PEER" addr add 10.213.0.2/24 dev eth0 &&
  ip -n "$NS_DEV" link set eth0 up && ip -n "$NS_PEER" link set eth0 up &&
  ip -n "$NS_DEV" link set lo up && ip -n "$NS_PEER" link set lo up || { echo "veth setup failed"; exit 1; }

# apply: the ruleset svcmode writes, loaded into the device's namespace.
# 'mac apply --load' runs nft -f itself, in the namespace it is started in.
apply() {
  SVCMODE_WRAP="ip netns exec $NS_DEV ${SVCMODE_WRAP:-}" svc_mgr mac apply "$T/r.nft" --load --force
  [ "$RC" -eq 0 ] || { fail "apply --load"; return; }
  ip -n "$NS_DEV" neigh flush all 2>/dev/null
  ip -n "$NS_PEER" neigh flush all 2>/dev/null
}
# reaches: the device pings the peer (frames both ways must pass).
reaches() { ip netns exec "$NS_DEV" ping -c 1 -W 1 -q 10.213.0.2 >/dev/null 2>&1; }
expect() { # NAME yes|no
  if reaches; then got=yes; else got=no; fi
  [ "$got" = "$2" ] && ok || fail "$1: expected reachable=$2, got $got"
}

svc_mgr mac list
apply
expect "both filters off" yes

svc_mgr mac enable rx
svc_mgr mac add rx $PEER_MAC
svc_mgr mac policy rx reject
apply
expect "rx reject, peer is an exception" yes
svc_mgr mac remove rx $PEER_MAC --force
svc_mgr mac add rx $OTHER_MAC
apply
expect "rx reject, peer not an exception" no
# Broadcast frames still pass: the peer's ARP request (broadcast) reaches the
# device, whose reply teaches the peer the device's address.
ip -n "$NS_PEER" neigh flush all 2>/dev/null
ip netns exec "$NS_PEER" ping -c 1 -W 1 -q 10.213.0.1 >/dev/null 2>&1
ip -n "$NS_PEER" neigh show 10.213.0.1 | grep -qi "$DEV_MAC" && ok ||
  fail "broadcast frames pass the Receive filter"
svc_mgr mac policy rx allow
apply
expect "rx allow, peer not an exception" yes
svc_mgr mac add rx $PEER_MAC
apply
expect "rx allow, peer is an exception" no

svc_mgr mac disable rx
svc_mgr mac enable tx
svc_mgr mac add tx $PEER_MAC
apply
expect "tx allow, peer is an exception" no
svc_mgr mac policy tx reject
apply
expect "tx reject, peer is an exception" yes
svc_mgr mac remove tx $PEER_MAC --force
apply
expect "tx reject, no exceptions (forced)" no
svc_mgr mac disable tx
apply
expect "both off again: table removed" yes
ip netns exec "$NS_DEV" nft list tables | grep -q svcmode_mac && fail "table removed when off" || ok
svc log
check_grep "load audited" out "mac.load"
# Without nft the engineer is told so (exit 69) and the file is still written.
SVCMODE_WRAP="env PATH=/nonexistent ${SVCMODE_WRAP:-}" svc_mgr mac apply "$T/r2.nft" --load
check_rc "no nft" 69
check_grep "no nft named" err "cannot run nft (Debian package nftables)"
[ -f "$T/r2.nft" ] && ok || fail "ruleset written before the load"
finish
