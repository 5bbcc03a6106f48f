/*
 * Page counts of stored documents, for the formats a scan or a received
 * I-Fax really has: TIFF (every image file directory of the main chain is
 * a page) and PDF (distinct page objects). Anything else, and any file
 * that does not parse cleanly, counts as one page. Reads through pread()
 * with fixed buffers: bounded memory and time whatever the file holds.
 */
#include "mailbox/mailbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"

#define SCAN_CHUNK (64 * 1024)
/* PDF object numbers we track (a bitmap of 512 KiB at most). */
#define PDF_OBJ_MAX (1L << 22)

static ssize_t
pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static uint32_t
get16(const unsigned char *p, bool le)
{
	return le ? (uint32_t)(p[0] | p[1] << 8) : (uint32_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			       (uint32_t)p[3] << 24
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
			       (uint32_t)p[3];
}

/*
 * Classic TIFF: the header points to the first IFD; each IFD is a 2-byte
 * entry count, 12 bytes per entry and the 4-byte offset of the next IFD
 * (0 ends the chain). Every IFD must lie inside the file and hold at least
 * one entry, and no IFD may come twice (a loop); otherwise 0 (unsure).
 */
static int
tiff_pages(int fd, off_t size, const unsigned char *hdr)
{
	bool le = hdr[0] == 'I';
	uint32_t seen[MAILBOX_PAGES_MAX], off = get32(hdr + 4, le);
	unsigned char b[4];
	int n = 0;

	while (off != 0) {
		uint32_t entries;
		if (n == MAILBOX_PAGES_MAX)
			return n; /* capped */
		if (off < 8 || (off_t)off + 2 > size)
			return 0;
		for (int i = 0; i < n; i++)
			if (seen[i] == off)
				return 0;
		seen[n++] = off;
		if (pread_all(fd, b, 2, off) != 2)
			return 0;
		entries = get16(b, le);
		if (entries == 0 || (off_t)off + 2 + 12 * (off_t)entries + 4 > size ||
		    pread_all(fd, b, 4, (off_t)off + 2 + 12 * (off_t)entries) != 4)
			return 0;
		off = get32(b, le);
	}
	return n;
}

/*
 * PDF: a small tokenizer over the whole file that notes "N G obj" headers
 * and counts the objects whose dictionary says /Type /Page (not /Pages),
 * each object number once (an incremental update that rewrites a page
 * repeats its object). Pages inside compressed object streams are not
 * visible: a file without any visible page object gives 0 (unsure).
 */
struct pdfscan {
	char tok[16];
	size_t len;
	bool name, longtok, comment;
	bool prev_type;      /* the previous token was /Type */
	int ints;            /* how many integers just came before (0-2) */
	long n1, n2;         /* the last two integers (n2 the older) */
	long obj;            /* the object being read, -1 before any */
	unsigned char *seen; /* bitmap of page object numbers */
	int pages;
	bool unsure;
};

static void
pdf_token(struct pdfscan *s)
{
	bool digits = s->len > 0 && !s->name && !s->longtok;

	if (s->len == 0 && !s->name)
		return;
	s->tok[s->len] = '\0';
	for (size_t i = 0; digits && i < s->len; i++)
		digits = s->tok[i] >= '0' && s->tok[i] <= '9';
	if (s->name && !s->longtok && strcmp(s->tok, "Page") == 0 && s->prev_type) {
		if (s->obj < 0 || s->obj >= PDF_OBJ_MAX) {
			s->unsure = true;
		} else if (!(s->seen[s->obj / 8] & (1 << (s->obj % 8)))) {
			s->seen[s->obj / 8] |= (unsigned char)(1 << (s->obj % 8));
			if (s->pages < MAILBOX_PAGES_MAX)
				s->pages++;
		}
	}
	s->prev_type = s->name && !s->longtok && strcmp(s->tok, "Type") == 0;
	if (digits && s->len <= 9) {
		s->n2 = s->n1;
		s->n1 = strtol(s->tok, NULL, 10);
		s->ints = s->ints < 2 ? s->ints + 1 : 2;
	} else {
		if (!s->name && !s->longtok && strcmp(s->tok, "obj") == 0 && s->ints == 2)
			s->obj = s->n2;
		s->ints = 0;
	}
	s->len = 0;
	s->name = s->longtok = false;
}

static void
pdf_byte(struct pdfscan *s, unsigned char c)
{
	if (s->comment) {
		s->comment = c != '\n' && c != '\r';
		return;
	}
	switch (c) {
	case 0:
	case '\t':
	case '\n':
	case '\f':
	case '\r':
	case ' ': pdf_token(s); return;
	case '/':
		pdf_token(s);
		s->name = true;
		return;
	case '%':
		pdf_token(s);
		s->comment = true;
		return;
	case '(':
	case ')':
	case '<':
	case '>':
	case '[':
	case ']':
	case '{':
	case '}':
		pdf_token(s);
		/* A delimiter between /Type and /Page means they do not pair. */
		s->prev_type = false;
		s->ints = 0;
		return;
	default:
		if (s->len < sizeof s->tok - 1)
			s->tok[s->len++] = (char)c;
		else
			s->longtok = true;
	}
}

static int
pdf_pages(int fd)
{
	struct pdfscan s = { .obj = -1 };
	unsigned char *buf = xmalloc(SCAN_CHUNK);
	off_t off = 0;
	ssize_t n;

	s.seen = xcalloc(PDF_OBJ_MAX / 8, 1);
	while ((n = pread_all(fd, buf, SCAN_CHUNK, off)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			pdf_byte(&s, buf[i]);
		off += n;
	}
	pdf_token(&s);
	free(buf);
	free(s.seen);
	return n < 0 || s.unsure ? 0 : s.pages;
}

int
mailbox_count_pages(int fd)
{
	unsigned char hdr[8];
	struct stat st;
	int n = 0;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || pread_all(fd, hdr, 8, 0) != 8)
		return 1;
	if ((memcmp(hdr, "II*\0", 4) == 0 || memcmp(hdr, "MM\0*", 4) == 0))
		n = tiff_pages(fd, st.st_size, hdr);
	else if (memcmp(hdr, "%PDF-", 5) == 0)
		n = pdf_pages(fd);
	return n > 0 ? n : 1;
}
