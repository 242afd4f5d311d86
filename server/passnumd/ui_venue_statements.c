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
	char path[32 + SETTLE_REF_MAX], href[64 + SETTLE_REF_MAX];

	ui_compta_period_label(r->req, b->period, label, sizeof(label));
	pn_time_format_paris_date(b->approved_at, approved);
	(void)snprintf(path, sizeof(path), "/lieu/releves/%s.pdf",
	    b->reference);
	ui_venue_href(r->uv, path, NULL, href, sizeof(href));
	html_put(&r->html, "<tr><th scope=\"row\">%s</th><td>%s</td>"
	    "<td>%s</td><td>%s</td><td>%s</td><td><a href=\"%s\" download>"
	    "Relevé %s (PDF)</a></td></tr>", label, b->reference,
	    settle_status_label(b->status), approved, b->paid_on[0] != '\0' ?
	    b->paid_on : "—", href, b->reference);
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
	    "dès que le règlement est approuvé.</p>");
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
		    "le</th><th scope=\"col\">Payé le</th><th scope=\"col\">"
		    "Relevé</th></tr></thead><tbody>%R</tbody></table></div>",
		    rows.html.failed ? "" : rows.html.buf);
	html_put(&h, "<p><a href=\"%s\">Retour aux séances</a></p>", back);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}

enum MHD_Result
ui_venue_statement_pdf(struct http_request *req)
{
	const char *ref = http_request_param(req, 0);
	struct store_batch_file info;
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	char disposition[64 + SETTLE_REF_MAX];
	void *data = NULL;
	size_t len = 0;
	int res;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (ui_venue_resolve(req, s, false, &uv, &rc) != 0)
		return rc;
	if (ref == NULL || (res = store_venue_statement_get(s, uv.v.id, ref,
	    &info, &data, &len, &err)) == 1)
		return ui_error_page(req, ERR_BATCH_NOT_FOUND,
		    "no statement of this venue in that batch");
	if (res == ERR_FILE_ALTERED)
		return ui_error_page(req, ERR_FILE_ALTERED, err.message);
	if (res != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	/* A reference the store holds ("PN-2026-11-01"): nothing to quote. */
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"releve-%s.pdf\"", ref);
	return http_reply_document(req, 200, info.media_type, disposition,
	    data, len);
}
