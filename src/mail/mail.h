/*
 * The device's mail client: sending by SMTP (POP before SMTP, SMTP AUTH
 * through SASL, STARTTLS or SMTPS) and receiving by POP3 (USER/PASS, APOP,
 * SASL AUTH, STLS or POP3S), with the semantics of the device manual.
 *
 * Every operation reads the E-Mail/I-Fax settings, reports each step as it
 * happens through MAIL_STEP (and, when VERBOSE, the protocol dialogue with
 * passwords, SASL payloads and APOP digests masked), and stores one row in
 * the communication log, whatever the outcome.
 *
 * Errors: -1 with err->msg starting with the device error code ("#839
 * smtp authentication refused: ...") and err->code a sysexits code; the
 * device code itself is in *code when CODE is not NULL (0 on success or
 * when the failure is not a communication error, e.g. a missing setting).
 */
#ifndef SVC_MAIL_H
#define SVC_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store_mail.h"
#include "util/erase.h"
#include "util/err.h"

struct mail_io {
	void *arg;
	/* One step or, when verbose, one line of dialogue ("C: ", "S: "). */
	void (*line)(void *arg, const char *text);
	bool verbose;
	/* At the end of a successful session, what its OK must say beside it
	 * (NULL: not wanted); the communication log's message holds it too. */
	void (*note)(void *arg, const char *text);
};

/* The error code table: code, sysexits code, meaning. Ends with code 0. */
struct mail_code {
	int code;
	int ex;
	const char *meaning;
};
const struct mail_code *mail_codes(void);
/* The meaning of CODE, or NULL. */
const char *mail_code_meaning(int code);

/* Whether a send (SEND; to TO, NULL: the device's own address) or a
 * reception can be tried: EX_USAGE for an invalid TO, EX_CONFIG naming a
 * missing setting. Reads only: no door, no log row. */
int mail_ready(struct device *dev, bool send, const char *to, struct svc_err *err);

/* Sends a short test message to TO (NULL: the device's own address)
 * through the whole TX path with the current settings. */
int mail_test_send(struct device *dev, const char *to, const struct mail_io *io, int *code,
		   struct svc_err *err);
/* Logs into the POP server with the RX settings; *count and *bytes as
 * STAT reports them. */
int mail_test_receive(struct device *dev, const struct mail_io *io, int64_t *count, int64_t *bytes,
		      int *code, struct svc_err *err);
/* Retrieves every message into user inbox BOX (0-99), deleting each on the
 * server only after it has been stored. Returns the number retrieved. */
int mail_receive(struct device *dev, int box, const struct mail_io *io, int *code,
		 struct svc_err *err);
/* SMTP reception: one session with the client on the accepted socket FD
 * (closed on return) from PEER ("127.0.0.1"). Messages for the device's
 * address are stored in the Receive Into Inbox inbox, each once (by
 * Message-ID); the session is one row of the communication log. -1 when
 * the session ended by a failure (err says which). */
int mail_smtpd(struct device *dev, int fd, const char *peer, const struct mail_io *io,
	       struct svc_err *err);

/* What the SMTP and POP servers offer (capabilities, TLS, mechanisms,
 * certificate subject and expiry), one line per fact through IO. */
int mail_probe(struct device *dev, const struct mail_io *io, int *code, struct svc_err *err);

/* The communication log, oldest first; LIMIT <= 0 for all. */
typedef int (*mail_log_fn)(void *arg, const struct store_mail_log *rec);
int mail_log_each(struct device *dev, int limit, mail_log_fn fn, void *arg, struct svc_err *err);

/* Initialize All Data/Settings: deletes the communication log (and the
 * messages kept in it) inside the caller's transaction. */
int mail_erase_log(struct device *dev, struct erase_stats *st, struct svc_err *err);

/* "libgsasl 2.2.0" */
const char *mail_sasl_version(void);

#endif
