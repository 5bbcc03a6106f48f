/*
 * Licenses on the device: install a key, the SPEC LIST report, #LMS >
 * INACTIVE (invalidate for transfer, with a license transfer number) and
 * #LMS > ERASE. The scheme itself is in license/scheme.h.
 *
 * Every function checks the door it needs (device_require), works
 * in one transaction and audits what it did or refused. On failure nothing
 * has changed but the audit record; err names the option, the license or
 * the group of the key that is wrong, with EX_DATAERR for a key or option
 * refused, EX_USAGE for an unknown option name.
 *
 * The device license key is provisioned by init-store --device-key-file or
 * license_provision; a store without one gets, at its first license
 * operation, the key derived from the published demo vendor secret (source
 * "demo") in a build with the demo key, and is refused (EX_CONFIG, saying
 * how to provision) in one without (the Debian package).
 */
#ifndef SVC_LICENSE_H
#define SVC_LICENSE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "license/scheme.h"
#include "util/err.h"
#include "util/strbuf.h"

/* One option as the device sees it. */
struct license_info {
	const struct lic_option *opt;
	bool status;             /* SPEC LIST status: a license is active */
	bool setting;            /* optional setting: active and its master too */
	bool transferred;        /* #LMS > INACTIVE ST-<option> = 1 */
	int64_t number;          /* active or most recent license; 0 if none */
	char state[16];          /* "active", "transferred", "erased", "none" */
	char transfer[LIC_TEXT]; /* transfer number of the most recent license */
};

/* The option NAME as offered by this device; EX_USAGE if unknown or not
 * offered here. */
const struct lic_option *license_option(const char *name, struct svc_err *err);

int license_info(struct device *dev, const struct lic_option *opt, struct license_info *out,
		 struct svc_err *err);
typedef int (*license_info_fn)(void *arg, const struct license_info *info);
/* Every option this device offers, in table order. */
int license_each(struct device *dev, license_info_fn fn, void *arg, struct svc_err *err);

struct license_installed {
	const struct lic_option *opt;
	uint32_t number;
	bool already; /* the same license was already active: nothing changed */
};
/* Installs KEY (DOOR_SERVICE1). *out is zeroed on failure. */
int license_install(struct device *dev, const char *key, struct license_installed *out,
		    struct svc_err *err);

/* The question that confirms invalidating (or erasing) OPT, naming the
 * active slaves it also disables. */
int license_question(struct device *dev, const struct lic_option *opt, bool transfer,
		     struct strbuf *out, struct svc_err *err);

/*
 * Invalidates the active license of OPT (DOOR_SERVICE2): with
 * TRANSFER, ends it as 'transferred' and fills TR with its new transfer
 * number; without, erases it (no number). If OPT was already transferred
 * (erased), *already is set and TR holds the stored number: asking again
 * shows the same number.
 */
int license_invalidate(struct device *dev, const struct lic_option *opt, bool transfer,
		       char tr[LIC_TEXT], bool *already, struct svc_err *err);

/* The SPEC LIST report, one line at a time (DOOR_SERVICE1). */
typedef void (*license_line_fn)(void *arg, const char *line);
int license_report(struct device *dev, license_line_fn fn, void *arg, struct svc_err *err);

/* Where the device license key came from: "factory", "demo", or "none". */
int license_key_source(struct device *dev, struct strbuf *out, struct svc_err *err);

/*
 * license provision FILE (DOOR_SERVICE2): gives a store without a device
 * key, or with the demo one, its factory key from the device key file
 * FILE (its serial must be this device's), in one audited transaction
 * ("license.provision"). Refused while a license is active under the demo
 * key (it must be erased first), and when the store has its factory key.
 */
int license_provision(struct device *dev, const char *keyfile, struct svc_err *err);

/*
 * Device key files (made by svcmode-lms device-key): one line
 * "SERIAL HEX64". Refused (EX_NOPERM) if group or others may read it.
 * The key is wiped by the caller.
 */
int license_keyfile_read(const char *path, char serial[16], unsigned char key[LIC_DEVKEY_LEN],
			 struct svc_err *err);
/*
 * init-store --device-key-file: creates the store at PATH for the serial of
 * KEYFILE (SERIAL, if given, must be the same) and stores the key, sealed.
 * On failure no store is left at PATH.
 */
int license_init_store(const char *path, const char *serial, const char *keyfile,
		       struct svc_err *err);

#endif
