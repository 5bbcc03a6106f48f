/* File helpers shared by every module that writes files. */
#ifndef SVC_FSUTIL_H
#define SVC_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"
#include "util/strbuf.h"

/* mkdir -p; directories it creates get MODE. */
int fs_mkdirs(const char *path, mode_t mode, struct svc_err *err);
/* Reads PATH ("-" = stdin) into sb, refusing more than MAX bytes. */
int fs_read(const char *path, size_t max, struct strbuf *sb, struct svc_err *err);
/*
 * Writes data to PATH atomically: a temporary file beside it, fsync,
 * rename, fsync of the directory. PATH "-" writes to stdout.
 * On failure nothing at PATH has changed and the temporary file is gone.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct svc_err *err);
/* fsyncs the directory that holds PATH. */
int fs_sync_dir(const char *path, struct svc_err *err);
/* Whether PATH exists and is not a regular file (/dev/null, a FIFO, a
 * terminal): such a target is written through, never replaced by a
 * rename. */
bool fs_is_special(const char *path);
/* Writes all of buf to fd, retrying on EINTR and short writes. */
int fs_write_all(int fd, const void *buf, size_t len);
/* The directory part of PATH, in a new string. */
char *fs_dirname(const char *path);

/*
 * Lock files beside the store, removed by their holder when it is done so
 * that none is left behind: opens PATH (created 0600 with CREATE) and
 * tries once, without waiting, to take its exclusive flock(2). Returns the
 * descriptor; -2 when another process holds the lock; -1 with errno (ENOENT
 * without CREATE when there is no such file). A file that its holder
 * removed between our open and our lock is no longer the lock: it is
 * opened again.
 */
int fs_trylock(const char *path, bool create);
/* Removes PATH while FD still holds its lock, then releases it (FD < 0:
 * nothing). */
void fs_unlock_remove(const char *path, int fd);

#endif
