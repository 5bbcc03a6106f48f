/* Inside the config module only. */
#ifndef SVC_DEVICE_INT_H
#define SVC_DEVICE_INT_H

#include "config/config.h"

struct device {
	struct store *st;
	struct catalog *cat;
	struct store_identity id;
	unsigned doors; /* the doors this session has opened (DOOR_*) */
	char actor[DEVICE_OPERATOR_MAX + 1];
	device_ask_fn ask;
	void *ask_arg;
};

/* The access-control wording for the audit log. */
struct access_who device_who(const struct device *dev);
/* Looks KEY up; EX_USAGE "unknown setting" if it is not in the catalog. */
const struct cat_entry *device_entry(const struct device *dev, const char *key,
				     struct svc_err *err);
/* Validates VALUE and turns it into the stored form (sealed, hashed). */
int settings_encode(struct device *dev, const struct cat_entry *e, const char *value,
		    struct strbuf *stored, struct svc_err *err);
/* Writes one change with its audit record, inside the caller's transaction. */
int settings_write(struct device *dev, const struct cat_entry *e, const char *stored,
		   const char *shown_new, struct svc_err *err);

#endif
