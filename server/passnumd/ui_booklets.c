/* ui_booklets.c -- the agency's booklets, filtered and paged, and the vouchers about to expire unused.
 *
 *   GET /carnets	?dossier=&programme=&commune=&du=&au=&etat=&page=
 *   GET /echeances	?jours=&page=
 *
 * A caseworker sees their agency's booklets only, an admin every agency's
 * (scope_agency()); a file reference is looked up by the same keyed hash
 * as at issue (booklet_ref_hashes()), so another agency's person is
 * answered exactly as nobody. A parameter that does not parse shows the
 * form again with its error at the field (400), never an empty page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "booklet_issue.h"
#include "op_request.h"
#include "scope.h"
#include "store.h"
#include "ui.h"

#define PAGE_SIZE 25
#define PAGE_MAX 100000		/* 2.5 million booklets: beyond any agency */
#define ERRORS_MAX 8

/* The states a caseworker filters by: store_booklet_summary.state. */
static const struct { const char *value, *label; } states[] = {
	{ "issued", "En cours (au moins un chèque valable)" },
	{ "used", "Épuisé (tous les chèques utilisés)" },
	{ "expired", "Expiré" },
	{ "ended", "Terminé (chèques annulés un à un)" },
	{ "cancelled", "Annulé" },
};

/* The windows of /echeances, in days; the first is the default's index. */
static const unsigned windows[] = { 30, 7, 15, 60, 90 };

const char *
ui_booklet_state_label(const char *state)
{
	if (strcmp(state, "issued") == 0)
		return "En cours";
	if (strcmp(state, "used") == 0)
		return "Épuisé";
	if (strcmp(state, "expired") == 0)
		return "Expiré";
	if (strcmp(state, "ended") == 0)
		return "Terminé";
	if (strcmp(state, "cancelled") == 0)
		return "Annulé";
	return state;
}

/* What the query asked for, as typed, and what it means. */
struct listing {
	const char *dossier, *programme, *commune, *du, *au, *etat, *page,
	    *jours;
	struct store_booklet_filter f;
	uint8_t normal[STORE_HASH_SIZE], typed[STORE_HASH_SIZE];
	unsigned pageno, days;
	struct ui_field_error e[ERRORS_MAX];
	size_t ne;
};

static void
add_error(struct listing *l, const char *field, const char *message)
{
	if (l->ne < ERRORS_MAX) {
		l->e[l->ne].field = field;
		l->e[l->ne].id = field;
		l->e[l->ne].message = message;
		l->ne++;
	}
}

