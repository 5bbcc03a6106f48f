# Test helpers every tests/<area>.cmake may use (svc_unit_test, svc_cli_test,
# SVC_TEST_WRAP): tests/CMakeLists.txt includes this file before them.

# Labels: "unit" (cmocka binaries), "cli" (scripts on the built binary),
# "valgrind" (run again under valgrind in the valgrind build), "quick" (the
# unit and CLI tests that `tests/run-suite.sh --quick` runs: every unit and
# CLI test except the ones labelled fault, mail or slow: kill loops and
# real mail servers).

# svc_unit_test(NAME SOURCE LIBS...): a cmocka test binary, run by ctest
# (labels "unit;valgrind;quick").
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
  set_tests_properties(${name} PROPERTIES LABELS "unit;valgrind;quick")
endfunction()


# svc_cli_test(NAME SCRIPT [LABELS...]): a shell script that runs the built
# svcmode on temporary stores. It gets SVCMODE (the binary, wrapped in
# valgrind in the valgrind build) and SRC (the source tree).
function(svc_cli_test name script)
  set(labels cli ${ARGN})
  if(NOT "fault" IN_LIST labels AND NOT "mail" IN_LIST labels AND NOT "slow" IN_LIST labels)
    list(APPEND labels quick)
  endif()
  add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/${script})
  string(REPLACE ";" " " wrap "${SVC_TEST_WRAP}")
  set_tests_properties(${name} PROPERTIES LABELS "${labels}"
    ENVIRONMENT "SVCMODE=$<TARGET_FILE:svcmode>;SVCMODE_WRAP=${wrap};SRC=${PROJECT_SOURCE_DIR};BUILD=${PROJECT_BINARY_DIR}")
endfunction()


# svc_test_costs(NAME SECONDS...): the seconds each test took in the build
# type at hand (measured on 2 cores, rounded up). ctest -j starts the most
# costly tests first; without this a fresh build directory (no
# Testing/Temporary/CTestCostData.txt yet) starts them in file order, and a
# long test that starts last makes a serial tail. Tests not listed cost
# less than 10 s; a test that does not exist in this configuration is
# skipped.
function(svc_test_costs)
  while(ARGN)
    list(POP_FRONT ARGN name seconds)
    if(TEST ${name})
      set_tests_properties(${name} PROPERTIES COST ${seconds})
    endif()
  endwhile()
endfunction()
