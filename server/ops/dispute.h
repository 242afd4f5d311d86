/* dispute.h -- the operations on disputes: open one on a redemption, answer it, resolve it.
 *
 * The contract of op.h: each checks who acts (an accountant or an admin,
 * ERR_NOT_ACCOUNTANT) and the text typed (1-500 characters,
 * ERR_REASON_REQUIRED), then writes in one transaction, with its audit
 * row, at cx->now; or writes nothing. While a dispute is open, its
 * redemption's whole session waits out of settlement (settle_draft.h).
 */
#ifndef PN_DISPUTE_H
#define PN_DISPUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "op.h"

/*
 * Dispute the accepted redemption of serial for reason, within the
 * contest window of cx->cfg ([settlement] contest_days) after its
 * session (store_dispute_open()), audit row "dispute.open". ERR_NONE with
 * *dispute_id; or ERR_REDEMPTION_NOT_FOUND, ERR_DISPUTE_NOT_ACCEPTED,
 * ERR_CONTEST_WINDOW_PASSED, ERR_REDEMPTION_IN_BATCH,
 * ERR_DISPUTE_ALREADY_OPEN, ERR_DISPUTE_UPHELD...
 */
enum err_code dispute_open(const struct op_ctx *cx, uint64_t serial,
    const char *reason, int64_t *dispute_id, struct op_refusal *why);

/*
 * Close dispute id with note: uphold keeps its redemption out of
 * settlement for good; otherwise it is dismissed and the redemption is
 * payable again. Audit row "dispute.resolve". ERR_DISPUTE_NOT_FOUND when
 * there is no such dispute open.
 */
enum err_code dispute_resolve(const struct op_ctx *cx, int64_t id,
    bool uphold, const char *note, struct op_refusal *why);

/* An attachment's type, found from its first bytes. */
enum dispute_file_type {
	DISPUTE_FILE_NONE,		/* none of the three below */
	DISPUTE_FILE_PDF,		/* "%PDF-" */
	DISPUTE_FILE_JPEG,		/* FF D8 FF */
	DISPUTE_FILE_PNG		/* 89 50 4E 47 0D 0A 1A 0A */
};

/*
 * The type of the len bytes at data by their magic bytes alone, whatever
 * a browser declared or the name says; and its MIME type (NULL for
 * DISPUTE_FILE_NONE).
 */
enum dispute_file_type dispute_file_type_of(const unsigned char *data,
    size_t len);
const char *dispute_file_mime(enum dispute_file_type t);

/* A venue's answer: its text, and the file sent with it when data. */
struct dispute_answer_in {
	int64_t dispute_id;
	const char *text;		/* 1-2000 characters, UTF-8 */
	const char *file_name;		/* as the browser named it; NULL: "" */
	const unsigned char *data;	/* NULL or len 0: no attachment */
	size_t len;
};

/*
 * Answer a dispute of the venue of cx->who (a venue user: others get
 * ERR_NOT_VENUE_USER): its text (ERR_ANSWER_REQUIRED) and attachment
 * (ERR_ATTACHMENT_TOO_LARGE past [settlement] dispute_attachment_max,
 * ERR_ATTACHMENT_TYPE unless PDF, JPEG or PNG by its bytes) checked,
 * then written with its SHA-256 and an audit row "dispute.answer"
 * (store_dispute_answer()): ERR_NONE with *answer_id; or
 * ERR_DISPUTE_NOT_FOUND (none, or another venue's), ERR_DISPUTE_CLOSED,
 * ERR_ANSWER_TOO_LATE ([settlement] dispute_answer_days after its
 * opening), ERR_ANSWERS_FULL. Answers are added, never replaced.
 */
enum err_code dispute_answer(const struct op_ctx *cx,
    const struct dispute_answer_in *in, int64_t *answer_id,
    struct op_refusal *why);

#endif
