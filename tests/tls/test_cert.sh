#!/bin/sh
# svcmode cert: key pairs, CSR/install, PKCS#12, CA certificates, checked
# with the real openssl command (verify, x509 -text, s_server/s_client).
. "$SRC/tests/cli/lib.sh"
command -v openssl >/dev/null || { echo "openssl not installed"; exit 1; }

# The store in a directory of its own, so that snapshot sees only its files.
DB="$WORK/store/device.db"
export SVCMODE_DB="$DB"
T="$WORK/t"
mkdir -p "$T"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

check_file_grep() { grep -qF -- "$3" "$2" && ok || fail "$1: expected '$3' in $2"; }
# The state before a refused change (an open/close checkpoints the log first).
settle() { svc cert list; BEFORE=$(snapshot); }
unchanged() { [ "$(snapshot)" = "$BEFORE" ] && ok || fail "$1: the store changed"; }
# The store's files (the database and its journals; not the documents'
# folder device.db.d) as hex, to look for key material in them.
store_cat() { find "$(dirname "$DB")" -maxdepth 1 -type f -name 'device.db*' -exec cat {} +; }
store_hex() { store_cat | od -An -v -tx1 | tr -d ' \n'; }

# A CA made with openssl, and 'openssl ca' for exact validity dates.
mkdir -p "$T/ca/new"
: >"$T/ca/index.txt"
echo 1000 >"$T/ca/serial"
cat >"$T/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
database = $T/ca/index.txt
new_certs_dir = $T/ca/new
serial = $T/ca/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
EOF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" \
  -out "$T/ca.pem" -subj "/CN=Test Root CA/O=Lab" -days 3650 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  2>/dev/null || { echo "cannot make the test CA"; exit 1; }
ca_sign() { # CSR OUT STARTDATE ENDDATE
  openssl ca -batch -config "$T/ca.cnf" -cert "$T/ca.pem" -keyfile "$T/ca.key" -in "$1" \
    -out "$2" -startdate "$3" -enddate "$4" -notext >/dev/null 2>&1
}

# --- the factory default key pair -----------------------------------------
svc cert list
check_rc "list on a new store" 0
check_grep "default pair exists" out "* Default Key"
check_grep "default pair is ECDSA P-256" out "ECDSA P-256"
check_grep "default CN is the host name" out "CN=ir5570"
svc cert list
[ "$(grep -c 'Default Key' "$WORK/out")" -eq 1 ] && ok || fail "provisioning is idempotent"
svc cert delete "Default Key"
check_rc "default pair cannot be deleted" 65

svc cert --help
check_rc "cert --help" 0
check_grep "help lists import-p12" out "import-p12 NAME FILE"
svc cert
check_rc "cert without a subcommand" 64
svc cert frobnicate
check_rc "unknown subcommand" 64
check_grep "unknown subcommand named" err "unknown cert command 'frobnicate'"
svc cert show "Default Key" --bogus
check_rc "unknown option" 64
svc info
check_grep "info names the pair in use" out "ssl key pair:   Default Key (ECDSA P-256"

# --- genkey ----------------------------------------------------------------
svc cert genkey web
check_rc "genkey without credentials" 77
# A refusal at the door writes nothing, not even a log entry.
svc log
check_nogrep "the refusal leaves no record" out "refused"
svc_mgr set network.tcpip.ipv4.address 192.168.1.50
svc_mgr set network.tcpip.hostname printer1.example.com
svc_mgr cert genkey web --valid 398d --o "Acme Lab" --c DE
check_rc "genkey p256" 0
FP=$(cat "$WORK/out")
svc cert export web "$T/web.pem"
check_rc "export pem" 0
openssl x509 -in "$T/web.pem" -noout -text >"$T/web.txt" 2>&1
check_file_grep "x509 sees the SAN host name" "$T/web.txt" "DNS:printer1.example.com"
check_file_grep "x509 sees the SAN IP address" "$T/web.txt" "IP Address:192.168.1.50"
check_file_grep "x509 sees CA:FALSE" "$T/web.txt" "CA:FALSE"
check_file_grep "x509 sees serverAuth" "$T/web.txt" "TLS Web Server Authentication"
check_file_grep "x509 sees digitalSignature" "$T/web.txt" "Digital Signature"
check_file_grep "x509 sees v3" "$T/web.txt" "Version: 3 (0x2)"
check_file_grep "x509 sees ecdsa" "$T/web.txt" "ecdsa-with-SHA256"
start=$(openssl x509 -in "$T/web.pem" -noout -startdate | cut -d= -f2)
end=$(openssl x509 -in "$T/web.pem" -noout -enddate | cut -d= -f2)
days=$(( ($(date -d "$end" +%s) - $(date -d "$start" +%s)) / 86400 ))
[ "$days" -eq 398 ] && ok || fail "validity is 398 days (got $days)"
openssl verify -CAfile "$T/web.pem" "$T/web.pem" >/dev/null 2>&1 && ok ||
  fail "openssl verify accepts the self-signed certificate"
