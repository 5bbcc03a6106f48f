#define ARCHIVE_LAZY_IMPL
#include "backup/archive_lazy.h"

#include <dlfcn.h>
#include <stddef.h>

#define X(name) __typeof__(name) *lazy_##name;
ARCHIVE_LAZY_FUNCS(X)
#undef X

int
archive_lazy_load(struct svc_err *err)
{
	static void *lib;
	void *h;

	if (lib != NULL)
		return 0;
	h = dlopen(ARCHIVE_LAZY_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return svc_errf(err, EX_UNAVAILABLE,
				"backup needs %s (apt-get install libarchive13): %s",
				ARCHIVE_LAZY_SONAME, dlerror());
#define X(name)                                                                                    \
	if ((*(void **)&lazy_##name = dlsym(h, #name)) == NULL) {                                  \
		svc_errf(err, EX_UNAVAILABLE, "%s lacks %s", ARCHIVE_LAZY_SONAME, #name);          \
		dlclose(h);                                                                        \
		return -1;                                                                         \
	}
	ARCHIVE_LAZY_FUNCS(X)
#undef X
	lib = h;
	return 0;
}
