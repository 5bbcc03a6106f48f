# CLI tests of the foundation: the built binary on temporary stores.
svc_cli_test(cli_settings cli/test_settings.sh valgrind)
svc_cli_test(cli_store cli/test_store.sh valgrind)
svc_cli_test(cli_access cli/test_access.sh valgrind)
svc_cli_test(cli_import cli/test_import.sh valgrind)
svc_cli_test(cli_concurrency cli/test_concurrency.sh)
svc_cli_test(cli_levels cli/test_levels.sh valgrind)
svc_cli_test(cli_child_env cli/test_child_env.sh)
svc_cli_test(cli_op_levels cli/test_op_levels.sh)
svc_cli_test(cli_bad_input cli/test_bad_input.sh)
svc_cli_test(cli_no_controls cli/test_no_controls.sh)
# Not again under valgrind: 'describe' over every key, a path cli_settings
# runs there.
svc_cli_test(cli_effects cli/test_effects.sh)
svc_cli_test(cli_transfer cli/test_transfer.sh valgrind)
svc_cli_test(cli_core cli/test_core.sh valgrind)
set_tests_properties(cli_core PROPERTIES SKIP_RETURN_CODE 77)
