#include <stdio.h>
#include <string.h>

#include "actions/action.h"

/* One table per module, each in its own act_<module>.c, ended by a NULL name. */
extern const struct action_def actions_core[];
extern const struct action_def actions_mail[];
extern const struct action_def actions_tls[];
extern const struct action_def actions_mac[];
extern const struct action_def actions_mailbox[];
extern const struct action_def actions_backup[];
extern const struct action_def actions_wipe[];
extern const struct action_def actions_license[];

static const struct action_def *const tables[] = {
	actions_core,    actions_mail,   actions_tls,  actions_mac,
	actions_mailbox, actions_backup, actions_wipe, actions_license,
};

const struct action_def *
action_at(int i)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		for (const struct action_def *a = tables[t]; a->name; a++)
			if (i-- == 0)
				return a;
	}
	return NULL;
}

const struct action_def *
action_find(const char *name)
{
	const struct action_def *a, *found = NULL;

	for (int i = 0; (a = action_at(i)) != NULL; i++) {
		if (strcmp(a->name, name) != 0)
			continue;
		if (a->run || a->list)
			return a;
		found = a;
	}
	return found;
}

int
action_run(struct device *dev, const char *name, const char *param, struct action_io *io,
	   struct svc_err *err)
{
	const struct action_def *a = action_find(name);
	char what[96];

	if (a == NULL)
		return svc_errf(err, EX_USAGE, "unknown action '%s'", name);
	if (a->run == NULL && a->list == NULL)
		return svc_errf(err, EX_UNAVAILABLE, "not available yet");
	snprintf(what, sizeof what, "%s", a->help ? a->help : name);
	if (device_require(dev, a->level, what, err) != 0)
		return -1;
	if (a->run == NULL)
		return svc_errf(err, EX_USAGE, "'%s' is a list, not an operation", name);
	return a->run(dev, param ? param : "", io, err);
}
