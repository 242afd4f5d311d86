/* ui_venue_statements.c -- GET /lieu/releves: a venue's settlement statements, and each one's PDF.
 *
 * Once a batch is approved, each venue paid in it has a statement: the
 * sessions and vouchers the transfer pays. A venue user sees its own
 * statements only (the venue comes from the account, never from the
 * request); an admin names the venue with "?lieu=ID", as on the other
 * venue pages. A statement of another venue is "not found", as is one
 * that does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "settle_rules.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

struct rows {
	struct html html;
	struct http_request *req;
	const struct ui_venue *uv;
	unsigned n;
};

static int
statement_row(void *ctx, const struct store_batch *b)
{
	struct rows *r = ctx;
	char label[SETTLE_LABEL_MAX], approved[PN_TIME_TEXT_MAX];
	char path[32 + SETTLE_REF_MAX], href[96 + SETTLE_REF_MAX];

	ui_compta_period_label(r->req, b->period, label, sizeof(label));
	pn_time_format_paris_date(b->approved_at, approved);
	(void)snprintf(path, sizeof(path), "/lieu/releves/%s.pdf",
	    b->reference);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	html_put(&r->html, "<tr><th scope=\"row\">%s</th><td>%s</td>"
	    "<td>%s</td><td>%s</td><td>", label, b->reference,
	    settle_status_label(b->status), approved);
	if (strcmp(b->status, "paid") == 0) {
		char day[SETTLE_DATE_MAX + 8];

		ui_day(b->paid_on, day, sizeof(day));
		html_put(&r->html, "%s, référence bancaire %s", day,
		    b->paid_reference);
	} else
		html_put(&r->html, "—");
	html_put(&r->html, "</td><td><a href=\"%s\" download>Relevé %s "
	    "(PDF)</a>", href, b->reference);
	/* Paid, the link gives the paid version; the approved one stays. */
	if (strcmp(b->status, "paid") == 0) {
		ui_venue_href(r->uv, path, "version=approuve", href,
		    sizeof(href));
		html_put(&r->html, "<br><a href=\"%s\" download>Relevé %s tel "
		    "qu’approuvé (PDF)</a>", href, b->reference);
	}
	html_put(&r->html, "</td></tr>");
	r->n++;
	return 0;
}

