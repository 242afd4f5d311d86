/* anomalies.c -- a settlement batch's alerts: the rules and their thresholds, said in French.
 *
 * The store counts (store_batch_signals(): one pass over the batch's
 * items; store_terminals_suspended()); this file decides which counts
 * are alerts, with the thresholds of anomalies.h, and writes each as a
 * sentence the accounting service can act on. Pages, the command line
 * and the audit print the sentences as they are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/timefmt.h"
#include "anomalies.h"

static const char *const titles[ANOMALY_KINDS] = {
	[ANOMALY_KEY_FAILURES] = "Clés de contrôle erronées",
	[ANOMALY_TERMINAL_SUSPENDED] = "Terminal suspendu",
	[ANOMALY_OUTSIDE_HOURS] = "Chèques hors des horaires de la séance",
	[ANOMALY_LATE_SYNC] = "Chèques synchronisés en retard",
	[ANOMALY_DECLARED_LATE] = "Séances déclarées après leur fin",
	[ANOMALY_BOOKLET_LIMIT] = "Trop de chèques d’un même carnet",
	[ANOMALY_VOLUME] = "Volume inhabituel",
	[ANOMALY_OTHER_COMMUNE] = "Bénéficiaires d’une autre commune",
};

const char *
anomaly_kind_title(enum anomaly_kind kind)
{
	return kind < ANOMALY_KINDS ? titles[kind] : "";
}

void
anomaly_list_free(struct anomaly_list *l)
{
	if (l == NULL)
		return;
	free(l->a);
	l->a = NULL;
	l->n = l->cap = 0;
}

/* one when n is 1, else many. */
static const char *
pl(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * A new alert of kind for the venue, its text from fmt; NULL when memory
 * runs out. Every text is made of bounded parts (names of at most 140
 * bytes, numbers) well within ANOMALY_TEXT_MAX, so none is cut.
 */
static struct anomaly *
add(struct anomaly_list *l, int64_t venue_id, const char *name,
    const char *siret, enum anomaly_kind kind, int64_t count,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static struct anomaly *
add(struct anomaly_list *l, int64_t venue_id, const char *name,
    const char *siret, enum anomaly_kind kind, int64_t count,
    const char *fmt, ...)
{
	struct anomaly *a;
	va_list ap;

	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 16 : l->cap * 2;

		if ((a = realloc(l->a, cap * sizeof(*a))) == NULL)
			return NULL;
		l->a = a;
		l->cap = cap;
	}
	a = &l->a[l->n++];
	memset(a, 0, sizeof(*a));
	a->venue_id = venue_id;
	(void)snprintf(a->venue_name, sizeof(a->venue_name), "%s", name);
	(void)snprintf(a->siret, sizeof(a->siret), "%s", siret);
	a->kind = kind;
	a->count = count;
	va_start(ap, fmt);
	(void)vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
	return a;
}

/* The suspended terminals of the batch's venues, read once. */
struct suspended {
	struct store_suspended_terminal *t;
	size_t n, cap;
	bool nomem;
};

static int
keep_suspended(void *ctx, const struct store_suspended_terminal *t)
{
	struct suspended *su = ctx;
	struct store_suspended_terminal *p;

	if (su->n == su->cap) {
		size_t cap = su->cap == 0 ? 8 : su->cap * 2;

		if ((p = realloc(su->t, cap * sizeof(*p))) == NULL) {
			su->nomem = true;
			return 1;
		}
		su->t = p;
		su->cap = cap;
	}
	su->t[su->n++] = *t;
	return 0;
}

/* "terminal « Accueil », suspendu le 12/11/2026 10:05 (motif : ...)" */
static void
terminal_words(const struct store_suspended_terminal *t, char *buf,
    size_t len)
{
	char when[PN_TIME_TEXT_MAX];

	pn_time_format_paris(t->suspended_at, when);
	(void)snprintf(buf, len, "« %s », suspendu le %s (motif : %s)",
	    t->label, when, t->reason[0] != '\0' ? t->reason : "non précisé");
}

/* (b): one alert naming the venue's suspended terminals, as many as fit. */
static int
add_suspended(struct anomaly_list *l, const struct store_line_signals *v,
    const struct store_suspended_terminal *t, size_t n_t)
{
	struct anomaly *a;
	char one[ANOMALY_TEXT_MAX];
	size_t i, n = 0, shown = 0, used, need;

	for (i = 0; i < n_t; i++)
		if (t[i].venue_id == v->venue_id)
			n++;
	if (n == 0)
		return 0;
	if ((a = add(l, v->venue_id, v->name, v->siret,
	    ANOMALY_TERMINAL_SUSPENDED, (int64_t)n, "%zu %s en attente "
	    "d’examen :", n, pl((int64_t)n, "terminal suspendu",
	    "terminaux suspendus"))) == NULL)
		return -1;
	for (i = 0; i < n_t; i++) {
		if (t[i].venue_id != v->venue_id)
			continue;
		terminal_words(&t[i], one, sizeof(one));
		used = strlen(a->text);
		need = strlen(one);
		/* Whole or not at all, room left for " ; et N autres". */
		if (used + need + 40 >= sizeof(a->text))
			break;
		if (shown > 0) {
			memcpy(a->text + used, " ;", 2);
			used += 2;
		}
		a->text[used++] = ' ';
		memcpy(a->text + used, one, need + 1);
		shown++;
	}
	if (shown < n) {
		used = strlen(a->text);
		(void)snprintf(a->text + used, sizeof(a->text) - used,
		    " ; et %zu %s", n - shown, n - shown > 1 ? "autres" :
		    "autre");
	}
	return 0;
}

/* "4,3" for num / den, to one decimal place, rounded half up. */
static void
decimal(int64_t num, int64_t den, char *buf, size_t len)
{
	int64_t tenths = den > 0 ? (num * 10 + den / 2) / den : 0;

	if (tenths % 10 == 0)
		(void)snprintf(buf, len, "%lld", (long long)(tenths / 10));
	else
		(void)snprintf(buf, len, "%lld,%lld", (long long)(tenths / 10),
		    (long long)(tenths % 10));
}

/*
 * (g): the line is more than ANOMALY_VOLUME_FACTOR times the average of
 * the venue's history, and at least ANOMALY_VOLUME_MIN vouchers. In
 * integers: vouchers * lines > FACTOR * history's vouchers.
 */
static bool
volume_alert(const struct store_line_signals *v)
{
	return v->history_lines > 0 && v->vouchers >= ANOMALY_VOLUME_MIN &&
	    v->vouchers * v->history_lines >
	    ANOMALY_VOLUME_FACTOR * v->history_vouchers;
}

/* (h): at least MIN vouchers, and at least NUM/DEN of the line's. */
static bool
commune_alert(const struct store_line_signals *v)
{
	return v->other_commune >= ANOMALY_COMMUNE_MIN &&
	    v->other_commune * ANOMALY_COMMUNE_SHARE_DEN >=
	    v->vouchers * ANOMALY_COMMUNE_SHARE_NUM;
}

int
anomalies_of_line(const struct store_line_signals *v,
    const struct store_suspended_terminal *t, size_t n_t, int64_t since,
    struct anomaly_list *l)
{
	char avg[32], from[PN_TIME_TEXT_MAX];
	int64_t n;

#define ADD(kind, count, ...) do {					\
	if (add(l, v->venue_id, v->name, v->siret, (kind), (count),	\
	    __VA_ARGS__) == NULL)					\
		goto nomem;						\
} while (0)

	pn_time_format_paris_date(since, from);
	if ((n = v->key_failures) >= ANOMALY_KEY_FAILURES_MIN)
		ADD(ANOMALY_KEY_FAILURES, n, "%lld %s sur ses terminaux depuis "
		    "le %s", (long long)n, pl(n, "clé de contrôle erronée "
		    "saisie", "clés de contrôle erronées saisies"), from);
	if (add_suspended(l, v, t, n_t) != 0)
		goto nomem;
	if ((n = v->outside_hours) > 0)
		ADD(ANOMALY_OUTSIDE_HOURS, n, "%lld %s en dehors des horaires "
		    "de %s séance (%s hors ligne)", (long long)n,
		    pl(n, "chèque présenté", "chèques présentés"),
		    pl(n, "sa", "leur"), pl(n, "enregistré", "enregistrés"));
	if ((n = v->late_sync) > 0)
		ADD(ANOMALY_LATE_SYNC, n, "%lld %s en retard par le terminal",
		    (long long)n, pl(n, "chèque synchronisé",
		    "chèques synchronisés"));
	if ((n = v->declared_late) > 0)
		ADD(ANOMALY_DECLARED_LATE, n, "%lld %s après %s fin",
		    (long long)n, pl(n, "séance déclarée", "séances déclarées"),
		    pl(n, "sa", "leur"));
	if ((n = v->over_limit) > 0)
		ADD(ANOMALY_BOOKLET_LIMIT, n, "%lld %s où un même carnet a "
		    "servi plus que le programme ne le permet (jusqu’à %lld "
		    "chèques d’un carnet dans une séance, pour %lld permis)",
		    (long long)n, pl(n, "séance", "séances"),
		    (long long)v->over_most, (long long)v->over_allowed);
	if (volume_alert(v)) {
		decimal(v->history_vouchers, v->history_lines, avg,
		    sizeof(avg));
		if (v->history_lines == 1)
			ADD(ANOMALY_VOLUME, v->vouchers, "%lld chèques dans ce "
			    "lot, plus de %d fois son règlement précédent "
			    "(%s %s)", (long long)v->vouchers,
			    ANOMALY_VOLUME_FACTOR, avg,
			    pl(v->history_vouchers, "chèque", "chèques"));
		else
			ADD(ANOMALY_VOLUME, v->vouchers, "%lld chèques dans ce "
			    "lot, plus de %d fois la moyenne de ses %lld "
			    "règlements précédents (%s chèques en moyenne)",
			    (long long)v->vouchers, ANOMALY_VOLUME_FACTOR,
			    (long long)v->history_lines, avg);
	}
	if (commune_alert(v))
		ADD(ANOMALY_OTHER_COMMUNE, v->other_commune, "%lld chèques sur "
		    "%lld remis à des personnes d’une autre commune que celle "
		    "du lieu (%s)", (long long)v->other_commune,
		    (long long)v->vouchers, v->commune);
#undef ADD
	return 0;
nomem:
	return -1;
}

