/* test_sepa.c -- the SEPA credit transfer file (pain.001.001.09 and .03).
 *
 * Each file made is validated against the ISO schema in tests/data/sepa/
 * (tests run from the repository's root) and read back with XPath; each
 * EPC rule the schema does not check is broken once, and the whole file
 * must be refused with a message naming the line and the rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "epc_text.h"
#include "settlement.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define XSD_09	"tests/data/sepa/pain.001.001.09.xsd"
#define XSD_03	"tests/data/sepa/pain.001.001.03.xsd"
#define NS_09	"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
#define NS_03	"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"

/* A batch of three venues, 174,45 EUR in all. */
struct fixture {
	struct settle_export x;
	struct settle_line lines[3];
	struct settle_budget_part parts[2];
};

static void
fixture_init(struct fixture *f)
{
	struct settle_line *l = f->lines;

	memset(f, 0, sizeof(*f));
	(void)snprintf(f->x.reference, sizeof(f->x.reference), "PN-2026-11-01");
	(void)snprintf(f->x.period, sizeof(f->x.period), "2026-11");
	(void)snprintf(f->x.period_label, sizeof(f->x.period_label),
	    "novembre 2026");
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id),
	    "PN-2026-11-01-20261201090000");
	f->x.created_at = 1796115600;	/* 2026-12-01T09:00:00Z */
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-12-07");
	(void)snprintf(f->x.debtor.name, sizeof(f->x.debtor.name),
	    "Département de la Haute-Saône");
	(void)snprintf(f->x.debtor.iban, sizeof(f->x.debtor.iban),
	    "FR7630006000011234567890189");
	(void)snprintf(f->x.debtor.bic, sizeof(f->x.debtor.bic), "BDFEFRPPCCT");

	l[0].venue_id = 123;
	(void)snprintf(l[0].siret, sizeof(l[0].siret), "73282932000074");
	(void)snprintf(l[0].name, sizeof(l[0].name), "Médiathèque de l'Île");
	(void)snprintf(l[0].iban, sizeof(l[0].iban),
	    "FR1420041010050500013M02606");
	(void)snprintf(l[0].bic, sizeof(l[0].bic), "PSSTFRPPPAR");
	l[0].amount_cents = 12345;
	(void)snprintf(f->parts[0].budget_line,
	    sizeof(f->parts[0].budget_line), "6574-01");
	f->parts[0].amount_cents = 10000;
	(void)snprintf(f->parts[1].budget_line,
	    sizeof(f->parts[1].budget_line), "6574-02");
	f->parts[1].amount_cents = 2345;
	l[0].parts = f->parts;
	l[0].n_parts = 2;

	l[1].venue_id = 7;
	(void)snprintf(l[1].siret, sizeof(l[1].siret), "44306184100047");
	(void)snprintf(l[1].name, sizeof(l[1].name),
	    "Association « Lire & Écrire »");
	(void)snprintf(l[1].iban, sizeof(l[1].iban),
	    "FR7630006000011234567890189");
	(void)snprintf(l[1].bic, sizeof(l[1].bic), "AGRIFRPP");
	l[1].amount_cents = 5000;

	l[2].venue_id = 42;
	(void)snprintf(l[2].siret, sizeof(l[2].siret), "54205118000066");
	(void)snprintf(l[2].name, sizeof(l[2].name), "Café numérique");
	(void)snprintf(l[2].iban, sizeof(l[2].iban), "DE89370400440532013000");
	(void)snprintf(l[2].bic, sizeof(l[2].bic), "COBADEFFXXX");
	l[2].amount_cents = 100;

	f->x.lines = l;
	f->x.n_lines = 3;
	f->x.total_cents = 12345 + 5000 + 100;
}

/* The file for x, which must be made. */
static char *
make(const struct settle_export *x, enum sepa_version v, size_t *len)
{
	struct pn_error err;
	char *out = NULL;

	pn_error_clear(&err);
	if (sepa_write(x, v, &out, len, &err) != 0)
		fail_msg("sepa_write: %s", err.message);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

/* Schema errors expected: not printed. */
static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/*
 * The file validates against the schema at xsd: 0, or -1. The schema's
 * complaints go to stderr unless loud is false.
 */
static int
check_schema(const char *xsd, const char *file, size_t len, bool loud)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	xmlDocPtr doc;
	int rc;

	pc = xmlSchemaNewParserCtxt(xsd);
	assert_non_null(pc);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (schema == NULL)
		fail_msg("%s: cannot read the schema (run from the "
		    "repository's root)", xsd);
	doc = xmlReadMemory(file, (int)len, "pain.001.xml", NULL,
	    XML_PARSE_NONET);
	assert_non_null(doc);
	vc = xmlSchemaNewValidCtxt(schema);
	assert_non_null(vc);
	if (!loud)
		xmlSchemaSetValidStructuredErrors(vc, quiet, NULL);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlFreeDoc(doc);
	return rc == 0 ? 0 : -1;
}

