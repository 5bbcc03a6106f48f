# Real mail servers on 127.0.0.1 for the mail tests (POSIX sh, sourced).
# mail_servers_start writes every configuration into $MS (a temporary
# directory), starts Dovecot and Postfix (and their helpers) from there,
# and mail_servers_stop stops exactly those processes (by their pid files)
# and removes $MS. Nothing is installed here: tests/mail.deps lists the
# Debian packages. Runs as root (CI) or as a user (Dovecot rootless;
# Postfix needs root, and its cases are skipped without it).
#
# Ports (all on 127.0.0.1, from a free block of 16 above 20000):
#   POP      POP3 with STLS; USER/PASS, APOP, SASL PLAIN LOGIN CRAM-MD5 GSSAPI
#            (GSSAPI as pop/localhost: connect to "localhost")
#   POP3S    POP3 over TLS
#   SMTP_NOAUTH   no AUTH, no STARTTLS: accepts mail for example.test
#   SMTP_AUTH     STARTTLS, AUTH PLAIN LOGIN CRAM-MD5 (Cyrus sasldb); relays
#                 nothing without authentication
#   SMTP_LACK     AUTH DIGEST-MD5 only (a mechanism svcmode lacks); accepts
#   SMTP_REQ      AUTH DIGEST-MD5 only and requires authentication
#   SMTP_PBS      POP before SMTP: accepts only from an address that logged
#                 into the POP server in the last 2 minutes
#   SMTPS         implicit TLS, AUTH PLAIN LOGIN CRAM-MD5
#   SMTP_NTLM     AUTH NTLM only (Cyrus), requires authentication
#   SMTP_GSS      AUTH GSSAPI only (Cyrus, MIT Kerberos), requires it
#   SVC_RX        not a server of ours: the port left for svcmode's own SMTP
#                 reception; every Postfix listener relays mail for
#                 device.test there (STARTTLS when offered)
#   KDC           an MIT krb5kdc for the realm EXAMPLE.TEST (UDP and TCP)
#   POP_SASL      tests/mail/pop_sasl.c (built as mail_pop_sasl; started when
#                 MS_POP_SASL_BIN names it): POP3 with AUTH NTLM through the
#                 Cyrus SASL server library and the sasldb of the Postfix
#                 listeners (user bob); mailbox: one file per message in
#                 $MS/popsasl/, the file name being its UIDL
#   SMTP_CLEAR    AUTH PLAIN LOGIN only and no STARTTLS (the passwords could
#                 only go in clear); accepts mail without authentication
# Kerberos: principal carol / carol-krb-pw, service smtp/localhost; the
# client keytab $MS/krb5/carol.keytab; export KRB5_CONFIG=$MS/krb5/krb5.conf.
# Users: POP alice / alice-pop-pw; SMTP AUTH bob / bob-smtp-pw (also NTLM).
# Every accepted message is delivered into the maildir $MS/maildir/.
# POP mailboxes: $MS/popmail/<user>/ (maildir).

ms_free_block() {
  for try in 1 2 3 4 5 6 7 8 9 10; do
    base=$(( 20000 + ( $(od -An -N2 -tu2 /dev/urandom) % 2000 ) * 16 ))
    busy=0
    for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
      if ss -Htan "sport = :$((base + i))" 2>/dev/null | grep -q .; then busy=1; fi
    done
    [ $busy -eq 0 ] && { echo "$base"; return 0; }
  done
  return 1
}

ms_wait_port() {
  for _ in $(seq 1 100); do
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q LISTEN && return 0
    sleep 0.1
  done
  echo "mail servers: nothing listens on port $1" >&2
  return 1
}

ms_certs() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=svcmode test CA" \
    -keyout "$MS/ca.key" -out "$MS/ca.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign >/dev/null 2>&1 || return 1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$MS/server.key" \
    -out "$MS/server.csr" >/dev/null 2>&1 || return 1
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$MS/ext.cnf"
  openssl x509 -req -in "$MS/server.csr" -CA "$MS/ca.pem" -CAkey "$MS/ca.key" \
    -CAcreateserial -days 2 -extfile "$MS/ext.cnf" -out "$MS/server.pem" >/dev/null 2>&1
}

