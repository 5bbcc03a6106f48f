/* svcmode: service-mode maintenance of the device store. */
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli/cli.h"

/* Secrets pass through this process's memory (PINs being checked, mail
 * passwords being sent, passphrases): no core dump may keep them, and no
 * other process of the same user may read them through ptrace or
 * /proc/PID/mem. The sanitizer builds keep ptrace for their leak check. */
static void
no_core_dumps(void)
{
	struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) != 0)
		perror("svcmode: setrlimit(RLIMIT_CORE)");
#if !defined(__SANITIZE_ADDRESS__)
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		perror("svcmode: prctl(PR_SET_DUMPABLE)");
#endif
}

int
main(int argc, char **argv)
{
	no_core_dumps();
	return cli_main(argc, argv);
}
