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

svc_unit_test(test_catalog unit/test_catalog.c svc_catalog)
svc_unit_test(test_access unit/test_access.c svc_config)
svc_unit_test(test_store unit/test_store.c svc_store PkgConfig::SQLITE)
