/* ui_layout.c -- what every page shares: frame, style sheet, error page.
 *
 * Pages aim at RGAA / WCAG 2.1 AA basics: lang="fr", a skip link, one h1,
 * labels on every field, visible focus, text contrast of at least 4.5:1,
 * and a layout that works on a phone. No script anywhere: the Content-
 * Security-Policy set in http.c forbids it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "auth.h"
#include "op.h"
#include "session.h"
#include "store.h"
#include "form.h"
#include "ui.h"

static const char stylesheet[] =
"*{box-sizing:border-box}"
"body{margin:0;font:1.05rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
"'DejaVu Sans',sans-serif;color:#1b1b1b;background:#f6f6f6}"
"a{color:#00477f}a:hover{text-decoration-thickness:2px}"
":focus-visible{outline:3px solid #b34000;outline-offset:2px}"
".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;"
"background:#fff;padding:.5rem;z-index:1}"
"header{background:#00477f;color:#fff;padding:.75rem 1rem;display:flex;"
"flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}"
"header a{color:#fff}header .brand{font-weight:700;text-decoration:none}"
/*
 * On the blue header the page's orange ring (#b34000 on #00477f, 1.7:1)
 * would not be seen: a white one there, 9.5:1 (WCAG 2.1 1.4.11 asks 3:1).
 */
"header :focus-visible{outline-color:#fff}"
"header form{margin:0}header nav{display:flex;flex-wrap:wrap;gap:1rem;"
"align-items:center}"
"main{max-width:52rem;margin:0 auto;padding:1rem}"
"h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem}"
"label{display:block;font-weight:600;margin:.75rem 0 .25rem}"
".hint{display:block;font-weight:400;color:#4a4a4a;font-size:.95rem}"
"input,select,textarea{font:inherit;width:100%;max-width:30rem;padding:.5rem;"
"border:2px solid #555;border-radius:4px;background:#fff;color:#1b1b1b}"
"button,.button{font:inherit;display:inline-block;padding:.6rem 1.1rem;"
"margin:.75rem .5rem 0 0;border:2px solid #00477f;border-radius:4px;"
"background:#00477f;color:#fff;text-decoration:none;cursor:pointer}"
".secondary{background:#fff;color:#00477f}"
".danger{background:#a3001b;border-color:#a3001b;color:#fff}"
"button:disabled{background:#e6e6e6;border-color:#767676;color:#3a3a3a;"
"cursor:not-allowed}code.hash{overflow-wrap:anywhere}"
"header button{margin:0;background:#fff;color:#00477f;padding:.3rem .8rem}"
".panel{background:#fff;border:1px solid #ccc;border-radius:6px;"
"padding:1rem;margin:1rem 0}"
".alert{border-left:6px solid #a3001b;background:#fff;padding:.75rem 1rem;"
"margin:1rem 0}.ok{border-left-color:#18753c}"
".scroll{overflow-x:auto}"
/*
 * On a desktop a wide table's region takes the page's width, up to 90rem,
 * while text keeps its 52rem column, centred: a batch's eight columns and
 * its IBANs on one line fit at 1280 px. main itself grows, so that
 * nothing sticks out of it; narrower screens keep one column and scroll.
 */
"@media (min-width:60rem){main{max-width:90rem}"
"main>*:not(.scroll){max-width:52rem;margin-left:auto;margin-right:auto}}"
".scroll:focus-visible{outline-offset:0}"
"caption{text-align:left;padding:.25rem 0;"
"color:#4a4a4a}"
"fieldset{border:0;padding:0;margin:.75rem 0}legend{font-weight:600}"
".choice{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}"
".choice input{width:1.25rem;height:1.25rem;margin:0}"
".choice label{font-weight:400;margin:0}"
".error{color:#a3001b;font-weight:600}"
/* A verdict read from a step away: words first, the colour besides. */
".verdict{border-radius:8px;padding:1rem 1.25rem;margin:1rem 0;color:#fff}"
".verdict h2{font-size:2.25rem;margin:0;letter-spacing:.02em}"
".verdict p{font-size:1.15rem;margin:.5rem 0 0}"
".verdict-ok{background:#18753c}.verdict-no{background:#a3001b}"
/* The dashboard's charts (svg_chart.h): the page's width, and their
 * data table for screen readers, the fuller table following them. */
