/* audit_integrity.h -- passnum-admin audit: the database against its checkpoints, the terminals' receipts and its alarms.
 *
 * Each prints its "ok"/"FAIL"/"note" lines as admin_audit.c's checks do
 * and returns 1 when something fails, else 0.
 */
#ifndef PN_AUDIT_INTEGRITY_H
#define PN_AUDIT_INTEGRITY_H

#include "store.h"

/*
 * Every checkpoint of the database, of the history file (history) and of
 * the file given (NULL: none), checked and compared with the database.
 */
int audit_checkpoints(struct store *s, const char *history,
    const char *given);

/* Every accepted receipt of the file at path (one Base64 receipt a line) is in the database. */
int audit_receipts(struct store *s, const char *path);

/* No integrity alarm is open. */
int audit_alarms(struct store *s);

#endif
