# Initialize All Data/Settings.
svc_unit_test(test_wipe wipe/test_wipe.c svc_actions svc_wipe)
svc_cli_test(wipe_init wipe/test_init.sh valgrind)
