/* Actions of the backup module (filled in as the module lands). */
#include "actions/action.h"

const struct action_def actions_backup[] = {
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
