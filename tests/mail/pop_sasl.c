/*
 * A small POP3 server for the mail tests only (never installed): POP AUTH
 * (RFC 5034) through the Cyrus SASL server library, so that mechanisms
 * Debian's Dovecot lacks (NTLM) are tested against a real SASL server
 * implementation, with the same sasldb as the Postfix listeners.
 *
 * Usage: pop_sasl PORT CONFDIR APP REALM SPOOL
 *   PORT     listens on 127.0.0.1:PORT
 *   CONFDIR  Cyrus configuration directory; APP.conf there gives
 *            pwcheck_method, auxprop_plugin, sasldb_path and mech_list
 *   REALM    the user realm of the sasldb entries (saslpasswd2 -u)
 *   SPOOL    the mailbox: one file per message (CRLF lines), its name is
 *            its UIDL; DELE'd files are removed at QUIT only
 *
 * Speaks the greeting, CAPA (with SASL), AUTH with continuation lines and
 * "*" to cancel, STAT, LIST, UIDL, RETR, DELE, NOOP, RSET and QUIT; one
 * client at a time, each read bounded by a 10 s time-out. Every event goes
 * to stderr, one line each ("auth NTLM ok user bob", "quit: 1 deleted").
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sasl/sasl.h>
#include <sasl/saslutil.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define LINE_MAX_ 8192
#define MSG_MAX 256

static const char *confdir, *realm, *spool;

struct msg {
	char name[256];
	long size;
	bool deleted;
};

struct client {
	FILE *in, *out;
	struct msg msgs[MSG_MAX];
	int n;
};

static int
getconfpath(void *context, const char **path)
{
	(void)context;
	*path = confdir;
	return SASL_OK;
}

static void reply(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
reply(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputs("\r\n", c->out);
	fflush(c->out);
}

/* One line without CRLF; false at end of input or on a too-long line. */
static bool
readline(struct client *c, char *buf, size_t n)
{
	size_t len;

	if (fgets(buf, (int)n, c->in) == NULL)
		return false;
	len = strlen(buf);
	if (len == 0 || buf[len - 1] != '\n')
		return false;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return true;
}

static int
cmp_msg(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->name, ((const struct msg *)b)->name);
}

static void
load_spool(struct client *c)
{
	DIR *d = opendir(spool);
	struct dirent *e;

	c->n = 0;
	while (d && (e = readdir(d)) != NULL && c->n < MSG_MAX) {
		char path[4096];
		struct stat sb;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", spool, e->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		snprintf(c->msgs[c->n].name, sizeof c->msgs[0].name, "%s", e->d_name);
		c->msgs[c->n].size = (long)sb.st_size;
		c->msgs[c->n].deleted = false;
		c->n++;
	}
	if (d)
		closedir(d);
	qsort(c->msgs, (size_t)c->n, sizeof c->msgs[0], cmp_msg);
}

/* Message number ARG (1-based, not deleted) or NULL with -ERR sent. */
static struct msg *
msg_arg(struct client *c, const char *arg)
{
	char *end;
	long i = arg ? strtol(arg, &end, 10) : 0;

	if (arg == NULL || *end != '\0' || i < 1 || i > c->n || c->msgs[i - 1].deleted) {
		reply(c, "-ERR no such message");
		return NULL;
	}
	return &c->msgs[i - 1];
}

static void
retr(struct client *c, const struct msg *m)
{
	char path[4096], line[LINE_MAX_];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", spool, m->name);
	if ((f = fopen(path, "r")) == NULL) {
		reply(c, "-ERR cannot read the message");
		return;
	}
	reply(c, "+OK %ld octets", m->size);
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		reply(c, "%s%s", line[0] == '.' ? "." : "", line);
	}
	fclose(f);
	reply(c, ".");
}

/* AUTH MECH [initial-response]: 1 authenticated, 0 not, -1 connection lost. */
static int
auth(struct client *c, sasl_conn_t *conn, const char *mech, const char *initial)
{
	char line[LINE_MAX_], buf[LINE_MAX_];
	const char *out = NULL, *user = NULL;
	unsigned outlen = 0, len = 0;
	int r;

	if (initial && strcmp(initial, "=") == 0) {
		r = sasl_server_start(conn, mech, "", 0, &out, &outlen);
	} else if (initial) {
		if (sasl_decode64(initial, (unsigned)strlen(initial), buf, sizeof buf, &len) !=
		    SASL_OK) {
			reply(c, "-ERR bad base64");
			return 0;
		}
		r = sasl_server_start(conn, mech, buf, len, &out, &outlen);
	} else {
		r = sasl_server_start(conn, mech, NULL, 0, &out, &outlen);
	}
	while (r == SASL_CONTINUE) {
		if (sasl_encode64(out, outlen, buf, sizeof buf, &len) != SASL_OK) {
			reply(c, "-ERR challenge too long");
			return 0;
		}
		reply(c, "+ %s", buf);
		if (!readline(c, line, sizeof line))
			return -1;
		if (strcmp(line, "*") == 0) {
			fprintf(stderr, "auth %s cancelled\n", mech);
			reply(c, "-ERR authentication cancelled");
			return 0;
		}
		if (sasl_decode64(line, (unsigned)strlen(line), buf, sizeof buf, &len) != SASL_OK) {
			reply(c, "-ERR bad base64");
			return 0;
		}
		r = sasl_server_step(conn, buf, len, &out, &outlen);
	}
	if (r != SASL_OK) {
		fprintf(stderr, "auth %s failed: %s\n", mech, sasl_errdetail(conn));
		reply(c, "-ERR [AUTH] authentication failed");
		return 0;
	}
	sasl_getprop(conn, SASL_USERNAME, (const void **)&user);
	fprintf(stderr, "auth %s ok user %s\n", mech, user ? user : "?");
	reply(c, "+OK logged in");
	return 1;
}

