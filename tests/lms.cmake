# The license server as a network service (svcmode-lms serve): the API over
# real TLS with curl, on 127.0.0.1 and a free port.
function(svc_lms_test name script)
  svc_cli_test(${name} ${script} lms)
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "LMS=$<TARGET_FILE:svcmode-lms>")
endfunction()
if(TARGET svcmode-lms)
  svc_lms_test(lms_api lms/test_lms_api.sh)
  svc_lms_test(lms_race lms/test_lms_race.sh)
  svc_lms_test(lms_browser lms/test_lms_browser.sh)
endif()
