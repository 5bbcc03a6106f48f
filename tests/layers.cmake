# Layers, enforced twice: a library's sources see only the headers of the
# libraries it links (svc_headers in src/CMakeLists.txt), and each library
# is linked alone into a program, all of
# its objects (WHOLE_ARCHIVE) and only the libraries it declares. A call
# upward (the store calling config, a feature calling the menus) has no
# definition there, and the build fails. The self-test links store code
# that calls config_get and must fail to link.
# A build that only runs other tests (the valgrind build of
# tests/run-suite.sh) turns them off: the checks are the same in every build.
option(SVC_LAYER_CHECKS "Link each layer alone (the layering check)" ON)
if(NOT SVC_LAYER_CHECKS)
  return()
endif()
set(SVC_LAYERS svc_util svc_store svc_catalog svc_access svc_config svc_menu
  ${SVC_FEATURES} svc_ops svc_tui svc_cli)
foreach(lib IN LISTS SVC_LAYERS)
  add_executable(${lib}_alone layers/stub.c)
  target_link_libraries(${lib}_alone PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${lib}>")
  target_link_options(${lib}_alone PRIVATE -Wl,--no-undefined)
endforeach()

add_executable(svc_store_upward_alone EXCLUDE_FROM_ALL layers/stub.c layers/upward.c)
target_link_libraries(svc_store_upward_alone PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,svc_store>")
# The headers only: config_get is declared, never linked.
target_include_directories(svc_store_upward_alone PRIVATE ${PROJECT_SOURCE_DIR}/src)
# The same file compiled with the store's include directories only
# (src/CMakeLists.txt, svc_headers): config/config.h is not found.
add_library(svc_store_upward_include OBJECT EXCLUDE_FROM_ALL layers/upward.c)
target_link_libraries(svc_store_upward_include PRIVATE svc_store)
add_test(NAME layers_upward_fails
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/layers/test_upward.sh ${CMAKE_BINARY_DIR})
set_tests_properties(layers_upward_fails PROPERTIES LABELS "lint")
