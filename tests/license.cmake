# Licenses: the scheme (unit, exhaustive check-symbol proofs), the device
# side and the license server (CLI scripts on temporary stores).
# unit.cmake sorts after this file: its svc_unit_test() is called deferred.
cmake_language(DEFER CALL svc_unit_test test_license_scheme license/test_license_scheme.c
  svc_license)
# The exhaustive proofs take seconds natively, minutes under valgrind.
cmake_language(DEFER CALL set_tests_properties test_license_scheme PROPERTIES LABELS unit)
