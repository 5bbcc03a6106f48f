# svc_embed(OUT_C SYMBOL FILE...): compiles data files into the binary as
#   const struct svc_blob SYMBOL[] = { {name, data, size}, ..., {0} };
# sorted by file name, so numbered migrations and screens keep their order.
function(svc_embed out symbol)
  set(files ${ARGN})
  list(SORT files)
  string(REPLACE ";" "," joined "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            "-DFILES=${joined}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedRun.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedRun.cmake
    COMMENT "Embedding ${symbol}" VERBATIM)
endfunction()
