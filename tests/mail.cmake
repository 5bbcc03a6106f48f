# The mail client against real servers (Dovecot, Postfix, Cyrus SASL) on
# 127.0.0.1; the packages are in tests/mail.deps.
svc_cli_test(mail_servers mail/test_mail.sh mail)
# POP reception: UIDL de-duplication, POP AUTH NTLM (tests/mail/pop_sasl.c).
svc_cli_test(mail_rx mail/test_mail_rx.sh mail)
# Both start the same kinds of servers: never at the same time.
set_tests_properties(mail_servers mail_rx PROPERTIES TIMEOUT 600 RESOURCE_LOCK mail_servers)

# The test POP server with Cyrus SASL (POP AUTH NTLM): a test helper only,
# never installed. libsasl2-dev is in tests/mail.deps; without it the NTLM
# cases of mail_rx fail and say so.
pkg_check_modules(SVC_SASL2 IMPORTED_TARGET libsasl2)
if(SVC_SASL2_FOUND)
  add_executable(mail_pop_sasl mail/pop_sasl.c)
  target_link_libraries(mail_pop_sasl PRIVATE PkgConfig::SVC_SASL2)
  set_property(TEST mail_rx APPEND PROPERTY ENVIRONMENT "MS_POP_SASL_BIN=$<TARGET_FILE:mail_pop_sasl>")
else()
  message(STATUS "libsasl2 not found: apt-get install libsasl2-dev for the mail_rx NTLM cases")
endif()

# Tests without servers.
svc_unit_test(test_mail mail/test_mail_unit.c svc_mail)
svc_cli_test(mail_cli mail/test_codes.sh valgrind)

# SMTP reception and the POP Interval: the reception service against swaks,
# openssl, Postfix relaying and raw clients; SIGKILL during delivery.
svc_cli_test(mail_smtp_rx mail/test_smtp_rx.sh mail)
set_tests_properties(mail_smtp_rx PROPERTIES TIMEOUT 600 RESOURCE_LOCK mail_servers)
