/* ui_search.c -- GET /recherche: find a voucher by the serial printed on it, and see its control key. */
#include <stdio.h>

#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "booklet.h"
#include "booklet_issue.h"
#include "scope.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

static void
put_form(struct html *h, const char *typed, bool invalid)
{
	html_put(h, "<form class=\"panel\" method=\"get\" action=\"/recherche\">"
	    "<label for=\"numero\">Numéro imprimé sur le chèque<span "
	    "class=\"hint\" id=\"numero-hint\">Par exemple 0000 0000 0001 3 ; "
	    "les espaces sont facultatives.</span></label>"
	    "<input id=\"numero\" name=\"numero\" type=\"text\" "
	    "inputmode=\"numeric\" autocomplete=\"off\" required maxlength=\"40\" "
	    "aria-describedby=\"numero-hint\"%R value=\"%s\">"
	    "<button type=\"submit\">Rechercher</button></form>",
	    invalid ? " aria-invalid=\"true\"" : "", typed != NULL ? typed : "");
}

/*
 * The voucher found: its printed serial and control key as on the paper
 * (the key lets support check what a venue typed), where it stands.
 */
static void
put_voucher(struct html *h, struct store *s,
    const struct store_voucher_info *info)
{
	struct booklet_codes c;
	char value[PN_MONEY_TEXT_MAX];
	char issued[PN_TIME_TEXT_MAX], expires[PN_TIME_TEXT_MAX];
	char cancelled[PN_TIME_TEXT_MAX];

	voucher_codes(info->programme_id, &info->v, &c);
	pn_money_format(info->v.value, value);
	pn_time_format_paris_date(info->v.issued_at, issued);
	pn_time_format_paris_date(info->v.expires_at, expires);
	html_put(h, "<h2>Chèque %s</h2><dl class=\"panel\">"
	    "<dt>Clé de contrôle</dt><dd><strong>%s</strong></dd>"
	    "<dt>État</dt><dd class=\"status-%s\">", c.printed,
	    c.control_key, info->v.status);
	ui_voucher_use(h, s, &info->v);
	html_put(h, "</dd><dt>Valeur</dt><dd>%s</dd><dt>Émis le</dt><dd>%s"
	    "</dd><dt>Valable jusqu’au</dt><dd>%s</dd><dt>Carnet</dt><dd>"
	    "<a href=\"/carnets/%L\">Carnet n° %L</a></dd>", value, issued,
	    expires, info->booklet_id, info->booklet_id);
	if (info->cancelled_at != 0) {
		pn_time_format_paris_date(info->cancelled_at, cancelled);
		html_put(h, "<dt>Annulé le</dt><dd>%s</dd><dt>Motif</dt>"
		    "<dd>%s</dd>", cancelled, info->cancel_reason);
	}
	html_put(h, "</dl>");
}

enum MHD_Result
ui_search(struct http_request *req)
{
	const char *typed = http_request_query(req, "numero");
	const struct store_principal *who = http_request_principal(req);
	struct store_voucher_info info;
	enum pn_serial_status st;
	struct pn_error err;
	struct store *s;
	struct html h;
	uint64_t serial;
	unsigned status = 200;
	int res;

	if (typed != NULL && typed[0] == '\0')
		typed = NULL;
	html_init(&h);
	ui_begin(&h, req, "Rechercher un chèque");
	if (typed == NULL) {
		put_form(&h, NULL, false);
		return ui_end(&h, req, 200);
	}
	if ((st = pn_serial_parse(typed, &serial)) != PN_SERIAL_OK) {
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>%s</p>"
		    "</div>", pn_serial_status_message(st));
		put_form(&h, typed, true);
		return ui_end(&h, req, 400);
	}
	if ((s = worker_store(&err)) == NULL ||
	    (res = store_voucher_get(s, serial, scope_agency(who), &info,
	    &err)) < 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	put_form(&h, typed, false);
	if (res == 1) {
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>Aucun "
		    "chèque de votre service ne porte ce numéro.</p></div>");
		status = 404;
	} else
		put_voucher(&h, s, &info);
	return ui_end(&h, req, status);
}
