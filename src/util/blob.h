/* A data file compiled into the binary by cmake/Embed.cmake. */
#ifndef SVC_BLOB_H
#define SVC_BLOB_H
#include <stddef.h>

struct svc_blob {
	const char *name; /* file name, e.g. "001_core.sql" */
	const char *data; /* NUL-terminated */
	size_t size;      /* without the NUL */
};

#endif
