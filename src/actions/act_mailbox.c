/* Actions of the mailbox module (filled in as the module lands). */
#include "actions/action.h"

const struct action_def actions_mailbox[] = {
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
