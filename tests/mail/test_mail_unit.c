/* Unit tests of the mail module that need no server: the code table, the
 * SASL candidate order, and the erasure of the communication log. */
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mail/mail.h"
#include "mail/mail_int.h"

static void
test_mail__code_table(void **state)
{
	(void)state;
	int n = 0;
	for (const struct mail_code *c = mail_codes(); c->code; c++, n++) {
		assert_true(c->code >= 800 && c->code <= 899);
		assert_non_null(c->meaning);
		assert_true(c->ex > 0);
		for (const struct mail_code *d = c + 1; d->code; d++)
			assert_int_not_equal(c->code, d->code);
	}
	assert_true(n >= 16);
	/* The manual's four. */
	assert_non_null(strstr(mail_code_meaning(810), "POP before SMTP"));
	assert_non_null(strstr(mail_code_meaning(813), "refused the login"));
	assert_non_null(strstr(mail_code_meaning(839), "authentication refused"));
	assert_non_null(strstr(mail_code_meaning(843), "Kerberos"));
	assert_null(mail_code_meaning(999));
}

/* The client keytab is refused unless it is a regular file of this user
 * (or root) closed to group and others; the message names the file, what
 * is wrong and what is expected. */
static void
test_mail__keytab_owner_mode(void **state)
{
	char dir[] = "/tmp/svcmode-keytab.XXXXXX", path[64], why[256];
	static const struct {
		mode_t mode;
		int rc;
		const char *want; /* in WHY */
	} cases[] = {
		{ 0600, 0, NULL },
		{ 0400, 0, NULL },
		{ 0640, -1, "has mode 0640: group or others may use it; expected 0600 or 0400" },
		{ 0604, -1, "has mode 0604" },
		{ 0620, -1, "has mode 0620" },
		{ 0602, -1, "has mode 0602" },
		{ 0644, -1, "has mode 0644" },
	};
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/client.keytab", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x05\x02", 2), 2);
	close(fd);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(chmod(path, cases[i].mode), 0);
		snprintf(why, sizeof why, "poison");
		assert_int_equal(sasl_keytab_check(path, why, sizeof why), cases[i].rc);
		if (cases[i].want) {
			assert_non_null(strstr(why, cases[i].want));
			assert_non_null(strstr(why, path));
		}
	}
	/* Not a regular file. */
	assert_int_equal(sasl_keytab_check(dir, why, sizeof why), -1);
	assert_non_null(strstr(why, "is not a regular file"));
	/* Missing. */
	assert_int_equal(sasl_keytab_check("/nonexistent/k.keytab", why, sizeof why), -1);
	assert_non_null(strstr(why, "cannot open the keytab '/nonexistent/k.keytab'"));
	/* Owned by another user (root can give it away to test this). */
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(sasl_keytab_check(path, why, sizeof why), -1);
		assert_non_null(
			strstr(why, "is owned by uid 65534; expected uid 0 (this user) or root"));
		/* A symbolic link is followed: what counts is the file. */
		char link[80];
		snprintf(link, sizeof link, "%s/link.keytab", dir);
		assert_int_equal(symlink(path, link), 0);
		assert_int_equal(sasl_keytab_check(link, why, sizeof why), -1);
		assert_int_equal(chown(path, 0, 0), 0);
		assert_int_equal(sasl_keytab_check(link, why, sizeof why), 0);
		unlink(link);
	}
	unlink(path);
	rmdir(dir);
}

static void
test_mail__sasl_order(void **state)
{
	const char *cand[8];
	int n;

	(void)state;
	/* Strongest first, whatever the server's order; both list forms. */
	n = sasl_candidates("PLAIN LOGIN CRAM-MD5 DIGEST-MD5", true, false, cand, 8);
	assert_int_equal(n, 3);
	assert_string_equal(cand[0], "CRAM-MD5");
	assert_string_equal(cand[1], "LOGIN");
	assert_string_equal(cand[2], "PLAIN");
	/* No TLS: PLAIN and LOGIN are not candidates unless allowed. */
	n = sasl_candidates("plain login", false, false, cand, 8);
	assert_int_equal(n, 0);
	n = sasl_candidates("plain login", false, true, cand, 8);
	assert_int_equal(n, 2);
	/* Only mechanisms svcmode lacks. */
	n = sasl_candidates("DIGEST-MD5 SCRAM-SHA-1 XOAUTH2", true, true, cand, 8);
	assert_int_equal(n, 0);
	n = sasl_candidates("NTLM GSSAPI", false, false, cand, 8);
	assert_int_equal(n, 2);
	assert_string_equal(cand[0], "GSSAPI");
	assert_string_equal(cand[1], "NTLM");
}

