# The license server's own component ("lms"): its systemd unit, its user
# and the folder of its secret. The program itself is installed with the
# others (packaging/Packaging.cmake), which includes this file where the
# package is split into components (not yet: the .deb's file list is
# checked by tests/packaging/test_deb.sh).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/svcmode-lms.service
  DESTINATION lib/systemd/system COMPONENT lms)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/svcmode-lms.sysusers
  DESTINATION lib/sysusers.d RENAME svcmode-lms.conf COMPONENT lms)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/svcmode-lms.tmpfiles
  DESTINATION lib/tmpfiles.d RENAME svcmode-lms.conf COMPONENT lms)
install(FILES ${PROJECT_SOURCE_DIR}/docs/lms.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/svcmode
  COMPONENT lms)
