/*
 * A shared library opened when a feature first needs it, so that the
 * commands that do not use it never pay for loading it and the libraries
 * it pulls in (libcurl brings about thirty; see docs/benchmarks.md).
 * The caller lists the symbols it uses and where their addresses go.
 */
#ifndef SVC_DYNLIB_H
#define SVC_DYNLIB_H

#include <stddef.h>

#include "util/err.h"

struct dynlib_sym {
	const char *name;
	void **slot;
};

/* Opens SONAME once (*HANDLE keeps it) and fills every slot of SYMS.
 * EX_UNAVAILABLE naming PACKAGE when the library or a symbol is missing;
 * no slot is trusted then. Safe to call again: 0 at once when open. */
int dynlib_open(void **handle, const char *soname, const char *package,
		const struct dynlib_sym *syms, size_t n, struct svc_err *err);

#endif