osfp=$(openssl x509 -in "$T/web.pem" -noout -fingerprint -sha256 | cut -d= -f2)
[ "$osfp" = "$FP" ] && ok || fail "fingerprint matches openssl's ($osfp vs $FP)"
svc cert show web
check_grep "show has the fingerprint" out "$FP"
check_grep "show has the SAN" out "IP:192.168.1.50"
svc cert show web --json
check_grep "show --json has the fingerprint" out "\"fingerprint\": \"$FP\""
check_grep "show --json has the name" out "\"name\": \"web\""
svc cert list --json
check_grep "list --json has the pair" out "\"name\": \"web\", \"origin\": \"generated\", \"in_use\": false"
svc cert export web --der "$T/web.der"
openssl x509 -inform DER -in "$T/web.der" -noout -fingerprint -sha256 | grep -qF "$FP" && ok ||
  fail "DER export is the same certificate"

svc_mgr cert genkey rsa --alg rsa3072 --digest sha384 --not-after 2031-06-30 --cn dev.example
check_rc "genkey rsa3072 with an explicit end" 0
svc cert export rsa "$T/rsa.pem"
openssl x509 -in "$T/rsa.pem" -noout -text >"$T/rsa.txt"
check_file_grep "rsa: the chosen end date" "$T/rsa.txt" "Not After : Jun 30 00:00:00 2031 GMT"
check_file_grep "rsa: 3072 bits" "$T/rsa.txt" "Public-Key: (3072 bit)"
check_file_grep "rsa: sha384" "$T/rsa.txt" "sha384WithRSAEncryption"
check_file_grep "rsa: keyEncipherment" "$T/rsa.txt" "Key Encipherment"
check_file_grep "rsa: CN in SAN" "$T/rsa.txt" "DNS:dev.example"
check_file_grep "rsa: host in SAN" "$T/rsa.txt" "DNS:printer1.example.com"

settle
for bad in "x --alg rsa1024" "x --alg rsa512" "x --alg dsa" "x --digest md5" \
  "x --valid 0d" "x --not-after 2020-01-01" "x --not-after 2031-02-30" "x --c Germany" \
  "bad/name" "web" "x --valid 5y --not-after 2031-01-01"; do
  # shellcheck disable=SC2086
  svc_mgr cert genkey $bad
  [ "$RC" -eq 64 ] || [ "$RC" -eq 65 ] && ok || fail "genkey $bad refused"
done
svc_mgr cert genkey x --alg rsa1024
check_grep "rsa1024 refused with the reason" err "shorter than 2048 bits"
# An end date may not stretch the validity past the 30 years --valid allows.
svc_mgr cert genkey x --not-after 9999-12-31
check_rc "validity end past 30 years refused" 65
check_grep "option, value and limit named" err \
  "invalid --not-after '9999-12-31': a certificate is valid for at most 30 years"
svc_mgr cert genkey x --not-before 2030-01-01 --not-after 2060-01-02
check_rc "30 years and a day refused" 65
check_grep "latest end named" err "until 2060-01-01 at the latest"
svc_mgr cert genkey x --valid 10980d
check_rc "30 years and some days as --valid refused" 64
unchanged "bad genkey input"

svc_mgr cert genkey third --valid 10d
check_rc "third user pair" 0
settle
svc_mgr cert genkey fourth
check_rc "fourth user pair refused" 65
check_grep "limit named" err "at most 3 key pairs"
unchanged "limit"
svc cert list
check_grep "expiring flagged in list" out "EXPIRES SOON"
svc info
check_grep "expiring flagged in info" out "EXPIRES SOON"
svc_mgr cert delete third
check_rc "delete" 0
svc cert show third
check_rc "deleted pair gone" 64

# --- private keys at rest and PKCS#12 export ------------------------------
store_cat | grep -qa "PRIVATE KEY" && fail "no PEM private key in the store" || ok
printf 'export-pass\n' >"$T/pw"
svc_mgr cert export web --p12 "$T/web.p12" <"$T/pw"
check_rc "export p12" 0
openssl pkcs12 -in "$T/web.p12" -passin pass:export-pass -nodes -out "$T/web-all.pem" 2>/dev/null &&
  ok || fail "openssl reads the exported PKCS#12"
