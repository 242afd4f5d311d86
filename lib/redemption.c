/* redemption.c -- the terminal's signed redemption record (redemption.h). */
#include <string.h>

#include "passnum/redemption.h"
#include "passnum/request.h"
#include "sign.h"
#include "wire.h"

#define SIGNED_MAX (PN_REDEMPTION_ID_SIZE + 8 + PN_SESSION_ID_SIZE + 8 + 8 + \
    2 + PN_REDEMPTION_TEXT_MAX)

static size_t
signed_bytes(const struct pn_redemption *r, uint8_t out[SIGNED_MAX])
{
	struct pn_writer w;
	size_t n = strnlen(r->voucher, PN_REDEMPTION_TEXT_MAX);

	pn_writer_init(&w, out, SIGNED_MAX);
	pn_write_bytes(&w, r->id, sizeof(r->id));
	pn_write_u64(&w, r->terminal);
	pn_write_bytes(&w, r->session, sizeof(r->session));
	pn_write_u64(&w, (uint64_t)r->terminal_time);
	pn_write_u64(&w, r->counter);
	pn_write_u16(&w, (uint16_t)n);
	pn_write_bytes(&w, r->voucher, n);
	return w.off;
}

int
pn_redemption_sign(struct pn_redemption *r, const uint8_t *sk)
{
	uint8_t msg[SIGNED_MAX];
	size_t n = signed_bytes(r, msg);

	return pn_sign_tagged(r->signature, sk, PN_REDEMPTION_TAG, msg, n);
}

bool
pn_redemption_verify(const struct pn_redemption *r, const uint8_t pk[32])
{
	uint8_t msg[SIGNED_MAX];
	size_t n = signed_bytes(r, msg);

	return pn_verify_tagged(r->signature, pk, PN_REDEMPTION_TAG, msg, n);
}

json_t *
pn_redemption_to_json(const struct pn_redemption *r)
{
	char id[2 * PN_REDEMPTION_ID_SIZE + 1], session[2 * PN_SESSION_ID_SIZE + 1];
	char sig[PN_SIG_HEX];

	pn_hex_encode(r->id, sizeof(r->id), id);
	pn_hex_encode(r->session, sizeof(r->session), session);
	pn_hex_encode(r->signature, sizeof(r->signature), sig);
	return json_pack("{s:s, s:I, s:s, s:I, s:I, s:s, s:s}",
	    "redemption_id", id,
	    "terminal", (json_int_t)r->terminal,
	    "session", session,
	    "terminal_time", (json_int_t)r->terminal_time,
	    "counter", (json_int_t)r->counter,
	    "voucher", r->voucher,
	    "signature", sig);
}

static int
hex_field(const json_t *j, const char *name, uint8_t *out, size_t n,
    struct pn_error *err)
{
	const json_t *v = json_object_get(j, name);

	if (v == NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s: missing", name);
	if (!json_is_string(v) || !pn_hex_decode(json_string_value(v), out, n))
		return pn_error_set(err, PN_E_FORMAT, "%s: %zu lowercase hex "
		    "digits expected", name, 2 * n);
	return 0;
}

static int
int_field(const json_t *j, const char *name, json_int_t min, json_int_t *out,
    struct pn_error *err)
{
	const json_t *v = json_object_get(j, name);

	if (v == NULL)
		return pn_error_set(err, PN_E_FORMAT, "%s: missing", name);
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return pn_error_set(err, PN_E_FORMAT, "%s: an integer of at "
		    "least %lld expected", name, (long long)min);
	*out = json_integer_value(v);
	return 0;
}

int
pn_redemption_from_json(const json_t *j, struct pn_redemption *r,
    struct pn_error *err)
{
	static const char *const known[] = { "redemption_id", "terminal",
	    "session", "terminal_time", "counter", "voucher", "signature" };
	const char *key, *text;
	const json_t *v;
	json_int_t terminal, at, counter;
	size_t i, len;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return pn_error_set(err, PN_E_FORMAT, "a record must be a JSON "
		    "object");
	json_object_foreach((json_t *)j, key, v) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return pn_error_set(err, PN_E_FORMAT, "%.64s: not a "
			    "field of a redemption record", key);
	}
	if (hex_field(j, "redemption_id", r->id, sizeof(r->id), err) != 0 ||
	    int_field(j, "terminal", 1, &terminal, err) != 0 ||
	    hex_field(j, "session", r->session, sizeof(r->session), err) != 0 ||
	    int_field(j, "terminal_time", 0, &at, err) != 0 ||
	    int_field(j, "counter", 0, &counter, err) != 0 ||
	    hex_field(j, "signature", r->signature, sizeof(r->signature),
	    err) != 0)
		return -1;
	v = json_object_get(j, "voucher");
	if (v == NULL)
		return pn_error_set(err, PN_E_FORMAT, "voucher: missing");
	if (!json_is_string(v))
		return pn_error_set(err, PN_E_FORMAT, "voucher: a string "
		    "expected");
	text = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len > PN_REDEMPTION_TEXT_MAX || strlen(text) != len)
		return pn_error_set(err, PN_E_FORMAT, "voucher: 1 to %d "
		    "characters without NUL expected", PN_REDEMPTION_TEXT_MAX);
	memcpy(r->voucher, text, len);
	r->terminal = (uint64_t)terminal;
	r->terminal_time = (int64_t)at;
	r->counter = (uint64_t)counter;
	return 0;
}
