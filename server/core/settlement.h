/* settlement.h -- a frozen settlement batch, as the files made from it see it.
 *
 * The store fills these structures from an approved (or reviewed) batch;
 * the generators turn them into the payment file (sepa.c), the mandate
 * list (mandate_csv.c) and each venue's statement (statement_pdf.c).
 * The generators read nothing else: no database, no clock, no
 * configuration, so that the same batch always gives the same bytes.
 *
 * Amounts are integer cents; text is UTF-8 as stored (the generators
 * transliterate or escape what their format needs).
 */
#ifndef PN_SETTLEMENT_H
#define PN_SETTLEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/bankid.h"
#include "passnum/error.h"

#define SETTLE_REF_MAX		32	/* "PN-2026-11-01" and its NUL */
#define SETTLE_PERIOD_MAX	16	/* "2026-11", "2026-T4" */
#define SETTLE_LABEL_MAX	64	/* "novembre 2026" */
#define SETTLE_NAME_MAX		141	/* 140 bytes of UTF-8 and the NUL */
#define SETTLE_DATE_MAX		11	/* "2026-12-07" */
#define SETTLE_MSGID_MAX	36	/* ISO 20022 Max35Text and the NUL */
#define SETTLE_BUDGET_MAX	65	/* a budget line of the programme */
#define SETTLE_THEME_MAX	129

/* The Département: the account the transfers leave from. */
struct settle_debtor {
	char name[SETTLE_NAME_MAX];
	char iban[PN_IBAN_MAX + 1];	/* canonical */
	char bic[PN_BIC_MAX + 1];	/* canonical */
};

/* The part of a venue's amount charged to one budget line. */
struct settle_budget_part {
	char budget_line[SETTLE_BUDGET_MAX];	/* "" when none is set */
	int64_t amount_cents;
};

/* One venue's line: one transfer, one or more mandate rows. */
struct settle_line {
	int64_t venue_id;
	char siret[PN_SIRET_LEN + 1];
	char name[SETTLE_NAME_MAX];
	char iban[PN_IBAN_MAX + 1];	/* canonical, as frozen at draft */
	char bic[PN_BIC_MAX + 1];
	int64_t sessions;
	int64_t vouchers;
	int64_t gross_cents;		/* face values */
	int64_t commission_cents;
	int64_t amount_cents;		/* gross - commission: what is paid */
	struct settle_budget_part *parts;	/* sum of amounts = amount_cents */
	size_t n_parts;
};

/* A batch to export: only lines that are paid (none carried over). */
struct settle_export {
	char reference[SETTLE_REF_MAX];		/* "PN-2026-11-01" */
	char period[SETTLE_PERIOD_MAX];		/* "2026-11" */
	char period_label[SETTLE_LABEL_MAX];	/* "novembre 2026" */
	char msg_id[SETTLE_MSGID_MAX];		/* unique per debtor */
	int64_t created_at;			/* approval, Unix seconds */
	char execution_date[SETTLE_DATE_MAX];	/* "2026-12-07", a business day */
	struct settle_debtor debtor;
	struct settle_line *lines;
	size_t n_lines;
	int64_t total_cents;			/* sum of the lines' amounts */
};

/* One voucher on a venue's statement. */
struct statement_voucher {
	uint64_t serial;
	int64_t value_cents;		/* face value */
	int64_t amount_cents;		/* paid for it: value - commission */
};

/* One training session on a venue's statement, with its vouchers. */
struct statement_session {
	int64_t starts_at;		/* Unix seconds; printed in Paris time */
	char theme[SETTLE_THEME_MAX];
	unsigned duration_minutes;
	struct statement_voucher *vouchers;
	size_t n_vouchers;
};

/* What a venue's statement (relevé) shows. */
struct statement {
	char reference[SETTLE_REF_MAX];
	char period_label[SETTLE_LABEL_MAX];
	char status_label[32];		/* "approuvé", "payé le 10/12/2026" */
	char bank_reference[36];	/* once paid, the bank's; else "" */
	char debtor_name[SETTLE_NAME_MAX];
	char venue_name[SETTLE_NAME_MAX];
	char venue_siret[PN_SIRET_LEN + 1];
	char venue_address[256];
	char venue_commune[SETTLE_NAME_MAX];
	char venue_iban[PN_IBAN_MAX + 1];
	bool iban_changed;		/* not the IBAN of its last payment */
	int64_t generated_at;		/* Unix seconds; printed in Paris time */
	struct statement_session *sessions;	/* by start time */
	size_t n_sessions;
	int64_t gross_cents;
	int64_t commission_cents;
	int64_t total_cents;
};

enum sepa_version {
	SEPA_PAIN_001_001_09 = 9,	/* the default */
	SEPA_PAIN_001_001_03 = 3	/* for banks still on the older message */
};

/*
 * The SEPA credit transfer file (pain.001) for x: one payment information
 * block, one transaction per line. Checks the EPC rules the schema does
 * not (character set after transliteration, lengths, references, IBAN
 * mod-97, BIC, NbOfTxs and CtrlSum, execution date a business day) and
 * refuses the whole file, naming the line and the rule, when one fails.
 * Returns 0 with *out (malloc'd, freed by the caller) and *len, or -1.
 */
int sepa_write(const struct settle_export *x, enum sepa_version version,
    char **out, size_t *len, struct pn_error *err);

/*
 * The mandate list for the finance software: CSV in UTF-8, ';' between
 * fields, decimal comma, a header row; one row per venue and budget line.
 * Returns 0 with *out (malloc'd) and *len, or -1.
 */
int mandate_csv_write(const struct settle_export *x, char **out, size_t *len,
    struct pn_error *err);

/*
 * A venue's statement as a PDF in French. Returns 0 with *out (malloc'd)
 * and *len, or -1.
 */
int statement_pdf_render(const struct statement *st, unsigned char **out,
    size_t *len, struct pn_error *err);

#endif
