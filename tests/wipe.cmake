# Initialize All Data/Settings.
svc_unit_test(test_wipe wipe/test_wipe.c svc_testfix svc_wipe)
svc_cli_test(wipe_cli_quick wipe/test_cli_quick.sh valgrind)
svc_cli_test(wipe_init wipe/test_init.sh valgrind)
# 100 kill -9 runs on a small store, one in each hundredth of a clean
# run's time: about 30 s in the ASan build on 2 cores; the script's first
# argument or WIPE_KILL_LOOPS sets another count. Labelled slow: not in
# the quick tier.
svc_cli_test(wipe_kill wipe/test_kill.sh slow)
set_tests_properties(wipe_kill PROPERTIES TIMEOUT 2400)
svc_cli_test(wipe_markers wipe/test_markers.sh valgrind)
# Not again under valgrind: it repeats set, describe and one init over
# every key, paths that cli_settings, wipe_init and wipe_markers run there.
svc_cli_test(wipe_table wipe/test_table.sh)
svc_cli_test(wipe_concurrent wipe/test_concurrent.sh)
# Nothing svcmode wrote survives beside the store after Initialize All Data.
svc_cli_test(wipe_leftovers wipe/test_leftovers.sh valgrind)
