/* Mail Box rows and backup manifests. */
#include "store/store_mailbox.h"

#include <string.h>

#include "store/store_int.h"

static const char SQL_INBOX_GET[] =
	"SELECT box, name, password, auto_erase, print_on_store FROM mailbox_inbox"
	" WHERE box = ?1";
static const char SQL_INBOX_ALL[] =
	"SELECT box, name, password, auto_erase, print_on_store FROM mailbox_inbox ORDER BY box";
static const char SQL_INBOX_PUT[] =
	"INSERT INTO mailbox_inbox (box, name, password, auto_erase, print_on_store)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (box) DO UPDATE SET name = excluded.name,"
	" password = excluded.password, auto_erase = excluded.auto_erase,"
	" print_on_store = excluded.print_on_store";
static const char SQL_INBOX_DEL[] = "DELETE FROM mailbox_inbox WHERE box = ?1";
static const char SQL_USAGE[] = "SELECT box, count(*), sum(size) FROM mailbox_doc GROUP BY box";
#define DOC_COLS "box, no, name, stored_at, pages, size, sha256, file"
static const char SQL_DOC_BOX[] =
	"SELECT " DOC_COLS " FROM mailbox_doc WHERE ?1 < 0 OR box = ?1 ORDER BY box, no";
static const char SQL_DOC_EXPIRED[] =
	"SELECT d.box, d.no, d.name, d.stored_at, d.pages, d.size, d.sha256, d.file"
	" FROM mailbox_doc d JOIN mailbox_inbox i ON i.box = d.box"
	" WHERE i.auto_erase > 0 AND d.stored_at + i.auto_erase <= ?1 ORDER BY d.box, d.no";
static const char SQL_DOC_GET[] = "SELECT " DOC_COLS " FROM mailbox_doc WHERE box = ?1 AND no = ?2";
static const char SQL_DOC_NEXT[] =
	"SELECT coalesce((SELECT max(no) FROM mailbox_doc WHERE box = ?1), 0) + 1";
static const char SQL_DOC_FREE[] =
	"SELECT min(no + 1) FROM (SELECT 0 AS no UNION ALL SELECT no FROM mailbox_doc"
	" WHERE box = ?1) WHERE no + 1 <= 9999 AND no + 1 NOT IN"
	" (SELECT no FROM mailbox_doc WHERE box = ?1)";
static const char SQL_DOC_ADD[] =
	"INSERT INTO mailbox_doc (" DOC_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_DOC_DEL[] = "DELETE FROM mailbox_doc WHERE box = ?1 AND no = ?2";
static const char SQL_DOC_FILE[] = "SELECT 1 FROM mailbox_doc WHERE file = ?1";
static const char SQL_DOC_CLEAR[] = "DELETE FROM mailbox_doc";
static const char SQL_INBOX_CLEAR[] = "DELETE FROM mailbox_inbox";
static const char SQL_MAN_HEAD[] =
	"SELECT json_extract(?1, '$.format'), json_extract(?1, '$.svcmode'),"
	" json_extract(?1, '$.model'), json_extract(?1, '$.serial'),"
	" json_extract(?1, '$.created'), json_type(?1, '$.format'), json_valid(?1)";
static const char SQL_MAN_INBOXES[] =
	"SELECT json_extract(value, '$.box'), json_extract(value, '$.name'),"
	" json_extract(value, '$.password'), json_extract(value, '$.auto_erase'),"
	" json_extract(value, '$.print_on_store'), json_type(value, '$.box'),"
	" json_type(value, '$.auto_erase') FROM json_each(?1, '$.inboxes')";
static const char SQL_MAN_DOCS[] =
	"SELECT json_extract(value, '$.box'), json_extract(value, '$.no'),"
	" json_extract(value, '$.name'), json_extract(value, '$.stored'),"
	" json_extract(value, '$.pages'), json_extract(value, '$.size'),"
	" json_extract(value, '$.sha256'), json_extract(value, '$.path'),"
	" json_type(value, '$.box'), json_type(value, '$.no'), json_type(value, '$.stored'),"
	" json_type(value, '$.pages'), json_type(value, '$.size')"
	" FROM json_each(?1, '$.documents')";

