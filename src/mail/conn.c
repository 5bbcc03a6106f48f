/* A connection to a mail server: TCP with a time-out on every read and
 * write, optional TLS (OpenSSL), CRLF lines of bounded length, and the
 * dialogue shown with -v. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mail/mail_int.h"
#include "tls/tls.h"
#include "util/err_openssl.h"

static int cfail(struct mail_conn *c, enum mail_fail f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cfail(struct mail_conn *c, enum mail_fail f, const char *fmt, ...)
{
	va_list ap;

	c->fail = f;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* The first OpenSSL error in the queue, and the queue drained. */
static void
ssl_why(char *buf, size_t n)
{
	svc_openssl_reason(buf, n);
	if (*buf == '\0')
		snprintf(buf, n, "%s", "connection closed during the handshake");
}

/*
 * The CA certificates that server certificates are checked against: the
 * system bundle and the CA certificates imported into the store (SSL
 * Settings > CA Certificates). Read at every connection, so that removing
 * a CA stops trusting it at once.
 */
X509_STORE *
mail_trust_store(struct device *dev, char *why, size_t nwhy)
{
	X509_STORE *xs = X509_STORE_new();
	struct svc_err err = { 0 };

	if (xs == NULL || X509_STORE_set_default_paths(xs) != 1) {
		ssl_why(why, nwhy);
		X509_STORE_free(xs);
		return NULL;
	}
	if (tls_ca_load(dev, xs, &err) < 0) {
		snprintf(why, nwhy, "%s", err.msg);
		X509_STORE_free(xs);
		return NULL;
	}
	return xs;
}

static bool
is_ip(const char *host)
{
	unsigned char b[16];

	return inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1;
}

static int
tls_begin(struct mail_conn *c)
{
	struct mail_sess *s = c->s;
	char why[160];
	long vr;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL || SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1) {
		ssl_why(why, sizeof why);
		return cfail(c, MF_TLS, "cannot set up TLS: %s", why);
	}
	if (s->cfg.ssl_verify) {
		X509_STORE *xs = mail_trust_store(s->dev, why, sizeof why);
		if (xs == NULL)
			return cfail(c, MF_TLS, "cannot load the CA certificates: %s", why);
		SSL_CTX_set_cert_store(c->ctx, xs);
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	}
	if ((c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		ssl_why(why, sizeof why);
		return cfail(c, MF_TLS, "cannot set up TLS: %s", why);
	}
	if (!is_ip(c->host))
		SSL_set_tlsext_host_name(c->ssl, c->host);
	if (s->cfg.ssl_verify) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
		int ok = is_ip(c->host) ? X509_VERIFY_PARAM_set1_ip_asc(vp, c->host)
					: X509_VERIFY_PARAM_set1_host(vp, c->host, 0);
		if (ok != 1)
			return cfail(c, MF_TLS, "cannot check the host name '%s'", c->host);
	}
	if (SSL_connect(c->ssl) != 1) {
		vr = SSL_get_verify_result(c->ssl);
		if (vr != X509_V_OK) {
			ERR_clear_error();
			return cfail(c, MF_TLS, "server certificate not accepted: %s",
				     X509_verify_cert_error_string(vr));
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			ERR_clear_error();
			return cfail(c, MF_TIMEOUT,
				     "no answer during the TLS handshake within %d s",
				     c->timeout_ms / 1000);
		}
		ssl_why(why, sizeof why);
		return cfail(c, MF_TLS, "TLS handshake failed: %s", why);
	}
	snprintf(s->tls, sizeof s->tls, "%s %s", SSL_get_version(c->ssl),
		 SSL_get_cipher_name(c->ssl));
	mail_step(s, "TLS established: %s%s", s->tls,
		  s->cfg.ssl_verify ? ", certificate verified" : ", certificate NOT verified");
	return 0;
}

int
conn_open(struct mail_conn *c, struct mail_sess *s, const char *host, int port, int timeout_s,
	  bool tls)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	char sport[8];
	struct timeval tv = { timeout_s, 0 };
	int rc, last = 0;

	memset(c, 0, sizeof *c);
	c->s = s;
	c->fd = -1;
	c->timeout_ms = timeout_s * 1000;
	snprintf(c->host, sizeof c->host, "%s", host);
	snprintf(sport, sizeof sport, "%d", port);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	mail_step(s, "connecting to %s port %d%s", host, port, tls ? " (implicit TLS)" : "");
	rc = getaddrinfo(host, sport, &hints, &res);
	if (rc != 0)
		return cfail(c, MF_RESOLVE, "cannot resolve '%s': %s", host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t len = sizeof last;
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc != 0 && errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, c->timeout_ms);
			if (rc == 0) {
				last = ETIMEDOUT;
				close(fd);
				continue;
			}
			if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &last, &len) != 0 ||
			    last) {
				if (rc < 0)
					last = errno;
				close(fd);
				continue;
			}
		} else if (rc != 0) {
			last = errno;
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		c->fd = fd;
		break;
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		if (last == ETIMEDOUT)
			return cfail(c, MF_TIMEOUT, "no connection to %s port %d within %d s", host,
				     port, timeout_s);
		return cfail(c, MF_CONNECT, "cannot connect to %s port %d: %s", host, port,
			     strerror(last));
	}
	mail_step(s, "connected");
	return tls ? tls_begin(c) : 0;
}

