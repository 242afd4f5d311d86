/* admin_terminals.c -- passnum-admin terminal: enrolment codes, the list, revocation.
 *
 *   terminal code --config FILE --siret SIRET
 *   terminal list --config FILE
 *   terminal revoke --config FILE --id N --reason TEXT
 *   terminal resume --config FILE --id N --note TEXT
 *
 * A code is printed once and stored only as a hash: whoever holds it for
 * the next 24 hours can enrol one terminal for that venue, so it is given
 * to the venue by a channel the Département trusts (in person, by phone to
 * a known number), never by e-mail in clear.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "passnum/bankid.h"
#include "passnum/parse.h"
#include "passnum/request.h"
#include "passnum/timefmt.h"
#include "passnum/trust.h"
#include "admin.h"
#include "config.h"
#include "enrol_code.h"
#include "store.h"
#include "terminal_enrol.h"

/*
 * " --master HEX", the master public key of the configured trust bundle,
 * for the venue to pin at enrolment instead of trusting the first bundle
 * it fetches; "" without a bundle.
 */
static void
master_hint(const struct config *cfg, char *out, size_t len)
{
	char hex[2 * 32 + 1];
	struct pn_trust *t;

	out[0] = '\0';
	if (cfg->keys.trust_bundle[0] == '\0' ||
	    (t = pn_trust_load(cfg->keys.trust_bundle, NULL, 0, NULL)) == NULL)
		return;
	pn_hex_encode(t->master_pk, 32, hex);
	(void)snprintf(out, len, " --master %s", hex);
	pn_trust_free(t);
}

static int
terminal_code(int argc, char **argv)
{
	const char *cmd = "terminal code", *config = NULL, *siret = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "siret", &siret, true },
		{ NULL, NULL, false },
	};
	char canonical[PN_SIRET_LEN + 1], msg[200];
	char until[PN_TIME_TEXT_MAX], master[80];
	struct terminal_code_out out;
	struct op_refusal why;
	struct op_ctx cx = { 0 };
	struct config cfg;
	enum pn_id_status st;
	enum err_code code;
	int rc;

	if ((rc = admin_getopt(cmd, "terminal code --config FILE --siret SIRET",
	    argc, argv, opts)) != 0)
		return rc;
	if ((st = pn_siret_parse(siret, canonical)) != PN_ID_OK)
		return admin_usage_error(cmd, "%s", pn_id_status_message(st,
		    "SIRET", msg, sizeof(msg)));
	if ((cx.s = admin_open_config(cmd, config, &cfg)) == NULL)
		return ADMIN_EXIT_FAIL;
	cx.cfg = &cfg;
	cx.now = (int64_t)time(NULL);
	cx.actor = ADMIN_ACTOR;
	code = terminal_code_issue(&cx, canonical, &out, &why);
	store_close(cx.s);
	if (code == ERR_VENUE_NOT_FOUND) {
		fprintf(stderr, "passnum-admin %s: no venue with SIRET %s "
		    "(passnum-admin venue list shows them)\n", cmd, canonical);
		return ADMIN_EXIT_FAIL;
	}
	if (code != ERR_NONE) {
		fprintf(stderr, "passnum-admin %s: %s\n", cmd, why.detail);
		return ADMIN_EXIT_FAIL;
	}
	pn_time_format(out.expires_at, until);
	master_hint(&cfg, master, sizeof(master));
	/* The code alone on stdout, for scripts; the rest for the operator. */
	printf("%s\n", out.code);
	fprintf(stderr, "enrolment code for %s (SIRET %s), usable once until "
	    "%s:\n  passnum-terminal enrol --server URL --code %s%s\n",
	    out.venue_name, canonical, until, out.code, master);
	return ADMIN_EXIT_OK;
}

static int
print_terminal(void *ctx, const struct store_terminal *t)
{
	char enrolled[PN_TIME_TEXT_MAX], revoked[PN_TIME_TEXT_MAX];

	(void)ctx;
	pn_time_format(t->enrolled_at, enrolled);
	if (t->revoked_at != 0)
		pn_time_format(t->revoked_at, revoked);
	if (t->revoked_at == 0 && t->suspended_at != 0)
		pn_time_format(t->suspended_at, revoked);
	printf("%lld\t%s\t%s\t%s\t%s\t%s%s%s\n", (long long)t->id,
	    t->venue_siret, t->venue_name, t->label, enrolled,
	    t->revoked_at != 0 ? "revoked " : t->suspended_at != 0 ?
	    "suspended " : "active",
	    t->revoked_at != 0 || t->suspended_at != 0 ? revoked : "",
	    t->revoked_at != 0 || t->suspended_at != 0 ? ": " : "");
	if (t->revoked_at != 0)
		printf("\t%s\n", t->revoke_reason);
	else if (t->suspended_at != 0)
		printf("\t%s\n", t->suspend_reason);
	return 0;
}

