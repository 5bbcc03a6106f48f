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
# Writers that meet another writer run again (lms_retry in src/lms/lms_core.c):
# on both backends, with a held lock that makes them meet for certain.
if(TARGET svcmode-lms)
  svc_lms_test(lms_writes lms/test_lms_writes.sh)
  svc_lms_test(lms_writes_pg lms/test_lms_writes.sh)
  set_property(TEST lms_writes_pg APPEND PROPERTY ENVIRONMENT "LMS_BACKEND=postgresql")
endif()
# The service on IPv6 ([::1]:PORT, [::]:PORT): skipped (77) without an IPv6
# loopback. The address parser is lms_listen_parse (src/lms/lms_core.c).
if(TARGET svcmode-lms)
  svc_lms_test(lms_ipv6 lms/test_lms_ipv6.sh)
  set_tests_properties(lms_ipv6 PROPERTIES SKIP_RETURN_CODE 77)
endif()
