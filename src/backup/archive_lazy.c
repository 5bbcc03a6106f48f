#define ARCHIVE_LAZY_IMPL
#include "backup/archive_lazy.h"

#include <stddef.h>

#include "util/dynlib.h"

#ifndef SVC_ARCHIVE_STATIC

#define X(name) __typeof__(name) *lazy_##name;
ARCHIVE_LAZY_FUNCS(X)
#undef X

int
archive_lazy_load(struct svc_err *err)
{
	static void *lib;
#define X(name) { #name, (void **)&lazy_##name },
	static const struct dynlib_sym syms[] = { ARCHIVE_LAZY_FUNCS(X) };
#undef X

	return dynlib_open(&lib, ARCHIVE_LAZY_SONAME, "libarchive13", syms,
			   sizeof syms / sizeof syms[0], err);
}
#endif
