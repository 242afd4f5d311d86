/* dispute.c -- opening a dispute on a redemption, the venue's answers, resolving it. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dispute.h"
#include "settle_rules.h"

/* The opening's step: what is disputed, and where its number goes. */
struct opening {
	const struct op_ctx *cx;
	uint64_t serial;
	const char *reason;
	int64_t *id;
};

static enum err_code
open_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct opening *o = arg;
	const struct op_ctx *cx = o->cx;
	struct pn_error err;

	return op_answer(why, store_dispute_open(tx, o->serial, o->reason,
	    (int64_t)cx->cfg->settlement.contest_days * 86400,
	    cx->who->user_id, cx->now, cx->who->login, o->id, &err), &err);
}

enum err_code
dispute_open(const struct op_ctx *cx, uint64_t serial, const char *reason,
    int64_t *dispute_id, struct op_refusal *why)
{
	struct opening o = { cx, serial, reason, dispute_id };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(reason, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "reason", &err)) != ERR_NONE)
		return op_refuse(why, rc, "reason", "%s", err.message);
	return op_run(cx, open_step, &o, ERR_INTERNAL, why);
}

/* The resolution's step. */
struct resolution {
	const struct op_ctx *cx;
	int64_t id;
	bool uphold;
	const char *note;
};

static enum err_code
resolve_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct resolution *r = arg;
	const struct op_ctx *cx = r->cx;
	struct pn_error err;

	return op_answer(why, store_dispute_resolve(tx, r->id, r->uphold,
	    r->note, cx->who->user_id, cx->now, cx->who->login, &err), &err);
}

enum err_code
dispute_resolve(const struct op_ctx *cx, int64_t id, bool uphold,
    const char *note, struct op_refusal *why)
{
	struct resolution r = { cx, id, uphold, note };
	struct pn_error err;
	enum err_code rc;

	if ((rc = settle_may_act(cx->who, &err)) != ERR_NONE)
		return op_answer(why, rc, &err);
	if ((rc = settle_text_check(note, SETTLE_TEXT_MAX,
	    ERR_REASON_REQUIRED, "note", &err)) != ERR_NONE)
		return op_refuse(why, rc, "note", "%s", err.message);
	return op_run(cx, resolve_step, &r, ERR_INTERNAL, why);
}

enum dispute_file_type
dispute_file_type_of(const unsigned char *data, size_t len)
{
	static const unsigned char png[8] = {
		0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a
	};

	if (data == NULL)
		return DISPUTE_FILE_NONE;
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
		return DISPUTE_FILE_PDF;
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return DISPUTE_FILE_JPEG;
	if (len >= sizeof(png) && memcmp(data, png, sizeof(png)) == 0)
		return DISPUTE_FILE_PNG;
	return DISPUTE_FILE_NONE;
}

const char *
dispute_file_mime(enum dispute_file_type t)
{
	switch (t) {
	case DISPUTE_FILE_PDF:
		return "application/pdf";
	case DISPUTE_FILE_JPEG:
		return "image/jpeg";
	case DISPUTE_FILE_PNG:
		return "image/png";
	case DISPUTE_FILE_NONE:
		break;
	}
	return NULL;
}

/*
 * The answer's text: UTF-8 (the form reader checked it), not blank, at
 * most STORE_ANSWER_TEXT_MAX characters (as SQLite's length() counts
 * them), and no control character but the line breaks and tabs a
 * textarea sends.
 */
static enum err_code
answer_text_check(const char *text, struct pn_error *err)
{
	const unsigned char *p;
	size_t chars = 0;
	bool blank = true;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80)
			chars++;
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') ||
		    *p == 0x7f) {
			pn_error_set(err, PN_E_ARG, "answer: a control "
			    "character");
			return ERR_ANSWER_REQUIRED;
		}
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			blank = false;
	}
	if (blank || chars > STORE_ANSWER_TEXT_MAX) {
		pn_error_set(err, PN_E_ARG, "answer: 1 to %d characters, not "
		    "%zu%s", STORE_ANSWER_TEXT_MAX, chars, blank ?
		    " (blank)" : "");
		return ERR_ANSWER_REQUIRED;
	}
	return ERR_NONE;
}

/*
 * The attachment's name as the page shows it: its last path component
 * (some browsers send the whole path), printable, at most
 * STORE_ANSWER_FILE_NAME_MAX bytes cut on a character; "piece-jointe"
 * when nothing is left.
 */
static void
file_name_clean(const char *name, char *out, size_t len)
{
	const char *p, *base = name != NULL ? name : "";
	size_t n = 0;

	for (p = base; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (p = base; *p != '\0' && n + 1 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			continue;
		out[n++] = (char)c;
	}
	/* Cut, drop the bytes of a character the cut split. */
	if (*p != '\0' && n > 0) {
		size_t k = n - 1, need;
		unsigned char lead;

		while (k > 0 && ((unsigned char)out[k] & 0xc0) == 0x80)
			k--;
		lead = (unsigned char)out[k];
		need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (k + need > n)
			n = k;
	}
	out[n] = '\0';
	if (n == 0)
		(void)snprintf(out, len, "piece-jointe");
}

struct answering {
	const struct op_ctx *cx;
	struct store_answer_in in;
	int64_t *id;
};

static enum err_code
answer_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct answering *a = arg;
	const struct op_ctx *cx = a->cx;
	struct pn_error err;

	return op_answer(why, store_dispute_answer(tx, &a->in,
	    cx->who->user_id, cx->now, op_actor(cx), a->id, &err), &err);
}

enum err_code
dispute_answer(const struct op_ctx *cx, const struct dispute_answer_in *in,
    int64_t *answer_id, struct op_refusal *why)
{
	char name[STORE_ANSWER_FILE_NAME_MAX + 1];
	struct answering a;
	enum dispute_file_type t;
	struct pn_error err;
	enum err_code rc;

	if (cx->who == NULL || cx->who->role != ROLE_VENUE ||
	    cx->who->venue_id == 0)
		return op_refuse(why, ERR_NOT_VENUE_USER, NULL, "only a user "
		    "of the disputed venue may answer");
	if ((rc = answer_text_check(in->text != NULL ? in->text : "",
	    &err)) != ERR_NONE)
		return op_refuse(why, rc, "text", "%s", err.message);
	memset(&a, 0, sizeof(a));
	a.cx = cx;
	a.id = answer_id;
	a.in.dispute_id = in->dispute_id;
	a.in.venue_id = cx->who->venue_id;
	a.in.text = in->text;
	a.in.answer_seconds =
	    (int64_t)cx->cfg->settlement.dispute_answer_days * 86400;
	if (in->data != NULL && in->len > 0) {
		if (in->len > cx->cfg->settlement.dispute_attachment_max)
			return op_refuse(why, ERR_ATTACHMENT_TOO_LARGE, "file",
			    "attachment: %zu bytes, at most %zu", in->len,
			    cx->cfg->settlement.dispute_attachment_max);
		if ((t = dispute_file_type_of(in->data, in->len)) ==
		    DISPUTE_FILE_NONE)
			return op_refuse(why, ERR_ATTACHMENT_TYPE, "file",
			    "attachment: not a PDF, JPEG or PNG by its first "
			    "bytes");
		file_name_clean(in->file_name, name, sizeof(name));
		a.in.file_name = name;
		a.in.file_type = dispute_file_mime(t);
		a.in.data = in->data;
		a.in.len = in->len;
		crypto_hash_sha256(a.in.sha256, in->data, in->len);
	}
	return op_run(cx, answer_step, &a, ERR_INTERNAL, why);
}
