/* sepa.c -- the SEPA credit transfer file (pain.001) of a settlement batch.
 *
 * Everything is checked first, into a prepared copy of what the file will
 * hold (struct sepa_doc); only then is the XML written, with libxml2's
 * text writer, which escapes what XML needs. docs/settlement-formats.md
 * maps each element to where it comes from.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "passnum/bankid.h"
#include "passnum/timefmt.h"
#include "business_day.h"
#include "epc_text.h"
#include "settlement.h"

/* The most one SEPA credit transfer may carry: 999 999 999,99 EUR. */
#define SEPA_AMOUNT_MAX		INT64_C(99999999999)
/* CtrlSum is a decimal of 18 digits in all: 16 before the point. */
#define SEPA_SUM_MAX		INT64_C(999999999999999999)
/* 9999-12-31T23:59:59Z: xs:dateTime years have four digits here. */
#define SEPA_TIME_MAX		INT64_C(253402300799)
#define SEPA_AMOUNT_TEXT_MAX	24

/* One transfer, as it will be written. */
struct sepa_tx {
	char end_to_end[EPC_REF_MAX + 1];
	char name[EPC_NAME_MAX + 1];
	char iban[PN_IBAN_MAX + 1];
	char bic[PN_BIC_MAX + 1];
	int64_t cents;
	int64_t venue_id;
	size_t line;			/* 1-based, for messages */
};

/* The whole file, checked. */
struct sepa_doc {
	enum sepa_version version;
	char created[PN_TIME_TEXT_MAX];
	char debtor_name[EPC_NAME_MAX + 1];
	char debtor_iban[PN_IBAN_MAX + 1];
	char debtor_bic[PN_BIC_MAX + 1];
	char remittance[EPC_REMITTANCE_MAX + 1];
	struct sepa_tx *tx;
	size_t n;
	int64_t sum;
};

/* s, a field of size bytes, holds its NUL. */
static bool
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* cents as "1234.50": the amount types of pain.001. */
static void
amount_text(int64_t cents, char buf[SEPA_AMOUNT_TEXT_MAX])
{
	/* Callers pass cents >= 0: no sign to carry. */
	(void)snprintf(buf, SEPA_AMOUNT_TEXT_MAX, "%" PRId64 ".%02d",
	    cents / 100, (int)(cents % 100));
}

/* The rule an identifier's status breaks, for a message. */
static const char *
id_rule(enum pn_id_status st, bool iban)
{
	switch (st) {
	case PN_ID_OK:
		return "is valid";
	case PN_ID_EMPTY:
		return "is empty";
	case PN_ID_BAD_CHAR:
		return "holds a character it cannot";
	case PN_ID_LENGTH:
		return iban ? "does not have its country's length" :
		    "does not have 8 or 11 characters";
	case PN_ID_CHECK:
		return "fails the mod-97 check";
	case PN_ID_COUNTRY:
		return "is not from a SEPA country";
	}
	return "is invalid";
}

/*
 * pain.001.001.03 takes a BIC whose location code starts with a letter
 * or 2-9 and whose second character is not 'O' (ISO 9362 before 2014);
 * .09 takes any letter or digit there.
 */
static bool
bic_v3_valid(const char *bic)
{
	char a = bic[6], b = bic[7];

	return ((a >= 'A' && a <= 'Z') || (a >= '2' && a <= '9')) &&
	    (((b >= 'A' && b <= 'Z') && b != 'O') || (b >= '0' && b <= '9'));
}

/*
 * Check an account: iban and bic (as stored) into their canonical forms.
 * who names the party in a message ("the debtor", "line 2 (venue 17,
 * ...)").
 */
static int
check_account(const char *who, const char *iban, const char *bic,
    enum sepa_version version, char iban_out[PN_IBAN_MAX + 1],
    char bic_out[PN_BIC_MAX + 1], struct pn_error *err)
{
	enum pn_id_status st;

	if ((st = pn_iban_parse(iban, iban_out)) != PN_ID_OK)
		return pn_error_set(err, PN_E_FORMAT, "%s: IBAN \"%s\" %s",
		    who, iban, id_rule(st, true));
	if ((st = pn_bic_parse(bic, bic_out)) != PN_ID_OK)
		return pn_error_set(err, PN_E_FORMAT, "%s: BIC \"%s\" %s",
		    who, bic, id_rule(st, false));
	if (version == SEPA_PAIN_001_001_03 && !bic_v3_valid(bic_out))
		return pn_error_set(err, PN_E_FORMAT, "%s: BIC \"%s\": "
		    "pain.001.001.03 refuses its location code \"%.2s\" "
		    "(use pain.001.001.09)", who, bic_out, bic_out + 6);
	return 0;
}

