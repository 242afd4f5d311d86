/* dashboard.c -- the dashboard's figures: a programme's vouchers, people and breakdowns over a period.
 *
 * The store hands over the period's booklets, their vouchers tallied by
 * status and their vouchers used (store_dashboard_read()); everything else
 * is counted here, in integers: the people (distinct beneficiaries) behind
 * each line by sorting (line, person) pairs, the median delay by sorting
 * the delays, the ranks, then small_counts_apply() on every table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/timefmt.h"
#include "dashboard.h"

/* --- The period -------------------------------------------------------- */

static const char *const month_names[] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre",
};

/* Given: not NULL nor "". */
static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Midnight in Paris starting day "2026-01-31", +days; 0 or -1. */
static int
paris_midnight(const char *day, int days, int64_t *out)
{
	char buf[64];
	int64_t utc;
	time_t t;
	struct tm tm;

	if (strlen(day) != 10 || pn_time_parse(day, &utc) != 0)
		return -1;
	t = (time_t)(utc + (int64_t)days * 86400);
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	(void)snprintf(buf, sizeof(buf), "%04d-%02d-%02d 00:00",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	/* Summer time never starts nor ends at midnight in Paris. */
	return pn_paris_time_parse(buf, 0, out);
}

/* The year in "2026" (2000-9998), or -1. */
static int
year_of(const char *s)
{
	int y = 0, i;

	if (strlen(s) != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	return y >= 2000 && y <= 9998 ? y : -1;
}

static int
refuse(const char **field, const char *which, char *msg, size_t msglen,
    const char *text)
{
	*field = which;
	(void)snprintf(msg, msglen, "%s", text);
	return -1;
}

int
dash_period_parse(const char *periode, const char *du, const char *au,
    int64_t now, struct dash_period *p, const char **field, char *msg,
    size_t msglen)
{
	char a[PN_TIME_TEXT_MAX], b[PN_TIME_TEXT_MAX];
	int64_t end, last;
	int y, m, q;

	memset(p, 0, sizeof(*p));
	*field = NULL;
	if (given(periode) && (given(du) || given(au)))
		return refuse(field, "periode", msg, msglen, "Choisissez une "
		    "période ou des dates, pas les deux.");
	if (given(du) || given(au)) {
		if (!given(du))
			return refuse(field, "du", msg, msglen, "Indiquez le "
			    "premier jour, au format 2026-01-01.");
		if (!given(au))
			return refuse(field, "au", msg, msglen, "Indiquez le "
			    "dernier jour, au format 2026-06-30.");
		if (strlen(du) != 10 || year_of((char[5]){ du[0], du[1],
		    du[2], du[3], '\0' }) < 0 ||
		    paris_midnight(du, 0, &p->from) != 0)
			return refuse(field, "du", msg, msglen, "Ce jour "
			    "n’existe pas : écrivez-le au format 2026-01-01.");
		if (strlen(au) != 10 || year_of((char[5]){ au[0], au[1],
		    au[2], au[3], '\0' }) < 0 ||
		    paris_midnight(au, 1, &p->to) != 0 ||
		    paris_midnight(au, 0, &last) != 0)
			return refuse(field, "au", msg, msglen, "Ce jour "
			    "n’existe pas : écrivez-le au format 2026-06-30.");
		if (p->to <= p->from)
			return refuse(field, "au", msg, msglen, "Le dernier "
			    "jour vient avant le premier.");
		if (p->to - p->from > (int64_t)DASH_P_DAYSMAX_ * 86400 + 7200)
			return refuse(field, "au", msg, msglen, "Une période "
			    "de dix ans au plus.");
		p->kind = DASH_P_DAYS;
		(void)snprintf(p->du, sizeof(p->du), "%s", du);
		(void)snprintf(p->au, sizeof(p->au), "%s", au);
		pn_time_format_paris_date(p->from, a);
		pn_time_format_paris_date(last, b);
		(void)snprintf(p->label, sizeof(p->label), "du %s au %s", a,
		    b);
		return 0;
	}
	if (!given(periode)) {
		pn_paris_month_of(now, &y, &m);
		(void)snprintf(p->periode, sizeof(p->periode), "%d", y);
		periode = p->periode;
	}
	if ((y = year_of(periode)) >= 0) {
		if (pn_paris_month_bounds(y, 1, &p->from, &end) != 0 ||
		    pn_paris_month_bounds(y, 12, &end, &p->to) != 0)
			return refuse(field, "periode", msg, msglen, "Cette "
			    "année est hors limites.");
		p->kind = DASH_P_YEAR;
		(void)snprintf(p->label, sizeof(p->label), "année %d", y);
	} else if (pn_quarter_parse(periode, &y, &q) == 0 && y >= 2000 &&
	    y <= 9998) {
		if (pn_paris_month_bounds(y, q * 3 - 2, &p->from, &end) != 0 ||
		    pn_paris_month_bounds(y, q * 3, &end, &p->to) != 0)
			return refuse(field, "periode", msg, msglen, "Ce "
			    "trimestre est hors limites.");
		p->kind = DASH_P_QUARTER;
		(void)snprintf(p->label, sizeof(p->label), "%d%s trimestre "
		    "%d", q, q == 1 ? "er" : "e", y);
	} else if (pn_month_parse(periode, &y, &m) == 0 && y >= 2000 &&
	    y <= 9998) {
		if (pn_paris_month_bounds(y, m, &p->from, &p->to) != 0)
			return refuse(field, "periode", msg, msglen, "Ce mois "
			    "est hors limites.");
		p->kind = DASH_P_MONTH;
		(void)snprintf(p->label, sizeof(p->label), "%s %d",
		    month_names[m - 1], y);
	} else
		return refuse(field, "periode", msg, msglen, "Période "
		    "inconnue : une année (2026), un trimestre (2026-T4) ou "
		    "un mois (2026-11).");
	/* The canonical text: "2026-Q4" reads back as "2026-T4". */
	if (p->kind == DASH_P_QUARTER)
		(void)snprintf(p->periode, sizeof(p->periode), "%d-T%d", y, q);
	else if (p->kind == DASH_P_MONTH)
		(void)snprintf(p->periode, sizeof(p->periode), "%d-%02d", y,
		    m);
	else
		(void)snprintf(p->periode, sizeof(p->periode), "%d", y);
	return 0;
}

/* --- Formatting -------------------------------------------------------- */

/* q tenths as "42,3" into buf. */
static const char *
tenths(int64_t q, const char *suffix, char buf[DASH_RATE_MAX])
{
	(void)snprintf(buf, DASH_RATE_MAX, "%lld,%lld%s", (long long)(q / 10),
	    (long long)(q % 10), suffix);
	return buf;
}

const char *
dash_percent(int64_t part, int64_t whole, char buf[DASH_RATE_MAX])
{
	if (whole <= 0 || part < 0) {
		(void)snprintf(buf, DASH_RATE_MAX, "—");
		return buf;
	}
	/* Tenths of a percent, rounded half up; part <= a few billion. */
	return tenths((part * 2000 / whole + 1) / 2, "\xc2\xa0%", buf);
}

const char *
dash_ratio(int64_t part, int64_t whole, char buf[DASH_RATE_MAX])
{
	if (whole <= 0 || part < 0) {
		(void)snprintf(buf, DASH_RATE_MAX, "—");
		return buf;
	}
	return tenths((part * 20 / whole + 1) / 2, "", buf);
}

bool
dash_vouchers_balanced(const struct dash_vouchers *v)
{
	return v->issued == v->used + v->outstanding + v->expired +
	    v->cancelled && v->issued_cents == v->used_cents +
	    v->outstanding_cents + v->expired_cents + v->cancelled_cents &&
	    v->settled <= v->used && v->settled_cents <= v->used_cents;
}

/* --- The tables' description ------------------------------------------- */

static const struct {
	const char *slug, *title, *caption, *column;
	bool by_issue;
} table_kinds[DASH_TABLES] = {
	[DASH_PATHWAY] = { "parcours", "Par parcours",
	    "Chèques émis et utilisés par parcours d’insertion",
	    "Parcours", true },
	[DASH_AGE] = { "ages", "Par tranche d’âge",
	    "Chèques émis et utilisés par tranche d’âge", "Tranche d’âge",
	    true },
	[DASH_AGENCY] = { "agences", "Par agence émettrice",
	    "Chèques émis et utilisés par agence émettrice", "Agence",
	    true },
	[DASH_COMMUNE] = { "communes", "Par commune",
	    "Chèques émis et utilisés par commune des bénéficiaires",
	    "Commune", true },
	[DASH_VENUE] = { "lieux", "Par lieu",
	    "Chèques utilisés par lieu partenaire", "Lieu", false },
	[DASH_THEME] = { "themes", "Par thème d’atelier",
	    "Chèques utilisés par thème d’atelier", "Thème", false },
	[DASH_MONTH] = { "mois", "Par mois d’émission",
	    "Chèques émis et utilisés par mois d’émission", "Mois", true },
};

enum dash_table_id
dash_table_find(const char *slug)
{
	unsigned i;

	for (i = 0; i < DASH_TABLES; i++)
		if (slug != NULL && strcmp(slug, table_kinds[i].slug) == 0)
			return (enum dash_table_id)i;
	return DASH_TABLES;
}

/* --- Loading ----------------------------------------------------------- */

/* An agency or a venue, by id. */
struct named {
	int64_t id;
	char name[128];
	long line;			/* its line in its table, -1: none yet */
};

/* A booklet of the period and what is counted of it. */
struct bk {
	int64_t id, person, issued_at;
	long line[DASH_TABLES];		/* by issue: its line in each table */
	int64_t issued, issued_cents, used, used_cents;
	int64_t first_use;		/* INT64_MAX: none */
	int64_t first_serial, last_serial;	/* of its vouchers of the period */
};

/*
 * (line, person) pairs of a table, to count distinct people per line,
 * each as one key: the line above bit PERSON_BITS, the person below.
 * Sorted by radix (a million pairs in a few milliseconds, where qsort()
 * took a fifth of the page's time).
 */
#define PERSON_BITS 40
struct pairs {
	uint64_t *p;
	size_t n, cap;
};

/* A table being built: lines found by key text through a hash. */
struct builder {
	struct dash_line *lines;
	size_t n, cap;
	long *slots;			/* open addressing: line index or -1 */
	size_t n_slots;
	struct pairs pairs;
};

struct load {
	struct dashboard *d;
	struct named *agencies, *venues;
	size_t n_agencies, cap_agencies, n_venues, cap_venues;
	struct bk *booklets;
	size_t n_booklets, cap_booklets;
	size_t cursor;			/* the booklet of the previous row */
	struct bk **by_serial;		/* the booklets by first serial */
	size_t n_by_serial, serial_cursor;
	struct builder t[DASH_TABLES];
	/* The uses of the current booklet already paired, per table. */
	int64_t run_booklet;
	long seen[2][64];
	size_t n_seen[2];
};

static int
nomem(struct pn_error *err)
{
	return pn_error_set(err, PN_E_NOMEM, "dashboard: out of memory");
}

/* Make room for one more of size in *a (*n of *cap). 0 or -1. */
static int
grow(void **a, size_t *cap, size_t n, size_t size)
{
	size_t want;
	void *p;

	if (n < *cap)
		return 0;
	want = *cap > 0 ? *cap * 2 : 64;
	if (want > (size_t)-1 / size / 2 || (p = realloc(*a, want * size)) ==
	    NULL)
		return -1;
	*a = p;
	*cap = want;
	return 0;
}

static uint64_t
hash_text(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Rebuild b's hash with twice the slots. 0 or -1. */
static int
rehash(struct builder *b)
{
	size_t n = b->n_slots > 0 ? b->n_slots * 2 : 64, i, j;
	long *slots;

	if ((slots = malloc(n * sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		slots[i] = -1;
	for (i = 0; i < b->n; i++) {
		j = hash_text(b->lines[i].label) & (n - 1);
		while (slots[j] >= 0)
			j = (j + 1) & (n - 1);
		slots[j] = (long)i;
	}
	free(b->slots);
	b->slots = slots;
	b->n_slots = n;
	return 0;
}

/* The line of b labelled label (made with key when new), or -1. */
static long
line_of(struct builder *b, const char *label, int64_t key)
{
	struct dash_line *l;
	size_t j;

	if (b->n * 2 >= b->n_slots && rehash(b) != 0)
		return -1;
	j = hash_text(label) & (b->n_slots - 1);
	for (; b->slots[j] >= 0; j = (j + 1) & (b->n_slots - 1))
		if (strcmp(b->lines[b->slots[j]].label, label) == 0)
			return b->slots[j];
	if (grow((void **)&b->lines, &b->cap, b->n, sizeof(*b->lines)) != 0)
		return -1;
	l = &b->lines[b->n];
	memset(l, 0, sizeof(*l));
	(void)snprintf(l->label, sizeof(l->label), "%s", label);
	l->key = key;
	b->slots[j] = (long)b->n;
	return (long)b->n++;
}

static int
pair_add(struct pairs *p, long line, int64_t person)
{
	/* A person's id is a rowid: far below 2^40 in any database. */
	if (person < 0 || (uint64_t)person >> PERSON_BITS != 0 ||
	    grow((void **)&p->p, &p->cap, p->n, sizeof(*p->p)) != 0)
		return -1;
	p->p[p->n++] = (uint64_t)line << PERSON_BITS | (uint64_t)person;
	return 0;
}

/* Sort p's keys (least significant byte first, the bytes in use). 0 or -1. */
static int
pairs_sort(struct pairs *p)
{
	uint64_t *tmp, *from = p->p, *to, *swap, max = 0;
	size_t count[256], i, sum, c;
	unsigned shift;

	if (p->n < 2)
		return 0;
	for (i = 0; i < p->n; i++)
		if (p->p[i] > max)
			max = p->p[i];
	if ((tmp = malloc(p->n * sizeof(*tmp))) == NULL)
		return -1;
	to = tmp;
	for (shift = 0; shift < 64 && (max >> shift) != 0; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < p->n; i++)
			count[(from[i] >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < p->n; i++)
			to[count[(from[i] >> shift) & 0xff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	if (from != p->p)
		memcpy(p->p, from, p->n * sizeof(*p->p));
	free(tmp);
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int
cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct named *
named_find(struct named *a, size_t n, int64_t id)
{
	struct named key = { .id = id };

	return n == 0 ? NULL : bsearch(&key, a, n, sizeof(*a), cmp_named);
}

static int
named_add(struct named **a, size_t *n, size_t *cap, int64_t id,
    const char *name, struct pn_error *err)
{
	if (grow((void **)a, cap, *n, sizeof(**a)) != 0)
		return nomem(err);
	(*a)[*n].id = id;
	(void)snprintf((*a)[*n].name, sizeof((*a)[*n].name), "%s", name);
	(*a)[*n].line = -1;
	(*n)++;
	return 0;
}

static int
on_agency(void *ctx, int64_t id, const char *name, struct pn_error *err)
{
	struct load *l = ctx;

	return named_add(&l->agencies, &l->n_agencies, &l->cap_agencies, id,
	    name, err);
}

static int
on_venue(void *ctx, int64_t id, const char *name, struct pn_error *err)
{
	struct load *l = ctx;

	return named_add(&l->venues, &l->n_venues, &l->cap_venues, id, name,
	    err);
}

/* The French name of a pathway as stored. */
static const char *
pathway_label(const char *p)
{
	if (strcmp(p, "rsa") == 0)
		return "RSA";
	if (strcmp(p, "revenu-jeunes") == 0)
		return "Revenu jeunes";
	if (strcmp(p, "other") == 0)
		return "Autre";
	return p;
}

static int
on_booklet(void *ctx, const struct store_dash_booklet *b,
    struct pn_error *err)
{
	struct load *l = ctx;
	struct named *a;
	struct bk *k;
	char label[64];
	int y, m;

	if (grow((void **)&l->booklets, &l->cap_booklets, l->n_booklets,
	    sizeof(*l->booklets)) != 0)
		return nomem(err);
	k = &l->booklets[l->n_booklets];
	memset(k, 0, sizeof(*k));
	k->id = b->id;
	k->person = b->beneficiary_id;
	k->issued_at = b->issued_at;
	k->first_use = INT64_MAX;
	k->line[DASH_VENUE] = k->line[DASH_THEME] = -1;
	k->line[DASH_PATHWAY] = line_of(&l->t[DASH_PATHWAY],
	    pathway_label(b->pathway), 0);
	k->line[DASH_AGE] = line_of(&l->t[DASH_AGE], b->age_band, 0);
	k->line[DASH_COMMUNE] = line_of(&l->t[DASH_COMMUNE], b->commune, 0);
	a = named_find(l->agencies, l->n_agencies, b->agency_id);
	if (a == NULL)
		k->line[DASH_AGENCY] = line_of(&l->t[DASH_AGENCY],
		    "(sans agence)", 0);
	else {
		if (a->line < 0)
			a->line = line_of(&l->t[DASH_AGENCY], a->name, a->id);
		k->line[DASH_AGENCY] = a->line;
	}
	pn_paris_month_of(b->issued_at, &y, &m);
	(void)snprintf(label, sizeof(label), "%s %d", month_names[m - 1], y);
	k->line[DASH_MONTH] = line_of(&l->t[DASH_MONTH], label,
	    (int64_t)y * 12 + m - 1);
	if (k->line[DASH_PATHWAY] < 0 || k->line[DASH_AGE] < 0 ||
	    k->line[DASH_COMMUNE] < 0 || k->line[DASH_AGENCY] < 0 ||
	    k->line[DASH_MONTH] < 0)
		return nomem(err);
	l->n_booklets++;
	return 0;
}

static int
cmp_bk(const void *a, const void *b)
{
	const struct bk *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The booklet of id (rows come in runs of one booklet), or NULL. */
static struct bk *
booklet_find(struct load *l, int64_t id)
{
	struct bk key = { .id = id }, *k;

	if (l->cursor < l->n_booklets && l->booklets[l->cursor].id == id)
		return &l->booklets[l->cursor];
	if (l->n_booklets == 0 || (k = bsearch(&key, l->booklets,
	    l->n_booklets, sizeof(*k), cmp_bk)) == NULL)
		return NULL;
	l->cursor = (size_t)(k - l->booklets);
	return k;
}

static int
on_tally(void *ctx, const struct store_dash_tally *t, struct pn_error *err)
{
	struct load *l = ctx;
	struct dash_vouchers *v = &l->d->v;
	struct bk *k;

	/* A voucher dated in the period whose booklet is not: none. */
	if ((k = booklet_find(l, t->booklet_id)) == NULL)
		return 0;
	if (k->issued == 0 || t->first_serial < k->first_serial)
		k->first_serial = t->first_serial;
	if (k->issued == 0 || t->last_serial > k->last_serial)
		k->last_serial = t->last_serial;
	k->issued += t->n;
	k->issued_cents += t->cents;
	v->issued += t->n;
	v->issued_cents += t->cents;
	if (strcmp(t->status, "redeemed") == 0 ||
	    strcmp(t->status, "settled") == 0) {
		k->used += t->n;
		k->used_cents += t->cents;
		v->used += t->n;
		v->used_cents += t->cents;
		if (t->status[0] == 's') {
			v->settled += t->n;
			v->settled_cents += t->cents;
		}
	} else if (strcmp(t->status, "issued") == 0) {
		v->outstanding += t->n;
		v->outstanding_cents += t->cents;
	} else if (strcmp(t->status, "expired") == 0) {
		v->expired += t->n;
		v->expired_cents += t->cents;
	} else if (strcmp(t->status, "cancelled") == 0) {
		v->cancelled += t->n;
		v->cancelled_cents += t->cents;
	} else
		return pn_error_set(err, PN_E_FORMAT, "dashboard: voucher "
		    "status '%s' unknown", t->status);
	return 0;
}

static int
cmp_first_serial(const void *a, const void *b)
{
	const struct bk *const *x = a, *const *y = b;

	return (*x)->first_serial < (*y)->first_serial ? -1 :
	    (*x)->first_serial > (*y)->first_serial;
}

/*
 * Whether the uses can be read by serial: every booklet's vouchers of the
 * period have consecutive serials, so that the ranges tell a serial's
 * booklet (and no other voucher falls in them). Then the booklets are
 * indexed by first serial.
 */
static int
on_serials(void *ctx, int64_t *first, int64_t *last)
{
	struct load *l = ctx;
	size_t i, n = 0;

	for (i = 0; i < l->n_booklets; i++) {
		const struct bk *k = &l->booklets[i];

		if (k->issued == 0)
			continue;
		if (k->last_serial - k->first_serial + 1 != k->issued)
			return 0;
		if (n == 0 || k->first_serial < *first)
			*first = k->first_serial;
		if (n == 0 || k->last_serial > *last)
			*last = k->last_serial;
		n++;
	}
	if (n == 0)
		return 0;
	if ((l->by_serial = malloc(n * sizeof(*l->by_serial))) == NULL)
		return 0;
	for (i = 0, n = 0; i < l->n_booklets; i++)
		if (l->booklets[i].issued > 0)
			l->by_serial[n++] = &l->booklets[i];
	qsort(l->by_serial, n, sizeof(*l->by_serial), cmp_first_serial);
	l->n_by_serial = n;
	return 1;
}

/* The booklet whose serials hold serial (uses come in serial order). */
static struct bk *
booklet_of_serial(struct load *l, int64_t serial)
{
	size_t lo = 0, hi = l->n_by_serial, mid;
	struct bk *k;

	if (l->serial_cursor < l->n_by_serial) {
		k = l->by_serial[l->serial_cursor];
		if (serial >= k->first_serial && serial <= k->last_serial)
			return k;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		k = l->by_serial[mid];
		if (serial < k->first_serial)
			hi = mid;
		else if (serial > k->last_serial)
			lo = mid + 1;
		else {
			l->serial_cursor = mid;
			return k;
		}
	}
	return NULL;
}

/* Count a use on line of table t, pairing the person once per booklet. */
static int
use_line(struct load *l, unsigned which, enum dash_table_id t, long line,
    const struct bk *k, int64_t cents)
{
	struct dash_line *dl = &l->t[t].lines[line];
	size_t i;

	dl->used++;
	dl->used_cents += cents;
	for (i = 0; i < l->n_seen[which]; i++)
		if (l->seen[which][i] == line)
			return 0;
	if (l->n_seen[which] < sizeof(l->seen[which]) /
	    sizeof(l->seen[which][0]))
		l->seen[which][l->n_seen[which]++] = line;
	return pair_add(&l->t[t].pairs, line, k->person);
}

static int
on_use(void *ctx, const struct store_dash_use *u, struct pn_error *err)
{
	struct load *l = ctx;
	struct named *vn;
	struct bk *k;
	char label[160];
	long line;

	if (u->booklet_id == 0)
		k = booklet_of_serial(l, u->serial);
	else
		k = booklet_find(l, u->booklet_id);
	if (k == NULL)
		return 0;		/* another programme's, or period's */
	if (u->starts_at < k->first_use)
		k->first_use = u->starts_at;
	if (k->id != l->run_booklet) {
		l->run_booklet = k->id;
		l->n_seen[0] = l->n_seen[1] = 0;
	}
	if ((vn = named_find(l->venues, l->n_venues, u->venue_id)) == NULL) {
		(void)snprintf(label, sizeof(label), "Lieu n° %lld",
		    (long long)u->venue_id);
		line = line_of(&l->t[DASH_VENUE], label, u->venue_id);
	} else {
		/*
		 * Two venues may bear one name: the line is the venue's,
		 * named with its number when it is not the first.
		 */
		if (vn->line < 0) {
			vn->line = line_of(&l->t[DASH_VENUE], vn->name,
			    vn->id);
			if (vn->line >= 0 &&
			    l->t[DASH_VENUE].lines[vn->line].key != vn->id) {
				(void)snprintf(label, sizeof(label),
				    "%s (lieu n° %lld)", vn->name,
				    (long long)vn->id);
				vn->line = line_of(&l->t[DASH_VENUE], label,
				    vn->id);
			}
		}
		line = vn->line;
	}
	if (line < 0 || use_line(l, 0, DASH_VENUE, line, k, u->cents) != 0)
		return nomem(err);
	if ((line = line_of(&l->t[DASH_THEME], u->theme, 0)) < 0 ||
	    use_line(l, 1, DASH_THEME, line, k, u->cents) != 0)
		return nomem(err);
	return 0;
}

/* Set the people of each line of b from its pairs. 0 or -1. */
static int
count_people(struct builder *b)
{
	size_t i;

	if (pairs_sort(&b->pairs) != 0)
		return -1;
	for (i = 0; i < b->pairs.n; i++)
		if (i == 0 || b->pairs.p[i] != b->pairs.p[i - 1])
			b->lines[b->pairs.p[i] >> PERSON_BITS].people++;
	return 0;
}

/* The distinct people of p (all of one line). -1 out of memory. */
static int64_t
distinct(struct pairs *p)
{
	int64_t n = 0;
	size_t i;

	if (pairs_sort(p) != 0)
		return -1;
	for (i = 0; i < p->n; i++)
		if (i == 0 || p->p[i] != p->p[i - 1])
			n++;
	return n;
}

/* Months in order; the month is the key. */
static int
cmp_month(const void *a, const void *b)
{
	const struct dash_line *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* Age bands in the order of their text ("16-25" before "26-44"). */
static int
cmp_label(const void *a, const void *b)
{
	const struct dash_line *x = a, *y = b;

	return strcmp(x->label, y->label);
}

/*
 * The other tables: the shown lines by vouchers issued then used, most
 * first; the withheld ones after them by label, since a withheld line
 * placed by its figures would tell them.
 */
static int
cmp_ranked(const void *a, const void *b)
{
	const struct dash_line *x = a, *y = b;
	bool xs = x->state == SC_SHOWN, ys = y->state == SC_SHOWN;

	if (xs != ys)
		return xs ? -1 : 1;
	if (xs) {
		if (x->issued != y->issued)
			return x->issued > y->issued ? -1 : 1;
		if (x->used != y->used)
			return x->used > y->used ? -1 : 1;
	}
	return strcmp(x->label, y->label);
}

/* Withhold small numbers in t, rank its lines. */
static void
finish_table(struct dashboard *d, enum dash_table_id id, int64_t people)
{
	struct dash_table *t = &d->tables[id];
	int64_t *counts;
	enum sc_state *states;
	size_t i;

	t->total.people = people;
	if ((counts = calloc(t->n + 1, sizeof(*counts))) != NULL &&
	    (states = calloc(t->n + 1, sizeof(*states))) != NULL) {
		for (i = 0; i < t->n; i++)
			counts[i] = t->lines[i].people;
		t->total.state = small_counts_apply(d->min_people, counts,
		    t->n, people, states);
		for (i = 0; i < t->n; i++)
			t->lines[i].state = states[i];
		free(states);
	} else {
		/* No memory to decide: withhold everything. */
		t->total.state = SC_MASKED;
		for (i = 0; i < t->n; i++)
			t->lines[i].state = SC_MASKED;
	}
	free(counts);
	if (d->people_state != SC_SHOWN) {
		t->total.state = d->people_state;
		for (i = 0; i < t->n; i++)
			t->lines[i].state = d->people_state;
	}
	if (t->n > 1)
		qsort(t->lines, t->n, sizeof(*t->lines), id == DASH_MONTH ?
		    cmp_month : id == DASH_AGE ? cmp_label : cmp_ranked);
}

static void
load_free(struct load *l)
{
	unsigned i;

	free(l->agencies);
	free(l->venues);
	free(l->booklets);
	free(l->by_serial);
	for (i = 0; i < DASH_TABLES; i++) {
		free(l->t[i].lines);
		free(l->t[i].slots);
		free(l->t[i].pairs.p);
	}
}

/* The counting once every row is in. 0 or -1 with err. */
static int
count(struct load *l, struct pn_error *err)
{
	struct dashboard *d = l->d;
	struct pairs people = { 0 }, using = { 0 };
	int64_t *delays = NULL;
	size_t i, n_delays = 0;
	unsigned t;
	int rc = -1;

	if (l->n_booklets > 0 &&
	    (delays = malloc(l->n_booklets * sizeof(*delays))) == NULL)
		return nomem(err);
	for (i = 0; i < l->n_booklets; i++) {
		struct bk *k = &l->booklets[i];

		for (t = 0; t < DASH_TABLES; t++) {
			struct dash_line *dl;

			if (!table_kinds[t].by_issue)
				continue;
			dl = &l->t[t].lines[k->line[t]];
			dl->issued += k->issued;
			dl->issued_cents += k->issued_cents;
			dl->used += k->used;
			dl->used_cents += k->used_cents;
			if (pair_add(&l->t[t].pairs, k->line[t], k->person) !=
			    0)
				goto nomem;
		}
		if (pair_add(&people, 0, k->person) != 0 ||
		    (k->used > 0 && pair_add(&using, 0, k->person) != 0))
			goto nomem;
		if (k->used > 0) {
			d->booklets_used++;
			if (k->first_use != INT64_MAX)
				delays[n_delays++] = k->first_use >
				    k->issued_at ? (k->first_use -
				    k->issued_at) / 86400 : 0;
		}
	}
	d->booklets = (int64_t)l->n_booklets;
	if ((d->people = distinct(&people)) < 0 ||
	    (d->people_using = distinct(&using)) < 0)
		goto nomem;
	if (n_delays > 0) {
		qsort(delays, n_delays, sizeof(*delays), cmp_i64);
		d->median_days = delays[(n_delays - 1) / 2];
	} else
		d->median_days = -1;
	d->people_state = d->people > 0 && d->people < (int64_t)d->min_people ?
	    SC_FEW : SC_SHOWN;
	for (t = 0; t < DASH_TABLES; t++) {
		struct dash_table *dt = &d->tables[t];

		if (count_people(&l->t[t]) != 0)
			goto nomem;
		dt->slug = table_kinds[t].slug;
		dt->title = table_kinds[t].title;
		dt->caption = table_kinds[t].caption;
		dt->column = table_kinds[t].column;
		dt->by_issue = table_kinds[t].by_issue;
		dt->lines = l->t[t].lines;
		dt->n = l->t[t].n;
		l->t[t].lines = NULL;
		(void)snprintf(dt->total.label, sizeof(dt->total.label),
		    "Total");
		if (dt->by_issue) {
			dt->total.issued = d->v.issued;
			dt->total.issued_cents = d->v.issued_cents;
		}
		for (i = 0; i < dt->n; i++) {
			dt->total.used += dt->lines[i].used;
			dt->total.used_cents += dt->lines[i].used_cents;
		}
		finish_table(d, (enum dash_table_id)t,
		    dt->by_issue ? d->people : d->people_using);
	}
	rc = 0;
	goto done;
nomem:
	nomem(err);
done:
	free(delays);
	free(people.p);
	free(using.p);
	return rc;
}

int
dashboard_load(struct store *s, int64_t programme_id,
    const struct dash_period *p, unsigned min_people, int64_t now,
    struct dashboard **out, struct pn_error *err)
{
	const struct store_dash_visit visit = {
		.agency = on_agency, .venue = on_venue,
		.booklet = on_booklet, .tally = on_tally,
		.serials = on_serials, .use = on_use,
		.ctx = NULL,
	};
	struct store_dash_visit v = visit;
	struct store_programme prog;
	struct load l;
	int rc;

	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.run_booklet = -1;
	if ((l.d = calloc(1, sizeof(*l.d))) == NULL)
		return nomem(err);
	l.d->programme_id = programme_id;
	l.d->period = *p;
	l.d->read_at = now;
	l.d->min_people = min_people;
	v.ctx = &l;
	rc = store_dashboard_read(s, programme_id, p->from, p->to, &prog, &v,
	    err);
	if (rc == 0) {
		(void)snprintf(l.d->programme_name,
		    sizeof(l.d->programme_name), "%s", prog.name);
		l.d->budget_cents = prog.budget;
		l.d->committed_to_date_cents = prog.committed;
		rc = count(&l, err);
	}
	load_free(&l);
	if (rc != 0) {
		dashboard_free(l.d);
		return rc;
	}
	*out = l.d;
	return 0;
}

void
dashboard_free(struct dashboard *d)
{
	unsigned i;

	if (d == NULL)
		return;
	for (i = 0; i < DASH_TABLES; i++)
		free(d->tables[i].lines);
	free(d);
}
