/* worker.c -- one SQLite connection per worker thread, opened lazily. */
#include <pthread.h>

#include "worker.h"

static const struct config *config;
static pthread_key_t store_key;

static void
close_store(void *s)
{
	store_close(s);
}

int
worker_init(const struct config *cfg, struct pn_error *err)
{
	config = cfg;
	if (pthread_key_create(&store_key, close_store) != 0)
		return pn_error_set(err, PN_E_NOMEM, "cannot create the "
		    "per-thread store key");
	return 0;
}

struct store *
worker_store(struct pn_error *err)
{
	struct store *s = pthread_getspecific(store_key);

	if (s != NULL)
		return s;
	s = store_open(config->store.path, config->store.busy_timeout_ms, err);
	if (s != NULL && pthread_setspecific(store_key, s) != 0) {
		store_close(s);
		pn_error_set(err, PN_E_NOMEM, "cannot keep the thread's store");
		return NULL;
	}
	return s;
}
