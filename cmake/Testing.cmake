# Test helpers every tests/<area>.cmake may use (svc_unit_test, svc_cli_test,
# SVC_TEST_WRAP): tests/CMakeLists.txt includes this file before them.

# svc_unit_test(NAME SOURCE LIBS...): a cmocka test binary, run by ctest
# (label "unit"; also run under valgrind in the valgrind build).
option(SVC_VALGRIND "Run unit and CLI tests under valgrind" OFF)
if(SVC_VALGRIND)
  find_program(VALGRIND valgrind REQUIRED)
  set(SVC_TEST_WRAP ${VALGRIND} --error-exitcode=1 --leak-check=full
      --errors-for-leak-kinds=definite --quiet)
endif()

function(svc_unit_test name src)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE ${ARGN} PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${SVC_TEST_WRAP} $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES LABELS "unit;valgrind")
endfunction()


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