/* The batch's own fields: identifiers, dates, the debtor. */
static int
check_header(const struct settle_export *x, struct sepa_doc *d,
    struct pn_error *err)
{
	const char *rule;
	char text[256];
	size_t bad;
	int y, m, dd, ny, nm, nd;

	if (!terminated(x->reference, sizeof(x->reference)) ||
	    !terminated(x->period, sizeof(x->period)) ||
	    !terminated(x->period_label, sizeof(x->period_label)) ||
	    !terminated(x->msg_id, sizeof(x->msg_id)) ||
	    !terminated(x->execution_date, sizeof(x->execution_date)) ||
	    !terminated(x->debtor.name, sizeof(x->debtor.name)) ||
	    !terminated(x->debtor.iban, sizeof(x->debtor.iban)) ||
	    !terminated(x->debtor.bic, sizeof(x->debtor.bic)))
		return pn_error_set(err, PN_E_ARG,
		    "a text field of the batch has no end");
	if ((rule = epc_ref_check(x->msg_id)) != NULL)
		return pn_error_set(err, PN_E_FORMAT, "message id (MsgId) "
		    "\"%s\" %s", x->msg_id, rule);
	if ((rule = epc_ref_check(x->reference)) != NULL)
		return pn_error_set(err, PN_E_FORMAT, "batch reference "
		    "(PmtInfId) \"%s\" %s", x->reference, rule);
	if (business_day_parse(x->execution_date, &y, &m, &dd) != 0)
		return pn_error_set(err, PN_E_FORMAT, "execution date \"%s\" "
		    "is not a date YYYY-MM-DD", x->execution_date);
	if (!business_day_is(y, m, dd)) {
		business_day_after(y, m, dd, 0, &ny, &nm, &nd);
		return pn_error_set(err, PN_E_FORMAT, "execution date %s is "
		    "not a TARGET2 business day (the next one is "
		    "%04d-%02d-%02d)", x->execution_date, ny, nm, nd);
	}
	if (x->created_at < 0 || x->created_at > SEPA_TIME_MAX)
		return pn_error_set(err, PN_E_FORMAT, "creation time %" PRId64
		    " is out of range", x->created_at);
	pn_time_format(x->created_at, d->created);
	/* "2026-12-07" against "2026-12-01T09:00:00Z": dates compare as text. */
	if (strncmp(x->execution_date, d->created, 10) < 0)
		return pn_error_set(err, PN_E_FORMAT, "execution date %s is "
		    "before the file's creation, %s", x->execution_date,
		    d->created);
	if (epc_field(x->debtor.name, EPC_NAME_MAX, d->debtor_name,
	    sizeof(d->debtor_name), err) < 0) {
		pn_error_prefix(err, "the debtor's name");
		return -1;
	}
	if (d->debtor_name[0] == '\0')
		return pn_error_set(err, PN_E_FORMAT, "the debtor's name has "
		    "no character the EPC set can spell");
	if (check_account("the debtor", x->debtor.iban, x->debtor.bic,
	    d->version, d->debtor_iban, d->debtor_bic, err) != 0)
		return -1;
	/* Remittance: "Pass numerique - reglement novembre 2026 - PN-...". */
	if (!epc_utf8_valid(x->period_label, strlen(x->period_label), &bad))
		return pn_error_set(err, PN_E_FORMAT, "the period's label: "
		    "invalid UTF-8 at byte %zu", bad);
	(void)snprintf(text, sizeof(text), "Pass numérique - règlement %s - %s",
	    x->period_label[0] != '\0' ? x->period_label : x->period,
	    x->reference);
	if (epc_field(text, EPC_REMITTANCE_MAX, d->remittance,
	    sizeof(d->remittance), err) < 0) {
		pn_error_prefix(err, "the remittance text");
		return -1;
	}
	return 0;
}

