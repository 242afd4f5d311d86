/* ui_booklet_new.c -- "Nouveau carnet": the form, its confirmation, and issuing.
 *
 * Three steps over plain forms: the caseworker fills in the form, reads
 * back what will be issued and confirms (or goes back to change it), then
 * lands on the booklet's page. Nothing is written before the confirmation;
 * the checks of booklet_issue.c run at each step, so a mistake is shown at
 * the field that holds it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "form.h"
#include "booklet_issue.h"
#include "metrics.h"
#include "op_request.h"
#include "store.h"
#include "ui.h"
#include "validity.h"
#include "worker.h"

/* Every programme, for the form's list (a handful a year). */
struct programmes {
	struct store_programme *list;
	unsigned n, cap;
	bool failed;			/* out of memory */
};

static int
add_programme(void *ctx, const struct store_programme *p)
{
	struct programmes *ps = ctx;
	struct store_programme *grown;

	if (ps->n == ps->cap) {
		ps->cap = ps->cap == 0 ? 8 : 2 * ps->cap;
		if ((grown = realloc(ps->list, ps->cap * sizeof(*grown))) ==
		    NULL) {
			ps->failed = true;
			return 1;
		}
		ps->list = grown;
	}
	ps->list[ps->n++] = *p;
	return 0;
}

static const struct store_programme *
find_programme(const struct programmes *ps, int64_t id)
{
	unsigned i;

	for (i = 0; i < ps->n; i++)
		if (ps->list[i].id == id)
			return &ps->list[i];
	return NULL;
}

/* The French words for what is wrong with a field. */
static const char *
field_message(const char *field)
{
	static const struct { const char *field, *text; } messages[] = {
		{ "programme", "Choisissez un programme." },
		{ "ref", "Saisissez la référence du dossier (1 à 64 caractères, "
		  "dont au moins une lettre ou un chiffre, sans retour à la "
		  "ligne)." },
		{ "pathway", "Choisissez le parcours de la personne." },
		{ "age_band", "Choisissez la tranche d’âge." },
		{ "commune", "Saisissez la commune (1 à 64 caractères)." },
		{ "reason", "Indiquez le motif (500 caractères au plus)." },
	};
	size_t i;

	for (i = 0; field != NULL && i < sizeof(messages) /
	    sizeof(messages[0]); i++)
		if (strcmp(field, messages[i].field) == 0)
			return messages[i].text;
	return NULL;
}

/* What the form holds, as received (NULL: absent). */
struct entry {
	struct booklet_issue_in in;
	const char *programme_text;
};

static void
read_entry(const struct form *f, struct entry *e)
{
	uint64_t id;

	memset(e, 0, sizeof(*e));
	if (f == NULL)
		return;
	e->programme_text = form_get(f, "programme");
	if (e->programme_text != NULL &&
	    pn_parse_u64(e->programme_text, INT64_MAX, &id) == 0)
		e->in.programme = (int64_t)id;
	e->in.ref = form_get(f, "ref");
	e->in.pathway = form_get(f, "pathway");
	e->in.age_band = form_get(f, "age_band");
	e->in.commune = form_get(f, "commune");
	e->in.reason = form_get(f, "reason");
	if (e->in.reason != NULL && e->in.reason[0] == '\0')
		e->in.reason = NULL;
	e->in.idem_key = form_get(f, "idempotency_key");
}

/* The errors of the form being shown: refusals of booklet_issue_verify(). */
struct errors {
	struct ui_field_error e[8];
	size_t n;
};

/* The French words for refusal why, at its field. */
static const char *
refusal_message(const struct op_refusal *why)
{
	switch (why->code) {
	case ERR_BUDGET_EXHAUSTED:
		return "Le budget de ce programme ne permet plus de carnet : "
		    "choisissez-en un autre.";
	case ERR_UNKNOWN_PROGRAMME:
		return "Ce programme n’existe pas : choisissez-en un dans la "
		    "liste.";
	case ERR_ALREADY_HAS_BOOKLET:
		return "Cette personne a déjà reçu un carnet de ce programme. "
		    "Pour lui en remettre un autre, indiquez-en le motif.";
	case ERR_INVALID_FIELD:
		if (field_message(why->field) != NULL)
			return field_message(why->field);
		/* FALLTHROUGH */
	default:
		return err_lookup(why->code)->fr;
	}
}