static int
validate(const char *xsd, const char *file, size_t len)
{
	return check_schema(xsd, file, len, true);
}

/* A parsed file and its XPath context, with prefix p for its namespace. */
struct xdoc {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static void
xdoc_open(struct xdoc *d, const char *file, size_t len, const char *ns)
{
	d->doc = xmlReadMemory(file, (int)len, "pain.001.xml", NULL,
	    XML_PARSE_NONET);
	assert_non_null(d->doc);
	d->ctx = xmlXPathNewContext(d->doc);
	assert_non_null(d->ctx);
	assert_int_equal(xmlXPathRegisterNs(d->ctx, BAD_CAST "p",
	    BAD_CAST ns), 0);
}

static void
xdoc_close(struct xdoc *d)
{
	xmlXPathFreeContext(d->ctx);
	xmlFreeDoc(d->doc);
}

/* The string value of the XPath expression expr equals want. */
static void
xpath_is(struct xdoc *d, const char *expr, const char *want)
{
	xmlXPathObjectPtr o;
	xmlChar *s;

	o = xmlXPathEvalExpression(BAD_CAST expr, d->ctx);
	if (o == NULL)
		fail_msg("bad XPath %s", expr);
	s = xmlXPathCastToString(o);
	if (strcmp((const char *)s, want) != 0)
		fail_msg("%s is \"%s\", not \"%s\"", expr, (const char *)s,
		    want);
	xmlFree(s);
	xmlXPathFreeObject(o);
}

#define TX	"/p:Document/p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf"
#define GH	"/p:Document/p:CstmrCdtTrfInitn/p:GrpHdr"
#define PI	"/p:Document/p:CstmrCdtTrfInitn/p:PmtInf"

/* What both versions hold alike. */
static void
check_common(struct xdoc *d)
{
	xpath_is(d, "string(" GH "/p:MsgId)", "PN-2026-11-01-20261201090000");
	xpath_is(d, "string(" GH "/p:CreDtTm)", "2026-12-01T09:00:00Z");
	xpath_is(d, "string(" GH "/p:NbOfTxs)", "3");
	xpath_is(d, "string(" GH "/p:CtrlSum)", "174.45");
	xpath_is(d, "string(" GH "/p:InitgPty/p:Nm)",
	    "Departement de la Haute-Saone");
	xpath_is(d, "string(" PI "/p:PmtInfId)", "PN-2026-11-01");
	xpath_is(d, "string(" PI "/p:PmtMtd)", "TRF");
	xpath_is(d, "string(" PI "/p:BtchBookg)", "true");
	xpath_is(d, "string(" PI "/p:NbOfTxs)", "3");
	xpath_is(d, "string(" PI "/p:CtrlSum)", "174.45");
	xpath_is(d, "string(" PI "/p:PmtTpInf/p:SvcLvl/p:Cd)", "SEPA");
	xpath_is(d, "string(" PI "/p:Dbtr/p:Nm)",
	    "Departement de la Haute-Saone");
	xpath_is(d, "string(" PI "/p:DbtrAcct/p:Id/p:IBAN)",
	    "FR7630006000011234567890189");
	xpath_is(d, "string(" PI "/p:ChrgBr)", "SLEV");
	xpath_is(d, "string(count(" TX "))", "3");
	/* The lines in their order, names transliterated. */
	xpath_is(d, "string(" TX "[1]/p:PmtId/p:EndToEndId)",
	    "PN-2026-11-01-V000123");
	xpath_is(d, "string(" TX "[1]/p:Amt/p:InstdAmt)", "123.45");
	xpath_is(d, "string(" TX "[1]/p:Amt/p:InstdAmt/@Ccy)", "EUR");
	xpath_is(d, "string(" TX "[1]/p:Cdtr/p:Nm)", "Mediatheque de l'Ile");
	xpath_is(d, "string(" TX "[1]/p:CdtrAcct/p:Id/p:IBAN)",
	    "FR1420041010050500013M02606");
	xpath_is(d, "string(" TX "[1]/p:RmtInf/p:Ustrd)",
	    "Pass numerique - reglement novembre 2026 - PN-2026-11-01");
	xpath_is(d, "string(" TX "[2]/p:PmtId/p:EndToEndId)",
	    "PN-2026-11-01-V000007");
	xpath_is(d, "string(" TX "[2]/p:Amt/p:InstdAmt)", "50.00");
	xpath_is(d, "string(" TX "[2]/p:Cdtr/p:Nm)",
	    "Association ' Lire + Ecrire '");
	xpath_is(d, "string(" TX "[3]/p:Amt/p:InstdAmt)", "1.00");
	xpath_is(d, "string(" TX "[3]/p:Cdtr/p:Nm)", "Cafe numerique");
	xpath_is(d, "string(" TX "[3]/p:CdtrAcct/p:Id/p:IBAN)",
	    "DE89370400440532013000");
}

/* Every byte is ASCII, and every element's text of the EPC set. */
static void
check_charset(struct xdoc *d, const char *file, size_t len)
{
	xmlXPathObjectPtr o;
	xmlChar *s;
	size_t i;
	int k;

	for (i = 0; i < len; i++)
		if ((unsigned char)file[i] >= 0x80)
			fail_msg("byte %zu is not ASCII", i);
	o = xmlXPathEvalExpression(BAD_CAST "//*[not(*)]", d->ctx);
	assert_non_null(o);
	assert_non_null(o->nodesetval);
	assert_int_equal(o->nodesetval->nodeNr, 16 + 6 * 3);
	for (k = 0; k < o->nodesetval->nodeNr; k++) {
		s = xmlNodeGetContent(o->nodesetval->nodeTab[k]);
		if (s == NULL || s[0] == '\0' ||
		    !epc_text_valid((const char *)s))
			fail_msg("<%s> holds \"%s\"",
			    o->nodesetval->nodeTab[k]->name,
			    s != NULL ? (const char *)s : "(null)");
		xmlFree(s);
	}
	xmlXPathFreeObject(o);
}

static void
test_pain_09(void **state)
{
	struct fixture f;
	struct xdoc d;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	out = make(&f.x, SEPA_PAIN_001_001_09, &len);
	assert_int_equal(validate(XSD_09, out, len), 0);
	/* The schema is really checked: .09 is not .03. */
	assert_int_equal(check_schema(XSD_03, out, len, false), -1);
	assert_non_null(strstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	xdoc_open(&d, out, len, NS_09);
	check_charset(&d, out, len);
	check_common(&d);
	xpath_is(&d, "string(" PI "/p:ReqdExctnDt/p:Dt)", "2026-12-07");
	xpath_is(&d, "string(" PI "/p:DbtrAgt/p:FinInstnId/p:BICFI)",
	    "BDFEFRPPCCT");
	xpath_is(&d, "string(" TX "[1]/p:CdtrAgt/p:FinInstnId/p:BICFI)",
	    "PSSTFRPPPAR");
	xpath_is(&d, "string(" TX "[2]/p:CdtrAgt/p:FinInstnId/p:BICFI)",
	    "AGRIFRPP");
	xpath_is(&d, "string(count(//p:BIC))", "0");
	xdoc_close(&d);
	free(out);
}

static void
test_pain_03(void **state)
{
	struct fixture f;
	struct xdoc d;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	out = make(&f.x, SEPA_PAIN_001_001_03, &len);
	assert_int_equal(validate(XSD_03, out, len), 0);
	assert_int_equal(check_schema(XSD_09, out, len, false), -1);
	xdoc_open(&d, out, len, NS_03);
	check_charset(&d, out, len);
	check_common(&d);
	xpath_is(&d, "string(" PI "/p:ReqdExctnDt)", "2026-12-07");
	xpath_is(&d, "string(count(" PI "/p:ReqdExctnDt/*))", "0");
	xpath_is(&d, "string(" PI "/p:DbtrAgt/p:FinInstnId/p:BIC)",
	    "BDFEFRPPCCT");
	xpath_is(&d, "string(" TX "[3]/p:CdtrAgt/p:FinInstnId/p:BIC)",
	    "COBADEFFXXX");
	xpath_is(&d, "string(count(//p:BICFI))", "0");
	xdoc_close(&d);
	free(out);
}

/* Same batch, same bytes; a change shows. */
static void
test_deterministic(void **state)
{
	struct fixture f;
	char *a, *b;
	size_t la, lb;

	(void)state;
	fixture_init(&f);
	a = make(&f.x, SEPA_PAIN_001_001_09, &la);
	b = make(&f.x, SEPA_PAIN_001_001_09, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(b);
	f.lines[2].amount_cents++;
	f.x.total_cents++;
	b = make(&f.x, SEPA_PAIN_001_001_09, &lb);
	assert_true(la != lb || memcmp(a, b, la) != 0);
	assert_non_null(strstr(b, "<CtrlSum>174.46</CtrlSum>"));
	free(b);
	free(a);
	a = make(&f.x, SEPA_PAIN_001_001_03, &la);
	b = make(&f.x, SEPA_PAIN_001_001_03, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(b);
	free(a);
}

/* A long name is cut at a word to 70 characters. */
static void
test_lengths(void **state)
{
	struct fixture f;
	struct xdoc d;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	/* 71 characters once transliterated. */
	(void)snprintf(f.lines[0].name, sizeof(f.lines[0].name),
	    "Communauté de communes du Pays de la Haute Vallée de l'Ognon "
	    "numériques");
	(void)snprintf(f.x.period_label, sizeof(f.x.period_label),
	    "4e trimestre 2026, régularisation des séances reportées");
	(void)snprintf(f.x.reference, sizeof(f.x.reference),
	    "PN-2026-T4-01-REGUL");
	out = make(&f.x, SEPA_PAIN_001_001_09, &len);
	assert_int_equal(validate(XSD_09, out, len), 0);
	xdoc_open(&d, out, len, NS_09);
	xpath_is(&d, "string(" TX "[1]/p:Cdtr/p:Nm)",
	    "Communaute de communes du Pays de la Haute Vallee de l'Ognon");
	xpath_is(&d, "string(" TX "[1]/p:PmtId/p:EndToEndId)",
	    "PN-2026-T4-01-REGUL-V000123");
	xpath_is(&d, "string(" TX "[1]/p:RmtInf/p:Ustrd)",
	    "Pass numerique - reglement 4e trimestre 2026, regularisation "
	    "des seances reportees - PN-2026-T4-01-REGUL");
	xdoc_close(&d);
	free(out);
	/* Without a label, the period names itself. */
	f.x.period_label[0] = '\0';
	out = make(&f.x, SEPA_PAIN_001_001_03, &len);
	assert_non_null(strstr(out, "<Ustrd>Pass numerique - reglement "
	    "2026-11 - PN-2026-T4-01-REGUL</Ustrd>"));
	free(out);
}

/* Amounts at the edges: one cent, the EPC's maximum. */
static void
test_amounts(void **state)
{
	struct fixture f;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	f.lines[0].amount_cents = 1;
	f.lines[1].amount_cents = INT64_C(99999999999);
	f.lines[2].amount_cents = 10;
	f.x.total_cents = INT64_C(99999999999) + 11;
	out = make(&f.x, SEPA_PAIN_001_001_09, &len);
	assert_int_equal(validate(XSD_09, out, len), 0);
	assert_non_null(strstr(out, ">0.01</InstdAmt>"));
	assert_non_null(strstr(out, ">999999999.99</InstdAmt>"));
	assert_non_null(strstr(out, ">0.10</InstdAmt>"));
	assert_non_null(strstr(out, "<CtrlSum>1000000000.10</CtrlSum>"));
	free(out);
	f.x.n_lines = 1;
	f.x.total_cents = 1;
	out = make(&f.x, SEPA_PAIN_001_001_03, &len);
	assert_int_equal(validate(XSD_03, out, len), 0);
	assert_non_null(strstr(out, "<NbOfTxs>1</NbOfTxs>"));
	free(out);
}

/* One way to break a batch, and what the refusal must say. */
struct refusal {
	const char *what;
	void (*breaks)(struct fixture *);
	enum sepa_version version;
	enum pn_errcode code;
	const char *message;
};

static void
bad_line_iban(struct fixture *f)
{
	/* One digit changed: the mod-97 check fails. */
	(void)snprintf(f->lines[1].iban, sizeof(f->lines[1].iban),
	    "FR7630006000011234567890188");
}

static void
bad_line_iban_length(struct fixture *f)
{
	(void)snprintf(f->lines[2].iban, sizeof(f->lines[2].iban),
	    "DE8937040044053201300");
}

static void
bad_line_iban_country(struct fixture *f)
{
	(void)snprintf(f->lines[2].iban, sizeof(f->lines[2].iban),
	    "US12345678901234567890");
}

static void
bad_line_bic(struct fixture *f)
{
	(void)snprintf(f->lines[0].bic, sizeof(f->lines[0].bic), "PSSTFRP");
}

static void
bad_line_bic_country(struct fixture *f)
{
	(void)snprintf(f->lines[0].bic, sizeof(f->lines[0].bic), "CHASUS33");
}

static void
bad_line_bic_empty(struct fixture *f)
{
	f->lines[2].bic[0] = '\0';
}

static void
bad_line_bic_location_03(struct fixture *f)
{
	(void)snprintf(f->lines[1].bic, sizeof(f->lines[1].bic), "AGRIFR0P");
}

static void
bad_amount_zero(struct fixture *f)
{
	f->x.total_cents -= f->lines[2].amount_cents;
	f->lines[2].amount_cents = 0;
}

static void
bad_amount_negative(struct fixture *f)
{
	f->x.total_cents -= f->lines[2].amount_cents + 500;
	f->lines[2].amount_cents = -500;
}

static void
bad_amount_too_big(struct fixture *f)
{
	f->x.total_cents += INT64_C(99999999999) + 1 - f->lines[2].amount_cents;
	f->lines[2].amount_cents = INT64_C(99999999999) + 1;
}

static void
bad_no_lines(struct fixture *f)
{
	f->x.n_lines = 0;
	f->x.total_cents = 0;
}

static void
bad_total(struct fixture *f)
{
	f->x.total_cents += 1;
}

static void
bad_execution_holiday(struct fixture *f)
{
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-12-25");
}

static void
bad_execution_weekend(struct fixture *f)
{
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-12-05");
}

static void
bad_execution_format(struct fixture *f)
{
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-12-7");
}

static void
bad_execution_impossible(struct fixture *f)
{
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-02-30");
}

static void
bad_execution_past(struct fixture *f)
{
	(void)snprintf(f->x.execution_date, sizeof(f->x.execution_date),
	    "2026-11-30");
}

static void
bad_msg_id_slashes(struct fixture *f)
{
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id), "PN//2026-11");
}

static void
bad_msg_id_leading_slash(struct fixture *f)
{
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id), "/PN-2026-11");
}