ms_dovecot() {
  mkdir -p "$MS/dovecot/run" "$MS/popmail" "$MS/pbs"
  chmod 1777 "$MS/pbs"
  # Plaintext passwords: APOP needs them (Dovecot computes the digest).
  printf 'alice:{PLAIN}alice-pop-pw\n' >"$MS/dovecot/users"
  chmod 644 "$MS/dovecot/users"
  # POP before SMTP: note the address of every POP login.
  cat >"$MS/dovecot/postlogin.sh" <<EOS
#!/bin/sh
date +%s >"$MS/pbs/\$IP"
exec "\$@"
EOS
  chmod 755 "$MS/dovecot/postlogin.sh"
  if [ "$(id -u)" -eq 0 ]; then
    mailuser=nobody internal=dovecot login=dovenull
    chown nobody "$MS/popmail"
  else
    mailuser=$(id -un) internal=$mailuser login=$mailuser
  fi
  cat >"$MS/dovecot/dovecot.conf" <<EOS
base_dir = $MS/dovecot/run
state_dir = $MS/dovecot/run
instance_name = svcmode-test-$MS_BASE
log_path = $MS/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S.%{usecs} "
protocols = pop3
listen = 127.0.0.1
default_internal_user = $internal
default_login_user = $login
ssl = yes
ssl_cert = <$MS/server.pem
ssl_key = <$MS/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 apop gssapi
auth_gssapi_hostname = localhost
auth_krb5_keytab = $MS/krb5/pop.keytab
import_environment = \$import_environment KRB5_CONFIG=$MS/krb5/krb5.conf
auth_verbose = yes
passdb {
  driver = passwd-file
  args = scheme=PLAIN $MS/dovecot/users
}
userdb {
  driver = static
  args = uid=$mailuser gid=$(id -gn "$mailuser") home=$MS/popmail/%u
}
mail_location = maildir:$MS/popmail/%u
first_valid_uid = 0
pop3_uidl_format = %08Xu%08Xv
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $MS_POP
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $MS_POP3S
    ssl = yes
  }
}
service pop3 {
  executable = pop3 postlogin
}
service postlogin {
  executable = script-login $MS/dovecot/postlogin.sh
  user = $mailuser
  unix_listener postlogin {
    mode = 0666
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service pop3-login {
  chroot =
}
EOS
  dovecot -c "$MS/dovecot/dovecot.conf" || return 1
  ms_wait_port "$MS_POP" && ms_wait_port "$MS_POP3S"
}

# An MIT Kerberos KDC for EXAMPLE.TEST on 127.0.0.1:$MS_KDC.
ms_kdc() {
  k=$MS/krb5
  mkdir -p "$k"
  cat >"$k/krb5.conf" <<EOS
[libdefaults]
  default_realm = EXAMPLE.TEST
  rdns = false
  dns_canonicalize_hostname = false
  dns_lookup_kdc = false
  dns_lookup_realm = false
  udp_preference_limit = 1
[realms]
  EXAMPLE.TEST = {
    kdc = 127.0.0.1:$MS_KDC
  }
[domain_realm]
  localhost = EXAMPLE.TEST
EOS
  cat >"$k/kdc.conf" <<EOS
[kdcdefaults]
  kdc_ports = $MS_KDC
  kdc_tcp_ports = $MS_KDC
[realms]
  EXAMPLE.TEST = {
    database_name = $k/principal
    key_stash_file = $k/stash
    acl_file = $k/kadm5.acl
    kdc_ports = $MS_KDC
    kdc_tcp_ports = $MS_KDC
  }
[logging]
  kdc = FILE:$k/kdc.log
EOS
  : >"$k/kadm5.acl"
  export KRB5_CONFIG="$k/krb5.conf" KRB5_KDC_PROFILE="$k/kdc.conf"
  kdb5_util create -s -r EXAMPLE.TEST -P kdc-master-pw >/dev/null 2>&1 || return 1
  kadmin.local -q "addprinc -pw carol-krb-pw carol" >/dev/null 2>&1 &&
    kadmin.local -q "addprinc -randkey smtp/localhost" >/dev/null 2>&1 &&
    kadmin.local -q "ktadd -k $k/smtp.keytab smtp/localhost" >/dev/null 2>&1 &&
    kadmin.local -q "ktadd -norandkey -k $k/carol.keytab carol" >/dev/null 2>&1 &&
    kadmin.local -q "addprinc -randkey pop/localhost" >/dev/null 2>&1 &&
    kadmin.local -q "ktadd -k $k/pop.keytab pop/localhost" >/dev/null 2>&1 || return 1
  chmod 644 "$k/smtp.keytab" "$k/pop.keytab" "$k/krb5.conf"
  chmod 755 "$k"
  krb5kdc -n -P "$k/kdc.pid" >"$k/kdc.out" 2>&1 &
  MS_KDC_PID=$!
  ms_wait_port "$MS_KDC"
}

# A Postfix instance in $MS/postfix (needs root).
ms_postfix() {
  pf=$MS/postfix
  mkdir -p "$pf/queue" "$pf/data" "$pf/sasl" "$MS/maildir"
  chown nobody "$MS/maildir"
  chown postfix "$pf/data"
  cat >"$pf/main.cf" <<EOS
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = /dev/stdout
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C KRB5_CONFIG=$MS/krb5/krb5.conf KRB5_KTNAME=$MS/krb5/smtp.keytab
virtual_mailbox_domains = example.test
virtual_mailbox_base = $MS
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
smtpd_banner = \$myhostname ESMTP svcmode-test
smtpd_tls_cert_file = $MS/server.pem
smtpd_tls_key_file = $MS/server.key
smtpd_tls_security_level = none
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = example.test
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
relay_domains = device.test
transport_maps = inline:{ device.test=relay:[127.0.0.1]:$MS_SVC_RX }
smtp_tls_security_level = may
smtp_tls_loglevel = 1
biff = no
EOS
  auth="-o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path=$pf/sasl -o broken_sasl_auth_clients=yes"
  # One Cyrus configuration directory; each listener picks its file (and
  # so its mech_list) by application name (smtpd_sasl_path).
  lack="-o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path=$pf/sasl -o smtpd_sasl_path=lack"
  need="-o smtpd_recipient_restrictions=permit_sasl_authenticated,reject -o mynetworks="
  cat >"$pf/master.cf" <<EOS
127.0.0.1:$MS_SMTP_NOAUTH inet n - n - - smtpd
127.0.0.1:$MS_SMTP_AUTH inet n - n - - smtpd $auth -o smtpd_tls_security_level=may $need
127.0.0.1:$MS_SMTP_LACK inet n - n - - smtpd $lack
127.0.0.1:$MS_SMTP_REQ inet n - n - - smtpd $lack $need
127.0.0.1:$MS_SMTP_PBS inet n - n - - smtpd -o mynetworks= -o smtpd_recipient_restrictions=check_policy_service,unix:private/pbs,reject -o smtpd_delay_reject=no -o smtpd_client_restrictions=check_policy_service,unix:private/stamp
stamp unix - n n - 0 spawn user=nobody argv=/bin/sh $pf/stamp-policy.sh
127.0.0.1:$MS_SMTP_NTLM inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path=$pf/sasl -o smtpd_sasl_path=ntlm $need
127.0.0.1:$MS_SMTP_GSS inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path=$pf/sasl -o smtpd_sasl_path=gss -o myhostname=localhost $need
127.0.0.1:$MS_SMTPS inet n - n - - smtpd $auth -o smtpd_tls_wrappermode=yes $need
127.0.0.1:$MS_SMTP_CLEAR inet n - n - - smtpd -o smtpd_sasl_auth_enable=yes -o cyrus_sasl_config_path=$pf/sasl -o smtpd_sasl_path=clear
pbs unix - n n - 0 spawn user=nobody argv=/bin/sh $pf/pbs-policy.sh
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
showq unix n - n - - showq
tlsmgr unix - - n 1000? 1 tlsmgr
EOS
  # The policy: DUNNO (then accepted) for an address that logged into POP
  # in the last 120 s, else REJECT.
  cat >"$pf/pbs-policy.sh" <<EOS
#!/bin/sh
ip=
while read -r line; do
  case "\$line" in
    client_address=*) ip=\${line#client_address=} ;;
    '') break ;;
  esac
done
now=\$(date +%s)
at=\$(cat "$MS/pbs/\$ip" 2>/dev/null || echo 0)
if [ \$((now - at)) -le 120 ]; then
  echo "action=OK"
else
  echo "action=REJECT 5.7.1 POP before SMTP required"
fi
echo
EOS
  # At connect time on the POP-before-SMTP listener: the server's own
  # clock reading, in microseconds, for the idle-period figure.
  cat >"$pf/stamp-policy.sh" <<EOS
#!/bin/sh
while read -r line; do [ -z "\$line" ] && break; done
echo "\$(date +%s.%6N) smtp connect" >>"$MS/pbs/connects"
echo "action=DUNNO"
echo
EOS
  chmod 755 "$pf/stamp-policy.sh"
  for app in smtpd lack ntlm gss popntlm clear; do
    printf 'pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s\n' \
      "$pf/sasldb2" >"$pf/sasl/$app.conf"
  done
  echo 'mech_list: PLAIN LOGIN CRAM-MD5' >>"$pf/sasl/smtpd.conf"
  echo 'mech_list: DIGEST-MD5' >>"$pf/sasl/lack.conf"
  echo 'mech_list: NTLM' >>"$pf/sasl/ntlm.conf"
  echo 'mech_list: GSSAPI' >>"$pf/sasl/gss.conf"
  echo 'mech_list: NTLM' >>"$pf/sasl/popntlm.conf"
  echo 'mech_list: PLAIN LOGIN' >>"$pf/sasl/clear.conf"
  printf '%s' bob-smtp-pw | saslpasswd2 -p -c -f "$pf/sasldb2" -u example.test bob || return 1
  chmod 644 "$pf/sasldb2"
  chmod 755 "$pf/pbs-policy.sh"
  # In the foreground (in the background of this shell) so that its log
  # goes to a file of ours with /dev/stdout as maillog_file.
  postfix -c "$pf" start-fg >"$MS/postfix.log" 2>&1 &
  for p in $MS_SMTP_NOAUTH $MS_SMTP_AUTH $MS_SMTP_LACK $MS_SMTP_REQ $MS_SMTP_PBS $MS_SMTPS \
    $MS_SMTP_NTLM $MS_SMTP_GSS $MS_SMTP_CLEAR; do
    ms_wait_port "$p" || return 1
  done
}

