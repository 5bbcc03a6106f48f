# CLI tests of the foundation: the built binary on temporary stores.
svc_cli_test(cli_settings cli/test_settings.sh valgrind)
svc_cli_test(cli_store cli/test_store.sh valgrind)
svc_cli_test(cli_access cli/test_access.sh valgrind)
svc_cli_test(cli_import cli/test_import.sh valgrind)
svc_cli_test(cli_concurrency cli/test_concurrency.sh)
svc_cli_test(cli_levels cli/test_levels.sh valgrind)
svc_cli_test(cli_child_env cli/test_child_env.sh)
svc_cli_test(cli_op_levels cli/test_op_levels.sh)