/* The control a field's error links to: a group's first radio button. */
static const char *
field_control(const char *field)
{
	if (field == NULL || field_message(field) == NULL)
		return NULL;
	if (strcmp(field, "pathway") == 0)
		return "pathway-0";
	if (strcmp(field, "age_band") == 0)
		return "age_band-0";
	return field;
}

static void
errors_add(struct errors *es, const struct op_refusal *why)
{
	struct ui_field_error *e;

	if (es->n == sizeof(es->e) / sizeof(es->e[0]))
		return;
	/* One message a field: the first found is the one to fix first. */
	if (why->field != NULL &&
	    ui_field_error_of(es->e, es->n, why->field) != NULL)
		return;
	e = &es->e[es->n++];
	e->field = why->field;
	e->id = field_control(why->field);
	e->message = refusal_message(why);
}

/* The message under a field that holds an error. */
static void
put_field_error(struct html *h, const char *field, const struct errors *es)
{
	const struct ui_field_error *e = ui_field_error_of(es->e, es->n,
	    field);

	if (e != NULL)
		html_put(h, "<span id=\"%s-error\" class=\"error\">%F</span>",
		    field, e->message);
}

/*
 * The aria attributes of field's control: aria-invalid when it holds an
 * error, and aria-describedby naming its hint (NULL: none) and, when in
 * error, the message of put_field_error(), so that a screen reader reads
 * the message on reaching the field and not only in the summary above.
 */
static void
put_field_attrs(struct html *h, const char *field, const char *hint,
    const struct errors *es)
{
	ui_compta_field_attrs(h, field, hint,
	    ui_field_error_of(es->e, es->n, field) != NULL);
}

static void
put_choices(struct html *h, const char *name, const char *legend,
    const struct booklet_choice *set, size_t n, const char *current,
    const struct errors *bad)
{
	size_t i;

	html_put(h, "<fieldset");
	put_field_attrs(h, name, NULL, bad);
	html_put(h, "><legend>%s</legend>", legend);
	put_field_error(h, name, bad);
	for (i = 0; i < n; i++)
		html_put(h, "<div class=\"choice\"><input type=\"radio\" "
		    "id=\"%s-%u\" name=\"%s\" value=\"%s\" required%R>"
		    "<label for=\"%s-%u\">%s</label></div>", name, (unsigned)i,
		    name, set[i].value, current != NULL &&
		    strcmp(current, set[i].value) == 0 ? " checked" : "", name,
		    (unsigned)i, set[i].label);
	html_put(h, "</fieldset>");
}

/* What is left of p's budget, and whether one more booklet fits. */
static bool
budget_left(const struct store_programme *p, int64_t *left,
    int64_t *booklets)
{
	int64_t one = p->face_value * (int64_t)p->per_booklet;

	*left = p->budget > p->committed ? p->budget - p->committed : 0;
	*booklets = one > 0 ? *left / one : 0;
	return *booklets > 0;
}

/*
 * The form, filled with e; es holds the errors to show, summed up above
 * the form and each at its field.
 */
