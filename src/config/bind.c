/* Binding a feature's settings struct to the catalog: one table of
 * {key, offset, kind} read through the typed getters, in place of a
 * getter call per field in every feature. */
#include "config/config.h"

#include <stdbool.h>

static int
read_field(struct device *dev, const struct cfg_field *f, char *base, struct svc_err *err)
{
	void *p = base + f->offset;

	switch (f->kind) {
	case CFG_TEXT: return config_get(dev, f->key, p, err);
	case CFG_PLAIN: return config_get_plain(dev, f->key, p, err);
	case CFG_INT: return config_get_int(dev, f->key, p, err);
	case CFG_BOOL: return config_get_bool(dev, f->key, p, err);
	case CFG_CHOICE: return config_get_choice(dev, f->key, p, err);
	}
	return svc_errf(err, EX_SOFTWARE, "setting '%s': unknown binding", f->key);
}

int
config_bind(struct device *dev, const struct cfg_field *fields, size_t n, void *base,
	    struct svc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct cfg_field *f = &fields[i];

		if (read_field(dev, f, base, err) != 0)
			return -1;
		/* Text fields are never NULL for the feature: "" when unset. */
		if ((f->kind == CFG_TEXT || f->kind == CFG_PLAIN) &&
		    ((struct strbuf *)(void *)((char *)base + f->offset))->buf == NULL)
			sb_adds((struct strbuf *)(void *)((char *)base + f->offset), "");
	}
	return 0;
}