enum MHD_Result
ui_venue_statements(struct http_request *req)
{
	struct rows rows = { .req = req, .n = 0 };
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	struct html h;
	enum MHD_Result rc;
	char back[64];

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, true, &uv, &rc) != 0)
		return rc;
	rows.uv = &uv;
	html_init(&rows.html);
	if (store_venue_statements(s, uv.v.id, statement_row, &rows,
	    &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	ui_venue_href(&uv, "/lieu", NULL, back, sizeof(back));
	html_init(&h);
	ui_begin(&h, req, "Relevés de règlement");
	ui_venue_banner(&h, &uv);
	html_put(&h, "<p>Chaque mois, le Département règle les séances "
	    "validées du mois précédent. Le relevé d’un règlement détaille "
	    "les séances et les chèques que le virement paie ; il est prêt "
	    "dès que le règlement est approuvé. Une fois le virement fait, le "
	    "relevé dit aussi la date du paiement et sa référence bancaire ; "
	    "le relevé tel qu’approuvé reste disponible.</p>");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun relevé pour le moment.</p>");
	else
		html_put(&h, "<div class=\"scroll\" tabindex=\"0\" "
		    "role=\"region\" aria-labelledby=\"releves\"><table>"
		    "<caption id=\"releves\">Les relevés "
		    "du lieu, du plus récent au plus ancien</caption><thead>"
		    "<tr><th scope=\"col\">Période</th><th scope=\"col\">Lot"
		    "</th><th scope=\"col\">État</th>"
		    "<th scope=\"col\">Approuvé "
		    "le</th><th scope=\"col\">Payé</th><th scope=\"col\">"
		    "Relevé</th></tr></thead><tbody>%R</tbody></table></div>",
		    rows.html.failed ? "" : rows.html.buf);
	html_put(&h, "<p><a href=\"%s\">Retour aux séances</a></p>", back);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}

/*
 * The statement of a paid batch as the venue downloads it: the approved
 * one's sessions and vouchers (the batch's items, unchanged since), now
 * saying when and under which bank reference it was paid. Rendered from
 * the stored batch rather than stored: the approved file stays as it was,
 * with the hash its approval wrote in the audit log, and the paid version
 * is a pure function of the batch (dated at the payment's record, not
 * the clock), the same bytes at every download. 0 with *pdf (malloc'd)
 * and *len, or -1 with err.
 */
static int
paid_statement(struct http_request *req, struct store *s, int64_t line_id,
    const struct store_batch *b, unsigned char **pdf, size_t *len,
    struct pn_error *err)
{
	const struct config *cfg = http_request_config(req);
	struct statement st;
	int y, m, d, rc;

	if (store_batch_statement(s, line_id, &st, err) != 0)
		return -1;
	ui_compta_period_label(req, b->period, st.period_label,
	    sizeof(st.period_label));
	if (sscanf(b->paid_on, "%4d-%2d-%2d", &y, &m, &d) == 3)
		(void)snprintf(st.status_label, sizeof(st.status_label),
		    "payé le %02d/%02d/%04d", d, m, y);
	else
		(void)snprintf(st.status_label, sizeof(st.status_label),
		    "payé");
	(void)snprintf(st.bank_reference, sizeof(st.bank_reference), "%s",
	    b->paid_reference);
	(void)snprintf(st.debtor_name, sizeof(st.debtor_name), "%s",
	    cfg->settlement.debtor_name);
	st.generated_at = b->paid_at;
	rc = statement_pdf_render(&st, pdf, len, err);
	store_statement_free(&st);
	return rc;
}

enum MHD_Result
ui_venue_statement_pdf(struct http_request *req)
{
	const char *ref = http_request_param(req, 0);
	const char *version = http_request_query(req, "version");
	struct store_batch_file info;
	struct store_batch b;
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	char disposition[64 + SETTLE_REF_MAX];
	unsigned char *pdf = NULL;
	void *data = NULL;
	size_t len = 0;
	int64_t line_id = 0;
	int res;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	/*
	 * The stored file first, checked against its hash, whichever version
	 * is asked for: a statement altered in the database is refused in
	 * both.
	 */
	if (ref == NULL || (res = store_venue_statement_get(s, uv.v.id, ref,
	    &info, &data, &len, &err)) == 1)
		return ui_error_page(req, ERR_BATCH_NOT_FOUND,
		    "no statement of this venue in that batch");
	if (res == ERR_FILE_ALTERED)
		return ui_error_page(req, ERR_FILE_ALTERED, err.message);
	if (res != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if ((res = store_venue_statement_line(s, uv.v.id, ref, &line_id, &b,
	    &err)) != 0) {
		free(data);
		return res == 1 ? ui_error_page(req, ERR_BATCH_NOT_FOUND,
		    "no statement of this venue in that batch") :
		    ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	/* "?version=approuve": the file as approval stored it. */
	if (strcmp(b.status, "paid") != 0 || (version != NULL &&
	    strcmp(version, "approuve") == 0)) {
		/* A reference the store holds ("PN-2026-11-01"): nothing to quote. */
		(void)snprintf(disposition, sizeof(disposition),
		    "attachment; filename=\"releve-%s.pdf\"", ref);
		return http_reply_document(req, 200, info.media_type,
		    disposition, data, len);
	}
	free(data);
	if (paid_statement(req, s, line_id, &b, &pdf, &len, &err) != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"releve-%s-paye.pdf\"", ref);
	return http_reply_document(req, 200, "application/pdf", disposition,
	    pdf, len);
}