static enum MHD_Result
show_form(struct http_request *req, const struct programmes *ps,
    const struct entry *e, const struct errors *bad, unsigned status)
{
	const struct booklet_issue_in *in = &e->in;
	int64_t chosen = in->programme, left, booklets;
	struct html h;
	unsigned i;

	html_init(&h);
	ui_begin(&h, req, "Nouveau carnet");
	ui_error_summary(&h, bad->e, bad->n);
	if (ps->n == 0) {
		html_put(&h, "<p>Aucun programme n’est ouvert : demandez à "
		    "l’administrateur d’en créer un.</p>");
		return ui_end(&h, req, status);
	}
	/* By default the newest programme with budget left. */
	for (i = ps->n; chosen <= 0 && i-- > 0;)
		if (budget_left(&ps->list[i], &left, &booklets))
			chosen = ps->list[i].id;
	html_put(&h, "<p>Les champs sont tous obligatoires, sauf le motif. "
	    "Ne saisissez ni nom ni adresse : de la référence de votre "
	    "dossier, le serveur ne garde qu’une empreinte.</p>"
	    "<form class=\"panel\" method=\"post\" action=\"/carnets/nouveau\">");
	ui_csrf_field(&h, req);
	html_put(&h, "<label for=\"programme\">Programme<span class=\"hint\" "
	    "id=\"programme-hint\">Avec le budget qui lui reste ; un "
	    "programme épuisé ne peut pas être choisi.</span></label>");
	put_field_error(&h, "programme", bad);
	html_put(&h, "<select id=\"programme\" name=\"programme\" required");
	put_field_attrs(&h, "programme", "programme-hint", bad);
	html_put(&h, ">");
	/* Newest first: this year's programme is the one chosen most. */
	for (i = ps->n; i-- > 0;) {
		const struct store_programme *p = &ps->list[i];
		char value[PN_MONEY_TEXT_MAX], rest[PN_MONEY_TEXT_MAX];
		bool open = budget_left(p, &left, &booklets);

		pn_money_format(p->face_value, value);
		pn_money_format(left, rest);
		html_put(&h, "<option value=\"%L\"%R%R>%s — %u %R de %s — ",
		    p->id, p->id == chosen ? " selected" : "",
		    open ? "" : " disabled", p->name, p->per_booklet,
		    p->per_booklet == 1 ? "chèque" : "chèques", value);
		if (open)
			html_put(&h, "reste %s, soit %L %R</option>", rest,
			    booklets, booklets == 1 ? "carnet" : "carnets");
		else
			html_put(&h, "budget épuisé</option>");
	}
	html_put(&h, "</select>"
	    "<label for=\"ref\">Référence du dossier"
	    "<span class=\"hint\" id=\"ref-hint\">Votre propre numéro de "
	    "dossier pour cette personne. Il sert à repérer un second "
	    "carnet.</span></label>");
	put_field_error(&h, "ref", bad);
	html_put(&h, "<input id=\"ref\" name=\"ref\" type=\"text\" required "
	    "maxlength=\"%d\" autocomplete=\"off\"", BOOKLET_REF_MAX);
	put_field_attrs(&h, "ref", "ref-hint", bad);
	html_put(&h, " value=\"%s\">", in->ref != NULL ? in->ref : "");
	put_choices(&h, "pathway", "Parcours", booklet_pathways,
	    booklet_pathways_count, in->pathway, bad);
	put_choices(&h, "age_band", "Tranche d’âge", booklet_age_bands,
	    booklet_age_bands_count, in->age_band, bad);
	html_put(&h, "<label for=\"commune\">Commune de résidence</label>");
	put_field_error(&h, "commune", bad);
	html_put(&h, "<input id=\"commune\" name=\"commune\" type=\"text\" "
	    "required maxlength=\"%d\" autocomplete=\"address-level2\"",
	    BOOKLET_COMMUNE_MAX);
	put_field_attrs(&h, "commune", NULL, bad);
	html_put(&h, " value=\"%s\">", in->commune != NULL ? in->commune :
	    "");
	html_put(&h, "<label for=\"reason\">Motif d’un nouveau carnet "
	    "(facultatif)<span class=\"hint\" id=\"reason-hint\">Seulement si "
	    "la personne a déjà reçu un carnet de ce programme.</span>"
	    "</label>");
	put_field_error(&h, "reason", bad);
	html_put(&h, "<textarea id=\"reason\" name=\"reason\" rows=\"2\" "
	    "maxlength=\"%d\"", BOOKLET_REASON_MAX);
	put_field_attrs(&h, "reason", "reason-hint", bad);
	html_put(&h, ">%s</textarea>"
	    "<button type=\"submit\">Vérifier avant de créer</button>"
	    "</form>", in->reason != NULL ? in->reason : "");
	return ui_end(&h, req, status);
}

