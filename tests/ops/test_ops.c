/*
 * The operation table against the menus and the doors:
 *  - every menu item names an operation, every row operation exists;
 *  - the walk: every operation has a menu path (and CLI words), and no
 *    menu on that path asks for a door that does not open the operation;
 *  - the level test: every operation, at every session (nobody, the
 *    System Manager, service level 1, service level 2), through op_exec,
 *    the path both front ends take: it asks for credentials exactly when
 *    the session holds none of its doors, and a refusal leaves the store
 *    byte for byte as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "menu/menu.h"
#include "ops/op.h"
#include "sample.h"
#include "util/fsutil.h"

static int
check_item(void *arg, const struct menu_item *it)
{
	struct strbuf *problems = arg;

	if (it->kind == MENU_ACTION && op_find(it->target) == NULL)
		sb_addf(problems, "%s:%d: '%s' names no operation\n", it->file, it->line,
			it->target);
	return 0;
}

static void
test_ops__screens_name_operations(void **state)
{
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err = { 0 };
	struct menu *m;

	(void)state;
	assert_int_equal(menu_new(&m, &err), 0);
	menu_walk(m, check_item, &problems);
	if (problems.len)
		fail_msg("%s", problems.buf);
	menu_free(m);
}

static void
test_ops__row_ops_exist(void **state)
{
	const struct op *o;

	(void)state;
	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		const char *p = o->row_ops;
		char name[64];

		assert_true(p == NULL || o->kind == OP_LIST);
		while (p && *p) {
			size_t n = strcspn(p, ",");
			snprintf(name, sizeof name, "%.*s", (int)n, p);
			if (op_find(name) == NULL)
				fail_msg("%s names unknown row operation '%s'", o->name, name);
			p += n + (p[n] == ',');
		}
	}
}

/* --- the walk -------------------------------------------------------------- */

#define MAX_OPS 256

struct walk {
	const struct op *ops[MAX_OPS];
	int n;
	bool reached[MAX_OPS], open_path[MAX_OPS];
	bool settings; /* some "setting KEY" item exists */
	struct strbuf problems;
};

static int
op_index(const struct walk *w, const struct op *o)
{
	for (int i = 0; i < w->n; i++)
		if (w->ops[i] == o)
			return i;
	return -1;
}

/* The doors the menus ask for before IT shows: guards and show= on the way. */
static unsigned
path_doors(const struct menu_item *it)
{
	unsigned d = 0;

	for (const struct menu_item *p = it; p; p = p->parent) {
		d |= level_doors(p->show);
		if (p->kind == MENU_SUBMENU)
			d |= level_doors(p->guard);
	}
	return d;
}

/* The door the path finally asks for (level 2 is entered from level 1). */
static unsigned
strongest(unsigned d)
{
	if (d & DOOR_SERVICE2)
		return DOOR_SERVICE2;
	if (d & DOOR_SERVICE1)
		return DOOR_SERVICE1;
	return d & DOOR_MANAGER;
}

static void reach(struct walk *w, const struct op *o, unsigned path, const struct menu_item *it);

static void
reach(struct walk *w, const struct op *o, unsigned path, const struct menu_item *it)
{
	int i = op_index(w, o);
	char name[64];

	bool news;

	if (i < 0)
		return;
	news = !w->reached[i] || (path == 0 && !w->open_path[i]);
	if (path == 0)
		w->open_path[i] = true;
	else if (o->doors != 0 && !(strongest(path) & o->doors))
		sb_addf(&w->problems,
			"%s:%d: '%s' sits behind a menu door that does not open it "
			"(menu %#x, operation %#x)\n",
			it->file, it->line, o->name, path, o->doors);
	w->reached[i] = true;
	if (!news)
		return;
	/* A list's row operations are reached through it. */
	for (const char *p = o->row_ops; p && *p;) {
		size_t n = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		if (op_find(name))
			reach(w, op_find(name), path, it);
		p += n + (p[n] == ',');
	}
}

static int
walk_item(void *arg, const struct menu_item *it)
{
	struct walk *w = arg;

	if (it->kind == MENU_SETTING)
		w->settings = true;
	if (it->kind == MENU_ACTION && op_find(it->target))
		reach(w, op_find(it->target), path_doors(it), it);
	return 0;
}

static void
test_ops__walk(void **state)
{
	struct walk w = { .problems = STRBUF_INIT };
	struct svc_err err = { 0 };
	const struct op *o;
	struct menu *m;

	(void)state;
	for (int i = 0; (o = op_at(i)) != NULL && w.n < MAX_OPS; i++)
		w.ops[w.n++] = o;
	assert_int_equal(menu_new(&m, &err), 0);
	menu_walk(m, walk_item, &w);
	for (int i = 0; i < w.n; i++) {
		o = w.ops[i];
		if (o->words == NULL || !*o->words || o->help == NULL || o->run == NULL)
			sb_addf(&w.problems, "'%s' lacks CLI words, help or a run\n", o->name);
		if (o->flags & (OP_NOSTORE | OP_SERVICE))
			continue; /* it makes the store the menus open; systemd runs it */
		if (o->kind == OP_EDIT) {
			if (!w.settings)
				sb_addf(&w.problems, "'%s': no setting item renders it\n", o->name);
			continue;
		}
		if (!w.reached[i])
			sb_addf(&w.problems, "'%s' has no menu path\n", o->name);
		else if (o->doors == 0 && !w.open_path[i])
			sb_addf(&w.problems,
				"'%s' needs no credentials but every menu path to it asks "
				"for some\n",
				o->name);
	}
	print_message("%d operations walked\n", w.n);
	if (w.problems.len)
		fail_msg("%s", w.problems.buf);
	sb_release(&w.problems);
	menu_free(m);
}