static int
step_done(struct store *st, sqlite3_stmt *s, int rc, const char *what, struct svc_err *err)
{
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, what, err);
	return 0;
}

static void
inbox_defaults(struct store_inbox *in, int box)
{
	memset(in, 0, sizeof *in);
	in->box = box;
}

static void
inbox_row(sqlite3_stmt *s, struct store_inbox *in)
{
	inbox_defaults(in, sqlite3_column_int(s, 0));
	strlcpy_(in->name, store_col(s, 1), sizeof in->name);
	strlcpy_(in->password, store_col(s, 2), sizeof in->password);
	in->auto_erase = sqlite3_column_int64(s, 3);
	in->print_on_store = sqlite3_column_int(s, 4) != 0;
}

int
store_inbox_get(struct store *st, int box, struct store_inbox *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_INBOX_GET, err);
	int rc;

	inbox_defaults(out, box);
	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		inbox_row(s, out);
		sqlite3_reset(s);
		return 1;
	}
	return step_done(st, s, rc, "reading an inbox", err);
}

int
store_inbox_put(struct store *st, const struct store_inbox *in, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_INBOX_PUT, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, in->box);
	store_bind_text(s, 2, in->name);
	store_bind_text(s, 3, in->password);
	sqlite3_bind_int64(s, 4, in->auto_erase);
	sqlite3_bind_int(s, 5, in->print_on_store ? 1 : 0);
	return store_exec_stmt(st, s, "writing an inbox", err);
}

int
store_inbox_delete(struct store *st, int box, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_INBOX_DEL, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	return store_exec_stmt(st, s, "deleting an inbox", err);
}

struct usage {
	int64_t *docs, *bytes;
};

static int
usage_row(void *arg, sqlite3_stmt *s)
{
	const struct usage *u = arg;
	int b = sqlite3_column_int(s, 0);

	if (b >= 0 && b < 100) {
		u->docs[b] = sqlite3_column_int64(s, 1);
		u->bytes[b] = sqlite3_column_int64(s, 2);
	}
	return 0;
}

int
store_inbox_usage(struct store *st, int64_t docs[100], int64_t bytes[100], struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_USAGE, err);
	struct usage u = { docs, bytes };

	memset(docs, 0, 100 * sizeof docs[0]);
	memset(bytes, 0, 100 * sizeof bytes[0]);
	if (s == NULL)
		return -1;
	return store_each_row(st, s, usage_row, &u, "counting documents", err);
}

struct inbox_each {
	store_inbox_fn fn;
	void *arg;
};

static int
inbox_each_row(void *arg, sqlite3_stmt *s)
{
	const struct inbox_each *e = arg;
	struct store_inbox in;

	inbox_row(s, &in);
	return e->fn(e->arg, &in) != 0 ? -1 : 0;
}

int
store_inbox_each(struct store *st, store_inbox_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_INBOX_ALL, err);
	struct inbox_each e = { fn, arg };

	if (s == NULL)
		return -1;
	return store_each_row(st, s, inbox_each_row, &e, "reading inboxes", err);
}

static void
doc_row(sqlite3_stmt *s, struct store_doc *d)
{
	memset(d, 0, sizeof *d);
	d->box = sqlite3_column_int(s, 0);
	d->no = sqlite3_column_int(s, 1);
	strlcpy_(d->name, store_col(s, 2), sizeof d->name);
	d->stored_at = sqlite3_column_int64(s, 3);
	d->pages = sqlite3_column_int(s, 4);
	d->size = sqlite3_column_int64(s, 5);
	strlcpy_(d->sha256, store_col(s, 6), sizeof d->sha256);
	strlcpy_(d->file, store_col(s, 7), sizeof d->file);
}

struct doc_each {
	store_doc_fn fn;
	void *arg;
};

static int
doc_each_row(void *arg, sqlite3_stmt *s)
{
	const struct doc_each *e = arg;
	struct store_doc d;

	doc_row(s, &d);
	return e->fn(e->arg, &d) != 0 ? -1 : 0;
}

static int
doc_loop(struct store *st, sqlite3_stmt *s, store_doc_fn fn, void *arg, struct svc_err *err)
{
	struct doc_each e = { fn, arg };

	return store_each_row(st, s, doc_each_row, &e, "reading documents", err);
}

