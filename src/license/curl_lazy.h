/*
 * libcurl, opened on first use. Linked directly, it made every svcmode
 * command load the thirty libraries it pulls in (GnuTLS, Kerberos, LDAP,
 * a second OpenSSL, ...): `svcmode get` went from 3.2 to 13.5 million
 * instructions and to 12 MiB of memory (docs/benchmarks.md). Only the
 * online license commands use it, so they open it when they run.
 *
 * Include this header instead of <curl/curl.h>: the calls below then go
 * through pointers that curl_lazy_load() fills.
 */
#ifndef SVC_CURL_LAZY_H
#define SVC_CURL_LAZY_H

/* Plain prototypes: the type-checking macros of curl.h would hide the
 * names redefined below. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "util/err.h"

#define CURL_LAZY_SONAME "libcurl.so.4"

#define CURL_LAZY_FUNCS(X)                                                                         \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_init)                                                                          \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_strerror)                                                                      \
	X(curl_slist_append)                                                                       \
	X(curl_slist_free_all)

#define X(name) extern __typeof__(name) *lazy_##name;
CURL_LAZY_FUNCS(X)
#undef X

/* Loads libcurl once; EX_UNAVAILABLE naming the Debian package if it is
 * missing. Safe to call again. */
int curl_lazy_load(struct svc_err *err);

#ifndef CURL_LAZY_IMPL
/* curl.h wraps these two in macros that check the argument count. */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#define curl_easy_cleanup (*lazy_curl_easy_cleanup)
#define curl_easy_getinfo (*lazy_curl_easy_getinfo)
#define curl_easy_init (*lazy_curl_easy_init)
#define curl_easy_perform (*lazy_curl_easy_perform)
#define curl_easy_setopt (*lazy_curl_easy_setopt)
#define curl_easy_strerror (*lazy_curl_easy_strerror)
#define curl_slist_append (*lazy_curl_slist_append)
#define curl_slist_free_all (*lazy_curl_slist_free_all)
#endif

#endif
