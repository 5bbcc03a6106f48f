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
#include "fixture.h"
#include "mailbox/mailbox.h"

/* Inbox 03 "Sales" with password 2468 and two documents. */
static int
setup(void **state)
{
	struct tfix *f;
	struct svc_err err;

	if (tfix_setup(state, "actions", LEVEL_USER) != 0)
		return -1;
	f = *state;
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan A", "aaaa", 4, &err), 0);
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan B", "bbb", 3, &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Sales", &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "password", "2468", &err), 0);
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
	struct tfix *f = *state;
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
	struct tfix *f = *state;
	const struct action_def *a = action_find("box.docs");
	struct rows r = { 0 };
	struct svc_err err;

	assert_non_null(a);
	f->answers[0] = "1111";
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(r.n, 0);
	f->answers[1] = "2468";
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.last.id, "03/0002");
	assert_string_equal(r.last.label, "0002 scan B");
	/* Deleting: password, then confirmation; refused confirmation keeps it. */
	f->answers[2] = "2468";
	f->confirm_rc = -1;
	assert_int_equal(action_run(f->dev, "box.doc_delete", "03/0001", &f->io, &err), -1);
	f->answers[3] = "2468";
	f->confirm_rc = 0;
	assert_int_equal(action_run(f->dev, "box.doc_delete", "03/0001", &f->io, &err), 0);
	assert_int_equal(f->confirms, 2);
	f->answers[4] = "2468";
	r.n = 0;
	assert_int_equal(a->list(f->dev, "03", &f->io, collect, &r, &err), 0);
	assert_int_equal(r.n, 1);
}

static void
test_mailbox__action_settings(void **state)
{
	struct tfix *f = *state;
	struct mailbox_inbox in;
	struct svc_err err;
	const char *answers[] = { "2468", "Legal", "12h", "ON", "-", NULL };

	memcpy(f->answers, answers, sizeof answers);
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
	struct tfix *f = *state;
	struct strbuf path = STRBUF_INIT;
	struct svc_err err;
	struct mailbox_inbox in;

	tfix_asker(f);
	sb_addf(&path, "%s/menu.zip", f->dir);
	f->answers[0] = path.buf;
	f->answers[1] = "";
	f->answers[2] = "menu passphrase";
	f->answers[3] = "menu passphrase";
	assert_int_equal(action_run(f->dev, "backup.create", "", &f->io, &err), 0);
	assert_true(access(path.buf, F_OK) == 0);
	assert_non_null(strstr(sb_str(&f->lines), "backup written and verified"));
	assert_true(f->progress == 1.0);

	f->next = 0;
	f->answers[1] = "wrong passphrase";
	assert_int_equal(action_run(f->dev, "backup.verify", "", &f->io, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	f->next = 0;
	f->answers[1] = "menu passphrase";
	assert_int_equal(action_run(f->dev, "backup.verify", "", &f->io, &err), 0);
	assert_non_null(strstr(sb_str(&f->lines), "backup verified: 100 inboxes, 2 documents"));

	/* Restore: the plan is shown, then confirmed. */
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Changed", &err), 0);
	f->next = 0;
	f->answers[0] = "menu passphrase";
	f->answers[1] = "03";
	f->answers[2] = "replace";
	f->answers[3] = NULL;
	assert_int_equal(action_run(f->dev, "backup.restore", path.buf, &f->io, &err), 0);
	assert_non_null(strstr(sb_str(&f->lines), "inbox 03: replace"));
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Sales");
	assert_true(in.protected_);
	sb_release(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mailbox__action_inboxes, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_docs_ask_password, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_settings, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__action_backup, setup, tfix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
