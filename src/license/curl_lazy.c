#define CURL_LAZY_IMPL
#include "license/curl_lazy.h"

#include <stddef.h>

#include "util/dynlib.h"

#define X(name) __typeof__(name) *lazy_##name;
CURL_LAZY_FUNCS(X)
#undef X

int
curl_lazy_load(struct svc_err *err)
{
	static void *lib;
#define X(name) { #name, (void **)&lazy_##name },
	static const struct dynlib_sym syms[] = { CURL_LAZY_FUNCS(X) };
#undef X

	return dynlib_open(&lib, CURL_LAZY_SONAME, "libcurl4", syms, sizeof syms / sizeof syms[0],
			   err);
}
