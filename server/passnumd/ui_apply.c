/* ui_apply.c -- the public page « Devenir lieu partenaire »: a venue applies.
 *
 *   GET  /devenir-lieu-partenaire	the form
 *   POST /devenir-lieu-partenaire	the application (venue_apply.h)
 *
 * Anyone may post it, so it is built for being abused:
 * - it carries its own form token, as the login form does (ui_login.c):
 *   a random value in a short-lived cookie and in a hidden field, equal
 *   or refused, so that another site cannot post applications through
 *   its visitors' browsers;
 * - a honeypot: a field "site_web" that CSS hides from people and that
 *   robots fill in; filled, the answer looks like a success and nothing is
 *   stored, so that the robot learns nothing;
 * - APPLY_PER_DAY applications per address within a day (the operation
 *   counts them in the transaction that adds), 429 beyond;
 * - the body is bounded as every page's (no HTTP_LARGE_BODY), and every
 *   text by the operation.
 * An application is only a request: an admin reads it and accepts it or
 * not (/admin/candidatures).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "form.h"
#include "op_request.h"
#include "session.h"
#include "ui.h"
#include "venue_apply.h"

#define APPLY_COOKIE "pn_apply"
#define APPLY_COOKIE_AGE 7200		/* seconds to fill in the form */
#define APPLY_ERRORS 12

/* A field of the form: the operation's name, the form's, its label. */
struct apply_field {
	const char *op;
	const char *form;
	const char *label;
	const char *type;
	const char *autocomplete;
	int maxlength;
	const char *hint;
};

static const struct apply_field fields[] = {
	{ "name", "nom", "Nom du lieu", "text", "organization", 140, NULL },
	{ "siret", "siret", "SIRET", "text", "off", 20,
	  "Les 14 chiffres, espaces permis." },
	{ "address", "adresse", "Adresse", "text", "street-address", 200,
	  NULL },
	{ "commune", "commune", "Commune", "text", "address-level2", 64,
	  NULL },
	{ "contact_name", "contact_nom", "Nom de la personne à contacter",
	  "text", "name", 100, NULL },
	{ "contact_email", "contact_email", "Adresse électronique", "email",
	  "email", 100, NULL },
	{ "contact_phone", "contact_tel", "Téléphone", "tel", "tel", 20,
	  NULL },
	{ "iban", "iban", "IBAN du compte à payer", "text", "off", 42,
	  "Tel qu’il figure sur votre RIB, espaces permis." },
	{ "bic", "bic", "BIC", "text", "off", 11, NULL },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The French message of refusal r at its field. */
static const char *
field_message(const struct op_refusal *r)
{
	const char *f = r->field != NULL ? r->field : "";

	if (strcmp(f, "siret") == 0)
		return "Ce SIRET n’est pas valable : vérifiez les 14 chiffres "
		    "sur un document de l’Insee ou un extrait Kbis.";
	if (strcmp(f, "iban") == 0)
		return "Cet IBAN n’est pas valable : recopiez-le depuis votre "
		    "RIB, lettre par lettre.";
	if (strcmp(f, "bic") == 0)
		return "Ce BIC n’est pas valable : recopiez les 8 ou 11 "
		    "caractères de votre RIB.";
	if (strcmp(f, "contact_email") == 0)
		return "Saisissez une adresse électronique complète, par "
		    "exemple nom@exemple.fr.";
	if (strcmp(f, "themes") == 0 || strcmp(f, "message") == 0)
		return "Ce texte est trop long ou contient des caractères "
		    "invalides : raccourcissez-le.";
	return "Remplissez ce champ, sans retour à la ligne et sans dépasser "
	    "la longueur permise.";
}

/* The form's id of the operation's field. */
static const char *
form_name(const char *op)
{
	size_t i;

	if (op == NULL)
		return NULL;
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].op, op) == 0)
			return fields[i].form;
	return strcmp(op, "message") == 0 ? "message" : strcmp(op, "themes")
	    == 0 ? "theme-0" : NULL;
}

static const char *
value_of(const struct form *f, const char *name)
{
	const char *v = f != NULL ? form_get(f, name) : NULL;

	return v != NULL ? v : "";
}

