/* The Mail Box and Backup of Mail Box operations, run through op_exec with
 * the scripted front end (the menus' side: rows, asked passwords,
 * confirmations) on a real store. */
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

#include "backup/backup.h"
#include "fixture.h"
#include "mailbox/mailbox.h"

/* Inbox 03 "Sales" with password 2468 and two documents. */
static int
setup(void **state)
{
	struct tfix *f;
	struct svc_err err;

	/* The environment must not open inboxes or doors behind the test. */
	unsetenv("SVCMODE_BOX_PASSWORD");
	unsetenv("SVCMODE_MANAGER_ID");
	if (tfix_setup(state, "box", LEVEL_USER) != 0)
		return -1;
	f = *state;
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan A", "aaaa", 4, &err), 0);
	assert_int_equal(mailbox_store_document(f->dev, 3, "scan B", "bbb", 3, &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Sales", &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "password", "2468", &err), 0);
	return 0;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* F's scripted answers from the start: the strings, then NULL (cancel). */
static void
answers(struct tfix *f, int n, ...)
{
	va_list ap;

	memset(f->answers, 0, sizeof f->answers);
	f->next = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		f->answers[i] = va_arg(ap, const char *);
	va_end(ap);
}

static void
clear_output(struct tfix *f)
{
	sb_reset(&f->lines);
	sb_reset(&f->rows);
}

static void
test_box__inboxes(void **state)
{
	struct tfix *f = *state;
	const struct op *op = op_find("box.inboxes");

	assert_non_null(op);
	assert_int_equal(op->kind, OP_LIST);
	assert_int_equal(op->doors, 0);
	assert_string_equal(op->row_ops, "box.docs,box.store,box.settings");
	assert_int_equal(tfix_op(f, "box.inboxes", NULL), 0);
	assert_int_equal(count_lines(sb_str(&f->rows)), 100);
	assert_non_null(strstr(sb_str(&f->rows), "03|Sales [PW]|2 doc 7 B\n"));
	assert_non_null(strstr(sb_str(&f->rows), "\n99||0 doc 0 B\n"));
}

static void
test_box__docs_ask_password(void **state)
{
	struct tfix *f = *state;

	answers(f, 1, "1111");
	assert_int_equal(tfix_op(f, "box.docs", "nn=3", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_string_equal(f->err.msg, "wrong password for inbox 03");
	assert_int_equal(f->rows.len, 0);
	/* An empty answer offers none: refused. */
	answers(f, 1, "");
	assert_int_equal(tfix_op(f, "box.docs", "nn=03", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	answers(f, 1, "2468");
	assert_int_equal(tfix_op(f, "box.docs", "nn=03", NULL), 0);
	assert_int_equal(count_lines(sb_str(&f->rows)), 2);
	assert_non_null(strstr(sb_str(&f->rows), "03/0002|0002 scan B|"));
	/* Cancelled: nothing listed. */
	answers(f, 0);
	clear_output(f);
	assert_int_equal(tfix_op(f, "box.docs", "nn=03", NULL), -1);
	assert_int_equal(f->rows.len, 0);
}

static void
test_box__delete_confirmed(void **state)
{
	struct tfix *f = *state;

	/* A wrong password is refused before the question. */
	answers(f, 1, "1111");
	assert_int_equal(tfix_op(f, "box.delete", "nn=03", "doc=1", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(f->confirms, 0);
	/* Not confirmed: kept. */
	answers(f, 1, "2468");
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "box.delete", "nn=03", "doc=1", NULL), -1);
	assert_int_equal(f->confirms, 1);
	assert_non_null(strstr(f->question, "document 0001 of inbox 03"));
	answers(f, 1, "2468");
	f->confirm_rc = 0;
	assert_int_equal(tfix_op(f, "box.delete", "nn=03", "doc=0001", NULL), 0);
	assert_int_equal(f->confirms, 2);
	assert_non_null(strstr(sb_str(&f->lines), "document 0001 of inbox 03 deleted"));
	answers(f, 1, "2468");
	clear_output(f);
	assert_int_equal(tfix_op(f, "box.docs", "nn=03", NULL), 0);
	assert_int_equal(count_lines(sb_str(&f->rows)), 1);
	/* Document numbers are 1-9999. */
	assert_int_equal(tfix_op(f, "box.delete", "nn=03", "doc=0", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
}

static void
test_box__settings(void **state)
{
	struct tfix *f = *state;
	struct mailbox_inbox in;
	struct svc_err err;

	/* One bad answer: nothing changes. */
	answers(f, 5, "2468", "Legal", "5x", "ON", "-");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Sales");
	assert_true(in.protected_);
	/* Empty answers keep; "-" removes the password. */
	answers(f, 5, "2468", "Legal", "12h", "", "-");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", NULL), 0);
	assert_non_null(strstr(sb_str(&f->lines), "inbox settings saved"));
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Legal");
	assert_int_equal(in.auto_erase, 43200);
	assert_false(in.print_on_store);
	assert_false(in.protected_);
	/* No password any more: nothing asked for it. */
	answers(f, 4, "", "", "on", "");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", NULL), 0);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_true(in.print_on_store);
	assert_string_equal(in.name, "Legal");
}

static void
test_box__set(void **state)
{
	struct tfix *f = *state;
	struct mailbox_inbox in;
	struct svc_err err;

	/* Never a password as an argument. */
	assert_int_equal(tfix_op(f, "box.settings", "nn=05", "field=password", "value=1234", NULL),
			 -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_non_null(strstr(f->err.msg, "on the command line"));
	assert_int_equal(tfix_op(f, "box.settings", "nn=05", "field=name", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(tfix_op(f, "box.settings", "nn=05", "field=colour", "value=red", NULL),
			 -1);
	assert_int_equal(f->err.code, EX_USAGE);
	/* A bad new password is refused before the inbox's own is asked. */
	answers(f, 2, "0000", "2468");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", "field=password", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(f->next, 1);
	/* The new one, then the current one. */
	answers(f, 2, "1357", "2468");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", "field=password", NULL), 0);
	answers(f, 1, "1357");
	assert_int_equal(tfix_op(f, "box.settings", "nn=03", "field=Name", "value=Legal", NULL), 0);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Legal");
}

static void
test_box__store_and_export(void **state)
{
	struct tfix *f = *state;
	char in[160], out[160], arg[200], buf[32];
	FILE *fp;

	snprintf(in, sizeof in, "%s/scan.txt", f->dir);
	fp = fopen(in, "w");
	assert_non_null(fp);
	fputs("stored content\n", fp);
	fclose(fp);
	snprintf(arg, sizeof arg, "file=%s", in);
	assert_int_equal(tfix_op(f, "box.store", "nn=5", arg, "name=Scan", NULL), 0);
	assert_non_null(strstr(sb_str(&f->lines), "05/0001 "));
	/* The menus' empty name: the file's name. */
	assert_int_equal(tfix_op(f, "box.store", "nn=5", arg, "name=", NULL), 0);
	assert_non_null(strstr(sb_str(&f->lines), "05/0002 "));
	clear_output(f);
	assert_int_equal(tfix_op(f, "box.docs", "nn=05", NULL), 0);
	assert_non_null(strstr(sb_str(&f->rows), "05/0001|0001 Scan|"));
	assert_non_null(strstr(sb_str(&f->rows), "05/0002|0002 scan.txt|"));
	/* A folder is not a file to store; nothing is asked or stored. */
	snprintf(arg, sizeof arg, "file=%s", f->dir);
	assert_int_equal(tfix_op(f, "box.store", "nn=5", arg, NULL), -1);
	assert_int_equal(f->err.code, EX_NOINPUT);

	snprintf(out, sizeof out, "%s/copy.txt", f->dir);
	snprintf(arg, sizeof arg, "file=%s", out);
	assert_int_equal(tfix_op(f, "box.export", "nn=05", "doc=1", arg, NULL), 0);
	fp = fopen(out, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof buf, fp));
	fclose(fp);
	assert_string_equal(buf, "stored content\n");
	assert_non_null(strstr(sb_str(&f->lines), "copied to"));
	assert_int_equal(tfix_op(f, "box.export", "nn=05", "doc=42", arg, NULL), -1);
	assert_int_equal(f->err.code, EX_NOINPUT);
	snprintf(arg, sizeof arg, "file=%s/no/such/folder/x", f->dir);
	assert_int_equal(tfix_op(f, "box.export", "nn=05", "doc=1", arg, NULL), -1);
	assert_int_equal(f->err.code, EX_CANTCREAT);
	/* A protected inbox asks its password. */
	snprintf(arg, sizeof arg, "file=%s", out);
	answers(f, 1, "2468");
	assert_int_equal(tfix_op(f, "box.export", "nn=03", "doc=2", arg, NULL), 0);
}

static void
test_box__backup(void **state)
{
	struct tfix *f = *state;
	struct strbuf path = STRBUF_INIT, arg = STRBUF_INIT;
	struct mailbox_inbox in;
	struct svc_err err;

	/* System Manager rights: refused without them. */
	sb_addf(&path, "%s/menu.zip", f->dir);
	sb_addf(&arg, "file=%s", path.buf);
	assert_int_equal(tfix_op(f, "backup.create", arg.buf, NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(access(path.buf, F_OK), -1);

	tfix_asker(f);
	/* A short passphrase is refused before any door is opened. */
	answers(f, 1, "short");
	assert_int_equal(tfix_op(f, "backup.create", arg.buf, "encrypt", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_false(device_doors(f->dev) & DOOR_MANAGER);
	answers(f, 1, "menu passphrase");
	assert_int_equal(tfix_op(f, "backup.create", arg.buf, "box=", "encrypt", NULL), 0);
	assert_true(access(path.buf, F_OK) == 0);
	assert_non_null(strstr(sb_str(&f->lines), "backup written and verified"));
	assert_true(f->progress == 1.0);

	answers(f, 1, "wrong passphrase");
	assert_int_equal(tfix_op(f, "backup.verify", arg.buf, NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	answers(f, 1, "menu passphrase");
	assert_int_equal(tfix_op(f, "backup.verify", arg.buf, NULL), 0);
	assert_non_null(strstr(sb_str(&f->lines), "100 inboxes, 2 documents"));
	answers(f, 1, "menu passphrase");
	clear_output(f);
	assert_int_equal(tfix_op(f, "backup.list", arg.buf, NULL), 0);
	assert_non_null(strstr(sb_str(&f->lines), "inbox 03 Sales"));

	/* Restore: the plan is shown, then confirmed; refused, nothing changes. */
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Changed", &err), 0);
	answers(f, 1, "menu passphrase");
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "backup.restore", arg.buf, "box=03", "replace", NULL), -1);
	assert_int_equal(f->confirms, 1);
	assert_non_null(strstr(sb_str(&f->lines), "inbox 03: replace"));
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Changed");
	answers(f, 1, "menu passphrase");
	f->confirm_rc = 0;
	assert_int_equal(tfix_op(f, "backup.restore", arg.buf, "box=03", "replace", NULL), 0);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_string_equal(in.name, "Sales");
	assert_true(in.protected_);
	/* --replace and --merge together: refused before anything. */
	assert_int_equal(tfix_op(f, "backup.restore", arg.buf, "replace", "merge", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	sb_release(&path);
	sb_release(&arg);
}

/* Initialize All Data backs up first at a service door: the backup module
 * checks no door itself; the operation table's doors are the rule. */
static void
test_box__backup_for_init_at_service_level(void **state)
{
	struct tfix *f = *state;
	struct strbuf path = STRBUF_INIT, arg = STRBUF_INIT;
	struct backup_summary sum;
	struct svc_err err = { 0 };

	device_close(f->dev);
	f->dev = NULL;
	assert_int_equal(tfix_reopen(f, LEVEL_SERVICE1, &err), 0);
	sb_addf(&path, "%s/init.zip", f->dir);
	sb_addf(&arg, "file=%s", path.buf);
	assert_int_equal(tfix_op(f, "backup.create", arg.buf, NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(backup_create(f->dev, path.buf, NULL, NULL, NULL, &sum, &err), 0);
	assert_int_equal(sum.documents, 2);
	sb_release(&path);
	sb_release(&arg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_box__inboxes, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__docs_ask_password, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__delete_confirmed, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__settings, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__set, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__store_and_export, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__backup, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_box__backup_for_init_at_service_level, setup,
						tfix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
