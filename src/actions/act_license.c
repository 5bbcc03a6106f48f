/* Actions of the license module (filled in as the module lands). */
#include "actions/action.h"

const struct action_def actions_license[] = {
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
