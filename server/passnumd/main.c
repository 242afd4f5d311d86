/* main.c -- passnumd: the issuing server.
 *
 *   passnumd --config FILE
 *
 * Reads the configuration, refuses a data directory or a signing key
 * readable by others and a database another passnumd holds, migrates the
 * database, serves until SIGTERM or SIGINT, then lets requests in flight
 * finish and stops.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "passnum/timefmt.h"
#include "booklet_pdf.h"
#include "checkpoint.h"
#include "config.h"
#include "http.h"
#include "keyring.h"
#include "log.h"
#include "store.h"
#include "theme_setup.h"
#include "worker.h"

#define GRACE_SECONDS 10

static void
usage(FILE *out)
{
	fprintf(out, "usage: passnumd --config FILE\n"
	    "Configuration keys: docs/config.md.\n");
}

/*
 * Without its fonts the server still issues and cancels, but cannot print
 * a booklet (the PDF route answers 3012): say so now rather than at the
 * first caseworker who clicks "Imprimer".
 */
static void
warn_missing_fonts(void)
{
	static const char *const fonts[] = {
		BOOKLET_PDF_FONT, BOOKLET_PDF_FONT_BOLD,
	};
	size_t i;

	for (i = 0; i < sizeof(fonts) / sizeof(fonts[0]); i++)
		if (access(fonts[i], R_OK) != 0)
			fprintf(stderr, "passnumd: warning: %s: %s; printed "
			    "booklets cannot be made until it is installed "
			    "(Debian package fonts-dejavu-core)\n", fonts[i],
			    strerror(errno));
}

/*
 * The directory holding the database must be the server's alone: the
 * database, its WAL and its backups hold every beneficiary's booklets and
 * every venue's IBAN. 0 when it is, -1 after a message naming the fix.
 */
