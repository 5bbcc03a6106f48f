/* Shared by the files of the license module only. */
#ifndef SVC_LICENSE_INT_H
#define SVC_LICENSE_INT_H

#include "config/config.h"
#include "license/history.h"

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

#endif
