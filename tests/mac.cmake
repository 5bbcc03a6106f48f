# MAC Address Block: the CLI on temporary stores, rulesets checked with nft -c
# in a network namespace, and their effect on frames between two namespaces.
svc_cli_test(mac_cli mac/test_mac.sh valgrind)
svc_cli_test(mac_netns mac/test_netns.sh)
set_tests_properties(mac_netns PROPERTIES SKIP_RETURN_CODE 77)
svc_unit_test(test_mac mac/test_mac_unit.c svc_testfix svc_mac)
