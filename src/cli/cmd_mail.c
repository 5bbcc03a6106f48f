/* Commands of the mail module (filled in as the module lands). */
#include "cli/cli.h"

const struct cli_cmd cli_cmds_mail[] = {
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
const cli_info_fn cli_info_mail = NULL;
