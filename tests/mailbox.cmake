# Mail Box: the box commands on temporary stores, the module's parsers and
# its operations. All run under valgrind too (the password tests hash
# PBKDF2 passwords and take a minute or two there).
svc_cli_test(mailbox_box mailbox/test_box.sh valgrind)
svc_cli_test(mailbox_password mailbox/test_box_password.sh valgrind)
svc_unit_test(test_mailbox mailbox/test_mailbox.c svc_mailbox)
svc_unit_test(test_mailbox_actions mailbox/test_actions.c svc_testfix)
svc_cli_test(mailbox_pages mailbox/test_pages.sh valgrind)
svc_unit_test(test_mailbox_pages mailbox/test_pages.c svc_mailbox)