/* Line i of x into t. */
static int
check_line(const struct settle_export *x, size_t i, struct sepa_doc *d,
    struct sepa_tx *t, struct pn_error *err)
{
	const struct settle_line *l = &x->lines[i];
	const char *rule;
	char who[160], amount[SEPA_AMOUNT_TEXT_MAX];
	int k;

	t->line = i + 1;
	t->venue_id = l->venue_id;
	if (!terminated(l->name, sizeof(l->name)) ||
	    !terminated(l->iban, sizeof(l->iban)) ||
	    !terminated(l->bic, sizeof(l->bic)))
		return pn_error_set(err, PN_E_ARG, "line %zu (venue %" PRId64
		    "): a text field has no end", t->line, l->venue_id);
	if (l->venue_id <= 0)
		return pn_error_set(err, PN_E_FORMAT, "line %zu: venue id %"
		    PRId64 " is not positive", t->line, l->venue_id);
	if (epc_field(l->name, EPC_NAME_MAX, t->name, sizeof(t->name),
	    err) < 0) {
		(void)snprintf(who, sizeof(who), "line %zu (venue %" PRId64
		    "): name", t->line, l->venue_id);
		pn_error_prefix(err, who);
		return -1;
	}
	if (t->name[0] == '\0')
		return pn_error_set(err, PN_E_FORMAT, "line %zu (venue %" PRId64
		    "): the name has no character the EPC set can spell",
		    t->line, l->venue_id);
	(void)snprintf(who, sizeof(who), "line %zu (venue %" PRId64 ", %s)",
	    t->line, l->venue_id, t->name);
	if (check_account(who, l->iban, l->bic, d->version, t->iban, t->bic,
	    err) != 0)
		return -1;
	if (l->amount_cents <= 0)
		return pn_error_set(err, PN_E_FORMAT, "%s: the amount, %" PRId64
		    " cents, is not positive", who, l->amount_cents);
	if (l->amount_cents > SEPA_AMOUNT_MAX) {
		amount_text(l->amount_cents, amount);
		return pn_error_set(err, PN_E_FORMAT, "%s: %s EUR is more than "
		    "the 999999999.99 EUR a SEPA transfer may carry", who,
		    amount);
	}
	t->cents = l->amount_cents;
	/* "PN-2026-11-01-V000123": the batch, then the venue. */
	k = snprintf(t->end_to_end, sizeof(t->end_to_end), "%s-V%06" PRId64,
	    x->reference, l->venue_id);
	if (k < 0 || (size_t)k >= sizeof(t->end_to_end))
		rule = "is longer than 35 characters";
	else
		rule = epc_ref_check(t->end_to_end);
	if (rule != NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s: the end-to-end id "
		    "\"%s-V%06" PRId64 "\" %s", who, x->reference,
		    l->venue_id, rule);
	if (d->sum > SEPA_SUM_MAX - t->cents)
		return pn_error_set(err, PN_E_FORMAT, "%s: the control sum "
		    "would pass 18 digits", who);
	d->sum += t->cents;
	return 0;
}

static int
by_venue(const void *a, const void *b)
{
	const struct sepa_tx *const *p = a, *const *q = b;

	if ((*p)->venue_id != (*q)->venue_id)
		return (*p)->venue_id < (*q)->venue_id ? -1 : 1;
	return (*p)->line < (*q)->line ? -1 : (*p)->line > (*q)->line;
}

