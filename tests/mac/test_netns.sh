#!/bin/sh
# What the MAC Address Block does to real frames: two network namespaces
# joined by a veth pair; "dev" plays the device (its lan7, the interface of
# its default route, gets the ruleset from 'mac apply'), "peer" another
# host. Then 'mac status', the refusals (missing interface, an nft that
# fails the load, no nft) that leave the kernel and the file as they were,
# and Initialize All Data, which removes the table and the file. Needs root
# (CI runs as root); exits 77 (skipped) where namespaces cannot be made.
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
ip -n "$NS_DEV" link add lan7 type veth peer name eth0 netns "$NS_PEER" &&
  ip -n "$NS_DEV" link set lan7 address $DEV_MAC &&
  ip -n "$NS_PEER" link set eth0 address $PEER_MAC &&
  ip -n "$NS_DEV" addr add 10.213.0.1/24 dev lan7 &&
  ip -n "$NS_PEER" addr add 10.213.0.2/24 dev eth0 &&
  ip -n "$NS_DEV" link set lan7 up && ip -n "$NS_PEER" link set eth0 up &&
  ip -n "$NS_DEV" link set lo up && ip -n "$NS_PEER" link set lo up &&
  ip -n "$NS_DEV" route add default via 10.213.0.2 || { echo "veth setup failed"; exit 1; }
RULES="$WORK/store/mac-block.nft"

