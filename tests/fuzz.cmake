# libFuzzer targets (clang): configure with CC=clang -DSVC_FUZZ=ON; run with
# tests/fuzz/run.sh. Each parser of outside input gets a target.

if(SVC_FUZZ)
  function(svc_fuzz_target name src)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE ${ARGN})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endfunction()
  svc_fuzz_target(fuzz_setting_value fuzz/fuzz_setting_value.c svc_catalog)
  svc_fuzz_target(fuzz_catalog_text fuzz/fuzz_catalog_text.c svc_catalog)
  svc_fuzz_target(fuzz_import_json fuzz/fuzz_import_json.c svc_config)
  svc_fuzz_target(fuzz_mac_address fuzz/fuzz_mac_address.c svc_mac)
  svc_fuzz_target(fuzz_license_text fuzz/fuzz_license_text.c svc_license)
  svc_fuzz_target(fuzz_screens fuzz/fuzz_screens.c svc_menu)
  svc_fuzz_target(fuzz_tls_import fuzz/fuzz_tls_import.c svc_tls)
  svc_fuzz_target(fuzz_backup fuzz/fuzz_backup.c svc_backup PkgConfig::ARCHIVE PkgConfig::OPENSSL)
  svc_fuzz_target(fuzz_sasl_challenge fuzz/fuzz_sasl_challenge.c svc_mail PkgConfig::OPENSSL PkgConfig::GSASL)
endif()
