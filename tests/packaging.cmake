# Packaging (packaging/): the Debian package, built from a fresh Release
# tree with packaging/build-deb.sh and inspected, installed into a
# directory and run; the man pages against the built svcmode's --help;
# the bash completion. Not under valgrind: they build and run whole
# programs.
set(SVC_PKG_TEST_ENV
  "SVCMODE=$<TARGET_FILE:svcmode>"
  "SRC=${PROJECT_SOURCE_DIR}"
  "BUILD=${PROJECT_BINARY_DIR}"
  "MANDIR=${PROJECT_BINARY_DIR}/packaging/man")
if(TARGET svcmode-lms)
  list(APPEND SVC_PKG_TEST_ENV "SVCMODE_LMS=$<TARGET_FILE:svcmode-lms>")
endif()
foreach(t man completion deb)
  add_test(NAME packaging_${t}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/packaging/test_${t}.sh)
  set_tests_properties(packaging_${t} PROPERTIES LABELS packaging
    ENVIRONMENT "${SVC_PKG_TEST_ENV}")
endforeach()
# The package build takes the two cores for a while (JOBS=2): ctest counts
# it as two tests, and it need not wait for every other test to end
# (RUN_SERIAL did that, and ran it alone at the end).
set_tests_properties(packaging_deb PROPERTIES TIMEOUT 900 PROCESSORS 2)

# The package installed with apt into a debootstrap root of Debian 12
# (several minutes, needs root and the Debian archive): opt-in.
option(SVC_TEST_DEBOOTSTRAP "Test the .deb in a debootstrap root (slow, network)" OFF)
if(SVC_TEST_DEBOOTSTRAP)
  add_test(NAME packaging_debootstrap
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/packaging/test_debootstrap.sh)
  set_tests_properties(packaging_debootstrap PROPERTIES LABELS "packaging;debootstrap"
    ENVIRONMENT "${SVC_PKG_TEST_ENV}" TIMEOUT 1800 RUN_SERIAL ON)
endif()
