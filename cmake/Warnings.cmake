# Warnings as in the project's style guide; -Werror with -DSVC_WERROR=ON (CI).
set(SVC_WARNINGS
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wwrite-strings -Wno-format-nonliteral)
if(SVC_WERROR)
  list(APPEND SVC_WARNINGS -Werror)
endif()
add_compile_options(${SVC_WARNINGS})
add_compile_definitions(_GNU_SOURCE)

set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG")
set(CMAKE_C_FLAGS_DEBUG "-O0 -g")
# Asan: the sanitizer build the test suite runs.
set(CMAKE_C_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined")
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")
set(CMAKE_SHARED_LINKER_FLAGS_ASAN "-fsanitize=address,undefined")

# The fuzz build instruments every library for coverage.
if(SVC_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
