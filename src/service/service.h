/*
 * The device's running services, in one process (`svcmode serve`, kept by
 * systemd): SMTP reception on the SMTP RX Port while SMTP RX is ON (the
 * port is closed while it is OFF), and a POP reception every POP Interval
 * minutes while POP RX is ON. The settings are read again every second,
 * so a change takes effect without a restart.
 *
 * Each SMTP session and each reception runs in a child process with its
 * own connection to the store; at most SERVICE_SESSIONS_MAX sessions run
 * at once (a further client gets 421). One service per store: a second
 * one is refused while the first holds STORE.service-lock.
 */
#ifndef SVC_SERVICE_H
#define SVC_SERVICE_H

#include <stdbool.h>

#include "config/config.h"
#include "util/err.h"
#include "util/strbuf.h"

#define SERVICE_SESSIONS_MAX 64

struct service_opts {
	const char *listen; /* the address SMTP reception binds; NULL: every address */
	/* What the service does, one line each ("SMTP RX: listening on port 25"). */
	void (*line)(void *arg, const char *text);
	void *arg;
};

/* Runs until SIGTERM or SIGINT, then closes the port, lets the running
 * sessions finish (within the communication timeout) and returns 0. */
int service_run(struct device *dev, const struct service_opts *o, struct svc_err *err);

/* What the service of this store is doing. */
struct service_status {
	bool running;
	long pid;
	int port;         /* SMTP reception's port; 0: closed */
	char address[64]; /* the address it listens on; "*": every one */
};
int service_status(struct device *dev, struct service_status *out, struct svc_err *err);

#endif
