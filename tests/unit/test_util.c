/* The util module: strbuf, text and the file helpers, on real files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"
#include "util/fsutil.h"
#include "util/strbuf.h"
#include "util/text.h"

/* --- strbuf -------------------------------------------------------------- */

static void
strbuf_grows_and_formats(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(sb_str(&sb), ""); /* nothing added: never NULL */
	sb_adds(&sb, "inbox ");
	sb_addf(&sb, "%02d/%04d", 7, 12);
	sb_addc(&sb, ' ');
	sb_add(&sb, "doc\0tail", 3); /* only the first 3 bytes */
	assert_string_equal(sb_str(&sb), "inbox 07/0012 doc");
	assert_int_equal(sb.len, strlen("inbox 07/0012 doc"));
	/* Far past the first allocation: everything stays, in order. */
	for (int i = 0; i < 10000; i++)
		sb_addc(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 17 + 10000);
	assert_int_equal(sb.buf[17], 'a');
	assert_int_equal(sb.buf[17 + 9999], (char)('a' + 9999 % 26));
	assert_int_equal(sb.buf[sb.len], '\0');
	sb_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb_str(&sb), "");
	sb_release(&sb);
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
}

static void
strbuf_detach_gives_ownership(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	s = sb_detach(&sb); /* empty: an empty string of its own */
	assert_string_equal(s, "");
	free(s);
	sb_addf(&sb, "%s=%d", "pages", 3);
	s = sb_detach(&sb);
	assert_string_equal(s, "pages=3");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	sb_adds(&sb, "again"); /* the buffer is usable after detaching */
	assert_string_equal(sb_str(&sb), "again");
	assert_string_equal(s, "pages=3");
	free(s);
	sb_release(&sb);
}

static void
strlcpy_truncates_and_counts(void **state)
{
	char small[6];

	(void)state;
	assert_int_equal(strlcpy_(small, "abc", sizeof small), 3);
	assert_string_equal(small, "abc");
	assert_int_equal(strlcpy_(small, "abcdefgh", sizeof small), 8);
	assert_string_equal(small, "abcde"); /* cut, still terminated */
	memset(small, 'x', sizeof small);
	svc_wipe(small, sizeof small);
	for (size_t i = 0; i < sizeof small; i++)
		assert_int_equal(small[i], 0);
}

/* --- text ---------------------------------------------------------------- */

static void
text_accepts_printable_utf8(void **state)
{
	static const char *const good[] = {
		"",
		"Invoice 2026.pdf",
		"caf\xc3\xa9",      /* U+00E9 */
		"\xc2\xa0",         /* U+00A0: first after the C1 controls */
		"\xe2\x82\xac 5",   /* U+20AC */
		"\xed\x9f\xbf",     /* U+D7FF: just below the surrogates */
		"\xee\x80\x80",     /* U+E000: just above them */
		"\xf0\x9f\x93\x84", /* U+1F4C4 */
		"\xf4\x8f\xbf\xbf", /* U+10FFFF: the last code point */
	};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_true(text_is_clean(good[i]));
		assert_int_equal(text_bad_offset(good[i]), strlen(good[i]));
	}
}

static void
text_refuses_controls_and_bad_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t at; /* the first offending byte */
	} bad[] = {
		{ "ab\tc", 2 },            /* C0 control */
		{ "ab\x1b[2J", 2 },        /* ESC: a terminal control */
		{ "x\x7f", 1 },            /* DEL */
		{ "x\xc2\x85y", 1 },       /* U+0085: a C1 control */
		{ "x\xc2\x9b", 1 },        /* U+009B: CSI */
		{ "\xc0\xaf", 0 },         /* overlong '/' */
		{ "\xc1\xbf", 0 },         /* overlong */
		{ "\xe0\x80\xaf", 0 },     /* overlong, 3 bytes */
		{ "\xf0\x80\x80\xaf", 0 }, /* overlong, 4 bytes */
		{ "ok\xed\xa0\x80", 2 },   /* U+D800: a surrogate */
		{ "\xf4\x90\x80\x80", 0 }, /* U+110000: beyond Unicode */
		{ "\xf5\x80\x80\x80", 0 }, /* never a lead byte */
		{ "abc\xc3", 3 },          /* cut short at the end */
		{ "\xe2\x82", 0 },         /* cut short */
		{ "\x80", 0 },             /* a lone continuation byte */
		{ "\xc3\x28", 0 },         /* continuation missing */
		{ "\xff", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(text_is_clean(bad[i].s));
		assert_int_equal(text_bad_offset(bad[i].s), bad[i].at);
	}
}

