/* Unit tests of the tls module and its operations on real temporary stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fixture.h"
#include "ops/op.h"
#include "tls/tls.h"

static int
setup(void **state)
{
	return tfix_setup(state, "tls-unit", LEVEL_MANAGER);
}

/* Nobody logged in, and nobody to ask for credentials. */
static int
setup_user(void **state)
{
	return tfix_setup(state, "tls-unit", LEVEL_USER);
}

/* A self-signed CA certificate made here, valid from now. */
static char *
make_ca_pem(const char *cn)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_NAME *nm = X509_get_subject_name(x);
	X509V3_CTX ctx;
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	assert_non_null(pk);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_set_pubkey(x, pk);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *e1 =
		X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	X509_EXTENSION *e2 = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "keyCertSign");
	X509_add_ext(x, e1, -1);
	X509_add_ext(x, e2, -1);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	PEM_write_bio_X509(bio, x);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)n);
	X509_EXTENSION_free(e1);
	X509_EXTENSION_free(e2);
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(pk);
	return out;
}

struct counted {
	int n;
	struct tls_info last;
};

static int
count_info(void *arg, const struct tls_info *in)
{
	struct counted *c = arg;

	c->n++;
	c->last = *in;
	return 0;
}

static void
test_tls__provision_is_idempotent(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct counted c = { 0 };
	struct tls_info in;

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_list(f->dev, count_info, &c, &err), 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(tls_show(f->dev, TLS_DEFAULT_NAME, &in, &err), 0);
	assert_true(in.in_use);
	assert_string_equal(in.origin, "default");
	assert_string_equal(in.subject, "CN=ir5570");
	assert_string_equal(in.key_type, "ECDSA P-256");
	assert_true(in.days_left >= 5 * 365);
}

static void
test_tls__show_missing_resets_output(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct tls_info in;

	memset(&in, 0x5a, sizeof in);
	assert_int_equal(tls_show(f->dev, "nope", &in, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_string_equal(err.msg, "no key pair named 'nope' (see 'svcmode cert list')");
	assert_string_equal(in.name, "");
	assert_string_equal(in.subject, "");
}

static void
test_tls__names_are_checked(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
		{ "web", 1 },
		{ "Web Server 2", 1 },
		{ "a.b_c-d", 1 },
		{ "", 0 },
		{ " lead", 0 },
		{ "trail ", 0 },
		{ "semi;colon", 0 },
		{ "x/y", 0 },
		{ "123456789012345678901234", 1 },
		{ "1234567890123456789012345", 0 },
	};
	struct svc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(tls_name_check(cases[i].name, &err), cases[i].ok ? 0 : -1);
		if (!cases[i].ok)
			assert_int_equal(err.code, EX_USAGE);
	}
}

static void
test_tls__ca_load_and_erase(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct erase_stats es = { 0 };
	struct tls_info before, after, ca;
	struct tls_genkey_opts o = { 0 };
	char *pem = make_ca_pem("Unit CA");
	X509_STORE *xs = X509_STORE_new();

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_show(f->dev, TLS_DEFAULT_NAME, &before, &err), 0);
	assert_int_equal(tls_genkey(f->dev, "mine", &o, &err), 0);
	assert_int_equal(tls_ca_import(f->dev, pem, strlen(pem), &ca, &err), 0);
	assert_string_equal(ca.subject, "CN=Unit CA");
	assert_int_equal(tls_ca_load(f->dev, xs, &err), 1);
	assert_int_equal(sk_X509_OBJECT_num(X509_STORE_get0_objects(xs)), 1);
	/* The menus' row: the first 16 hex digits of the fingerprint, the CN. */
	assert_int_equal(tfix_op(f, "tls.cas", NULL), 0);
	assert_int_equal(strcspn(f->rows.buf, "|"), 16);
	assert_true(strncmp(f->rows.buf, ca.fingerprint, 2) == 0);
	assert_non_null(strstr(f->rows.buf, "|Unit CA|"));

	assert_int_equal(store_begin(device_store(f->dev), &err), 0);
	assert_int_equal(tls_erase_user(f->dev, &es, &err), 0);
	assert_int_equal(store_commit(device_store(f->dev), &err), 0);
	assert_int_equal(es.nkinds, 2);
	assert_string_equal(es.kinds[0].kind, "key pairs");
	assert_int_equal(es.kinds[0].n, 2);
	assert_string_equal(es.kinds[1].kind, "CA certificates");
	assert_int_equal(es.kinds[1].n, 1);
	assert_int_equal(tls_show(f->dev, "mine", &after, &err), -1);
	assert_int_equal(tls_ca_list(f->dev, count_info, &(struct counted){ 0 }, &err), 0);
	/* A new default pair, with a new key. */
	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_show(f->dev, TLS_DEFAULT_NAME, &after, &err), 0);
	assert_string_not_equal(after.fingerprint, before.fingerprint);
	assert_true(after.in_use);
	X509_STORE_free(xs);
	free(pem);
}

