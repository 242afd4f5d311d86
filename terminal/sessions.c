/* sessions.c -- training sessions at the venue (docs/api.md, "POST /api/v1/sessions"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/request.h"
#include "passnum/timefmt.h"
#include "sessions.h"
#include "sync.h"
#include "terminal.h"

static int
session_from_json(const json_t *j, struct journal_session *s)
{
	const char *id = json_string_value(json_object_get(j, "session"));
	const char *theme = json_string_value(json_object_get(j, "theme"));
	json_t *start = json_object_get(j, "starts_at");
	json_t *dur = json_object_get(j, "duration_minutes");

	memset(s, 0, sizeof(*s));
	if (id == NULL || !pn_hex_decode(id, s->id, sizeof(s->id)) ||
	    theme == NULL || strlen(theme) == 0 ||
	    strlen(theme) >= sizeof(s->theme) || !json_is_integer(start) ||
	    json_integer_value(start) < 0 || !json_is_integer(dur) ||
	    json_integer_value(dur) < 1 || json_integer_value(dur) > 600)
		return -1;
	memcpy(s->theme, theme, strlen(theme) + 1);
	s->starts_at = (int64_t)json_integer_value(start);
	s->duration_minutes = (int)json_integer_value(dur);
	s->declared = true;
	return 0;
}

int
sessions_fetch(struct term *t, struct pn_error *err)
{
	struct journal_session s;
	struct http_reply rep;
	json_t *list, *item;
	char msg[400];
	size_t i;
	int rc = 0;

	if (http_request(t->http, "GET", "/api/v1/sessions", NULL, 0, true,
	    1u << 20, &rep) != 0 || http_reply_unreachable(&rep)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "%s", msg);
		http_reply_free(&rep);
		return 1;
	}
	if (term_note_suspended(t, rep.status, rep.json)) {
		pn_error_set(err, PN_E_IO, "séances du serveur : ce poste "
		    "est suspendu");
		http_reply_free(&rep);
		return -1;
	}
	if (term_note_clock(t, &rep)) {
		pn_error_set(err, PN_E_IO, "séances du serveur : %s",
		    t->clock_refused);
		http_reply_free(&rep);
		return -1;
	}
	if (rep.status == 200)
		term_note_active(t);
	list = json_object_get(rep.json, "sessions");
	if (rep.status != 200 || !json_is_array(list)) {
		http_reply_message(&rep, msg, sizeof(msg));
		pn_error_set(err, PN_E_IO, "séances du serveur : %s", msg);
		http_reply_free(&rep);
		return -1;
	}
	json_array_foreach(list, i, item) {
		if (session_from_json(item, &s) != 0) {
			pn_error_set(err, PN_E_FORMAT, "séances du serveur : "
			    "la n° %zu est illisible", i + 1);
			rc = -1;
			break;
		}
		if ((rc = journal_session_put(t->journal, &s, err)) != 0)
			break;
	}
	http_reply_free(&rep);
	return rc;
}

int
sessions_find(struct term *t, const char *prefix, struct journal_session *out)
{
	struct pn_error err;
	int rc;

	rc = journal_session_find(t->journal, prefix, out, &err);
	if (rc == 0 && sessions_fetch(t, &err) == 0)
		rc = journal_session_find(t->journal, prefix, out, &err);
	/* Its vouchers would all come back refused (4012): none is taken. */
	if (rc == 1 && out->refused_code != 0) {
		fprintf(stderr, "passnum-terminal : --session %s : séance "
		    "refusée par le serveur (code %d) : ouvrez-en une autre "
		    "(passnum-terminal session open)\n", prefix,
		    out->refused_code);
		return TERM_EXIT_SERVER;
	}
	if (rc == 1)
		return 0;
	if (rc < 0)
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
	else if (rc == 2)
		fprintf(stderr, "passnum-terminal : --session %s : plusieurs "
		    "séances commencent ainsi. Donnez plus de chiffres.\n",
		    prefix);
	else
		fprintf(stderr, "passnum-terminal : --session %s : séance "
		    "inconnue. Donnez de 4 à 32 chiffres de son numéro (voir "
		    "passnum-terminal session list).\n", prefix);
	return rc < 0 ? TERM_EXIT_SETUP : TERM_EXIT_USAGE;
}

