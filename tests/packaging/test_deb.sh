#!/bin/sh
# The Debian packages, the device's svcmode and the license server's
# svcmode-lms: built from this source tree in a fresh Release build
# (packaging/build-deb.sh), inspected with dpkg-deb -I/-c, checked by
# lintian (no error; every warning explained in docs/packaging.md),
# each compared with its component of 'cmake --install --prefix DIR', then
# both unpacked into a fresh directory (dpkg -x) where the installed
# svcmode runs against a fresh store, the man pages render, the bash
# completions load from the installed location and the server's systemd
# unit passes systemd-analyze verify.
. "$SRC/tests/packaging/lib.sh"
B="$WORK/build"

# --- build -----------------------------------------------------------------
JOBS=2 sh "$SRC/packaging/build-deb.sh" "$B" >"$WORK/out" 2>"$WORK/build.log"
RC=$?
check_rc "build-deb.sh builds the package" 0
if [ "$RC" -ne 0 ]; then
  tail -30 "$WORK/build.log"
  finish
  exit 1
fi
DEB=$(sed -n 1p "$WORK/out")
LMSDEB=$(sed -n 2p "$WORK/out")
version=$("$B/src/svcmode" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
[ "$(basename "$DEB")" = "svcmode_${version}_${arch}.deb" ] && ok ||
  fail "package file name '$(basename "$DEB")', expected svcmode_${version}_${arch}.deb"
# The license server is a package of its own, in every build that has it.
PKGS="svcmode:$DEB"
if [ -n "${SVCMODE_LMS:-}" ]; then
  [ "$(basename "$LMSDEB")" = "svcmode-lms_${version}_${arch}.deb" ] && ok ||
    fail "package file name '$(basename "$LMSDEB")', expected svcmode-lms_${version}_${arch}.deb"
  PKGS="$PKGS svcmode-lms:$LMSDEB"
else
  [ -z "$LMSDEB" ] && ok || fail "an svcmode-lms package without svcmode-lms: $LMSDEB"
fi

# --- dpkg-deb -I: the control fields, of each package ----------------------
owner() {
  for q in "$1" "/usr$1" "${1#/usr}" "$(readlink -f "$1")"; do
    o=$(dpkg -S "$q" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$o" ] && { echo "$o"; return; }
  done
  echo "unowned:$1"
}
for pd in $PKGS; do
  name=${pd%%:*}
  deb=${pd#*:}
  dpkg-deb -I "$deb" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "dpkg-deb -I $name" 0
  field() { dpkg-deb -f "$deb" "$1"; }
  [ "$(field Package)" = "$name" ] && ok || fail "Package: $(field Package), expected $name"
  [ "$(field Version)" = "$version" ] && ok || fail "$name Version: $(field Version), svcmode says $version"
  [ "$(field Architecture)" = "$arch" ] && ok || fail "$name Architecture: $(field Architecture)"
  for f in Maintainer Description Section Priority Installed-Size; do
    [ -n "$(field $f)" ] && ok || fail "$name: no $f field"
  done
  check_grep "$name maintainer scripts" out " postinst"
  [ "$name" = svcmode ] && check_grep "$name maintainer scripts" out " postrm"

  # Depends: exactly the packages of the shared libraries the installed
  # programs need (their ELF NEEDED entries, resolved by the dynamic linker,
  # owner by dpkg -S), each with a version, plus adduser for the postinst
  # and, for svcmode, libarchive13 and libcurl4, which backup and the online
  # license commands open with dlopen().
  mkdir -p "$WORK/pkg"
  dpkg-deb -x "$deb" "$WORK/pkg/$name"
  dpkg-deb -x "$deb" "$WORK/root"
  want=adduser
  [ "$name" = svcmode ] && want="$want libarchive13 libcurl4"
  for exe in "$WORK/pkg/$name"/usr/bin/*; do
    needed=$(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    [ -n "$needed" ] && ok || fail "readelf finds no NEEDED library in $exe"
    for lib in $needed; do
      path=$(ldd "$exe" | awk -v l="$lib" '$1 == l { print $3 }')
      [ -n "$path" ] && ok || fail "ldd does not resolve $lib of $exe"
      want="$want $(owner "$path")"
    done
    ldd "$exe" | grep -q "not found" && fail "the installed $exe misses a library" || ok
    readelf -d "$exe" | grep -Eq "RPATH|RUNPATH" && fail "the installed $exe has an RPATH" || ok
    file "$exe" | grep -q ", stripped" && ok || fail "the installed $exe is not stripped"
  done
  want=$(printf '%s\n' $want | sort -u | tr '\n' ' ')
  deps=$(field Depends)
  got=$(printf '%s\n' "$deps" | tr ',' '\n' | awk 'NF { print $1 }' | sort -u | tr '\n' ' ')
  [ "$want" = "$got" ] && ok || fail "$name Depends: '$deps'; the linked libraries need: $want"
  for p in $got; do
    [ "$p" = adduser ] && continue
    printf '%s\n' "$deps" | tr ',' '\n' | grep -Eq "^ *$p \(>= [^)]+\)" && ok ||
      fail "$name Depends: $p has no minimum version"
  done
  [ "$name" = svcmode ] && sdeps=$deps
done
bin="$WORK/root/usr/bin/svcmode"
# OpenSSL is the shared library, so that Debian's security updates reach it.
readelf -d "$bin" | grep -q '\[libcrypto\.so\.3\]' && ok ||
  fail "the packaged svcmode does not link the shared libcrypto"
printf '%s\n' "$sdeps" | grep -q 'libssl3 (>= ' && ok || fail "Depends lacks libssl3"
nm "$B/src/svcmode" 2>/dev/null | grep -q ' T EVP_EncryptInit' &&
  fail "the packaged svcmode carries a copy of OpenSSL" || ok

# --- dpkg-deb -c: exactly the expected files, owned by root ----------------
dpkg-deb -c "$DEB" >"$WORK/contents" 2>"$WORK/err"
RC=$?
check_rc "dpkg-deb -c" 0
awk '{ print $1, $6 }' "$WORK/contents" | grep -v '/$' | sort >"$WORK/got"
{
  echo "-rwxr-xr-x ./usr/bin/svcmode"
  echo "-rw-r--r-- ./usr/share/man/man1/svcmode.1.gz"
  echo "-rw-r--r-- ./usr/share/man/man5/svcmode-screens.5.gz"
  echo "-rw-r--r-- ./usr/share/man/man7/svcmode-settings.7.gz"
  echo "-rw-r--r-- ./usr/share/man/man7/svcmode-codes.7.gz"
  echo "-rw-r--r-- ./usr/share/bash-completion/completions/svcmode"
  echo "-rw-r--r-- ./usr/share/doc/svcmode/changelog.gz"
  echo "-rw-r--r-- ./usr/share/doc/svcmode/copyright"
  echo "-rw-r--r-- ./usr/share/doc/svcmode/examples/README.serial-console"
  echo "-rw-r--r-- ./usr/share/doc/svcmode/examples/serial-getty@ttyS0.service.d/svcmode.conf"
  echo "-rwxr-xr-x ./usr/share/doc/svcmode/examples/svcmode-serial-console"
  echo "-rw-r--r-- ./usr/lib/systemd/system/svcmode.service"
} | sort >"$WORK/want"
# The device package does not carry the vendor's server.
cmp -s "$WORK/want" "$WORK/got" && ok || fail "package files differ: $(diff "$WORK/want" "$WORK/got" | grep '^[<>]')"
grep -q "^drwx------ root/root .* ./var/lib/svcmode/$" "$WORK/contents" && ok ||
  fail "no /var/lib/svcmode directory 0700 root/root in the package"
awk '$2 != "root/root"' "$WORK/contents" | grep -q . && fail "files not owned by root" || ok
# The server's package: the program, its man page and completion, its
# systemd unit, the sysusers.d and tmpfiles.d files; no directory of its
# own outside /usr (the postinst makes them, owned by the server's user).
if [ -n "${SVCMODE_LMS:-}" ]; then
  dpkg-deb -c "$LMSDEB" >"$WORK/contents" 2>"$WORK/err"
  RC=$?
  check_rc "dpkg-deb -c svcmode-lms" 0
  awk '{ print $1, $6 }' "$WORK/contents" | grep -v '/$' | sort >"$WORK/got"
  {
    echo "-rwxr-xr-x ./usr/bin/svcmode-lms"
    echo "-rw-r--r-- ./usr/share/man/man8/svcmode-lms.8.gz"
    echo "-rw-r--r-- ./usr/share/bash-completion/completions/svcmode-lms"
    echo "-rw-r--r-- ./usr/share/doc/svcmode-lms/changelog.gz"
    echo "-rw-r--r-- ./usr/share/doc/svcmode-lms/copyright"
    echo "-rw-r--r-- ./usr/share/doc/svcmode-lms/lms.md"
    echo "-rw-r--r-- ./usr/lib/systemd/system/svcmode-lms.service"
    echo "-rw-r--r-- ./usr/lib/sysusers.d/svcmode-lms.conf"
    echo "-rw-r--r-- ./usr/lib/tmpfiles.d/svcmode-lms.conf"
  } | sort >"$WORK/want"
  cmp -s "$WORK/want" "$WORK/got" && ok ||
    fail "svcmode-lms package files differ: $(diff "$WORK/want" "$WORK/got" | grep '^[<>]')"
  awk '$2 != "root/root"' "$WORK/contents" | grep -q . && fail "svcmode-lms files not owned by root" || ok
  grep -Ev '^d.* \./(usr/.*)?$' "$WORK/contents" | grep '^d' &&
    fail "svcmode-lms ships a directory outside /usr" || ok
  for f in "$WORK/pkg/svcmode-lms/usr/lib/systemd/system/svcmode-lms.service" \
    "$WORK/pkg/svcmode-lms/usr/lib/sysusers.d/svcmode-lms.conf" \
    "$WORK/pkg/svcmode-lms/usr/lib/tmpfiles.d/svcmode-lms.conf"; do
    case $f in
      *.service) orig="$SRC/packaging/lms/svcmode-lms.service" ;;
      *sysusers.d*) orig="$SRC/packaging/lms/svcmode-lms.sysusers" ;;
      *) orig="$SRC/packaging/lms/svcmode-lms.tmpfiles" ;;
    esac
    cmp -s "$orig" "$f" && ok || fail "$f is not $orig"
  done
fi

# --- lintian: no error; each warning explained in docs/packaging.md ---
if command -v lintian >/dev/null; then
  lintian --fail-on error "$DEB" ${LMSDEB:+"$LMSDEB"} >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "lintian: no error" 0
  grep -q '^E:' "$WORK/out" && fail "lintian errors: $(grep '^E:' "$WORK/out")" || ok
  for tag in $(sed -n 's/^W: svcmode[^:]*: \([a-z0-9-]*\).*/\1/p' "$WORK/out" | sort -u); do
    grep -qF -- "$tag" "$SRC/docs/packaging.md" && ok ||
      fail "lintian warning '$tag' is not explained in docs/packaging.md"
  done
else
  fail "lintian is not installed"
fi

# --- cmake --install --prefix DIR: the same files ---------------------------
cmake --install "$B" --prefix "$WORK/prefix" >"$WORK/out" 2>"$WORK/err"
RC=$?
check_rc "cmake --install --prefix" 0
# Each package's tree with /usr as the prefix, next to its component's
# tree; all components together are both packages.
for pd in $PKGS; do
  name=${pd%%:*}
  comp=$name
  [ "$name" = svcmode-lms ] && comp=lms
  cmake --install "$B" --prefix "$WORK/comp/$name" --component "$comp" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "cmake --install --component $comp" 0
  (cd "$WORK/pkg/$name" && find . -mindepth 1 ! -type d -o -type d -empty) | sed 's|^\./usr/|./|' |
    sort >"$WORK/deb-files"
  (cd "$WORK/comp/$name" && find . -mindepth 1 ! -type d -o -type d -empty) | sort >"$WORK/pfx-files"
  cmp -s "$WORK/deb-files" "$WORK/pfx-files" && ok ||
    fail "cmake --install --component $comp and $name.deb differ: $(diff "$WORK/deb-files" "$WORK/pfx-files" | grep '^[<>]')"
  while read -r f; do
    d="$WORK/pkg/$name/usr/${f#./}"
    [ -e "$d" ] || d="$WORK/pkg/$name/${f#./}"
    [ "$(stat -c %A "$d")" = "$(stat -c %A "$WORK/comp/$name/$f")" ] && ok ||
      fail "$f: mode $(stat -c %A "$WORK/comp/$name/$f") installed, $(stat -c %A "$d") in $name.deb"
  done <"$WORK/pfx-files"
done
(cd "$WORK/root" && find . -mindepth 1 ! -type d -o -type d -empty) | sed 's|^\./usr/|./|' |
  sort >"$WORK/deb-files"
(cd "$WORK/prefix" && find . -mindepth 1 ! -type d -o -type d -empty) | sort >"$WORK/pfx-files"
cmp -s "$WORK/deb-files" "$WORK/pfx-files" && ok ||
  fail "cmake --install and the two packages differ: $(diff "$WORK/deb-files" "$WORK/pfx-files" | grep '^[<>]')"
[ "$(stat -c %a "$WORK/prefix/var/lib/svcmode")" = 700 ] && ok || fail "prefix var/lib/svcmode is not 0700"
# The executables are the same program (the package's is stripped).
[ "$("$WORK/prefix/bin/svcmode" --version)" = "$("$bin" --version)" ] && ok ||
  fail "the installed and the packaged svcmode differ"

# --- the unpacked package runs against a fresh store -------------------------
SVCMODE="$bin"
DB="$WORK/store/device.db"
svc --version
check_rc "--version" 0
check_out "--version" "svcmode $version"
svc --db "$DB" info
check_rc "info on a fresh store" 0
check_grep "info: created" err "created a new device store at '$DB'"
check_grep "info: model" out "model:          iR5570"
check_grep "info: store" out "store:          $DB"
check_grep "info: version" out "svcmode:        $version"
grep -Eq '^serial: +[A-Z]{3}[0-9]{5}$' "$WORK/out" && ok || fail "info: no serial number"
[ "$(stat -c %a "$DB")" = 600 ] && ok || fail "store mode $(stat -c %a "$DB"), expected 600"
[ "$(stat -c %a "$WORK/store")" = 700 ] && ok || fail "store directory mode $(stat -c %a "$WORK/store")"
# No demo vendor secret in the package: its store refuses licensing until
# provisioned, and says how.
grep -l "published, protects nothing" "$WORK"/root/usr/bin/* >"$WORK/demo" 2>/dev/null
[ ! -s "$WORK/demo" ] && ok || fail "the demo vendor secret is in $(cat "$WORK/demo")"
[ -z "${SVCMODE_LMS:-}" ] || [ -x "$WORK/root/usr/bin/svcmode-lms" ] && ok ||
  fail "svcmode-lms is not installed from its package"
if "$WORK/root/usr/bin/svcmode-lms" demo-secret --out "$WORK/demo.secret" >/dev/null 2>&1 ||
  "$WORK/root/usr/bin/svcmode-lms" --help | grep -q demo-secret; then
  fail "the packaged svcmode-lms still has demo-secret"
else ok; fi
serial=$(svc --db "$DB" info && sed -n 's/^serial: *//p' "$WORK/out")
printf 'a vendor secret of the test\n' >"$WORK/vendor.secret" && chmod 600 "$WORK/vendor.secret"
key=$("$WORK/root/usr/bin/svcmode-lms" --db "$WORK/lms.db" --secret-file "$WORK/vendor.secret" \
  issue --serial "$serial" --option SEND 2>/dev/null)
SVCMODE_SERVICE_CODE=2828282 svc --db "$DB" license install "$key"
check_rc "licensing before provisioning" 78
check_grep "says how to provision" err "svcmode license provision FILE"
svc --db "$DB" list
check_rc "list" 0
grep -Eq '^network\.email\.smtp\.port +25$' "$WORK/out" && ok || fail "list: SMTP port 25"
grep -Eq '^system\.manager\.pin +\*\*\*$' "$WORK/out" && ok || fail "list: the PIN is masked"
n=$(wc -l <"$WORK/out")
"$B/src/svcmode" --db "$WORK/other.db" list >"$WORK/out2" 2>/dev/null
[ "$n" -gt 20 ] && [ "$n" -eq "$(wc -l <"$WORK/out2")" ] && ok ||
  fail "list: $n settings from the package, $(wc -l <"$WORK/out2") from the build"
# The packaged program answers for its own version of the store.
svc --db "$DB" set network.email.smtp.port 587 </dev/null
check_rc "set without credentials" 77
svc --db "$DB" get network.email.smtp.port
check_out "a refused set keeps the value" 25
SVCMODE_MANAGER_ID=7654321 SVCMODE_MANAGER_PIN=7654321 svc --db "$DB" set network.email.smtp.port 587
check_rc "set as System Manager" 0
svc --db "$DB" get network.email.smtp.port
check_out "get" 587

# --- its man page and its completion, from their installed places -----------
MANWIDTH=80 man --warnings -l "$WORK/root/usr/share/man/man1/svcmode.1.gz" >"$WORK/out" 2>"$WORK/err"
RC=$?
check_rc "installed svcmode(1)" 0
[ -s "$WORK/err" ] && fail "installed svcmode(1) warns: $(cat "$WORK/err")" || ok
check_grep "installed svcmode(1)" out "svcmode $version"
check_grep "installed svcmode(1)" out "SERIAL CONSOLE"
# Every page found by man, by section and name, where the package puts it.
pages="1 svcmode 5 svcmode-screens 7 svcmode-settings 7 svcmode-codes"
[ -n "${SVCMODE_LMS:-}" ] && pages="$pages 8 svcmode-lms"
set -- $pages
while [ $# -ge 2 ]; do
  LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -M "$WORK/root/usr/share/man" "$1" "$2" \
    >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "man $1 $2 from the package" 0
  [ -s "$WORK/err" ] && fail "installed $2($1) warns: $(cat "$WORK/err")" || ok
  check_grep "installed $2($1)" out "svcmode $version"
  shift 2
done
# Found the way bash-completion finds any command's completion: by the
# command's name, in share/bash-completion/completions of XDG_DATA_DIRS.
XDG_DATA_DIRS="$WORK/root/usr/share" bash --norc --noprofile -c '
  . /usr/share/bash-completion/bash_completion
  __load_completion svcmode || exit 3
  complete -p svcmode >/dev/null || exit 4
  COMP_WORDS=("$0" inf); COMP_CWORD=1; COMP_LINE="$0 inf"; COMP_POINT=${#COMP_LINE}
  _svcmode svcmode inf "$0" && printf "%s\n" "${COMPREPLY[@]}"' "$bin" \
  >"$WORK/out" 2>"$WORK/err" </dev/null
RC=$?
check_rc "completion loads from the package" 0
check_out "completion completes 'inf'" info

# --- the examples -------------------------------------------------------------
ex="$WORK/root/usr/share/doc/svcmode/examples"
conf="$ex/serial-getty@ttyS0.service.d/svcmode.conf"
grep -qx 'ExecStart=' "$conf" && ok || fail "drop-in does not clear ExecStart"
grep -Eq '^ExecStart=-/sbin/agetty .*--autologin svcmode .*%I 9600 vt100$' "$conf" && ok ||
  fail "drop-in: no agetty --autologin svcmode at 9600 with vt100"
grep -qx 'Environment=TERM=vt100' "$conf" && ok || fail "drop-in: no TERM=vt100"
if command -v systemd-analyze >/dev/null; then
  # The unit with the drop-in, as systemd reads it.
  mkdir -p "$WORK/units/serial-getty@ttyS0.service.d"
  cp "$conf" "$WORK/units/serial-getty@ttyS0.service.d/"
  sed '/^BindsTo=/d;/^After=dev-/d' /lib/systemd/system/serial-getty@.service \
    >"$WORK/units/serial-getty@.service" 2>/dev/null &&
    SYSTEMD_UNIT_PATH="$WORK/units:" systemd-analyze verify --man=no \
      "$WORK/units/serial-getty@ttyS0.service" >"$WORK/out" 2>"$WORK/err"
  grep -i "svcmode.conf" "$WORK/err" && fail "systemd-analyze rejects the drop-in" || ok
fi
# svcmode-serial-console on a pseudo-terminal set to 38400 7E2: afterwards
# the line is 9600 8N1 without hardware flow control, and svcmode ran on it.
PATH="$WORK/root/usr/bin:$PATH" python3 - "$ex/svcmode-serial-console" >"$WORK/out" 2>"$WORK/err" <<'EOF'
import os, pty, select, subprocess, sys, termios, time
master, slave = pty.openpty()
a = termios.tcgetattr(slave)
a[4] = a[5] = termios.B38400
a[2] = (a[2] & ~termios.CSIZE) | termios.CS7 | termios.PARENB | termios.CSTOPB | termios.CRTSCTS
termios.tcsetattr(slave, termios.TCSANOW, a)
p = subprocess.Popen(["sh", sys.argv[1], os.ttyname(slave)], stdin=subprocess.DEVNULL)
seen, deadline, sent = b"", time.time() + 60, False
while p.poll() is None and time.time() < deadline:
    if select.select([master], [], [], 0.2)[0]:
        seen += os.read(master, 65536)
    if seen and not sent:          # the menus, once they draw: quit
        time.sleep(0.5)
        os.write(master, b"q")
        sent = True
if p.poll() is None:
    p.kill()
    sys.exit("svcmode-serial-console did not end")
a = termios.tcgetattr(slave)
c = a[2]
print("speed", "9600" if a[4] == termios.B9600 and a[5] == termios.B9600 else a[4])
print("cs8" if c & termios.CSIZE == termios.CS8 else "not-cs8")
print("-parenb" if not c & termios.PARENB else "parenb")
print("-cstopb" if not c & termios.CSTOPB else "cstopb")
print("-crtscts" if not c & termios.CRTSCTS else "crtscts")
print("clocal" if c & termios.CLOCAL else "-clocal")
print("svcmode-wrote" if seen else "nothing-written")
EOF
RC=$?
check_rc "svcmode-serial-console on a pty" 0
check_out "svcmode-serial-console sets 9600 8N1" "speed 9600
cs8
-parenb
-cstopb
-crtscts
clocal
svcmode-wrote"
dpkg-deb -e "$DEB" "$WORK/control"
for s in postinst postrm; do
  [ "$(stat -c %a "$WORK/control/$s")" = 755 ] && ok || fail "$s is not 0755"
  sh -n "$WORK/control/$s" && ok || fail "$s: syntax"
done
grep -q -- '--home "$STATE" --shell /usr/bin/svcmode' "$WORK/control/postinst" && ok ||
  fail "postinst does not create the svcmode account with its home and shell"
grep -q 'dpkg-statoverride --update --add svcmode svcmode 0700 "$STATE"' "$WORK/control/postinst" &&
  ok || fail "postinst does not give /var/lib/svcmode to the account"

# --- the license server's package: its maintainer script and its unit --------
if [ -n "${SVCMODE_LMS:-}" ]; then
  dpkg-deb -e "$LMSDEB" "$WORK/lmscontrol"
  ls "$WORK/lmscontrol" | grep -Ev '^(control|md5sums|postinst)$' >"$WORK/out" &&
    fail "svcmode-lms has other control files: $(cat "$WORK/out")" || ok
  [ "$(stat -c %a "$WORK/lmscontrol/postinst")" = 755 ] && ok || fail "svcmode-lms postinst is not 0755"
  sh -n "$WORK/lmscontrol/postinst" && ok || fail "svcmode-lms postinst: syntax"
  grep -q -- '--home "$STATE" --shell /usr/sbin/nologin' "$WORK/lmscontrol/postinst" && ok ||
    fail "postinst does not create the svcmode-lms system user"
  grep -q 'install -d -o svcmode-lms -g svcmode-lms -m 0700 "$STATE"' "$WORK/lmscontrol/postinst" &&
    ok || fail "postinst does not make the database's directory 0700 for svcmode-lms"
  grep -q 'install -d -o root -g svcmode-lms -m 0750 "$CONF"' "$WORK/lmscontrol/postinst" &&
    ok || fail "postinst does not make the folder of the secret"
  grep -Eq 'openssl|urandom|vendor\.secret' "$WORK/lmscontrol/postinst" &&
    fail "postinst makes or touches a secret" || ok
  # The postinst run for real against a scratch root would need root and a
  # dpkg database: run its commands with stand-ins that record them.
  mkdir -p "$WORK/stub"
  for c in getent adduser install; do
    printf '#!/bin/sh\necho %s "$@" >>"%s"\n[ %s != getent ]\n' "$c" "$WORK/stub.log" "$c" \
      >"$WORK/stub/$c"
    chmod +x "$WORK/stub/$c"
  done
  PATH="$WORK/stub:$PATH" sh "$WORK/lmscontrol/postinst" configure >"$WORK/out" 2>"$WORK/err"
  RC=$?
  check_rc "svcmode-lms postinst configure" 0
  grep -q '^adduser --quiet --system --group .* svcmode-lms$' "$WORK/stub.log" && ok ||
    fail "postinst: no adduser --system svcmode-lms: $(cat "$WORK/stub.log")"
  unit="$WORK/root/usr/lib/systemd/system/svcmode-lms.service"
  grep -qx 'Documentation=man:svcmode-lms(8)' "$unit" && ok || fail "the unit names svcmode-lms(8)"
  [ -e "$WORK/root/usr/share/man/man8/svcmode-lms.8.gz" ] && ok || fail "no svcmode-lms(8) installed"
  if command -v systemd-analyze >/dev/null; then
    # The packaged unit with ExecStart on the unpacked program.
    mkdir -p "$WORK/lmsunits"
    sed "s|/usr/bin/svcmode-lms|$WORK/root/usr/bin/svcmode-lms|" "$unit" \
      >"$WORK/lmsunits/svcmode-lms.service"
    systemd-analyze verify --man=no "$WORK/lmsunits/svcmode-lms.service" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    check_rc "systemd-analyze verify svcmode-lms.service" 0
    [ -s "$WORK/err" ] && fail "systemd-analyze: $(cat "$WORK/err")" || ok
  fi
fi
finish