# The test POP server with Cyrus SASL (after ms_postfix: its sasldb).
ms_pop_sasl() {
  mkdir -p "$MS/popsasl"
  "$MS_POP_SASL_BIN" "$MS_POP_SASL" "$MS/postfix/sasl" popntlm example.test "$MS/popsasl" \
    >"$MS/pop_sasl.log" 2>&1 &
  MS_POP_SASL_PID=$!
  ms_wait_port "$MS_POP_SASL"
}

mail_servers_start() {
  MS=$(mktemp -d "${TMPDIR:-/tmp}/svcmode-mail.XXXXXX") || return 1
  chmod 755 "$MS"
  MS_BASE=$(ms_free_block) || { echo "no free ports" >&2; return 1; }
  MS_POP=$MS_BASE MS_POP3S=$((MS_BASE + 1)) MS_SMTP_NOAUTH=$((MS_BASE + 2))
  MS_SMTP_AUTH=$((MS_BASE + 3)) MS_SMTP_LACK=$((MS_BASE + 4)) MS_SMTP_REQ=$((MS_BASE + 5))
  MS_SMTP_PBS=$((MS_BASE + 6)) MS_SMTPS=$((MS_BASE + 7)) MS_FREE=$((MS_BASE + 8))
  MS_FAKE=$((MS_BASE + 9)) MS_SMTP_NTLM=$((MS_BASE + 10)) MS_SMTP_GSS=$((MS_BASE + 11))
  MS_KDC=$((MS_BASE + 12)) MS_KDC_PID= MS_POP_SASL=$((MS_BASE + 13)) MS_POP_SASL_PID=
  MS_SMTP_CLEAR=$((MS_BASE + 14))
  MS_SVC_RX=$((MS_BASE + 15))
  ms_certs || { echo "mail servers: cannot make certificates" >&2; return 1; }
  ms_kdc || { echo "mail servers: the KDC did not start" >&2; cat "$MS/krb5/kdc.out" >&2; return 1; }
  ms_dovecot || { echo "mail servers: dovecot did not start" >&2; cat "$MS/dovecot.log" >&2; return 1; }
  MS_POSTFIX=0
  if [ "$(id -u)" -eq 0 ]; then
    ms_postfix || { echo "mail servers: postfix did not start" >&2; cat "$MS/postfix.log" >&2; return 1; }
    MS_POSTFIX=1
    if [ -n "${MS_POP_SASL_BIN:-}" ]; then
      ms_pop_sasl || { echo "mail servers: pop_sasl did not start" >&2; cat "$MS/pop_sasl.log" >&2; return 1; }
    fi
  fi
}