const char *
sessions_theme(const struct term *t, const char *arg)
{
	char *end;
	long n;

	if (term_config_has_theme(&t->cfg, arg))
		return arg;
	n = strtol(arg, &end, 10);
	if (end != arg && *end == '\0' && n >= 1 && (size_t)n <= t->cfg.n_themes)
		return t->cfg.themes[n - 1];
	return NULL;
}

int
sessions_open(struct term *t, const char *theme, int64_t starts_at,
    int duration_minutes, struct journal_session *out, struct pn_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(theme) == 0 || strlen(theme) >= sizeof(out->theme))
		return pn_error_set(err, PN_E_ARG, "thème : de 1 à %zu "
		    "octets", sizeof(out->theme) - 1);
	if (duration_minutes < 1 || duration_minutes > 600)
		return pn_error_set(err, PN_E_ARG, "durée : de 1 à 600 "
		    "minutes");
	/* Chosen here so that a session can be opened with no network. */
	randombytes_buf(out->id, sizeof(out->id));
	memcpy(out->theme, theme, strlen(theme) + 1);
	out->starts_at = starts_at;
	out->duration_minutes = duration_minutes;
	out->here = true;
	if (journal_session_put(t->journal, out, err) != 0)
		return -1;
	/* Remembered suspended: not declared until the server lifts it. */
	if (term_confirm_active(t) != 0)
		return 3;
	rc = sync_declare_session(t, out, err);
	if (rc == 0)
		out->declared = true;
	/* Kept either way: a refusal is the server's word, not a local fault. */
	return rc < 0 ? 2 : rc == 2 ? 3 : rc == 3 ? 4 : rc;
}

void
sessions_print(FILE *out, const struct journal_session *s, int number)
{
	char id[2 * PN_SESSION_ID_SIZE + 1], when[PN_TIME_TEXT_MAX];

	pn_hex_encode(s->id, sizeof(s->id), id);
	pn_time_format_paris(s->starts_at, when);
	if (number > 0)
		fprintf(out, "%3d) ", number);
	fprintf(out, "%s  %s  %3d min  %s  [%s%s]\n", id, when,
	    s->duration_minutes, s->theme,
	    s->declared ? "déclarée" : s->refused_code != 0 ?
	    "refusée par le serveur" : "à déclarer",
	    s->here ? ", ouverte ici" : "");
}

bool
sessions_is_current(const struct journal_session *s, int64_t now)
{
	return now >= s->starts_at - 3600 &&
	    now <= s->starts_at + (int64_t)s->duration_minutes * 60 + 3600;
}

struct current {
	struct journal_session s;
	int n;
	int64_t now;
};

static int
pick_current(const struct journal_session *s, void *arg)
{
	struct current *c = arg;

	if (s->refused_code == 0 && sessions_is_current(s, c->now) &&
	    c->n++ == 0)
		c->s = *s;
	return 0;
}

int
sessions_pick(struct term *t, const char *prefix,
    struct journal_session *out)
{
	struct current c = { .now = (int64_t)time(NULL) };
	struct pn_error err;

	if (prefix != NULL)
		return sessions_find(t, prefix, out);
	(void)sessions_fetch(t, &err);
	if (journal_session_each(t->journal, 50, false, pick_current, &c,
	    &err) != 0) {
		fprintf(stderr, "passnum-terminal : %s\n", err.message);
		return TERM_EXIT_SETUP;
	}
	if (c.n != 1) {
		fprintf(stderr, "passnum-terminal : %s. Donnez --session ID "
		    "(voir passnum-terminal session list), ou ouvrez-en une "
		    "avec passnum-terminal session open.\n",
		    c.n == 0 ? "Aucune séance en cours" :
		    "Plusieurs séances en cours");
		return TERM_EXIT_USAGE;
	}
	*out = c.s;
	return 0;
}
