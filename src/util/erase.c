#include "util/erase.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/strbuf.h"

#define CHUNK (1 << 20)

static const char *const method_names[] = {
	[ERASE_ZEROS] = "zeros",
	[ERASE_RANDOM] = "random",
	[ERASE_DOD3] = "dod3",
};

int
erase_method_parse(const char *s, enum erase_method *out)
{
	for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++) {
		if (strcmp(s, method_names[i]) == 0) {
			*out = (enum erase_method)i;
			return 0;
		}
	}
	return -1;
}

const char *
erase_method_name(enum erase_method m)
{
	return method_names[m];
}

void
erase_count(struct erase_stats *st, const char *kind, int64_t n)
{
	for (int i = 0; i < st->nkinds; i++) {
		if (strcmp(st->kinds[i].kind, kind) == 0) {
			st->kinds[i].n += n;
			return;
		}
	}
	if (st->nkinds == ERASE_MAX_KINDS)
		return;
	strlcpy_(st->kinds[st->nkinds].kind, kind, sizeof st->kinds[0].kind);
	st->kinds[st->nkinds++].n = n;
}

/* xoshiro256** : fast, and reproducible from its seed for verification.
 * Overwriting needs unpredictability to nobody, only a pattern that is not
 * the old data; the seed still comes from getrandom(). */
struct prng {
	uint64_t s[4];
};

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
prng_next(struct prng *p)
{
	uint64_t r = rotl(p->s[1] * 5, 7) * 9, t = p->s[1] << 17;

	p->s[2] ^= p->s[0];
	p->s[3] ^= p->s[1];
	p->s[1] ^= p->s[2];
	p->s[0] ^= p->s[3];
	p->s[2] ^= t;
	p->s[3] = rotl(p->s[3], 45);
	return r;
}

static void
fill(unsigned char *buf, size_t n, int pattern, struct prng *p)
{
	if (pattern >= 0) {
		memset(buf, pattern, n);
		return;
	}
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint64_t v = prng_next(p);
		memcpy(buf + i, &v, 8);
	}
}

/* One pass of PATTERN (a byte, or -1 for pseudo-random from SEED),
 * fsynced when SYNC (batch mode leaves the last pass to erase_flush). */
static int
pass(int fd, off_t size, int pattern, const struct prng *seed, unsigned char *buf,
     struct erase_stats *st, bool sync)
{
	struct prng p = *seed;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	if (pattern >= 0)
		fill(buf, CHUNK, pattern, &p); /* the same bytes for every chunk */
	for (off_t done = 0; done < size;) {
		size_t n = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		if (pattern < 0)
			fill(buf, (n + 7) & ~(size_t)7, pattern, &p); /* no stale tail */
		if (fs_write_all(fd, buf, n) != 0)
			return -1;
		done += (off_t)n;
		st->bytes += (int64_t)n;
		if (st->progress)
			st->progress(st->progress_arg, done);
	}
	return sync ? fsync(fd) : 0;
}

