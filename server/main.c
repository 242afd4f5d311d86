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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "passnum/passnum.h"
#include "booklet_pdf.h"
#include "config.h"
#include "http.h"
#include "keyring.h"
#include "log.h"
#include "store.h"
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
	struct pn_error err;
	struct store *s;
	bool added;

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
	/* Open once here so that migrations run before any request. */
	if ((s = store_open(cfg->store.path, cfg->store.busy_timeout_ms,
	    &err)) == NULL) {
		fprintf(stderr, "passnumd: %s\n", err.message);
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
	store_close(s);
	warn_missing_fonts();
	return 0;
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
	if (sigwait(&stop, &sig) != 0)
		sig = SIGTERM;
	printf("passnumd: %s received, finishing requests in flight\n",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	fflush(stdout);
	log_line(LOG_INFO, "msg=stopping signal=%s grace_s=%u",
	    sig == SIGINT ? "SIGINT" : "SIGTERM", GRACE_SECONDS);
	http_stop(srv, GRACE_SECONDS);
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
