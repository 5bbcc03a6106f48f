/* SASL through libgsasl: the mechanism order and one client exchange. */
#include <errno.h>
#include <fcntl.h>
#include <gsasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/mail_int.h"

/* Strongest first: GSSAPI (Kerberos, no password on the wire), CRAM-MD5
 * (challenge-response), NTLM (challenge-response, weaker hashes), then
 * LOGIN and PLAIN (the password itself, acceptable only inside TLS). */
const char *const mail_sasl_order[] = { "GSSAPI", "CRAM-MD5", "NTLM", "LOGIN", "PLAIN", NULL };

struct mail_sasl {
	Gsasl *ctx;
	Gsasl_session *sess;
	int trace; /* GSSAPI: MIT Kerberos trace (memory file), or -1 */
};

/*
 * libgsasl reports every GSS-API failure with one generic text. To tell a
 * field engineer what Kerberos said ("Clock skew too great", "Server ...
 * not found in Kerberos database", "No credentials cache found"), GSSAPI
 * exchanges run with MIT Kerberos tracing (KRB5_TRACE, read when the
 * library makes a context) into an anonymous memory file; on failure the
 * last failed result in it becomes the reason. Only that one line is kept:
 * the trace also names session-key fingerprints, and nothing else of it
 * is logged. A KRB5_TRACE set by the user is left alone.
 */
static void
krb_trace_start(struct mail_sasl *m)
{
	char path[64];

	m->trace = -1;
	if (getenv("KRB5_TRACE") != NULL)
		return;
	m->trace = memfd_create("svcmode-krb5-trace", MFD_CLOEXEC);
	if (m->trace < 0)
		return;
	snprintf(path, sizeof path, "/proc/self/fd/%d", m->trace);
	/* Without /proc the library could not open it, and an empty trace
	 * would wrongly read as "no credentials". */
	if (access(path, W_OK) != 0) {
		close(m->trace);
		m->trace = -1;
		return;
	}
	setenv("KRB5_TRACE", path, 1);
}

static void
krb_trace_stop(struct mail_sasl *m)
{
	if (m->trace < 0)
		return;
	unsetenv("KRB5_TRACE");
	close(m->trace);
	m->trace = -1;
}

/* The last "result: -NNN/text" of the trace that is not a cache miss,
 * as "text", into WHY; an empty trace means no credentials. Returns
 * whether a reason was found. */
static bool
krb_trace_reason(struct mail_sasl *m, char *why, size_t nwhy)
{
	char buf[16384], found[200] = "";
	off_t size;
	ssize_t n;

	if (m->trace < 0 || (size = lseek(m->trace, 0, SEEK_END)) < 0)
		return false;
	if (size == 0) {
		/* Kerberos did nothing at all: GSS-API found no credentials to
		 * start from (no ticket cache, no usable keytab). */
		snprintf(why, nwhy, "no Kerberos credentials (no ticket cache, no client keytab)");
		return true;
	}
	/* The end of the trace holds the failure. */
	n = pread(m->trace, buf, sizeof buf - 1,
		  size > (off_t)sizeof buf - 1 ? size - (off_t)(sizeof buf - 1) : 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (char *l = buf, *next; l && *l; l = next) {
		const char *r, *slash;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		if ((r = strstr(l, "result: -")) == NULL || (slash = strchr(r, '/')) == NULL)
			continue;
		if (strncmp(slash + 1, "Matching credential not found", 29) == 0)
			continue;
		snprintf(found, sizeof found, "%.*s", (int)strcspn(slash + 1, "("), slash + 1);
	}
	for (size_t k = strlen(found); k && found[k - 1] == ' '; k--)
		found[k - 1] = '\0';
	if (!found[0])
		return false;
	snprintf(why, nwhy, "%s", found);
	return true;
}

const char *
mail_sasl_version(void)
{
	static char v[48];

	snprintf(v, sizeof v, "libgsasl %s", gsasl_check_version(NULL));
	return v;
}

static bool
offered(const char *list, const char *mech)
{
	size_t n = strlen(mech);

	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t w = strcspn(p, " \t");
		if (w == n && strncasecmp(p, mech, n) == 0)
			return true;
		p += w;
	}
	return false;
}

int
sasl_candidates(const char *offer, bool tls, bool allow_plain, const char *cand[], int max)
{
	Gsasl *ctx = NULL;
	int n = 0;

	if (gsasl_init(&ctx) != GSASL_OK)
		return 0;
	for (int i = 0; mail_sasl_order[i] && n < max; i++) {
		const char *m = mail_sasl_order[i];
		bool clear_pw = strcmp(m, "LOGIN") == 0 || strcmp(m, "PLAIN") == 0;
		if (!offered(offer, m) || !gsasl_client_support_p(ctx, m))
			continue;
		if (clear_pw && !tls && !allow_plain)
			continue;
		cand[n++] = m;
	}
	gsasl_done(ctx);
	return n;
}