mail_servers_stop() {
  [ -n "${MS:-}" ] && [ -d "$MS" ] || return 0
  if [ -f "$MS/dovecot/run/master.pid" ]; then
    doveadm -c "$MS/dovecot/dovecot.conf" stop 2>/dev/null ||
      kill "$(cat "$MS/dovecot/run/master.pid")" 2>/dev/null
  fi
  if [ "${MS_POSTFIX:-0}" = 1 ]; then
    postfix -c "$MS/postfix" stop >/dev/null 2>&1
  fi
  if [ -n "${MS_POP_SASL_PID:-}" ]; then
    kill "$MS_POP_SASL_PID" 2>/dev/null
    wait "$MS_POP_SASL_PID" 2>/dev/null
  fi
  if [ -n "${MS_KDC_PID:-}" ]; then
    kill "$MS_KDC_PID" 2>/dev/null
    wait "$MS_KDC_PID" 2>/dev/null
  fi
  for _ in $(seq 1 50); do
    [ -f "$MS/dovecot/run/master.pid" ] || [ -f "$MS/postfix/queue/pid/master.pid" ] || break
    sleep 0.1
  done
  rm -rf "$MS"
}

# Puts a message into alice's POP mailbox.
ms_pop_seed() {
  d=$MS/popmail/alice/new
  mkdir -p "$d" "$MS/popmail/alice/cur" "$MS/popmail/alice/tmp"
  printf 'From: <x@example.test>\r\nTo: <alice@example.test>\r\nSubject: %s\r\n\r\nbody %s\r\n' \
    "$1" "$1" >"$d/$(date +%s).$$.$1"
  [ "$(id -u)" -eq 0 ] && chown -R nobody "$MS/popmail/alice"
  return 0
}
