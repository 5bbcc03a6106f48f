# cmocka unit tests of the foundation modules.
svc_unit_test(test_catalog unit/test_catalog.c svc_catalog)
svc_unit_test(test_access unit/test_access.c svc_config)
svc_unit_test(test_store unit/test_store.c svc_store PkgConfig::SQLITE)
svc_unit_test(test_hex unit/test_hex.c svc_util)
