/* ui_venue_redeem.c -- GET and POST /lieu/encaisser: « Encaisser un chèque » from the browser, typed or photographed.
 *
 * The voucher comes as its printed serial and control key, or as a photo
 * whose QR code the server reads (qr_image.h); either way it becomes the
 * record a terminal would send, signed by the user's browser terminal
 * (web_terminal.h), and takes the terminals' path: the operation
 * redeem_one_queue(), its rules, the committer, the same audit rows. The
 * request is suspended while its write waits for the commit.
 *
 * The verdict is said in words, large, then coloured: « ACCEPTÉ » or
 * « REFUSÉ » with why and what to do, never the colour alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "passnum/controlkey.h"
#include "passnum/money.h"
#include "passnum/parse.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "form.h"
#include "op_request.h"
#include "qr_image.h"
#include "redeem.h"
#include "ui.h"
#include "web_terminal.h"
#include "worker.h"

/* What the person sent, and what was wrong with it. */
struct sent {
	const char *session, *serial, *key;
	const char *bad;		/* the field at fault, or NULL */
	const char *message;		/* French, beside it */
};

/* The verdict of the last voucher, shown above the forms. */
struct verdict {
	bool shown, accepted;
	char title[64];			/* « ACCEPTÉ », « REFUSÉ » */
	char text[512];			/* what it means, what to do */
};

/*
 * The session x names among today's, for uv's venue: its index in d, or
 * -1. With none named, the only one running, if there is one.
 */
static int
session_pick(const struct ui_today *d, const char *named, int64_t now)
{
	uint64_t id;
	int found = -1, running = 0;
	size_t i;

	if (named != NULL && named[0] != '\0') {
		if (pn_parse_u64(named, INT64_MAX, &id) != 0)
			return -1;
		for (i = 0; i < d->n; i++)
			if (d->t[i].id == (int64_t)id)
				return (int)i;
		return -1;
	}
	for (i = 0; i < d->n; i++)
		if (ui_session_running(&d->t[i], now)) {
			found = (int)i;
			running++;
		}
	return running == 1 ? found : -1;
}

/* The session chooser of a form: the running sessions, picked selected. */
static void
put_session_field(struct html *h, const struct ui_today *d, int picked,
    int64_t now, const char *id, bool invalid, const char *message)
{
	char start[PN_TIME_TEXT_MAX];
	size_t i;

	html_put(h, "<label for=\"%s\">Séance</label>", id);
	ui_compta_field_error(h, id, invalid, message);
	html_put(h, "<select id=\"%s\" name=\"seance\" required", id);
	ui_compta_field_attrs(h, id, NULL, invalid);
	html_put(h, ">");
	for (i = 0; i < d->n; i++) {
		if (!ui_session_running(&d->t[i], now))
			continue;
		pn_time_format_paris(d->t[i].starts_at, start);
		html_put(h, "<option value=\"%L\"%R>%s — %s</option>",
		    d->t[i].id, (int)i == picked ? " selected" : "",
		    start + 11, d->t[i].theme);
	}
	html_put(h, "</select>");
}

static bool
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* The two ways to take a voucher: typed, and a photo. */
static void
put_forms(struct html *h, struct http_request *req, const struct ui_today *d,
    int picked, int64_t now, const struct sent *x)
{
	bool bad_session = is(x->bad, "seance");

	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/lieu/encaisser\" novalidate><h2>Saisir le numéro et la "
	    "clé</h2><p class=\"hint\">Le numéro est imprimé sous le code, "
	    "la clé de contrôle à côté du numéro.</p>");
	ui_csrf_field(h, req);
	put_session_field(h, d, picked, now, "seance", bad_session,
	    x->message);
	html_put(h, "<label for=\"numero\">Numéro du chèque<span class=\"hint\" "
	    "id=\"numero-hint\">13 chiffres, par exemple <span "
	    "class=\"nowrap\">0000 0000 0001 3</span>."
	    "</span></label>");
	ui_compta_field_error(h, "numero", is(x->bad, "numero"), x->message);
	html_put(h, "<input id=\"numero\" name=\"numero\" inputmode=\"numeric\" "
	    "autocomplete=\"off\" required");
	ui_compta_field_attrs(h, "numero", "numero-hint", is(x->bad, "numero"));
	html_put(h, " value=\"%s\">", x->serial != NULL ? x->serial : "");
	html_put(h, "<label for=\"cle\">Clé de contrôle<span class=\"hint\" "
	    "id=\"cle-hint\">8 lettres et chiffres, par exemple <span "
	    "class=\"nowrap\">K7QM-4XRT</span>."
	    "</span></label>");
	ui_compta_field_error(h, "cle", is(x->bad, "cle"), x->message);
	html_put(h, "<input id=\"cle\" name=\"cle\" autocomplete=\"off\" "
	    "autocapitalize=\"characters\" spellcheck=\"false\" required");
	ui_compta_field_attrs(h, "cle", "cle-hint", is(x->bad, "cle"));
	html_put(h, " value=\"%s\"><button type=\"submit\">Encaisser"
	    "</button></form>", x->key != NULL ? x->key : "");

	html_put(h, "<form class=\"panel\" method=\"post\" "
	    "action=\"/lieu/encaisser/photo\" enctype=\"multipart/form-data\">"
	    "<h2>Prendre le chèque en photo</h2>");
	ui_csrf_field(h, req);
	put_session_field(h, d, picked, now, "seance-photo", false, NULL);
	html_put(h, "<label for=\"photo\">Photo du chèque<span class=\"hint\" "
	    "id=\"photo-hint\">Un seul chèque, son code net et en entier, en "
	    "JPEG ou PNG de %u Mo au plus.</span></label>",
	    (unsigned)(QR_IMAGE_MAX_BYTES >> 20));
	ui_compta_field_error(h, "photo", is(x->bad, "photo"), x->message);
	html_put(h, "<input id=\"photo\" name=\"photo\" type=\"file\" "
	    "accept=\"image/jpeg,image/png,image/*\" capture=\"environment\" "
	    "required");
	ui_compta_field_attrs(h, "photo", "photo-hint", is(x->bad, "photo"));
	html_put(h, "><button type=\"submit\">Envoyer la photo</button>"
	    "</form>");

}

