# Backup of Mail Box: round trips, damaged archives, kill -9 and a full disk.
svc_cli_test(backup_roundtrip backup/test_roundtrip.sh valgrind)
svc_cli_test(backup_corrupt backup/test_corrupt.sh valgrind)
# 100 kills of create and 100 of restore (RUNS=N in the environment changes it).
svc_cli_test(backup_kill backup/test_kill.sh fault)
set_tests_properties(backup_kill PROPERTIES TIMEOUT 900)
svc_cli_test(backup_fulldisk backup/test_fulldisk.sh)
svc_cli_test(backup_memory backup/test_memory.sh)
