#!/bin/sh
# packaging/build-deb.sh [BUILD_DIR]: builds the Debian packages
# svcmode_VERSION_ARCH.deb (the device's) and svcmode-lms_VERSION_ARCH.deb
# (the vendor's license server) from this source tree, the way Debian builds its
# own packages: a Release build (without the test suite) with the compiler
# and linker flags of dpkg-buildflags (all hardening features: fortified
# functions, stack protector, read-only relocations, immediate binding)
# and the shared OpenSSL, then cpack. Prints the packages' paths, one a line, the device's first. Needs dpkg-dev and the build
# dependencies (packaging/build-deps.txt). BUILD_DIR: default build-deb.
# Without the demo vendor secret (-DSVC_DEMO_KEY=OFF): a packaged store
# refuses licensing until svcmode license provision FILE.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-deb}

cd "$src"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)

# OpenSSL, SQLite, ncurses and libgsasl from the shared libraries: Debian's security updates
# of all four then reach svcmode without a rebuild (a few ms of start-up each run).
# No demo vendor secret in the package: its stores are provisioned.
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSVC_TESTS=OFF -DSVC_DEMO_KEY=OFF \
	-DSVC_STATIC_OPENSSL=OFF -DSVC_STATIC_SQLITE=OFF -DSVC_STATIC_NCURSES=OFF -DSVC_STATIC_GSASL=OFF -DSVC_STATIC_ARCHIVE=OFF \
	-DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >&2
cmake --build "$build" -j "${JOBS:-2}" >&2
rm -f "$build"/svcmode_*.deb "$build"/svcmode-lms_*.deb
(cd "$build" && cpack -G DEB >&2)
ls "$build"/svcmode_*.deb
ls "$build"/svcmode-lms_*.deb
