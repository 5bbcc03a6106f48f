# Every dependency comes from a Debian 12 package; a missing one stops
# configure and names the package to install.
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

function(svc_require target module debpkg)
  pkg_check_modules(${target} IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install ${debpkg}")
  endif()
endfunction()

svc_require(SQLITE sqlite3>=3.37 libsqlite3-dev)
svc_require(OPENSSL openssl>=3.0 libssl-dev)
svc_require(NCURSES ncursesw libncurses-dev)
svc_require(GSASL libgsasl>=1.10 libgsasl-dev)
svc_require(ARCHIVE libarchive libarchive-dev)
# The device online: HTTPS to the LMS (built on OpenSSL, for the trust store).
svc_require(CURL libcurl libcurl4-openssl-dev)
if(SVC_TESTS)
  svc_require(CMOCKA cmocka libcmocka-dev)
endif()

# OpenSSL linked statically by default: libcrypto's thousands of dynamic
# relocations are more than half of the start-up cost of a short command
# such as `svcmode get` (see docs/benchmarks.md). Packagers who prefer the
# shared library (security updates through libssl3) pass -DSVC_STATIC_OPENSSL=OFF.
option(SVC_STATIC_OPENSSL "Link OpenSSL statically (faster start-up)" ON)
if(SVC_STATIC_OPENSSL)
  find_library(SVC_LIBSSL_A NAMES libssl.a HINTS ${OPENSSL_LIBRARY_DIRS})
  find_library(SVC_LIBCRYPTO_A NAMES libcrypto.a HINTS ${OPENSSL_LIBRARY_DIRS})
  if(NOT SVC_LIBSSL_A OR NOT SVC_LIBCRYPTO_A)
    message(FATAL_ERROR "static OpenSSL not found: apt-get install libssl-dev, or -DSVC_STATIC_OPENSSL=OFF")
  endif()
  find_package(Threads REQUIRED)
  set_property(TARGET PkgConfig::OPENSSL PROPERTY INTERFACE_LINK_LIBRARIES
    ${SVC_LIBSSL_A} ${SVC_LIBCRYPTO_A} ${CMAKE_DL_LIBS} Threads::Threads)
endif()

# SQLite likewise: its dynamic symbols cost a third of a short command's
# start-up. The Debian package links both shared (packaging/build-deb.sh).
option(SVC_STATIC_SQLITE "Link SQLite statically (faster start-up)" ON)
if(SVC_STATIC_SQLITE)
  find_library(SVC_LIBSQLITE_A NAMES libsqlite3.a HINTS ${SQLITE_LIBRARY_DIRS})
  if(NOT SVC_LIBSQLITE_A)
    message(FATAL_ERROR "static SQLite not found: apt-get install libsqlite3-dev, or -DSVC_STATIC_SQLITE=OFF")
  endif()
  find_package(Threads REQUIRED)
  set_property(TARGET PkgConfig::SQLITE PROPERTY INTERFACE_LINK_LIBRARIES
    ${SVC_LIBSQLITE_A} m ${CMAKE_DL_LIBS} Threads::Threads)
endif()

# ncurses (with libtinfo) and libgsasl (with libidn, libntlm, libgssglue)
# likewise: loading them and resolving their symbols took about 0.6 million
# of the 4.2 million instructions of `svcmode get`, which uses neither
# (docs/benchmarks.md). The static archives come with libncurses-dev and
# libgsasl-dev; the Debian package links them shared.
option(SVC_STATIC_NCURSES "Link ncurses statically (faster start-up)" ON)
if(SVC_STATIC_NCURSES)
  find_library(SVC_LIBNCURSESW_A NAMES libncursesw.a HINTS ${NCURSES_LIBRARY_DIRS})
  find_library(SVC_LIBTINFO_A NAMES libtinfo.a HINTS ${NCURSES_LIBRARY_DIRS})
  if(NOT SVC_LIBNCURSESW_A OR NOT SVC_LIBTINFO_A)
    message(FATAL_ERROR "static ncurses not found: apt-get install libncurses-dev, or -DSVC_STATIC_NCURSES=OFF")
  endif()
  set_property(TARGET PkgConfig::NCURSES PROPERTY INTERFACE_LINK_LIBRARIES
    ${SVC_LIBNCURSESW_A} ${SVC_LIBTINFO_A})
endif()
option(SVC_STATIC_GSASL "Link libgsasl statically (faster start-up)" ON)
if(SVC_STATIC_GSASL)
  foreach(lib gsasl idn ntlm gssglue)
    find_library(SVC_LIB${lib}_A NAMES lib${lib}.a HINTS ${GSASL_LIBRARY_DIRS})
    if(NOT SVC_LIB${lib}_A)
      message(FATAL_ERROR "static lib${lib} not found: apt-get install libgsasl-dev, or -DSVC_STATIC_GSASL=OFF")
    endif()
    list(APPEND SVC_GSASL_STATIC ${SVC_LIB${lib}_A})
  endforeach()
  set_property(TARGET PkgConfig::GSASL PROPERTY INTERFACE_LINK_LIBRARIES
    ${SVC_GSASL_STATIC} ${CMAKE_DL_LIBS})
endif()

# libarchive likewise, with only what ZIP needs (zlib, bzip2, xz, zstd,
# nettle for its AES): the shared library pulls in 15 libraries (libxml2
# and ICU among them), which made the backup commands' peak RSS 13 MiB
# (docs/benchmarks.md). With the static archives only the objects svcmode
# calls are linked. Off (the Debian package): libarchive.so.13 is opened
# with dlopen() when a backup command runs (src/backup/archive_lazy.c).
option(SVC_STATIC_ARCHIVE "Link libarchive statically (smaller backup commands)" ON)
if(SVC_STATIC_ARCHIVE)
  foreach(lib archive nettle lzma bz2 zstd z)
    find_library(SVC_LIB${lib}_A NAMES lib${lib}.a HINTS ${ARCHIVE_LIBRARY_DIRS})
    if(NOT SVC_LIB${lib}_A)
      message(FATAL_ERROR "static lib${lib} not found: apt-get install libarchive-dev nettle-dev "
        "liblzma-dev libbz2-dev libzstd-dev zlib1g-dev, or -DSVC_STATIC_ARCHIVE=OFF")
    endif()
    list(APPEND SVC_ARCHIVE_STATIC ${SVC_LIB${lib}_A})
  endforeach()
  # Executables that link it drop the sections nothing calls: libarchive's
  # objects hold every format (xar's writer would need libxml2) beside the
  # ZIP code svcmode uses.
  set_property(TARGET PkgConfig::ARCHIVE PROPERTY INTERFACE_LINK_LIBRARIES ${SVC_ARCHIVE_STATIC})
  set_property(TARGET PkgConfig::ARCHIVE PROPERTY INTERFACE_LINK_OPTIONS -Wl,--gc-sections)
endif()

# Relative relocations packed (DT_RELR): a smaller, faster-starting binary.
include(CheckLinkerFlag)
check_linker_flag(C "-Wl,-z,pack-relative-relocs" SVC_HAVE_RELR)
if(SVC_HAVE_RELR)
  add_link_options(-Wl,-z,pack-relative-relocs)
endif()