/* The page: the verdict if any, then the forms; status as given. */
static enum MHD_Result
render(struct http_request *req, struct store *s, const struct sent *x,
    const struct verdict *v, unsigned status)
{
	const struct store_principal *who = http_request_principal(req);
	int64_t now = (int64_t)time(NULL);
	struct ui_today *d;
	struct pn_error err;
	struct ui_venue uv;
	enum MHD_Result rc;
	struct html h;
	char href[64];
	int picked;
	size_t i, running = 0;

	if (ui_venue_resolve(req, s, true, &uv, &rc) != 0)
		return rc;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return ui_error_page(req, ERR_INTERNAL, "out of memory");
	if (ui_venue_today(s, uv.v.id, now, d, &err) != 0) {
		free(d);
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	}
	for (i = 0; i < d->n; i++)
		running += ui_session_running(&d->t[i], now);
	picked = session_pick(d, x->session != NULL ? x->session :
	    http_request_query(req, "seance"), now);
	html_init(&h);
	ui_begin(&h, req, "Encaisser un chèque");
	ui_venue_banner_short(&h, &uv);
	if (v != NULL && v->shown)
		html_put(&h, "<section class=\"verdict %R\" role=\"status\" "
		    "aria-labelledby=\"verdict\"><h2 id=\"verdict\">%s</h2>"
		    "<p>%s</p></section>", v->accepted ? "verdict-ok" :
		    "verdict-no", v->title, v->text);
	ui_venue_href(&uv, "/lieu/seance", NULL, href, sizeof(href));
	if (who->role != ROLE_VENUE)
		html_put(&h, "<p class=\"hint\">Seul un compte du lieu peut "
		    "encaisser un chèque ; un administrateur consulte ces pages "
		    "sans agir à sa place.</p>");
	else if (running == 0)
		html_put(&h, "<div class=\"alert\" role=\"alert\"><p>Aucune "
		    "séance n’est en cours : un chèque s’encaisse pendant une "
		    "séance (d’une heure avant son début à une heure après sa "
		    "fin).</p><p><a href=\"%s\">Ouvrir une séance</a></p></div>",
		    href);
	else
		put_forms(&h, req, d, picked, now, x);
	free(d);
	html_put(&h, "<p><a href=\"%s\">Séance en cours</a> : les séances "
	    "d’aujourd’hui, en ouvrir une.</p>", href);
	return ui_end(&h, req, status);
}

enum MHD_Result
ui_venue_redeem_page(struct http_request *req)
{
	static const struct sent none;
	struct pn_error err;
	struct store *s;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	return render(req, s, &none, NULL, 200);
}

/* The forms again, the field at fault with its French message. */
static enum MHD_Result
refused(struct http_request *req, struct store *s, const struct sent *x,
    const char *bad, const char *message, unsigned status)
{
	struct sent y = *x;

	y.bad = bad;
	y.message = message;
	return render(req, s, &y, NULL, status);
}

