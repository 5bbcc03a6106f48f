/* A digest computed on a helper thread beside the caller's write. */
#include "util/hashjob.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct hashjob {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *md; /* the block in flight: set by start, cleared by the thread */
	const void *buf;
	size_t len;
	bool busy, quit;
	int rc;
};

static void *
hashjob_main(void *arg)
{
	struct hashjob *hj = arg;

	pthread_mutex_lock(&hj->mu);
	for (;;) {
		while (!hj->busy && !hj->quit)
			pthread_cond_wait(&hj->cv, &hj->mu);
		if (!hj->busy)
			break; /* quit, nothing in flight */
		pthread_mutex_unlock(&hj->mu);
		int ok = EVP_DigestUpdate(hj->md, hj->buf, hj->len) == 1;
		pthread_mutex_lock(&hj->mu);
		if (!ok)
			hj->rc = -1;
		hj->busy = false;
		pthread_cond_broadcast(&hj->cv);
	}
	pthread_mutex_unlock(&hj->mu);
	return NULL;
}

struct hashjob *
hashjob_new(void)
{
	struct hashjob *hj = calloc(1, sizeof *hj);

	if (hj == NULL)
		return NULL;
	pthread_mutex_init(&hj->mu, NULL);
	pthread_cond_init(&hj->cv, NULL);
	if (pthread_create(&hj->thread, NULL, hashjob_main, hj) != 0) {
		pthread_cond_destroy(&hj->cv);
		pthread_mutex_destroy(&hj->mu);
		free(hj);
		return NULL;
	}
	return hj;
}

void
hashjob_start(struct hashjob *hj, EVP_MD_CTX *md, const void *buf, size_t len)
{
	pthread_mutex_lock(&hj->mu);
	hj->md = md;
	hj->buf = buf;
	hj->len = len;
	hj->busy = true;
	pthread_cond_broadcast(&hj->cv);
	pthread_mutex_unlock(&hj->mu);
}

int
hashjob_wait(struct hashjob *hj)
{
	int rc;

	pthread_mutex_lock(&hj->mu);
	while (hj->busy)
		pthread_cond_wait(&hj->cv, &hj->mu);
	rc = hj->rc;
	hj->rc = 0;
	pthread_mutex_unlock(&hj->mu);
	return rc;
}

void
hashjob_free(struct hashjob *hj)
{
	if (hj == NULL)
		return;
	pthread_mutex_lock(&hj->mu);
	hj->quit = true;
	pthread_cond_broadcast(&hj->cv);
	pthread_mutex_unlock(&hj->mu);
	pthread_join(hj->thread, NULL);
	pthread_cond_destroy(&hj->cv);
	pthread_mutex_destroy(&hj->mu);
	free(hj);
}
