# Install rules beyond the binaries, and the Debian packages (CPack DEB):
# svcmode (component svcmode, the device's) and svcmode-lms (component
# lms, the vendor's license server: packaging/lms/lms.cmake).
#
# Everything is installed relative to the prefix, so that
#   cmake --install build --prefix DIR [--component C]
# lays out exactly the files of the .debs (which use the prefix /usr) under
# DIR. The one directory outside the prefix, the store's /var/lib/svcmode,
# follows the GNU rule at install time: /var when the prefix is /usr,
# PREFIX/var otherwise. packaging/build-deb.sh builds the package with
# Debian's compiler flags; docs/packaging.md explains it all.
include(GNUInstallDirs)

set(SVC_PKG_SRC ${CMAKE_CURRENT_LIST_DIR})
set(SVC_PKG_BIN ${PROJECT_BINARY_DIR}/packaging)
set(SVC_DOCDIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/svcmode)
set(SVC_PKG_DATE "2026-12-04")          # man page and changelog date
set(SVC_PKG_CHANGELOG_DATE "Fri, 04 Dec 2026 12:00:00 +0000")
set(SVC_PKG_MAINTAINER "svcmode maintainers <svcmode@packages.invalid>")

# The second program, the license server, is a package of its own
# (component lms, packaging/lms/lms.cmake): devices do not run it.
set(SVC_DOCDIR_LMS ${CMAKE_INSTALL_DATAROOTDIR}/doc/svcmode-lms)

# Man pages and the changelog: version filled in, compressed with gzip -n
# (no name or time stamp: the package is reproducible), as Debian wants.
find_program(SVC_GZIP gzip)
function(svc_pkg_gzip in out)
  add_custom_command(OUTPUT ${out}
    COMMAND ${SVC_GZIP} -9 -n -c ${in} > ${out}
    DEPENDS ${in} VERBATIM)
endfunction()

# The man pages. Those that describe a table are generated from it at build
# time, so that a command, setting or code is written once:
#   svcmode(1)           the COMMANDS from the operation table (svcmode-gen man)
#   svcmode-settings(7)  the catalog and the menu tree (svcmode-gen settings)
#   svcmode-codes(7)     the device error codes (svcmode-gen codes)
#   svcmode-lms(8)       svcmode-lms's command table, from its --help
#                        (man/LmsPage.cmake: the table is static in the program)
#   svcmode-screens(5)   the menu file format: written by hand
# svcmode-gen is a build tool linking the same libraries as svcmode (not
# installed); the bash completion comes from it too. Every page is built
# (the tests render them all); svcmode-lms(8) is installed with its program
# (component lms).
set(SVC_MAN_PAGES svcmode.1 svcmode-settings.7 svcmode-codes.7 svcmode-screens.5)
foreach(page IN LISTS SVC_MAN_PAGES)
  configure_file(${SVC_PKG_SRC}/man/${page}.in ${SVC_PKG_BIN}/man/${page}.tmpl @ONLY)
endforeach()
foreach(pair "svcmode.1:man" "svcmode-settings.7:settings" "svcmode-codes.7:codes")
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 page)
  list(GET pair 1 what)
  add_custom_command(OUTPUT ${SVC_PKG_BIN}/man/${page}
    COMMAND svcmode-gen ${what} ${SVC_PKG_BIN}/man/${page}.tmpl > ${SVC_PKG_BIN}/man/${page}
    DEPENDS svcmode-gen ${SVC_PKG_BIN}/man/${page}.tmpl VERBATIM)
endforeach()
add_custom_command(OUTPUT ${SVC_PKG_BIN}/man/svcmode-screens.5
  COMMAND ${CMAKE_COMMAND} -E copy ${SVC_PKG_BIN}/man/svcmode-screens.5.tmpl
    ${SVC_PKG_BIN}/man/svcmode-screens.5
  DEPENDS ${SVC_PKG_BIN}/man/svcmode-screens.5.tmpl VERBATIM)
