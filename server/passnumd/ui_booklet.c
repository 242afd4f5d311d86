/* ui_booklet.c -- a booklet's page (its vouchers, their QR codes and control keys), and cancelling.
 *
 *   GET  /carnets/{id}
 *   POST /carnets/{id}/annuler	every outstanding voucher of the booklet
 *   POST /cheques/{serial}/annuler	one voucher
 *
 * A caseworker sees only the booklets of their agency: another agency's
 * booklet is "not found", as in the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/qr.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "booklet.h"
#include "form.h"
#include "booklet_issue.h"
#include "op_request.h"
#include "voucher_cancel.h"
#include "scope.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* The voucher's QR code as inline SVG, with a text alternative. */
static void
put_qr(struct html *h, const char *code, const char *printed)
{
	struct pn_error err;
	const char *svg;
	char *doc;
	size_t len;

	if (pn_qr_svg(code, 4, &doc, &len, &err) != 0) {
		html_put(h, "<p class=\"error\">Code QR impossible à afficher : "
		    "utilisez le PDF.</p>");
		return;
	}
	/* Inline SVG in HTML takes the element without its XML prologue. */
	svg = strstr(doc, "<svg");
	html_put(h, "<div role=\"img\" aria-label=\"Code QR du chèque %s\">"
	    "%R</div>", printed, svg != NULL ? svg : "");
	free(doc);
}

static void
put_cancel_form(struct html *h, struct http_request *req, const char *action,
    const char *summary, const char *id)
{
	html_put(h, "<details><summary>%s</summary><form method=\"post\" "
	    "action=\"%s\">", summary, action);
	ui_csrf_field(h, req);
	html_put(h, "<label for=\"reason-%s\">Motif de l’annulation</label>"
	    "<textarea id=\"reason-%s\" name=\"reason\" rows=\"2\" required "
	    "maxlength=\"%d\"></textarea><button type=\"submit\" "
	    "class=\"danger\">Confirmer l’annulation</button></form></details>",
	    id, id, BOOKLET_REASON_MAX);
}

static void
put_voucher(struct html *h, struct http_request *req, struct store *s,
    const struct store_booklet *b, const struct store_voucher *v)
{
	struct booklet_codes c;
	char value[PN_MONEY_TEXT_MAX], expires[PN_TIME_TEXT_MAX], action[64],
	    id[32];
	bool open = strcmp(v->status, "issued") == 0;

	booklet_codes(b, v, &c);
	pn_money_format(v->value, value);
	pn_time_format_paris_date(v->expires_at, expires);
	html_put(h, "<li class=\"voucher\">");
	if (open)
		put_qr(h, c.text, c.printed);
	html_put(h, "<p class=\"serial\">%s</p><p>Clé de contrôle : "
	    "<strong>%s</strong></p><dl><dt>Valeur</dt><dd>%s</dd>"
	    "<dt>Valable jusqu’au</dt><dd>%s</dd><dt>État</dt>"
	    "<dd class=\"status-%s\">", c.printed, c.control_key, value,
	    expires, v->status);
	ui_voucher_use(h, s, v);
	html_put(h, "</dd></dl>");
	if (open) {
		(void)snprintf(action, sizeof(action), "/cheques/%llu/annuler",
		    (unsigned long long)v->serial);
		(void)snprintf(id, sizeof(id), "%llu",
		    (unsigned long long)v->serial);
		put_cancel_form(h, req, action, "Annuler ce chèque", id);
	}
	html_put(h, "</li>");
}

/*
 * Load booklet id into *b as req's principal may see it: 0, or -1 after
 * answering with the page that says why not.
 */
static int
load(struct http_request *req, uint64_t id, struct store_booklet *b,
    enum MHD_Result *rc)
{
	const struct store_principal *who = http_request_principal(req);
	struct pn_error err;
	struct store *s;
	int res;