/* The form, with a fresh token, the values f sent and their errors. */
static enum MHD_Result
show_form(struct http_request *req, unsigned status, const struct form *f,
    const struct ui_field_error *e, size_t n, const char *alert)
{
	char token[SESSION_TOKEN_MAX], cookie[256];
	struct pn_error err;
	struct html h;
	size_t i;

	session_token_new(token);
	if (session_cookie_header(cookie, sizeof(cookie), APPLY_COOKIE, token,
	    APPLY_COOKIE_AGE, http_request_tls(req)) != 0 ||
	    http_add_header(req, MHD_HTTP_HEADER_SET_COOKIE, cookie) != 0)
		return ui_error_page(req, ERR_INTERNAL, "application cookie");
	html_init(&h);
	ui_begin(&h, req, "Devenir lieu partenaire");
	ui_error_summary(&h, e, n);
	if (alert != NULL)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>%s</p>"
		    "</div>", alert);
	html_put(&h, "<p>Votre lieu accueille des ateliers numériques ? "
	    "Proposez-le : le Département étudie votre candidature et vous "
	    "contacte. Les chèques sont payés sur le compte que vous indiquez."
	    "</p><form class=\"panel\" method=\"post\" "
	    "action=\"/devenir-lieu-partenaire\" novalidate>"
	    "<input type=\"hidden\" name=\"apply_csrf\" value=\"%s\">", token);
	sodium_memzero(token, sizeof(token));
	for (i = 0; i < NFIELDS; i++) {
		const struct apply_field *fl = &fields[i];
		const struct ui_field_error *fe = ui_field_error_of(e, n,
		    fl->form);

		html_put(&h, "<label for=\"%s\">%s", fl->form, fl->label);
		if (fl->hint != NULL)
			html_put(&h, "<span class=\"hint\" id=\"%s-hint\">%s"
			    "</span>", fl->form, fl->hint);
		html_put(&h, "</label>");
		ui_compta_field_error(&h, fl->form, fe != NULL, fe != NULL ?
		    fe->message : "");
		html_put(&h, "<input id=\"%s\" name=\"%s\" type=\"%s\" "
		    "autocomplete=\"%s\" maxlength=\"%d\" required", fl->form,
		    fl->form, fl->type, fl->autocomplete, fl->maxlength);
		ui_compta_field_attrs(&h, fl->form, fl->hint != NULL ?
		    fl->form : NULL, fe != NULL);
		html_put(&h, " value=\"%s\">", value_of(f, fl->form));
	}
	html_put(&h, "<fieldset><legend>Ateliers proposés</legend>");
	if (ui_theme_boxes(&h, f, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_put(&h, "</fieldset>");
	{
		const struct ui_field_error *fe = ui_field_error_of(e, n,
		    "message");

		html_put(&h, "<label for=\"message\">Présentez votre lieu "
		    "(facultatif)</label>");
		ui_compta_field_error(&h, "message", fe != NULL, fe != NULL ?
		    fe->message : "");
		html_put(&h, "<textarea id=\"message\" name=\"message\" "
		    "rows=\"5\" maxlength=\"%d\"", APPLY_MESSAGE_MAX);
		ui_compta_field_attrs(&h, "message", NULL, fe != NULL);
		html_put(&h, ">%s</textarea>", value_of(f, "message"));
	}
	/* The honeypot: hidden from people, and from screen readers. */
	html_put(&h, "<div class=\"hp\" aria-hidden=\"true\"><label "
	    "for=\"site_web\">Site web</label><input id=\"site_web\" "
	    "name=\"site_web\" type=\"text\" tabindex=\"-1\" "
	    "autocomplete=\"off\"></div>"
	    "<button type=\"submit\">Envoyer ma candidature</button></form>");
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_apply_form(struct http_request *req)
{
	return show_form(req, 200, NULL, NULL, 0, NULL);
}

/* The answer to an application received, or to a robot's. */
static enum MHD_Result
thanks(struct http_request *req)
{
	struct html h;

	html_init(&h);
	ui_begin(&h, req, "Candidature envoyée");
	html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Merci : "
	    "votre candidature est envoyée. Le Département l’étudie et vous "
	    "contacte à l’adresse électronique indiquée.</p></div>"
	    "<p><a href=\"/\">Retour à l’accueil</a></p>");
	return ui_end(&h, req, 200);
}

static bool
form_token_ok(struct http_request *req, const struct form *f)
{
	const char *field = form_get(f, "apply_csrf");
	const char *cookie = http_request_cookie(req, APPLY_COOKIE);
	size_t n;

	if (field == NULL || cookie == NULL || (n = strlen(field)) == 0 ||
	    n != strlen(cookie))
		return false;
	return sodium_memcmp(field, cookie, n) == 0;
}

enum MHD_Result
ui_apply(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	struct op_refusal why[APPLY_ERRORS];
	struct ui_field_error e[APPLY_ERRORS];
	struct store_application a;
	struct venue_apply_in in;
	char themes[APPLY_THEMES_MAX + 1];
	struct pn_error err;
	struct op_ctx cx;
	enum err_code code;
	size_t i, n;
	int64_t id;

	if (f == NULL || !form_token_ok(req, f))
		return show_form(req, 403, f, NULL, 0, "Le formulaire a "
		    "expiré. Vérifiez vos réponses et envoyez-le de nouveau.");
	/* A robot: the same answer as a person's, and nothing stored. */
	if (value_of(f, "site_web")[0] != '\0')
		return thanks(req);
	if (ui_themes_ticked(f, themes, sizeof(themes), &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	in = (struct venue_apply_in){ form_get(f, "nom"), form_get(f, "siret"),
	    form_get(f, "adresse"), form_get(f, "commune"),
	    form_get(f, "contact_nom"), form_get(f, "contact_email"),
	    form_get(f, "contact_tel"), form_get(f, "iban"), form_get(f, "bic"),
	    themes, value_of(f, "message"), http_request_address(req) };
	n = venue_apply_check(&in, &a, why, APPLY_ERRORS);
	if (n > APPLY_ERRORS)
		n = APPLY_ERRORS;
	for (i = 0; i < n; i++) {
		e[i].field = form_name(why[i].field);
		e[i].id = e[i].field;
		e[i].message = field_message(&why[i]);
	}
	if (n > 0)
		return show_form(req, 400, f, e, n, NULL);
	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	cx.actor = "public";		/* no one logged in: the page's own */
	code = venue_apply(&cx, &in, &id, &why[0]);
	if (code == ERR_APPLICATION_RATE_LIMITED) {
		(void)http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, "86400");
		return show_form(req, 429, f, NULL, 0, "Trop de candidatures "
		    "ont été envoyées depuis cette adresse aujourd’hui. "
		    "Réessayez demain, ou appelez le Département.");
	}
	if (code != ERR_NONE)
		return ui_error_page(req, code, why[0].detail);
	return thanks(req);
}
