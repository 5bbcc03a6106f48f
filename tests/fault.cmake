# Fault injection: SIGKILL at random moments, a full disk, a read-only store.
add_test(NAME fault_kill COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fault/test_kill.sh)
add_test(NAME fault_diskfull COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fault/test_diskfull.sh)
set_tests_properties(fault_kill fault_diskfull PROPERTIES LABELS fault TIMEOUT 900
  ENVIRONMENT "SVCMODE=$<TARGET_FILE:svcmode>;SRC=${PROJECT_SOURCE_DIR}")
svc_unit_test(test_ioerr fault/test_ioerr.c svc_testfix svc_wipe
  svc_mailbox svc_license svc_backup PkgConfig::SQLITE)
