# The code svcmode runs, gathered at the start of .text: the kernel maps
# code 64 KiB around each page a process touches, so code scattered over
# the 4.6 MB of .text (svcmode's own, SQLite's, OpenSSL's...) costs far
# more memory than its size. cmake/hot-text.ld lists the sections that hold
# it (bench/hot-text.py says how it is made; bench/hot-text.sh regenerates
# it); GNU ld adds that list to its default script (INSERT). Every
# function of svcmode's own gets a section, so that the list can name it.
option(SVC_HOT_TEXT "Gather the code svcmode runs at the start of .text (cmake/hot-text.ld)" ON)
add_compile_options(-ffunction-sections)
set(SVC_HOT_TEXT_LD ${PROJECT_SOURCE_DIR}/cmake/hot-text.ld)
if(SVC_HOT_TEXT AND EXISTS ${SVC_HOT_TEXT_LD})
  include(CheckLinkerFlag)
  check_linker_flag(C "LINKER:-T,${SVC_HOT_TEXT_LD}" SVC_HAVE_HOT_TEXT)
endif()

# svc_hot_text(TARGET): links TARGET with the list, where the linker takes it.
function(svc_hot_text target)
  if(SVC_HOT_TEXT AND SVC_HAVE_HOT_TEXT)
    target_link_options(${target} PRIVATE "LINKER:-T,${SVC_HOT_TEXT_LD}")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${SVC_HOT_TEXT_LD})
  endif()
endfunction()
