/* Mail Box: parsing of inbox numbers and periods, the documents directory
 * and its lock. */
#include "mailbox/mailbox_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

/* --- parsing ------------------------------------------------------------- */

int
mailbox_parse_box(const char *s, int *box, struct svc_err *err)
{
	size_t n = strlen(s);

	*box = -1;
	if (n < 1 || n > 2 || !isdigit((unsigned char)s[0]) ||
	    (n == 2 && !isdigit((unsigned char)s[1])))
		return svc_errf(err, EX_USAGE, "invalid inbox '%s' (00-99)", s);
	*box = (int)strtol(s, NULL, 10);
	return 0;
}

int
mailbox_parse_list(const char *s, bool set[MAILBOX_INBOXES], struct svc_err *err)
{
	char part[16];
	const char *p = s;

	memset(set, 0, MAILBOX_INBOXES * sizeof set[0]);
	if (strcmp(s, "all") == 0) {
		memset(set, 1, MAILBOX_INBOXES * sizeof set[0]);
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		char *dash;
		int a, b;

		if (n == 0 || n >= sizeof part)
			goto bad;
		memcpy(part, p, n);
		part[n] = '\0';
		if ((dash = strchr(part, '-')) != NULL)
			*dash++ = '\0';
		if (mailbox_parse_box(part, &a, NULL) != 0 ||
		    mailbox_parse_box(dash ? dash : part, &b, NULL) != 0 || b < a)
			goto bad;
		for (int i = a; i <= b; i++)
			set[i] = true;
		p += n;
		if (*p == ',' && *++p == '\0')
			goto bad;
	}
	if (p == s)
		goto bad;
	return 0;
bad:
	memset(set, 0, MAILBOX_INBOXES * sizeof set[0]);
	return svc_errf(err, EX_USAGE, "invalid inbox list '%s' (e.g. 00,03,10-19 or all)", s);
}

int
mailbox_parse_period(const char *s, int64_t *secs, struct svc_err *err)
{
	if (catalog_period_parse(s, 365 * 86400LL, secs) == 0)
		return 0;
	return svc_errf(err, EX_USAGE,
			"invalid Auto Erase period '%s' (OFF, or minutes/hours/days such as "
			"30m, 12h, 3d; at most 365d)",
			s);
}

void
mailbox_format_period(int64_t secs, char *buf, size_t cap)
{
	struct strbuf sb = STRBUF_INIT;

	catalog_period_format(secs, &sb);
	snprintf(buf, cap, "%s", sb_str(&sb));
	sb_release(&sb);
}

/* --- paths and locks ----------------------------------------------------- */

char *
mailbox_dir(struct device *dev)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s.d/docs", store_path(device_store(dev)));
	return sb_detach(&sb);
}

char *
mailbox_file_path(struct device *dev, const char *file)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s.d/docs/%s", store_path(device_store(dev)), file);
	return sb_detach(&sb);
}

int
mailbox_lock(struct device *dev, bool exclusive, bool wait, struct svc_err *err)
{
	char *dir = mailbox_dir(dev), *path = mailbox_file_path(dev, ".lock");
	int fd = -1;

	if (fs_mkdirs(dir, 0700, err) != 0)
		goto out;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)) != 0) {
		if (errno == EINTR)
			continue;
		svc_errf(err, EX_TEMPFAIL,
			 "the documents directory is busy (another svcmode is "
			 "storing or restoring documents)");
		close(fd);
		fd = -1;
		break;
	}
out:
	free(dir);
	free(path);
	return fd;
}
