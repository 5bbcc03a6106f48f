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

/* The stored form of E's value (its default when none is stored). */
int settings_stored(struct device *dev, const struct cat_entry *e, struct strbuf *out,
		    struct svc_err *err);

/* Instanced keys (instance.c), stored in their feature's rows: the stored
 * form of E's value, and 1 if it is not the default (0 if it is); */
int instance_get(struct device *dev, const struct cat_entry *e, struct strbuf *stored,
		 struct svc_err *err);
/* writing it, inside the caller's transaction; */
int instance_put(struct device *dev, const struct cat_entry *e, const char *stored,
		 struct svc_err *err);
/* the audit event of a VERB ("set") on E: its group's ("box.set"). */
void instance_event(const struct cat_entry *e, const char *verb, char *buf, size_t cap);
/* The group PREFIX ("box") as an export's object: {"00": {"name": ...}};
 * hidden values are left out. */
int instance_export(struct device *dev, const char *prefix, struct strbuf *json,
		    struct svc_err *err);
/* Each member of such an object (JSON, from the export's SECTION) as the
 * setting PREFIX.NN.MEMBER through FN; a member that is not an object is
 * a line in PROBLEMS. */
int instance_import(struct device *dev, const char *section, const char *prefix, const char *json,
		    config_json_fn fn, void *arg, struct strbuf *problems, struct svc_err *err);

#endif
