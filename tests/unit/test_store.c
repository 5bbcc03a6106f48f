/* The store module on real SQLite files. */
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
#include <sqlite3.h>

#include "store/store.h"
#include "tmpdir.h"
#include "util/fsutil.h"

struct fixture {
	char dir[64];
	char path[96];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_identity id = { .model = "iR5570",
				     .serial = "ABC12345",
				     .mac = "00:00:85:00:00:01" };

	if (tmpdir_make(f->dir, sizeof f->dir, "store") != 0)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/sub/device.db", f->dir);
	*state = f;
	return store_create(f->path, &id, NULL);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
file_digest(const char *path, struct strbuf *out)
{
	struct svc_err err;

	sb_reset(out);
	assert_int_equal(fs_read(path, 1 << 24, out, &err), 0);
}

static void
test_store__create_modes_and_identity(void **state)
{
	struct fixture *f = *state;
	struct store_identity id;
	struct store *st;
	struct stat sb;
	char dir[96];

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(dir, sizeof dir, "%s/sub", f->dir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(store_open(f->path, &st, NULL), 0);
	assert_int_equal(store_identity_get(st, &id, NULL), 0);
	assert_string_equal(id.serial, "ABC12345");
	assert_int_equal(store_schema_version(st), store_schema_latest());
	store_close(st);
	/* A second create refuses to overwrite. */
	struct svc_err err = { 0 };
	assert_int_equal(store_create(f->path, &id, &err), -1);
	assert_int_equal(err.code, EX_CANTCREAT);
}

static void
expect_refused(const char *path, const char *why)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	struct svc_err err = { 0 };
	struct store *st = (struct store *)0x1;
	char side[128];

	file_digest(path, &before);
	assert_int_equal(store_open(path, &st, &err), -1);
	assert_null(st);
	assert_int_equal(err.code, EX_DATAERR);
	if (strstr(err.msg, why) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, why);
	file_digest(path, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.buf, after.buf, before.len);
	snprintf(side, sizeof side, "%s-journal", path);
	assert_int_not_equal(access(side, F_OK), 0);
	sb_release(&before);
	sb_release(&after);
}

static void
test_store__random_file_refused_untouched(void **state)
{
	struct fixture *f = *state;
	char path[128];
	unsigned char junk[4096];

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	snprintf(path, sizeof path, "%s/random.db", f->dir);
	assert_int_equal(fs_write_atomic(path, junk, sizeof junk, 0600, NULL), 0);
	expect_refused(path, "not an SQLite database");
}

static void
test_store__foreign_sqlite_refused(void **state)
{
	struct fixture *f = *state;
	char path[128];
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/foreign.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	expect_refused(path, "not an svcmode device store");
}

static void
test_store__newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char sql[64];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(db, sql, 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	expect_refused(f->path, "written by a newer svcmode");
}

static void
test_store__damaged_refused(void **state)
{
	struct fixture *f = *state;
	unsigned char page[4096];
	int fd;

	/* Scribble over a b-tree page (page 2), keeping the header intact. */
	memset(page, 0x5a, sizeof page);
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, page, sizeof page, 4096), (ssize_t)sizeof page);
	close(fd);
	expect_refused(f->path, "damaged");
}

static int notified;
static char last_key[64];

static void
watcher(void *arg, const char *key)
{
	(void)arg;
	notified++;
	snprintf(last_key, sizeof last_key, "%s", key);
}

static void
test_store__transactions_and_notification(void **state)
{
	struct fixture *f = *state;
	struct strbuf v = STRBUF_INIT;
	struct store *st;

	assert_int_equal(store_open(f->path, &st, NULL), 0);
	store_watch(st, watcher, NULL);
	notified = 0;
	/* Rolled back: nothing stored, nobody told. */
	assert_int_equal(store_begin(st, NULL), 0);
	assert_int_equal(store_setting_put(st, "a.b", "1", NULL), 0);
	store_rollback(st);
	assert_int_equal(store_setting_get(st, "a.b", &v, NULL), 0);
	assert_int_equal(notified, 0);
	/* Nested: only the outer commit counts, watchers run after it. */
	assert_int_equal(store_begin(st, NULL), 0);
	assert_int_equal(store_begin(st, NULL), 0);
	assert_int_equal(store_setting_put(st, "a.b", "2", NULL), 0);
	assert_int_equal(store_commit(st, NULL), 0);
	assert_int_equal(notified, 0);
	assert_int_equal(store_commit(st, NULL), 0);
	assert_int_equal(notified, 1);
	assert_string_equal(last_key, "a.b");
	assert_int_equal(store_setting_get(st, "a.b", &v, NULL), 1);
	assert_string_equal(v.buf, "2");
	store_close(st);
	sb_release(&v);
}

static int
collect(void *arg, const char *key, const char *type, const char *value)
{
	struct strbuf *sb = arg;

	sb_addf(sb, "%s:%s:%s;", key, type, value ? value : "null");
	return 0;
}

static void
test_store__json(void **state)
{
	struct fixture *f = *state;
	struct strbuf out = STRBUF_INIT;
	struct svc_err err = { 0 };
	struct store *st;

	assert_int_equal(store_open(f->path, &st, NULL), 0);
	assert_int_equal(store_json_each(st, "{\"s\":{\"a\":\"x\",\"b\":5,\"c\":true}}", "$.s",
					 collect, &out, &err),
			 0);
	assert_string_equal(out.buf, "a:text:x;b:integer:5;c:true:1;");
	assert_int_equal(store_json_each(st, "{\"s\":", "$", collect, &out, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	store_close(st);
	sb_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store__create_modes_and_identity, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__random_file_refused_untouched, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__foreign_sqlite_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__damaged_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__transactions_and_notification, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