/* --- every operation at every session --------------------------------------- */

struct asked {
	int n;
	unsigned doors;
};

static int
refuse_creds(void *arg, unsigned doors, struct device_creds *out, struct svc_err *err)
{
	struct asked *a = arg;

	(void)out;
	a->n++;
	a->doors = doors;
	return svc_errf(err, EX_NOPERM, "refused by the test");
}

/* Every byte of the store's files. */
static void
store_bytes(const struct tfix *f, struct strbuf *out)
{
	static const char *const sfx[] = { "", "-wal" };
	char path[160];

	sb_reset(out);
	for (size_t i = 0; i < 2; i++) {
		struct strbuf b = STRBUF_INIT;
		snprintf(path, sizeof path, "%s%s", f->path, sfx[i]);
		if (access(path, F_OK) == 0 && fs_read(path, (size_t)1 << 30, &b, NULL) == 0)
			sb_add(out, b.buf, b.len);
		sb_release(&b);
	}
}

static const struct {
	enum level login;
	unsigned held;
	const char *name;
} sessions[] = {
	{ LEVEL_USER, 0, "nobody" },
	{ LEVEL_MANAGER, DOOR_MANAGER, "System Manager" },
	{ LEVEL_SERVICE1, DOOR_SERVICE1, "service level 1" },
	{ LEVEL_SERVICE2, DOOR_SERVICE1 | DOOR_SERVICE2, "service level 2" },
};

static void
one(const struct op *o, size_t s, struct strbuf *problems, int *refused)
{
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	struct asked asked = { 0, 0 };
	struct svc_err err = { 0 };
	struct tfix *f;
	void *fs;
	char in[160];
	int rc;

	assert_int_equal(tfix_setup(&fs, "ops", sessions[s].login), 0);
	f = fs;
	snprintf(in, sizeof in, "%s/in.txt", f->dir);
	assert_int_equal(fs_write_atomic(in, "sample\n", 7, 0600, &err), 0);
	device_set_asker(f->dev, refuse_creds, &asked);
	f->confirm_rc = -1; /* nothing destructive goes through */
	for (int k = 0; k < 8; k++)
		f->answers[k] = "1234567"; /* new codes, passphrases: all valid */

	struct op_ctx c = { .dev = f->dev, .op = o, .fe = &f->fe, .fe_arg = f };
	op_sample(o, f->dir, c.argv);
	unsigned need = op_doors(&c);
	bool opens = need == 0 || (need & sessions[s].held);

	store_bytes(f, &before);
	rc = op_exec(&c, &err);
	op_ctx_release(&c);
	if (opens && asked.n > 0)
		sb_addf(problems, "%s at %s: asked for credentials (doors %#x) it holds\n", o->name,
			sessions[s].name, asked.doors);
	if (!opens) {
		/* Refused at the door, or before it for the sample's input (a key
		 * pair that does not exist): either way it failed and wrote
		 * nothing, not even a login record. */
		*refused += asked.n > 0;
		store_bytes(f, &after);
		if (rc == 0 || (asked.n > 0 && err.code != EX_NOPERM))
			sb_addf(problems, "%s at %s: not refused (rc %d, exit %d: %s)\n", o->name,
				sessions[s].name, rc, err.code, err.msg);
		else if (before.len != after.len || memcmp(before.buf, after.buf, before.len) != 0)
			sb_addf(problems, "%s at %s: the refusal changed the store\n", o->name,
				sessions[s].name);
	}
	sb_release(&before);
	sb_release(&after);
	tfix_teardown(&fs);
}

static void
test_ops__every_op_at_every_level(void **state)
{
	struct strbuf problems = STRBUF_INIT;
	const struct op *o;
	int runs = 0, refused = 0;

	(void)state;
	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		if (o->flags & (OP_NOSTORE | OP_SERVICE))
			continue;
		for (size_t s = 0; s < sizeof sessions / sizeof sessions[0]; s++, runs++)
			one(o, s, &problems, &refused);
	}
	print_message("%d runs, %d refused at the door\n", runs, refused);
	if (problems.len)
		fail_msg("%s", problems.buf);
	assert_true(refused > 0);
	sb_release(&problems);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops__screens_name_operations),
		cmocka_unit_test(test_ops__row_ops_exist),
		cmocka_unit_test(test_ops__walk),
		cmocka_unit_test(test_ops__every_op_at_every_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
