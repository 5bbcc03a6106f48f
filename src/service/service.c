/* The device's running services: the loop, the listening socket, the
 * children. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "catalog/keys.h"
#include "mail/mail.h"
#include "service/service.h"

/* What the settings ask of the service, read every second. */
struct wanted {
	bool smtp_rx, pop_rx;
	int rx_port, interval_min, timeout_s;
};

struct service {
	struct device *dev;
	const struct service_opts *o;
	char path[4096];
	int lfd, lport; /* the listening socket and its port; -1, 0 when closed */
	int sessions;
	pid_t kids[SERVICE_SESSIONS_MAX]; /* the sessions' processes; 0: free */
	pid_t pop;                        /* the running POP reception, or 0 */
	double next_pop;
	int interval_min;
	char bind_error[200];
	int lock; /* STORE.service-lock, held; holds the state service_status reads */
};

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(struct service *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct service *sv, const char *fmt, ...)
{
	char line[300];
	va_list ap;

	if (sv->o->line == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	sv->o->line(sv->o->arg, line);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define F(key, member, kind) CFG_FIELD(key, struct wanted, member, kind)
static const struct cfg_field wanted_fields[] = {
	F(KEY_NETWORK_EMAIL_SMTP_RX, smtp_rx, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SMTP_RX_PORT, rx_port, CFG_INT),
	F(KEY_NETWORK_EMAIL_POP_RX, pop_rx, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_POP_INTERVAL, interval_min, CFG_INT),
	F(KEY_NETWORK_EMAIL_TIMEOUT, timeout_s, CFG_INT),
};
#undef F

static int
wanted_read(struct device *dev, struct wanted *w, struct svc_err *err)
{
	return config_bind(dev, wanted_fields, sizeof wanted_fields / sizeof wanted_fields[0], w,
			   err);
}

/* --- the listening socket ------------------------------------------------- */

static int
listen_open(struct service *sv, int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	const char *addr = sv->o->listen;
	bool v6 = addr == NULL || strchr(addr, ':') != NULL;
	int fd, one = 1, zero = 0;

	if (addr && (v6 ? inet_pton(AF_INET6, addr, &a6.sin6_addr)
			: inet_pton(AF_INET, addr, &a4.sin_addr)) != 1) {
		snprintf(sv->bind_error, sizeof sv->bind_error, "invalid listen address '%s'",
			 addr);
		return -1;
	}
	if (addr == NULL)
		a6.sin6_addr = in6addr_any;
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (v6) /* every address means IPv4 too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	if ((v6 ? bind(fd, (struct sockaddr *)&a6, sizeof a6)
		: bind(fd, (struct sockaddr *)&a4, sizeof a4)) != 0 ||
	    listen(fd, 128) != 0)
		goto fail;
	sv->lfd = fd;
	sv->lport = port;
	return 0;
fail:
	snprintf(sv->bind_error, sizeof sv->bind_error, "cannot listen on port %d: %s", port,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static void
listen_close(struct service *sv)
{
	if (sv->lfd >= 0)
		close(sv->lfd);
	sv->lfd = -1;
	sv->lport = 0;
}

/* The lock file says what service_status shows: "PID PORT ADDRESS"
 * (PORT 0 while closed). */
static void
state_write(struct service *sv)
{
	char line[128];
	int n = snprintf(line, sizeof line, "%ld %d %s\n", (long)getpid(), sv->lport,
			 sv->o->listen ? sv->o->listen : "*");

	if (ftruncate(sv->lock, 0) != 0 || pwrite(sv->lock, line, (size_t)n, 0) < 0)
		say(sv, "cannot record the service's state: %s", strerror(errno));
}

/* Opens, moves or closes the port as SMTP RX and its port say. */
static void
listen_follow(struct service *sv, const struct wanted *w)
{
	char last[sizeof sv->bind_error];

	if (sv->lfd >= 0 && (!w->smtp_rx || w->rx_port != sv->lport)) {
		say(sv, "SMTP RX: port %d closed", sv->lport);
		listen_close(sv);
		state_write(sv);
	}
	if (!w->smtp_rx || sv->lfd >= 0)
		return;
	memcpy(last, sv->bind_error, sizeof last);
	if (listen_open(sv, w->rx_port) == 0) {
		sv->bind_error[0] = '\0';
		state_write(sv);
		say(sv, "SMTP RX: listening on port %d", w->rx_port);
	} else if (strcmp(last, sv->bind_error) != 0) {
		say(sv, "SMTP RX: %s (trying again every second)", sv->bind_error);
	}
}

/* --- children ------------------------------------------------------------- */

/* A child opens the store anew: a connection is never shared across fork. */
static struct device *
child_device(const char *path)
{
	struct device *dev = NULL;
	struct svc_err err = { 0 };

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (device_open(path, false, NULL, &dev, &err) != 0) {
		fprintf(stderr, "svcmode serve: %s\n", err.msg);
		return NULL;
	}
	device_as_service(dev);
	return dev;
}

static void
child_smtp(struct service *sv, int fd, const char *peer)
{
	struct svc_err err = { 0 };
	struct device *dev;
	int rc = 1;

	close(sv->lfd);
	if ((dev = child_device(sv->path)) != NULL) {
		rc = mail_smtpd(dev, fd, peer, NULL, &err) == 0 ? 0 : 1;
		device_close(dev);
	} else {
		static const char busy[] = "421 4.3.0 the device's store cannot be opened\r\n";
		(void)!write(fd, busy, sizeof busy - 1);
		close(fd);
	}
	_exit(rc);
}

static void
accept_one(struct service *sv)
{
	static const char full[] = "421 4.3.2 too many sessions: try again later\r\n";
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = sizeof ss;
	char peer[64] = "?";
	pid_t pid;
	int fd = accept4(sv->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, peer, sizeof peer);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, peer, sizeof peer);
	if (strncmp(peer, "::ffff:", 7) == 0)
		memmove(peer, peer + 7, strlen(peer + 7) + 1);
	if (sv->sessions >= SERVICE_SESSIONS_MAX) {
		(void)!send(fd, full, sizeof full - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	pid = fork();
	if (pid == 0)
		child_smtp(sv, fd, peer);
	close(fd);
	for (int i = 0; pid > 0 && i < SERVICE_SESSIONS_MAX; i++)
		if (sv->kids[i] == 0) {
			sv->kids[i] = pid;
			sv->sessions++;
			break;
		}
}

static void
pop_start(struct service *sv)
{
	struct svc_err err = { 0 };
	struct device *dev;
	int box = 0, rc = -1;
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid > 0) {
		sv->pop = pid;
		return;
	}
	if (sv->lfd >= 0)
		close(sv->lfd);
	if ((dev = child_device(sv->path)) == NULL)
		_exit(1);
	if (config_get_int(dev, KEY_NETWORK_EMAIL_RX_INBOX, &box, &err) == 0)
		rc = mail_receive(dev, box, NULL, NULL, &err);
	device_close(dev);
	_exit(rc < 0 ? 1 : 0);
}

/* Starts a reception when one is due (never while one runs: the mail
 * lock also keeps it from running beside a `mail receive`). */
static void
pop_follow(struct service *sv, const struct wanted *w)
{
	double t = now_s();

	if (!w->pop_rx || w->interval_min <= 0) {
		if (sv->interval_min > 0)
			say(sv, "POP Interval: off");
		sv->interval_min = 0;
		return;
	}
	if (w->interval_min != sv->interval_min) {
		say(sv, "POP Interval: a reception every %d min", w->interval_min);
		sv->interval_min = w->interval_min;
		sv->next_pop = t + w->interval_min * 60.0;
	}
	if (t < sv->next_pop || sv->pop)
		return;
	say(sv, "POP Interval: reception started");
	pop_start(sv);
	sv->next_pop = t + w->interval_min * 60.0;
}

static void
reap(struct service *sv)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == sv->pop) {
			sv->pop = 0;
			say(sv, "POP Interval: reception %s",
			    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "done" : "failed");
			continue;
		}
		for (int i = 0; i < SERVICE_SESSIONS_MAX; i++)
			if (sv->kids[i] == pid) {
				sv->kids[i] = 0;
				sv->sessions--;
			}
	}
}

