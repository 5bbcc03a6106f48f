/* Access control and sealed secrets on a real temporary store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "access/access.h"
#include "access/seal.h"
#include "config/config.h"

struct fixture {
	char dir[64];
	char path[96];
	struct device *dev;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct svc_err err = { 0 };

	snprintf(f->dir, sizeof f->dir, "/tmp/svc-access-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/device.db", f->dir);
	if (device_create(f->path, "TST00001", &err) != 0 ||
	    device_open(f->path, false, NULL, &f->dev, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	device_close(f->dev);
	snprintf(cmd, sizeof cmd, "%s-wal", f->path);
	unlink(cmd);
	snprintf(cmd, sizeof cmd, "%s-shm", f->path);
	unlink(cmd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
test_access__hash_roundtrip(void **state)
{
	struct strbuf h1 = STRBUF_INIT, h2 = STRBUF_INIT;

	(void)state;
	assert_int_equal(access_hash("0001234", &h1, NULL), 0);
	assert_int_equal(access_hash("0001234", &h2, NULL), 0);
	assert_true(access_is_hash(h1.buf));
	assert_non_null(strstr(h1.buf, "pbkdf2-sha256$100000$"));
	assert_string_not_equal(h1.buf, h2.buf); /* salted */
	assert_null(strstr(h1.buf, "0001234"));
	assert_true(access_matches(h1.buf, "0001234"));
	assert_false(access_matches(h1.buf, "0001235"));
	assert_false(access_matches(h1.buf, ""));
	assert_true(access_matches("7654321", "7654321"));
	assert_false(access_matches("7654321", "765432"));
	assert_false(access_matches("pbkdf2-sha256$1$x$y", "1"));
	sb_release(&h1);
	sb_release(&h2);
}

static struct device_creds
manager(const char *id, const char *pin)
{
	struct device_creds c = { .manager = true };

	snprintf(c.manager_id, sizeof c.manager_id, "%s", id);
	snprintf(c.manager_pin, sizeof c.manager_pin, "%s", pin);
	return c;
}

static void
test_access__login_and_lockout(void **state)
{
	struct fixture *f = *state;
	struct device_creds good = manager("7654321", "7654321"), bad = manager("7654321", "1");
	struct svc_err err = { 0 };
	struct device *again;
	int64_t left;

	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &bad, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &bad, &err), -1);
	assert_int_equal(device_level(f->dev), LEVEL_USER);
	/* The third wrong attempt locks the door... */
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &bad, &err), -1);
	left = access_locked_for(device_store(f->dev), "manager", NULL);
	assert_true(left > 25 && left <= 30);
	/* ...and while locked even the right PIN is refused, unexamined. */
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &good, &err), -1);
	assert_int_equal(err.code, EX_TEMPFAIL);
	assert_int_equal(device_level(f->dev), LEVEL_USER);
	/* The lock is in the store: a new process sees it. */
	assert_int_equal(device_open(f->path, false, NULL, &again, &err), 0);
	assert_true(access_locked_for(device_store(again), "manager", NULL) > 0);
	assert_int_equal(device_login(again, LEVEL_MANAGER, &good, &err), -1);
	assert_int_equal(err.code, EX_TEMPFAIL);
	device_close(again);
}

static void
test_access__lock_grows(void **state)
{
	struct fixture *f = *state;
	struct access_who who = { "t", LEVEL_USER };
	struct store *st = device_store(f->dev);
	struct store_door d = { 3, 0 }; /* three wrong already, lock expired */
	int64_t left;

	assert_int_equal(store_door_put(st, "service1", &d, NULL), 0);
	for (int i = 0; i < 3; i++)
		access_attempt(st, &who, "service1", false, 30, NULL);
	left = access_locked_for(st, "service1", NULL);
	assert_true(left > 55 && left <= 60); /* 30 s doubled */
}

static void
test_access__success_resets(void **state)
{
	struct fixture *f = *state;
	struct device_creds good = manager("7654321", "7654321"), bad = manager("1", "1");
	struct store_door d;

	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &bad, NULL), -1);
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &bad, NULL), -1);
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &good, NULL), 0);
	assert_int_equal(device_level(f->dev), LEVEL_MANAGER);
	assert_int_equal(store_door_get(device_store(f->dev), "manager", &d, NULL), 0);
	assert_int_equal(d.failures, 0);
}

static void
test_access__padded_pin(void **state)
{
	struct fixture *f = *state;
	struct device_creds good = manager("7654321", "7654321"), padded = manager("02", "2");
	struct svc_err err = { 0 };

	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &good, &err), 0);
	assert_int_equal(config_set(f->dev, "system.manager.id", "02", &err), 0);
	assert_int_equal(config_set(f->dev, "system.manager.pin", "0000002", &err), 0);
	device_logout(f->dev, LEVEL_USER);
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &padded, &err), 0);
}

static void
test_access__level2_needs_level1(void **state)
{
	struct fixture *f = *state;
	struct device_creds c = { .service1 = true, .service2 = true };
	struct svc_err err = { 0 };

	snprintf(c.service1_code, sizeof c.service1_code, "2828282");
	snprintf(c.service2_code, sizeof c.service2_code, "8282828");
	assert_int_equal(device_login(f->dev, LEVEL_SERVICE2, &c, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(device_login(f->dev, LEVEL_SERVICE1, &c, &err), 0);
	assert_int_equal(device_login(f->dev, LEVEL_SERVICE2, &c, &err), 0);
	assert_int_equal(device_level(f->dev), LEVEL_SERVICE2);
}

static void
test_access__seal_roundtrip_and_tamper(void **state)
{
	unsigned char secret[32] = { 1, 2, 3 }, k[32], other[32];
	struct strbuf sealed = STRBUF_INIT, plain = STRBUF_INIT;
	struct svc_err err = { 0 };
	char *bad;

	(void)state;
	assert_int_equal(seal_derive(secret, "test v1", k, NULL), 0);
	assert_int_equal(seal_derive(secret, "test v2", other, NULL), 0);
	assert_memory_not_equal(k, other, 32);
	assert_int_equal(seal_encrypt(k, "key.a", "hunter2", 7, &sealed, NULL), 0);
	assert_null(strstr(sealed.buf, "hunter2"));
	assert_int_equal(seal_decrypt(k, "key.a", sealed.buf, &plain, &err), 0);
	assert_string_equal(plain.buf, "hunter2");
	/* Another place, another key, or one altered character: refused. */
	assert_int_equal(seal_decrypt(k, "key.b", sealed.buf, &plain, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_int_equal(seal_decrypt(other, "key.a", sealed.buf, &plain, &err), -1);
	bad = strdup(sealed.buf);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_equal(seal_decrypt(k, "key.a", bad, &plain, &err), -1);
	assert_int_equal(seal_decrypt(k, "key.a", "v1:AAAA", &plain, &err), -1);
	assert_int_equal(seal_decrypt(k, "key.a", "v2:whatever", &plain, &err), -1);
	free(bad);
	sb_release(&sealed);
	sb_release(&plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access__hash_roundtrip),
		cmocka_unit_test_setup_teardown(test_access__login_and_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access__lock_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access__success_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access__padded_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access__level2_needs_level1, setup, teardown),
		cmocka_unit_test(test_access__seal_roundtrip_and_tamper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