static int
verify(int fd, off_t size, int pattern, const struct prng *seed, unsigned char *buf,
       unsigned char *want)
{
	struct prng p = *seed;

	/* Drop the cached pages so the read-back comes from the disk. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	if (pattern >= 0)
		fill(want, CHUNK, pattern, &p);
	for (off_t done = 0; done < size;) {
		size_t n = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		ssize_t got = read(fd, buf, n);
		if (pattern < 0)
			fill(want, (n + 7) & ~(size_t)7, pattern, &p);
		if (got != (ssize_t)n || memcmp(buf, want, n) != 0)
			return 1;
		done += (off_t)n;
	}
	return 0;
}

/* A file of the batch: overwritten, not yet synced, read back or unlinked. */
struct erase_pending {
	char *path;
	struct prng seed;
	off_t size;
	int pattern; /* of the last pass, for the read-back */
	dev_t dev;
};

static void
batch_add(struct erase_stats *st, const char *path, const struct stat *sb, const struct prng *seed,
	  int pattern)
{
	struct erase_pending *e;

	if (st->npending == st->cap_pending) {
		st->cap_pending = st->cap_pending ? 2 * st->cap_pending : 64;
		st->pending = xrealloc(st->pending, (size_t)st->cap_pending * sizeof *e);
	}
	e = &st->pending[st->npending++];
	e->path = xstrdup(path);
	e->seed = *seed;
	e->size = sb->st_size;
	e->pattern = pattern;
	e->dev = sb->st_dev;
}

static void
batch_release(struct erase_stats *st)
{
	for (int i = 0; i < st->npending; i++)
		free(st->pending[i].path);
	free(st->pending);
	free(st->buf);
	free(st->want);
	st->pending = NULL;
	st->npending = st->cap_pending = 0;
	st->buf = st->want = NULL;
}

/* syncfs() once for each file system the batch touched, through the
 * directory of its first file (which outlives the files' unlinking). */
static int
batch_sync(struct erase_stats *st, struct svc_err *err)
{
	for (int i = 0; i < st->npending; i++) {
		bool seen = false;
		char *dir;
		int fd, rc = 0;

		for (int j = 0; j < i && !seen; j++)
			seen = st->pending[j].dev == st->pending[i].dev;
		if (seen)
			continue;
		dir = fs_dirname(st->pending[i].path);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || syncfs(fd) != 0)
			rc = svc_errf(err, EX_IOERR, "cannot sync the file system of '%s': %s", dir,
				      strerror(errno));
		if (fd >= 0)
			close(fd);
		free(dir);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static void
batch_verify(struct erase_stats *st)
{
	for (int i = 0; i < st->npending; i++) {
		struct erase_pending *e = &st->pending[i];
		int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd < 0 || verify(fd, e->size, e->pattern, &e->seed, st->buf, st->want) != 0)
			st->verify_failures++;
		if (fd >= 0)
			close(fd);
	}
}

/* Unlinking: each unlink waits for the file system, about 4 ms on an
 * ext4 mounted with discard, whatever the file's size; so the files go
 * from UNLINKERS threads at once, which the file system overlaps. */
#define UNLINKERS 8

struct unlinker {
	struct erase_stats *st;
	pthread_mutex_t *mu;
	int *next;
	int failed; /* index of a file that could not be removed, or -1 */
	int errnum;
};

static void *
unlink_some(void *arg)
{
	struct unlinker *u = arg;

	for (;;) {
		int i;

		pthread_mutex_lock(u->mu);
		i = (*u->next)++;
		pthread_mutex_unlock(u->mu);
		if (i >= u->st->npending)
			return NULL;
		if (unlink(u->st->pending[i].path) != 0 && errno != ENOENT && u->failed < 0) {
			u->failed = i;
			u->errnum = errno;
		}
	}
}

static int
batch_unlink(struct erase_stats *st, struct svc_err *err)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct unlinker u[UNLINKERS];
	pthread_t tid[UNLINKERS];
	int next = 0, started = 0, rc = 0;

	for (int k = 0; k < UNLINKERS; k++) {
		u[k] = (struct unlinker){ st, &mu, &next, -1, 0 };
		/* A thread that cannot start leaves its share to the others
		 * (and the calling thread below). */
		if (k > 0 && k < st->npending &&
		    pthread_create(&tid[k], NULL, unlink_some, &u[k]) == 0)
			started |= 1 << k;
	}
	unlink_some(&u[0]);
	for (int k = 1; k < UNLINKERS; k++)
		if (started & (1 << k))
			pthread_join(tid[k], NULL);
	for (int k = 0; k < UNLINKERS && rc == 0; k++)
		if (u[k].failed >= 0)
			rc = svc_errf(err, EX_IOERR, "cannot remove '%s': %s",
				      st->pending[u[k].failed].path, strerror(u[k].errnum));
	return rc;
}

int
erase_flush(struct erase_stats *st, struct svc_err *err)
{
	int rc = -1;

	if (st->npending == 0) {
		batch_release(st);
		return 0;
	}
	/* Every overwrite on the disk before any file goes: a crash up to
	 * here leaves the files in place, to be erased again on resume. */
	if (batch_sync(st, err) != 0)
		goto out;
	if (st->verify)
		batch_verify(st);
	if (batch_unlink(st, err) != 0)
		goto out;
	rc = batch_sync(st, err);
out:
	batch_release(st);
	return rc;
}

int
erase_file(const char *path, struct erase_stats *st, struct svc_err *err)
{
	static const int dod3[] = { 0x00, 0xff, -1 };
	static const int zeros[] = { 0x00 };
	static const int random1[] = { -1 };
	const int *passes = st->method == ERASE_DOD3     ? dod3
			    : st->method == ERASE_RANDOM ? random1
							 : zeros;
	int npasses = st->method == ERASE_DOD3 ? 3 : 1;
	unsigned char *buf = st->buf, *want = st->want;
	struct prng seed;
	struct stat sb;
	int fd, rc = -1;

	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		return svc_errf(err, EX_IOERR, "cannot open '%s' to erase it: %s", path,
				strerror(errno));
	}
	if (fstat(fd, &sb) != 0 || getrandom(seed.s, sizeof seed.s, 0) != (ssize_t)sizeof seed.s) {
		svc_errf(err, EX_IOERR, "cannot erase '%s': %s", path, strerror(errno));
		goto out;
	}
	if (buf == NULL) {
		buf = xmalloc(CHUNK);
		want = xmalloc(CHUNK);
	}
	if (st->batch) {
		st->buf = buf;
		st->want = want;
	}
	/* Every pass but the batch's last reaches the disk before the next
	 * one: the page cache would otherwise keep only the last. */
	for (int i = 0; i < npasses; i++) {
		if (pass(fd, sb.st_size, passes[i], &seed, buf, st,
			 !st->batch || i < npasses - 1) != 0) {
			svc_errf(err, EX_IOERR, "cannot overwrite '%s': %s", path, strerror(errno));
			goto out;
		}
	}
	if (st->batch) {
		batch_add(st, path, &sb, &seed, passes[npasses - 1]);
		rc = 0;
		goto out;
	}
	if (st->verify && verify(fd, sb.st_size, passes[npasses - 1], &seed, buf, want) != 0)
		st->verify_failures++;
	close(fd);
	fd = -1;
	if (unlink(path) != 0) {
		svc_errf(err, EX_IOERR, "cannot remove '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = fs_sync_dir(path, err);
out:
	if (fd >= 0)
		close(fd);
	if (!st->batch) {
		free(buf);
		free(want);
	}
	return rc;
}
