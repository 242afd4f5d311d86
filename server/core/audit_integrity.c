/* audit_integrity.c -- passnum-admin audit: the database against its checkpoints, the terminals' receipts and its alarms.
 *
 * The other checks read the database alone, and a database that lost its
 * last hours is consistent with itself. These compare it with what was
 * kept elsewhere: every checkpoint it holds, the history beside it, a copy
 * given with --checkpoints, and receipts that terminals exported
 * (--receipts). Each checkpoint's signature is checked under the signing
 * keys the database recorded. Two different checkpoints of one number
 * mean the database went back and the server signed on from there.
 * Findings older than an acknowledged "checkpoint_gap" alarm are known
 * and dealt with: they are listed as notes, not failures.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "passnum/receipt.h"
#include "passnum/timefmt.h"
#include "audit_integrity.h"
#include "audit_money.h"
#include "checkpoint.h"

/* Key problems are the signing keys check's to report. */
static int
ignore_problem(void *ctx, const char *problem)
{
	(void)ctx;
	(void)problem;
	return 1;
}

/* One checkpoint read, where it came from. */
struct held {
	struct pn_checkpoint c;
	char text[PN_CHECKPOINT_TEXT_MAX];
	const char *label;		/* "the database", or a file's */
	unsigned lineno;		/* in that file; 0: the database */
};

struct gather {
	struct held *v;
	size_t n, cap;
	const struct audit_keys *keys;
	const char *label;		/* of the file being read */
	size_t bad;			/* lines that do not verify */
	size_t forks;			/* two texts for one seq */
	bool nomem;
};

/* Where v came from, in words, into buf. */
static const char *
source_of(const struct held *v, char *buf, size_t len)
{
	if (v->lineno == 0)
		return v->label;
	(void)snprintf(buf, len, "%s line %u", v->label, v->lineno);
	return buf;
}