static void
text_serial_cases(void **state)
{
	static const char *const good[] = { "ABC12345", "ZZZ00000" };
	static const char *const bad[] = { "",         "ABC1234",  "ABC123456", "abc12345",
					   "AB123456", "ABCD2345", "ABC1234X",  "ÄBC12345" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(text_is_serial(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(text_is_serial(bad[i]));
	assert_false(text_is_serial(NULL));
}

/* --- fsutil -------------------------------------------------------------- */

struct dir {
	char path[64];
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof *d);

	if (d == NULL)
		return -1;
	if (tmpdir_make(d->path, sizeof d->path, "util") != 0) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;

	tmpdir_remove(d->path);
	free(d);
	return 0;
}

/* A path under the test's directory. */
static char *
under(const struct dir *d, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s/%s", d->path, name);
	return sb_detach(&sb);
}

/* Entries in DIR besides . and .. (-1 if it cannot be read). */
static long
count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (dp == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(dp);
	return n;
}

static void
dirname_cases(void **state)
{
	static const char *const cases[][2] = {
		{ "backup.zip", "." },
		{ "/backup.zip", "/" },
		{ "/var/lib/svcmode/device.db", "/var/lib/svcmode" },
		{ "rel/dir/file", "rel/dir" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *d = fs_dirname(cases[i][0]);
		assert_string_equal(d, cases[i][1]);
		free(d);
	}
}

static void
mkdirs_makes_every_level(void **state)
{
	struct dir *d = *state;
	char *deep = under(d, "a/b/c"), *mid = under(d, "a/b");
	struct svc_err err = { 0 };
	struct stat st;

	assert_int_equal(fs_mkdirs(deep, 0700, &err), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(mid, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Again: the directories are there already, which is fine. */
	assert_int_equal(fs_mkdirs(deep, 0700, &err), 0);
	free(deep);
	free(mid);
}

static void
mkdirs_refuses_a_file_in_the_way(void **state)
{
	struct dir *d = *state;
	char *file = under(d, "plain"), *below = under(d, "plain/sub");
	struct svc_err err = { 0 };

	assert_int_equal(fs_write_atomic(file, "x", 1, 0600, &err), 0);
	assert_int_equal(fs_mkdirs(below, 0700, &err), -1);
	assert_int_equal(err.code, EX_CANTCREAT);
	assert_non_null(strstr(err.msg, "cannot create directory"));
	free(file);
	free(below);
}

static void
write_atomic_then_read(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "settings.conf");
	struct svc_err err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	assert_int_equal(fs_write_atomic(path, "first\n", 6, 0640, &err), 0);
	assert_int_equal(fs_write_atomic(path, "second\n", 7, 0600, &err), 0);
	assert_int_equal(fs_read(path, 1024, &sb, &err), 0);
	assert_string_equal(sb_str(&sb), "second\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* No temporary file is left beside it. */
	assert_int_equal(count_entries(d->path), 1);
	sb_release(&sb);
	free(path);
}

static void
write_atomic_failure_leaves_nothing(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "missing-dir/file");
	struct svc_err err = { 0 };

	assert_int_equal(fs_write_atomic(path, "x", 1, 0600, &err), -1);
	assert_int_equal(err.code, EX_CANTCREAT);
	assert_int_equal(count_entries(d->path), 0);
	free(path);
}

static void
read_refuses_more_than_max(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "big"), *none = under(d, "none");
	char data[10000];
	struct svc_err err = { 0 };
	struct strbuf sb = STRBUF_INIT;

	memset(data, 'z', sizeof data);
	assert_int_equal(fs_write_atomic(path, data, sizeof data, 0600, &err), 0);
	assert_int_equal(fs_read(path, sizeof data, &sb, &err), 0); /* exactly MAX: fine */
	assert_int_equal(sb.len, sizeof data);
	sb_reset(&sb);
	assert_int_equal(fs_read(path, sizeof data - 1, &sb, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_non_null(strstr(err.msg, "is too large (more than 9999 bytes)"));
	memset(&err, 0, sizeof err);
	assert_int_equal(fs_read(none, 100, &sb, &err), -1);
	assert_int_equal(err.code, EX_NOINPUT);
	sb_release(&sb);
	free(path);
	free(none);
}

static void
special_files_are_written_through(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "regular");
	struct svc_err err = { 0 };

	assert_false(fs_is_special(path)); /* does not exist */
	assert_int_equal(fs_write_atomic(path, "x", 1, 0600, &err), 0);
	assert_false(fs_is_special(path));
	assert_true(fs_is_special(d->path)); /* a directory */
	assert_true(fs_is_special("/dev/null"));
	/* /dev/null is written to, not replaced by a rename. */
	assert_int_equal(fs_write_atomic("/dev/null", "x", 1, 0600, &err), 0);
	assert_true(fs_is_special("/dev/null"));
	free(path);
}

static void
write_all_writes_everything(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "pipe-out");
	static char data[200000]; /* more than a pipe holds at once */
	struct strbuf sb = STRBUF_INIT;
	struct svc_err err = { 0 };
	int fd;

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i % 251);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, data, sizeof data), 0);
	close(fd);
	assert_int_equal(fs_read(path, sizeof data, &sb, &err), 0);
	assert_int_equal(sb.len, sizeof data);
	assert_memory_equal(sb.buf, data, sizeof data);
	/* A closed descriptor: the failure is reported. */
	assert_int_equal(fs_write_all(fd, data, 1), -1);
	assert_int_equal(errno, EBADF);
	sb_release(&sb);
	free(path);
}

