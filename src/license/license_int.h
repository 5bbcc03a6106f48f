/* Shared by the files of the license module only. */
#ifndef SVC_LICENSE_INT_H
#define SVC_LICENSE_INT_H

#include "config/config.h"
#include "license/history.h"
#include "util/strbuf.h"

/*
 * Loads the license history into H and makes the store agree with it,
 * before any license operation reads the store. A license the history says
 * was invalidated or erased but the store has active (a copy of the store
 * put back) is ended again, with its own transfer number, in one audited
 * transaction ("license.rollback"); an ended license the history lacks
 * (its file lost, or written by an older svcmode) is added to the history.
 * The caller releases H, also on failure.
 */
int lic_sync(struct device *dev, struct lic_hist *h, struct svc_err *err);

/* lic_sync for a caller that needs no history afterwards (license.c). */
int lic_agree(struct device *dev, struct svc_err *err);
/* Whether OPTION has an active license (license.c). */
int lic_is_active(struct device *dev, const char *option, bool *out, struct svc_err *err);
/* The device license key into DK, the demo one provisioned first if the
 * build has it and the store has none; runs inside the caller's
 * transaction (devkey.c). */
int lic_devkey_get(struct device *dev, unsigned char dk[LIC_DEVKEY_LEN], struct svc_err *err);

/*
 * One HTTPS request to the LMS at URL (https://HOST[:PORT]) for PATH
 * ("/v1/redeem"): BODY (JSON) is POSTed, or GET without; TOKEN, if any, as
 * a bearer token. OUT gets the answer, STATUS its HTTP status. A status
 * outside 2xx is an error naming the LMS's message and code (lms_http.c).
 */
int lic_http(struct device *dev, const char *url, const char *path, const char *token,
	     const char *body, struct strbuf *out, long *status, struct svc_err *err);
/* The text of members NAMES of the object at PATH of JSON into V (new
 * strings, NULL when absent or null; the caller frees them). */
int lic_json_get(struct device *dev, const char *json, const char *path, const char *const *names,
		 char **v, int n, struct svc_err *err);

#endif