int
store_doc_each(struct store *st, int box, store_doc_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOC_BOX, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	return doc_loop(st, s, fn, arg, err);
}

int
store_doc_expired(struct store *st, int64_t now, store_doc_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOC_EXPIRED, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	return doc_loop(st, s, fn, arg, err);
}

int
store_doc_get(struct store *st, int box, int no, struct store_doc *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOC_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	sqlite3_bind_int(s, 2, no);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		doc_row(s, out);
		sqlite3_reset(s);
		return 1;
	}
	return step_done(st, s, rc, "reading a document", err);
}

static int
query_int(struct store *st, const char *sql, int box, int64_t *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, sql, err);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW)
		return step_done(st, s, rc, "numbering a document", err) ? -1 : 0;
	*out = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
	rc = sqlite3_step(s);
	return step_done(st, s, rc, "numbering a document", err);
}

int
store_doc_add(struct store *st, struct store_doc *d, struct svc_err *err)
{
	sqlite3_stmt *s;
	int64_t no = d->no;

	if (no == 0) {
		if (query_int(st, SQL_DOC_NEXT, d->box, &no, err) != 0)
			return -1;
		if (no > 9999 && query_int(st, SQL_DOC_FREE, d->box, &no, err) != 0)
			return -1;
		if (no < 1 || no > 9999)
			return svc_errf(err, EX_CANTCREAT, "no free document number in inbox %02d",
					d->box);
	}
	if ((s = store_stmt(st, SQL_DOC_ADD, err)) == NULL)
		return -1;
	sqlite3_bind_int(s, 1, d->box);
	sqlite3_bind_int64(s, 2, no);
	store_bind_text(s, 3, d->name);
	sqlite3_bind_int64(s, 4, d->stored_at);
	sqlite3_bind_int(s, 5, d->pages);
	sqlite3_bind_int64(s, 6, d->size);
	store_bind_text(s, 7, d->sha256);
	store_bind_text(s, 8, d->file);
	if (store_exec_stmt(st, s, "adding a document", err) != 0)
		return -1;
	d->no = (int)no;
	return 0;
}

int
store_doc_delete(struct store *st, int box, int no, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOC_DEL, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, box);
	sqlite3_bind_int(s, 2, no);
	return store_exec_stmt(st, s, "deleting a document", err);
}

int
store_doc_file_known(struct store *st, const char *file, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOC_FILE, err);
	int rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, file);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sqlite3_reset(s);
		return 1;
	}
	return step_done(st, s, rc, "looking up a document file", err);
}

int
store_mailbox_clear(struct store *st, int64_t *docs, int64_t *inboxes, struct svc_err *err)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, SQL_DOC_CLEAR, err)) == NULL ||
	    store_exec_stmt(st, s, "deleting documents", err) != 0)
		return -1;
	*docs = sqlite3_changes(st->db);
	if ((s = store_stmt(st, SQL_INBOX_CLEAR, err)) == NULL ||
	    store_exec_stmt(st, s, "deleting inbox settings", err) != 0)
		return -1;
	*inboxes = sqlite3_changes(st->db);
	return 0;
}

/* --- manifests --- */

/*
 * The manifest's statements read JSON that can be megabytes long: bound
 * SQLITE_STATIC, it is not copied (a copy was the largest block on the
 * heap of a backup). man_done clears the binding so that the cached
 * statement never holds the caller's pointer past the call.
 */
static sqlite3_stmt *
man_stmt(struct store *st, const char *sql, const char *json, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, sql, err);

	if (s)
		sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
	return s;
}

static void
man_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static bool
is_int(sqlite3_stmt *s, int col)
{
	return strcmp(store_col(s, col), "integer") == 0;
}

/* A number of a manifest within [MIN, MAX], read as 64 bits: a value
 * beyond 32 bits must not wrap into a valid one (box 4294967299 is not
 * inbox 03). Names the field when it is not. */
static int
in_range(sqlite3_stmt *s, int col, const char *field, int64_t min, int64_t max, struct svc_err *err)
{
	int64_t v = sqlite3_column_int64(s, col);

	if (v >= min && v <= max)
		return 0;
	return svc_errf(err, EX_DATAERR,
			"the backup manifest has an invalid '%s' (%lld): expected %lld-%lld", field,
			(long long)v, (long long)min, (long long)max);
}

