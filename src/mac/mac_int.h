/* Inside the mac module only: what nft.c needs of mac.c. */
#ifndef SVC_MAC_INT_H
#define SVC_MAC_INT_H

#include <stdbool.h>

#include "config/config.h"
#include "util/err.h"

/* The System Manager's door, for direct callers (the operation table opens
 * it before the run). */
int mac_need_manager(struct device *dev, const char *what, struct svc_err *err);
/* Refuses stored filters that would block every host, unless FORCE. */
int mac_check_stored(struct device *dev, bool force, struct svc_err *err);

#endif