static void
bad_msg_id_trailing_slash(struct fixture *f)
{
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id), "PN-2026-11/");
}

static void
bad_msg_id_char(struct fixture *f)
{
	(void)snprintf(f->x.msg_id, sizeof(f->x.msg_id), "PN_2026_11");
}

static void
bad_msg_id_empty(struct fixture *f)
{
	f->x.msg_id[0] = '\0';
}

static void
bad_reference(struct fixture *f)
{
	(void)snprintf(f->x.reference, sizeof(f->x.reference), "PN 2026-11");
}

static void
bad_end_to_end_length(struct fixture *f)
{
	/* 29 characters and "-V000123": 37. */
	(void)snprintf(f->x.reference, sizeof(f->x.reference),
	    "PN-2026-11-01-ABCDEFGHIJKLMNO");
}

static void
bad_debtor_iban(struct fixture *f)
{
	(void)snprintf(f->x.debtor.iban, sizeof(f->x.debtor.iban),
	    "FR7630006000011234567890180");
}

static void
bad_debtor_bic(struct fixture *f)
{
	(void)snprintf(f->x.debtor.bic, sizeof(f->x.debtor.bic), "BDF");
}

static void
bad_debtor_name(struct fixture *f)
{
	(void)snprintf(f->x.debtor.name, sizeof(f->x.debtor.name), "***");
}

