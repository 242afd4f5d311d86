/* config.h -- the enrolled terminal's settings, kept as JSON in the data dir. */
#ifndef PN_TERM_CONFIG_H
#define PN_TERM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define TERM_THEMES_MAX		32
#define TERM_THEME_MAX		200	/* bytes of one theme, NUL excluded */
#define TERM_URL_MAX		512

/* Defaults of the keys an operator may change (docs/terminal.md). */
#define TERM_DEFAULT_DENY_AGE_HOURS	72
#define TERM_DEFAULT_CONNECT_TIMEOUT	5
#define TERM_DEFAULT_REQUEST_TIMEOUT	30
#define TERM_DEFAULT_MAX_BATCH		10000

struct term_config {
	char server[TERM_URL_MAX];	/* base URL, no trailing slash */
	char ca_file[256];		/* in the data dir; "" = system CAs */
	uint64_t terminal;		/* number given at enrolment */
	char label[65];
	uint64_t venue_id;
	char venue_name[256];
	char venue_siret[15];
	size_t n_themes;
	char themes[TERM_THEMES_MAX][TERM_THEME_MAX + 1];
	uint32_t max_batch;
	bool has_master;		/* pinned at the first bundle */
	uint8_t master_pk[32];
	uint32_t max_denylist_age_hours;
	uint32_t connect_timeout;	/* seconds */
	uint32_t request_timeout;	/* seconds */
	int64_t enrolled_at;
};

/* Defaults for every key, the rest empty. */
void term_config_init(struct term_config *c);

/*
 * Read path: every key of its type and range, no unknown key. Returns 0,
 * or -1 with err naming the file and the key.
 */
int term_config_load(const char *path, struct term_config *c,
    struct pn_error *err);

/* Parse a config document held in memory (the loader's work; fuzzable). */
int term_config_parse(const char *text, size_t len, const char *name,
    struct term_config *c, struct pn_error *err);

/* Write c to path atomically (mode 0600). */
int term_config_save(const char *path, const struct term_config *c,
    struct pn_error *err);

/* True when theme is one of c's themes. */
bool term_config_has_theme(const struct term_config *c, const char *theme);

#endif
