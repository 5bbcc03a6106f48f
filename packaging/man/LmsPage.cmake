# svcmode-lms(8) from svcmode-lms's own command table, at build time:
#   cmake -DLMS=PROGRAM -DTEMPLATE=IN -DOUT=PAGE -P LmsPage.cmake
# The table is static in src/lms/lms.c, a program rather than a library,
# so the page is made from what the program prints of it: the command
# names of 'svcmode-lms --help', then each command's usage and summary
# from 'svcmode-lms COMMAND --help'. A command added to the table appears
# here without a change. The line ".\" lms-commands" of TEMPLATE is
# replaced by one ".SS" entry per command.

# TEXT as roff: backslashes, dashes and a leading dot or quote escaped.
function(lms_roff out text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  if(text MATCHES "^[.']")
    string(PREPEND text "\\&")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${LMS} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${LMS} --help failed (${rc})")
endif()
# The "commands:" block: a line "  NAME ..." starts each command.
string(REGEX MATCH "\ncommands:\n(.*)" block "${help}")
string(REGEX REPLACE "\n\n.*" "" block "${CMAKE_MATCH_1}")
# A command is one or two words ("lan create"): a second word follows the
# first after one space, where the usage follows after several.
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*( [a-z][a-z0-9-]*)?" names "${block}")
set(entries "")
foreach(n IN LISTS names)
  string(STRIP "${n}" name)
  separate_arguments(words UNIX_COMMAND "${name}")
  execute_process(COMMAND ${LMS} ${words} --help OUTPUT_VARIABLE cmd RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${LMS} ${name} --help failed (${rc})")
  endif()
  # "usage: svcmode-lms [GLOBAL] NAME USAGE", a blank line, the summary.
  string(REGEX MATCH "^usage: [^\n]* ${name}( [^\n]*)?\n\n(.*)$" _ "${cmd}")
  string(STRIP "${CMAKE_MATCH_1}" usage)
  string(STRIP "${CMAKE_MATCH_2}" summary)
  if(summary STREQUAL "")
    message(FATAL_ERROR "${LMS} ${name} --help gives no summary")
  endif()
  lms_roff(usage "${usage}")
  lms_roff(title "${name}")
  lms_roff(summary "${summary}")
  string(APPEND entries ".SS svcmode\\-lms ${title} ${usage}\n${summary}.\n")
endforeach()
if(entries STREQUAL "")
  message(FATAL_ERROR "${LMS} --help lists no command")
endif()

file(READ ${TEMPLATE} page)
string(FIND "${page}" ".\\\" lms-commands" at)
if(at LESS 0)
  message(FATAL_ERROR "${TEMPLATE} has no '.\\\" lms-commands' line")
endif()
string(SUBSTRING "${page}" 0 ${at} head)
string(SUBSTRING "${page}" ${at} -1 tail)
string(FIND "${tail}" "\n" eol)
math(EXPR eol "${eol} + 1")
string(SUBSTRING "${tail}" ${eol} -1 tail)
set(page "${head}${entries}${tail}")
file(WRITE ${OUT}.tmp "${page}")
file(RENAME ${OUT}.tmp ${OUT})