# dsvc/dsvc_mgr: svcmode in the device's namespace.
dsvc() { SVCMODE_WRAP="ip netns exec $NS_DEV ${SVCMODE_WRAP:-}" svc "$@"; }
dsvc_mgr() { SVCMODE_WRAP="ip netns exec $NS_DEV ${SVCMODE_WRAP:-}" svc_mgr "$@"; }
# kernel: what the device's kernel has loaded of ours.
kernel() { ip netns exec "$NS_DEV" nft list table netdev svcmode_mac 2>&1; }
# apply: 'mac apply' loads by default, on the default route's interface.
apply() {
  dsvc_mgr mac apply --force
  [ "$RC" -eq 0 ] || { fail "apply"; return; }
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
check_grep "apply says it loaded" err "loaded the MAC Address Block into the kernel"
grep -qF 'on lan7, written by svcmode' "$RULES" && ok ||
  fail "the ruleset is for the default route's interface lan7"

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

# --- mac status: what is loaded, and whether it is what is stored -----------------
svc_mgr mac clear rx --force
svc_mgr mac add rx $PEER_MAC
svc_mgr mac enable rx
svc_mgr mac policy rx reject
check_rc "rx: the peer alone" 0
apply
expect "rx reject, peer is an exception (default file, default interface)" yes
check_file() { grep -qF -- "$2" "$RULES" && ok || fail "$1: expected '$2' in the ruleset file"; }
check_file "the file names lan7" 'hook ingress device "lan7"'
kernel | grep -qF 'hook ingress device "lan7"' && ok || fail "loaded on lan7: $(kernel)"
dsvc mac status --json
check_rc "status" 0
check_grep "status: table" out '"table": "netdev svcmode_mac"'
check_grep "status: interface" out '"interface": "lan7"'
check_grep "status: rx loaded" out '"rx": {"enabled": true, "policy": "Reject", "addresses": ["02:00:00:00:0B:01"]}'
check_grep "status: rx in effect" out '"rx_in_effect": true'
check_grep "status: tx off, in effect" out '"tx": {"enabled": false, "policy": null, "addresses": []}, "tx_in_effect": true'
dsvc mac status
check_grep "status text" out "Receive Filter (rx): Use Filter ON, Default Policy Reject, 1 exception; as stored (in effect)"
svc_mgr mac add rx $OTHER_MAC
dsvc mac status --json
check_grep "stored change not applied: not in effect" out '"rx_in_effect": false'
apply
dsvc mac status --json
check_grep "applied: in effect again" out '"rx_in_effect": true'

# --- refusals leave the kernel, the file and the status as they were -------------
settle_all() { KBEFORE=$(kernel); FBEFORE=$(cat "$RULES"); SBEFORE=$(snapshot); }
same_kernel() { [ "$(kernel)" = "$KBEFORE" ] && ok || fail "$1: the loaded rules changed: $(kernel)"; }
same_file() { [ "$(cat "$RULES")" = "$FBEFORE" ] && ok || fail "$1: the ruleset file changed"; }
settle_all
dsvc_mgr mac apply --iface nosuch0
check_rc "missing interface refused" 78
check_grep "missing interface named" err "no network interface 'nosuch0'"
same_kernel "missing interface"
[ "$(snapshot)" = "$SBEFORE" ] && ok || fail "missing interface: the store changed"
# An nft that checks (-c) but fails to load: the kernel keeps the previous
# rules, the file stays, status shows the previous rules.
mkdir -p "$T/bin"
cat >"$T/bin/nft" <<EOS
#!/bin/sh
[ "\$1" = -f ] || exec $(command -v nft) "\$@"
echo "Error: Could not process rule: No buffer space available" >&2
exit 1
EOS
chmod +x "$T/bin/nft"
svc_mgr mac remove rx $PEER_MAC
settle_all
SVCMODE_WRAP="ip netns exec $NS_DEV env PATH=$T/bin:$PATH ${SVCMODE_WRAP:-}" svc_mgr mac apply --force
check_rc "a failed load" 69
check_grep "the failed load says the previous ruleset stays" err "the kernel keeps the previous ruleset"
check_grep "nft's message quoted" err "No buffer space available"
same_kernel "a failed load"
same_file "a failed load"
ls -a "$WORK/store" | grep -q '^\.mac-block' && fail "a failed load left a temporary" || ok
dsvc mac status --json
check_grep "status after a failed load: the peer still loaded" out '02:00:00:00:0B:01'
check_grep "status after a failed load: the other loaded" out '02:00:00:00:0C:01'
check_grep "status after a failed load: not in effect" out '"rx_in_effect": false'
expect "a failed load: the previous rules still act" yes
svc log
check_grep "the failed load audited" out "the kernel keeps the previous ruleset"
# Without nft the engineer is told so (exit 69) and no file is written.
SVCMODE_WRAP="ip netns exec $NS_DEV env PATH=/nonexistent ${SVCMODE_WRAP:-}" svc_mgr mac apply "$T/r2.nft" --force
check_rc "no nft" 69
check_grep "no nft named" err "cannot run nft (Debian package nftables)"
[ -f "$T/r2.nft" ] && fail "no file written without nft" || ok
same_kernel "no nft"
dsvc mac status
check_rc "status without nft" 0
SVCMODE_WRAP="ip netns exec $NS_DEV env PATH=/nonexistent ${SVCMODE_WRAP:-}" svc mac status
check_rc "status without nft" 69

# --- SMTP reception behind the Receive filter ------------------------------------
# The device's reception service listens in its namespace; the peer reaches
# its SMTP port only while the Receive filter lets the peer's frames in.
svc_mgr set network.email.address dev@device.test
svc_mgr set network.email.smtp.rx_port 2525
svc_mgr set network.email.smtp.rx ON
ip netns exec "$NS_DEV" ${SVCMODE_WRAP:-} "$SVCMODE" service run --listen 10.213.0.1 \
  >"$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 1 50); do
  ip netns exec "$NS_DEV" ss -Hltn "sport = :2525" | grep -q LISTEN && break
  sleep 0.1
done
banner() {
  ip -n "$NS_DEV" neigh flush all 2>/dev/null
  ip -n "$NS_PEER" neigh flush all 2>/dev/null
  ip netns exec "$NS_PEER" python3 -c 'import socket
try:
    s = socket.create_connection(("10.213.0.1", 2525), 2)
    print(s.recv(100).decode()[:3])
except OSError:
    print("none")' 2>/dev/null
}
svc_mgr mac clear rx --force
svc_mgr mac add rx $PEER_MAC
svc_mgr mac enable rx
svc_mgr mac policy rx reject
apply
[ "$(banner)" = 220 ] && ok || fail "SMTP RX: the peer (an exception) gets no greeting"
svc_mgr mac remove rx $PEER_MAC --force
svc_mgr mac add rx $OTHER_MAC
apply
[ "$(banner)" = none ] && ok || fail "SMTP RX: the peer's frames are blocked, yet it reached the port"
svc_mgr mac disable rx
apply
[ "$(banner)" = 220 ] && ok || fail "SMTP RX: filter off, no greeting"
kill "$SERVE"
wait "$SERVE"
svc_mgr mac enable rx # as Initialize's section expects: the peer blocked

# --- Initialize All Data: the table and the file go ----------------------------
apply
kernel | grep -q "chain rx" && ok || fail "loaded before Initialize"
expect "before Initialize: the peer is blocked" no
touch "$WORK/store/.mac-block.nft.Qw12Er" "$WORK/store/mac-block.nft.tmp-As34Df"
svc info; SERIAL=$(awk '/^serial/ {print $2}' "$WORK/out")
dsvc_mgr init --all --confirm "$SERIAL"
check_rc "init --all" 0
check_grep "report counts the kernel's table" out "1 MAC rulesets in the kernel"
check_grep "report counts the files" out "3 MAC ruleset files"
ip netns exec "$NS_DEV" nft list tables | grep -q svcmode_mac && fail "the table survived Initialize" || ok
ls -a "$WORK/store" | grep -q 'mac-block\.nft' && fail "ruleset files survived: $(ls -a "$WORK/store")" || ok
dsvc mac status --json
check_grep "status after Initialize: no table" out '"table": null'
ip -n "$NS_DEV" neigh flush all 2>/dev/null
ip -n "$NS_PEER" neigh flush all 2>/dev/null
expect "after Initialize: nothing filtered" yes
finish
