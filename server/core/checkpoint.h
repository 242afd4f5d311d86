/* checkpoint.h -- the server's checkpoints: making them, keeping their history, comparing the database with them.
 *
 * A checkpoint (include/passnum/checkpoint.h) is written in the database
 * and, in the same breath, appended to a history file beside it
 * (checkpoints.log), to an optional copy on another disk ([checkpoint]
 * copy) and to the log, where syslog can take it. The history is the
 * anchor outside the database: passnumd refuses to start on a missing or
 * empty database while it holds checkpoints, and raises an integrity
 * alarm when the database holds less than the history's last checkpoint
 * says. docs/checkpoints.md says what to do with each.
 */
#ifndef PN_CHECKPOINT_H
#define PN_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/checkpoint.h"
#include "passnum/error.h"
#include "store.h"

#define CHECKPOINT_HISTORY_NAME	"checkpoints.log"

struct pn_signing_key;

/* The history file of the database at db_path: its directory's checkpoints.log. */
int checkpoint_history_path(const char *db_path, char *out, size_t len);

/*
 * The last checkpoint line of the file at path (without its newline):
 * 1 found, 0 when the file is missing or holds none, -1 with err.
 */
int checkpoint_file_last(const char *path, char *text, size_t len,
    struct pn_error *err);

/*
 * Each non-empty line of the file at path, with its line number, through
 * fn (non-zero stops). Lines longer than a checkpoint are handed cut, so
 * that they fail to parse. 0, or -1 with err when it cannot be read.
 */
int checkpoint_file_each(const char *path,
    int (*fn)(void *ctx, const char *line, unsigned lineno), void *ctx,
    struct pn_error *err);

/*
 * Make a checkpoint at now, signed with key: in the database, then
 * appended (and synced) to history and copy (NULL or "": none), then in
 * the log. The history file is locked throughout, so that two processes
 * write their checkpoints in order. Unless force, nothing is made when
 * the state is the last checkpoint's (*made false). The sequence follows
 * the larger of the database's and the history's last, and prev chains to
 * the history's when it is ahead: a database that went back in time does
 * not fork the chain that was published. text (may be NULL) gets the
 * checkpoint. 0 (a copy that cannot be written is logged, not fatal), or
 * -1 with err when the database or the history cannot take it.
 */
int checkpoint_make(struct store *s, const struct pn_signing_key *key,
    const char *history, const char *copy, int64_t now, bool force,
    bool *made, char *text, struct pn_error *err);

/*
 * What v found, in words: French for the administrators' pages and the
 * alarms, English for passnum-admin audit. "" when nothing.
 */
void checkpoint_findings_fr(const struct store_checkpoint_check *v,
    char *out, size_t len);
void checkpoint_findings_en(const struct store_checkpoint_check *v,
    char *out, size_t len);

/*
 * At passnumd's start, on an open database: compare it with the history's
 * last checkpoint (its signature checked with pk_of), and record an
 * integrity alarm (and an error line in the log) when the database holds
 * less than it says; then make a checkpoint with key (none: NULL), forced
 * after a gap so that the chain goes on from the history's. 0, or -1 with
 * err when the database fails.
 */
int checkpoint_at_start(struct store *s, const struct pn_signing_key *key,
    const char *history, const char *copy,
    const uint8_t *(*pk_of)(const void *ctx, uint16_t kid), const void *ctx,
    int64_t now, struct pn_error *err);

#endif
