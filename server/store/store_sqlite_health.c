/* store_sqlite_health.c -- whether the database can be written, for /healthz.
 *
 * A connection that answers a read says nothing of a full disk or a
 * database that became read-only: every write would fail while /healthz
 * said ok. Writing on every probe would cost an fsync each time, so the
 * store remembers the outcome of the latest write: a committed
 * transaction, or a call that failed because the database cannot be
 * written or read. A probe answers from that memory when a transaction
 * committed within the last fresh_s seconds and no such failure came
 * after it; otherwise (no write lately, or the latest one failed) it
 * makes a small write of its own, the row 'health_probe' of meta (64 KiB,
 * overwritten each time), in a transaction of its own. A busy server thus
 * never writes for /healthz; an idle one writes at most once per fresh_s
 * seconds and probe.
 *
 * A storage failure within the last fresh_s seconds, with no write
 * committed since, is not ok without a probe: on a full disk the probe
 * may fit in the WAL space that the failed commit took, and say ok while
 * every booklet fails. A write that commits clears it at once; with no
 * traffic, the probe decides once fresh_s seconds have passed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "store_sqlite.h"

static struct {
	pthread_mutex_t lock;
	bool committed;		/* a transaction committed since start */
	time_t committed_at;	/* CLOCK_MONOTONIC seconds, the latest */
	bool failing;		/* a failure came after the latest commit */
	time_t failed_at;	/* CLOCK_MONOTONIC seconds, the latest failure */
	char failure[PN_ERROR_MESSAGE_MAX];	/* ... its message */
} health = { PTHREAD_MUTEX_INITIALIZER, false, 0, false, 0, "" };

static time_t
now_monotonic(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
sq_health_committed(void)
{
	pthread_mutex_lock(&health.lock);
	health.committed = true;
	health.committed_at = now_monotonic();
	health.failing = false;
	pthread_mutex_unlock(&health.lock);
}

/* The primary result codes that say the database cannot be written. */
static bool
is_storage_failure(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PERM:
		return true;
	default:
		return false;
	}
}

void
sq_health_failed(int rc, const char *why)
{
	if (!is_storage_failure(rc))
		return;
	pthread_mutex_lock(&health.lock);
	health.failing = true;
	health.failed_at = now_monotonic();
	(void)snprintf(health.failure, sizeof(health.failure), "%s", why);
	pthread_mutex_unlock(&health.lock);
}

/*
 * Bytes the probe writes: more than a booklet's transaction. A one-page
 * probe fits in the space that a failed commit has already taken in the
 * WAL on a full disk, and would say ok while every booklet fails.
 */
#define PROBE_BYTES	65536

/* The probe's write. */
SQ_QUERY(q_health_probe,
    "INSERT INTO meta (key, value)"
    " VALUES ('health_probe', ?1 || ' ' || hex(zeroblob(?2)))"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");

/* The probe: one row of meta, PROBE_BYTES long, in its own transaction. */
static int
probe_write(struct store *s, struct pn_error *err)
{
	sqlite3_stmt *health_probe = sq_stmt(s, &q_health_probe);

	if (sq_begin(s, err) != 0)
		return -1;
	if (sqlite3_bind_int64(health_probe, 1, (sqlite3_int64)time(NULL))
	    != SQLITE_OK ||
	    sqlite3_bind_int(health_probe, 2, PROBE_BYTES / 2) != SQLITE_OK ||
	    sq_step_done(s, health_probe, "health probe write", err) != 0 ||
	    sq_commit(s, err) != 0) {
		sq_rollback(s);
		return -1;
	}
	return 0;
}

int
store_write_health(struct store *s, unsigned fresh_s, struct pn_error *err)
{
	time_t now = now_monotonic();
	bool fresh, failed;

	pthread_mutex_lock(&health.lock);
	failed = health.failing && now - health.failed_at < (time_t)fresh_s;
	if (failed)
		pn_error_set(err, PN_E_IO, "%s (%lld s ago; no write has "
		    "succeeded since)", health.failure,
		    (long long)(now - health.failed_at));
	fresh = health.committed && !health.failing &&
	    now - health.committed_at < (time_t)fresh_s;
	pthread_mutex_unlock(&health.lock);
	if (failed)
		return -1;
	if (fresh)
		return 0;
	return probe_write(s, err);
}
