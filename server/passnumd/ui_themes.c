/* ui_themes.c -- the session themes on the pages: offered in the venues' and applicants' forms, kept by the admins at « Thèmes des séances ».
 *
 *   GET  /admin/themes			the themes offered and retired, and the
 *					form "Ajouter un thème"
 *   POST /admin/themes			add one
 *   POST /admin/themes/{id}/retirer	no longer offer it
 *   POST /admin/themes/{id}/retablir	offer it again
 *
 * The list is the database's (schema 22), the same for every programme:
 * a venue chooses a session's theme from it, on a page or on its
 * terminal, which receives it at enrolment and at each exchange. A theme
 * is retired rather than deleted: the sessions that carry it keep it,
 * and a terminal offline since then may still declare a session that
 * started before.
 */
#include <stdio.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "form.h"
#include "op_request.h"
#include "theme_setup.h"
#include "ui.h"
#include "worker.h"

/* --- In the forms -------------------------------------------------------- */

struct options {
	struct html *h;
	const char *selected;
};

static int
option(void *ctx, const struct store_theme *t)
{
	struct options *o = ctx;

	html_put(o->h, "<option%R>%s</option>", o->selected != NULL &&
	    strcmp(o->selected, t->name) == 0 ? " selected" : "", t->name);
	return 0;
}

int
ui_theme_options(struct html *h, const char *selected, struct pn_error *err)
{
	struct options o = { h, selected };
	struct store *s;

	if ((s = worker_store(err)) == NULL)
		return -1;
	return store_theme_each(s, false, option, &o, err);
}

struct boxes {
	struct html *h;
	const struct form *f;
};

static int
box(void *ctx, const struct store_theme *t)
{
	struct boxes *b = ctx;
	char name[40];
	const char *v;

	(void)snprintf(name, sizeof(name), "theme-%lld", (long long)t->id);
	v = b->f != NULL ? form_get(b->f, name) : NULL;
	html_put(b->h, "<div class=\"choice\"><input type=\"checkbox\" "
	    "id=\"%s\" name=\"%s\" value=\"1\"%R><label for=\"%s\">%s</label>"
	    "</div>", name, name, v != NULL && v[0] != '\0' ? " checked" : "",
	    name, t->name);
	return 0;
}

int
ui_theme_boxes(struct html *h, const struct form *f, struct pn_error *err)
{
	struct boxes b = { h, f };
	struct store *s;

	if ((s = worker_store(err)) == NULL)
		return -1;
	return store_theme_each(s, false, box, &b, err);
}

struct ticked {
	const struct form *f;
	char *buf;
	size_t len, used;
};

static int
tick(void *ctx, const struct store_theme *t)
{
	struct ticked *k = ctx;
	char name[40];
	const char *v;
	int n;

	(void)snprintf(name, sizeof(name), "theme-%lld", (long long)t->id);
	v = form_get(k->f, name);
	if (v == NULL || v[0] == '\0')
		return 0;
	n = snprintf(k->buf + k->used, k->len - k->used, "%s\n", t->name);
	/* The rest would not fit: the names ticked so far, whole. */
	if (n < 0 || (size_t)n >= k->len - k->used) {
		k->buf[k->used] = '\0';
		return 1;
	}
	k->used += (size_t)n;
	return 0;
}

int
ui_themes_ticked(const struct form *f, char *buf, size_t len,
    struct pn_error *err)
{
	struct ticked k = { f, buf, len, 0 };
	struct store *s;

	buf[0] = '\0';
	if ((s = worker_store(err)) == NULL)
		return -1;
	return store_theme_each(s, false, tick, &k, err);
}

/* --- The admins' page ---------------------------------------------------- */

struct rows {
	struct html offered, retired;
	struct http_request *req;
	unsigned n_offered, n_retired;
};

static int
row(void *ctx, const struct store_theme *t)
{
	struct rows *r = ctx;
	struct html *h = t->retired_at == 0 ? &r->offered : &r->retired;
	char since[PN_TIME_TEXT_MAX];

	pn_time_format_paris_date(t->retired_at != 0 ? t->retired_at :
	    t->created_at, since);
	html_put(h, "<tr><td>%s</td><td class=\"nowrap\">%s</td><td>"
	    "<form method=\"post\" action=\"/admin/themes/%L/%s\">", t->name,
	    since, t->id, t->retired_at == 0 ? "retirer" : "retablir");
	ui_csrf_field(h, r->req);
	html_put(h, "<button type=\"submit\" class=\"secondary\">%s"
	    "<span class=\"vh\"> « %s »</span></button></form></td></tr>",
	    t->retired_at == 0 ? "Retirer" : "Proposer de nouveau", t->name);
	if (t->retired_at == 0)
		r->n_offered++;
	else
		r->n_retired++;
	return 0;
}

static void
table(struct html *h, const char *id, const char *caption,
    const char *since, const struct html *rows)
{
	html_put(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-labelledby=\"%s\"><table><caption id=\"%s\">%s</caption>"
	    "<thead><tr><th scope=\"col\">Thème</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">Action</th></tr></thead><tbody>%R</tbody>"
	    "</table></div>", id, id, caption, since,
	    rows->failed ? "" : rows->buf);
}