".chart{position:relative;overflow:hidden;margin:1rem 0;background:#fff;"
"border:1px solid #ccc;border-radius:6px;padding:.75rem}.chart svg{display:block;width:100%;"
"height:auto}.chart figcaption{margin-bottom:.5rem}"
".chart-title{display:block;font-weight:700}"
".chart-summary{display:block;color:#4a4a4a;font-size:.95rem}"
/* A table is as wide as its cells whatever its width: the figure, its
 * containing block, clips it. */
".chart-data{position:absolute;left:0;top:0;width:1px;height:1px;"
"overflow:hidden;clip:rect(0 0 0 0)}"
".nowrap{white-space:nowrap}.sessions{list-style:none;padding:0}"
"th.num,td.num{text-align:right;white-space:nowrap}"
".sessions p{margin:.25rem 0}"
"table{border-collapse:collapse;width:100%;background:#fff}"
"th,td{border:1px solid #ccc;padding:.4rem .5rem;text-align:left;"
"vertical-align:top}"
".vouchers{display:grid;grid-template-columns:repeat(auto-fill,"
"minmax(17rem,1fr));gap:1rem;list-style:none;padding:0}"
".voucher{background:#fff;border:1px solid #ccc;border-radius:6px;"
"padding:.75rem}.voucher svg{width:100%;max-width:14rem;height:auto;"
"display:block;margin:0 auto}"
".serial{font:700 1.15rem/1.4 'DejaVu Sans Mono',monospace}"
".status-cancelled{color:#a3001b;font-weight:700}"
"details{margin-top:.5rem}"
/* An enrolment code, read aloud or copied by hand: large, its groups apart. */
".enrol-code{font:700 2rem/1.3 'DejaVu Sans Mono',monospace;"
"letter-spacing:.1em;overflow-wrap:anywhere}"
/* The application form's honeypot: no person sees or reaches it. */
".hp{display:none}"
/* The audit log's details: JSON without spaces, cut anywhere. */
"td.detail{overflow-wrap:anywhere;min-width:14rem}"
/* Read by screen readers, not shown: what a short button is about. */
".vh{position:absolute;width:1px;height:1px;overflow:hidden;"
"clip:rect(0 0 0 0);white-space:nowrap}"
"td form{margin:0}td button{position:relative;margin:0;padding:.3rem .6rem}"
"pre{background:#fff;border:1px solid #ccc;padding:.75rem;"
"white-space:pre-wrap;overflow-wrap:anywhere}"
".answer{white-space:pre-wrap;overflow-wrap:anywhere}"
"dl{display:grid;grid-template-columns:max-content minmax(0,1fr);"
"gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
/* On a phone, each term above its value rather than two thin columns. */
"@media (max-width:30rem){dl{grid-template-columns:minmax(0,1fr);gap:0}"
"dd{margin-bottom:.5rem}}"
".error-summary h2{margin-top:0}.error-summary:focus{outline:3px solid #b34000}"
".pager{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;"
"margin:1rem 0}.pager p{margin:0}"
/*
 * On paper (a booklet's page kept in the file): no header, menu, buttons
 * or forms; the vouchers' list in plain blocks that do not split across
 * pages. The vouchers themselves are printed from the PDF.
 */
"@media print{header,nav,.skip,form,details,button,.button{display:none}"
"body{background:#fff;font-size:11pt}main{max-width:none;padding:0}"
".vouchers{display:block}.voucher{break-inside:avoid;border:1px solid #000;"
"margin:0 0 .5rem}.voucher svg{max-width:3cm}a{color:#000;"
"text-decoration:none}.panel{border:1px solid #000}}";

const char *
ui_status_label(const char *status)
{
	static const struct { const char *status, *label; } labels[] = {
		{ "issued", "Valide" },
		{ "redeemed", "Utilisé" },
		{ "settled", "Remboursé" },
		{ "cancelled", "Annulé" },
		{ "expired", "Expiré" },
	};
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(status, labels[i].status) == 0)
			return labels[i].label;
	return status;
}

void
ui_day(const char *iso, char *buf, size_t len)
{
	int y, m, d, n = 0;

	if (sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    iso[n] == '\0')
		(void)snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
	else
		(void)snprintf(buf, len, "%s", iso);
}

