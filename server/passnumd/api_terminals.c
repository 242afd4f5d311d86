/* api_terminals.c -- enrolment, what a terminal is told of itself, themes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "api.h"
#include "op_request.h"
#include "terminal_enrol.h"
#include "worker.h"

static int
theme_name(void *ctx, const struct store_theme *t)
{
	return json_array_append_new(ctx, json_string(t->name)) != 0;
}

/* The themes offered (the admins' list), or NULL with err. */
static json_t *
themes_json(struct pn_error *err)
{
	json_t *a = json_array();
	struct store *s;

	if (a == NULL || (s = worker_store(err)) == NULL ||
	    store_theme_each(s, false, theme_name, a, err) != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *
venue_json(const struct store_terminal *t)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->venue_id,
	    "name", t->venue_name, "siret", t->venue_siret);
}

/*
 * What a terminal is told at enrolment and on GET /api/v1/terminal, as
 * the reply: 503 when the themes cannot be read.
 */
static enum MHD_Result
terminal_reply(struct http_request *req, unsigned status,
    const struct store_terminal *t)
{
	const struct config *cfg = http_request_config(req);
	struct pn_error err;
	json_t *themes;

	if ((themes = themes_json(&err)) == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	return http_reply_json(req, status, json_pack("{s:I, s:s, s:o, s:s, "
	    "s:o, s:I, s:I}", "terminal", (json_int_t)t->id, "label",
	    t->label, "venue", venue_json(t),
	    "status", t->revoked_at != 0 ? "revoked" : t->venue_status,
	    "themes", themes,
	    "max_batch", (json_int_t)cfg->redemption.max_batch,
	    "server_time", (json_int_t)time(NULL)));
}

enum MHD_Result
api_terminal_enrol(struct http_request *req)
{
	struct terminal_enrol_in in = { 0 };
	struct store_terminal t;
	struct op_refusal why;
	struct pn_error err;
	struct op_ctx cx;
	const char *key;
	enum MHD_Result rc;
	json_t *doc;

	if ((doc = api_body_object(req, &rc)) == NULL)
		return rc;
	in.code = json_string_value(json_object_get(doc, "code"));
	key = json_string_value(json_object_get(doc, "public_key"));
	in.label = json_string_value(json_object_get(doc, "label"));
	if (in.code == NULL)
		rc = http_reply_error(req, ERR_INVALID_FIELD, "code: missing");
	else if (key == NULL || !pn_hex_decode(key, in.public_key,
	    sizeof(in.public_key)))
		rc = http_reply_error(req, ERR_INVALID_FIELD, "public_key: 64 "
		    "lowercase hex digits expected");
	else if (op_request_ctx(req, &cx, &err) != 0)
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	else if (terminal_enrol(&cx, &in, &t, &why) != ERR_NONE)
		rc = http_reply_error(req, why.code, "%s", why.detail);
	else
		rc = terminal_reply(req, 201, &t);
	json_decref(doc);
	return rc;
}

enum MHD_Result
api_terminal_info(struct http_request *req)
{
	return terminal_reply(req, 200, http_request_terminal(req, NULL));
}

enum MHD_Result
api_themes(struct http_request *req)
{
	struct pn_error err;
	json_t *themes;

	if ((themes = themes_json(&err)) == NULL)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	return http_reply_json(req, 200, json_pack("{s:o}", "themes",
	    themes));
}
