# The menu tree (screens/ against the catalog and the actions) and the TUI
# driven in a pseudo-terminal, rendered with pyte.
svc_unit_test(test_menu tui/test_menu.c svc_menu svc_ops svc_testfix)

find_program(SVC_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(SVC_PYTHON3)
  # Four cases at a time: they mostly wait for the screen to settle (about
  # 200 s one after another, under 70 s this way, in the ASan build).
  add_test(NAME tui_pty COMMAND ${SVC_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/tui/test_tui.py
           $<TARGET_FILE:svcmode> --jobs 4)
  set_tests_properties(tui_pty PROPERTIES LABELS "tui" TIMEOUT 600)
endif()
