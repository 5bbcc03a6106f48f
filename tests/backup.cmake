# Backup of Mail Box: round trips, damaged archives, kill -9 and a full disk.
cmake_language(DEFER CALL svc_cli_test backup_roundtrip backup/test_roundtrip.sh)
