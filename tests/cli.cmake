# svc_cli_test(NAME SCRIPT [LABELS...]): a shell script that runs the built
# svcmode on temporary stores. It gets SVCMODE (the binary, wrapped in
# valgrind in the valgrind build) and SRC (the source tree).
function(svc_cli_test name script)
  set(labels cli ${ARGN})
  add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/${script})
  string(REPLACE ";" " " wrap "${SVC_TEST_WRAP}")
  set_tests_properties(${name} PROPERTIES LABELS "${labels}"
    ENVIRONMENT "SVCMODE=$<TARGET_FILE:svcmode>;SVCMODE_WRAP=${wrap};SRC=${PROJECT_SOURCE_DIR};BUILD=${PROJECT_BINARY_DIR}")
endfunction()

svc_cli_test(cli_settings cli/test_settings.sh valgrind)
svc_cli_test(cli_store cli/test_store.sh valgrind)
svc_cli_test(cli_access cli/test_access.sh valgrind)
svc_cli_test(cli_import cli/test_import.sh valgrind)
svc_cli_test(cli_concurrency cli/test_concurrency.sh)