if(TARGET svcmode-lms)
  configure_file(${SVC_PKG_SRC}/man/svcmode-lms.8.in ${SVC_PKG_BIN}/man/svcmode-lms.8.tmpl @ONLY)
  add_custom_command(OUTPUT ${SVC_PKG_BIN}/man/svcmode-lms.8
    COMMAND ${CMAKE_COMMAND} -DLMS=$<TARGET_FILE:svcmode-lms>
      -DTEMPLATE=${SVC_PKG_BIN}/man/svcmode-lms.8.tmpl -DOUT=${SVC_PKG_BIN}/man/svcmode-lms.8
      -P ${SVC_PKG_SRC}/man/LmsPage.cmake
    DEPENDS svcmode-lms ${SVC_PKG_BIN}/man/svcmode-lms.8.tmpl ${SVC_PKG_SRC}/man/LmsPage.cmake
    VERBATIM)
endif()
add_custom_command(OUTPUT ${SVC_PKG_BIN}/completion/svcmode
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SVC_PKG_BIN}/completion
  COMMAND svcmode-gen completion ${SVC_PKG_SRC}/completion/svcmode.bash.in
    > ${SVC_PKG_BIN}/completion/svcmode
  DEPENDS svcmode-gen ${SVC_PKG_SRC}/completion/svcmode.bash.in VERBATIM)
set(SVC_PKG_GZ)
set(SVC_MAN_FILES)
foreach(page IN LISTS SVC_MAN_PAGES)
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section "${page}")
  svc_pkg_gzip(${SVC_PKG_BIN}/man/${page} ${SVC_PKG_BIN}/man/${page}.gz)
  list(APPEND SVC_PKG_GZ ${SVC_PKG_BIN}/man/${page}.gz)
  list(APPEND SVC_MAN_FILES ${SVC_PKG_BIN}/man/${page})
  install(FILES ${SVC_PKG_BIN}/man/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
configure_file(${SVC_PKG_SRC}/debian/changelog.in ${SVC_PKG_BIN}/changelog @ONLY)
svc_pkg_gzip(${SVC_PKG_BIN}/changelog ${SVC_PKG_BIN}/changelog.gz)
list(APPEND SVC_PKG_GZ ${SVC_PKG_BIN}/changelog.gz)
if(TARGET svcmode-lms)
  svc_pkg_gzip(${SVC_PKG_BIN}/man/svcmode-lms.8 ${SVC_PKG_BIN}/man/svcmode-lms.8.gz)
  list(APPEND SVC_PKG_GZ ${SVC_PKG_BIN}/man/svcmode-lms.8.gz)
  list(APPEND SVC_MAN_FILES ${SVC_PKG_BIN}/man/svcmode-lms.8)
endif()
add_custom_target(svc_pkg_files ALL DEPENDS ${SVC_PKG_GZ} ${SVC_MAN_FILES}
  ${SVC_PKG_BIN}/completion/svcmode)

install(FILES ${SVC_PKG_BIN}/changelog.gz ${SVC_PKG_SRC}/debian/copyright
  DESTINATION ${SVC_DOCDIR})

# Bash completion: svcmode's is generated from the operation table;
# svcmode-lms's reads the program's --help when TAB is pressed.
install(FILES ${SVC_PKG_BIN}/completion/svcmode
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions)
if(TARGET svcmode-lms)
  include(${SVC_PKG_SRC}/lms/lms.cmake)
endif()

# The reception service (SMTP reception, POP Interval): installed, not
# enabled; `systemctl enable --now svcmode` starts it.
install(FILES ${SVC_PKG_SRC}/svcmode.service DESTINATION lib/systemd/system)

# The serial-console example: a getty drop-in and a stty wrapper.
install(FILES ${SVC_PKG_SRC}/examples/README.serial-console
  DESTINATION ${SVC_DOCDIR}/examples)
install(FILES ${SVC_PKG_SRC}/examples/serial-getty@ttyS0.service.d/svcmode.conf
  DESTINATION ${SVC_DOCDIR}/examples/serial-getty@ttyS0.service.d)
install(PROGRAMS ${SVC_PKG_SRC}/examples/svcmode-serial-console
  DESTINATION ${SVC_DOCDIR}/examples)

# A stripped install (cpack, cmake --install --strip) also drops the
# compiler's .comment notes, as Debian's dh_strip does. The programs are
# installed by then (CMP0082: install rules run in declaration order).
if(CMAKE_OBJCOPY)
  set(_svc_strip svcmode:svcmode)
  if(TARGET svcmode-lms)
    list(APPEND _svc_strip lms:svcmode-lms)
  endif()
  foreach(pair IN LISTS _svc_strip)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 comp)
    list(GET pair 1 prog)
    install(CODE "set(SVC_OBJCOPY \"${CMAKE_OBJCOPY}\")
      set(SVC_PROGRAM \"${CMAKE_INSTALL_BINDIR}/${prog}\")" COMPONENT ${comp})
    install(CODE [[
      if(CMAKE_INSTALL_DO_STRIP)
        execute_process(COMMAND ${SVC_OBJCOPY} --remove-section=.comment
          "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${SVC_PROGRAM}"
          COMMAND_ERROR_IS_FATAL ANY)
      endif()
    ]] COMPONENT ${comp})
  endforeach()
endif()

# The store's directory, 0700. Evaluated at install time, when the prefix
# is known (cpack installs with /usr, 'cmake --install --prefix' with its own).
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_svc_state "$ENV{DESTDIR}/var/lib/svcmode")
  else()
    set(_svc_state "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/var/lib/svcmode")
  endif()
  message(STATUS "Installing: ${_svc_state} (0700)")
  file(MAKE_DIRECTORY "${_svc_state}")
  file(CHMOD "${_svc_state}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
]])

