# The operation table: the walk against screens/, and every operation at
# every session through op_exec (tests/ops/test_ops.c); the CLI words of
# every operation at every session (tests/cli/test_op_levels.sh).
add_library(svc_testsample STATIC ops/sample.c)
target_link_libraries(svc_testsample PUBLIC svc_ops)
svc_unit_test(test_ops ops/test_ops.c svc_testfix svc_testsample svc_menu)
add_executable(op-table ops/op_table.c)
target_link_libraries(op-table PRIVATE svc_testsample)
