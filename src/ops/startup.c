#include "ops/startup.h"

#include <stdint.h>
#include <time.h>

#include "mailbox/mailbox.h"
#include "tls/tls.h"
#include "wipe/wipe.h"

/* Auto Erase failing is not fatal: every other operation must still work. */
static void
auto_erase(struct device *dev, struct strbuf *note)
{
	struct svc_err err = { 0 };
	int erased = 0;

	if (mailbox_cleanup(dev, &err) != 0 ||
	    mailbox_auto_erase(dev, (int64_t)time(NULL), &erased, &err) != 0)
		sb_addf(note, "svcmode: warning: Auto Erase: %s\n", err.msg);
	else if (erased)
		sb_addf(note, "svcmode: Auto Erase removed %d expired document%s\n", erased,
			erased == 1 ? "" : "s");
}

int
op_startup(struct device *dev, struct strbuf *note, struct svc_err *err)
{
	if (wipe_startup(dev, note, err) != 0 || tls_provision(dev, err) != 0)
		return -1;
	auto_erase(dev, note);
	return 0;
}
