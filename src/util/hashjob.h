/*
 * A digest computed beside the work that produced its bytes: one helper
 * thread runs EVP_DigestUpdate over a block while the caller writes the
 * same block to disk. On two cores a restore then costs the larger of the
 * two, not their sum.
 *
 * hashjob_start hands BUF to the thread; the caller must not free or
 * reuse BUF, nor touch MD, until hashjob_wait returns. One block is in
 * flight at a time.
 */
#ifndef SVC_HASHJOB_H
#define SVC_HASHJOB_H

#include <stddef.h>

#include <openssl/evp.h>

struct hashjob;

/* NULL if the thread cannot be started: the caller hashes inline. */
struct hashjob *hashjob_new(void);
void hashjob_start(struct hashjob *hj, EVP_MD_CTX *md, const void *buf, size_t len);
/* 0, or -1 if EVP_DigestUpdate failed. */
int hashjob_wait(struct hashjob *hj);
/* Stops and joins the thread (after waiting for a block in flight). */
void hashjob_free(struct hashjob *hj);

#endif