static const char *
choice_label(const struct booklet_choice *set, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(set[i].value, value) == 0)
			return set[i].label;
	return value;
}

/* Every field again, hidden, so that the next step receives them. */
static void
put_hidden(struct html *h, const struct booklet_issue_in *in)
{
	html_put(h, "<input type=\"hidden\" name=\"programme\" value=\"%L\">"
	    "<input type=\"hidden\" name=\"ref\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"pathway\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"age_band\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"commune\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"reason\" value=\"%s\">",
	    in->programme, in->ref, in->pathway, in->age_band, in->commune,
	    in->reason != NULL ? in->reason : "");
}

/*
 * The confirmation carries an idempotency key made when it is shown: a
 * second click on "Confirmer", or the form sent again after a lost
 * answer, finds the booklet the first one issued instead of issuing
 * another (or being refused by the limit per person).
 */
static enum MHD_Result
show_confirmation(struct http_request *req, const struct store_programme *p,
    const struct booklet_issue_in *in, int64_t now)
{
	char value[PN_MONEY_TEXT_MAX], total[PN_MONEY_TEXT_MAX];
	char until[PN_TIME_TEXT_MAX] = "";
	struct validity_rule rule;
	int64_t expires;
	unsigned char raw[16];
	char key[sizeof(raw) * 2 + 1];
	struct html h;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(key, sizeof(key), raw, sizeof(raw));

	pn_money_format(p->face_value, value);
	pn_money_format(p->face_value * p->per_booklet, total);
	/* As the issue will compute it, were it now. */
	if (validity_parse(p->validity, &rule) == 0 &&
	    (expires = validity_expiry(&rule, now)) >= 0)
		pn_time_format_paris_date(expires, until);
	html_init(&h);
	ui_begin(&h, req, "Vérifier le carnet");
	html_put(&h, "<p>Vérifiez ces informations. Le carnet n’est créé "
	    "qu’après votre confirmation.</p><dl class=\"panel\">"
	    "<dt>Programme</dt><dd>%s</dd>"
	    "<dt>Chèques</dt><dd>%u %R de %s, soit %s%R%s</dd>"
	    "<dt>Référence du dossier</dt><dd>%s</dd>"
	    "<dt>Parcours</dt><dd>%s</dd>"
	    "<dt>Tranche d’âge</dt><dd>%s</dd>"
	    "<dt>Commune</dt><dd>%s</dd>", p->name, p->per_booklet,
	    p->per_booklet == 1 ? "chèque" : "chèques", value, total,
	    until[0] != '\0' ? p->per_booklet == 1 ? ", valable jusqu’au " :
	    ", valables jusqu’au " : "", until, in->ref, choice_label(booklet_pathways, booklet_pathways_count,
	    in->pathway), choice_label(booklet_age_bands, booklet_age_bands_count,
	    in->age_band), in->commune);
	if (in->reason != NULL)
		html_put(&h, "<dt>Motif d’un nouveau carnet</dt><dd>%s</dd>",
		    in->reason);
	html_put(&h, "</dl><form method=\"post\" action=\"/carnets/nouveau\">");
	ui_csrf_field(&h, req);
	put_hidden(&h, in);
	html_put(&h, "<input type=\"hidden\" name=\"idempotency_key\" "
	    "value=\"%s\">", key);
	html_put(&h, "<button type=\"submit\" name=\"action\" "
	    "value=\"confirmer\">Confirmer et créer le carnet</button>"
	    "<button type=\"submit\" name=\"action\" value=\"modifier\" "
	    "class=\"secondary\" formnovalidate>Modifier</button></form>");
	return ui_end(&h, req, 200);
}

static int
load_programmes(struct http_request *req, struct programmes *ps,
    enum MHD_Result *rc)
{
	struct pn_error err;
	struct store *s;