/* Times a document can have been stored: 2000-01-01 to 2100-01-01. */
#define MAN_TIME_MIN 946684800LL
#define MAN_TIME_MAX 4102444800LL

int
store_manifest_head(struct store *st, const char *json, struct store_manifest_head *out,
		    struct svc_err *err)
{
	sqlite3_stmt *s = man_stmt(st, SQL_MAN_HEAD, json, err);
	int rc, bad;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	/* json_extract raises an error on malformed JSON. */
	if (sqlite3_step(s) != SQLITE_ROW) {
		man_done(s);
		return svc_errf(err, EX_DATAERR, "the backup manifest is not valid JSON");
	}
	bad = sqlite3_column_int(s, 6) != 1 || !is_int(s, 5);
	out->format = sqlite3_column_int64(s, 0);
	strlcpy_(out->svcmode, store_col(s, 1), sizeof out->svcmode);
	strlcpy_(out->model, store_col(s, 2), sizeof out->model);
	strlcpy_(out->serial, store_col(s, 3), sizeof out->serial);
	strlcpy_(out->created, store_col(s, 4), sizeof out->created);
	rc = step_done(st, s, sqlite3_step(s), "reading the manifest", err);
	sqlite3_clear_bindings(s);
	if (rc != 0)
		return -1;
	if (bad)
		return svc_errf(err, EX_DATAERR, "the backup manifest has no format number");
	return 0;
}

int
store_manifest_inboxes(struct store *st, const char *json, store_inbox_fn fn, void *arg,
		       struct svc_err *err)
{
	sqlite3_stmt *s = man_stmt(st, SQL_MAN_INBOXES, json, err);
	struct store_inbox in;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!is_int(s, 5) || !is_int(s, 6) || sqlite3_column_type(s, 1) != SQLITE_TEXT ||
		    sqlite3_column_type(s, 2) != SQLITE_TEXT) {
			man_done(s);
			return svc_errf(err, EX_DATAERR,
					"the backup manifest has a malformed inbox");
		}
		if (in_range(s, 0, "box", 0, 99, err) != 0) {
			man_done(s);
			return -1;
		}
		inbox_row(s, &in);
		if (fn(arg, &in) != 0) {
			man_done(s);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		man_done(s);
		return svc_errf(err, EX_DATAERR, "the backup manifest's inboxes are malformed");
	}
	man_done(s);
	return 0;
}

int
store_manifest_docs(struct store *st, const char *json, store_doc_fn fn, void *arg,
		    struct svc_err *err)
{
	sqlite3_stmt *s = man_stmt(st, SQL_MAN_DOCS, json, err);
	struct store_doc d;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		bool ok = true;
		for (int c = 8; c <= 12; c++)
			ok = ok && is_int(s, c);
		ok = ok && sqlite3_column_type(s, 2) == SQLITE_TEXT &&
		     sqlite3_column_type(s, 6) == SQLITE_TEXT &&
		     sqlite3_column_type(s, 7) == SQLITE_TEXT && strlen(store_col(s, 6)) == 64 &&
		     strlen(store_col(s, 7)) < sizeof d.file &&
		     strlen(store_col(s, 2)) < sizeof d.name;
		if (!ok) {
			man_done(s);
			return svc_errf(err, EX_DATAERR,
					"the backup manifest has a malformed document entry");
		}
		if (in_range(s, 0, "box", 0, 99, err) != 0 ||
		    in_range(s, 1, "no", 1, 9999, err) != 0 ||
		    in_range(s, 3, "stored", MAN_TIME_MIN, MAN_TIME_MAX, err) != 0 ||
		    in_range(s, 4, "pages", 0, 1000000, err) != 0 ||
		    in_range(s, 5, "size", 0, INT64_MAX, err) != 0) {
			man_done(s);
			return -1;
		}
		doc_row(s, &d);
		if (fn(arg, &d) != 0) {
			man_done(s);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		man_done(s);
		return svc_errf(err, EX_DATAERR, "the backup manifest's documents are malformed");
	}
	man_done(s);
	return 0;
}