static int
data_dir_check(const char *db_path)
{
	char dir[4096];
	char *slash;
	struct stat st;

	if (snprintf(dir, sizeof(dir), "%s", db_path) >= (int)sizeof(dir)) {
		fprintf(stderr, "passnumd: %s: path too long\n", db_path);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "passnumd: %s: data directory: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		fprintf(stderr, "passnumd: %s: the data directory is open to "
		    "group or others (mode %04o); refusing to start: it holds "
		    "the database. Fix: chmod 700 %s\n", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* The history of checkpoints beside the database (checkpoint.h). */
static char history_path[4200];

/* A checkpoint's public key: the server's own signing key, or the bundle's. */
static const uint8_t *
keyring_pk(const void *ctx, uint16_t kid)
{
	const struct keyring *k = ctx;
	const struct pn_cert *c;

	if (k->signing != NULL && k->signing->kid == kid)
		return k->signing->pk;
	if (k->trust != NULL && (c = pn_trust_find(k->trust, kid)) != NULL)
		return c->pk;
	return NULL;
}

/*
 * Refuse a database that is missing, empty or new while the history holds
 * checkpoints of the one that was: starting would serve an empty database
 * (serials from 1 again, redemptions forgotten) as if nothing happened.
 * when says what the database is ("missing"...). 0, or -1 after a message.
 */
static int
database_lost(const char *db_path, const char *when)
{
	char line[PN_CHECKPOINT_TEXT_MAX + 64], at[PN_TIME_TEXT_MAX];
	struct pn_checkpoint c;
	struct pn_error err;
	int rc;

	if ((rc = checkpoint_file_last(history_path, line, sizeof(line),
	    &err)) < 0) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		return -1;
	}
	if (rc == 0)
		return 0;
	if (pn_checkpoint_parse(line, strlen(line), &c, &err) != 0)
		memset(&c, 0, sizeof(c));
	pn_time_format(c.at, at);
	fprintf(stderr, "passnumd: %s is %s, but %s holds checkpoints of the "
	    "database that was there (the last, number %" PRIu64 ", made %s): "
	    "the database was lost. Refusing to start on it. Restore the "
	    "latest backup (passnum-admin restore --config FILE --from "
	    "BACKUP) and start again; docs/checkpoints.md says what to do "
	    "next\n", db_path, when, history_path, c.seq, at);
	log_line(LOG_ERROR, "msg=\"database lost: refusing to start\" "
	    "database=%s state=%s last_checkpoint=%" PRIu64, db_path, when,
	    c.seq);
	return -1;
}

/*
 * Checks that stop start-up: the data directory's mode, the keys the
 * server will rely on (a signing key readable by others is refused), the
 * instance lock, the migrations, and the signing key recorded in the
 * database, which vouchers refer to by kid (passnum-admin init and keys
 * rotate record theirs; a key made by hand with keygen signing is recorded
 * here).
 */
static int
preflight(const struct config *cfg, struct keyring *keys, int *lock_fd)
{
	char line[PN_CHECKPOINT_TEXT_MAX];
	struct pn_error err;
	struct store *s;
	struct stat st;
	uint64_t audit_rows;
	unsigned themes, skipped;
	int64_t bad_id;
	bool added;
	int rc;

	if (data_dir_check(cfg->store.path) != 0)
		return -1;
	if (keyring_load(keys, cfg, &err) != 0) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		return -1;
	}
	if ((*lock_fd = store_lock_instance(cfg->store.path, &err)) < 0) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		return -1;
	}
	if (checkpoint_history_path(cfg->store.path, history_path,
	    sizeof(history_path)) != 0) {
		fprintf(stderr, "passnumd: %s: path too long\n",
		    cfg->store.path);
		return -1;
	}
	if (stat(cfg->store.path, &st) != 0) {
		if (errno == ENOENT &&
		    database_lost(cfg->store.path, "missing") != 0)
			return -1;
	} else if (st.st_size == 0 &&
	    database_lost(cfg->store.path, "empty") != 0)
		return -1;
	/* Open once here so that migrations run before any request. */
	if ((s = store_open(cfg->store.path, cfg->store.busy_timeout_ms,
	    &err)) == NULL) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		return -1;
	}
	/*
	 * A database with neither checkpoints nor audit rows was made anew
	 * (by a command run on a missing one). An old backup put back has
	 * its audit rows: it starts, and the comparison below raises the
	 * alarm for what it lacks.
	 */
	if ((rc = store_checkpoint_last(s, line, sizeof(line), &err)) == 1 &&
	    (rc = store_audit_verify(s, &audit_rows, &bad_id, &err)) >= 0 &&
	    audit_rows == 0 && database_lost(cfg->store.path, "a new, empty "
	    "database") != 0)
		rc = -2;
	if (rc < 0) {
		if (rc == -1)
			fprintf(stderr, "passnumd: %s\n", err.message);
		store_close(s);
		return -1;
	}
	if (keys->signing != NULL && store_signing_key_register(s, &keys->cert,
	    (int64_t)time(NULL), "passnumd", &added, &err) != 0) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		store_close(s);
		return -1;
	}
	if (keys->signing != NULL && added)
		printf("passnumd: signing key %u recorded in the database\n",
		    keys->cert.kid);
	/*
	 * The configuration's themes the database lacks (its first list, or
	 * one added to the file since); a theme the admins retired from
	 * their page stays retired (store_themes_seed()).
	 */
	if (store_themes_seed(s, cfg->redemption.themes,
	    cfg->redemption.n_themes, THEMES_OFFERED_MAX, (int64_t)time(NULL),
	    "passnumd", &themes, &skipped, &err) != 0) {
		fprintf(stderr, "passnumd: %s\n", err.message);
		store_close(s);
		return -1;
	}
	if (themes > 0)
		printf("passnumd: %u %s of the configuration recorded in the "
		    "database\n", themes, themes == 1 ? "theme" : "themes");
	if (skipped > 0)
		fprintf(stderr, "passnumd: %u %s of the configuration not "
		    "recorded: %d themes are offered already, the most a "
		    "terminal is sent; retire some at /admin/themes\n", skipped,
		    skipped == 1 ? "theme" : "themes", THEMES_OFFERED_MAX);
	if (checkpoint_at_start(s, keys->signing, history_path,
	    cfg->checkpoint.copy, keyring_pk, keys, (int64_t)time(NULL),
	    &err) != 0) {
		fprintf(stderr, "passnumd: checkpoint: %s\n", err.message);
		store_close(s);
		return -1;
	}
	store_close(s);
	warn_missing_fonts();
	return 0;
}

/*
 * Make a checkpoint if the state changed since the last, on a connection
 * of its own; a failure is logged (the server goes on: the next one will
 * chain to the last that was written).
 */
