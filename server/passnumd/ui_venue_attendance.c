/* ui_venue_attendance.c -- GET /lieu/sessions/{id}/emargement.pdf and .csv: a session's attendance sheet to download.
 *
 * The same venue rule as the session's page (ui_venue_session.c): the
 * store looks the session and its records up with the venue, so that a
 * session of another venue is "not found" (404), like one that does not
 * exist, and nothing of it is read. The sheet lists the accepted records
 * only, by printed serial: no beneficiary data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attendance_pdf.h"
#include "store.h"
#include "ui.h"
#include "worker.h"

/* The vouchers taken, gathered from the store's records. */
struct taken {
	struct attendance_voucher *v;
	size_t n, cap;
	bool failed;
};

static int
taken_row(void *ctx, const struct store_venue_redemption *r)
{
	struct taken *t = ctx;
	struct attendance_voucher *p;
	size_t cap;

	/* A record that lost was not taken at this session. */
	if (!r->accepted)
		return 0;
	if (t->n == t->cap) {
		cap = t->cap == 0 ? 64 : t->cap * 2;
		if ((p = reallocarray(t->v, cap, sizeof(*p))) == NULL) {
			t->failed = true;
			return 1;
		}
		t->v = p;
		t->cap = cap;
	}
	t->v[t->n].serial = r->serial;
	t->v[t->n].value_cents = r->value;
	t->v[t->n].taken_at = r->terminal_time;
	t->n++;
	return 0;
}

/*
 * The sheet of the session of req's route at req's venue into *a, its
 * vouchers into *t (the caller frees t->v). 0, or -1 after replying with
 * *rc.
 */
static int
load_sheet(struct http_request *req, struct attendance_sheet *a,
    struct taken *t, enum MHD_Result *rc)
{
	uint64_t id = ui_param_id(req);
	struct store_venue_session sess;
	struct ui_venue uv;
	struct pn_error err;
	struct store *s;
	int res;

	memset(a, 0, sizeof(*a));
	memset(t, 0, sizeof(*t));
	if ((s = worker_store(&err)) == NULL) {
		*rc = ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
		return -1;
	}
	if (ui_venue_resolve(req, s, false, &uv, rc) != 0)
		return -1;
	if (id == 0) {
		*rc = ui_error_page(req, ERR_TRAINING_SESSION_NOT_FOUND,
		    "not a session number");
		return -1;
	}
	if ((res = store_venue_session_get(s, uv.v.id, (int64_t)id, &sess,
	    &err)) != 0) {
		*rc = res == 1 ? ui_error_page(req,
		    ERR_TRAINING_SESSION_NOT_FOUND, "no such session at this "
		    "venue") : ui_error_page(req, ERR_STORE_UNAVAILABLE,
		    err.message);
		return -1;
	}
	if (store_venue_session_redemptions(s, uv.v.id, sess.id, taken_row, t,
	    &err) != 0 || t->failed) {
		free(t->v);
		t->v = NULL;
		*rc = t->failed ? ui_error_page(req, ERR_INTERNAL, "out of "
		    "memory") : ui_error_page(req, ERR_STORE_UNAVAILABLE,
		    err.message);
		return -1;
	}
	(void)snprintf(a->venue_name, sizeof(a->venue_name), "%s", uv.v.name);
	a->session_id = sess.id;
	(void)snprintf(a->theme, sizeof(a->theme), "%s", sess.theme);
	a->starts_at = sess.starts_at;
	a->duration_minutes = sess.duration_minutes;
	(void)snprintf(a->terminal_label, sizeof(a->terminal_label), "%s",
	    sess.terminal_label);
	a->printed_at = (int64_t)time(NULL);
	a->vouchers = t->v;
	a->n_vouchers = t->n;
	return 0;
}

enum MHD_Result
ui_venue_attendance_pdf(struct http_request *req)
{
	struct attendance_sheet a;
	struct taken t;
	struct pn_error err;
	enum MHD_Result rc;
	unsigned char *pdf;
	char disposition[96];
	size_t len;
	int res;

	if (load_sheet(req, &a, &t, &rc) != 0)
		return rc;
	res = attendance_pdf_render(&a, &pdf, &len, &err);
	free(t.v);
	if (res != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	(void)snprintf(disposition, sizeof(disposition), "attachment; "
	    "filename=\"emargement-seance-%lld.pdf\"", (long long)a.session_id);
	return http_reply_document(req, 200, "application/pdf", disposition,
	    pdf, len);
}

enum MHD_Result
ui_venue_attendance_csv(struct http_request *req)
{
	struct attendance_sheet a;
	struct taken t;
	struct pn_error err;
	enum MHD_Result rc;
	char disposition[96], *csv;
	size_t len;
	int res;

	if (load_sheet(req, &a, &t, &rc) != 0)
		return rc;
	res = attendance_csv_write(&a, &csv, &len, &err);
	free(t.v);
	if (res != 0)
		return ui_error_page(req, ERR_INTERNAL, err.message);
	(void)snprintf(disposition, sizeof(disposition), "attachment; "
	    "filename=\"emargement-seance-%lld.csv\"", (long long)a.session_id);
	return http_reply_document(req, 200, "text/csv; charset=utf-8",
	    disposition, csv, len);
}