/* --- one service per store -------------------------------------------------- */

static void
lock_path(struct device *dev, char *out, size_t cap)
{
	snprintf(out, cap, "%s.service-lock", store_path(device_store(dev)));
}

static int
lock_take(struct device *dev, struct svc_err *err)
{
	char path[4200];
	long other = 0;
	int fd;

	lock_path(dev, path, sizeof path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return svc_errf(err, EX_CANTCREAT, "cannot open '%s': %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		struct service_status now;
		if (service_status(dev, &now, err) == 0)
			other = now.pid;
		close(fd);
		return svc_errf(err, EX_TEMPFAIL,
				"the service already runs for this store (pid %ld)", other);
	}
	return fd; /* held until the service stops */
}

int
service_status(struct device *dev, struct service_status *out, struct svc_err *err)
{
	char path[4200], buf[160] = "";
	int fd;
	ssize_t n;

	(void)err;
	memset(out, 0, sizeof *out);
	lock_path(dev, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	out->running = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	if (out->running && n > 0 &&
	    sscanf(buf, "%ld %d %63s", &out->pid, &out->port, out->address) < 2)
		out->port = 0;
	return 0;
}

/* --- the loop ------------------------------------------------------------------ */

static void
drain(struct service *sv, int timeout_s)
{
	double end = now_s() + timeout_s;

	if (sv->sessions || sv->pop)
		say(sv, "waiting for %d session(s)%s to finish", sv->sessions,
		    sv->pop ? " and a reception" : "");
	while ((sv->sessions || sv->pop) && now_s() < end) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		reap(sv);
	}
	if (sv->sessions || sv->pop) {
		/* Past the timeout a client would have given up anyway; a
		 * message is stored whole or not at all. */
		for (int i = 0; i < SERVICE_SESSIONS_MAX; i++)
			if (sv->kids[i])
				kill(sv->kids[i], SIGTERM);
		if (sv->pop)
			kill(sv->pop, SIGTERM);
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
}

int
service_run(struct device *dev, const struct service_opts *o, struct svc_err *err)
{
	struct service sv = { .dev = dev, .o = o, .lfd = -1 };
	struct sigaction sa = { .sa_handler = on_stop };
	struct wanted w = { 0 };

	snprintf(sv.path, sizeof sv.path, "%s", store_path(device_store(dev)));
	if ((sv.lock = lock_take(dev, err)) < 0)
		return -1;
	state_write(&sv);
	stopping = 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	say(&sv, "svcmode serve: running (pid %ld)", (long)getpid());
	while (!stopping) {
		struct pollfd p = { .fd = sv.lfd, .events = POLLIN };
		struct svc_err e = { 0 };
		reap(&sv);
		if (wanted_read(dev, &w, &e) != 0) {
			say(&sv, "cannot read the settings: %s", e.msg);
		} else {
			listen_follow(&sv, &w);
			pop_follow(&sv, &w);
		}
		if (poll(&p, sv.lfd >= 0 ? 1 : 0, 1000) > 0 && (p.revents & POLLIN))
			accept_one(&sv);
	}
	listen_close(&sv);
	say(&sv, "svcmode serve: stopping");
	drain(&sv, w.timeout_s > 0 ? w.timeout_s : 60);
	close(sv.lock);
	return 0;
}
