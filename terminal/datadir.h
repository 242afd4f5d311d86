/* datadir.h -- where a terminal keeps its files, and their names. */
#ifndef PN_TERM_DATADIR_H
#define PN_TERM_DATADIR_H

#include <stddef.h>

#include "passnum/error.h"

#define TERM_PATH_MAX		4096
#define TERM_CONFIG_FILE	"config.json"
#define TERM_KEY_FILE		"device.key"
#define TERM_TRUST_FILE		"trust.bundle"
#define TERM_JOURNAL_FILE	"journal.sqlite"
#define TERM_CA_FILE		"ca.pem"

/*
 * The data directory: opt (from --data) when not NULL, else
 * $XDG_DATA_HOME/passnum-terminal, else ~/.local/share/passnum-terminal.
 * Returns 0, or -1 with err when none can be named.
 */
int term_data_dir(const char *opt, char *buf, size_t len, struct pn_error *err);

/* DIR/NAME into buf; -1 with err when it does not fit. */
int term_path(char *buf, size_t len, const char *dir, const char *name,
    struct pn_error *err);

/* Create dir and its parents, the last one with mode 0700. */
int term_data_dir_create(const char *dir, struct pn_error *err);

/*
 * Set err to the venue's message (in French) for an enrolled terminal
 * whose journal at path is missing or empty: the cause, and the way
 * back (restore the file, or call the Département; never enrol again).
 * Returns -1.
 */
int term_journal_lost_error(const char *path, struct pn_error *err);

#endif