const char *
ui_field(struct http_request *req, const char *name)
{
	const struct form *f = http_request_form(req, NULL);

	return f != NULL ? form_get(f, name) : NULL;
}

uint64_t
ui_param_id(struct http_request *req)
{
	uint64_t id;

	if (pn_parse_u64(http_request_param(req, 0), INT64_MAX, &id) != 0 ||
	    id == 0)
		return 0;
	return id;
}

enum MHD_Result
ui_stylesheet(struct http_request *req)
{
	return http_reply_text(req, 200, "text/css; charset=utf-8", stylesheet,
	    sizeof(stylesheet) - 1);
}

const char *
ui_home_path(const struct store_principal *who)
{
	if (who != NULL && who->role == ROLE_VENUE)
		return "/lieu";
	if (who != NULL && who->role == ROLE_ACCOUNTANT)
		return "/compta";
	if (who != NULL && who->role == ROLE_FUNDER)
		return "/pilotage";
	return "/accueil";
}

/*
 * A public route: the visitor is looked up here only to send a venue user
 * to the venue's pages, an accountant to the accounting pages and a
 * funder to the dashboard; anyone
 * else goes to /accueil, which asks for a login or refuses as it must.
 */
enum MHD_Result
ui_root(struct http_request *req)
{
	struct store_principal who;
	struct store_session sess;
	char detail[128];
	bool has;

	if (auth_check(req, ROLE_VENUE | ROLE_ACCOUNTANT | ROLE_FUNDER, &who,
	    &sess, &has, detail, sizeof(detail)) == AUTH_OK)
		return http_redirect(req, ui_home_path(&who));
	return http_redirect(req, "/accueil");
}

void
ui_csrf_field(struct html *h, struct http_request *req)
{
	const struct store_session *sess = http_request_session(req);

	/* A request made with a token has no session and needs no field. */
	if (sess != NULL)
		html_put(h, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">", sess->csrf);
}

void
ui_begin(struct html *h, struct http_request *req, const char *title)
{
	const struct store_principal *who = http_request_principal(req);

	html_put(h, "<!DOCTYPE html>\n<html lang=\"fr\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">"
	    "<title>%s — Pass numérique</title>"
	    "<link rel=\"stylesheet\" href=\"/static/passnum.css\">"
	    /* No icon: without this line browsers ask for /favicon.ico. */
	    "<link rel=\"icon\" href=\"data:,\">"
	    "</head><body>"
	    "<a class=\"skip\" href=\"#contenu\">Aller au contenu</a>"
	    "<header><a class=\"brand\" href=\"%s\">Pass numérique</a>",
	    title, ui_home_path(who));
	if (who != NULL) {
		html_put(h, "<nav aria-label=\"Menu principal\">");
		if (who->role == ROLE_VENUE)
			html_put(h, "<a href=\"/lieu/seance\">Séance en "
			    "cours</a><a href=\"/lieu/encaisser\">Encaisser "
			    "un chèque</a><a href=\"/lieu\">Séances et "
			    "remboursements</a><a href=\"/lieu/conflits\">"
			    "Conflits</a><a href=\"/lieu/postes\">Postes</a>");
		else if ((who->role & (ROLE_CASEWORKER | ROLE_ADMIN)) != 0)
			html_put(h, "<a href=\"/carnets/nouveau\">Nouveau "
			    "carnet</a><a href=\"/carnets\">Carnets</a>"
			    "<a href=\"/recherche\">Rechercher un "
			    "chèque</a>");
		if (who->role == ROLE_ADMIN)
			html_put(h, "<a href=\"/admin\">Administration</a>");
		if (who->role == ROLE_ACCOUNTANT || who->role == ROLE_ADMIN)
			html_put(h, "<a href=\"/compta\">Règlements</a>"
			    "<a href=\"/compta/contestations\">Contestations"
			    "</a><a href=\"/compta/bilan\">Bilan du "
			    "programme</a>");
		if ((who->role & (ROLE_ACCOUNTANT | ROLE_ADMIN | ROLE_FUNDER)) != 0)
			html_put(h, "<a href=\"/pilotage\">Pilotage</a>");
		html_put(h, "<a href=\"/compte\">Mon compte</a>");
		html_put(h, "<span>%s</span>", who->name[0] != '\0' ?
		    who->name : who->login);
		if (http_request_session(req) != NULL) {
			html_put(h, "<form method=\"post\" "
			    "action=\"/deconnexion\">");
			ui_csrf_field(h, req);
			html_put(h, "<button type=\"submit\">Se déconnecter"
			    "</button></form>");
		}
		html_put(h, "</nav>");
	}
	html_put(h, "</header><main id=\"contenu\"><h1>%s</h1>", title);
}

