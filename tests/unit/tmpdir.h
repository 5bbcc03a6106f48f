/* A test's temporary directory, made under /tmp and removed with all it
 * holds: shared by the fixture and the tests of the lower layers, which do
 * not link the fixture. */
#ifndef SVC_TEST_TMPDIR_H
#define SVC_TEST_TMPDIR_H

#include <stddef.h>

/* Makes /tmp/svc-TAG.XXXXXX into DIR (CAP bytes); -1 on failure. */
int tmpdir_make(char *dir, size_t cap, const char *tag);
/* Removes DIR and everything below it. */
void tmpdir_remove(const char *dir);

#endif
