/* ui_admin_applications.c -- the admin's queue of venue applications.
 *
 *   GET  /admin/candidatures			pending ones, then past ones
 *   POST /admin/candidatures/{id}/accepter	the venue and its first user
 *   POST /admin/candidatures/{id}/refuser	with a reason
 *
 * Accepting puts a venue on the payment path, so the admin types their
 * password again, checked by the login's own throttled check
 * (session_password_check()), as ui_venue_terminals.c does. The first
 * user's one-time password is shown once, on a page to print: no e-mail
 * server is assumed.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "passnum/timefmt.h"
#include "form.h"
#include "op_request.h"
#include "session.h"
#include "ui.h"
#include "venue_apply.h"
#include "worker.h"

#define LIST_MAX 200

struct list {
	struct html *h;
	struct http_request *req;
	unsigned pending, past;
};

static const char *
status_label(const char *status)
{
	if (strcmp(status, "accepted") == 0)
		return "Acceptée";
	if (strcmp(status, "refused") == 0)
		return "Refusée";
	return "En attente";
}

static int
one(void *ctx, const struct store_application *a)
{
	struct list *l = ctx;
	struct html *h = l->h;
	char when[PN_TIME_TEXT_MAX];
	bool pending = strcmp(a->status, "pending") == 0;

	if (!pending && l->past++ == 0)
		html_put(h, "<h2>Candidatures traitées</h2>");
	if (pending)
		l->pending++;
	pn_time_format_paris_date(a->received_at, when);
	html_put(h, "<section class=\"panel\" aria-labelledby=\"c%L\">"
	    "<h3 id=\"c%L\">%s — %s</h3><dl>"
	    "<dt>Reçue le</dt><dd>%s</dd>"
	    "<dt>SIRET</dt><dd>%s</dd><dt>Adresse</dt><dd>%s, %s</dd>"
	    "<dt>Contact</dt><dd>%s, %s, %s</dd>"
	    "<dt>IBAN</dt><dd class=\"iban\">%s</dd><dt>BIC</dt><dd>%s</dd>"
	    "<dt>Ateliers</dt><dd>%s</dd><dt>Présentation</dt><dd>%s</dd>"
	    "<dt>État</dt><dd>%s", a->id, a->id, a->name,
	    status_label(a->status), when, a->siret, a->address, a->commune,
	    a->contact_name, a->contact_email, a->contact_phone, a->iban,
	    a->bic, a->themes[0] != '\0' ? a->themes : "—",
	    a->message[0] != '\0' ? a->message : "—", status_label(a->status));
	if (!pending) {
		pn_time_format_paris_date(a->decided_at, when);
		html_put(h, " le %s par %s", when, a->decided_by);
		if (a->reason[0] != '\0')
			html_put(h, " : %s", a->reason);
		if (a->user_login[0] != '\0')
			html_put(h, " (lieu n° %L, identifiant %s)", a->venue_id,
			    a->user_login);
	}
	html_put(h, "</dd></dl>");
	if (pending) {
		html_put(h, "<form method=\"post\" "
		    "action=\"/admin/candidatures/%L/accepter\">", a->id);
		ui_csrf_field(h, l->req);
		html_put(h, "<label for=\"pw%L\">Votre mot de passe<span "
		    "class=\"hint\">Par sécurité, retapez le mot de passe de "
		    "votre compte pour accepter.</span></label>"
		    "<input id=\"pw%L\" name=\"password\" type=\"password\" "
		    "required maxlength=\"1024\" autocomplete=\"current-password\">"
		    "<button type=\"submit\">Accepter<span class=\"vh\"> %s"
		    "</span></button></form>", a->id, a->id, a->name);
		html_put(h, "<form method=\"post\" "
		    "action=\"/admin/candidatures/%L/refuser\">", a->id);
		ui_csrf_field(h, l->req);
		html_put(h, "<label for=\"r%L\">Motif du refus</label>"
		    "<input id=\"r%L\" name=\"motif\" type=\"text\" required "
		    "maxlength=\"%d\"><button type=\"submit\" class=\"secondary\">"
		    "Refuser<span class=\"vh\"> %s</span></button></form>",
		    a->id, a->id, APPLY_REASON_MAX, a->name);
	}
	html_put(h, "</section>");
	return 0;
}

static enum MHD_Result
show(struct http_request *req, unsigned status, const char *alert)
{
	struct list l = { NULL, req, 0, 0 };
	struct pn_error err;
	struct store *s;
	struct html h;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&h);
	l.h = &h;
	ui_begin(&h, req, "Candidatures des lieux");
	if (alert != NULL)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>%s</p>"
		    "</div>", alert);
	html_put(&h, "<p>Les lieux candidatent depuis la page publique "
	    "<a href=\"/devenir-lieu-partenaire\">Devenir lieu partenaire</a>."
	    "</p><h2>En attente</h2>");
	if (store_application_each(s, LIST_MAX, one, &l, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	if (l.pending == 0 && l.past == 0)
		html_put(&h, "<p>Aucune candidature pour l’instant.</p>");
	else if (l.pending == 0)
		html_put(&h, "<p>Aucune candidature en attente.</p>");
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_admin_applications(struct http_request *req)
{
	return show(req, 200, NULL);
}

/* The page to print: the first user's login and one-time password. */
static enum MHD_Result
printout(struct http_request *req, const struct application_accept_out *o)
{
	const char *url = http_request_config(req)->server.public_url;
	const char *host = http_request_header(req, "Host");
	struct html h;

	html_init(&h);
	ui_begin(&h, req, "Lieu accepté : accès à remettre");
	html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Le lieu « %s »"
	    " est enregistré (lieu n° %L), avec son premier compte.</p></div>"
	    "<p>Imprimez cette page ou recopiez-la maintenant : le mot de "
	    "passe n’est affiché qu’une fois.</p><dl class=\"panel\">"
	    "<dt>Adresse du service</dt><dd>%s%s/connexion</dd>"
	    "<dt>Identifiant</dt><dd class=\"serial\">%s</dd>"
	    "<dt>Mot de passe à usage unique</dt>"
	    "<dd class=\"enrol-code\">%s</dd></dl>"
	    "<h2>À faire en premier</h2><ol>"
	    "<li>Connectez-vous à l’adresse ci-dessus avec cet identifiant et "
	    "ce mot de passe.</li>"
	    "<li>Choisissez votre propre mot de passe : le service vous le "
	    "demande à la première connexion.</li>"
	    "<li>Ouvrez « Postes » pour inscrire le téléphone ou l’ordinateur "
	    "qui encaissera les chèques.</li></ol>"
	    "<p><a href=\"/admin/candidatures\">Retour aux candidatures</a></p>",
	    o->venue.name, o->venue.id,
	    /* [server] public_url when set; else the address asked, escaped. */
	    url[0] != '\0' ? url : http_request_tls(req) ? "https://" :
	    "http://", url[0] != '\0' ? "" : host != NULL ? host : "",
	    o->login, o->password);
	return ui_end(&h, req, 200);
}

