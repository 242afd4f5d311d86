/* api_training.c -- POST and GET /api/v1/sessions: training sessions of a venue. */
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "api.h"
#include "honest_time.h"
#include "worker.h"

#define SESSIONS_LISTED 50
#define DURATION_MAX 600	/* minutes: a working day, at most */

static json_t *
training_json(const struct store_training *t)
{
	char uid[2 * 16 + 1];

	pn_hex_encode(t->uid, sizeof(t->uid), uid);
	return json_pack("{s:s, s:I, s:I, s:I, s:s, s:I, s:i, s:I}",
	    "session", uid, "id", (json_int_t)t->id,
	    "venue", (json_int_t)t->venue_id,
	    "terminal", (json_int_t)t->terminal_id, "theme", t->theme,
	    "starts_at", (json_int_t)t->starts_at,
	    "duration_minutes", (int)t->duration_minutes,
	    "declared_at", (json_int_t)t->declared_at);
}

static bool
theme_known(const struct config *cfg, const char *theme)
{
	unsigned i;

	for (i = 0; i < cfg->redemption.n_themes; i++)
		if (strcmp(cfg->redemption.themes[i], theme) == 0)
			return true;
	return false;
}

/* Read the session of the body into *t; 0, or -1 once answered. */
static int
read_session(struct http_request *req, const json_t *doc,
    struct store_training *t, enum MHD_Result *rc)
{
	const char *uid = json_string_value(json_object_get(doc, "session"));
	const char *theme = json_string_value(json_object_get(doc, "theme"));
	const json_t *start = json_object_get(doc, "starts_at");
	const json_t *minutes = json_object_get(doc, "duration_minutes");

	memset(t, 0, sizeof(*t));
	if (uid == NULL || !pn_hex_decode(uid, t->uid, sizeof(t->uid))) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD, "session: 32 "
		    "lowercase hex digits expected");
		return -1;
	}
	if (theme == NULL) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD, "theme: "
		    "missing");
		return -1;
	}
	if (!theme_known(http_request_config(req), theme)) {
		*rc = http_reply_error(req, ERR_UNKNOWN_THEME, "'%.128s' is not "
		    "a theme; GET /api/v1/themes lists them", theme);
		return -1;
	}
	if (!json_is_integer(start) || json_integer_value(start) <= 0) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD, "starts_at: "
		    "Unix seconds expected");
		return -1;
	}
	if (!json_is_integer(minutes) || json_integer_value(minutes) < 1 ||
	    json_integer_value(minutes) > DURATION_MAX) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD,
		    "duration_minutes: 1 to %d expected", DURATION_MAX);
		return -1;
	}
	(void)snprintf(t->theme, sizeof(t->theme), "%s", theme);
	t->starts_at = (int64_t)json_integer_value(start);
	t->duration_minutes = (unsigned)json_integer_value(minutes);
	return 0;
}

enum MHD_Result
api_training_declare(struct http_request *req)
{
	const struct store_nonce *nonce;
	const struct store_terminal *t = http_request_terminal(req, &nonce);
	const struct config_redemption *cfg =
	    &http_request_config(req)->redemption;
	struct store_training in, out;
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	int64_t now = (int64_t)time(NULL), earliest;
	json_t *doc;
	int res;

	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	if (read_session(req, doc, &in, &rc) != 0)
		goto done;
	earliest = honest_earliest_session(t, now, cfg);
	if ((s = worker_store(&err)) == NULL ||
	    (res = store_training_declare(s, t, &in, nonce, now, earliest,
	    &out, &err)) < 0) {
		rc = err.code == PN_E_EXISTS ?
		    http_reply_error(req, ERR_REPLAYED_NONCE, "this nonce was "
		    "used before; nothing was done") :
		    http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
		goto done;
	}
	if (res == 2)
		rc = http_reply_error(req, ERR_SESSION_MISMATCH, "session %s "
		    "was declared with another theme, start or duration",
		    json_string_value(json_object_get(doc, "session")));
	else if (res == 3)
		rc = http_reply_error(req, ERR_SESSION_BACKDATED, "starts_at "
		    "%lld is before %lld: within %u s of the declaration, or, "
		    "opened offline, after the terminal's previous exchange "
		    "(%lld) less %u s and within %u s", (long long)in.starts_at,
		    (long long)earliest, cfg->session_tolerance,
		    (long long)honest_previous_exchange(t, now),
		    cfg->clock_tolerance, cfg->offline_grace);
	else
		rc = http_reply_json(req, res == 0 ? 201 : 200,
		    training_json(&out));
done:
	json_decref(doc);
	return rc;
}

static int
list_one(void *ctx, const struct store_training *t)
{
	return json_array_append_new(ctx, training_json(t));
}

enum MHD_Result
api_training_list(struct http_request *req)
{
	const struct store_terminal *t = http_request_terminal(req, NULL);
	json_t *list = json_array();
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL ||
	    store_training_recent(s, t->venue_id, SESSIONS_LISTED, list_one,
	    list, &err) != 0) {
		json_decref(list);
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	}
	return http_reply_json(req, 200, json_pack("{s:o}", "sessions", list));
}
