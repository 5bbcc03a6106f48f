/*
 * Overwriting files before they are unlinked, for Initialize All
 * Data/Settings, Auto Erase and document deletion, and the tally that
 * becomes the erase report (NIST SP 800-88 record fields).
 */
#ifndef SVC_ERASE_H
#define SVC_ERASE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

enum erase_method {
	ERASE_ZEROS,  /* 1 pass of zeros */
	ERASE_RANDOM, /* 1 pass of pseudo-random data */
	ERASE_DOD3,   /* 3 passes: zeros, ones, random (DoD 5220.22-M) */
};

/* Kinds in one report: 14 today (beyond the limit a kind would go
 * unreported), with room for the modules to come. */
#define ERASE_MAX_KINDS 24

struct erase_stats {
	enum erase_method method;
	bool verify;             /* read back the last pass */
	int64_t bytes;           /* bytes overwritten, all passes */
	int64_t verify_failures; /* files whose read-back differed */
	struct {
		char kind[32]; /* "documents", "inboxes", "key pairs", ... */
		int64_t n;
	} kinds[ERASE_MAX_KINDS];
	int nkinds;
	/* Optional progress: called with bytes done in the current file. */
	void (*progress)(void *arg, int64_t done);
	void *progress_arg;
	/* Batch mode, set by the caller: erase_file overwrites (the last
	 * pass left unsynced) and keeps the file; erase_flush then makes all
	 * of them durable with one syncfs per file system, reads them back,
	 * unlinks them and syncs again. One flush for a thousand files in
	 * place of two fsyncs per file. */
	bool batch;
	struct erase_pending *pending;
	int npending, cap_pending;
	unsigned char *buf, *want; /* the batch's buffers, CHUNK each */
};

/* Overwrites PATH with the chosen method, fsyncs, optionally verifies,
 * then unlinks it and fsyncs its directory. A missing file is not an error
 * (an interrupted erase may already have removed it). */
int erase_file(const char *path, struct erase_stats *st, struct svc_err *err);
/* Batch mode: the files erase_file overwrote since the last flush made
 * durable (syncfs), read back if asked, unlinked, and the unlinks made
 * durable. Until it returns 0 every such file is still in place with its
 * overwrite possibly in the page cache only: a caller records nothing as
 * erased before it. Frees what the batch held, on failure too. */
int erase_flush(struct erase_stats *st, struct svc_err *err);
/* Adds N items of KIND to the tally. */
void erase_count(struct erase_stats *st, const char *kind, int64_t n);
int erase_method_parse(const char *s, enum erase_method *out);
const char *erase_method_name(enum erase_method m);

#endif