/* No venue is paid twice: its end-to-end id would repeat. */
static int
check_unique(const struct sepa_doc *d, struct pn_error *err)
{
	const struct sepa_tx **v;
	size_t i;
	int rc = 0;

	if ((v = calloc(d->n, sizeof(*v))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	for (i = 0; i < d->n; i++)
		v[i] = &d->tx[i];
	qsort(v, d->n, sizeof(*v), by_venue);
	for (i = 1; i < d->n && rc == 0; i++)
		if (v[i]->venue_id == v[i - 1]->venue_id)
			rc = pn_error_set(err, PN_E_FORMAT, "line %zu (venue %"
			    PRId64 ", %s): the venue is already on line %zu",
			    v[i]->line, v[i]->venue_id, v[i]->name,
			    v[i - 1]->line);
	free(v);
	return rc;
}

/* Check x whole into d (d->tx allocated: the caller frees it). */
static int
check(const struct settle_export *x, struct sepa_doc *d, struct pn_error *err)
{
	char a[SEPA_AMOUNT_TEXT_MAX], b[SEPA_AMOUNT_TEXT_MAX + 8];
	size_t i;

	if (check_header(x, d, err) != 0)
		return -1;
	if (x->n_lines == 0)
		return pn_error_set(err, PN_E_FORMAT, "the batch has no lines: "
		    "there is nothing to transfer");
	if (x->lines == NULL)
		return pn_error_set(err, PN_E_ARG, "the batch's lines are "
		    "missing");
	if ((d->tx = calloc(x->n_lines, sizeof(*d->tx))) == NULL)
		return pn_error_set(err, PN_E_NOMEM, "out of memory");
	for (i = 0; i < x->n_lines; i++) {
		if (check_line(x, i, d, &d->tx[d->n], err) != 0)
			return -1;
		d->n++;
	}
	if (check_unique(d, err) != 0)
		return -1;
	if (d->sum != x->total_cents) {
		amount_text(d->sum, a);
		if (x->total_cents >= 0)
			amount_text(x->total_cents, b);
		else
			(void)snprintf(b, sizeof(b), "%" PRId64 " cents",
			    x->total_cents);
		return pn_error_set(err, PN_E_FORMAT, "the lines add up to %s "
		    "EUR (CtrlSum) but the batch's total is %s%s", a, b,
		    x->total_cents >= 0 ? " EUR" : "");
	}
	return 0;
}

/* The text writer, remembering its first failure. */
struct xw {
	xmlTextWriterPtr w;
	bool failed;
};

static void
xw_start(struct xw *x, const char *name)
{
	if (!x->failed && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = true;
}

static void
xw_end(struct xw *x)
{
	if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
		x->failed = true;
}

/* <name>text</name> */
static void
xw_text(struct xw *x, const char *name, const char *text)
{
	if (!x->failed && xmlTextWriterWriteElement(x->w, BAD_CAST name,
	    BAD_CAST text) < 0)
		x->failed = true;
}

/* <Amt><InstdAmt Ccy="EUR">12.34</InstdAmt></Amt> */
static void
xw_amount(struct xw *x, int64_t cents)
{
	char text[SEPA_AMOUNT_TEXT_MAX];

	amount_text(cents, text);
	xw_start(x, "Amt");
	xw_start(x, "InstdAmt");
	if (!x->failed && (xmlTextWriterWriteAttribute(x->w, BAD_CAST "Ccy",
	    BAD_CAST "EUR") < 0 || xmlTextWriterWriteString(x->w,
	    BAD_CAST text) < 0))
		x->failed = true;
	xw_end(x);
	xw_end(x);
}

/* <Nm>name</Nm> in its party element. */
static void
xw_party(struct xw *x, const char *element, const char *name)
{
	xw_start(x, element);
	xw_text(x, "Nm", name);
	xw_end(x);
}

/* <Acct><Id><IBAN>iban</IBAN></Id></Acct> */
static void
xw_account(struct xw *x, const char *element, const char *iban)
{
	xw_start(x, element);
	xw_start(x, "Id");
	xw_text(x, "IBAN", iban);
	xw_end(x);
	xw_end(x);
}

/* <Agt><FinInstnId><BICFI>bic</BICFI></FinInstnId></Agt> (.03: BIC) */
static void
xw_agent(struct xw *x, const char *element, const char *bic,
    enum sepa_version version)
{
	xw_start(x, element);
	xw_start(x, "FinInstnId");
	xw_text(x, version == SEPA_PAIN_001_001_03 ? "BIC" : "BICFI", bic);
	xw_end(x);
	xw_end(x);
}

static void
xw_document(struct xw *x, const struct settle_export *xp,
    const struct sepa_doc *d)
{
	const char *ns = d->version == SEPA_PAIN_001_001_03 ?
	    "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" :
	    "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
	char n[24], sum[SEPA_AMOUNT_TEXT_MAX];
	size_t i;

	(void)snprintf(n, sizeof(n), "%zu", d->n);
	amount_text(d->sum, sum);
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST "Document",
	    BAD_CAST ns) < 0) {
		x->failed = true;
		return;
	}
	xw_start(x, "CstmrCdtTrfInitn");

	xw_start(x, "GrpHdr");
	xw_text(x, "MsgId", xp->msg_id);
	xw_text(x, "CreDtTm", d->created);
	xw_text(x, "NbOfTxs", n);
	xw_text(x, "CtrlSum", sum);
	xw_party(x, "InitgPty", d->debtor_name);
	xw_end(x);

	xw_start(x, "PmtInf");
	xw_text(x, "PmtInfId", xp->reference);
	xw_text(x, "PmtMtd", "TRF");
	xw_text(x, "BtchBookg", "true");
	xw_text(x, "NbOfTxs", n);
	xw_text(x, "CtrlSum", sum);
	xw_start(x, "PmtTpInf");
	xw_start(x, "SvcLvl");
	xw_text(x, "Cd", "SEPA");
	xw_end(x);
	xw_end(x);
	if (d->version == SEPA_PAIN_001_001_03)
		xw_text(x, "ReqdExctnDt", xp->execution_date);
	else {
		xw_start(x, "ReqdExctnDt");
		xw_text(x, "Dt", xp->execution_date);
		xw_end(x);
	}
	xw_party(x, "Dbtr", d->debtor_name);
	xw_account(x, "DbtrAcct", d->debtor_iban);
	xw_agent(x, "DbtrAgt", d->debtor_bic, d->version);
	xw_text(x, "ChrgBr", "SLEV");
	for (i = 0; i < d->n; i++) {
		const struct sepa_tx *t = &d->tx[i];

		xw_start(x, "CdtTrfTxInf");
		xw_start(x, "PmtId");
		xw_text(x, "EndToEndId", t->end_to_end);
		xw_end(x);
		xw_amount(x, t->cents);
		xw_agent(x, "CdtrAgt", t->bic, d->version);
		xw_party(x, "Cdtr", t->name);
		xw_account(x, "CdtrAcct", t->iban);
		xw_start(x, "RmtInf");
		xw_text(x, "Ustrd", d->remittance);
		xw_end(x);
		xw_end(x);
	}
	xw_end(x);	/* PmtInf */

	xw_end(x);	/* CstmrCdtTrfInitn */
	xw_end(x);	/* Document */
	if (!x->failed && xmlTextWriterEndDocument(x->w) < 0)
		x->failed = true;
}

int
sepa_write(const struct settle_export *x, enum sepa_version version,
    char **out, size_t *len, struct pn_error *err)
{
	struct sepa_doc d;
	struct xw xw = { NULL, false };
	xmlBufferPtr buf = NULL;
	int rc = -1;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (x == NULL || out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "sepa_write: no batch or "
		    "no place for the file");
	if (version != SEPA_PAIN_001_001_09 && version != SEPA_PAIN_001_001_03)
		return pn_error_set(err, PN_E_ARG, "pain.001 version %d: only "
		    "pain.001.001.09 (9) and pain.001.001.03 (3) are made",
		    (int)version);
	/* Idempotent; the first call takes libxml2's own lock: any thread. */
	xmlInitParser();
	memset(&d, 0, sizeof(d));
	d.version = version;
	if (check(x, &d, err) != 0)
		goto done;	/* err says which rule */
	if ((buf = xmlBufferCreate()) == NULL ||
	    (xw.w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		goto done;
	}
	xw_document(&xw, x, &d);
	/* Freeing the writer flushes what it holds into buf. */
	xmlFreeTextWriter(xw.w);
	if (xw.failed) {
		pn_error_set(err, PN_E_NOMEM, "libxml2 could not write the "
		    "payment file");
		goto done;
	}
	if ((*out = malloc((size_t)xmlBufferLength(buf) + 1)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory");
		goto done;
	}
	*len = (size_t)xmlBufferLength(buf);
	memcpy(*out, xmlBufferContent(buf), *len);
	(*out)[*len] = '\0';
	rc = 0;
done:	/* every path: the writer is already freed or was never made */
	xmlBufferFree(buf);
	free(d.tx);
	return rc;
}
