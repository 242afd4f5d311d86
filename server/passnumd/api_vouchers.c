/* api_vouchers.c -- a voucher's status, and cancelling vouchers and booklets.
 *
 *   GET  /api/v1/vouchers/{serial}
 *   POST /api/v1/vouchers/{serial}/cancel
 *   POST /api/v1/booklets/{id}/cancel
 */
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "api.h"
#include "op_request.h"
#include "scope.h"
#include "store.h"
#include "voucher_cancel.h"
#include "worker.h"

/* POST .../{id}/cancel with {"reason": "..."}, for a voucher or a booklet. */
static enum MHD_Result
cancel(struct http_request *req, bool booklet)
{
	const char *param = http_request_param(req, 0), *reason;
	struct op_refusal why;
	struct op_ctx cx;
	struct pn_error err;
	enum err_code code;
	json_error_t jerr;
	enum MHD_Result rc;
	size_t len;
	const char *body = http_request_body(req, &len);
	json_t *doc;
	unsigned n;
	uint64_t id;

	if (pn_parse_u64(param, INT64_MAX, &id) != 0)
		return http_reply_error(req, booklet ? ERR_BOOKLET_NOT_FOUND :
		    ERR_VOUCHER_NOT_FOUND, "'%s' is not a %s number", param,
		    booklet ? "booklet" : "voucher");
	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return http_reply_error(req, ERR_MALFORMED_JSON, "line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
	reason = json_string_value(json_object_get(doc, "reason"));
	if (op_request_ctx(req, &cx, &err) != 0)
		code = op_failed(&why, ERR_STORE_UNAVAILABLE, &err);
	else if (booklet)
		code = booklet_cancel(&cx, id, reason, &n, &why);
	else
		code = voucher_cancel(&cx, id, reason, &why);
	if (code != ERR_NONE)
		rc = http_reply_error(req, why.code, "%s", why.detail);
	else if (booklet)
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
	return cancel(req, false);
}

enum MHD_Result
api_booklet_cancel(struct http_request *req)
{
	return cancel(req, true);
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
	    (res = store_voucher_get(s, serial, scope_agency(who), &info, &err)) < 0)
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