int
conn_starttls(struct mail_conn *c)
{
	c->pos = c->len = 0; /* nothing sent before the handshake is trusted */
	return tls_begin(c);
}

void
conn_accepted(struct mail_conn *c, struct mail_sess *s, int fd, int timeout_s)
{
	struct timeval tv = { timeout_s, 0 };

	memset(c, 0, sizeof *c);
	c->s = s;
	c->fd = fd;
	c->timeout_ms = timeout_s * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int
conn_starttls_server(struct mail_conn *c, SSL_CTX *ctx)
{
	char why[160];

	/* Commands pipelined behind STARTTLS were sent in clear: dropped, so
	 * that nobody can inject them into the protected session. */
	c->pos = c->len = 0;
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		ssl_why(why, sizeof why);
		return cfail(c, MF_TLS, "cannot set up TLS: %s", why);
	}
	if (SSL_accept(c->ssl) != 1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			ERR_clear_error();
			return cfail(c, MF_TIMEOUT, "no TLS handshake within %d s",
				     c->timeout_ms / 1000);
		}
		ssl_why(why, sizeof why);
		return cfail(c, MF_TLS, "TLS handshake failed: %s", why);
	}
	snprintf(c->s->tls, sizeof c->s->tls, "%s %s", SSL_get_version(c->ssl),
		 SSL_get_cipher_name(c->ssl));
	mail_step(c->s, "TLS established: %s", c->s->tls);
	return 0;
}

void
conn_close(struct mail_conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	ERR_clear_error();
	if (c->fd >= 0)
		close(c->fd);
	svc_wipe(c->buf, sizeof c->buf);
	c->ssl = NULL;
	c->ctx = NULL;
	c->fd = -1;
}

int
conn_write(struct mail_conn *c, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w;
		if (c->ssl) {
			int r = SSL_write(c->ssl, p, n > 65536 ? 65536 : (int)n);
			w = r > 0 ? r : -1;
			if (r <= 0)
				ERR_clear_error();
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return cfail(c, MF_TIMEOUT, "server accepted no data within %d s",
				     c->timeout_ms / 1000);
		if (w <= 0)
			return cfail(c, MF_PROTOCOL, "connection lost while sending: %s",
				     strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
conn_writeline(struct mail_conn *c, const char *line, const char *show)
{
	struct strbuf b = STRBUF_INIT;
	int rc;

	mail_dialog(c->s, "C: ", show ? show : line);
	sb_adds(&b, line);
	sb_add(&b, "\r\n", 2);
	rc = conn_write(c, b.buf, b.len);
	sb_release(&b);
	return rc;
}

static int
fill(struct mail_conn *c)
{
	ssize_t r;

	if (c->pos > 0) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	for (;;) {
		errno = 0;
		if (c->ssl) {
			int n = SSL_read(c->ssl, c->buf + c->len, (int)(sizeof c->buf - c->len));
			if (n <= 0) {
				int e = SSL_get_error(c->ssl, n);
				ERR_clear_error();
				/* A clean close, or one without close_notify. */
				r = (e == SSL_ERROR_ZERO_RETURN ||
				     (e == SSL_ERROR_SYSCALL && errno == 0))
					    ? 0
					    : -1;
			} else {
				r = n;
			}
		} else {
			r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		}
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return cfail(c, MF_TIMEOUT, "no answer from the server within %d s",
			     c->timeout_ms / 1000);
	if (r < 0)
		return cfail(c, MF_PROTOCOL, "connection lost: %s",
			     errno ? strerror(errno) : "TLS error");
	if (r == 0)
		return cfail(c, MF_PROTOCOL, "server closed the connection");
	c->len += (size_t)r;
	return 0;
}

int
conn_readline(struct mail_conn *c, struct strbuf *out)
{
	size_t total = 0;

	sb_reset(out);
	for (;;) {
		char *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
		size_t n = nl ? (size_t)(nl - (c->buf + c->pos)) : c->len - c->pos;
		total += n;
		if (total > MAIL_LINE_MAX)
			return cfail(c, MF_PROTOCOL, "server sent a line longer than %d bytes",
				     MAIL_LINE_MAX);
		if (memchr(c->buf + c->pos, '\0', n))
			return cfail(c, MF_PROTOCOL, "server sent a NUL byte");
		sb_add(out, c->buf + c->pos, n);
		c->pos += n;
		if (nl) {
			c->pos++;
			break;
		}
		if (fill(c) != 0)
			return -1;
	}
	if (out->len && out->buf[out->len - 1] == '\r')
		out->buf[--out->len] = '\0';
	if (out->buf == NULL)
		sb_adds(out, "");
	mail_dialog(c->s, "S: ", c->mask_in ? "********" : out->buf);
	return 0;
}

static void
asn1_time(const ASN1_TIME *t, char *buf, size_t n)
{
	struct tm tm;

	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(buf, n, "?");
}

void
conn_cert_info(struct mail_conn *c, char *subject, size_t ns, char *expiry, size_t ne)
{
	X509 *x = c->ssl ? SSL_get1_peer_certificate(c->ssl) : NULL;

	snprintf(subject, ns, "-");
	snprintf(expiry, ne, "-");
	if (x == NULL)
		return;
	X509_NAME_oneline(X509_get_subject_name(x), subject, (int)ns);
	asn1_time(X509_get0_notAfter(x), expiry, ne);
	X509_free(x);
}
