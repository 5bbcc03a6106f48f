/* SQL of the tls module: tables tls_key and tls_ca (schema/020_tls.sql). */
#include "store/store_tls.h"

#include "store/store_int.h"

static const char SQL_KEY_ADD[] =
	"INSERT INTO tls_key (name, origin, key_sealed, cert_pem, chain_pem, in_use, created)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_KEY_ONE[] =
	"SELECT name, origin, key_sealed, cert_pem, chain_pem, in_use, created"
	" FROM tls_key WHERE name = ?1";
static const char SQL_KEY_ALL[] =
	"SELECT name, origin, key_sealed, cert_pem, chain_pem, in_use, created"
	" FROM tls_key ORDER BY origin <> 'default', name";
static const char SQL_KEY_COUNT[] = "SELECT count(*) FROM tls_key WHERE ?1 IS NULL OR origin = ?1";
static const char SQL_KEY_CERT[] =
	"UPDATE tls_key SET cert_pem = ?2, chain_pem = ?3 WHERE name = ?1";
static const char SQL_KEY_UNUSE[] = "UPDATE tls_key SET in_use = 0 WHERE in_use = 1";
static const char SQL_KEY_USE[] = "UPDATE tls_key SET in_use = 1 WHERE name = ?1";
static const char SQL_KEY_DEL[] = "DELETE FROM tls_key WHERE name = ?1";
static const char SQL_KEY_DEL_ALL[] = "DELETE FROM tls_key";
static const char SQL_CA_ADD[] = "INSERT INTO tls_ca (fingerprint, subject, cert_pem, added)"
				 " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_CA_EACH[] = "SELECT fingerprint, subject, cert_pem, added FROM tls_ca"
				  " WHERE ?1 IS NULL OR substr(fingerprint, 1, length(?1)) = ?1"
				  " ORDER BY subject, fingerprint";
static const char SQL_CA_COUNT[] = "SELECT count(*) FROM tls_ca";
static const char SQL_CA_DEL[] = "DELETE FROM tls_ca WHERE fingerprint = ?1";
static const char SQL_CA_DEL_ALL[] = "DELETE FROM tls_ca";

/* Runs a statement that changes rows; returns how many it changed. */
static int
changes(struct store *st, sqlite3_stmt *s, const char *what, struct svc_err *err)
{
	if (store_exec_stmt(st, s, what, err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

static int
count(struct store *st, sqlite3_stmt *s, const char *what, struct svc_err *err)
{
	int rc = sqlite3_step(s), n;

	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_fail(st, what, err);
	}
	n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

int
store_tls_key_add(struct store *st, const struct store_tls_key *k, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, k->name);
	store_bind_text(s, 2, k->origin);
	store_bind_text(s, 3, k->key_sealed);
	store_bind_text(s, 4, k->cert_pem);
	store_bind_text(s, 5, k->chain_pem ? k->chain_pem : "");
	sqlite3_bind_int(s, 6, k->in_use);
	return store_exec_stmt(st, s, "add key pair", err);
}

struct key_each {
	store_tls_key_fn fn;
	void *arg;
	int n;
};

static int
key_row(void *arg, sqlite3_stmt *s)
{
	struct key_each *e = arg;
	struct store_tls_key k = {
		.name = store_col(s, 0),
		.origin = store_col(s, 1),
		.key_sealed = store_col(s, 2),
		.cert_pem = store_col(s, 3),
		.chain_pem = store_col(s, 4),
		.in_use = sqlite3_column_int(s, 5) != 0,
		.created = store_col(s, 6),
	};

	e->n++;
	return e->fn(e->arg, &k);
}

int
store_tls_key_each(struct store *st, const char *name, store_tls_key_fn fn, void *arg,
		   struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, name ? SQL_KEY_ONE : SQL_KEY_ALL, err);
	struct key_each e = { fn, arg, 0 };
	int rc;

	if (s == NULL)
		return -1;
	if (name)
		store_bind_text(s, 1, name);
	rc = store_each_row(st, s, key_row, &e, "read key pairs", err);
	return rc ? rc : e.n;
}

int
store_tls_key_count(struct store *st, const char *origin, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_COUNT, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, origin);
	return count(st, s, "count key pairs", err);
}

int
store_tls_key_set_cert(struct store *st, const char *name, const char *cert_pem,
		       const char *chain_pem, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_CERT, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, cert_pem);
	store_bind_text(s, 3, chain_pem ? chain_pem : "");
	return changes(st, s, "install certificate", err);
}

int
store_tls_key_use(struct store *st, const char *name, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_UNUSE, err);

	if (s == NULL || store_exec_stmt(st, s, "choose key pair", err) != 0)
		return -1;
	if ((s = store_stmt(st, SQL_KEY_USE, err)) == NULL)
		return -1;
	store_bind_text(s, 1, name);
	return changes(st, s, "choose key pair", err);
}

int
store_tls_key_delete(struct store *st, const char *name, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_DEL, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	return changes(st, s, "delete key pair", err);
}

int
store_tls_key_delete_all(struct store *st, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_DEL_ALL, err);

	return s ? changes(st, s, "delete key pairs", err) : -1;
}

int
store_tls_ca_add(struct store *st, const struct store_tls_ca *ca, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CA_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, ca->fingerprint);
	store_bind_text(s, 2, ca->subject);
	store_bind_text(s, 3, ca->cert_pem);
	return store_exec_stmt(st, s, "add CA certificate", err);
}

struct ca_each {
	store_tls_ca_fn fn;
	void *arg;
	int n;
};

static int
ca_row(void *arg, sqlite3_stmt *s)
{
	struct ca_each *e = arg;
	struct store_tls_ca ca = {
		.fingerprint = store_col(s, 0),
		.subject = store_col(s, 1),
		.cert_pem = store_col(s, 2),
		.added = store_col(s, 3),
	};

	e->n++;
	return e->fn(e->arg, &ca);
}

int
store_tls_ca_each(struct store *st, const char *prefix, store_tls_ca_fn fn, void *arg,
		  struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CA_EACH, err);
	struct ca_each e = { fn, arg, 0 };
	int rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, prefix);
	rc = store_each_row(st, s, ca_row, &e, "read CA certificates", err);
	return rc ? rc : e.n;
}

int
store_tls_ca_count(struct store *st, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CA_COUNT, err);

	return s ? count(st, s, "count CA certificates", err) : -1;
}

int
store_tls_ca_delete(struct store *st, const char *fingerprint, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CA_DEL, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, fingerprint);
	return changes(st, s, "delete CA certificate", err);
}

int
store_tls_ca_delete_all(struct store *st, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CA_DEL_ALL, err);

	return s ? changes(st, s, "delete CA certificates", err) : -1;
}
