/* The Mail Box and Backup of Mail Box menu actions, driven through a
 * scripted struct action_io (the front end's side) on a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "actions/action.h"
#include "mailbox/mailbox.h"

struct script {
	const char *answers[8];
	int next;
	int confirms;
	bool refuse;
	struct strbuf lines;
	double last_progress;
};

static int
s_ask(void *arg, const char *prompt, bool hidden, struct strbuf *out)
{
	struct script *s = arg;

	(void)prompt;
	(void)hidden;
	if (s->answers[s->next] == NULL)
		return -1;
	sb_reset(out);
	sb_adds(out, s->answers[s->next++]);
	return 0;
}

static int
s_confirm(void *arg, const char *question, const char *expect)
{
	struct script *s = arg;

	(void)question;
	(void)expect;
	s->confirms++;
	return s->refuse ? -1 : 0;
}

static void
s_progress(void *arg, const char *what, double f)
{
	struct script *s = arg;

	(void)what;
	s->last_progress = f;
}

static void
s_line(void *arg, const char *text)
{
	struct script *s = arg;

	sb_addf(&s->lines, "%s\n", text);
}

static int
manager(void *arg, enum level need, struct device_creds *c, struct svc_err *err)
{
	(void)arg;
	(void)need;
	(void)err;
	c->manager = true;
	strlcpy_(c->manager_id, "7654321", sizeof c->manager_id);
	strlcpy_(c->manager_pin, "7654321", sizeof c->manager_pin);
	return 0;
}

struct fixture {
	char dir[64];
	struct device *dev;
	struct script s;
	struct action_io io;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct strbuf db = STRBUF_INIT;
	struct svc_err err;

	strlcpy_(f->dir, "/tmp/svc-actions-XXXXXX", sizeof f->dir);
	assert_non_null(mkdtemp(f->dir));
	sb_addf(&db, "%s/device.db", f->dir);
	assert_int_equal(device_open(db.buf, true, NULL, &f->dev, &err), 0);
	sb_release(&db);
	f->io = (struct action_io){ &f->s, s_ask, s_confirm, s_progress, s_line };
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan A", "aaaa", 4, &err), 0);
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan B", "bbb", 3, &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Sales", &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "password", "2468", &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct strbuf cmd = STRBUF_INIT;
	FILE *rm;

	device_close(f->dev);
	sb_addf(&cmd, "rm -rf '%s'", f->dir);
	if ((rm = popen(cmd.buf, "r")) != NULL)
		pclose(rm);
	sb_release(&cmd);
	sb_release(&f->s.lines);
	free(f);
	return 0;
}

struct rows {
	int n;
	struct action_row last, r03;
};

static int
collect(void *arg, const struct action_row *row)
{
	struct rows *r = arg;

	r->n++;
	r->last = *row;
	if (strcmp(row->id, "03") == 0)
		r->r03 = *row;
	return 0;
}

static void
test_mailbox__action_inboxes(void **state)
{
	struct fixture *f = *state;
	const struct action_def *a = action_find("box.inboxes");
	struct rows r = { 0 };
	struct svc_err err;

	assert_non_null(a);
	assert_int_equal(a->kind, ACTION_LIST);
	assert_int_equal(a->level, LEVEL_USER);
	assert_string_equal(a->row_actions, "box.docs,box.settings");
	assert_int_equal(a->list(f->dev, "", &f->io, collect, &r, &err), 0);
	assert_int_equal(r.n, 100);
	assert_string_equal(r.last.id, "99");
	assert_string_equal(r.r03.label, "Sales [PW]");
	assert_string_equal(r.r03.value, "2 doc 7 B");
}

static void
test_mailbox__action_docs_ask_password(void **state)
{
	struct fixture *f = *state;
	const struct action_def *a = action_find("box.docs");
	struct rows r = { 0 };
	struct svc_err err;

	assert_non_null(a);
	f->s.answers[0] = "1111";
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(r.n, 0);
	f->s.answers[1] = "2468";
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.last.id, "03/0002");
	assert_string_equal(r.last.label, "0002 scan B");
	/* Deleting: password, then confirmation; refused confirmation keeps it. */
	f->s.answers[2] = "2468";
	f->s.refuse = true;
	assert_int_equal(action_run(f->dev, "box.doc_delete", "03/0001", &f->io, &err), -1);
	f->s.answers[3] = "2468";
	f->s.refuse = false;
	assert_int_equal(action_run(f->dev, "box.doc_delete", "03/0001", &f->io, &err), 0);
	assert_int_equal(f->s.confirms, 2);
	f->s.answers[4] = "2468";
	r.n = 0;
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), 0);
	assert_int_equal(r.n, 1);
}

static void
test_mailbox__action_settings(void **state)
{
	struct fixture *f = *state;
	struct mailbox_inbox in;
	struct svc_err err;
	const char *answers[] = { "2468", "Legal", "12h", "ON", "-", NULL };

	memcpy(f->s.answers, answers, sizeof answers);
	assert_int_equal(action_run(f->dev, "box.settings", "03", &f->io, &err), 0);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Legal");
	assert_int_equal(in.auto_erase, 43200);
	assert_true(in.print_on_store);
	assert_false(in.protected_);
}

static void
test_mailbox__action_backup(void **state)
{
	struct fixture *f = *state;
	struct strbuf path = STRBUF_INIT;
	struct svc_err err;
	struct mailbox_inbox in;

	device_set_asker(f->dev, manager, NULL);
	sb_addf(&path, "%s/menu.zip", f->dir);
	f->s.answers[0] = path.buf;
	f->s.answers[1] = "";
	f->s.answers[2] = "menu passphrase";
	f->s.answers[3] = "menu passphrase";
	assert_int_equal(action_run(f->dev, "backup.create", "", &f->io, &err), 0);
	assert_true(access(path.buf, F_OK) == 0);
	assert_non_null(strstr(sb_str(&f->s.lines), "backup written and verified"));
	assert_true(f->s.last_progress == 1.0);

	f->s.next = 0;
	f->s.answers[1] = "wrong passphrase";
	assert_int_equal(action_run(f->dev, "backup.verify", "", &f->io, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	f->s.next = 0;
	f->s.answers[1] = "menu passphrase";
	assert_int_equal(action_run(f->dev, "backup.verify", "", &f->io, &err), 0);
	assert_non_null(strstr(sb_str(&f->s.lines), "backup verified: 100 inboxes, 2 documents"));

	/* Restore: the plan is shown, then confirmed. */
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Changed", &err), 0);
	f->s.next = 0;
	f->s.answers[0] = "menu passphrase";
	f->s.answers[1] = "03";
	f->s.answers[2] = "replace";
	f->s.answers[3] = NULL;
	assert_int_equal(action_run(f->dev, "backup.restore", path.buf, &f->io, &err), 0);
	assert_non_null(strstr(sb_str(&f->s.lines), "inbox 03: replace"));
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Sales");
	assert_true(in.protected_);
	sb_release(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mailbox__action_inboxes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_docs_ask_password, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_backup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
