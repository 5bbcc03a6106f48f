# House rules (banned functions, layering, formatting).
add_test(NAME lint_style COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/lint/check-style.sh)
set_tests_properties(lint_style PROPERTIES LABELS lint ENVIRONMENT "SRC=${PROJECT_SOURCE_DIR}")

# cppcheck and clang-tidy over src/, with the compile commands of this build.
find_program(SVC_CPPCHECK cppcheck)
find_program(SVC_CLANG_TIDY clang-tidy)
if(SVC_CPPCHECK AND SVC_CLANG_TIDY)
  add_test(NAME lint_static COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/lint/static-analysis.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(lint_static PROPERTIES LABELS lint TIMEOUT 900)
endif()
