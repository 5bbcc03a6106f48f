/*
 * The device online: the license operations that talk to the vendor's LMS
 * (svcmode-lms serve) over HTTPS, its API v1 (JSON): sign in (POST
 * /v1/sessions), redeem a License Access Number (POST /v1/redeem), transfer
 * (POST /v1/transfers/verify, POST /v1/transfers) and list a serial's
 * licenses (GET /v1/licenses?serial=S).
 *
 * HTTPS only, through libcurl; the server's certificate is verified
 * against the system bundle and the store's CA certificates (SSL Settings
 * > CA Certificates), as the mail client does. The engineer's credentials
 * are given by the caller (environment or a prompt, never argv) and are
 * neither stored nor logged.
 *
 * Errors: EX_USAGE (a URL that is not https://, a bad serial), EX_NOPERM
 * (sign-in refused), EX_DATAERR (the LMS refused: its message and code),
 * EX_UNAVAILABLE (the LMS unreachable, its certificate not trusted, an
 * answer that is not the API's).
 */
#ifndef SVC_LICENSE_ONLINE_H
#define SVC_LICENSE_ONLINE_H

#include <stdbool.h>

#include "license/license.h"

struct license_lms {
	const char *url;      /* https://host:port, without /v1 */
	const char *user;     /* an engineer account of the LMS */
	const char *password; /* wiped by the caller */
};

/* Redeems LAN for this device's serial and installs the key it gets
 * (DOOR_SERVICE1); *out as license_install. */
int license_redeem(struct device *dev, const struct license_lms *lms, const char *lan,
		   struct license_installed *out, struct svc_err *err);

/*
 * Invalidates OPT here for transfer (DOOR_SERVICE2, as license_invalidate),
 * sends its transfer number to the LMS for device TO and fills KEY with
 * TO's key. It signs in first, so that wrong credentials change nothing.
 * If the LMS then cannot be reached, OPT stays invalidated: TR holds its
 * number, and the same call again sends the same number.
 */
int license_transfer(struct device *dev, const struct license_lms *lms,
		     const struct lic_option *opt, const char *to, char tr[LIC_TEXT],
		     char key[LIC_TEXT], struct svc_err *err);

/* One option as the check saw it: its state here, at the LMS, and whether
 * the check disabled it here. */
typedef void (*license_check_fn)(void *arg, const char *option, const char *here, const char *lms,
				 bool disabled);
/*
 * Asks the LMS for this serial's licenses (DOOR_SERVICE1) and ends here,
 * audited ("license.check") and in the license history, every active
 * license the LMS knows was transferred away: what a store and a history
 * both put back would otherwise keep.
 */
int license_check(struct device *dev, const struct license_lms *lms, license_check_fn fn, void *arg,
		  struct svc_err *err);

#endif
