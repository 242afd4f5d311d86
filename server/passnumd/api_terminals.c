/* api_terminals.c -- enrolment, what a terminal is told of itself, themes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/request.h"
#include "api.h"
#include "op_request.h"
#include "terminal_enrol.h"

static json_t *
themes_json(const struct config *cfg)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < cfg->redemption.n_themes; i++)
		json_array_append_new(a,
		    json_string(cfg->redemption.themes[i]));
	return a;
}

static json_t *
venue_json(const struct store_terminal *t)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->venue_id,
	    "name", t->venue_name, "siret", t->venue_siret);
}

/* What a terminal is told at enrolment and on GET /api/v1/terminal. */
static json_t *
terminal_json(struct http_request *req, const struct store_terminal *t)
{
	const struct config *cfg = http_request_config(req);

	return json_pack("{s:I, s:s, s:o, s:s, s:o, s:I, s:I}",
	    "terminal", (json_int_t)t->id, "label", t->label,
	    "venue", venue_json(t),
	    "status", t->revoked_at != 0 ? "revoked" : t->venue_status,
	    "themes", themes_json(cfg),
	    "max_batch", (json_int_t)cfg->redemption.max_batch,
	    "server_time", (json_int_t)time(NULL));
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
		rc = http_reply_json(req, 201, terminal_json(req, &t));
	json_decref(doc);
	return rc;
}

enum MHD_Result
api_terminal_info(struct http_request *req)
{
	return http_reply_json(req, 200,
	    terminal_json(req, http_request_terminal(req, NULL)));
}

enum MHD_Result
api_themes(struct http_request *req)
{
	return http_reply_json(req, 200, json_pack("{s:o}", "themes",
	    themes_json(http_request_config(req))));
}