static void
trylock_excludes_and_removes(void **state)
{
	struct dir *d = *state;
	char *path = under(d, "STORE.lock");
	int fd, other;

	/* Without CREATE and no file: nothing is made. */
	assert_int_equal(fs_trylock(path, false), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(access(path, F_OK), -1);
	fd = fs_trylock(path, true);
	assert_true(fd >= 0);
	/* flock(2) locks belong to the open file: a second open is another
	 * holder, as another process would be. */
	assert_int_equal(fs_trylock(path, true), -2);
	assert_int_equal(fs_trylock(path, false), -2);
	fs_unlock_remove(path, fd);
	assert_int_equal(access(path, F_OK), -1);
	other = fs_trylock(path, true);
	assert_true(other >= 0);
	fs_unlock_remove(path, other);
	fs_unlock_remove(path, -1); /* nothing held: nothing done */
	assert_int_equal(count_entries(d->path), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_grows_and_formats),
		cmocka_unit_test(strbuf_detach_gives_ownership),
		cmocka_unit_test(strlcpy_truncates_and_counts),
		cmocka_unit_test(text_accepts_printable_utf8),
		cmocka_unit_test(text_refuses_controls_and_bad_utf8),
		cmocka_unit_test(text_serial_cases),
		cmocka_unit_test(dirname_cases),
		cmocka_unit_test_setup_teardown(mkdirs_makes_every_level, setup, teardown),
		cmocka_unit_test_setup_teardown(mkdirs_refuses_a_file_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(write_atomic_then_read, setup, teardown),
		cmocka_unit_test_setup_teardown(write_atomic_failure_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(read_refuses_more_than_max, setup, teardown),
		cmocka_unit_test_setup_teardown(special_files_are_written_through, setup, teardown),
		cmocka_unit_test_setup_teardown(write_all_writes_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(trylock_excludes_and_removes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
