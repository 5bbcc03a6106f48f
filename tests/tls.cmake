# SSL key pairs and CA certificates, checked with the real openssl command.
svc_cli_test(tls_cert tls/test_cert.sh valgrind)
# unit.cmake (which defines svc_unit_test) sorts after this file: defer the call.
cmake_language(DEFER CALL svc_unit_test test_tls tls/test_tls.c svc_testfix svc_tls)
