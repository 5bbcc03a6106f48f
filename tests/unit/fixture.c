/* The shared test fixture: see fixture.h. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "tmpdir.h"

static void
factory_creds(struct device_creds *c)
{
	c->manager = c->service1 = c->service2 = true;
	strlcpy_(c->manager_id, "7654321", sizeof c->manager_id);
	strlcpy_(c->manager_pin, "7654321", sizeof c->manager_pin);
	strlcpy_(c->service1_code, "2828282", sizeof c->service1_code);
	strlcpy_(c->service2_code, "8282828", sizeof c->service2_code);
}

static int
s_ask(void *arg, const char *prompt, bool hidden, bool twice, struct strbuf *out,
      struct svc_err *err)
{
	struct tfix *f = arg;

	(void)hidden, (void)twice;
	if (f->next >= (int)(sizeof f->answers / sizeof *f->answers) || f->answers[f->next] == NULL)
		return svc_errf(err, EX_USAGE, "%s: cancelled", prompt);
	sb_reset(out);
	sb_adds(out, f->answers[f->next++]);
	return 0;
}

static int
s_confirm(void *arg, const struct op *op, const char *question, const char *expect,
	  struct svc_err *err)
{
	struct tfix *f = arg;

	(void)op;
	f->confirms++;
	strlcpy_(f->question, question, sizeof f->question);
	strlcpy_(f->expect, expect ? expect : "", sizeof f->expect);
	if (f->confirm_rc != 0)
		return svc_errf(err, EX_USAGE, "not confirmed; nothing changed");
	return 0;
}

static void
s_progress(void *arg, const char *what, double fraction)
{
	struct tfix *f = arg;

	(void)what;
	f->progress = fraction;
}

static void
s_line(void *arg, const char *text)
{
	struct tfix *f = arg;

	sb_addf(&f->lines, "%s\n", text);
}

static int
s_row(void *arg, const struct op_row *row)
{
	struct tfix *f = arg;

	sb_addf(&f->rows, "%s|%s|%s\n", row->id ? row->id : "", row->label ? row->label : "",
		row->value ? row->value : "");
	return 0;
}

static int
run_op(struct tfix *f, struct svc_err *err, const char *name, va_list ap)
{
	struct op_ctx c = { .dev = f->dev, .fe = &f->fe, .fe_arg = f };
	const char *a;
	int rc;

	if ((c.op = op_find(name)) == NULL)
		return svc_errf(err, EX_USAGE, "no operation '%s'", name);
	while ((a = va_arg(ap, const char *)) != NULL) {
		size_t len = strcspn(a, "=");
		int i;
		for (i = 0; c.op->params && c.op->params[i].name; i++)
			if (strlen(c.op->params[i].name) == len &&
			    strncmp(c.op->params[i].name, a, len) == 0)
				break;
		if (c.op->params == NULL || c.op->params[i].name == NULL)
			return svc_errf(err, EX_USAGE, "'%s' has no parameter '%.*s'", name,
					(int)len, a);
		c.argv[i] = a[len] == '=' ? a + len + 1 : "";
	}
	rc = op_exec(&c, err);
	op_ctx_release(&c);
	return rc;
}

int
tfix_op_err(struct tfix *f, struct svc_err *err, const char *name, ...)
{
	va_list ap;
	int rc;

	va_start(ap, name);
	rc = run_op(f, err, name, ap);
	va_end(ap);
	return rc;
}

int
tfix_op(struct tfix *f, const char *name, ...)
{
	va_list ap;
	int rc;

	memset(&f->err, 0, sizeof f->err);
	va_start(ap, name);
	rc = run_op(f, &f->err, name, ap);
	va_end(ap);
	return rc;
}

static int
ask_creds(void *arg, unsigned doors, struct device_creds *out, struct svc_err *err)
{
	(void)arg, (void)doors, (void)err;
	factory_creds(out);
	return 0;
}

void
tfix_asker(struct tfix *f)
{
	device_set_asker(f->dev, ask_creds, NULL);
}

int
tfix_reopen(struct tfix *f, enum level login, struct svc_err *err)
{
	struct device_creds c = { 0 };

	if (device_open(f->path, false, NULL, &f->dev, err) != 0)
		return -1;
	factory_creds(&c);
	/* Level 2 is entered from inside level 1, as on the panel. */
	if (login == LEVEL_SERVICE2 && device_login(f->dev, LEVEL_SERVICE1, &c, err) != 0)
		return -1;
	return login == LEVEL_USER ? 0 : device_login(f->dev, login, &c, err);
}

int
tfix_setup(void **state, const char *tag, enum level login)
{
	struct tfix *f = calloc(1, sizeof *f);
	struct svc_err err = { 0 };

	if (f == NULL)
		return -1;
	if (tmpdir_make(f->dir, sizeof f->dir, tag) != 0)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/device.db", f->dir);
	/* The license history (outside the store) is the test's own too. */
	snprintf(f->hist, sizeof f->hist, "%s/license-history", f->dir);
	setenv("SVCMODE_LICENSE_HISTORY", f->hist, 1);
	f->login = login;
	if (device_create(f->path, TFIX_SERIAL, &err) != 0 || tfix_reopen(f, login, &err) != 0) {
		fprintf(stderr, "test store: %s\n", err.msg);
		return -1;
	}
	f->fe = (struct op_fe){ s_ask, s_confirm, s_progress, s_line, s_row, NULL };
	*state = f;
	return 0;
}

int
tfix_teardown(void **state)
{
	struct tfix *f = *state;

	if (f->dev != NULL)
		device_close(f->dev);
	tmpdir_remove(f->dir);
	sb_release(&f->lines);
	sb_release(&f->rows);
	free(f);
	return 0;
}

long
tfix_count_files(const struct tfix *f, const char *sub)
{
	char path[160];
	struct dirent *de;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/%s", f->dir, sub);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void *process_fix;

static void
process_teardown(void)
{
	tfix_teardown(&process_fix);
}

struct device *
tfix_process_store(const char *tag, enum level login)
{
	if (tfix_setup(&process_fix, tag, login) != 0)
		abort();
	atexit(process_teardown);
	return ((struct tfix *)process_fix)->dev;
}