static void
bad_line_name_utf8(struct fixture *f)
{
	(void)snprintf(f->lines[0].name, sizeof(f->lines[0].name),
	    "Caf\xc3");
}

static void
bad_line_name_empty(struct fixture *f)
{
	(void)snprintf(f->lines[2].name, sizeof(f->lines[2].name), "日本語");
}

static void
bad_duplicate_venue(struct fixture *f)
{
	f->lines[2].venue_id = 123;
}

static void
bad_venue_id(struct fixture *f)
{
	f->lines[1].venue_id = 0;
}

static void
bad_created_at(struct fixture *f)
{
	f->x.created_at = -1;
}

static void
bad_label_utf8(struct fixture *f)
{
	(void)snprintf(f->x.period_label, sizeof(f->x.period_label),
	    "novembre \xff");
}

static void
bad_version(struct fixture *f)
{
	(void)f;
}

static const struct refusal refusals[] = {
	{ "line IBAN mod-97", bad_line_iban, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "line 2 (venue 7, Association ' Lire + Ecrire '): IBAN "
	    "\"FR7630006000011234567890188\" fails the mod-97 check" },
	{ "line IBAN length", bad_line_iban_length, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 3 (venue 42, Cafe numerique): IBAN "
	    "\"DE8937040044053201300\" does not have its country's length" },
	{ "line IBAN country", bad_line_iban_country, SEPA_PAIN_001_001_03,
	    PN_E_FORMAT, "line 3 (venue 42, Cafe numerique): IBAN "
	    "\"US12345678901234567890\" is not from a SEPA country" },
	{ "line BIC length", bad_line_bic, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "line 1 (venue 123, Mediatheque de l'Ile): BIC \"PSSTFRP\" does "
	    "not have 8 or 11 characters" },
	{ "line BIC country", bad_line_bic_country, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 1 (venue 123, Mediatheque de l'Ile): BIC "
	    "\"CHASUS33\" is not from a SEPA country" },
	{ "line BIC empty", bad_line_bic_empty, SEPA_PAIN_001_001_03,
	    PN_E_FORMAT, "line 3 (venue 42, Cafe numerique): BIC \"\" is "
	    "empty" },
	{ "line BIC location in .03", bad_line_bic_location_03,
	    SEPA_PAIN_001_001_03, PN_E_FORMAT, "line 2 (venue 7, Association "
	    "' Lire + Ecrire '): BIC \"AGRIFR0P\": pain.001.001.03 refuses "
	    "its location code \"0P\" (use pain.001.001.09)" },
	{ "amount zero", bad_amount_zero, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "line 3 (venue 42, Cafe numerique): the amount, 0 cents, is not "
	    "positive" },
	{ "amount negative", bad_amount_negative, SEPA_PAIN_001_001_03,
	    PN_E_FORMAT, "line 3 (venue 42, Cafe numerique): the amount, -500 "
	    "cents, is not positive" },
	{ "amount too big", bad_amount_too_big, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 3 (venue 42, Cafe numerique): 1000000000.00 EUR "
	    "is more than the 999999999.99 EUR a SEPA transfer may carry" },
	{ "no lines", bad_no_lines, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "the batch has no lines: there is nothing to transfer" },
	{ "total", bad_total, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "the lines add up to 174.45 EUR (CtrlSum) but the batch's total "
	    "is 174.46 EUR" },
	{ "execution on Christmas", bad_execution_holiday,
	    SEPA_PAIN_001_001_09, PN_E_FORMAT, "execution date 2026-12-25 is "
	    "not a TARGET2 business day (the next one is 2026-12-28)" },
	{ "execution on a Saturday", bad_execution_weekend,
	    SEPA_PAIN_001_001_03, PN_E_FORMAT, "execution date 2026-12-05 is "
	    "not a TARGET2 business day (the next one is 2026-12-07)" },
	{ "execution malformed", bad_execution_format, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "execution date \"2026-12-7\" is not a date "
	    "YYYY-MM-DD" },
	{ "execution impossible", bad_execution_impossible,
	    SEPA_PAIN_001_001_09, PN_E_FORMAT, "execution date \"2026-02-30\" "
	    "is not a date YYYY-MM-DD" },
	{ "execution before creation", bad_execution_past,
	    SEPA_PAIN_001_001_09, PN_E_FORMAT, "execution date 2026-11-30 is "
	    "before the file's creation, 2026-12-01T09:00:00Z" },
	{ "MsgId //", bad_msg_id_slashes, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "message id (MsgId) \"PN//2026-11\" contains \"//\"" },
	{ "MsgId /...", bad_msg_id_leading_slash, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "message id (MsgId) \"/PN-2026-11\" starts with '/'" },
	{ "MsgId .../", bad_msg_id_trailing_slash, SEPA_PAIN_001_001_03,
	    PN_E_FORMAT, "message id (MsgId) \"PN-2026-11/\" ends with '/'" },
	{ "MsgId _", bad_msg_id_char, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "message id (MsgId) \"PN_2026_11\" holds a character other than "
	    "a-z A-Z 0-9 / - ? : ( ) . , ' +" },
	{ "MsgId empty", bad_msg_id_empty, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "message id (MsgId) \"\" is empty" },
	{ "reference", bad_reference, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "batch reference (PmtInfId) \"PN 2026-11\" holds a character "
	    "other than a-z A-Z 0-9 / - ? : ( ) . , ' +" },
	{ "EndToEndId too long", bad_end_to_end_length, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 1 (venue 123, Mediatheque de l'Ile): the "
	    "end-to-end id \"PN-2026-11-01-ABCDEFGHIJKLMNO-V000123\" is "
	    "longer than 35 characters" },
	{ "debtor IBAN", bad_debtor_iban, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "the debtor: IBAN \"FR7630006000011234567890180\" fails the "
	    "mod-97 check" },
	{ "debtor BIC", bad_debtor_bic, SEPA_PAIN_001_001_03, PN_E_FORMAT,
	    "the debtor: BIC \"BDF\" does not have 8 or 11 characters" },
	{ "debtor name", bad_debtor_name, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "the debtor's name has no character the EPC set can spell" },
	{ "line name UTF-8", bad_line_name_utf8, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 1 (venue 123): name: invalid UTF-8 at byte 3" },
	{ "line name empty", bad_line_name_empty, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 3 (venue 42): the name has no character the "
	    "EPC set can spell" },
	{ "venue twice", bad_duplicate_venue, SEPA_PAIN_001_001_09,
	    PN_E_FORMAT, "line 3 (venue 123, Cafe numerique): the venue is "
	    "already on line 1" },
	{ "venue id", bad_venue_id, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "line 2: venue id 0 is not positive" },
	{ "created_at", bad_created_at, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "creation time -1 is out of range" },
	{ "label UTF-8", bad_label_utf8, SEPA_PAIN_001_001_09, PN_E_FORMAT,
	    "the period's label: invalid UTF-8 at byte 9" },
	{ "version", bad_version, (enum sepa_version)5, PN_E_ARG,
	    "pain.001 version 5: only pain.001.001.09 (9) and pain.001.001.03 "
	    "(3) are made" },
};

static void
test_refusals(void **state)
{
	struct pn_error err;
	struct fixture f;
	char *out;
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(refusals); i++) {
		const struct refusal *r = &refusals[i];

		fixture_init(&f);
		r->breaks(&f);
		pn_error_clear(&err);
		out = (char *)&f;	/* must be reset */
		len = 99;
		if (sepa_write(&f.x, r->version, &out, &len, &err) != -1)
			fail_msg("%s: accepted", r->what);
		if (out != NULL || len != 0)
			fail_msg("%s: left a file", r->what);
		if (err.code != r->code || strcmp(err.message, r->message) != 0)
			fail_msg("%s: code %d, \"%s\"; wanted \"%s\"", r->what,
			    (int)err.code, err.message, r->message);
	}
}

/* A BIC .03 refuses is fine in .09; the debtor's too. */
static void
test_bic_location(void **state)
{
	struct fixture f;
	size_t len;
	char *out;

	(void)state;
	fixture_init(&f);
	bad_line_bic_location_03(&f);
	out = make(&f.x, SEPA_PAIN_001_001_09, &len);
	assert_int_equal(validate(XSD_09, out, len), 0);
	free(out);
}

static void
test_arguments(void **state)
{
	struct pn_error err;
	struct fixture f;
	char *out;
	size_t len;

	(void)state;
	fixture_init(&f);
	assert_int_equal(sepa_write(NULL, SEPA_PAIN_001_001_09, &out, &len,
	    &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_int_equal(sepa_write(&f.x, SEPA_PAIN_001_001_09, NULL, &len,
	    &err), -1);
	assert_int_equal(sepa_write(&f.x, SEPA_PAIN_001_001_09, &out, NULL,
	    &err), -1);
	f.x.lines = NULL;
	assert_int_equal(sepa_write(&f.x, SEPA_PAIN_001_001_09, &out, &len,
	    &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	/* err may be NULL. */
	assert_int_equal(sepa_write(&f.x, SEPA_PAIN_001_001_09, &out, &len,
	    NULL), -1);
}

static int
teardown_all(void **state)
{
	(void)state;
	xmlCleanupParser();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pain_09),
		cmocka_unit_test(test_pain_03),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bic_location),
		cmocka_unit_test(test_arguments),
	};

	xmlInitParser();
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