/* A query value, NULL when absent or empty (an untouched field). */
static const char *
query(struct http_request *req, const char *name)
{
	const char *v = http_request_query(req, name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * A day typed as "2026-12-06" (an <input type="date">): the Unix time of
 * midnight in Paris starting it, plus days (0 or 1, the day after). 0,
 * or -1 when it is not such a day.
 */
static int
paris_day(const char *text, int days, int64_t *out)
{
	char buf[PN_TIME_TEXT_MAX + 8];
	int64_t utc;

	if (strlen(text) != 10 || pn_time_parse(text, &utc) != 0)
		return -1;
	pn_time_format(utc + (int64_t)days * 86400, buf);
	/* Midnight is never skipped in Paris: summer time starts at 2:00. */
	(void)snprintf(buf + 10, sizeof(buf) - 10, " 00:00");
	return pn_paris_time_parse(buf, 0, out);
}

static void
read_page(struct listing *l)
{
	uint64_t n;

	l->pageno = 1;
	if (l->page == NULL)
		return;
	if (pn_parse_u64(l->page, PAGE_MAX, &n) == 0 && n > 0) {
		l->pageno = (unsigned)n;
		return;
	}
	add_error(l, "page", "Le numéro de page doit être un nombre entier "
	    "de 1 à 100 000.");
	if (l->ne > 0)
		l->e[l->ne - 1].id = NULL;	/* a link, not a field */
}

/* The criteria of /carnets, into l->f; the errors into l->e. */
static void
read_criteria(struct http_request *req, const struct op_ctx *cx,
    struct listing *l)
{
	struct store_programme p;
	struct pn_error err;
	uint64_t id;
	size_t i;
	int res;

	l->dossier = query(req, "dossier");
	l->programme = query(req, "programme");
	l->commune = query(req, "commune");
	l->du = query(req, "du");
	l->au = query(req, "au");
	l->etat = query(req, "etat");
	l->page = query(req, "page");
	if (l->dossier != NULL) {
		if (cx->keys == NULL || cx->keys->ref_secret == NULL)
			add_error(l, "dossier", "La recherche par référence "
			    "n’est pas possible : le serveur n’a pas sa clé.");
		else if (booklet_ref_hashes(cx->keys, l->dossier, l->normal,
		    l->typed) != 0)
			add_error(l, "dossier", "Saisissez la référence du "
			    "dossier telle qu’à la remise du carnet (64 "
			    "caractères au plus, avec au moins une lettre ou "
			    "un chiffre).");
		else {
			l->f.ref_hash = l->normal;
			l->f.ref_hash_typed = l->typed;
		}
	}
	if (l->programme != NULL) {
		if (pn_parse_u64(l->programme, INT64_MAX, &id) != 0 ||
		    id == 0 || (res = store_programme_get(cx->s, (int64_t)id,
		    &p, &err)) == 1)
			add_error(l, "programme", "Choisissez un programme de "
			    "la liste.");
		else if (res < 0)
			add_error(l, NULL, "La base de données ne répond pas : "
			    "réessayez dans un instant.");
		else
			l->f.programme = (int64_t)id;
	}
	if (l->commune != NULL) {
		if (!booklet_plain_text(l->commune, BOOKLET_COMMUNE_MAX))
			add_error(l, "commune", "Saisissez une commune de 64 "
			    "caractères au plus.");
		else
			l->f.commune = l->commune;
	}
	if (l->du != NULL && paris_day(l->du, 0, &l->f.from) != 0)
		add_error(l, "du", "Saisissez la date de début sous la forme "
		    "2026-12-06.");
	if (l->au != NULL && paris_day(l->au, 1, &l->f.to) != 0)
		add_error(l, "au", "Saisissez la date de fin sous la forme "
		    "2026-12-06.");
	else if (l->f.from != 0 && l->f.to != 0 && l->f.to <= l->f.from)
		add_error(l, "au", "La date de fin doit suivre la date de "
		    "début.");
	if (l->etat != NULL) {
		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			if (strcmp(l->etat, states[i].value) == 0)
				l->f.state = states[i].value;
		if (l->f.state == NULL)
			add_error(l, "etat", "Choisissez un état de la liste.");
	}
	read_page(l);
}

/* Append s to u, percent-encoded as a query value. */
static void
url_value(char *u, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t at = strlen(u);
	unsigned char c;

	for (; *s != '\0' && at + 4 < len; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') {
			u[at++] = (char)c;
		} else {
			u[at++] = '%';
			u[at++] = hex[c >> 4];
			u[at++] = hex[c & 15];
		}
	}
	u[at] = '\0';
}

static void
url_param(char *u, size_t len, const char *name, const char *value)
{
	size_t at = strlen(u);

	if (value == NULL)
		return;
	(void)snprintf(u + at, len - at, "%s%s=", u[at - 1] == '?' ? "" :
	    "&", name);
	url_value(u, len, value);
}

/* The address of page n of l's list (path "/carnets" or "/echeances"). */
static void
page_url(const struct listing *l, const char *path, unsigned n, char *u,
    size_t len)
{
	char num[16];

	(void)snprintf(u, len, "%s?", path);
	url_param(u, len, "dossier", l->dossier);
	url_param(u, len, "programme", l->programme);
	url_param(u, len, "commune", l->commune);
	url_param(u, len, "du", l->du);
	url_param(u, len, "au", l->au);
	url_param(u, len, "etat", l->etat);
	url_param(u, len, "jours", l->jours);
	(void)snprintf(num, sizeof(num), "%u", n);
	url_param(u, len, "page", num);
}

/* Precedent / next, and where this page stands. */
static void
put_pager(struct html *h, const struct listing *l, const char *path,
    int64_t total)
{
	unsigned pages = (unsigned)((total + PAGE_SIZE - 1) / PAGE_SIZE);
	char u[1024];

	if (pages <= 1)
		return;
	html_put(h, "<nav class=\"pager\" aria-label=\"Pages de la liste\">"
	    "<p>Page %u sur %u</p>", l->pageno, pages);
	if (l->pageno > 1) {
		page_url(l, path, l->pageno - 1, u, sizeof(u));
		html_put(h, "<a href=\"%s\" rel=\"prev\">Page précédente</a>",
		    u);
	}
	if (l->pageno < pages) {
		page_url(l, path, l->pageno + 1, u, sizeof(u));
		html_put(h, "<a href=\"%s\" rel=\"next\">Page suivante</a>",
		    u);
	}
	html_put(h, "</nav>");
}

/* field's aria attributes and, when it is in error, its message. */
static bool
field_start(struct html *h, const struct listing *l, const char *field)
{
	const struct ui_field_error *e = ui_field_error_of(l->e, l->ne,
	    field);

	ui_compta_field_error(h, field, e != NULL, e != NULL ? e->message :
	    "");
	return e != NULL;
}

struct programme_options {
	struct html *h;
	int64_t chosen;
};

static int
programme_option(void *ctx, const struct store_programme *p)
{
	struct programme_options *o = ctx;

	html_put(o->h, "<option value=\"%L\"%R>%s</option>", p->id,
	    p->id == o->chosen ? " selected" : "", p->name);
	return 0;
}

/* The filters' form, as l holds them. 0, or -1 with err. */
static int
put_filters(struct html *h, struct store *s, const struct listing *l,
    struct pn_error *err)
{
	struct programme_options o = { h, l->f.programme };
	bool bad;
	size_t i;

	html_put(h, "<form class=\"panel filters\" method=\"get\" "
	    "action=\"/carnets\"><h2>Rechercher</h2>"
	    "<label for=\"dossier\">Référence du dossier<span class=\"hint\" "
	    "id=\"dossier-hint\">Telle que saisie à la remise du carnet ; "
	    "les espaces, tirets et majuscules ne comptent pas.</span>"
	    "</label>");
	bad = field_start(h, l, "dossier");
	html_put(h, "<input id=\"dossier\" name=\"dossier\" type=\"text\" "
	    "maxlength=\"%d\" autocomplete=\"off\"", BOOKLET_REF_MAX);
	ui_compta_field_attrs(h, "dossier", "dossier-hint", bad);
	html_put(h, " value=\"%s\">", l->dossier != NULL ? l->dossier : "");

	html_put(h, "<label for=\"programme\">Programme</label>");
	bad = field_start(h, l, "programme");
	html_put(h, "<select id=\"programme\" name=\"programme\"");
	ui_compta_field_attrs(h, "programme", NULL, bad);
	html_put(h, "><option value=\"\">Tous les programmes</option>");
	if (store_programme_each(s, programme_option, &o, err) != 0)
		return -1;
	html_put(h, "</select><label for=\"commune\">Commune de la personne"
	    "</label>");
	bad = field_start(h, l, "commune");
	html_put(h, "<input id=\"commune\" name=\"commune\" type=\"text\" "
	    "maxlength=\"%d\" autocomplete=\"off\"", BOOKLET_COMMUNE_MAX);
	ui_compta_field_attrs(h, "commune", NULL, bad);
	html_put(h, " value=\"%s\">", l->commune != NULL ? l->commune : "");

	html_put(h, "<label for=\"du\">Remis à partir du</label>");
	bad = field_start(h, l, "du");
	html_put(h, "<input id=\"du\" name=\"du\" type=\"date\"");
	ui_compta_field_attrs(h, "du", NULL, bad);
	html_put(h, " value=\"%s\"><label for=\"au\">Remis jusqu’au (inclus)"
	    "</label>", l->du != NULL ? l->du : "");
	bad = field_start(h, l, "au");
	html_put(h, "<input id=\"au\" name=\"au\" type=\"date\"");
	ui_compta_field_attrs(h, "au", NULL, bad);
	html_put(h, " value=\"%s\">", l->au != NULL ? l->au : "");

	html_put(h, "<label for=\"etat\">État du carnet</label>");
	bad = field_start(h, l, "etat");
	html_put(h, "<select id=\"etat\" name=\"etat\"");
	ui_compta_field_attrs(h, "etat", NULL, bad);
	html_put(h, "><option value=\"\">Tous les états</option>");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		html_put(h, "<option value=\"%s\"%R>%s</option>",
		    states[i].value, l->f.state != NULL &&
		    strcmp(l->f.state, states[i].value) == 0 ? " selected" : "",
		    states[i].label);
	html_put(h, "</select><button type=\"submit\">Afficher</button>"
	    "<a class=\"button secondary\" href=\"/carnets\">Effacer les "
	    "critères</a></form>");
	return 0;
}

void
ui_voucher_use(struct html *h, struct store *s, const struct store_voucher *v)
{
	struct store_voucher_use use;
	struct pn_error err;
	char date[PN_TIME_TEXT_MAX];

	if (strcmp(v->status, "redeemed") != 0 &&
	    strcmp(v->status, "settled") != 0) {
		html_put(h, "%s", ui_status_label(v->status));
		return;
	}
	/* Without its redemption (the store failing), the word alone. */
	if (store_voucher_use(s, v->serial, &use, &err) != 0) {
		html_put(h, "Utilisé");
		return;
	}
	pn_time_format_paris_date(use.starts_at, date);
	html_put(h, "Utilisé le %s à %s — %s", date, use.venue, use.theme);
}

struct rows {
	struct html html;
	unsigned n;
	bool expiring;			/* /echeances's columns */
};

static int
booklet_row(void *ctx, const struct store_booklet_summary *b)
{
	struct rows *r = ctx;
	char date[PN_TIME_TEXT_MAX], first[PN_TIME_TEXT_MAX];

	pn_time_format_paris_date(b->issued_at, date);
	html_put(&r->html, "<tr><td><a href=\"/carnets/%L\">Carnet n° %L</a>"
	    "</td><td>%s</td><td>%s</td><td>%s</td>", b->id, b->id, date,
	    b->commune, b->programme_name);
	if (r->expiring) {
		pn_time_format_paris_date(b->first_expiry, first);
		html_put(&r->html, "<td>%u %R</td><td>%s</td></tr>",
		    b->expiring, b->expiring == 1 ? "chèque" : "chèques",
		    first);
	} else
		html_put(&r->html, "<td>%u sur %u</td><td>%s</td></tr>",
		    b->outstanding, b->vouchers, ui_booklet_state_label(b->state));
	r->n++;
	return 0;
}

/*
 * Fetch page l->pageno of l->f into r: 0 with *total, or -1 with err.
 * A page past the last is an error of l ("page").
 */
static int
fetch(struct store *s, struct listing *l, struct rows *r, int64_t *total,
    struct pn_error *err)
{
	unsigned offset = (l->pageno - 1) * PAGE_SIZE;

	if (store_booklet_list(s, &l->f, offset, PAGE_SIZE, booklet_row, r,
	    total, err) != 0)
		return -1;
	if (r->n == 0 && l->pageno > 1) {
		/* Past the end: count without keeping a row. */
		if (store_booklet_list(s, &l->f, 0, 1, booklet_row, r, total,
		    err) != 0)
			return -1;
		html_free(&r->html);
		html_init(&r->html);
		r->n = 0;
		add_error(l, "page", "Cette page n’existe pas : revenez à la "
		    "première page de la liste.");
		l->e[l->ne - 1].id = NULL;
	}
	return 0;
}

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n <= 1 ? one : many;
}

