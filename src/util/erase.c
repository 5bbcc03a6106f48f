#include "util/erase.h"

#include <errno.h>
#include <fcntl.h>
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

/* One pass of PATTERN (a byte, or -1 for pseudo-random from SEED). */
static int
pass(int fd, off_t size, int pattern, const struct prng *seed, unsigned char *buf,
     struct erase_stats *st)
{
	struct prng p = *seed;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	for (off_t done = 0; done < size;) {
		size_t n = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		fill(buf, CHUNK, pattern, &p);
		if (fs_write_all(fd, buf, n) != 0)
			return -1;
		done += (off_t)n;
		st->bytes += (int64_t)n;
		if (st->progress)
			st->progress(st->progress_arg, done);
	}
	return fsync(fd);
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
	for (off_t done = 0; done < size;) {
		size_t n = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		ssize_t got = read(fd, buf, n);
		fill(want, CHUNK, pattern, &p);
		if (got != (ssize_t)n || memcmp(buf, want, n) != 0)
			return 1;
		done += (off_t)n;
	}
	return 0;
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
	unsigned char *buf = NULL, *want = NULL;
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
	buf = xmalloc(CHUNK);
	want = xmalloc(CHUNK);
	for (int i = 0; i < npasses; i++) {
		if (pass(fd, sb.st_size, passes[i], &seed, buf, st) != 0) {
			svc_errf(err, EX_IOERR, "cannot overwrite '%s': %s", path, strerror(errno));
			goto out;
		}
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
	free(buf);
	free(want);
	return rc;
}
