/* anomalies.h -- a settlement batch's alerts: what its approver should look at before money leaves.
 *
 * One module decides what is an alert, with its thresholds below, and
 * says each in French for the accounting service; the batch's page,
 * "passnum-admin settle show", "settle approve" and "passnum-admin audit"
 * only render the list. The facts come from the store
 * (store_batch_signals(), store_terminals_suspended()). Only the lines a
 * batch pays count: a line carried over or held out has no alert.
 * docs/settlement.md gives the rules in English and what to do about
 * each alert in French.
 */
#ifndef PN_ANOMALIES_H
#define PN_ANOMALIES_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"
#include "store.h"

/*
 * The thresholds, in one place.
 * (a) wrong control keys at the venue's terminals since the period began;
 * (g) a line of more than FACTOR times the average of the venue's previous
 *     HISTORY paid lines (approved or paid batches), and of at least MIN
 *     vouchers; no history, no comparison;
 * (h) at least MIN vouchers of beneficiaries of another commune than the
 *     venue's, and at least NUM/DEN of the line.
 * The other kinds are alerts from the first occurrence.
 */
#define ANOMALY_KEY_FAILURES_MIN	1
#define ANOMALY_VOLUME_HISTORY		3
#define ANOMALY_VOLUME_FACTOR		3
#define ANOMALY_VOLUME_MIN		20
#define ANOMALY_COMMUNE_MIN		10
#define ANOMALY_COMMUNE_SHARE_NUM	1
#define ANOMALY_COMMUNE_SHARE_DEN	2

#define ANOMALY_TEXT_MAX	1024	/* one alert in words, UTF-8 */

/* The kinds, in the order they are listed for a venue. */
enum anomaly_kind {
	ANOMALY_KEY_FAILURES,		/* (a) wrong control keys typed */
	ANOMALY_TERMINAL_SUSPENDED,	/* (b) a terminal suspended */
	ANOMALY_OUTSIDE_HOURS,		/* (c) vouchers outside session hours */
	ANOMALY_LATE_SYNC,		/* (d) vouchers synced late */
	ANOMALY_DECLARED_LATE,		/* (e) sessions declared after their end */
	ANOMALY_BOOKLET_LIMIT,		/* (f) a booklet over max_per_session */
	ANOMALY_VOLUME,			/* (g) far above the venue's history */
	ANOMALY_OTHER_COMMUNE,		/* (h) beneficiaries of another commune */
	ANOMALY_KINDS
};

/* One alert: a venue of the batch, a kind, how many, in words. */
struct anomaly {
	int64_t venue_id;
	char venue_name[SETTLE_NAME_MAX];
	char siret[PN_SIRET_LEN + 1];
	enum anomaly_kind kind;
	int64_t count;			/* keys, terminals, vouchers or sessions */
	char text[ANOMALY_TEXT_MAX];	/* a French sentence, no final period */
};

/* A batch's alerts, by venue name then kind. */
struct anomaly_list {
	struct anomaly *a;
	size_t n, cap;
};

/*
 * The alerts of batch b as of now, into out (emptied first). Failed
 * control keys are counted from the start of the batch's period to now.
 * 0, or -1 with err when the store fails or memory runs out (out then
 * holds nothing). Free with anomaly_list_free().
 */
int anomalies_of_batch(struct store *s, const struct store_batch *b,
    int64_t now, struct anomaly_list *out, struct pn_error *err);

/*
 * The rules alone, for one paid line: the alerts of its facts v and of
 * the suspended terminals among t (n_t of them; other venues' are
 * skipped), failed keys counted since the Unix time since, appended to
 * out by kind. No store, no clock. 0, or -1 when memory runs out (out
 * then holds what was appended before).
 */
int anomalies_of_line(const struct store_line_signals *v,
    const struct store_suspended_terminal *t, size_t n_t, int64_t since,
    struct anomaly_list *out);

/* Free what the list holds and empty it; NULL accepted. */
void anomaly_list_free(struct anomaly_list *l);

/* A kind's title in French: "Clés de contrôle erronées"... */
const char *anomaly_kind_title(enum anomaly_kind kind);

#endif