enum MHD_Result
ui_booklets(struct http_request *req)
{
	struct listing l;
	struct rows r = { .n = 0, .expiring = false };
	struct pn_error err;
	struct op_ctx cx;
	struct html h;
	int64_t total = 0;
	bool filtered;

	memset(&l, 0, sizeof(l));
	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	l.f.agency = scope_agency(cx.who);
	read_criteria(req, &cx, &l);
	html_init(&r.html);
	if (l.ne == 0 && fetch(cx.s, &l, &r, &total, &err) != 0) {
		html_free(&r.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	/* An admin's scope is every agency (scope_agency() 0). */
	ui_begin(&h, req, l.f.agency == 0 ? "Carnets de tous les services" :
	    "Carnets de votre service");
	ui_error_summary(&h, l.e, l.ne);
	if (put_filters(&h, cx.s, &l, &err) != 0) {
		html_free(&h);
		html_free(&r.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	filtered = l.dossier != NULL || l.programme != NULL ||
	    l.commune != NULL || l.du != NULL || l.au != NULL ||
	    l.etat != NULL;
	html_put(&h, "<p><a href=\"/echeances\">Chèques bientôt expirés sans "
	    "avoir servi</a></p><h2 id=\"resultats\">Résultats</h2>");
	if (l.ne > 0)
		html_put(&h, "<p>Corrigez les critères signalés pour afficher "
		    "les carnets.</p>");
	else if (total == 0)
		html_put(&h, "<p>%R</p>", filtered ? "Aucun carnet de votre "
		    "service ne répond à ces critères." : "Votre service n’a "
		    "encore remis aucun carnet.");
	else {
		html_put(&h, "<p>%L %R.</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"carnets-liste\"><table>"
		    "<caption id=\"carnets-liste\">Carnets %u à %u sur %L, du plus récent au plus "
		    "ancien</caption><thead><tr><th scope=\"col\">Carnet</th>"
		    "<th scope=\"col\">Remis le</th><th scope=\"col\">Commune"
		    "</th><th scope=\"col\">Programme</th><th scope=\"col\">"
		    "Chèques valables</th><th scope=\"col\">État</th></tr>"
		    "</thead><tbody>%R</tbody></table></div>", total,
		    plural(total, "carnet répond", "carnets répondent"),
		    (l.pageno - 1) * PAGE_SIZE + 1,
		    (l.pageno - 1) * PAGE_SIZE + r.n, total,
		    r.html.failed ? "" : r.html.buf);
		put_pager(&h, &l, "/carnets", total);
	}
	h.failed |= r.html.failed;
	html_free(&r.html);
	return ui_end(&h, req, l.ne > 0 ? 400 : 200);
}

enum MHD_Result
ui_expiring(struct http_request *req)
{
	struct listing l;
	struct rows r = { .n = 0, .expiring = true };
	struct pn_error err;
	struct op_ctx cx;
	struct html h;
	int64_t total = 0;
	uint64_t days;
	size_t i;
	bool bad;

	memset(&l, 0, sizeof(l));
	if (op_request_ctx(req, &cx, &err) != 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	l.f.agency = scope_agency(cx.who);
	l.jours = query(req, "jours");
	l.page = query(req, "page");
	l.days = windows[0];
	if (l.jours != NULL) {
		l.days = 0;
		if (pn_parse_u64(l.jours, 366, &days) == 0)
			for (i = 0; i < sizeof(windows) / sizeof(windows[0]);
			    i++)
				if (windows[i] == days)
					l.days = (unsigned)days;
		if (l.days == 0)
			add_error(&l, "jours", "Choisissez un délai de la "
			    "liste.");
	}
	read_page(&l);
	l.f.state = "issued";
	l.f.now = cx.now;
	l.f.expiring_until = cx.now + (int64_t)l.days * 86400;
	html_init(&r.html);
	if (l.ne == 0 && fetch(cx.s, &l, &r, &total, &err) != 0) {
		html_free(&r.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Chèques bientôt expirés");
	ui_error_summary(&h, l.e, l.ne);
	html_put(&h, "<p>Les carnets de votre service dont des chèques "
	    "expirent bientôt sans avoir servi : appelez la personne pour "
	    "l’inviter à un atelier. Retrouvez-la par le numéro du carnet, "
	    "noté dans votre dossier.</p><form class=\"panel filters\" "
	    "method=\"get\" action=\"/echeances\"><label for=\"jours\">"
	    "Chèques qui expirent dans les</label>");
	bad = field_start(&h, &l, "jours");
	html_put(&h, "<select id=\"jours\" name=\"jours\"");
	ui_compta_field_attrs(&h, "jours", NULL, bad);
	html_put(&h, ">");
	for (i = 0; i < sizeof(windows) / sizeof(windows[0]); i++)
		html_put(&h, "<option value=\"%u\"%R>%u prochains jours"
		    "</option>", windows[i], windows[i] == l.days ?
		    " selected" : "", windows[i]);
	html_put(&h, "</select><button type=\"submit\">Afficher</button>"
	    "</form><h2 id=\"resultats\">Résultats</h2>");
	if (l.ne > 0)
		html_put(&h, "<p>Corrigez le délai pour afficher les carnets."
		    "</p>");
	else if (total == 0)
		html_put(&h, "<p>Aucun chèque de votre service n’expire dans "
		    "les %u prochains jours sans avoir servi.</p>", l.days);
	else {
		html_put(&h, "<p>%L %R des chèques qui expirent dans les %u "
		    "prochains jours.</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"echeances-liste\"><table>"
		    "<caption id=\"echeances-liste\">"
		    "Carnets %u à %u sur %L, du plus récent au plus ancien"
		    "</caption><thead><tr><th scope=\"col\">Carnet</th>"
		    "<th scope=\"col\">Remis le</th><th scope=\"col\">Commune"
		    "</th><th scope=\"col\">Programme</th><th scope=\"col\">"
		    "Chèques à utiliser</th><th scope=\"col\">Premier à "
		    "expirer le</th></tr></thead><tbody>%R</tbody></table>"
		    "</div>", total, plural(total, "carnet a", "carnets ont"),
		    l.days, (l.pageno - 1) * PAGE_SIZE + 1,
		    (l.pageno - 1) * PAGE_SIZE + r.n, total,
		    r.html.failed ? "" : r.html.buf);
		put_pager(&h, &l, "/echeances", total);
	}
	h.failed |= r.html.failed;
	html_free(&r.html);
	return ui_end(&h, req, l.ne > 0 ? 400 : 200);
}
