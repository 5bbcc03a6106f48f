/* Temporary directories for the unit tests (tmpdir.h). */
#define _XOPEN_SOURCE 700
#include "tmpdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

int
tmpdir_make(char *dir, size_t cap, const char *tag)
{
	if ((size_t)snprintf(dir, cap, "/tmp/svc-%s.XXXXXX", tag) >= cap)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

void
tmpdir_remove(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
