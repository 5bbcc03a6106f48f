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
if(SVC_TESTS)
  svc_require(CMOCKA cmocka libcmocka-dev)
endif()
