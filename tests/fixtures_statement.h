/* fixtures_statement.h -- a venue's statement of any size, for the statement's test and benchmark.
 *
 * Needs the server's headers (-Iserver).
 */
#ifndef PN_FIXTURES_STATEMENT_H
#define PN_FIXTURES_STATEMENT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settlement.h"

#define FX_STATEMENT_SERIAL	100000	/* the first voucher's serial */
#define FX_STATEMENT_VALUE	1000	/* 10,00 EUR */
#define FX_STATEMENT_FEE	50	/* commission kept on each voucher */
/* 2026-11-02 09:30 UTC, 10:30 in Paris: the first session. */
#define FX_STATEMENT_START	INT64_C(1793611800)
/* 2026-12-07 09:15 UTC, 10:15 in Paris: the statement's date. */
#define FX_STATEMENT_AT		INT64_C(1796634900)

/* Free what fx_statement() allocated; NULL is accepted. */
static inline void
fx_statement_free(struct statement *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n_sessions; i++)
		free(st->sessions[i].vouchers);
	free(st->sessions);
	free(st);
}

/*
 * A statement of an approved batch for the Médiathèque of Nantes with
 * n_vouchers vouchers of FX_STATEMENT_VALUE (serials FX_STATEMENT_SERIAL
 * and on), per_session to a session (the last one takes what is left),
 * sessions a day apart from FX_STATEMENT_START, of 90 minutes; totals
 * that add up. NULL when out of memory.
 */
static inline struct statement *
fx_statement(size_t n_vouchers, size_t per_session)
{
	struct statement *st = calloc(1, sizeof(*st));
	struct statement_session *t;
	size_t n_sessions, i, j, k = 0;

	if (st == NULL || per_session == 0)
		goto fail;
	(void)snprintf(st->reference, sizeof(st->reference), "PN-2026-11-01");
	(void)snprintf(st->period_label, sizeof(st->period_label),
	    "novembre 2026");
	(void)snprintf(st->status_label, sizeof(st->status_label),
	    "approuvé");
	(void)snprintf(st->debtor_name, sizeof(st->debtor_name),
	    "Département de Loire-Atlantique");
	(void)snprintf(st->venue_name, sizeof(st->venue_name),
	    "Médiathèque Jacques Demy");
	(void)snprintf(st->venue_siret, sizeof(st->venue_siret),
	    "35600000000048");
	(void)snprintf(st->venue_address, sizeof(st->venue_address),
	    "24 quai de la Fosse");
	(void)snprintf(st->venue_commune, sizeof(st->venue_commune),
	    "Nantes");
	(void)snprintf(st->venue_iban, sizeof(st->venue_iban),
	    "FR7630006000011234567890189");
	st->generated_at = FX_STATEMENT_AT;
	n_sessions = (n_vouchers + per_session - 1) / per_session;
	if (n_sessions == 0)
		return st;
	if ((st->sessions = calloc(n_sessions, sizeof(*st->sessions))) == NULL)
		goto fail;
	st->n_sessions = n_sessions;
	for (i = 0; i < n_sessions; i++) {
		t = &st->sessions[i];
		t->starts_at = FX_STATEMENT_START + (int64_t)i * 86400;
		(void)snprintf(t->theme, sizeof(t->theme), "%s", i % 2 == 0 ?
		    "Découvrir l’ordinateur et Internet" :
		    "Démarches en ligne : impôts, CAF, Ameli");
		t->duration_minutes = 90;
		t->n_vouchers = n_vouchers - k < per_session ?
		    n_vouchers - k : per_session;
		t->vouchers = calloc(t->n_vouchers, sizeof(*t->vouchers));
		if (t->vouchers == NULL)
			goto fail;
		for (j = 0; j < t->n_vouchers; j++, k++) {
			t->vouchers[j].serial = FX_STATEMENT_SERIAL + k;
			t->vouchers[j].value_cents = FX_STATEMENT_VALUE;
			t->vouchers[j].amount_cents = FX_STATEMENT_VALUE -
			    FX_STATEMENT_FEE;
			st->gross_cents += FX_STATEMENT_VALUE;
			st->commission_cents += FX_STATEMENT_FEE;
			st->total_cents += FX_STATEMENT_VALUE -
			    FX_STATEMENT_FEE;
		}
	}
	return st;

fail:	/* Out of memory: whatever was allocated goes. */
	fx_statement_free(st);
	return NULL;
}

#endif
