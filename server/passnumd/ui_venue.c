/* ui_venue.c -- what the venue pages share: whose venue, its banner, links, French durations and months.
 *
 * A venue user sees their own venue and nothing else: the venue comes
 * from their account, never from the request. An admin names a venue
 * with "?lieu=ID", and every link of the page carries it on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "ui.h"

/* The admin's list of venues, to pick one. */
struct venue_rows {
	struct html html;
	unsigned n;
};

static int
venue_row(void *ctx, const struct store_venue *v)
{
	struct venue_rows *r = ctx;
	char href[64];

	(void)snprintf(href, sizeof(href), "/lieu?lieu=%lld",
	    (long long)v->id);
	html_put(&r->html, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td>"
	    "<td>%s</td><td>%s</td></tr>", href, v->name, v->siret,
	    v->commune, strcmp(v->status, "active") == 0 ? "Actif" :
	    "Suspendu");
	r->n++;
	return 0;
}

static enum MHD_Result
venue_list(struct http_request *req, struct store *s)
{
	struct venue_rows rows = { .n = 0 };
	struct pn_error err;
	struct html h;

	html_init(&rows.html);
	if (store_venue_each(s, venue_row, &rows, &err) != 0) {
		html_free(&rows.html);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	html_init(&h);
	ui_begin(&h, req, "Lieux partenaires");
	if (rows.n == 0)
		html_put(&h, "<p>Aucun lieu partenaire n’est enregistré "
		    "(passnum-admin venue add).</p>");
	else
		html_put(&h, "<p>Choisissez le lieu dont vous voulez voir les "
		    "séances, les remboursements et les conflits, tels que le "
		    "lieu les voit.</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"lieux-liste\"><table>"
		    "<caption id=\"lieux-liste\">"
		    "%u lieux partenaires</caption><thead><tr>"
		    "<th scope=\"col\">Lieu</th><th scope=\"col\">SIRET</th>"
		    "<th scope=\"col\">Commune</th><th scope=\"col\">État</th>"
		    "</tr></thead><tbody>%R</tbody></table></div>", rows.n,
		    rows.html.failed ? "" : rows.html.buf);
	h.failed |= rows.html.failed;
	html_free(&rows.html);
	return ui_end(&h, req, 200);
}

int
ui_venue_resolve(struct http_request *req, struct store *s, bool list_if_none,
    struct ui_venue *uv, enum MHD_Result *rc)
{
	const struct store_principal *who = http_request_principal(req);
	struct pn_error err;
	uint64_t id = 0;
	int res;

	memset(uv, 0, sizeof(*uv));
	if (who->role == ROLE_VENUE) {
		if (who->venue_id <= 0) {
			*rc = ui_error_page(req, ERR_NO_VENUE, "no venue");
			return -1;
		}
		id = (uint64_t)who->venue_id;
	} else {
		/* The routes let only admins in besides; a new role is not. */
		if (who->role != ROLE_ADMIN) {
			*rc = ui_error_page(req, ERR_FORBIDDEN, "role");
			return -1;
		}
		if (pn_parse_u64(http_request_query(req, "lieu"), INT64_MAX,
		    &id) != 0 || id == 0) {
			*rc = list_if_none ? venue_list(req, s) :
			    http_redirect(req, "/lieu");
			return -1;
		}
		(void)snprintf(uv->param, sizeof(uv->param), "lieu=%llu",
		    (unsigned long long)id);
	}
	if ((res = store_venue_get(s, (int64_t)id, &uv->v, &err)) != 0) {
		*rc = res < 0 ? ui_error_page(req, ERR_STORE_UNAVAILABLE,
		    err.message) : ui_error_page(req, who->role == ROLE_VENUE ?
		    ERR_NO_VENUE : ERR_VENUE_NOT_FOUND, "no such venue");
		return -1;
	}
	return 0;
}

void
ui_venue_href(const struct ui_venue *uv, const char *path, const char *query,
    char *buf, size_t len)
{
	bool q = query != NULL && query[0] != '\0';
	bool p = uv->param[0] != '\0';

	(void)snprintf(buf, len, "%s%s%s%s%s", path, q || p ? "?" : "",
	    q ? query : "", q && p ? "&" : "", uv->param);
}

/*
 * A suspended venue still sees its pages: it needs to know why its
 * terminals are refused, and what it is still owed.
 */
static void
suspended_alert(struct html *h, const struct store_venue *v)
{
	html_put(h, "<div class=\"alert\" role=\"alert\"><p><strong>Ce "
	    "lieu est suspendu</strong> : ses terminaux ne peuvent plus "
	    "accepter de chèques. Motif : %s</p><p>Les chèques acceptés "
	    "avant la suspension restent dus. Pour toute question, "
	    "contactez le Département.</p></div>",
	    v->status_reason[0] != '\0' ? v->status_reason : "non précisé");
}

void
ui_venue_banner(struct html *h, const struct ui_venue *uv)
{
	const struct store_venue *v = &uv->v;
	bool suspended = strcmp(v->status, "active") != 0;
	char from[PN_TIME_TEXT_MAX], until[PN_TIME_TEXT_MAX];

	if (suspended)
		suspended_alert(h, v);
	pn_time_format_paris_date(v->accredited_from, from);
	html_put(h, "<dl class=\"panel\"><dt>Lieu</dt><dd>%s</dd>"
	    "<dt>SIRET</dt><dd>%s</dd><dt>Commune</dt><dd>%s</dd>"
	    "<dt>État</dt><dd>%s</dd><dt>Agréé</dt><dd>depuis le %s",
	    v->name, v->siret, v->commune, suspended ? "Suspendu" : "Actif",
	    from);
	if (v->accredited_until != 0) {
		pn_time_format_paris_date(v->accredited_until, until);
		html_put(h, ", jusqu’au %s", until);
	}
	html_put(h, "</dd></dl>");
}

void
ui_venue_banner_short(struct html *h, const struct ui_venue *uv)
{
	if (strcmp(uv->v.status, "active") != 0)
		suspended_alert(h, &uv->v);
	html_put(h, "<p class=\"hint\">Lieu : %s</p>", uv->v.name);
}

void
ui_month_name(int year, int month, char *buf, size_t len)
{
	static const char *const names[] = {
		"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre",
		"décembre",
	};

	if (month < 1 || month > 12)
		(void)snprintf(buf, len, "%04d-%02d", year, month);
	else
		(void)snprintf(buf, len, "%s %d", names[month - 1], year);
}

/* "2026-12-10" as "10/12/2026"; the text itself if it is not a date. */
static void
day_format(const char *iso, char *buf, size_t len)
{
	int y, m, d;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
		(void)snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
	else
		(void)snprintf(buf, len, "%s", iso);
}

/* The link to the venue's statement of batch reference, into buf. */
static void
statement_href(const struct ui_venue *uv, const char *reference, char *buf,
    size_t len)
{
	char path[32 + SETTLE_REF_MAX];

	(void)snprintf(path, sizeof(path), "/lieu/releves/%s.pdf", reference);
	ui_venue_href(uv, path, NULL, buf, len);
}

void
ui_money_label(struct html *h, const struct ui_venue *uv,
    const struct store_venue_money *m)
{
	char day[PN_TIME_TEXT_MAX], href[96 + SETTLE_REF_MAX];

	switch (m->state) {
	case STORE_MONEY_WINDOW:
		pn_time_format_paris_date(m->window_end, day);
		html_put(h, "En délai de contestation (jusqu’au %s)", day);
		break;
	case STORE_MONEY_PAYABLE:
		html_put(h, "Validé, à régler");
		if (m->batch_reference[0] == '\0')
			break;
		html_put(h, " (lot %s", m->batch_reference);
		if (m->statement) {
			statement_href(uv, m->batch_reference, href,
			    sizeof(href));
			html_put(h, ", <a href=\"%s\">relevé du lot %s</a>",
			    href, m->batch_reference);
		}
		html_put(h, ")");
		break;
	case STORE_MONEY_PAID:
		day_format(m->paid_on, day, sizeof(day));
		html_put(h, "Payé le %s (lot %s, référence bancaire %s)", day,
		    m->batch_reference, m->paid_reference);
		if (m->statement) {
			statement_href(uv, m->batch_reference, href,
			    sizeof(href));
			html_put(h, " — <a href=\"%s\">relevé du lot %s</a>",
			    href, m->batch_reference);
		}
		break;
	case STORE_MONEY_DISPUTED:
		pn_time_format_paris_date(m->dispute_opened_at, day);
		html_put(h, "Contesté le %s — motif : %s", day,
		    m->dispute_reason);
		break;
	case STORE_MONEY_HELD:
		html_put(h, "En attente : un autre chèque de cette séance est "
		    "contesté");
		break;
	case STORE_MONEY_REFUSED:
		pn_time_format_paris_date(m->dispute_resolved_at, day);
		html_put(h, "Refusé après contestation le %s — motif : %s", day,
		    m->dispute_reason);
		if (m->dispute_note[0] != '\0')
			html_put(h, " (décision : %s)", m->dispute_note);
		break;
	default:
		html_put(h, "État inconnu");
		break;
	}
}

/* Whether a and b are said in the same words: one group of ui_money. */
static bool
same_group(const struct store_venue_money *a, const struct store_venue_money *b)
{
	char da[PN_TIME_TEXT_MAX], db[PN_TIME_TEXT_MAX];

	if (a->state != b->state)
		return false;
	switch (a->state) {
	case STORE_MONEY_WINDOW:
		pn_time_format_paris_date(a->window_end, da);
		pn_time_format_paris_date(b->window_end, db);
		return strcmp(da, db) == 0;
	case STORE_MONEY_PAYABLE:
	case STORE_MONEY_PAID:
		return strcmp(a->batch_reference, b->batch_reference) == 0;
	case STORE_MONEY_DISPUTED:
	case STORE_MONEY_REFUSED:
		return a->dispute_id == b->dispute_id;
	default:
		return true;
	}
}

int
ui_money_add(struct ui_money *mo, const struct store_venue_money *m)
{
	struct ui_money_group *g;
	size_t i;

	for (i = 0; i < mo->n; i++)
		if (same_group(&mo->g[i].m, m))
			break;
	if (i == mo->n) {
		if (mo->n == mo->cap) {
			size_t cap = mo->cap == 0 ? 4 : mo->cap * 2;

			if ((g = reallocarray(mo->g, cap, sizeof(*g))) == NULL)
				return -1;
			mo->g = g;
			mo->cap = cap;
		}
		g = &mo->g[mo->n++];
		g->m = *m;
		g->vouchers = 0;
		g->cents = 0;
	}
	g = &mo->g[i];
	/* Cents of vouchers: a sum past int64_t is a store gone wrong. */
	if (__builtin_add_overflow(g->cents, m->value, &g->cents) ||
	    __builtin_add_overflow(mo->cents, m->value, &mo->cents))
		return -1;
	g->vouchers++;
	mo->vouchers++;
	return 0;
}

void
ui_money_free(struct ui_money *mo)
{
	if (mo == NULL)
		return;
	free(mo->g);
	memset(mo, 0, sizeof(*mo));
}

/* Groups in the order of the way to payment, then as they came. */
static int
group_rank(enum store_money_state s)
{
	switch (s) {
	case STORE_MONEY_PAID:		return 0;
	case STORE_MONEY_PAYABLE:	return 1;
	case STORE_MONEY_WINDOW:	return 2;
	case STORE_MONEY_DISPUTED:	return 3;
	case STORE_MONEY_HELD:		return 4;
	case STORE_MONEY_REFUSED:	return 5;
	default:			return 6;
	}
}

/* Call put for mo's groups, in rank order. */
static void
each_group(struct html *h, const struct ui_venue *uv, const struct ui_money *mo,
    void (*put)(struct html *, const struct ui_venue *,
    const struct ui_money_group *))
{
	int rank;
	size_t i;

	for (rank = 0; rank <= 6; rank++)
		for (i = 0; i < mo->n; i++)
			if (group_rank(mo->g[i].m.state) == rank)
				put(h, uv, &mo->g[i]);
}

static void
table_row(struct html *h, const struct ui_venue *uv,
    const struct ui_money_group *g)
{
	char amount[PN_MONEY_TEXT_MAX];

	pn_money_format(g->cents, amount);
	html_put(h, "<tr><td>");
	ui_money_label(h, uv, &g->m);
	html_put(h, "</td><td>%u</td><td>%s</td></tr>", g->vouchers, amount);
}

void
ui_money_table(struct html *h, const struct ui_venue *uv,
    const struct ui_money *mo, const char *id, const char *caption)
{
	char amount[PN_MONEY_TEXT_MAX];

	if (mo->n == 0) {
		html_put(h, "<p>Aucun chèque accepté, rien à régler.</p>");
		return;
	}
	pn_money_format(mo->cents, amount);
	html_put(h, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
	    "aria-labelledby=\"%s\"><table><caption id=\"%s\">%s</caption>"
	    "<thead><tr><th scope=\"col\">État</th><th scope=\"col\">Chèques"
	    "</th><th scope=\"col\">Montant</th></tr></thead><tbody>", id, id,
	    caption);
	each_group(h, uv, mo, table_row);
	html_put(h, "</tbody><tfoot><tr><th scope=\"row\">Total des chèques "
	    "acceptés</th><td>%u</td><td>%s</td></tr></tfoot></table></div>",
	    mo->vouchers, amount);
}

static void
list_item(struct html *h, const struct ui_venue *uv,
    const struct ui_money_group *g)
{
	char amount[PN_MONEY_TEXT_MAX];

	pn_money_format(g->cents, amount);
	html_put(h, "<li>");
	ui_money_label(h, uv, &g->m);
	html_put(h, " : %u %s, %s</li>", g->vouchers,
	    html_plural(g->vouchers, "chèque", "chèques"), amount);
}

void
ui_money_list(struct html *h, const struct ui_venue *uv,
    const struct ui_money *mo)
{
	if (mo->n == 0) {
		html_put(h, "—");
		return;
	}
	html_put(h, "<ul class=\"money\">");
	each_group(h, uv, mo, list_item);
	html_put(h, "</ul>");
}
