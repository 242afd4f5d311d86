/* admin_restore.c -- passnum-admin restore: a backup put back in place of a stopped server's database.
 *
 *   restore --config FILE --from BACKUP
 *
 * Takes passnumd's instance lock first (so it refuses while a passnumd
 * holds the database, and no passnumd can start until it is done), copies
 * the backup beside the database (DB.restoring, the backup itself is only
 * read), checks the copy as passnum-admin audit would start to (SQLite's
 * integrity check, the audit log's hash chain), then moves the database
 * and its -wal and -shm files aside to DB.before-restore-UNIXTIME and the
 * copy into place, and appends the audit row "store.restore" to the
 * restored database. A refused backup changes nothing. docs/store.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "checkpoint.h"
#include "config.h"
#include "store.h"

#define CMD "restore"

/*
 * Say what the restored database lacks, compared with the last checkpoint
 * of the history beside it: what was acknowledged after the backup was
 * taken. passnumd raises the alarm at start (checkpoint_at_start()).
 */
static void
say_gap(struct store *s, const char *db_path)
{
	char history[4200], line[PN_CHECKPOINT_TEXT_MAX + 64], words[1024];
	struct store_checkpoint_check v;
	struct pn_checkpoint c;
	struct pn_error err;

	if (checkpoint_history_path(db_path, history, sizeof(history)) != 0 ||
	    checkpoint_file_last(history, line, sizeof(line), &err) != 1 ||
	    pn_checkpoint_parse(line, strlen(line), &c, &err) != 0)
		return;
	memset(&v, 0, sizeof(v));
	v.c = &c;
	v.text = line;
	if (store_checkpoint_verify(s, &v, 1, &err) != 0 || v.findings == 0)
		return;
	checkpoint_findings_en(&v, words, sizeof(words));
	printf("the backup is older than the last checkpoint of %s: %s\n"
	    "passnumd will raise an integrity alarm at start; each terminal "
	    "sends back, at its next sync, the redemptions it holds receipts "
	    "for; acknowledge the alarm once this is dealt with (passnum-admin "
	    "alarm ack)\n", history, words);
}

/* Open path, check its integrity and its audit chain; *rows on success. */
static int
check_copy(const char *path, unsigned busy_ms, uint64_t *rows,
    struct pn_error *err)
{
	struct store *s;
	int64_t bad = 0;
	int rc;

	if ((s = store_open(path, busy_ms, err)) == NULL)
		return -1;
	if ((rc = store_integrity_check(s, err)) == 0 &&
	    (rc = store_audit_verify(s, rows, &bad, err)) == 1)
		pn_error_prefix(err, "the audit log's hash chain is broken");
	store_close(s);
	return rc == 0 ? 0 : -1;
}

int
admin_restore(int argc, char **argv)
{
	static struct config cfg;
	const char *config = NULL, *from = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "from", &from, true },
		{ NULL, NULL, false },
	};
	char msg[512], restoring[CONFIG_PATH_MAX + 16];
	char aside[CONFIG_PATH_MAX + 48], detail[CONFIG_PATH_MAX + 64];
	struct pn_error err;
	struct store *s;
	uint64_t rows = 0;
	bool had;
	int lock, rc;

	if ((rc = admin_getopt(CMD, "restore --config FILE --from BACKUP", argc,
	    argv, opts)) != 0)
		return rc;
	pn_error_clear(&err);
	if (config_load(config, &cfg, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "passnum-admin %s: %s\n", CMD, msg);
		return ADMIN_EXIT_FAIL;
	}
	if (snprintf(restoring, sizeof(restoring), "%s.restoring",
	    cfg.store.path) >= (int)sizeof(restoring) ||
	    snprintf(aside, sizeof(aside), "%s.before-restore-%lld",
	    cfg.store.path, (long long)time(NULL)) >= (int)sizeof(aside)) {
		fprintf(stderr, "passnum-admin %s: %s: path too long\n", CMD,
		    cfg.store.path);
		return ADMIN_EXIT_FAIL;
	}
	/* Held until the end: no passnumd runs on the database meanwhile. */
	if ((lock = store_lock_instance(cfg.store.path, &err)) < 0) {
		fprintf(stderr, "passnum-admin %s: %s: stop passnumd before "
		    "restoring\nnothing was changed\n", CMD, err.message);
		return ADMIN_EXIT_FAIL;
	}
	rc = ADMIN_EXIT_FAIL;
	(void)unlink(restoring);
	if (store_restore_copy(from, restoring, &err) != 0 ||
	    check_copy(restoring, cfg.store.busy_timeout_ms, &rows,
	    &err) != 0) {
		fprintf(stderr, "passnum-admin %s: %s: refused: %s\nnothing was "
		    "changed\n", CMD, from, err.message);
		(void)unlink(restoring);
		goto done;
	}
	printf("%s: integrity ok, audit chain holds (%llu rows)\n", from,
	    (unsigned long long)rows);
	had = access(cfg.store.path, F_OK) == 0;
	if (store_restore_swap(cfg.store.path, restoring, aside, &err) != 0) {
		fprintf(stderr, "passnum-admin %s: %s\ncheck %s and %s by hand "
		    "before starting passnumd\n", CMD, err.message,
		    cfg.store.path, aside);
		goto done;
	}
	if (had)
		printf("the database it replaces is kept as %s\n", aside);
	(void)snprintf(detail, sizeof(detail), "{\"rows\":%llu}",
	    (unsigned long long)rows);
	if ((s = store_open(cfg.store.path, cfg.store.busy_timeout_ms,
	    &err)) == NULL || store_audit_append(s, (int64_t)time(NULL),
	    ADMIN_ACTOR, "store.restore", "store", detail, &err) != 0) {
		fprintf(stderr, "passnum-admin %s: restored, but the audit row "
		    "could not be written: %s\n", CMD, err.message);
		store_close(s);
		goto done;
	}
	say_gap(s, cfg.store.path);
	store_close(s);
	printf("%s restored into %s; start passnumd\n", from, cfg.store.path);
	rc = ADMIN_EXIT_OK;
done:
	store_unlock_instance(lock);
	return rc;
}
