/* skew.c -- which clock moved when the terminal's and the server's disagree (skew.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/timefmt.h"
#include "skew.h"

static int64_t
abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

bool
skew_agrees(const struct skew_sample *s)
{
	return s->wall != 0 && s->server != 0 &&
	    abs64(s->server - s->wall) <= SKEW_WINDOW;
}

void
skew_judge(const struct skew_sample *ref, const struct skew_sample *now,
    struct skew_judgement *out)
{
	int64_t elapsed;
	bool terminal, server;

	memset(out, 0, sizeof(*out));
	out->offset = now->server - now->wall;
	out->side = SKEW_UNKNOWN;
	if (ref->wall == 0 || ref->server == 0) {
		out->why = SKEW_WHY_NO_REFERENCE;
		return;
	}
	/* Ticks of another boot start over: nothing to measure against. */
	if (ref->boot != now->boot || now->ticks < ref->ticks) {
		out->why = SKEW_WHY_REBOOT;
		return;
	}
	elapsed = now->ticks - ref->ticks;
	out->terminal_moved = (now->wall - ref->wall) - elapsed;
	out->server_moved = (now->server - ref->server) - elapsed;
	terminal = abs64(out->terminal_moved) > SKEW_MOVED;
	server = abs64(out->server_moved) > SKEW_MOVED;
	if (terminal == server) {
		out->why = SKEW_WHY_BOTH_MOVED;
		return;
	}
	out->side = terminal ? SKEW_TERMINAL : SKEW_SERVER;
	out->why = SKEW_WHY_NONE;
}

void
skew_duration_text(int64_t seconds, char *buf, size_t len)
{
	int64_t s = abs64(seconds), m;

	if (s < 60) {
		(void)snprintf(buf, len, "%lld s", (long long)s);
		return;
	}
	/* To the nearest minute: the Date header is good to a second. */
	m = (s + 30) / 60;
	if (m < 60)
		(void)snprintf(buf, len, "%lld min", (long long)m);
	else if (m < 24 * 60)
		(void)snprintf(buf, len, "%lld h %02lld", (long long)(m / 60),
		    (long long)(m % 60));
	else
		(void)snprintf(buf, len, "%lld j %lld h", (long long)(m / 1440),
		    (long long)(m % 1440 / 60));
}

/*
 * Both times as the venue reads them, in Paris whatever this machine's
 * zone (the pages show Paris time too): "10:45" and "09:12", or with their
 * dates when they fall on different days.
 */
static void
times_text(int64_t mine, int64_t theirs, char *a, char *b, size_t len)
{
	char da[PN_TIME_TEXT_MAX], db[PN_TIME_TEXT_MAX];
	char ta[PN_TIME_TEXT_MAX], tb[PN_TIME_TEXT_MAX];
	size_t na, nb;

	pn_time_format_paris_date(mine, da);
	pn_time_format_paris_date(theirs, db);
	pn_time_format_paris(mine, ta);
	pn_time_format_paris(theirs, tb);
	na = strlen(ta);
	nb = strlen(tb);
	if (strcmp(da, db) != 0 || na < 5 || nb < 5) {
		(void)snprintf(a, len, "%s", ta);
		(void)snprintf(b, len, "%s", tb);
	} else {
		/* "31/12/2026 23:59": the time is its last five characters. */
		(void)snprintf(a, len, "%s", ta + na - 5);
		(void)snprintf(b, len, "%s", tb + nb - 5);
	}
}

void
skew_describe(const struct skew_sample *now, const struct skew_judgement *j,
    char *buf, size_t len)
{
	char mine[32], theirs[32], apart[32], moved[32];

	times_text(now->wall, now->server, mine, theirs, sizeof(mine));
	skew_duration_text(j->offset, apart, sizeof(apart));
	switch (j->side) {
	case SKEW_SERVER:
		skew_duration_text(j->server_moved, moved, sizeof(moved));
		(void)snprintf(buf, len, "l'horloge du serveur semble décalée "
		    "(il annonce %s, ce poste %s) : depuis le dernier échange "
		    "réussi, elle a sauté de %s %s alors que celle du poste a "
		    "suivi le temps écoulé : prévenez le Département", theirs,
		    mine, moved, j->server_moved < 0 ? "en arrière" :
		    "en avant");
		return;
	case SKEW_TERMINAL:
		(void)snprintf(buf, len, "l'horloge de ce poste est décalée de "
		    "%s %s (il affiche %s, le serveur %s) : depuis le dernier "
		    "échange réussi, elle a sauté alors que celle du serveur a "
		    "suivi le temps écoulé : mettez-la à l'heure", apart,
		    j->offset < 0 ? "en avance" : "en retard", mine, theirs);
		return;
	case SKEW_UNKNOWN:
		break;
	}
	(void)snprintf(buf, len, "l'heure de ce poste (%s) et celle du serveur "
	    "(%s) diffèrent de %s, impossible de dire laquelle est fausse (%s) "
	    ": vérifiez l'heure du poste ; si elle est juste, prévenez le "
	    "Département", mine, theirs, apart,
	    j->why == SKEW_WHY_REBOOT ? "le poste a redémarré depuis le "
	    "dernier échange réussi" : j->why == SKEW_WHY_BOTH_MOVED ?
	    "les deux ont bougé depuis le dernier échange réussi" :
	    "aucun échange réussi à comparer");
}

int64_t
skew_ticks(void)
{
	struct timespec ts;

#ifdef CLOCK_BOOTTIME
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		return (int64_t)ts.tv_sec;
#endif
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
		return (int64_t)ts.tv_sec;
	return 0;
}

void
skew_local(struct skew_sample *s, uint64_t boot)
{
	memset(s, 0, sizeof(*s));
	s->wall = (int64_t)time(NULL);
	s->ticks = skew_ticks();
	s->boot = boot;
}

uint64_t
skew_boot_id(void)
{
	char line[64];
	uint64_t id = 0;
	unsigned n = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	const char *p;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	/* The first 15 hex digits of the UUID: 60 bits, fits an int64. */
	for (p = line; *p != '\0' && n < 15; p++) {
		if (*p >= '0' && *p <= '9')
			id = id << 4 | (uint64_t)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			id = id << 4 | (uint64_t)(*p - 'a' + 10);
		else if (*p == '-')
			continue;
		else
			return 0;
		n++;
	}
	return n == 15 && id != 0 ? id : 0;
}