/* A refusal's verdict: the error's French text, capitalised. */
static void
verdict_refused(struct verdict *v, enum err_code code, const char *serial)
{
	const char *fr = err_lookup(code)->fr;

	v->shown = true;
	v->accepted = false;
	(void)snprintf(v->title, sizeof(v->title), "REFUSÉ");
	/* The table's messages start in lower case, to follow a code. */
	if (fr[0] >= 'a' && fr[0] <= 'z')
		(void)snprintf(v->text, sizeof(v->text), "%c%s.%s%s",
		    fr[0] - 'a' + 'A', fr + 1, serial != NULL ? " Chèque " :
		    "", serial != NULL ? serial : "");
	else
		(void)snprintf(v->text, sizeof(v->text), "%s.%s%s", fr,
		    serial != NULL ? " Chèque " : "", serial != NULL ?
		    serial : "");
}

/*
 * The verdict of a decided record from its signed answer (redeem.c's
 * render): accepted, or already taken, when and where.
 */
static void
verdict_decided(struct verdict *v, const char *answer, bool accepted)
{
	json_t *doc = json_loads(answer, 0, NULL);
	const char *printed = json_string_value(json_object_get(doc,
	    "printed"));
	json_t *winner = json_object_get(doc, "winner");
	const char *where = json_string_value(json_object_get(winner,
	    "venue_name"));
	char amount[PN_MONEY_TEXT_MAX], when[PN_TIME_TEXT_MAX];

	v->shown = true;
	v->accepted = accepted;
	if (printed == NULL)
		printed = "";
	if (accepted) {
		pn_money_format(json_integer_value(json_object_get(doc,
		    "value_cents")), amount);
		(void)snprintf(v->title, sizeof(v->title), "ACCEPTÉ");
		(void)snprintf(v->text, sizeof(v->text), "Chèque %s : %s, "
		    "payés au lieu avec le mois de la séance. Gardez le chèque "
		    "avec la feuille d’émargement.", printed, amount);
	} else {
		pn_time_format_paris(json_integer_value(json_object_get(winner,
		    "accepted_at")), when);
		when[10] = '\0';	/* "07/12/2026", then the time */
		(void)snprintf(v->title, sizeof(v->title), "REFUSÉ — déjà "
		    "utilisé");
		(void)snprintf(v->text, sizeof(v->text), "Chèque %s : déjà "
		    "utilisé le %s à %s, à %s. Il ne peut pas servir deux "
		    "fois : rendez-le à la personne et expliquez-lui.",
		    printed, when, when + 11, where != NULL ? where :
		    "un autre lieu");
	}
	json_decref(doc);
}

/* One redemption from a page, from its request to its verdict. */
struct page_redeem {
	struct web_terminal wt;
	struct store_nonce nonce;
	struct redeem_one one;
	bool queued;
	struct op_refusal why;
	struct sent x;
	char serial[PN_SERIAL_TEXT_MAX];	/* as printed, if known */
};

static void
page_redeem_free(void *arg)
{
	struct page_redeem *c = arg;

	redeem_one_free(&c->one);
	web_terminal_forget(&c->wt);
	free(c);
}

/* The verdict page, once the commit that holds the record is made. */
static enum MHD_Result
page_redeem_answer(struct http_request *req)
{
	struct page_redeem *c = http_request_kept(req);
	const char *answer, *detail;
	struct verdict v = { .shown = false };
	struct pn_error err;
	struct store *s;
	enum err_code code;
	bool accepted;
	int reason;

	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (!c->queued || redeem_one_end(&c->one, &c->why) != ERR_NONE)
		code = c->why.code;
	else
		code = redeem_outcome(&c->one.j, &c->one.out, &answer,
		    &accepted, &reason, &detail);
	if (code == ERR_NONE)
		verdict_decided(&v, answer, accepted);
	else
		verdict_refused(&v, code, c->serial[0] != '\0' ? c->serial :
		    NULL);
	/* Typed fields are cleared for the next voucher: the session stays. */
	c->x.serial = c->x.key = NULL;
	return render(req, s, &c->x, &v, code != ERR_NONE ?
	    err_lookup(code)->status : accepted ? 200 : 409);
}

/*
 * Redeem voucher text (scanned or typed) in the session x names, for the
 * logged-in venue user: the record signed by the user's browser terminal,
 * queued to the committer, the request suspended until its verdict.
 */
