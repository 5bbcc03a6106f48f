# Licenses: the scheme (unit, exhaustive check-symbol proofs), the device
# side and the license server (CLI scripts on temporary stores).
svc_unit_test(test_license_scheme license/test_license_scheme.c svc_license)
# The exhaustive proofs take seconds natively, under a minute in valgrind.
svc_unit_test(test_license_actions license/test_license_actions.c svc_testfix svc_license)
# The license history file outside the store.
svc_unit_test(test_license_history license/test_license_history.c svc_license)

# CLI scripts: they get the LMS binary too.
function(svc_license_test name script)
  svc_cli_test(${name} ${script} ${ARGN})
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "LMS=$<TARGET_FILE:svcmode-lms>")
endfunction()
svc_license_test(license_e2e license/test_license_e2e.sh valgrind)
svc_license_test(license_kill license/test_license_kill.sh slow)
# Rolling the store back does not bring a license back.
svc_license_test(license_rollback license/test_license_rollback.sh)
# license provision: a demo store moves to its factory key.
svc_license_test(license_provision license/test_license_provision.sh)
# The device online, against a TLS test LMS (python3, openssl).
svc_license_test(license_online license/test_license_online.sh)
# End to end with svcmode-lms serve.
svc_license_test(license_lms_e2e license/test_license_lms_e2e.sh)