/* The page, with the add form's value and error (NULL: none). */
static enum MHD_Result
themes_page(struct http_request *req, const char *typed, const char *error,
    unsigned status)
{
	struct rows r = { .req = req };
	struct pn_error err;
	struct store *s;
	struct html h;
	char caption[64];

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	html_init(&r.offered);
	html_init(&r.retired);
	if (store_theme_each(s, true, row, &r, &err) != 0) {
		html_free(&r.offered);
		html_free(&r.retired);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Thèmes des séances");
	if (status == 200 && http_request_query(req, "fait") != NULL)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>C’est "
		    "enregistré : les postes des lieux reçoivent la liste à "
		    "leur prochain échange avec le serveur.</p></div>");
	html_put(&h, "<p>Les lieux choisissent le thème de chaque séance dans "
	    "cette liste, commune à tous les programmes, sur leurs pages ou "
	    "leurs postes. Un thème retiré n’est plus proposé ; les séances "
	    "qui le portent le gardent, et un poste resté hors ligne peut "
	    "encore déclarer une séance commencée avant son retrait.</p>");
	if (r.n_offered == 0)
		html_put(&h, "<p>Aucun thème n’est proposé : les lieux ne "
		    "peuvent plus ouvrir de séance. Ajoutez-en un.</p>");
	else {
		(void)snprintf(caption, sizeof(caption), "%u %s", r.n_offered,
		    r.n_offered == 1 ? "thème proposé" : "thèmes proposés");
		table(&h, "proposes", caption, "Depuis le", &r.offered);
	}
	if (r.n_retired > 0) {
		(void)snprintf(caption, sizeof(caption), "%u %s", r.n_retired,
		    r.n_retired == 1 ? "thème retiré" : "thèmes retirés");
		table(&h, "retires", caption, "Retiré le", &r.retired);
	}
	h.failed |= r.offered.failed || r.retired.failed;
	html_free(&r.offered);
	html_free(&r.retired);
	html_put(&h, "<h2 id=\"ajouter\">Ajouter un thème</h2>");
	if (error != NULL)
		ui_error_summary(&h, &(struct ui_field_error){ "theme", "theme",
		    error }, 1);
	html_put(&h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/admin/themes\" novalidate>");
	ui_csrf_field(&h, req);
	html_put(&h, "<label for=\"theme\">Nom du thème<span class=\"hint\" "
	    "id=\"theme-hint\">Tel que les lieux le lisent, par exemple "
	    "« sécurité en ligne ».</span></label>");
	ui_compta_field_error(&h, "theme", error != NULL, error != NULL ?
	    error : "");
	html_put(&h, "<input id=\"theme\" name=\"theme\" type=\"text\" "
	    "maxlength=\"%d\" required", THEME_NAME_MAX);
	ui_compta_field_attrs(&h, "theme", "theme-hint", error != NULL);
	html_put(&h, " value=\"%s\"><button type=\"submit\">Ajouter le thème"
	    "</button></form>", typed != NULL ? typed : "");
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_admin_themes(struct http_request *req)
{
	return themes_page(req, NULL, NULL, 200);
}

enum MHD_Result
ui_admin_theme_add(struct http_request *req)
{
	const char *name = ui_form_value(req, "theme");
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum err_code code;
	int64_t id;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	code = theme_add(&cx, name, &id, &why);
	if (code == ERR_INVALID_FIELD)
		return themes_page(req, name, name[0] == '\0' ? "Nom du "
		    "thème : rien n’a été saisi." : "Nom du thème : une seule "
		    "ligne de 127 caractères au plus, sans point-virgule.",
		    400);
	if (code == ERR_ALREADY_RECORDED)
		return themes_page(req, name, "Nom du thème : ce thème existe "
		    "déjà ; s’il est retiré, proposez-le de nouveau.", 409);
	if (code == ERR_THEMES_FULL)
		return themes_page(req, name, "Nom du thème : 16 thèmes sont "
		    "déjà proposés, le plus que reçoivent les postes ; "
		    "retirez-en un d’abord.", 409);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return http_redirect(req, "/admin/themes?fait=1");
}

static enum MHD_Result
set_retired(struct http_request *req, bool retired)
{
	uint64_t id = ui_param_id(req);
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	struct store *s;
	enum err_code code;
	bool changed;

	if (id == 0 || id > INT64_MAX)
		return ui_error_page(req, ERR_THEME_NOT_FOUND, "no such theme");
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	op_request_ctx_on(req, s, &cx);
	code = theme_set_retired(&cx, (int64_t)id, retired, &changed, &why);
	if (code != ERR_NONE)
		return ui_error_page(req, code, why.detail);
	return http_redirect(req, "/admin/themes?fait=1");
}

enum MHD_Result
ui_admin_theme_retire(struct http_request *req)
{
	return set_retired(req, true);
}

enum MHD_Result
ui_admin_theme_restore(struct http_request *req)
{
	return set_retired(req, false);
}