static int
take(struct gather *g, const char *text, const char *label,
    unsigned lineno)
{
	struct held here = { .label = label, .lineno = lineno };
	char source[4200], other[4200];
	struct pn_checkpoint c;
	struct pn_error err;
	size_t i;

	if (pn_checkpoint_check(text, strlen(text), audit_keys_pk, g->keys, &c,
	    &err) != 0) {
		if (g->bad++ < AUDIT_SHOWN)
			printf("FAIL checkpoint in %s: %s\n",
			    source_of(&here, source, sizeof(source)),
			    err.message);
		return 0;
	}
	for (i = 0; i < g->n; i++)
		if (g->v[i].c.seq == c.seq) {
			if (strcmp(g->v[i].text, text) != 0 &&
			    g->forks++ < AUDIT_SHOWN)
				printf("FAIL checkpoint %" PRIu64 ": %s and %s "
				    "hold two different ones (the database "
				    "went back, and the server signed on from "
				    "there)\n", c.seq, source_of(&g->v[i], other,
				    sizeof(other)), source_of(&here, source,
				    sizeof(source)));
			return 0;
		}
	if (g->n == g->cap) {
		size_t cap = g->cap == 0 ? 64 : 2 * g->cap;
		struct held *v = realloc(g->v, cap * sizeof(*v));

		if (v == NULL) {
			g->nomem = true;
			return 1;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n].c = c;
	(void)snprintf(g->v[g->n].text, sizeof(g->v[g->n].text), "%s", text);
	g->v[g->n].label = label;
	g->v[g->n].lineno = lineno;
	g->n++;
	return 0;
}

static int
from_db(void *ctx, const char *text)
{
	return take(ctx, text, "the database", 0);
}

static int
from_file(void *ctx, const char *line, unsigned lineno)
{
	struct gather *g = ctx;

	return take(g, line, g->label, lineno);
}

/* The time of the latest acknowledged checkpoint_gap alarm (0: none). */
static int
latest_ack(void *ctx, const struct store_alarm *a)
{
	int64_t *at = ctx;

	if (strcmp(a->kind, "checkpoint_gap") == 0 && a->acknowledged_at != 0 &&
	    a->at > *at)
		*at = a->at;
	return 0;
}

int
audit_checkpoints(struct store *s, const char *history, const char *given)
{
	static const struct audit_master none;
	struct store_checkpoint_check *checks = NULL;
	struct gather g;
	struct pn_error err;
	char words[1024], when[PN_TIME_TEXT_MAX], source[4200];
	int64_t problems, acked = 0;
	size_t n_keys, i, failed = 0, known = 0;
	uint64_t last = 0;
	int ret = 0;

	memset(&g, 0, sizeof(g));
	if (given != NULL && access(given, R_OK) != 0) {
		printf("FAIL checkpoints: %s: %s\n", given, strerror(errno));
		return 1;
	}
	if ((g.keys = audit_keys_load(s, &none, ignore_problem, NULL, &problems,
	    &n_keys, &err)) == NULL) {
		printf("FAIL checkpoints: %s\n", err.message);
		return 1;
	}
	if (store_checkpoint_each(s, from_db, &g, &err) != 0 ||
	    (g.label = "the history", checkpoint_file_each(history, from_file,
	    &g, &err) != 0) ||
	    (given != NULL && (g.label = given,
	    checkpoint_file_each(given, from_file, &g, &err) != 0)) ||
	    store_alarm_each(s, false, 0, latest_ack, &acked, &err) != 0) {
		printf("FAIL checkpoints: %s\n", err.message);
		ret = 1;
		goto out;
	}
	if (g.nomem || (g.n > 0 &&
	    (checks = calloc(g.n, sizeof(*checks))) == NULL)) {
		printf("FAIL checkpoints: out of memory\n");
		ret = 1;
		goto out;
	}
	for (i = 0; i < g.n; i++) {
		checks[i].c = &g.v[i].c;
		checks[i].text = g.v[i].text;
		if (g.v[i].c.seq > last)
			last = g.v[i].c.seq;
	}
	if (store_checkpoint_verify(s, checks, g.n, &err) != 0) {
		printf("FAIL checkpoints: %s\n", err.message);
		ret = 1;
		goto out;
	}
	for (i = 0; i < g.n; i++) {
		if (checks[i].findings == 0)
			continue;
		checkpoint_findings_en(&checks[i], words, sizeof(words));
		if (checks[i].c->at <= acked) {
			if (known++ < AUDIT_SHOWN)
				printf("note %s (from %s; a gap acknowledged "
				    "with its alarm)\n", words,
				    source_of(&g.v[i], source, sizeof(source)));
		} else if (failed++ < AUDIT_SHOWN)
			printf("FAIL %s (from %s)\n", words,
			    source_of(&g.v[i], source, sizeof(source)));
	}
	if (failed > AUDIT_SHOWN)
		printf("     ... and %zu more checkpoints\n",
		    failed - AUDIT_SHOWN);
	if (failed > 0 || g.bad > 0 || g.forks > 0) {
		printf("FAIL checkpoints: the database holds less than %zu of "
		    "the %zu checkpoints read (%zu do not verify, %zu forks)"
		    "\n", failed, g.n, g.bad, g.forks);
		ret = 1;
	} else if (g.n == 0)
		printf("ok   checkpoints: none made yet (passnumd makes them "
		    "with a signing key)\n");
	else {
		for (i = 0; i < g.n && g.v[i].c.seq != last; i++)
			;
		pn_time_format(g.v[i].c.at, when);
		printf("ok   checkpoints: the database holds all that %zu "
		    "checkpoints say (the last, number %" PRIu64 ", made %s)"
		    "\n", g.n - known, last, when);
	}
out:
	free(checks);
	free(g.v);
	audit_keys_free((struct audit_keys *)g.keys);
	return ret;
}

struct receipt_pass {
	struct store *s;
	const struct audit_keys *keys;
	size_t read, accepted, missing, bad;
	int failed;			/* the store failed */
	struct pn_error err;
};

static int
one_receipt(void *ctx, const char *line, unsigned lineno)
{
	struct receipt_pass *p = ctx;
	struct pn_receipt r;
	struct pn_error err;
	char id[33], when[PN_TIME_TEXT_MAX];
	uint64_t serial;
	bool accepted;
	int rc;

	p->read++;
	if (pn_receipt_check(line, audit_keys_pk, p->keys, &r, &err) != 0) {
		if (p->bad++ < AUDIT_SHOWN)
			printf("FAIL receipt on line %u: %s\n", lineno,
			    err.message);
		return 0;
	}
	if (r.outcome != PN_RECEIPT_ACCEPTED)
		return 0;
	p->accepted++;
	if ((rc = store_redemption_find(p->s, r.redemption_id, &serial,
	    &accepted, &p->err)) < 0) {
		p->failed = 1;
		return 1;
	}
	if (rc == 0 && accepted && serial == r.serial)
		return 0;
	sodium_bin2hex(id, sizeof(id), r.redemption_id, 16);
	pn_time_format(r.decided_at, when);
	if (p->missing++ < AUDIT_SHOWN)
		printf("FAIL receipt on line %u: voucher %" PRIu64 " accepted "
		    "%s (redemption %s), signed by key %u: %s\n", lineno,
		    r.serial, when, id, r.kid, rc == 1 ? "the database has no "
		    "such redemption" : "the database holds it otherwise");
	return 0;
}

int
audit_receipts(struct store *s, const char *path)
{
	static const struct audit_master none;
	struct receipt_pass p;
	struct pn_error err;
	int64_t problems;
	size_t n_keys;

	memset(&p, 0, sizeof(p));
	p.s = s;
	if (access(path, R_OK) != 0) {
		printf("FAIL receipts: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if ((p.keys = audit_keys_load(s, &none, ignore_problem, NULL, &problems,
	    &n_keys, &err)) == NULL) {
		printf("FAIL receipts: %s\n", err.message);
		return 1;
	}
	if (checkpoint_file_each(path, one_receipt, &p, &err) != 0 ||
	    p.failed) {
		printf("FAIL receipts: %s\n", p.failed ? p.err.message :
		    err.message);
		audit_keys_free((struct audit_keys *)p.keys);
		return 1;
	}
	audit_keys_free((struct audit_keys *)p.keys);
	if (p.missing > 0 || p.bad > 0) {
		printf("FAIL receipts: %zu of the %zu accepted receipts in %s "
		    "are missing from the database, %zu do not verify\n",
		    p.missing, p.accepted, path, p.bad);
		return 1;
	}
	printf("ok   receipts: the %zu accepted receipts of %s (%zu read) are "
	    "all in the database\n", p.accepted, path, p.read);
	return 0;
}

static int
count_alarm(void *ctx, const struct store_alarm *a)
{
	size_t *n = ctx;

	(void)a;
	(*n)++;
	return 0;
}

static int
print_alarm(void *ctx, const struct store_alarm *a)
{
	char when[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_time_format(a->at, when);
	printf("     alarm %" PRId64 " (%s, %s): %s\n", a->id, a->kind, when,
	    a->detail);
	return 0;
}

int
audit_alarms(struct store *s)
{
	struct pn_error err;
	size_t open = 0;

	if (store_alarm_each(s, true, 0, count_alarm, &open, &err) != 0) {
		printf("FAIL integrity alarms: %s\n", err.message);
		return 1;
	}
	if (open == 0) {
		printf("ok   integrity alarms: none open\n");
		return 0;
	}
	printf("FAIL integrity alarms: %zu open (passnum-admin alarm ack, once "
	    "dealt with):\n", open);
	if (store_alarm_each(s, true, AUDIT_SHOWN, print_alarm, NULL,
	    &err) != 0)
		printf("     %s\n", err.message);
	if (open > AUDIT_SHOWN)
		printf("     ... and %zu more\n", open - AUDIT_SHOWN);
	return 1;
}
