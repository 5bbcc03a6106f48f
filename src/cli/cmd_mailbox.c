/* Commands of the mailbox module (filled in as the module lands). */
#include "cli/cli.h"

const struct cli_cmd cli_cmds_mailbox[] = {
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

const cli_startup_fn cli_startup_mailbox = NULL;
