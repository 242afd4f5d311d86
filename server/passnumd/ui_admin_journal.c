/* ui_admin_journal.c -- GET /admin/journal: the audit log, filtered, a page at a time, and its chain checked.
 *
 * Filters: du, au (dates, Paris days, both included), acteur, action,
 * objet (each a piece of text the row's field contains), and avant (the
 * rows older than that row id: the next page). Newest first.
 * Each view recomputes the whole hash chain (store_audit_verify()), the
 * check passnum-admin audit makes: a row changed or removed in the middle
 * of the log shows here as « Chaîne rompue » with the first bad row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "op_request.h"
#include "ui.h"
#include "worker.h"

#define JOURNAL_PAGE 50
#define TEXT_MAX 100

struct rows {
	struct html *h;
	unsigned n;
	int64_t last_id;
};

static int
row(void *ctx, const struct store_audit_entry *e)
{
	struct rows *r = ctx;
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(e->at, when);
	/*
	 * The action and the object are the log's own identifiers, the
	 * detail what the code wrote, in English: marked as such.
	 */
	html_put(r->h, "<tr><td>%L</td><td>%s</td><td>%s</td><td><code>%s"
	    "</code></td><td><code>%s</code></td><td class=\"detail\" "
	    "lang=\"en\">%s</td></tr>", e->id, when, e->actor, e->action,
	    e->object, e->detail);
	r->n++;
	r->last_id = e->id;
	return 0;
}

/* A date typed (YYYY-MM-DD, from an input of type date): Paris midnight. */
static int
day_start(const char *text, int64_t *out)
{
	char buf[32];

	if (text == NULL || text[0] == '\0') {
		*out = 0;
		return 0;
	}
	if (strlen(text) != 10)
		return -1;
	(void)snprintf(buf, sizeof(buf), "%s 00:00", text);
	return pn_paris_time_parse(buf, 0, out);
}

/* text percent-encoded onto out at *len (unreserved characters kept). */
static void
encode(char *out, size_t cap, size_t *len, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0' && *len + 4 < cap;
	    p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~:", *p) != NULL)
			out[(*len)++] = (char)*p;
		else {
			out[(*len)++] = '%';
			out[(*len)++] = hex[*p >> 4];
			out[(*len)++] = hex[*p & 15];
		}
	}
	out[*len] = '\0';
}

static const char *
query(struct http_request *req, const char *name)
{
	const char *v = http_request_query(req, name);

	return v != NULL && strlen(v) <= TEXT_MAX ? v : "";
}

/* A filter's field; example, if any, is an identifier of the log. */
static void
text_input(struct html *h, const char *id, const char *label,
    const char *example, const char *value)
{
	html_put(h, "<label for=\"%s\">%s", id, label);
	if (example != NULL)
		html_put(h, " (par exemple <code>%s</code>)", example);
	html_put(h, "</label><input id=\"%s\" name=\"%s\" type=\"text\" "
	    "maxlength=\"%d\" value=\"%s\">", id, id, TEXT_MAX, value);
}