static int
count_row(void *arg, const struct store_mail_log *r)
{
	int *n = arg;

	assert_string_equal(r->result, "error");
	assert_int_equal(r->code, 801);
	(*n)++;
	return 0;
}

static int
count_uidl(void *arg, const char *uidl)
{
	int *n = arg;

	assert_int_equal(strlen(uidl), 16);
	(*n)++;
	return 0;
}

/* A port with nothing listening. */
static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void
test_mail__erase_log(void **state)
{
	char dir[] = "/tmp/svcmode-mail-unit.XXXXXX", path[128], port[8], lock[160];
	struct device *dev = NULL;
	struct device_creds cr = { .manager = true };
	struct svc_err err = { 0 };
	struct erase_stats st = { 0 };
	bool created = false;
	int code = -1, n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/device.db", dir);
	assert_int_equal(device_open(path, true, &created, &dev, &err), 0);
	strlcpy_(cr.manager_id, "7654321", sizeof cr.manager_id);
	strlcpy_(cr.manager_pin, "7654321", sizeof cr.manager_pin);
	assert_int_equal(device_login(dev, LEVEL_MANAGER, &cr, &err), 0);
	snprintf(port, sizeof port, "%d", free_port());
	assert_int_equal(config_set(dev, "network.email.smtp.server", "127.0.0.1", &err), 0);
	assert_int_equal(config_set(dev, "network.email.smtp.port", port, &err), 0);
	assert_int_equal(config_set(dev, "network.email.address", "d@example.test", &err), 0);

	assert_int_equal(mail_test_send(dev, NULL, NULL, &code, &err), -1);
	assert_int_equal(code, 801);
	assert_int_equal(err.code, EX_UNAVAILABLE);
	assert_true(strncmp(err.msg, "#801 ", 5) == 0);
	assert_int_equal(mail_log_each(dev, 0, count_row, &n, &err), 0);
	assert_int_equal(n, 1);

	/* Two received message ids of one server and login, one of another. */
	assert_int_equal(store_mail_uidl_add(device_store(dev), "pop.example.test", "alice",
					     "0000000100000001", 5, &err),
			 0);
	assert_int_equal(store_mail_uidl_add(device_store(dev), "pop.example.test", "alice",
					     "0000000200000001", 5, &err),
			 0);
	assert_int_equal(store_mail_uidl_add(device_store(dev), "pop.example.test", "bob",
					     "0000000100000001", 5, &err),
			 0);
	n = 0;
	assert_int_equal(store_mail_uidl_each(device_store(dev), "pop.example.test", "alice",
					      count_uidl, &n, &err),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_mail_uidl_forget(device_store(dev), "pop.example.test", "alice",
						"0000000100000001", &err),
			 0);
	n = 0;
	assert_int_equal(store_mail_uidl_each(device_store(dev), "pop.example.test", "alice",
					      count_uidl, &n, &err),
			 0);
	assert_int_equal(n, 1);

	assert_int_equal(store_begin(device_store(dev), &err), 0);
	assert_int_equal(mail_erase_log(dev, &st, &err), 0);
	assert_int_equal(store_commit(device_store(dev), &err), 0);
	assert_int_equal(st.nkinds, 2);
	assert_string_equal(st.kinds[0].kind, "communication log entries");
	assert_int_equal(st.kinds[0].n, 1);
	assert_string_equal(st.kinds[1].kind, "received message ids");
	assert_int_equal(st.kinds[1].n, 2);
	n = 0;
	assert_int_equal(mail_log_each(dev, 0, count_row, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_mail_uidl_each(device_store(dev), "pop.example.test", "bob",
					      count_uidl, &n, &err),
			 0);
	assert_int_equal(n, 0);

	device_close(dev);
	snprintf(lock, sizeof lock, "%s.mail-lock", path);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail__code_table),
		cmocka_unit_test(test_mail__sasl_order),
		cmocka_unit_test(test_mail__keytab_owner_mode),
		cmocka_unit_test(test_mail__erase_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
