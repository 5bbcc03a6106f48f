/*
 * The backup manifest (src/backup/manifest.c) on a real store: what
 * backup_build_manifest writes, backup_parse_manifest reads back the same;
 * a manifest from outside that is malformed in any one way is refused with
 * EX_DATAERR and a message that says what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "access/access.h"
#include "backup/backup_int.h"
#include "fixture.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static int
setup(void **state)
{
	return tfix_setup(state, "manifest", LEVEL_MANAGER);
}

static struct store_doc
doc(int box, int no, const char *name, int64_t size, const char *sha)
{
	struct store_doc d = { .box = box, .no = no, .stored_at = 1764270892, .pages = 2 };

	d.size = size;
	strlcpy_(d.name, name, sizeof d.name);
	strlcpy_(d.sha256, sha, sizeof d.sha256);
	snprintf(d.file, sizeof d.file, "%02d%04d-store-name.doc", box, no);
	return d;
}

static void
round_trip(void **state)
{
	struct tfix *f = *state;
	struct store_inbox *ins = calloc(MAILBOX_INBOXES, sizeof *ins);
	bool sel[MAILBOX_INBOXES] = { false };
	struct store_doc docs[3];
	struct collect c = { docs, 3, 3, NULL };
	struct strbuf json = STRBUF_INIT, hash = STRBUF_INIT;
	struct svc_err err = { 0 };
	struct parsed p;
	char want[80];

	assert_non_null(ins);
	assert_int_equal(access_hash("4321", &hash, &err), 0);
	sel[0] = sel[3] = sel[42] = true;
	ins[3] = (struct store_inbox){ .box = 3, .auto_erase = 7 * 86400, .print_on_store = true };
	strlcpy_(ins[3].name, "Sales \xe2\x82\xac", sizeof ins[3].name);
	strlcpy_(ins[3].password, hash.buf, sizeof ins[3].password);
	ins[42] = (struct store_inbox){ .box = 42 };
	strlcpy_(ins[42].name, "Quote \"Q\" \\ back", sizeof ins[42].name);
	ins[0].box = 0;
	docs[0] = doc(3, 1, "scan.pdf", 1000, SHA_A);
	/* A name that is not safe on a PC file system, and longer than 60. */
	docs[1] = doc(3, 17,
		      "a/b\\c:d*e?f\"g<h>i|j 0123456789012345678901234567890123456789012345678", 0,
		      SHA_B);
	docs[2] = doc(42, 9999, "caf\xc3\xa9.tif", 123456789, SHA_A);

	backup_build_manifest(f->dev, ins, sel, &c, &json);
	memset(&p, 0, sizeof p);
	assert_int_equal(backup_parse_manifest(f->dev, "t.zip", json.buf, &p, &err), 0);

	assert_int_equal(p.head.format, BACKUP_FORMAT);
	assert_string_equal(p.head.serial, TFIX_SERIAL);
	assert_int_equal(strlen(p.head.created), 20);
	assert_int_equal(p.ninboxes, 3);
	for (int b = 0; b < MAILBOX_INBOXES; b++)
		assert_int_equal(p.has_inbox[b], sel[b]);
	assert_string_equal(p.inboxes[3].name, ins[3].name);
	assert_string_equal(p.inboxes[3].password, hash.buf);
	assert_int_equal(p.inboxes[3].auto_erase, 7 * 86400);
	assert_true(p.inboxes[3].print_on_store);
	assert_string_equal(p.inboxes[42].name, "Quote \"Q\" \\ back");
	assert_string_equal(p.inboxes[42].password, "");
	assert_false(p.inboxes[42].print_on_store);

	assert_int_equal(p.ndocs, 3);
	assert_int_equal(p.bytes, 1000 + 0 + 123456789);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(p.docs[i].box, docs[i].box);
		assert_int_equal(p.docs[i].no, docs[i].no);
		assert_string_equal(p.docs[i].name, docs[i].name);
		assert_int_equal(p.docs[i].stored_at, docs[i].stored_at);
		assert_int_equal(p.docs[i].pages, 2);
		assert_int_equal(p.docs[i].size, docs[i].size);
		assert_string_equal(p.docs[i].sha256, docs[i].sha256);
		/* FILE is the archive path, never the store's file name. */
		backup_doc_path(&docs[i], want, sizeof want);
		assert_string_equal(p.docs[i].file, want);
	}
	assert_string_equal(p.docs[0].file, "inboxes/03/0001 scan.pdf");
	assert_string_equal(p.docs[1].file,
			    "inboxes/03/0017 a_b_c_d_e_f_g_h_i_j 012345678901234567890123456789"
			    "0123456789");
	assert_string_equal(p.docs[2].file, "inboxes/42/9999 caf\xc3\xa9.tif");

	backup_parsed_free(&p);
	sb_release(&json);
	sb_release(&hash);
	free(ins);
}

