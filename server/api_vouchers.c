/* api_vouchers.c -- a voucher's status, and cancelling vouchers and booklets.
 *
 *   GET  /api/v1/vouchers/{serial}
 *   POST /api/v1/vouchers/{serial}/cancel
 *   POST /api/v1/booklets/{id}/cancel
 */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "api.h"
#include "store.h"
#include "worker.h"

#define REASON_MAX 500

/*
 * The "reason" of a cancellation body, or NULL after answering 400.
 * *doc holds the parsed body; the caller frees it.
 */
static const char *
cancel_reason(struct http_request *req, json_t **doc, enum MHD_Result *rc)
{
	json_error_t jerr;
	size_t len, i;
	const char *body = http_request_body(req, &len), *reason;

	*doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (*doc == NULL) {
		*rc = http_reply_error(req, ERR_MALFORMED_JSON, "line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	reason = json_string_value(json_object_get(*doc, "reason"));
	if (reason == NULL || reason[0] == '\0' ||
	    strlen(reason) > REASON_MAX) {
		*rc = http_reply_error(req, ERR_INVALID_FIELD, "reason: why it "
		    "is cancelled, 1 to %d characters", REASON_MAX);
		return NULL;
	}
	for (i = 0; reason[i] != '\0'; i++)
		if (iscntrl((unsigned char)reason[i])) {
			*rc = http_reply_error(req, ERR_INVALID_FIELD, "reason:"
			    " no control characters");
			return NULL;
		}
	return reason;
}

/* A caseworker acts within their agency; an admin anywhere. */
static int64_t
scope(const struct store_principal *who)
{
	return who->role == ROLE_ADMIN ? 0 : who->agency_id;
}

/* What one cancellation route acts on: its words, codes and store call. */
struct cancel_target {
	const char *noun;		/* "voucher", "booklet" */
	enum err_code not_found;
	bool booklet;
};

static const struct cancel_target voucher_target = {
	"voucher", ERR_VOUCHER_NOT_FOUND, false,
};
static const struct cancel_target booklet_target = {
	"booklet", ERR_BOOKLET_NOT_FOUND, true,
};

/* POST .../{id}/cancel with {"reason": "..."}, for either target. */
static enum MHD_Result
cancel(struct http_request *req, const struct cancel_target *t)
{
	const struct store_principal *who = http_request_principal(req);
	const char *param = http_request_param(req, 0), *reason;
	int64_t now = (int64_t)time(NULL);
	struct pn_error err;
	struct store *s;
	enum MHD_Result rc;
	json_t *doc = NULL;
	unsigned n = 1;
	uint64_t id;
	int res;

	if (pn_parse_u64(param, INT64_MAX, &id) != 0)
		return http_reply_error(req, t->not_found, "'%s' is not a %s "
		    "number", param, t->noun);
	if ((reason = cancel_reason(req, &doc, &rc)) == NULL) {
		json_decref(doc);
		return rc;
	}
	if ((s = worker_store(&err)) == NULL)
		res = -1;
	else if (t->booklet)
		res = store_booklet_cancel(s, (int64_t)id, scope(who), reason,
		    who, now, &n, &err);
	else
		res = store_voucher_cancel(s, id, scope(who), reason, who, now,
		    &err);
	if (res < 0)
		rc = http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	else if (res == 1)
		rc = http_reply_error(req, t->not_found, "%s %llu", t->noun,
		    (unsigned long long)id);
	else if (res == 2)
		rc = http_reply_error(req, ERR_NOT_CANCELLABLE, "%s %llu",
		    t->noun, (unsigned long long)id);
	else if (t->booklet)
		rc = http_reply_json(req, 200, json_pack("{s:I, s:s, s:i}",
		    "id", (json_int_t)id, "status", "cancelled",
		    "vouchers_cancelled", (int)n));
	else
		rc = http_reply_json(req, 200, json_pack("{s:I, s:s}",
		    "serial", (json_int_t)id, "status", "cancelled"));
	json_decref(doc);
	return rc;
}

enum MHD_Result
api_voucher_cancel(struct http_request *req)
{
	return cancel(req, &voucher_target);
}

enum MHD_Result
api_booklet_cancel(struct http_request *req)
{
	return cancel(req, &booklet_target);
}

/* The status document of one voucher, or the error that says why not. */
static enum MHD_Result
reply_voucher(struct http_request *req, uint64_t serial)
{
	const struct store_principal *who = http_request_principal(req);
	struct store_voucher_info info;
	struct pn_error err;
	struct store *s;
	char printed[PN_SERIAL_TEXT_MAX], issued[PN_TIME_TEXT_MAX];
	char expires[PN_TIME_TEXT_MAX], cancelled[PN_TIME_TEXT_MAX];
	json_t *doc;
	int res;

	if ((s = worker_store(&err)) == NULL ||
	    (res = store_voucher_get(s, serial, scope(who), &info, &err)) < 0)
		return http_reply_error(req, ERR_STORE_UNAVAILABLE, "%s",
		    err.message);
	if (res == 1)
		return http_reply_error(req, ERR_VOUCHER_NOT_FOUND, "voucher "
		    "%llu", (unsigned long long)serial);
	pn_serial_format(info.v.serial, printed);
	pn_time_format(info.v.issued_at, issued);
	pn_time_format(info.v.expires_at, expires);
	doc = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s}",
	    "serial", (json_int_t)info.v.serial, "printed", printed,
	    "status", info.v.status, "booklet", (json_int_t)info.booklet_id,
	    "programme", (json_int_t)info.programme_id,
	    "value_cents", (json_int_t)info.v.value, "issued_at", issued,
	    "expires_at", expires);
	if (doc != NULL && info.cancelled_at != 0) {
		pn_time_format(info.cancelled_at, cancelled);
		json_object_set_new(doc, "cancelled_at", json_string(cancelled));
		json_object_set_new(doc, "cancel_reason",
		    json_string(info.cancel_reason));
	}
	return http_reply_json(req, 200, doc);
}

enum MHD_Result
api_voucher_get(struct http_request *req)
{
	const char *param = http_request_param(req, 0);
	uint64_t serial;

	if (pn_parse_u64(param, INT64_MAX, &serial) != 0)
		return http_reply_error(req, ERR_VOUCHER_NOT_FOUND, "'%s' is "
		    "not a serial number", param);
	return reply_voucher(req, serial);
}

/* GET /api/v1/vouchers?printed=...: a serial as typed from the paper. */
enum MHD_Result
api_voucher_find(struct http_request *req)
{
	const char *printed = http_request_query(req, "printed");
	enum pn_serial_status st;
	uint64_t serial;

	if (printed == NULL)
		return http_reply_error(req, ERR_BAD_PRINTED_SERIAL, "give "
		    "?printed= with the serial printed on the voucher");
	if ((st = pn_serial_parse(printed, &serial)) != PN_SERIAL_OK)
		return http_reply_error(req, ERR_BAD_PRINTED_SERIAL, "%s",
		    pn_serial_status_message(st));
	return reply_voucher(req, serial);
}
