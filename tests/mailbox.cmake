# Mail Box: the box commands on temporary stores, and the module's parsers.
# Deferred: the svc_*_test helpers come from files included after this one.
cmake_language(DEFER CALL svc_cli_test mailbox_box mailbox/test_box.sh valgrind)
cmake_language(DEFER CALL svc_cli_test mailbox_password mailbox/test_box_password.sh)
cmake_language(DEFER CALL svc_unit_test test_mailbox mailbox/test_mailbox.c svc_mailbox)
cmake_language(DEFER CALL svc_unit_test test_mailbox_actions mailbox/test_actions.c svc_actions)