/* A manifest that parses; each case below changes one thing in it. */
static const char base[] =
	"{\"format\": 1, \"svcmode\": \"1.0\", \"model\": \"iR5570\", \"serial\": \"TST00001\","
	" \"created\": \"2026-11-27T19:14:52Z\","
	" \"inboxes\": [{\"box\": 3, \"name\": \"Sales\", \"password\": \"\", \"auto_erase\": 0,"
	" \"print_on_store\": 0},"
	" {\"box\": 5, \"name\": \"\", \"password\": \"\", \"auto_erase\": 86400,"
	" \"print_on_store\": 1}],"
	" \"documents\": [{\"box\": 3, \"no\": 1, \"name\": \"a.pdf\", \"stored\": 1764270892,"
	" \"pages\": 1, \"size\": 10, \"sha256\": \"" SHA_A "\","
	" \"path\": \"inboxes/03/0001 a.pdf\"},"
	" {\"box\": 3, \"no\": 2, \"name\": \"b.pdf\", \"stored\": 1764270892,"
	" \"pages\": 1, \"size\": 20, \"sha256\": \"" SHA_B "\","
	" \"path\": \"inboxes/03/0002 b.pdf\"}]}";

/* BASE with its first FROM replaced by TO. */
static char *
edited(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(at);
	sb_add(&sb, base, (size_t)(at - base));
	sb_adds(&sb, to);
	sb_adds(&sb, at + strlen(from));
	return sb_detach(&sb);
}

static int
parse(struct tfix *f, const char *json, struct svc_err *err)
{
	struct parsed p;
	int rc;

	memset(&p, 0, sizeof p);
	memset(err, 0, sizeof *err);
	rc = backup_parse_manifest(f->dev, "t.zip", json, &p, err);
	backup_parsed_free(&p);
	return rc;
}

static void
base_parses(void **state)
{
	struct svc_err err;

	assert_int_equal(parse(*state, base, &err), 0);
}

