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

/* Ends the active license OPTION/NUMBER as the LMS reports it moved
 * elsewhere (license.c). */
int lic_end_moved(struct device *dev, const char *option, int64_t number, struct svc_err *err);

#endif