static int
terminal_list(int argc, char **argv)
{
	const char *cmd = "terminal list", *config = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ NULL, NULL, false },
	};
	struct pn_error err;
	struct store *s;
	int rc;

	if ((rc = admin_getopt(cmd, "terminal list --config FILE", argc, argv,
	    opts)) != 0)
		return rc;
	if ((s = admin_open_store(cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	if (store_terminal_each(s, print_terminal, NULL, &err) != 0)
		return admin_store_fail(cmd, &err, s);
	store_close(s);
	return ADMIN_EXIT_OK;
}

/* A change of one terminal's state, with the text that says why. */
struct terminal_change {
	const char *cmd;		/* "terminal revoke" */
	const char *text_option;	/* "reason", without the dashes */
	int (*apply)(struct store *s, int64_t id, const char *text,
	    int64_t now, const char *actor, struct pn_error *err);
	const char *done;		/* printed with the terminal's number */
	const char *unchanged;		/* when it is in that state already */
};

static int
terminal_change(const struct terminal_change *c, int argc, char **argv)
{
	const char *config = NULL, *id = NULL, *text = NULL;
	const struct admin_opt opts[] = {
		{ "config", &config, true },
		{ "id", &id, true },
		{ c->text_option, &text, true },
		{ NULL, NULL, false },
	};
	char usage[128], option[32], why[512];
	struct pn_error err;
	struct store *s;
	uint64_t n;
	int rc;

	(void)snprintf(usage, sizeof(usage), "%s --config FILE --id N --%s "
	    "TEXT", c->cmd, c->text_option);
	(void)snprintf(option, sizeof(option), "--%s", c->text_option);
	if ((rc = admin_getopt(c->cmd, usage, argc, argv, opts)) != 0)
		return rc;
	if (pn_parse_u64(id, INT64_MAX, &n) != 0 || n == 0)
		return admin_usage_error(c->cmd, "--id: a terminal number "
		    "(terminal list shows them), got '%s'", id);
	if ((rc = admin_text_option(c->cmd, option, text, 500, why,
	    sizeof(why))) != 0)
		return rc;
	if ((s = admin_open_store(c->cmd, config)) == NULL)
		return ADMIN_EXIT_FAIL;
	rc = c->apply(s, (int64_t)n, why, (int64_t)time(NULL), ADMIN_ACTOR,
	    &err);
	store_close(s);
	switch (rc) {
	case 0:
		printf("terminal %llu %s\n", (unsigned long long)n, c->done);
		return ADMIN_EXIT_OK;
	case 1:
		fprintf(stderr, "passnum-admin %s: no terminal %llu\n", c->cmd,
		    (unsigned long long)n);
		return ADMIN_EXIT_FAIL;
	case 2:
		fprintf(stderr, "passnum-admin %s: terminal %llu %s\n", c->cmd,
		    (unsigned long long)n, c->unchanged);
		return ADMIN_EXIT_FAIL;
	default:
		fprintf(stderr, "passnum-admin %s: %s\n", c->cmd, err.message);
		return ADMIN_EXIT_FAIL;
	}
}

/*
 * The operation terminal_revoke(), the one the venue's « Postes » page
 * calls too, answering as terminal_change's apply: 0, 1 no such terminal,
 * 2 already revoked, -1 with err.
 */
static int
revoke_apply(struct store *s, int64_t id, const char *reason, int64_t now,
    const char *actor, struct pn_error *err)
{
	struct op_ctx cx = { s, NULL, NULL, NULL, now, actor };
	struct op_refusal why;

	switch (terminal_revoke(&cx, id, reason, &why)) {
	case ERR_NONE:
		return 0;
	case ERR_TERMINAL_NOT_FOUND:
		return 1;
	case ERR_TERMINAL_ALREADY_REVOKED:
		return 2;
	default:
		pn_error_set(err, PN_E_ARG, "%s", why.detail);
		return -1;
	}
}

static const struct terminal_change revoke_change = {
	"terminal revoke", "reason", revoke_apply,
	"revoked: its requests are refused from now on",
	"is already revoked"
};

/* Lift a suspension pending review, once the venue has been heard. */
static const struct terminal_change resume_change = {
	"terminal resume", "note", store_terminal_resume,
	"resumed: its requests are accepted again; one more wrong control "
	"key within the window suspends it again",
	"is not suspended"
};

int
admin_terminal(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "code") == 0)
		return terminal_code(argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return terminal_list(argc - 1, argv + 1);
	if (strcmp(sub, "revoke") == 0)
		return terminal_change(&revoke_change, argc - 1, argv + 1);
	if (strcmp(sub, "resume") == 0)
		return terminal_change(&resume_change, argc - 1, argv + 1);
	return admin_usage_error("terminal", "expected code, list, revoke or "
	    "resume");
}
