/* Commands of the tls module (filled in as the module lands). */
#include "cli/cli.h"

const struct cli_cmd cli_cmds_tls[] = {
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
const cli_info_fn cli_info_tls = NULL;
const cli_startup_fn cli_startup_tls = NULL;
