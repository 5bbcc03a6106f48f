# cmocka unit tests of the foundation modules.
svc_unit_test(test_catalog unit/test_catalog.c svc_catalog)
svc_unit_test(test_access unit/test_access.c svc_config)
svc_unit_test(test_store unit/test_store.c svc_store svc_testdir PkgConfig::SQLITE)
svc_unit_test(test_hex unit/test_hex.c svc_util)
svc_unit_test(test_util unit/test_util.c svc_util svc_testdir)
# The backup manifest through backup_int.h (src/backup's private header).
svc_unit_test(test_backup_manifest unit/test_backup_manifest.c svc_testfix svc_backup svc_access)
# Typed reads, catalog choices and config_bind on a real store.
svc_unit_test(test_config unit/test_config.c svc_testfix svc_config)
# Settings export and import between two real stores.
svc_unit_test(test_transfer unit/test_transfer.c svc_testfix svc_config)