/* A certificate for the request in CSR_PEM, signed by a CA key made here,
 * valid from now for a year; as PEM. */
static char *
sign_csr(const char *csr_pem)
{
	EVP_PKEY *ca = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *in = BIO_new_mem_buf(csr_pem, -1), *bio = BIO_new(BIO_s_mem());
	X509_REQ *req = PEM_read_bio_X509_REQ(in, NULL, NULL, NULL);
	X509 *x = X509_new();
	X509_NAME *issuer = X509_NAME_new();
	char *data, *out;
	long n;

	assert_non_null(ca);
	assert_non_null(req);
	assert_true(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) == 1);
	X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_UTF8, (const unsigned char *)"Unit CA",
				   -1, -1, 0);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 9);
	X509_set_subject_name(x, X509_REQ_get_subject_name(req));
	X509_set_issuer_name(x, issuer);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_set_pubkey(x, X509_REQ_get0_pubkey(req));
	assert_true(X509_sign(x, ca, EVP_sha256()) > 0);
	PEM_write_bio_X509(bio, x);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)n);
	X509_NAME_free(issuer);
	X509_free(x);
	X509_REQ_free(req);
	BIO_free(bio);
	BIO_free(in);
	EVP_PKEY_free(ca);
	return out;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static char *
read_text(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int
count_pairs(struct tfix *f)
{
	struct svc_err err = { 0 };
	struct counted c = { 0 };

	assert_true(tls_list(f->dev, count_info, &c, &err) >= 0);
	return c.n;
}

static void
test_tls__ops_generate_list_delete(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	const struct op *keys = op_find("tls.keys");
	struct tls_info in;

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tfix_op(f, "tls.genkey", "name=act", "alg=rsa2048", "valid=5y", NULL), 0);
	assert_true(f->progress == 1.0);
	assert_non_null(strstr(f->lines.buf, "generated key pair 'act' (RSA 2048), valid to "));
	assert_int_equal(tls_show(f->dev, "act", &in, &err), 0);
	/* The fingerprint is the result's line of its own. */
	assert_non_null(strstr(f->lines.buf, in.fingerprint));
	assert_non_null(keys);
	assert_string_equal(keys->row_ops,
			    "tls.show,tls.use,tls.csr,tls.install,tls.export,tls.delete");
	assert_int_equal(tfix_op(f, "tls.keys", NULL), 0);
	assert_non_null(strstr(f->rows.buf, "Default Key|Default Key (ECDSA P-256, in use)|"));
	assert_non_null(strstr(f->rows.buf, "act|act (RSA 2048)|"));
	/* A refused confirmation changes nothing. */
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "tls.delete", "name=act", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(f->confirms, 1);
	assert_non_null(strstr(f->question, "Delete key pair 'act' (RSA 2048"));
	assert_int_equal(count_pairs(f), 2);
	f->confirm_rc = 0;
	assert_int_equal(tfix_op(f, "tls.delete", "name=act", NULL), 0);
	assert_int_equal(f->confirms, 2);
	assert_int_equal(tfix_op(f, "tls.show", "name=act", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(count_pairs(f), 1);
}

/* The factory pair is refused before anything is asked. */
static void
test_tls__delete_default_refused_first(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tfix_op(f, "tls.delete", "name=" TLS_DEFAULT_NAME, NULL), -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	assert_non_null(strstr(f->err.msg, "factory default key pair"));
	assert_int_equal(f->confirms, 0);
	assert_int_equal(count_pairs(f), 1);
}

/* Bad options are refused before the door: without credentials the
 * answer is the option's fault, not EX_NOPERM. */
static void
test_tls__genkey_checks_before_the_door(void **state)
{
	static const struct {
		const char *arg;
		int code;
		const char *msg;
	} cases[] = {
		{ "alg=rsa1024", EX_USAGE, "shorter than 2048 bits" },
		{ "digest=md5", EX_USAGE, "invalid signature hash 'md5'" },
		{ "valid=31y", EX_USAGE, "up to 30 years" },
		{ "valid=10980d", EX_USAGE, "invalid validity '10980d'" },
		{ "not-after=2020-01-01", EX_USAGE, "must come after its start" },
		{ "not-after=9999-12-31", EX_DATAERR,
		  "invalid --not-after '9999-12-31': a certificate is valid for at most 30 years" },
		{ "c=de", EX_USAGE, "invalid country 'de'" },
	};
	struct tfix *f = *state;
	struct svc_err err = { 0 };

	assert_int_equal(tls_provision(f->dev, &err), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(tfix_op(f, "tls.genkey", "name=x", cases[i].arg, NULL), -1);
		assert_int_equal(f->err.code, cases[i].code);
		if (strstr(f->err.msg, cases[i].msg) == NULL)
			fail_msg("%s: got '%s'", cases[i].arg, f->err.msg);
	}
	assert_int_equal(count_pairs(f), 1);
	assert_int_equal(device_doors(f->dev), 0);
	/* Valid options, no credentials: the door refuses. */
	assert_int_equal(tfix_op(f, "tls.genkey", "name=x", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(count_pairs(f), 1);
}

/* The longest validity --not-after takes is 30 years from the start. */
static void
test_tls__not_after_limit(void **state)
{
	struct tfix *f = *state;
	struct tls_genkey_opts o = { .not_before = "2030-03-01", .not_after = "2060-03-01" };
	struct svc_err err = { 0 };
	struct tls_info in;

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_genkey(f->dev, "thirty", &o, &err), 0);
	assert_int_equal(tls_show(f->dev, "thirty", &in, &err), 0);
	assert_string_equal(in.not_after, "2060-03-01 00:00:00 UTC");
	o.not_after = "2060-03-02";
	memset(&err, 0, sizeof err);
	assert_int_equal(tls_genkey(f->dev, "longer", &o, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_string_equal(err.msg, "invalid --not-after '2060-03-02': a certificate is valid for "
				     "at most 30 years (from its start, until 2060-03-01 at the "
				     "latest)");
	assert_int_equal(count_pairs(f), 2);
}

/* The menus' CSR and install: a file path typed at the console. */
static void
test_tls__csr_to_file_and_install_from_file(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	char csr[160], crt[160], arg[200], arg2[200];
	struct tls_info in;
	char *pem, *signed_pem;

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tfix_op(f, "tls.genkey", "name=web", NULL), 0);
	snprintf(csr, sizeof csr, "%s/web.csr", f->dir);
	snprintf(arg, sizeof arg, "file=%s", csr);
	assert_int_equal(tfix_op(f, "tls.csr", "name=web", arg, NULL), 0);
	assert_non_null(strstr(f->lines.buf, "wrote the signing request for 'web' to "));
	pem = read_text(csr);
	assert_true(strncmp(pem, "-----BEGIN CERTIFICATE REQUEST-----\n", 36) == 0);
	/* Without a file the request is the result itself. */
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "tls.csr", "name=web", NULL), 0);
	assert_true(strncmp(f->lines.buf, "-----BEGIN CERTIFICATE REQUEST-----\n", 36) == 0);
	assert_non_null(strstr(f->lines.buf, "-----END CERTIFICATE REQUEST-----\n"));

	signed_pem = sign_csr(pem);
	snprintf(crt, sizeof crt, "%s/web.crt", f->dir);
	write_file(crt, signed_pem);
	snprintf(arg2, sizeof arg2, "file=%s", crt);
	/* Not the key of 'Default Key': refused, the file named. */
	assert_int_equal(tfix_op(f, "tls.install", "name=" TLS_DEFAULT_NAME, arg2, NULL), -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	assert_non_null(strstr(f->err.msg, crt));
	assert_non_null(strstr(f->err.msg, "does not match the key of 'Default Key'"));
	assert_int_equal(tfix_op(f, "tls.install", "name=web", arg2, NULL), 0);
	assert_int_equal(tls_show(f->dev, "web", &in, &err), 0);
	assert_string_equal(in.issuer, "CN=Unit CA");
	assert_non_null(
		strstr(f->lines.buf, "installed the certificate of 'web' issued by CN=Unit CA"));
	/* A missing file is refused before anything runs. */
	snprintf(arg2, sizeof arg2, "file=%s/missing.crt", f->dir);
	assert_int_equal(tfix_op(f, "tls.install", "name=web", arg2, NULL), -1);
	assert_int_equal(f->err.code, EX_NOINPUT);
	free(pem);
	free(signed_pem);
}

/* Reports: one row per line, the --json fields on them. */
struct seen {
	struct strbuf names;
	int rows;
};

static int
seen_row(void *arg, const struct op_row *row)
{
	struct seen *s = arg;

	s->rows++;
	for (int i = 0; i < row->nfields; i++)
		sb_addf(&s->names, "%s,", row->fields[i].name);
	return 0;
}

static void
test_tls__show_and_list_fields(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct seen s = { STRBUF_INIT, 0 };

	assert_int_equal(tls_provision(f->dev, &err), 0);
	f->fe.row = seen_row;
	f->fe.line = NULL;
	struct op_ctx c = { .dev = f->dev, .op = op_find("tls.show"), .fe = &f->fe, .fe_arg = &s };
	c.argv[0] = TLS_DEFAULT_NAME;
	assert_int_equal(op_exec(&c, &err), 0);
	op_ctx_release(&c);
	assert_int_equal(s.rows, 12);
	assert_string_equal(
		s.names.buf,
		"name,origin,in_use,chain,subject,issuer,self_signed,san,not_before,"
		"not_after,days_left,expiring,expired,key,signature,serial,fingerprint,");
	sb_reset(&s.names);
	s.rows = 0;
	c = (struct op_ctx){ .dev = f->dev, .op = op_find("tls.keys"), .fe = &f->fe, .fe_arg = &s };
	assert_int_equal(op_exec(&c, &err), 0);
	op_ctx_release(&c);
	assert_int_equal(s.rows, 1);
	/* The list's objects keep the shape 'cert list --json' always had. */
	assert_string_equal(s.names.buf,
			    "name,origin,in_use,chain,subject,issuer,san,key,not_before,not_after,"
			    "days_left,expiring,expired,fingerprint,");
	sb_release(&s.names);
}

/* 'svcmode info' (COPIER > DISPLAY) names the pair in use and warns of a
 * certificate that expires soon. */
static void
test_tls__info_lines(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct tls_genkey_opts o = { .validity = "10d" };

	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(tls_genkey(f->dev, "short", &o, &err), 0);
	assert_int_equal(tfix_op(f, "core.info", NULL), 0);
	assert_non_null(strstr(f->rows.buf, "|ssl key pair|Default Key (ECDSA P-256, valid to "));
	assert_non_null(strstr(f->rows.buf, "|certificate|key pair 'short' EXPIRES SOON: "));
}

static void
test_tls__op_names_and_doors(void **state)
{
	static const struct {
		const char *name, *words;
		unsigned doors;
	} ops[] = {
		{ "tls.keys", "cert list", 0 },
		{ "tls.show", "cert show", 0 },
		{ "tls.use", "cert use", DOOR_MANAGER },
		{ "tls.csr", "cert csr", DOOR_MANAGER },
		{ "tls.install", "cert install", DOOR_MANAGER },
		{ "tls.export", "cert export", 0 },
		{ "tls.delete", "cert delete", DOOR_MANAGER },
		{ "tls.genkey", "cert genkey", DOOR_MANAGER },
		{ "tls.import_p12", "cert import-p12", DOOR_MANAGER },
		{ "tls.cas", "cert list-ca", 0 },
		{ "tls.ca_show", "cert show-ca", 0 },
		{ "tls.ca_delete", "cert delete-ca", DOOR_MANAGER },
		{ "tls.ca_import", "cert import-ca", DOOR_MANAGER },
	};
	(void)state;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		const struct op *o = op_find(ops[i].name);
		assert_non_null(o);
		assert_string_equal(o->words, ops[i].words);
		assert_int_equal(o->doors, ops[i].doors);
	}
	/* The certificate is public; the private key needs the System Manager. */
	struct op_ctx c = { .op = op_find("tls.export") };
	c.argv[0] = "web";
	assert_int_equal(op_doors(&c), 0);
	c.argv[3] = "";
	assert_int_equal(op_doors(&c), DOOR_MANAGER);
	c.argv[3] = NULL;
	c.argv[1] = "p12";
	assert_int_equal(op_doors(&c), DOOR_MANAGER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tls__provision_is_idempotent, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__show_missing_resets_output, setup,
						tfix_teardown),
		cmocka_unit_test(test_tls__names_are_checked),
		cmocka_unit_test_setup_teardown(test_tls__ca_load_and_erase, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__ops_generate_list_delete, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__delete_default_refused_first, setup_user,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__genkey_checks_before_the_door, setup_user,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__not_after_limit, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__csr_to_file_and_install_from_file, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__show_and_list_fields, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_tls__info_lines, setup, tfix_teardown),
		cmocka_unit_test(test_tls__op_names_and_doors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
