/* svcmode: service-mode maintenance of the device store. */
#include <malloc.h>
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

/* Blocks of 64 KiB and more (archive buffers, a manifest, its parse) are
 * mapped on their own and given back when freed; grown, they are moved by
 * mremap rather than copied. glibc's default threshold rises to the
 * largest block ever freed, after which such blocks fragment the heap:
 * a backup's heap was twice what it held at any moment. */
static void
big_blocks_mapped(void)
{
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

int
main(int argc, char **argv)
{
	no_core_dumps();
	big_blocks_mapped();
	return cli_main(argc, argv);
}