openssl pkey -in "$T/web-all.pem" -out "$T/web.key" 2>/dev/null
priv=$(openssl pkey -in "$T/web.key" -noout -text | sed -n '/^priv:/,/^pub:/p' |
  grep -v -e '^priv:' -e '^pub:' | tr -d ' :\n' | rev | cut -c1-64 | rev)
[ ${#priv} -ge 60 ] && ok || fail "private scalar extracted"
store_hex | grep -q "$priv" && fail "the private key is in the store in clear" || ok
printf 'short\n' >"$T/pw"
svc_mgr cert export web --p12 "$T/short.p12" <"$T/pw"
check_rc "short export password refused" 64
[ -e "$T/short.p12" ] && fail "no file on refusal" || ok

# --- s_server with the generated pair, s_client verifying it --------------
PORT=$((20000 + $$ % 20000))
openssl s_server -accept "127.0.0.1:$PORT" -cert "$T/web.pem" -key "$T/web.key" -quiet \
  >"$T/server.log" 2>&1 &
SERVER_PID=$!
i=0
while [ $i -lt 100 ]; do
  (echo | openssl s_client -connect "127.0.0.1:$PORT" 2>/dev/null | grep -q CONNECTED) && break
  i=$((i + 1))
  sleep 0.1
done
echo Q | openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$T/web.pem" -verify_return_error \
  -verify_hostname printer1.example.com >"$T/client.log" 2>&1
crc=$?
[ $crc -eq 0 ] && grep -q "Verify return code: 0 (ok)" "$T/client.log" && ok ||
  fail "s_client verifies the served pair (rc $crc): $(tail -3 "$T/client.log")"
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""

# --- CSR and install --------------------------------------------------------
svc_mgr cert csr web "$T/web.csr"
check_rc "csr" 0
openssl req -in "$T/web.csr" -noout -verify >/dev/null 2>&1 && ok || fail "csr signature verifies"
openssl req -in "$T/web.csr" -noout -text | grep -qF "DNS:printer1.example.com" && ok ||
  fail "csr carries the SAN"
ca_sign "$T/web.csr" "$T/web-signed.pem" 20200101000000Z 20351231000000Z || fail "openssl ca signs"
ca_sign "$T/web.csr" "$T/web-expired.pem" 20200101000000Z 20210101000000Z
ca_sign "$T/web.csr" "$T/web-future.pem" 20400101000000Z 20410101000000Z
svc_mgr cert csr rsa "$T/rsa.csr"
ca_sign "$T/rsa.csr" "$T/rsa-signed.pem" 20200101000000Z 20351231000000Z
settle
svc_mgr cert install web "$T/rsa-signed.pem"
check_rc "mismatching certificate refused" 65
check_grep "mismatch named" err "does not match the key of 'web'"
svc_mgr cert install web "$T/web-expired.pem"
check_rc "expired certificate refused" 65
check_grep "expiry named" err "expired on 2021-01-01"
svc_mgr cert install web "$T/web-future.pem"
check_rc "not-yet-valid certificate refused" 65
check_grep "not yet valid named" err "not valid yet"
head -c 300 "$T/web-signed.pem" >"$T/trunc.pem"
svc_mgr cert install web "$T/trunc.pem"
check_rc "truncated PEM refused" 65
check_grep "truncated named" err "truncated or damaged"
head -c 2000 /dev/urandom >"$T/random.bin"
svc_mgr cert install web "$T/random.bin"
check_rc "random file refused" 65
svc_mgr cert install web "$T/missing.pem"
check_rc "missing file" 66
unchanged "refused installs"
cat "$T/web-signed.pem" "$T/ca.pem" >"$T/web-chain.pem"
svc_mgr cert install web "$T/web-chain.pem"
check_rc "install with chain" 0
svc cert export web "$T/web-new.pem"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/web-new.pem")" -eq 2 ] && ok || fail "export has the chain"
openssl verify -CAfile "$T/ca.pem" "$T/web-new.pem" >/dev/null 2>&1 && ok ||
  fail "openssl verify accepts the CA-signed certificate"
svc cert show web
check_grep "issuer is the CA" out "issuer:       CN=Test Root CA, O=Lab"

# --- use / delete -------------------------------------------------------------
svc_mgr cert use web
check_rc "use" 0
svc cert list
check_grep "web in use" out "* web"
svc_mgr cert delete web
check_rc "in-use pair cannot be deleted" 65
check_grep "in use named" err "in use for SSL"
svc_mgr cert use "Default Key"
check_rc "back to default" 0

# --- PKCS#12 import -------------------------------------------------------------
svc_mgr cert delete rsa
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/p.key" -out "$T/p.pem" -subj /CN=imported \
  -days 30 2>/dev/null
openssl pkcs12 -export -inkey "$T/p.key" -in "$T/p.pem" -passout pass:right-pass \
  -out "$T/p.p12" 2>/dev/null
openssl req -x509 -newkey rsa:1024 -nodes -keyout "$T/w.key" -out "$T/w.pem" -subj /CN=weak \
  -days 30 2>/dev/null
openssl pkcs12 -export -inkey "$T/w.key" -in "$T/w.pem" -passout pass:right-pass \
  -out "$T/w.p12" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/o.key" -out "$T/o.pem" -subj /CN=other \
  -days 30 2>/dev/null
settle
printf 'wrong-pass\n' >"$T/pw"
svc_mgr cert import-p12 imp "$T/p.p12" <"$T/pw"
check_rc "wrong password refused" 65
check_grep "wrong password named" err "wrong password"
printf 'right-pass\n' >"$T/pw"
svc_mgr cert import-p12 imp "$T/random.bin" <"$T/pw"
check_rc "random file as p12 refused" 65
printf 'right-pass\n' >"$T/pw"
svc_mgr cert import-p12 imp "$T/w.p12" <"$T/pw"
check_rc "weak p12 key refused" 65
printf 'right-pass\n' >"$T/pw"
svc_mgr cert import-p12 imp "$T/trunc.pem" <"$T/pw"
check_rc "pem as p12 refused" 65
unchanged "refused imports"
printf 'right-pass\n' >"$T/pw"
svc_mgr cert import-p12 imp "$T/p.p12" <"$T/pw"
check_rc "import p12" 0
svc cert show imp
check_grep "imported subject" out "CN=imported"
check_grep "imported origin" out "origin:       imported"
svc cert export imp "$T/imp.pem"
cmp -s "$T/imp.pem" "$T/p.pem" && ok || fail "exported certificate is the imported one"
svc_mgr cert install imp "$T/o.pem"
check_rc "install another key's certificate refused" 65

# --- CA certificates --------------------------------------------------------
svc_mgr cert import-ca "$T/ca.pem"
check_rc "import CA" 0
CAFP=$(openssl x509 -in "$T/ca.pem" -noout -fingerprint -sha256 | cut -d= -f2)
check_out "import-ca prints the fingerprint" "$CAFP"
settle
svc_mgr cert import-ca "$T/ca.pem"
check_rc "duplicate CA refused" 65
svc_mgr cert import-ca "$T/web.pem"
check_rc "end-entity certificate refused as CA" 65
check_grep "not a CA named" err "is not a CA certificate"
svc_mgr cert import-ca "$T/trunc.pem"
check_rc "truncated CA refused" 65
svc_mgr cert import-ca "$T/random.bin"
check_rc "random CA file refused" 65
unchanged "refused CA imports"
openssl x509 -in "$T/ca.pem" -outform DER -out "$T/ca.der"
svc cert list-ca
check_grep "list-ca subject" out "subject:      CN=Test Root CA, O=Lab"
check_grep "list-ca fingerprint" out "$CAFP"
check_grep "list-ca validity" out "valid to:"
svc cert list-ca --json
check_grep "list-ca json" out "\"fingerprint\": \"$CAFP\""
n=1
while [ $n -lt 10 ]; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/c$n.key" \
    -out "$T/c$n.pem" -subj "/CN=CA $n" -days 30 2>/dev/null
  svc_mgr cert import-ca "$T/c$n.pem"
  [ "$RC" -eq 0 ] || fail "import CA $n"
  n=$((n + 1))
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/c11.key" \
  -out "$T/c11.pem" -subj "/CN=CA 11" -days 30 2>/dev/null
svc_mgr cert import-ca "$T/c11.pem"
check_rc "11th CA refused" 65
check_grep "CA limit named" err "at most 10 CA certificates"
short=$(echo "$CAFP" | tr -d : | cut -c1-12 | tr 'A-F' 'a-f')
svc_mgr cert delete-ca "$short"
check_rc "delete-ca by prefix" 0
svc cert list-ca
check_nogrep "CA deleted" out "$CAFP"
svc_mgr cert delete-ca "$short"
check_rc "deleted CA unknown" 64
svc_mgr cert import-ca "$T/ca.der"
check_rc "import DER CA" 0

svc log
check_grep "genkey audited" out "tls.genkey"
check_grep "install audited" out "tls.install"
check_grep "CA import audited" out "tls.ca_import"
finish