static void
checkpoint_now(const struct config *cfg, const struct keyring *keys)
{
	struct pn_error err;
	struct store *s;
	char q[PN_ERROR_MESSAGE_MAX + 8];
	bool made;

	if (keys->signing == NULL)
		return;
	if ((s = store_open(cfg->store.path, cfg->store.busy_timeout_ms,
	    &err)) == NULL || checkpoint_make(s, keys->signing, history_path,
	    cfg->checkpoint.copy, (int64_t)time(NULL), false, &made, NULL,
	    &err) != 0)
		log_line(LOG_ERROR, "msg=\"checkpoint failed\" error=%s",
		    log_quote(err.message, q, sizeof(q)));
	store_close(s);
}

/*
 * Wait for SIGTERM or SIGINT, making a checkpoint every [checkpoint]
 * interval seconds meanwhile (0: none). The signal received.
 */
static int
wait_for_stop(const sigset_t *stop, const struct config *cfg,
    const struct keyring *keys)
{
	struct timespec every = { (time_t)cfg->checkpoint.interval, 0 };
	int sig;

	for (;;) {
		if (cfg->checkpoint.interval == 0)
			return sigwait(stop, &sig) == 0 ? sig : SIGTERM;
		sig = sigtimedwait(stop, NULL, &every);
		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		if (sig < 0 && errno == EAGAIN)
			checkpoint_now(cfg, keys);
	}
}

int
main(int argc, char **argv)
{
	static struct config cfg;	/* large; lives as long as the server */
	static struct keyring keys;
	struct http_server *srv;
	struct pn_error perr;
	sigset_t stop;
	char err[1024];
	int sig, lock_fd = -1;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("passnumd %s\n", PN_VERSION);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "--config") != 0) {
		usage(stderr);
		return 2;
	}
	/* What the server creates (database, WAL, exports) is its alone. */
	umask(077);
	if (pn_init() != 0) {
		fprintf(stderr, "passnumd: cannot initialise libsodium\n");
		return 1;
	}
	/* Before any thread: the accounting pages write payment files. */
	xmlInitParser();
	if (config_load(argv[2], &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "passnumd: %s\n", err);
		return 1;
	}
	{
		enum log_level level = LOG_INFO;

		(void)log_level_parse(cfg.log.level, &level);	/* checked */
		log_set_level(level);
	}
	if (preflight(&cfg, &keys, &lock_fd) != 0 ||
	    worker_init(&cfg, &perr) != 0) {
		keyring_free(&keys);
		store_unlock_instance(lock_fd);
		return 1;
	}
	keyring_set_current(&keys);
	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((srv = http_start(&cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "passnumd: %s\n", err);
		keyring_free(&keys);
		store_unlock_instance(lock_fd);
		return 1;
	}
	printf("passnumd: listening on %s://%s%s%s:%u/\n",
	    cfg.server.tls_cert[0] != '\0' ? "https" : "http",
	    strchr(cfg.server.listen, ':') != NULL ? "[" : "",
	    cfg.server.listen,
	    strchr(cfg.server.listen, ':') != NULL ? "]" : "",
	    (unsigned)http_port(srv));
	fflush(stdout);
	log_line(LOG_INFO, "msg=started version=%s port=%u threads=%u "
	    "log_level=%s", PN_VERSION, (unsigned)http_port(srv),
	    cfg.server.threads, cfg.log.level);
	sig = wait_for_stop(&stop, &cfg, &keys);
	printf("passnumd: %s received, finishing requests in flight\n",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	fflush(stdout);
	log_line(LOG_INFO, "msg=stopping signal=%s grace_s=%u",
	    sig == SIGINT ? "SIGINT" : "SIGTERM", GRACE_SECONDS);
	http_stop(srv, GRACE_SECONDS);
	/* What the last requests changed is anchored before the end. */
	checkpoint_now(&cfg, &keys);
	/* No request runs now: the database file alone takes the WAL. */
	if (store_shutdown(cfg.store.path, cfg.store.busy_timeout_ms,
	    &perr) != 0) {
		char quoted[600];

		log_line(LOG_ERROR, "msg=%s", log_quote(perr.message, quoted,
		    sizeof(quoted)));
	} else
		log_line(LOG_INFO, "msg=checkpointed");
	keyring_free(&keys);
	store_unlock_instance(lock_fd);
	printf("passnumd: stopped\n");
	log_line(LOG_INFO, "msg=stopped");
	return 0;
}
