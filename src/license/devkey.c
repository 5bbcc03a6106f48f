/*
 * The device license key (license.h): provisioned from a device key file
 * (init-store --device-key-file, license provision), or derived from the
 * demo vendor secret in a build that has it.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/seal.h"
#include "license/license.h"
#include "license/license_int.h"
#include "store/store_license.h"
#include "util/fsutil.h"
#include "util/hex.h"

#define SEAL_PURPOSE "svcmode license key v1"
#define SEAL_AAD "license_key"

/* --- the device license key ------------------------------------------- */

static int
store_key(struct device *dev, const unsigned char dk[LIC_DEVKEY_LEN], const char *source,
	  struct svc_err *err)
{
	struct strbuf sealed = STRBUF_INIT;
	unsigned char sk[32];
	int rc = -1;

	if (device_key(dev, SEAL_PURPOSE, sk, err) != 0)
		goto out;
	if (seal_encrypt(sk, SEAL_AAD, dk, LIC_DEVKEY_LEN, &sealed, err) != 0 ||
	    store_license_key_add(device_store(dev), sealed.buf, source, err) != 0 ||
	    device_audit(dev, "license.key", NULL, NULL, source, "device license key provisioned",
			 err) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(sk, sizeof sk);
	sb_release(&sealed);
	return rc;
}

int
lic_devkey_get(struct device *dev, unsigned char dk[LIC_DEVKEY_LEN], struct svc_err *err)
{
	struct strbuf sealed = STRBUF_INIT, source = STRBUF_INIT, plain = STRBUF_INIT;
	const char *serial = device_identity(dev)->serial;
	unsigned char sk[32];
	int rc = -1, have;

	have = store_license_key_get(device_store(dev), &sealed, &source, err);
	if (have < 0)
		goto out;
	if (have == 0 && !lic_demo_key) {
		svc_errf(err, EX_CONFIG,
			 "this device has no device license key yet: provision it with 'svcmode "
			 "license provision FILE' (FILE from the vendor's LMS: svcmode-lms "
			 "device-key --serial %s --out FILE)",
			 serial);
		goto out;
	}
	if (have == 0) {
		if (lic_device_key(lic_demo_secret, strlen(lic_demo_secret), serial, dk, err) !=
			    0 ||
		    store_key(dev, dk, "demo", err) != 0)
			goto out;
		rc = 0;
		goto out;
	}
	if (device_key(dev, SEAL_PURPOSE, sk, err) != 0 ||
	    seal_decrypt(sk, SEAL_AAD, sealed.buf, &plain, err) != 0)
		goto out;
	if (plain.len != LIC_DEVKEY_LEN) {
		svc_errf(err, EX_DATAERR, "the stored device license key is damaged");
		goto out;
	}
	memcpy(dk, plain.buf, LIC_DEVKEY_LEN);
	rc = 0;
out:
	OPENSSL_cleanse(sk, sizeof sk);
	sb_release(&plain);
	sb_release(&sealed);
	sb_release(&source);
	return rc;
}

int
license_key_source(struct device *dev, struct strbuf *out, struct svc_err *err)
{
	struct strbuf sealed = STRBUF_INIT;
	int rc = store_license_key_get(device_store(dev), &sealed, out, err);

	sb_release(&sealed);
	if (rc == 0) {
		sb_reset(out);
		sb_adds(out, "none");
	}
	return rc < 0 ? -1 : 0;
}

/* Refuses while a license enabled under the demo key is active: anyone
 * can mint demo keys, so provisioning must not make one of them official. */
static int
no_demo_license(struct device *dev, struct svc_err *err)
{
	const struct lic_option *o;
	bool on;

	for (int i = 0; (o = lic_option_at(i)) != NULL; i++) {
		if (!o->on_device)
			continue;
		if (lic_is_active(dev, o->name, &on, err) != 0)
			return -1;
		if (on)
			return svc_errf(err, EX_DATAERR,
					"%s is enabled under the demo key: erase it first (svcmode "
					"license erase %s); the LMS issues its key for the factory "
					"key",
					o->name, o->name);
	}
	return 0;
}

static int
do_provision(struct device *dev, const char *keyfile, struct strbuf *detail, struct svc_err *err)
{
	struct strbuf sealed = STRBUF_INIT, source = STRBUF_INIT;
	const char *serial = device_identity(dev)->serial;
	unsigned char dk[LIC_DEVKEY_LEN];
	char fserial[16];
	int rc = -1, have;

	if (license_keyfile_read(keyfile, fserial, dk, err) != 0)
		return -1;
	if (strcmp(fserial, serial) != 0) {
		svc_errf(err, EX_DATAERR,
			 "device key file '%s' is for serial %s, not this device's %s", keyfile,
			 fserial, serial);
		goto out;
	}
	have = store_license_key_get(device_store(dev), &sealed, &source, err);
	if (have < 0)
		goto out;
	if (have && strcmp(source.buf, "factory") == 0) {
		svc_errf(err, EX_DATAERR, "this device already has its factory license key");
		goto out;
	}
	if (no_demo_license(dev, err) != 0 || store_key(dev, dk, "factory", err) != 0)
		goto out;
	sb_addf(detail, "device license key: %s -> factory", have ? source.buf : "none");
	rc = 0;
out:
	OPENSSL_cleanse(dk, sizeof dk);
	sb_release(&sealed);
	sb_release(&source);
	return rc;
}

int
license_provision(struct device *dev, const char *keyfile, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct strbuf detail = STRBUF_INIT;
	struct svc_err e = { 0 };
	int rc = 0;

	if (device_require(dev, DOOR_SERVICE2, "provisioning the device license key", err) != 0)
		return -1;
	if (lic_agree(dev, &e) != 0 || store_begin(st, &e) != 0 ||
	    do_provision(dev, keyfile, &detail, &e) != 0 ||
	    device_audit(dev, "license.provision", NULL, NULL, "factory", detail.buf, &e) != 0 ||
	    store_commit(st, &e) != 0) {
		store_rollback(st);
		device_audit(dev, "license.provision", NULL, NULL, NULL, e.msg, NULL);
		if (err)
			*err = e;
		rc = -1;
	}
	sb_release(&detail);
	return rc;
}

/* --- device key files -------------------------------------------------- */

int
license_keyfile_read(const char *path, char serial[16], unsigned char key[LIC_DEVKEY_LEN],
		     struct svc_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat sbuf;
	const char *p, *sp;
	int rc = -1;

	serial[0] = '\0';
	if (stat(path, &sbuf) == 0 && (sbuf.st_mode & 077))
		return svc_errf(err, EX_NOPERM,
				"device key file '%s' may be read by others "
				"(mode %04o): chmod 600 it",
				path, (unsigned)(sbuf.st_mode & 07777));
	if (fs_read(path, 4096, &sb, err) != 0)
		return -1;
	p = sb_str(&sb);
	sp = strchr(p, ' ');
	if (sp == NULL || sp - p < 1 || sp - p > 15)
		goto bad;
	memcpy(serial, p, (size_t)(sp - p));
	serial[sp - p] = '\0';
	p = sp + 1;
	if (hex_decode(p, key, LIC_DEVKEY_LEN) != 0)
		goto bad;
	p += 2 * (size_t)LIC_DEVKEY_LEN;
	if (*p != '\0' && strcmp(p, "\n") != 0)
		goto bad;
	rc = 0;
	goto out;
bad:
	svc_errf(err, EX_DATAERR,
		 "'%s' is not a device key file: expected one line "
		 "'SERIAL HEX64' (svcmode-lms device-key)",
		 path);
	serial[0] = '\0';
	OPENSSL_cleanse(key, LIC_DEVKEY_LEN);
out:
	sb_release(&sb);
	return rc;
}

static int
provision(const char *path, const unsigned char dk[LIC_DEVKEY_LEN], struct svc_err *err)
{
	struct strbuf sealed = STRBUF_INIT, source = STRBUF_INIT;
	struct device *dev = NULL;
	int rc = -1;

	if (device_open(path, false, NULL, &dev, err) != 0 || store_begin(device_store(dev), err))
		goto out;
	rc = store_license_key_get(device_store(dev), &sealed, &source, err);
	if (rc == 0)
		rc = store_key(dev, dk, "factory", err);
	else if (rc > 0)
		rc = svc_errf(err, EX_DATAERR, "the store '%s' already has a device license key",
			      path);
	if (rc == 0)
		rc = store_commit(device_store(dev), err);
	if (rc != 0)
		store_rollback(device_store(dev));
out:
	sb_release(&sealed);
	sb_release(&source);
	device_close(dev);
	return rc;
}

int
license_init_store(const char *path, const char *serial, const char *keyfile, struct svc_err *err)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	char fserial[16];
	int rc = -1;

	if (license_keyfile_read(keyfile, fserial, dk, err) != 0)
		return -1;
	if (serial && strcmp(serial, fserial) != 0) {
		svc_errf(err, EX_DATAERR, "device key file '%s' is for serial %s, not %s", keyfile,
			 fserial, serial);
		goto out;
	}
	if (device_create(path, fserial, err) != 0)
		goto out;
	if (provision(path, dk, err) != 0) {
		/* Not half-provisioned: the new store goes again. */
		static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
		for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
			struct strbuf f = STRBUF_INIT;
			sb_addf(&f, "%s%s", path, ext[i]);
			unlink(f.buf);
			sb_release(&f);
		}
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(dk, sizeof dk);
	return rc;
}
