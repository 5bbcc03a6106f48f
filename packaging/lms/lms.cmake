# The license server's own package, svcmode-lms (CMake component lms):
# the program, its man page and completion, its systemd unit, the
# sysusers.d and tmpfiles.d files of its user and of the folder of its
# secret, and maintainer scripts that create both on dpkg systems.
# Included by packaging/Packaging.cmake when svcmode-lms is built; the
# device package svcmode does not carry any of it.
set(SVC_LMS_PKG ${CMAKE_CURRENT_LIST_DIR})
install(TARGETS svcmode-lms RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT lms)
install(FILES ${SVC_PKG_BIN}/man/svcmode-lms.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8
  COMPONENT lms)
install(FILES ${SVC_PKG_SRC}/completion/svcmode-lms.bash
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions RENAME svcmode-lms
  COMPONENT lms)
install(FILES ${SVC_LMS_PKG}/svcmode-lms.service
  DESTINATION lib/systemd/system COMPONENT lms)
install(FILES ${SVC_LMS_PKG}/svcmode-lms.sysusers
  DESTINATION lib/sysusers.d RENAME svcmode-lms.conf COMPONENT lms)
install(FILES ${SVC_LMS_PKG}/svcmode-lms.tmpfiles
  DESTINATION lib/tmpfiles.d RENAME svcmode-lms.conf COMPONENT lms)
# Every Debian package has its own copyright and changelog.
install(FILES ${SVC_PKG_BIN}/changelog.gz ${SVC_PKG_SRC}/debian/copyright
  ${PROJECT_SOURCE_DIR}/docs/lms.md DESTINATION ${SVC_DOCDIR_LMS} COMPONENT lms)

# The package (CPack DEB, component lms): svcmode-lms_VERSION_ARCH.deb.
set(CPACK_DEBIAN_LMS_PACKAGE_NAME svcmode-lms)
set(CPACK_DEBIAN_LMS_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_LMS_PACKAGE_SECTION admin)
# libpq5's shlibs file names no version: the PostgreSQL 15 client is the
# one built and tested against.
set(CPACK_DEBIAN_LMS_PACKAGE_DEPENDS "adduser, libpq5 (>= 15)")
set(CPACK_DEBIAN_LMS_DESCRIPTION "license server of svcmode devices (HTTPS API and web pages)\n\
svcmode-lms is the vendor's license server for svcmode printer/fax\n\
controllers: it issues license access numbers and license keys for a\n\
device serial number, takes licenses back for transfer, and serves an\n\
HTTPS API and web pages from one SQLite database.\n\
\n\
The package creates the system account svcmode-lms, the database's\n\
directory /var/lib/svcmode-lms (0700) and /etc/svcmode-lms for the vendor\n\
secret and the TLS key. It ships the systemd unit svcmode-lms.service,\n\
not enabled: install the vendor secret first (svcmode-lms(8)).")
set(CPACK_DEBIAN_LMS_PACKAGE_CONTROL_EXTRA
  ${SVC_LMS_PKG}/debian/postinst)