static void
malformed_refused(void **state)
{
	static const struct {
		const char *from, *to, *says;
	} cases[] = {
		{ "{\"format\": 1,", "{\"format\": 1", "not valid JSON" },
		{ "\"format\": 1", "\"format\": \"1\"", "has no format number" },
		{ "\"format\": 1", "\"format\": 2", "is backup format 2, newer than this svcmode" },
		{ "\"format\": 1", "\"format\": 0", "has an invalid backup format number 0" },
		{ "2026-11-27T19:14:52Z", "2026-13-27T19:14:52Z", "has an invalid 'created'" },
		{ "2026-11-27T19:14:52Z", "1999-11-27T19:14:52Z", "has an invalid 'created'" },
		{ "2026-11-27T19:14:52Z", "2026-11-27T19:14:52", "has an invalid 'created'" },
		{ "{\"box\": 3, \"name\": \"Sales\"", "{\"box\": 100, \"name\": \"Sales\"",
		  "has an invalid 'box' (100)" },
		{ "{\"box\": 3, \"name\": \"Sales\"", "{\"box\": 4294967299, \"name\": \"Sales\"",
		  "has an invalid 'box' (4294967299)" },
		{ "{\"box\": 5, \"name\": \"\"", "{\"box\": 3, \"name\": \"\"",
		  "bad entry for inbox 3" },
		{ "\"name\": \"Sales\"", "\"name\": \"Sa\\u001b[2Jles\"", "bad entry for inbox 3" },
		{ "\"name\": \"Sales\"", "\"name\": \"0123456789012345678901234\"",
		  "bad entry for inbox 3" },
		{ "\"auto_erase\": 86400", "\"auto_erase\": -1", "bad entry for inbox 5" },
		{ "\"auto_erase\": 86400", "\"auto_erase\": 31536001", "bad entry for inbox 5" },
		{ "\"auto_erase\": 0", "\"auto_erase\": \"0\"", "has a malformed inbox" },
		{ "\"password\": \"\"", "\"password\": \"1234\"",
		  "'password' of inbox 03 is not a password hash" },
		{ "\"box\": 3, \"no\": 1", "\"box\": 4, \"no\": 1",
		  "bad document entry (inbox 4, document 1)" },
		{ "\"no\": 2", "\"no\": 1", "bad document entry (inbox 3, document 1)" },
		{ "\"no\": 1", "\"no\": 0", "has an invalid 'no' (0)" },
		{ "inboxes/03/0001 a.pdf", "inboxes/03/0001 ../a.pdf",
		  "bad document entry (inbox 3, document 1)" },
		{ "\"name\": \"a.pdf\"", "\"name\": \"\"",
		  "bad document entry (inbox 3, document 1)" },
		{ "\"size\": 10", "\"size\": -10", "has an invalid 'size' (-10)" },
		{ "\"stored\": 1764270892", "\"stored\": 4102444801", "has an invalid 'stored'" },
		{ "0123456789abcdef01234567", "0123456789ABCDEF01234567",
		  "bad document entry (inbox 3, document 1)" },
		{ SHA_A, "0123", "has a malformed document entry" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *json = edited(cases[i].from, cases[i].to);
		struct svc_err err;

		if (parse(*state, json, &err) != -1 || err.code != EX_DATAERR ||
		    strstr(err.msg, cases[i].says) == NULL)
			fail_msg("case %zu (%s -> %s): got %d '%s', want '%s'", i, cases[i].from,
				 cases[i].to, err.code, err.msg, cases[i].says);
		free(json);
	}
}

static void
too_many_documents_refused(void **state)
{
	struct strbuf json = STRBUF_INIT;
	struct svc_err err;

	sb_adds(&json, "{\"format\": 1, \"svcmode\": \"1.0\", \"model\": \"m\", \"serial\": \"s\","
		       " \"created\": \"2026-11-27T19:14:52Z\", \"inboxes\": [{\"box\": 7,"
		       " \"name\": \"\", \"password\": \"\", \"auto_erase\": 0,"
		       " \"print_on_store\": 0}], \"documents\": [");
	for (int no = 1; no <= MAILBOX_MAX_DOCS + 1; no++)
		sb_addf(&json,
			"%s{\"box\": 7, \"no\": %d, \"name\": \"d\", \"stored\": 1764270892,"
			" \"pages\": 1, \"size\": 1, \"sha256\": \"%s\","
			" \"path\": \"inboxes/07/%04d d\"}",
			no > 1 ? ", " : "", no, SHA_A, no);
	sb_adds(&json, "]}");
	assert_int_equal(parse(*state, json.buf, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_non_null(strstr(err.msg, "more than 100 documents for inbox 07"));
	sb_release(&json);
}

static void
sums_name_every_entry(void **state)
{
	struct store_doc d[2];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	d[0] = doc(3, 1, "a", 1, SHA_A);
	d[1] = doc(3, 2, "b", 1, SHA_B);
	strlcpy_(d[0].file, "inboxes/03/0001 a", sizeof d[0].file);
	strlcpy_(d[1].file, "inboxes/03/0002 b", sizeof d[1].file);
	backup_sums_text(SHA_B, d, 2, false, &sb);
	/* sha256sum(1) form: hash, two spaces, name. */
	assert_string_equal(sb.buf, SHA_B "  svcmode-backup.json\n" SHA_A
					  "  inboxes/03/0001 a\n" SHA_B "  inboxes/03/0002 b\n");
	/* The store's documents: the same archive paths, made from box,
	 * number and name. */
	sb_reset(&sb);
	strlcpy_(d[0].file, "0123abcd.doc", sizeof d[0].file);
	strlcpy_(d[1].file, "4567ef01.doc", sizeof d[1].file);
	backup_sums_text(SHA_B, d, 2, true, &sb);
	assert_string_equal(sb.buf, SHA_B "  svcmode-backup.json\n" SHA_A
					  "  inboxes/03/0001 a\n" SHA_B "  inboxes/03/0002 b\n");
	sb_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(base_parses, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(malformed_refused, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(too_many_documents_refused, setup, tfix_teardown),
		cmocka_unit_test(sums_name_every_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
