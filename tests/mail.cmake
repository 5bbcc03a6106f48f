# The mail client against real servers (Dovecot, Postfix, Cyrus SASL) on
# 127.0.0.1; the packages are in tests/mail.deps.
svc_cli_test(mail_servers mail/test_mail.sh mail)
set_tests_properties(mail_servers PROPERTIES TIMEOUT 300)