int
sasl_keytab_check(const char *path, char *why, size_t nwhy)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	uid_t me = geteuid();

	/* Opened, then checked: what is checked is what Kerberos reads next
	 * (a symbolic link is followed, as ssh does for its keys). */
	if (fd < 0) {
		snprintf(why, nwhy, "cannot open the keytab '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		snprintf(why, nwhy, "cannot read the keytab '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, nwhy, "keytab '%s' is not a regular file", path);
		return -1;
	}
	if (sb.st_uid != me && sb.st_uid != 0) {
		snprintf(why, nwhy,
			 "keytab '%s' is owned by uid %lu; expected uid %lu (this user) or root",
			 path, (unsigned long)sb.st_uid, (unsigned long)me);
		return -1;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, nwhy,
			 "keytab '%s' has mode %04o: group or others may use it; expected "
			 "0600 or 0400 (chmod 600)",
			 path, (unsigned)(sb.st_mode & 07777));
		return -1;
	}
	return 0;
}

int
sasl_start(struct mail_sasl **out, const char *mech, const char *service, const char *host,
	   const char *user, const char *password, const char *keytab, char *why, size_t nwhy)
{
	struct mail_sasl *m = xcalloc(1, sizeof *m);
	char name[256], realm[256] = "";
	const char *bs = strchr(user, '\\'), *at = strrchr(user, '@');
	int rc;

	*out = NULL;
	snprintf(name, sizeof name, "%s", user);
	if (strcmp(mech, "NTLM") == 0) {
		/* user@NTdomain or DOMAIN\user */
		if (bs) {
			snprintf(realm, sizeof realm, "%.*s", (int)(bs - user), user);
			snprintf(name, sizeof name, "%s", bs + 1);
		} else if (at) {
			snprintf(name, sizeof name, "%.*s", (int)(at - user), user);
			snprintf(realm, sizeof realm, "%s", at + 1);
		}
	}
	m->trace = -1;
	if (strcmp(mech, "GSSAPI") == 0 && keytab && *keytab &&
	    sasl_keytab_check(keytab, why, nwhy) != 0) {
		free(m);
		return 2;
	}
	if (strcmp(mech, "GSSAPI") == 0) {
		krb_trace_start(m);
		/* MIT: initiate from this client keytab; none set: the ticket cache
		 * only (also in a long-running TUI after the setting was cleared). */
		if (keytab && *keytab)
			setenv("KRB5_CLIENT_KTNAME", keytab, 1);
		else
			unsetenv("KRB5_CLIENT_KTNAME");
	}
	if ((rc = gsasl_init(&m->ctx)) != GSASL_OK ||
	    (rc = gsasl_client_start(m->ctx, mech, &m->sess)) != GSASL_OK) {
		snprintf(why, nwhy, "SASL %s: %s", mech, gsasl_strerror(rc));
		sasl_free(m);
		return -1;
	}
	gsasl_property_set(m->sess, GSASL_AUTHID, name);
	if (strcmp(mech, "GSSAPI") != 0)
		gsasl_property_set(m->sess, GSASL_PASSWORD, password);
	if (*realm)
		gsasl_property_set(m->sess, GSASL_REALM, realm);
	gsasl_property_set(m->sess, GSASL_SERVICE, service);
	gsasl_property_set(m->sess, GSASL_HOSTNAME, host);
	*out = m;
	return 0;
}

int
sasl_step(struct mail_sasl *m, const char *in, char **out, bool *kerberos, char *why, size_t nwhy)
{
	char *o = NULL;
	int rc = gsasl_step64(m->sess, in, &o);

	*out = NULL;
	*kerberos = false;
	if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE) {
		*out = o;
		return rc == GSASL_OK ? 0 : 1;
	}
	gsasl_free(o);
	*kerberos = (rc >= GSASL_GSSAPI_RELEASE_BUFFER_ERROR &&
		     rc <= GSASL_GSSAPI_UNSUPPORTED_PROTECTION_ERROR) ||
		    (rc >= GSASL_GSSAPI_ENCAPSULATE_TOKEN_ERROR &&
		     rc <= GSASL_GSSAPI_RELEASE_OID_SET_ERROR);
	if (!*kerberos || !krb_trace_reason(m, why, nwhy))
		snprintf(why, nwhy, "%s", gsasl_strerror(rc));
	return -1;
}

void
sasl_free(struct mail_sasl *m)
{
	if (m == NULL)
		return;
	krb_trace_stop(m);
	if (m->sess)
		gsasl_finish(m->sess);
	if (m->ctx)
		gsasl_done(m->ctx);
	free(m);
}

void
sasl_refused_kerberos(char *why, size_t nwhy)
{
	size_t n = strlen(why);

	snprintf(why + n, nwhy - n,
		 " (Kerberos ticket not accepted: clock skew or changed service key)");
}
