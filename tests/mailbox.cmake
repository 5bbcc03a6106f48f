# Mail Box: the box commands on temporary stores, the module's parsers and
# the menu actions. Deferred: the svc_*_test helpers come from files
# included after this one. Only the fast unit test runs under valgrind
# (the others hash PBKDF2 passwords and take minutes there).
cmake_language(DEFER CALL svc_cli_test mailbox_box mailbox/test_box.sh)
cmake_language(DEFER CALL svc_cli_test mailbox_password mailbox/test_box_password.sh)
cmake_language(DEFER CALL svc_unit_test test_mailbox mailbox/test_mailbox.c svc_mailbox)
cmake_language(DEFER CALL svc_unit_test test_mailbox_actions mailbox/test_actions.c svc_actions)
cmake_language(DEFER CALL set_tests_properties test_mailbox_actions PROPERTIES LABELS unit)
cmake_language(DEFER CALL svc_cli_test mailbox_pages mailbox/test_pages.sh)
cmake_language(DEFER CALL svc_unit_test test_mailbox_pages mailbox/test_pages.c svc_mailbox)