# --- the Debian packages ---------------------------------------------------
# One package per component: svcmode (the device's) and svcmode-lms (the
# vendor's license server, packaging/lms/lms.cmake).
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL svcmode)
if(TARGET svcmode-lms)
  list(APPEND CPACK_COMPONENTS_ALL lms)
endif()
set(CPACK_DEBIAN_SVCMODE_PACKAGE_NAME svcmode)
set(CPACK_PACKAGE_NAME svcmode)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "${SVC_PKG_MAINTAINER}")
# Each package's Description: its summary line, then the text. (No
# CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put it before both.)
set(CPACK_DEBIAN_SVCMODE_DESCRIPTION
  "service-mode maintenance for a printer/fax controller\n\
svcmode keeps the configuration and data of a multifunction printer/fax\n\
controller in one SQLite store and maintains it from a VT100-class serial\n\
console (an ncurses menu tree: System Settings, Service Mode levels 1 and 2)\n\
or from scripts (a CLI over the same store): settings, mail authentication,\n\
key pairs and certificates, MAC address filtering, mail boxes and their\n\
backups, licenses, and the initialization of all data and settings.\n\
\n\
The package creates the system account svcmode, whose home is the store's\n\
directory /var/lib/svcmode, and ships an example of launching svcmode on a\n\
serial console (a serial-getty drop-in with autologin).")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_SVCMODE_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SVC_PKG_MAINTAINER}")
# Depends: the libraries actually linked (dpkg-shlibdeps), adduser for the
# postinst, and libarchive and libcurl, which backup and the online license
# commands open with dlopen() on first use (so dpkg-shlibdeps cannot see them).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_SVCMODE_PACKAGE_DEPENDS "adduser, libarchive13 (>= 3.6.2), libcurl4 (>= 7.88)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_SVCMODE_PACKAGE_CONTROL_EXTRA
  ${SVC_PKG_SRC}/debian/postinst ${SVC_PKG_SRC}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
