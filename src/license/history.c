/* The license history outside the store; see history.h. */
#include "license/history.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/strbuf.h"

#define HIST_MAGIC "svcmode license history 1"
#define HIST_DIR "/var/lib/svcmode-counter"
#define HIST_MAX (1 << 20)

/* The directory, by the same rule as the store's own place. */
static char *
hist_dir(void)
{
	const char *env = getenv("SVCMODE_LICENSE_HISTORY"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (env && *env)
		return xstrdup(env);
	if (access(HIST_DIR, W_OK) == 0 ||
	    (access(HIST_DIR, F_OK) != 0 && access("/var/lib", W_OK) == 0))
		return xstrdup(HIST_DIR);
	if (xdg && *xdg == '/')
		sb_addf(&sb, "%s/svcmode-counter", xdg);
	else
		sb_addf(&sb, "%s/.local/share/svcmode-counter", home && *home ? home : ".");
	return sb_detach(&sb);
}

/* Whether directories A and B are the same one (both must exist). */
static int
same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

static int
parse_entry(const char *line, struct lic_hist_entry *e)
{
	char num[16], counter[24];
	char *end;

	memset(e, 0, sizeof *e);
	if (sscanf(line, "%15s %15s %15s %23s %31s", e->option, num, e->state, counter,
		   e->transfer) != 5)
		return -1;
	e->number = strtoll(num, &end, 10);
	if (*end || e->number < 1 || e->number > 1048575)
		return -1;
	e->counter = strtoll(counter, &end, 10);
	if (*end || e->counter < 0)
		return -1;
	if (strcmp(e->transfer, "-") == 0)
		e->transfer[0] = '\0';
	if (strcmp(e->state, "erased") == 0)
		return e->counter == 0 && e->transfer[0] == '\0' ? 0 : -1;
	if (strcmp(e->state, "transferred") == 0)
		return e->counter > 0 && e->transfer[0] ? 0 : -1;
	return -1;
}

static int
parse(struct lic_hist *h, char *text, struct svc_err *err)
{
	struct lic_hist_entry e;
	char *line = text, *nl;
	int no = 0;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			goto bad; /* a file is written whole: a cut line is damage */
		*nl = '\0';
		no++;
		if (no == 1) {
			if (strcmp(line, HIST_MAGIC) != 0)
				goto bad;
		} else if (no == 2) {
			if (strncmp(line, "serial ", 7) != 0 || strcmp(line + 7, h->serial) != 0)
				goto bad;
		} else if (no == 3) {
			char *end;
			if (strncmp(line, "counter ", 8) != 0)
				goto bad;
			h->counter = strtoll(line + 8, &end, 10);
			if (*end || h->counter < 0)
				goto bad;
		} else if (parse_entry(line, &e) != 0 || lic_hist_add(h, &e, err) != 0) {
			goto bad;
		}
	}
	if (no == 0 || no >= 3)
		return 0;
bad:
	return svc_errf(err, EX_DATAERR,
			"the license history '%s' is damaged (line %d): licensing stays "
			"refused until it is repaired or removed by the vendor's service",
			h->path, no);
}

int
lic_hist_load(const char *store_path, const char *serial, struct lic_hist *h, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char *dir = hist_dir(), *sdir = fs_dirname(store_path);
	int rc = -1;

	memset(h, 0, sizeof *h);
	snprintf(h->serial, sizeof h->serial, "%s", serial);
	if (same_dir(dir, sdir)) {
		svc_errf(err, EX_CONFIG,
			 "the license history directory '%s' is the store's own directory: "
			 "it must be kept elsewhere (SVCMODE_LICENSE_HISTORY)",
			 dir);
		goto out;
	}
	sb_addf(&path, "%s/%s", dir, serial);
	h->path = sb_detach(&path);
	if (access(h->path, F_OK) != 0 && errno == ENOENT) {
		rc = 0;
		goto out;
	}
	if (fs_read(h->path, HIST_MAX, &text, err) != 0)
		goto out;
	rc = parse(h, text.buf ? text.buf : (char *)"", err);
out:
	if (rc != 0)
		lic_hist_release(h);
	sb_release(&text);
	free(dir);
	free(sdir);
	return rc;
}

int
lic_hist_save(const struct lic_hist *h, struct svc_err *err)
{
	struct strbuf text = STRBUF_INIT;
	char *dir = fs_dirname(h->path);
	int rc = -1;

	sb_addf(&text, "%s\nserial %s\ncounter %" PRId64 "\n", HIST_MAGIC, h->serial, h->counter);
	for (size_t i = 0; i < h->n; i++)
		sb_addf(&text, "%s %06" PRId64 " %s %" PRId64 " %s\n", h->e[i].option,
			h->e[i].number, h->e[i].state, h->e[i].counter,
			h->e[i].transfer[0] ? h->e[i].transfer : "-");
	if (fs_mkdirs(dir, 0700, err) == 0 &&
	    fs_write_atomic(h->path, text.buf, text.len, 0600, err) == 0)
		rc = 0;
	sb_release(&text);
	free(dir);
	return rc;
}

const struct lic_hist_entry *
lic_hist_find(const struct lic_hist *h, const char *option, int64_t number)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->e[i].number == number && strcmp(h->e[i].option, option) == 0)
			return &h->e[i];
	return NULL;
}

int
lic_hist_add(struct lic_hist *h, const struct lic_hist_entry *e, struct svc_err *err)
{
	if (lic_hist_find(h, e->option, e->number))
		return svc_errf(err, EX_DATAERR, "license %06" PRId64 " of %s is twice in '%s'",
				e->number, e->option, h->path);
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 8;
		h->e = xrealloc(h->e, h->cap * sizeof *h->e);
	}
	h->e[h->n++] = *e;
	if (e->counter > h->counter)
		h->counter = e->counter;
	return 0;
}

void
lic_hist_release(struct lic_hist *h)
{
	free(h->path);
	free(h->e);
	memset(h, 0, sizeof *h);
}