enum MHD_Result
ui_admin_journal(struct http_request *req)
{
	const char *du = query(req, "du"), *au = query(req, "au");
	const char *avant = query(req, "avant");
	struct store_audit_filter f = { 0, 0, query(req, "acteur"),
	    query(req, "action"), query(req, "objet"), 0, JOURNAL_PAGE };
	struct ui_field_error e[2];
	struct rows r = { NULL, 0, 0 };
	struct pn_error err;
	struct store *s;
	struct html h;
	uint64_t chain_rows;
	int64_t bad_id = 0;
	size_t n = 0;
	int chain;

	if (day_start(du, &f.from) != 0)
		e[n++] = (struct ui_field_error){ "du", "du", "Date de début "
		    "invalide : choisissez un jour dans le calendrier." };
	if (day_start(au, &f.until) != 0)
		e[n++] = (struct ui_field_error){ "au", "au", "Date de fin "
		    "invalide : choisissez un jour dans le calendrier." };
	/* The end day is included; a day of a change of hour is off by one. */
	if (f.until != 0)
		f.until += 86400;
	if (avant[0] != '\0')
		f.before_id = strtoll(avant, NULL, 10);
	if (f.before_id < 0)
		f.before_id = 0;
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	chain = store_audit_verify(s, &chain_rows, &bad_id, &err);
	html_init(&h);
	r.h = &h;
	ui_begin(&h, req, "Journal d’audit");
	if (chain == 0)
		html_put(&h, "<div class=\"alert ok\" role=\"status\"><p>Chaîne "
		    "vérifiée : les %llu lignes du journal se suivent sans "
		    "modification.</p></div>", (unsigned long long)chain_rows);
	else if (chain == 1)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>Chaîne "
		    "rompue à la ligne n° %L : le journal a été modifié. "
		    "Prévenez le responsable de la sécurité et lancez "
		    "passnum-admin audit.</p><details><summary>Détails "
		    "techniques</summary><p lang=\"en\">%s</p></details></div>",
		    bad_id, err.message);
	else
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>La chaîne "
		    "n’a pas pu être vérifiée : réessayez.</p></div>");
	ui_error_summary(&h, e, n);
	html_put(&h, "<form class=\"panel\" method=\"get\" "
	    "action=\"/admin/journal\">");
	html_put(&h, "<label for=\"du\">Du</label>");
	ui_compta_field_error(&h, "du", ui_field_error_of(e, n, "du") != NULL,
	    "Date de début invalide.");
	html_put(&h, "<input id=\"du\" name=\"du\" type=\"date\" value=\"%s\"",
	    du);
	ui_compta_field_attrs(&h, "du", NULL, ui_field_error_of(e, n, "du") !=
	    NULL);
	html_put(&h, "><label for=\"au\">Au</label>");
	ui_compta_field_error(&h, "au", ui_field_error_of(e, n, "au") != NULL,
	    "Date de fin invalide.");
	html_put(&h, "<input id=\"au\" name=\"au\" type=\"date\" value=\"%s\"",
	    au);
	ui_compta_field_attrs(&h, "au", NULL, ui_field_error_of(e, n, "au") !=
	    NULL);
	html_put(&h, ">");
	text_input(&h, "acteur", "Qui (identifiant)", NULL, f.actor);
	text_input(&h, "action", "Action", "venue.add", f.action);
	text_input(&h, "objet", "Objet", "venue:3", f.object);
	html_put(&h, "<button type=\"submit\">Filtrer</button></form>");
	if (n > 0)
		return ui_end(&h, req, 400);
	html_put(&h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-labelledby=\"journal-caption\"><table><caption "
	    "id=\"journal-caption\">Lignes du journal, les plus récentes "
	    "d’abord</caption><thead><tr><th scope=\"col\">N°</th>"
	    "<th scope=\"col\">Quand</th><th scope=\"col\">Qui</th>"
	    "<th scope=\"col\">Action</th><th scope=\"col\">Objet</th>"
	    "<th scope=\"col\">Détail</th></tr></thead><tbody>");
	if (store_audit_each(s, &f, row, &r, &err) != 0) {
		html_free(&h);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_put(&h, "</tbody></table></div>");
	if (r.n == 0)
		html_put(&h, "<p>Aucune ligne ne correspond à ces filtres.</p>");
	if (r.n == JOURNAL_PAGE) {
		const char *names[] = { "du", "au", "acteur", "action", "objet" };
		const char *values[] = { du, au, f.actor, f.action, f.object };
		char href[2048];
		size_t len, i;

		len = (size_t)snprintf(href, sizeof(href), "/admin/journal?"
		    "avant=%lld", (long long)r.last_id);
		for (i = 0; i < 5; i++) {
			len += (size_t)snprintf(href + len, sizeof(href) - len,
			    "&%s=", names[i]);
			encode(href, sizeof(href), &len, values[i]);
		}
		html_put(&h, "<p><a href=\"%s\">Lignes plus anciennes</a></p>",
		    href);
	}
	return ui_end(&h, req, 200);
}