	memset(ps, 0, sizeof(*ps));
	if ((s = worker_store(&err)) == NULL ||
	    store_programme_each(s, add_programme, ps, &err) != 0) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	if (ps->failed) {
		*rc = ui_error_page(req, ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

enum MHD_Result
ui_booklet_new_form(struct http_request *req)
{
	struct programmes ps;
	struct errors none = { .n = 0 };
	struct entry e;
	enum MHD_Result rc;

	memset(&e, 0, sizeof(e));
	if (load_programmes(req, &ps, &rc) == 0)
		rc = show_form(req, &ps, &e, &none, 200);
	free(ps.list);
	return rc;
}

/*
 * The status of a form refused for why[0..n): 400 when a field does not
 * parse or names no programme, else the refusal's own (409: the budget,
 * the limit per person).
 */
static unsigned
form_status(const struct op_refusal *why, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (why[i].code == ERR_INVALID_FIELD ||
		    why[i].code == ERR_UNKNOWN_PROGRAMME)
			return 400;
	return err_lookup(why[0].code)->status;
}

static enum MHD_Result
issue(struct http_request *req, struct programmes *ps, const struct entry *e,
    struct op_ctx *cx)
{
	struct op_refusal why;
	struct booklet_issue_out *out = malloc(sizeof(*out));
	struct errors es = { .n = 0 };
	enum err_code code;
	char where[64];

	if (out == NULL)
		return ui_error_page(req, ERR_INTERNAL, "out of memory");
	code = booklet_issue(cx, &e->in, out, &why);
	if (code == ERR_NONE) {
		(void)snprintf(where, sizeof(where), "/carnets/%lld?cree=1",
		    (long long)out->booklet.id);
		if (!out->replayed)
			metrics_vouchers_issued(out->booklet.n);
	}
	free(out);
	if (code == ERR_NONE)
		return http_redirect(req, where);
	if (why.code == ERR_STORE_UNAVAILABLE || why.code == ERR_INTERNAL)
		return ui_error_page(req, why.code, why.detail);
	/* Refused after "Vérifier" passed: the budget went meanwhile. */
	errors_add(&es, &why);
	return show_form(req, ps, e, &es, form_status(&why, 1));
}

/*
 * At "Vérifier": every error at once (booklet_issue_verify()), with the
 * status of the first; 0 when there is none, else the page in *rc.
 */
static int
verify(struct http_request *req, struct programmes *ps, const struct entry *e,
    const struct op_ctx *cx, enum MHD_Result *rc)
{
	struct op_refusal why[8];
	struct errors es = { .n = 0 };
	size_t n, i;

	if ((n = booklet_issue_verify(cx, &e->in, why, 8)) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (why[i].code == ERR_STORE_UNAVAILABLE) {
			*rc = ui_error_page(req, why[i].code, why[i].detail);
			return -1;
		}
	for (i = 0; i < n; i++)
		errors_add(&es, &why[i]);
	*rc = show_form(req, ps, e, &es, form_status(why, n));
	return -1;
}

enum MHD_Result
ui_booklet_new(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const char *action = f != NULL ? form_get(f, "action") : NULL;
	const struct store_programme *p;
	struct errors none = { .n = 0 };
	struct programmes pl, *ps = &pl;
	struct pn_error err;
	struct op_ctx cx;
	struct entry e;
	enum MHD_Result rc;

	if (f == NULL)
		return ui_error_page(req, ERR_INVALID_FIELD, "not a form");
	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (load_programmes(req, ps, &rc) != 0)
		goto done;
	read_entry(f, &e);
	if (action != NULL && strcmp(action, "modifier") == 0)
		rc = show_form(req, ps, &e, &none, 200);
	else if (action != NULL && strcmp(action, "confirmer") == 0)
		rc = issue(req, ps, &e, &cx);
	else if (verify(req, ps, &e, &cx, &rc) != 0)
		;	/* the form again, every error at its field */
	else if ((p = find_programme(ps, e.in.programme)) == NULL)
		rc = ui_error_page(req, ERR_UNKNOWN_PROGRAMME, "programme "
		    "gone since verify");
	else
		rc = show_confirmation(req, p, &e.in, cx.now);
done:
	free(ps->list);
	return rc;
}
