#include "util/dynlib.h"

#include <dlfcn.h>

int
dynlib_open(void **handle, const char *soname, const char *package, const struct dynlib_sym *syms,
	    size_t n, struct svc_err *err)
{
	void *h;
	size_t i;

	if (*handle != NULL)
		return 0;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return svc_errf(err, EX_UNAVAILABLE, "%s is missing (apt-get install %s): %s",
				soname, package, dlerror());
	for (i = 0; i < n; i++) {
		if ((*syms[i].slot = dlsym(h, syms[i].name)) == NULL) {
			dlclose(h);
			return svc_errf(err, EX_UNAVAILABLE, "%s lacks %s (apt-get install %s)",
					soname, syms[i].name, package);
		}
	}
	*handle = h;
	return 0;
}
