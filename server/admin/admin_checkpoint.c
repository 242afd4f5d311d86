/* admin_checkpoint.c -- passnum-admin checkpoint and alarm: a checkpoint now, and the integrity alarms.
 *
 *   checkpoint --config FILE
 *   alarm list --config FILE [--all]
 *   alarm ack --config FILE --id N --as LOGIN --note TEXT
 *
 * "checkpoint" makes one at once (before a backup, after an approval),
 * as passnumd does at its interval, through the same history file lock:
 * safe while passnumd runs. An alarm says the database lost what it had
 * acknowledged, or got it back from a terminal's receipt; it stays open
 * (passnum-admin audit fails, the administrators' home page shows it)
 * until an administrator, authenticated, acknowledges it with a note of
 * what was done. docs/checkpoints.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/parse.h"
#include "passnum/timefmt.h"
#include "admin.h"
#include "alarm_ack.h"
#include "checkpoint.h"
#include "config.h"
#include "keyring.h"
#include "log.h"
#include "store.h"

int
admin_checkpoint(int argc, char **argv)
{
	static struct config cfg;
	static struct keyring keys;
	const char *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	char history[4200], text[PN_CHECKPOINT_TEXT_MAX];
	struct pn_error err;
	struct store *s;
	bool made;
	int rc;

	if ((rc = admin_getopt("checkpoint", "checkpoint --config FILE", argc,
	    argv, opts)) != 0)
		return rc;
	if ((s = admin_open_config("checkpoint", config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	/* The checkpoint is printed below; its log line is passnumd's. */
	log_set_level(LOG_WARN);
	if (keyring_load(&keys, &cfg, &err) != 0)
		return admin_store_fail("checkpoint", &err, s);
	if (keys.signing == NULL) {
		fprintf(stderr, "passnum-admin checkpoint: [keys] signing_key "
		    "is not configured: a checkpoint must be signed\n");
		keyring_free(&keys);
		store_close(s);
		return ADMIN_EXIT_FAIL;
	}
	if (checkpoint_history_path(cfg.store.path, history,
	    sizeof(history)) != 0 ||
	    checkpoint_make(s, keys.signing, history, cfg.checkpoint.copy,
	    (int64_t)time(NULL), false, &made, text, &err) != 0) {
		keyring_free(&keys);
		return admin_store_fail("checkpoint", &err, s);
	}
	keyring_free(&keys);
	if (!made) {
		if (store_checkpoint_last(s, text, sizeof(text), &err) != 0)
			text[0] = '\0';
		printf("nothing changed since the last checkpoint:\n");
	}
	store_close(s);
	printf("%s\n", text);
	return ADMIN_EXIT_OK;
}

static int
print_alarm(void *ctx, const struct store_alarm *a)
{
	char at[PN_TIME_TEXT_MAX], ack[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_time_format(a->at, at);
	printf("alarm %" PRId64 "  %s  %s\n  %s\n", a->id, at, a->kind,
	    a->detail);
	if (a->acknowledged_at != 0) {
		pn_time_format(a->acknowledged_at, ack);
		printf("  acknowledged %s by %s: %s\n", ack, a->acknowledged_by,
		    a->note);
	} else
		printf("  open\n");
	return 0;
}

int
admin_alarm(int argc, char **argv)
{
	static struct config cfg;
	const char *config = NULL, *id = NULL, *as = NULL, *note = NULL;
	struct admin_opt opts[5] = {
		{ "config", &config, true },
	};
	struct store_principal who;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	enum err_code code;
	struct pn_error err;
	struct store *s;
	bool all = false;
	uint64_t n = 0;
	int rc;

	if (argc < 2)
		return admin_usage_error("alarm", "expected list or ack");
	if (strcmp(argv[1], "list") == 0) {
		all = admin_take_flag(&argc, argv, "all");
		if ((rc = admin_getopt("alarm list", "alarm list --config FILE "
		    "[--all]", argc - 1, argv + 1, opts)) != 0)
			return rc;
	} else if (strcmp(argv[1], "ack") == 0) {
		opts[1] = (struct admin_opt){ "id", &id, true };
		opts[2] = (struct admin_opt){ "as", &as, true };
		opts[3] = (struct admin_opt){ "note", &note, true };
		if ((rc = admin_getopt("alarm ack", "alarm ack --config FILE "
		    "--id N --as LOGIN --note TEXT", argc - 1, argv + 1,
		    opts)) != 0)
			return rc;
		if (pn_parse_u64(id, INT64_MAX, &n) != 0 || n == 0)
			return admin_usage_error("alarm ack", "--id: an alarm's "
			    "number, as alarm list shows it");
		/* Before the password is asked for. */
		if (alarm_note_check(note, &why) != ERR_NONE)
			return admin_refused_usage("alarm ack", &why);
	} else
		return admin_usage_error("alarm", "expected list or ack");
	if ((s = admin_open_config("alarm", config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (id == NULL) {
		if (store_alarm_each(s, !all, 0, print_alarm, NULL, &err) != 0)
			return admin_store_fail("alarm list", &err, s);
		store_close(s);
		return ADMIN_EXIT_OK;
	}
	if ((rc = admin_person("alarm ack", s, &cfg, as, &who)) != 0) {
		store_close(s);
		return rc;
	}
	cx.s = s;
	cx.cfg = &cfg;
	cx.who = &who;
	cx.now = (int64_t)time(NULL);
	code = alarm_ack(&cx, (int64_t)n, note, &why);
	store_close(s);
	if (code == ERR_FORBIDDEN) {
		fprintf(stderr, "passnum-admin alarm ack: %s is not an "
		    "administrator\n", as);
		return ADMIN_EXIT_FAIL;
	}
	if (code == ERR_ALARM_NOT_OPEN) {
		fprintf(stderr, "passnum-admin alarm ack: no open alarm %"
		    PRIu64 "\n", n);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin alarm ack: %s\n", why.detail);
		return ADMIN_EXIT_FAIL;
	}
	printf("alarm %" PRIu64 " acknowledged by %s\n", n, who.login);
	return ADMIN_EXIT_OK;
}
