# The license server as a network service (svcmode-lms serve): the API over
# real TLS with curl, on 127.0.0.1 and a free port.
function(svc_lms_test name script)
  svc_cli_test(${name} ${script} lms ${ARGN})
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "LMS=$<TARGET_FILE:svcmode-lms>")
endfunction()
if(TARGET svcmode-lms)
  svc_lms_test(lms_api lms/test_lms_api.sh)
  svc_lms_test(lms_race lms/test_lms_race.sh)
  # A browser, not a CLI test: the full suite only (it needs chromium).
  svc_lms_test(lms_browser lms/test_lms_browser.sh slow)
  svc_lms_test(lms_service lms/test_lms_service.sh)
endif()
# The same two scripts against a real PostgreSQL 15 server that each starts
# for itself (tests/lms/lib.sh pg_start): both backends, the same assertions.
if(TARGET svcmode-lms)
  svc_lms_test(lms_api_pg lms/test_lms_api.sh)
  svc_lms_test(lms_race_pg lms/test_lms_race.sh)
  set_property(TEST lms_api_pg lms_race_pg APPEND PROPERTY ENVIRONMENT "LMS_BACKEND=postgresql")
endif()
