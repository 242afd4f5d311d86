/* config.h -- passnumd's configuration: an INI file, every key in docs/config.md.
 *
 * Defaults are set first; the file overrides them. A key or section that is
 * not known, or a value that does not fit, stops start-up with a message
 * naming the file, the line, the section, the key and what was expected.
 * Relative paths in the file are taken relative to the file's directory,
 * the default database "passnum.db" too. A line holds at most 199
 * characters (libinih's buffer), which bounds paths written in the file.
 */
#ifndef PN_CONFIG_H
#define PN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_PATH_MAX 4096

struct config_server {
	char listen[64];		/* IPv4 or IPv6 address; 127.0.0.1 */
	uint16_t port;			/* 8080; 0 picks a free port */
	unsigned threads;		/* worker threads, 1..64; 4 */
	bool allow_remote_http;		/* plain HTTP off loopback; false */
	char tls_cert[CONFIG_PATH_MAX];	/* PEM; empty: no TLS */
	char tls_key[CONFIG_PATH_MAX];	/* PEM; set with tls_cert or not at all */
	size_t max_body;		/* bytes of a request body; 65536 */
	size_t max_upload;		/* ... of a page's upload; 10 MiB */
	size_t max_url;			/* bytes of a request URL; 2048 */
	unsigned max_connections;	/* at once, in all; 512 */
	unsigned max_conn_per_ip;	/* at once, per client address; 64 */
	unsigned conn_timeout;		/* seconds of idleness; 30 */
	unsigned header_timeout;	/* seconds of idleness before the headers are in; 10 */
	size_t max_in_flight_per_ip;	/* body bytes held for one address; 33554432 */
	size_t max_in_flight;		/* body bytes held in all; 134217728 */
	/*
	 * The address terminals reach the server at, as the venue pages
	 * print it in the enrolment command; "": not configured (the page
	 * then says to ask the Département). Never taken from a request's
	 * Host header, which whoever sends the request chooses.
	 */
	char public_url[256];
};

/* The server's log on stderr. */
struct config_log {
	char level[8];			/* debug, info, warn or error; info */
};

struct config_store {
	char path[CONFIG_PATH_MAX];	/* SQLite database; passnum.db */
	unsigned busy_timeout_ms;	/* waiting for a lock; 5000 */
};

struct config_keys {
	char signing_key[CONFIG_PATH_MAX];	/* current signing key file; empty: none */
	char trust_bundle[CONFIG_PATH_MAX];	/* bundle served to terminals; empty: none */
	char ref_secret[CONFIG_PATH_MAX];	/* key of beneficiary reference hashes; empty: none */
};

/* Browser sessions and login throttling. */
struct config_session {
	unsigned idle_timeout;		/* seconds without a request; 1800 */
	unsigned max_age;		/* seconds after login, at most; 36000 */
	unsigned max_failures_per_login;	/* in failure_window; 5 */
	unsigned max_failures_per_address;	/* in failure_window; 30 */
	unsigned failure_window;	/* seconds; 900 */
};

/* Redemption by the venues' terminals. */
#define CONFIG_THEMES_MAX 16
#define CONFIG_THEME_LEN 128
struct config_redemption {
	/* Themes a training session may have; "theme" lines, in order. */
	char themes[CONFIG_THEMES_MAX][CONFIG_THEME_LEN];
	unsigned n_themes;
	unsigned offline_grace;		/* seconds an offline record may be judged at its own time; 604800 */
	unsigned max_batch;		/* records in one batch; 10000 */
	size_t max_batch_body;		/* bytes of a batch request; 16777216 */
	unsigned key_failures_terminal;	/* wrong control keys that suspend a terminal; 5 */
	unsigned key_failures_venue;	/* ... of all a venue's terminals; 10 */
	unsigned key_failure_window;	/* seconds over which they are counted; 86400 */
	unsigned session_tolerance;	/* seconds an online session may start before it is declared; 900 */
	unsigned clock_tolerance;	/* seconds a terminal's clock may be behind the server's; 300 */
	unsigned late_sync;		/* seconds after which a record is flagged as synced late; 86400 */
};

/* Settlement: paying the venues for validated sessions. */
enum config_period {
	CONFIG_PERIOD_MONTH,		/* "2026-11" */
	CONFIG_PERIOD_QUARTER		/* "2026-T4" */
};
#define CONFIG_DEBTOR_NAME_MAX 71	/* 70 characters (EPC), and the NUL */
struct config_settlement {
	unsigned contest_days;		/* after a session, to dispute it; 7 */
	unsigned dispute_answer_days;	/* after a dispute, to answer it; 15 */
	size_t dispute_attachment_max;	/* an answer's file, bytes; 5 MiB */
	enum config_period period;	/* month */
	unsigned minimum_cents;		/* a venue owed less waits; 0 */
	unsigned execution_days;	/* approval to transfer, at least; 1 */
	unsigned sepa_version;		/* pain.001.001.09 (9) or .03 (3); 9 */
	char debtor_name[CONFIG_DEBTOR_NAME_MAX];	/* "": approval refused */
	char debtor_iban[35];		/* canonical; "": approval refused */
	char debtor_bic[12];		/* canonical; "": approval refused */
};

struct config_metrics {
	char allow[512];		/* "a,b": who may read /metrics; "127.0.0.1,::1" */
	char token_file[CONFIG_PATH_MAX];	/* a bearer token for it; empty: none */
};

/* Signed checkpoints of the store's state, kept outside the database. */
struct config_checkpoint {
	unsigned interval;		/* seconds between two; 0: at start and stop only; 900 */
	char copy[CONFIG_PATH_MAX];	/* a second history file (another disk); empty: none */
};

/* The dashboard (docs/report.md). */
struct config_report {
	unsigned min_people;		/* fewer people behind a figure: withheld; 5 */
};

struct config {
	char source[CONFIG_PATH_MAX];	/* the file read, for messages */
	struct config_server server;
	struct config_store store;
	struct config_keys keys;
	struct config_session session;
	struct config_metrics metrics;
	struct config_redemption redemption;
	struct config_settlement settlement;
	struct config_log log;
	struct config_checkpoint checkpoint;
	struct config_report report;
};

/* Fill c with the defaults. */
void config_defaults(struct config *c);

/*
 * Reset c to the defaults, read the INI file at path over them and check
 * the result. err may be NULL.
 * Returns 0, or -1 with a message in err such as
 * "passnumd.ini:12: [server] port: expected a number from 0 to 65535, got 'http'".
 */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

/*
 * The same on text held in memory; name stands for the file in messages
 * and base_dir is where relative paths start (NULL: the current directory).
 */
int config_parse_string(const char *text, const char *name,
    const char *base_dir, struct config *c, char *err, size_t errlen);

#endif
