/* Unit tests of the tls module and its actions on real temporary stores. */
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

#include "actions/action.h"
#include "fixture.h"
#include "tls/tls.h"

static int
setup(void **state)
{
	return tfix_setup(state, "tls-unit", LEVEL_MANAGER);
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

static void
test_tls__actions_generate_list_delete(void **state)
{
	struct tfix *f = *state;
	static const char *const answers[] = { "act", "rsa2048", "", "5y", "" };
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };
	const struct action_def *keys = action_find("tls.keys");

	memcpy(f->answers, answers, sizeof answers);
	assert_int_equal(tls_provision(f->dev, &err), 0);
	assert_int_equal(action_run(f->dev, "tls.genkey", "", io, &err), 0);
	assert_true(f->progress == 1.0);
	assert_non_null(strstr(f->lines.buf, "Key pair 'act' generated."));
	assert_non_null(strstr(f->lines.buf, "Key:         RSA 2048"));
	assert_non_null(keys);
	assert_string_equal(keys->row_actions,
			    "tls.show,tls.use,tls.csr,tls.install,tls.export,tls.delete");
	assert_int_equal(keys->list(f->dev, "", io, tfix_row, f, &err), 0);
	assert_non_null(strstr(f->rows.buf, "Default Key|* Default Key (ECDSA P-256)|"));
	assert_non_null(strstr(f->rows.buf, "act|  act (RSA 2048)|"));
	assert_int_equal(action_run(f->dev, "tls.delete", "act", io, &err), 0);
	assert_int_equal(f->confirms, 1);
	assert_int_equal(action_run(f->dev, "tls.show", "act", io, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	/* Cancelling a question changes nothing. */
	assert_int_equal(action_run(f->dev, "tls.genkey", "", io, &err), -1);
	assert_string_equal(err.msg, "cancelled; nothing changed");
}

static void
test_tls__action_names_exist(void **state)
{
	static const char *const names[] = { "tls.keys",     "tls.show",    "tls.use",
					     "tls.csr",      "tls.install", "tls.export",
					     "tls.delete",   "tls.genkey",  "tls.import_p12",
					     "tls.cas",      "tls.ca_show", "tls.ca_delete",
					     "tls.ca_import" };
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct action_def *a = action_find(names[i]);
		assert_non_null(a);
		assert_true(a->run != NULL || a->list != NULL);
		assert_int_equal(a->level, LEVEL_MANAGER);
	}
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
		cmocka_unit_test_setup_teardown(test_tls__actions_generate_list_delete, setup,
						tfix_teardown),
		cmocka_unit_test(test_tls__action_names_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