enum MHD_Result
ui_end(struct html *h, struct http_request *req, unsigned status)
{
	enum MHD_Result rc;

	html_put(h, "</main></body></html>\n");
	if (h->failed)
		rc = http_reply_error(req, ERR_INTERNAL, "out of memory");
	else
		rc = http_reply_html(req, status, h->buf, h->len);
	html_free(h);
	return rc;
}

/* An error page's title and next step, by its HTTP status. */
static const struct {
	unsigned status;
	const char *title, *next;
} error_pages[] = {
	{ 400, "Demande incorrecte", "Revenez à la page précédente et "
	    "corrigez ce qui est indiqué." },
	{ 401, "Connexion nécessaire", "Connectez-vous, puis recommencez." },
	{ 403, "Accès refusé", "Cette page n’est pas ouverte à votre compte : "
	    "revenez à votre accueil ou demandez l’accès à un administrateur." },
	{ 404, "Page introuvable", "Vérifiez l’adresse, ou repartez de votre "
	    "accueil." },
	{ 405, "Action impossible", "Cette adresse ne s’utilise pas ainsi : "
	    "repartez de votre accueil." },
	{ 408, "Délai dépassé", "Rechargez la page pour recommencer." },
	{ 409, "Action impossible", "Rechargez la page pour voir l’état à "
	    "jour, puis recommencez si besoin." },
	{ 413, "Envoi trop volumineux", "Revenez à la page précédente et "
	    "envoyez un fichier plus petit." },
	{ 414, "Adresse trop longue", "Repartez de votre accueil." },
	{ 429, "Trop de demandes", "Patientez une minute, puis recommencez." },
	{ 500, "Erreur du serveur", "Réessayez dans quelques minutes ; si "
	    "l’erreur revient, donnez la référence ci-dessous à "
	    "l’assistance." },
	{ 503, "Service momentanément indisponible", "Réessayez dans "
	    "quelques minutes ; si cela dure, donnez la référence ci-dessous "
	    "à l’assistance." },
};

enum MHD_Result
ui_error_page(struct http_request *req, enum err_code code,
    const char *detail)
{
	const struct err_info *e = err_lookup(code);
	const struct store_principal *who = http_request_principal(req);
	const struct store_session *sess = http_request_session(req);
	const struct store_principal *whose;
	const char *title = "Action impossible", *next = NULL;
	struct html h;
	char cause[512];
	size_t i;

	/* English, for programs and the log; the page says it in French. */
	(void)snprintf(cause, sizeof(cause), "%s", detail != NULL ? detail :
	    "");
	http_note_error(req, code, cause, sizeof(cause));
	for (i = 0; i < sizeof(error_pages) / sizeof(error_pages[0]); i++)
		if (error_pages[i].status == e->status) {
			title = error_pages[i].title;
			next = error_pages[i].next;
		}
	/* Refused by its role, a session still tells whose home it is. */
	whose = who != NULL ? who : sess != NULL ? &sess->who : NULL;
	html_init(&h);
	ui_begin(&h, req, title);
	html_put(&h, "<div class=\"alert\" role=\"alert\"><p>%F</p>", e->fr);
	if (next != NULL)
		html_put(&h, "<p>%s</p>", next);
	html_put(&h, "</div><p>Référence de la requête, à donner à "
	    "l’assistance : <code>%s</code></p>", http_request_id(req));
	/* The cause names tables and ids: for those who run the server. */
	if (whose != NULL && whose->role == ROLE_ADMIN && cause[0] != '\0')
		html_put(&h, "<details><summary>Détails techniques</summary>"
		    "<p>Code %d, statut HTTP %u : <span lang=\"en\">%s — "
		    "%s</span></p></details>", (int)e->code, e->status, e->en,
		    cause);
	html_put(&h, "<p><a href=\"%s\">Retour à l’accueil</a></p>",
	    ui_home_path(whose));
	return ui_end(&h, req, e->status);
}