static const char *
refusal_text(enum err_code code)
{
	switch (code) {
	case ERR_APPLICATION_NOT_FOUND:
		return "Cette candidature est introuvable.";
	case ERR_APPLICATION_DECIDED:
		return "Cette candidature a déjà été traitée : rien n’est "
		    "changé.";
	case ERR_ALREADY_RECORDED:
		return "Un lieu avec ce SIRET, ou ce compte, existe déjà : "
		    "refusez la candidature en le disant.";
	case ERR_INVALID_FIELD:
		return "Cette candidature ne remplit plus les règles d’un lieu "
		    "(SIRET, IBAN ou BIC) : refusez-la en le disant.";
	default:
		return NULL;
	}
}

enum MHD_Result
ui_admin_application_accept(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *password = f != NULL ? form_get(f, "password") : NULL;
	struct application_accept_out out;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum MHD_Result rc;
	enum err_code code;
	unsigned wait = 0;
	uint64_t id = ui_param_id(req);

	if (id == 0)
		return ui_error_page(req, ERR_APPLICATION_NOT_FOUND, NULL);
	if (password == NULL || password[0] == '\0' || strlen(password) > 1024)
		return show(req, 400, "Le mot de passe manque : retapez le mot "
		    "de passe de votre compte pour accepter.");
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	switch (ui_reauth(req, s, &cx, password, &wait, &err)) {
	case UI_REAUTH_OK:
		break;
	case UI_REAUTH_FAILED:
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	case UI_REAUTH_THROTTLED:
		return show(req, 429, "Trop d’essais manqués pour ce compte ou "
		    "depuis ce poste : réessayez plus tard.");
	default:
		return show(req, 401, "Mot de passe incorrect : retapez le mot "
		    "de passe avec lequel vous vous connectez.");
	}
	code = application_accept(&cx, (int64_t)id, &out, &why);
	if (code != ERR_NONE) {
		const char *t = refusal_text(code);

		return t != NULL ? show(req, err_lookup(code)->status, t) :
		    ui_error_page(req, code, why.detail);
	}
	rc = printout(req, &out);
	sodium_memzero(out.password, sizeof(out.password));
	return rc;
}

enum MHD_Result
ui_admin_application_refuse(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *reason = f != NULL ? form_get(f, "motif") : NULL;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	enum err_code code;
	uint64_t id = ui_param_id(req);

	if (id == 0)
		return ui_error_page(req, ERR_APPLICATION_NOT_FOUND, NULL);
	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	code = application_refuse(&cx, (int64_t)id, reason, &why);
	if (code == ERR_INVALID_FIELD)
		return show(req, 400, "Le motif du refus manque ou est trop "
		    "long : écrivez-le en une ligne.");
	if (code != ERR_NONE) {
		const char *t = refusal_text(code);

		return t != NULL ? show(req, err_lookup(code)->status, t) :
		    ui_error_page(req, code, why.detail);
	}
	return http_redirect(req, "/admin/candidatures");
}