	if (id == 0) {
		*rc = ui_error_page(req, ERR_BOOKLET_NOT_FOUND, "not a number");
		return -1;
	}
	if ((s = worker_store(&err)) == NULL ||
	    (res = store_booklet_get(s, (int64_t)id, b, &err)) < 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	if (res == 1 || !scope_sees(who, b->agency_id)) {
		*rc = ui_error_page(req, ERR_BOOKLET_NOT_FOUND, "no such booklet");
		return -1;
	}
	return 0;
}

/* The page of booklet id, with a French alert (or notice) above it. */
static enum MHD_Result
show(struct http_request *req, uint64_t id, const char *alert, bool ok,
    unsigned status)
{
	struct store_booklet *b = malloc(sizeof(*b));
	char title[64], date[PN_TIME_TEXT_MAX], action[64], total[PN_MONEY_TEXT_MAX];
	char state[16];
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	unsigned i, open = 0;
	int64_t sum = 0;
	struct html h;

	if (b == NULL)
		return ui_error_page(req, ERR_INTERNAL, "out of memory");
	if (load(req, id, b, &rc) != 0)
		goto done;
	if ((s = worker_store(&err)) == NULL ||
	    store_booklet_state(s, b->id, state, &err) < 0) {
		rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		goto done;
	}
	for (i = 0; i < b->n; i++) {
		sum += b->vouchers[i].value;
		open += strcmp(b->vouchers[i].status, "issued") == 0;
	}
	(void)snprintf(title, sizeof(title), "Carnet n° %lld",
	    (long long)b->id);
	pn_time_format_paris_date(b->issued_at, date);
	pn_money_format(sum, total);
	html_init(&h);
	ui_begin(&h, req, title);
	if (alert != NULL)
		html_put(&h, "<div class=\"alert%R\" role=\"%R\"><p>%F</p>"
		    "</div>", ok ? " ok" : "", ok ? "status" : "alert", alert);
	html_put(&h, "<dl class=\"panel\"><dt>Programme</dt><dd>%s</dd>"
	    "<dt>Remis le</dt><dd>%s</dd><dt>Chèques</dt><dd>%u, pour %s ; "
	    "%u encore valables</dd><dt>État</dt><dd>%s</dd></dl>",
	    b->programme_name, date, b->n, total, open,
	    ui_booklet_state_label(state));
	if (open > 0)
		html_put(&h, "<p><a class=\"button\" href=\"/api/v1/booklets/%L"
		    ".pdf\">Imprimer le carnet (PDF)</a></p>", b->id);
	html_put(&h, "<h2>Les chèques</h2><ul class=\"vouchers\">");
	for (i = 0; i < b->n; i++)
		put_voucher(&h, req, s, b, &b->vouchers[i]);
	html_put(&h, "</ul>");
	if (open > 0) {
		(void)snprintf(action, sizeof(action), "/carnets/%lld/annuler",
		    (long long)b->id);
		html_put(&h, "<h2>Annuler le carnet</h2><p>Annule les %u "
		    "chèques encore valables ; ceux déjà utilisés restent "
		    "dus au lieu de formation.</p>", open);
		put_cancel_form(&h, req, action, "Annuler tout le carnet",
		    "carnet");
	}
	rc = ui_end(&h, req, status);
done:
	free(b);
	return rc;
}

enum MHD_Result
ui_booklet(struct http_request *req)
{
	const char *notice = NULL;

	if (http_request_query(req, "cree") != NULL)
		notice = "Le carnet est créé. Imprimez-le et remettez-le à la "
		    "personne.";
	else if (http_request_query(req, "annule") != NULL)
		notice = "L’annulation est enregistrée : les chèques annulés "
		    "seront refusés par les lieux de formation.";
	return show(req, ui_param_id(req), notice, true, 200);
}

/* The reason field of a cancellation form, or NULL. */
static const char *
form_reason(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);

	return f != NULL ? form_get(f, "reason") : NULL;
}

/* After a refused cancellation: the booklet's page, saying why. */
static enum MHD_Result
refused(struct http_request *req, uint64_t booklet,
    const struct op_refusal *why)
{
	if (why->code == ERR_INVALID_FIELD)
		return show(req, booklet, "Indiquez le motif de l’annulation "
		    "(500 caractères au plus).", false, 400);
	if (why->code == ERR_NOT_CANCELLABLE)
		return show(req, booklet, err_lookup(why->code)->fr, false,
		    err_lookup(why->code)->status);
	return ui_error_page(req, why->code, why->detail);
}

enum MHD_Result
ui_booklet_cancel(struct http_request *req)
{
	uint64_t id = ui_param_id(req);
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	char where[64];
	unsigned n;

	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (booklet_cancel(&cx, id, form_reason(req), &n, &why) != ERR_NONE)
		return refused(req, id, &why);
	(void)snprintf(where, sizeof(where), "/carnets/%llu?annule=1",
	    (unsigned long long)id);
	return http_redirect(req, where);
}

enum MHD_Result
ui_voucher_cancel(struct http_request *req)
{
	const struct store_principal *who = http_request_principal(req);
	struct store_voucher_info info;
	uint64_t serial = ui_param_id(req);
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	char where[64];
	int res;

	if (serial == 0)
		return ui_error_page(req, ERR_VOUCHER_NOT_FOUND, "not a number");
	/* The voucher's booklet, to come back to its page. */
	if (op_request_ctx(req, &cx, &err) != 0 ||
	    (res = store_voucher_get(cx.s, serial, scope_agency(who), &info,
	    &err)) < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (res == 1)
		return ui_error_page(req, ERR_VOUCHER_NOT_FOUND, "no such "
		    "voucher");
	if (voucher_cancel(&cx, serial, form_reason(req), &why) != ERR_NONE)
		return refused(req, (uint64_t)info.booklet_id, &why);
	(void)snprintf(where, sizeof(where), "/carnets/%lld?annule=1",
	    (long long)info.booklet_id);
	return http_redirect(req, where);
}
