#!/bin/sh
# The packages on a clean Debian 12: a minimal bookworm root made with
# debootstrap, svcmode's and then svcmode-lms's .deb installed into it with
# apt (their Depends resolved from the Debian archive), the maintainer
# scripts run for real. Needs root,
# debootstrap and the Debian archive (DEBOOTSTRAP_MIRROR, default
# deb.debian.org); takes several minutes, so it is registered only with
# cmake -DSVC_TEST_DEBOOTSTRAP=ON. Mounts nothing: the root is a directory.
. "$SRC/tests/packaging/lib.sh"
MIRROR=${DEBOOTSTRAP_MIRROR:-http://deb.debian.org/debian}
R="$WORK/root"

[ "$(id -u)" -eq 0 ] || { fail "needs root (chroot)"; finish; exit 1; }
JOBS=2 sh "$SRC/packaging/build-deb.sh" "$WORK/build" >"$WORK/out" 2>"$WORK/build.log"
RC=$?
check_rc "build-deb.sh" 0
DEB=$(sed -n 1p "$WORK/out")
LMSDEB=$(sed -n 2p "$WORK/out")
debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
RC=$?
check_rc "debootstrap bookworm" 0
if [ "$RC" -ne 0 ] || [ -z "$DEB" ]; then
  tail -20 "$WORK/debootstrap.log" "$WORK/build.log"
  finish
  exit 1
fi
# inroot COMMAND...: runs COMMAND in the root with a plain environment.
inroot() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
    chroot "$R" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
cp "$DEB" "$R/tmp/"
deb="/tmp/$(basename "$DEB")"

inroot apt-get update -q
check_rc "apt-get update in the root" 0
inroot apt-get install -y -q "$deb"
check_rc "apt-get install ./svcmode.deb on a clean Debian 12" 0
check_grep "install" out "Setting up svcmode"
inroot dpkg-query -W -f '${Status}' svcmode
check_out "installed" "install ok installed"

# The account and the store's directory, as the postinst made them.
inroot getent passwd svcmode
grep -Eq '^svcmode:x:[0-9]+:[0-9]+:[^:]*:/var/lib/svcmode:/usr/bin/svcmode$' "$WORK/out" && ok ||
  fail "account: $(cat "$WORK/out")"
uid=$(cut -d: -f3 "$WORK/out")
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && ok || fail "svcmode is not a system account (uid $uid)"
inroot stat -c '%U:%G %a' /var/lib/svcmode
check_out "/var/lib/svcmode" "svcmode:svcmode 700"
inroot dpkg-statoverride --list /var/lib/svcmode
check_out "statoverride" "svcmode svcmode 700 /var/lib/svcmode"

# svcmode as the account: the default store is /var/lib/svcmode/device.db.
inroot runuser -u svcmode -- svcmode --version
check_rc "svcmode --version" 0
inroot runuser -u svcmode -- svcmode info
check_rc "svcmode info" 0
check_grep "info" out "store:          /var/lib/svcmode/device.db"
inroot stat -c '%U %a' /var/lib/svcmode/device.db
check_out "store file" "svcmode 600"
inroot runuser -u svcmode -- svcmode list
check_rc "svcmode list" 0
grep -Eq '^network\.email\.smtp\.port +25$' "$WORK/out" && ok || fail "list: SMTP port 25"
inroot runuser -u svcmode -- svcmode log
check_rc "svcmode log" 0
# The login shell runs nothing but svcmode: 'su -c' gives it '-c', a usage
# error, and the command is not run.
inroot su - svcmode -c "touch /tmp/shell-escape"
check_rc "su -c as svcmode" 64
[ -e "$R/tmp/shell-escape" ] && fail "the svcmode account ran a shell command" || ok
# The man page and the completion are where man and bash look.
inroot test -f /usr/share/man/man1/svcmode.1.gz
check_rc "man page installed" 0
inroot bash -c '. /usr/share/bash-completion/completions/svcmode && complete -p svcmode'
check_rc "completion loads" 0

# Reinstalling keeps owner, mode and store; purging keeps the store and the
# account and drops the override.
inroot apt-get install -y -q --reinstall "$deb"
check_rc "reinstall" 0
inroot stat -c '%U:%G %a' /var/lib/svcmode /var/lib/svcmode/device.db
check_out "after reinstall" "svcmode:svcmode 700
svcmode:svcmode 600"
inroot apt-get purge -y -q svcmode
check_rc "purge" 0
inroot test -f /var/lib/svcmode/device.db
check_rc "purge keeps the store" 0
inroot dpkg-statoverride --list /var/lib/svcmode
check_rc "purge drops the override" 1
inroot getent passwd svcmode
check_rc "purge keeps the account" 0
inroot test -e /usr/bin/svcmode
check_rc "purge removes the program" 1

# --- svcmode-lms, the license server's package, on the same root -----------
cp "$LMSDEB" "$R/tmp/"
lmsdeb="/tmp/$(basename "$LMSDEB")"
inroot apt-get install -y -q "$lmsdeb"
check_rc "apt-get install ./svcmode-lms.deb on a clean Debian 12" 0
check_grep "install" out "Setting up svcmode-lms"
inroot getent passwd svcmode-lms
grep -Eq '^svcmode-lms:x:[0-9]+:[0-9]+:[^:]*:/var/lib/svcmode-lms:/usr/sbin/nologin$' "$WORK/out" &&
  ok || fail "server account: $(cat "$WORK/out")"
uid=$(cut -d: -f3 "$WORK/out")
[ -n "$uid" ] && [ "$uid" -lt 1000 ] && ok || fail "svcmode-lms is not a system account (uid $uid)"
inroot stat -c '%U:%G %a' /var/lib/svcmode-lms /etc/svcmode-lms
check_out "server folders" "svcmode-lms:svcmode-lms 700
root:svcmode-lms 750"
for f in /usr/lib/systemd/system/svcmode-lms.service /usr/lib/sysusers.d/svcmode-lms.conf \
  /usr/lib/tmpfiles.d/svcmode-lms.conf /usr/share/man/man8/svcmode-lms.8.gz; do
  inroot test -f "$f"
  check_rc "$f installed" 0
done
# The server's user works with its database and a secret only it reads.
inroot sh -c 'head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" >/etc/svcmode-lms/secret &&
  chown svcmode-lms /etc/svcmode-lms/secret && chmod 0600 /etc/svcmode-lms/secret'
check_rc "vendor secret installed" 0
inroot runuser -u svcmode-lms -- svcmode-lms --db /var/lib/svcmode-lms/lms.db \
  --secret-file /etc/svcmode-lms/secret issue --serial DBS00001 --option SEND
check_rc "issue as the server's user" 0
grep -Eq '^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$' "$WORK/out" && ok ||
  fail "issue printed no key: $(cat "$WORK/out" "$WORK/err")"
inroot stat -c '%U %a' /var/lib/svcmode-lms/lms.db
check_out "database file" "svcmode-lms 600"
# The device's package brings no license server, and purging the server's
# keeps its database (every issued license) and its account.
inroot apt-get purge -y -q svcmode-lms
check_rc "purge svcmode-lms" 0
inroot test -e /usr/bin/svcmode-lms
check_rc "purge removes the server" 1
inroot test -f /var/lib/svcmode-lms/lms.db
check_rc "purge keeps the database" 0
finish
