/* web_terminal.c -- a venue user's browser as a terminal. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "terminal_standing.h"
#include "web_terminal.h"

/*
 * The label a venue reads in its list of terminals. The column holds 64
 * characters: a long login is cut, on a character's boundary.
 */
static void
web_label(const struct store_principal *who, char *label, size_t len)
{
	size_t n = strlen(who->login);

	if (n > 48) {
		n = 48;
		while (n > 0 && ((unsigned char)who->login[n] & 0xc0) == 0x80)
			n--;
	}
	(void)snprintf(label, len, "Navigateur de %.*s", (int)n, who->login);
}

struct find {
	const struct op_ctx *cx;
	const uint8_t *pk;
	const char *label;
	struct store_terminal *t;
};

static enum err_code
find_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct find *f = arg;
	struct pn_error err;

	if (store_web_terminal(tx, f->cx->who, f->pk, f->label, f->cx->now,
	    f->t, &err) != 0)
		return op_failed(why, ERR_STORE_UNAVAILABLE, &err);
	return ERR_NONE;
}

enum err_code
web_terminal_of(const struct op_ctx *cx, struct web_terminal *wt,
    struct op_refusal *why)
{
	uint8_t pk[32];
	char label[65];
	struct find f;
	const char *standing;
	enum err_code code;

	memset(wt, 0, sizeof(*wt));
	if (cx->who == NULL || cx->who->role != ROLE_VENUE)
		return op_refuse(why, ERR_VENUE_USER_ONLY, NULL, "only a venue "
		    "user acts through a browser terminal");
	if (cx->who->venue_id == 0)
		return op_refuse(why, ERR_NO_VENUE, NULL, "user %s belongs to "
		    "no venue", cx->who->login);
	if (cx->keys == NULL || keyring_web_terminal_key(cx->keys,
	    cx->who->user_id, pk, wt->sk) != 0)
		return op_refuse(why, ERR_WEB_TERMINAL_UNAVAILABLE, NULL, "no "
		    "reference secret ([keys] ref_secret) to derive the "
		    "browser's key from");
	web_label(cx->who, label, sizeof(label));
	f.cx = cx;
	f.pk = pk;
	f.label = label;
	f.t = &wt->t;
	if ((code = op_run(cx, find_step, &f, ERR_STORE_UNAVAILABLE, why)) !=
	    ERR_NONE) {
		web_terminal_forget(wt);
		return code;
	}
	if (sodium_memcmp(wt->t.public_key, pk, 32) != 0) {
		web_terminal_forget(wt);
		return op_refuse(why, ERR_WEB_TERMINAL_UNAVAILABLE, NULL,
		    "terminal %lld was recorded under another reference "
		    "secret", (long long)wt->t.id);
	}
	if ((code = terminal_standing(&wt->t, cx->now, &standing)) !=
	    ERR_NONE) {
		web_terminal_forget(wt);
		return op_refuse(why, code, NULL, "%s", standing);
	}
	return ERR_NONE;
}

void
web_terminal_forget(struct web_terminal *wt)
{
	sodium_memzero(wt->sk, sizeof(wt->sk));
}

void
web_terminal_nonce(const struct op_ctx *cx, struct store_nonce *nonce)
{
	nonce->at = cx->now;
	randombytes_buf(nonce->bytes, sizeof(nonce->bytes));
}

int
web_terminal_record(const struct op_ctx *cx, const struct web_terminal *wt,
    const uint8_t session_uid[PN_SESSION_ID_SIZE], const char *text,
    struct pn_redemption *rec)
{
	struct timespec ts;

	memset(rec, 0, sizeof(*rec));
	if (strlen(text) > PN_REDEMPTION_TEXT_MAX)
		return -1;
	randombytes_buf(rec->id, sizeof(rec->id));
	rec->terminal = (uint64_t)wt->t.id;
	memcpy(rec->session, session_uid, PN_SESSION_ID_SIZE);
	rec->terminal_time = cx->now;
	/* Audit only, like any terminal's counter: it only has to grow. */
	clock_gettime(CLOCK_REALTIME, &ts);
	rec->counter = (uint64_t)ts.tv_sec * 1000000u +
	    (uint64_t)ts.tv_nsec / 1000u;
	(void)snprintf(rec->voucher, sizeof(rec->voucher), "%s", text);
	return pn_redemption_sign(rec, wt->sk);
}