static void
session(int fd)
{
	struct client c = { 0 };
	sasl_conn_t *conn = NULL;
	char line[LINE_MAX_];
	bool authed = false;

	c.in = fdopen(fd, "r");
	c.out = fdopen(dup(fd), "w");
	if (c.in == NULL || c.out == NULL)
		goto out;
	if (sasl_server_new("pop", "localhost", realm, NULL, NULL, NULL, 0, &conn) != SASL_OK) {
		reply(&c, "-ERR SASL unavailable");
		goto out;
	}
	reply(&c, "+OK pop_sasl test server ready");
	while (readline(&c, line, sizeof line)) {
		char *arg = strchr(line, ' ');
		if (arg)
			*arg++ = '\0';
		if (strcasecmp(line, "CAPA") == 0) {
			const char *list = NULL;
			reply(&c, "+OK capabilities");
			if (sasl_listmech(conn, NULL, "", " ", "", &list, NULL, NULL) == SASL_OK)
				reply(&c, "SASL %s", list);
			reply(&c, "UIDL");
			reply(&c, ".");
		} else if (strcasecmp(line, "QUIT") == 0) {
			int gone = 0;
			for (int i = 0; authed && i < c.n; i++) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", spool, c.msgs[i].name);
				if (c.msgs[i].deleted && unlink(path) == 0)
					gone++;
			}
			fprintf(stderr, "quit: %d deleted\n", gone);
			reply(&c, "+OK bye");
			break;
		} else if (!authed && strcasecmp(line, "AUTH") == 0 && arg) {
			char *initial = strchr(arg, ' ');
			int r;
			if (initial)
				*initial++ = '\0';
			r = auth(&c, conn, arg, initial);
			if (r < 0)
				break;
			if (r > 0) {
				authed = true;
				load_spool(&c);
			} else {
				/* A new exchange needs a new connection context. */
				sasl_dispose(&conn);
				if (sasl_server_new("pop", "localhost", realm, NULL, NULL, NULL, 0,
						    &conn) != SASL_OK)
					break;
			}
		} else if (!authed) {
			reply(&c, "-ERR authenticate first");
		} else if (strcasecmp(line, "STAT") == 0) {
			long n = 0, bytes = 0;
			for (int i = 0; i < c.n; i++)
				if (!c.msgs[i].deleted)
					n++, bytes += c.msgs[i].size;
			reply(&c, "+OK %ld %ld", n, bytes);
		} else if (strcasecmp(line, "LIST") == 0 || strcasecmp(line, "UIDL") == 0) {
			bool uidl = strcasecmp(line, "UIDL") == 0;
			if (arg) {
				const struct msg *m = msg_arg(&c, arg);
				if (m && uidl)
					reply(&c, "+OK %s %s", arg, m->name);
				else if (m)
					reply(&c, "+OK %s %ld", arg, m->size);
				continue;
			}
			reply(&c, "+OK");
			for (int i = 0; i < c.n; i++) {
				if (c.msgs[i].deleted)
					continue;
				if (uidl)
					reply(&c, "%d %s", i + 1, c.msgs[i].name);
				else
					reply(&c, "%d %ld", i + 1, c.msgs[i].size);
			}
			reply(&c, ".");
		} else if (strcasecmp(line, "RETR") == 0) {
			const struct msg *m = msg_arg(&c, arg);
			if (m)
				retr(&c, m);
		} else if (strcasecmp(line, "DELE") == 0) {
			struct msg *m = msg_arg(&c, arg);
			if (m) {
				m->deleted = true;
				reply(&c, "+OK deleted");
			}
		} else if (strcasecmp(line, "RSET") == 0) {
			for (int i = 0; i < c.n; i++)
				c.msgs[i].deleted = false;
			reply(&c, "+OK");
		} else if (strcasecmp(line, "NOOP") == 0) {
			reply(&c, "+OK");
		} else {
			reply(&c, "-ERR unknown command");
		}
	}
out:
	sasl_dispose(&conn);
	if (c.out)
		fclose(c.out);
	if (c.in)
		fclose(c.in);
	else
		close(fd);
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	static sasl_callback_t cbs[] = {
		{ SASL_CB_GETCONFPATH, (int (*)(void))(void (*)(void))getconfpath, NULL },
		{ SASL_CB_LIST_END, NULL, NULL },
	};
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sigaction sa = { .sa_handler = on_term };
	struct timeval tv = { 10, 0 };
	int lsn, one = 1;
	char *end;
	long port;

	if (argc != 6) {
		fprintf(stderr, "usage: pop_sasl PORT CONFDIR APP REALM SPOOL\n");
		return 64;
	}
	port = strtol(argv[1], &end, 10);
	if (*end || port < 1 || port > 65535) {
		fprintf(stderr, "pop_sasl: invalid port '%s'\n", argv[1]);
		return 64;
	}
	confdir = argv[2];
	realm = argv[4];
	spool = argv[5];
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sasl_server_init(cbs, argv[3]) != SASL_OK) {
		fprintf(stderr, "pop_sasl: sasl_server_init failed\n");
		return 69;
	}
	a.sin_port = htons((unsigned short)port);
	lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsn < 0 || setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(lsn, (struct sockaddr *)&a, sizeof a) != 0 || listen(lsn, 8) != 0) {
		fprintf(stderr, "pop_sasl: cannot listen on 127.0.0.1:%ld: %s\n", port,
			strerror(errno));
		return 71;
	}
	fprintf(stderr, "listening on 127.0.0.1:%ld\n", port);
	while (!stop) {
		int fd = accept(lsn, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		fprintf(stderr, "connect\n");
		session(fd);
	}
	close(lsn);
	sasl_server_done();
	return 0;
}