struct gather {
	struct anomaly_list *out;
	const struct suspended *su;
	int64_t since;
	bool nomem;
};

static int
venue_alerts(void *ctx, const struct store_line_signals *v)
{
	struct gather *g = ctx;

	if (anomalies_of_line(v, g->su->t, g->su->n, g->since, g->out) != 0) {
		g->nomem = true;
		return 1;
	}
	return 0;
}

int
anomalies_of_batch(struct store *s, const struct store_batch *b,
    int64_t now, struct anomaly_list *out, struct pn_error *err)
{
	struct suspended su = { NULL, 0, 0, false };
	struct gather g;
	int rc;

	out->n = 0;
	memset(&g, 0, sizeof(g));
	g.out = out;
	g.su = &su;
	g.since = b->period_start;
	rc = store_terminals_suspended(s, 0, b->id, keep_suspended, &su, err);
	if (rc == 0 && !su.nomem)
		rc = store_batch_signals(s, b->id, b->period_start, now,
		    ANOMALY_VOLUME_HISTORY, venue_alerts, &g, err);
	free(su.t);
	if (rc == 0 && (su.nomem || g.nomem))
		rc = pn_error_set(err, PN_E_NOMEM, "the alerts of batch %s: "
		    "out of memory", b->reference);
	if (rc != 0)
		out->n = 0;
	return rc;
}
