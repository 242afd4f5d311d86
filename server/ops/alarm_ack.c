/* alarm_ack.c -- acknowledging an integrity alarm: an administrator's, with a note. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alarm_ack.h"

struct ack {
	const struct op_ctx *cx;
	int64_t id;
	const char *note;
};

static enum err_code
ack_step(struct store *tx, void *arg, struct op_refusal *why)
{
	struct ack *a = arg;
	const struct store_principal *who = a->cx->who;
	struct pn_error err;
	char actor[40];
	int res;

	/* The audit log names a person by their account's number. */
	(void)snprintf(actor, sizeof(actor), "user:%" PRId64, who->user_id);
	res = store_alarm_ack(tx, a->id, a->note, actor, who->login,
	    a->cx->now, &err);
	if (res < 0)
		return op_failed(why, ERR_INTERNAL, &err);
	if (res == 1)
		return op_refuse(why, ERR_ALARM_NOT_OPEN, "id", "no open alarm %"
		    PRId64, a->id);
	return ERR_NONE;
}

enum err_code
alarm_note_check(const char *note, struct op_refusal *why)
{
	if (note == NULL || note[0] == '\0' || strlen(note) > ALARM_NOTE_MAX)
		return op_refuse(why, ERR_INVALID_FIELD, "note", "note: say what "
		    "was done about it");
	return ERR_NONE;
}

enum err_code
alarm_ack(const struct op_ctx *cx, int64_t id, const char *note,
    struct op_refusal *why)
{
	struct ack a = { cx, id, note };

	if (cx->who == NULL || (cx->who->role & ROLE_ADMIN) == 0)
		return op_refuse(why, ERR_FORBIDDEN, NULL, "%s is not an "
		    "administrator", cx->who != NULL ? cx->who->login :
		    "nobody");
	if (alarm_note_check(note, why) != ERR_NONE)
		return why->code;
	if (id <= 0)
		return op_refuse(why, ERR_ALARM_NOT_OPEN, "id", "no open alarm %"
		    PRId64, id);
	return op_run(cx, ack_step, &a, ERR_INTERNAL, why);
}
