# SSL key pairs and CA certificates, checked with the real openssl command.
svc_cli_test(tls_cert tls/test_cert.sh valgrind)
svc_unit_test(test_tls tls/test_tls.c svc_testfix svc_tls)