static enum MHD_Result
page_redeem_text(struct http_request *req, struct store *s,
    const struct sent *x, const char *text, uint64_t serial)
{
	int64_t now = (int64_t)time(NULL);
	struct store_venue_session t;
	const struct store_principal *who = http_request_principal(req);
	struct pn_redemption rec;
	struct page_redeem *c;
	struct pn_error err;
	struct op_ctx cx;
	enum MHD_Result rc;
	uint64_t id;
	int found;

	if (x->session == NULL || pn_parse_u64(x->session, INT64_MAX,
	    &id) != 0 || id == 0 || (found = store_venue_session_get(s,
	    who->venue_id, (int64_t)id, &t, &err)) == 1)
		return refused(req, s, x, "seance", "Choisissez la séance en "
		    "cours dans la liste.", 400);
	if (found < 0)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	if (!ui_session_running(&t, now))
		return refused(req, s, x, "seance", "Cette séance n’est pas en "
		    "cours : choisissez-en une autre, ou ouvrez-en une.", 422);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ui_error_page(req, ERR_INTERNAL, "out of memory");
	http_request_keep(req, c, page_redeem_free);
	c->x = *x;
	if (serial != 0)
		pn_serial_format(serial, c->serial);
	op_request_ctx_on(req, s, &cx);
	if (web_terminal_of(&cx, &c->wt, &c->why) != ERR_NONE) {
		struct verdict v = { .shown = false };

		verdict_refused(&v, c->why.code, NULL);
		return render(req, s, x, &v, err_lookup(c->why.code)->status);
	}
	if (web_terminal_record(&cx, &c->wt, t.uid, text, &rec) != 0)
		return refused(req, s, x, "photo", "Ce code n’est pas celui "
		    "d’un chèque : photographiez le code du chèque, ou "
		    "saisissez son numéro et sa clé.", 422);
	web_terminal_nonce(&cx, &c->nonce);
	/* Suspended first: the committer may resume it before we return. */
	rc = http_suspend(req, page_redeem_answer);
	if (redeem_one_queue(&c->one, &cx, &c->wt.t, &c->nonce, &rec,
	    http_resume_cb, req, &c->why) != ERR_NONE)
		http_resume(req);	/* refused: answered on resume */
	else
		c->queued = true;
	return rc;
}

enum MHD_Result
ui_venue_redeem_typed(struct http_request *req)
{
	char key[PN_CONTROL_KEY_SIZE], text[PN_TYPED_TEXT_MAX], bad;
	enum pn_control_key_status ks;
	enum pn_serial_status ss;
	struct pn_error err;
	struct store *s;
	struct sent x;
	uint64_t serial;

	memset(&x, 0, sizeof(x));
	x.session = ui_field(req, "seance");
	x.serial = ui_field(req, "numero");
	x.key = ui_field(req, "cle");
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	ss = pn_serial_parse(x.serial != NULL ? x.serial : "", &serial);
	if (ss != PN_SERIAL_OK)
		return refused(req, s, &x, "numero",
		    pn_serial_status_message(ss), 400);
	ks = pn_control_key_parse(x.key != NULL ? x.key : "", key, &bad);
	if (ks != PN_CONTROL_KEY_OK)
		return refused(req, s, &x, "cle",
		    pn_control_key_status_message(ks), 400);
	pn_typed_voucher_format(serial, key, text);
	return page_redeem_text(req, s, &x, text, serial);
}

/* The status a photo refused gets: what HTTP says of each reason. */
static unsigned
photo_status(enum qr_image_result r)
{
	switch (r) {
	case QR_IMAGE_TOO_LARGE:
	case QR_IMAGE_TOO_MANY_PIXELS:
		return 413;
	case QR_IMAGE_BUSY:
		return 503;
	case QR_IMAGE_NO_MEMORY:
		return 500;
	case QR_IMAGE_EMPTY:
		return 400;
	default:
		return 422;
	}
}

enum MHD_Result
ui_venue_redeem_photo(struct http_request *req)
{
	const struct form *f = http_request_form(req, NULL);
	const struct form_file *photo;
	char text[QR_IMAGE_TEXT_MAX];
	enum qr_image_result r;
	struct pn_error err;
	struct store *s;
	struct sent x;

	memset(&x, 0, sizeof(x));
	if ((s = worker_store(&err)) == NULL)
		return ui_error_page(req, ERR_STORE_UNAVAILABLE, err.message);
	/* Authentication read the form already: it is a multipart one. */
	if (f == NULL)
		return ui_error_page(req, ERR_INVALID_FIELD, "not a form");
	x.session = form_get(f, "seance");
	photo = form_file_get(f, "photo");
	if (photo == NULL || photo->len == 0)
		return refused(req, s, &x, "photo", "Choisissez la photo du "
		    "chèque, ou prenez-en une avec le téléphone.", 400);
	pn_error_clear(&err);
	r = qr_image_decode(photo->data, photo->len, NULL, text, sizeof(text),
	    &err);
	if (r != QR_IMAGE_OK) {
		http_note_error(req, ERR_PHOTO_UNREADABLE, err.message,
		    sizeof(err.message));
		return refused(req, s, &x, "photo", qr_image_result_text(r),
		    photo_status(r));
	}
	return page_redeem_text(req, s, &x, text, 0);
}
