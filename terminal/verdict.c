/* verdict.c -- verdict lines in French and how they are shown. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passnum/money.h"
#include "passnum/serial.h"
#include "passnum/timefmt.h"
#include "passnum/voucher.h"
#include "server_codes.h"
#include "terminal.h"
#include "verdict.h"

const char verdict_suspended_text[] = "ce poste est suspendu en attente de "
    "vérification : trop de clés de contrôle erronées y ont été tapées. Le "
    "Département doit le réactiver ; d'ici là, aucun chèque ne peut y être "
    "encaissé, ni en ligne ni hors ligne. Contactez le Département";

void
verdict_set(struct verdict *v, enum verdict_kind kind, int exit_code,
    const char *fmt, ...)
{
	va_list ap;

	v->kind = kind;
	v->exit_code = exit_code;
	v->cents = 0;
	va_start(ap, fmt);
	(void)vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

void
verdict_from_reason(struct verdict *out, enum pn_reason r,
    const struct pn_voucher *v)
{
	char serial[PN_SERIAL_TEXT_MAX], date[PN_TIME_TEXT_MAX], why[200];
	int code = (int)pn_reason_class(r);

	/* Fields only from a voucher that decoded: never from noise. */
	if (v == NULL || (r != PN_R_OK && r < PN_R_UNKNOWN_KID)) {
		if (pn_reason_class(r) == PN_RC_UNREADABLE)
			verdict_set(out, VERDICT_REFUSED, code, "REFUSÉ — %s "
			    "(motif %d) — scannez à nouveau ou tapez le numéro "
			    "imprimé", pn_reason_message(r, PN_LANG_FR), (int)r);
		else
			verdict_set(out, VERDICT_REFUSED, code, "REFUSÉ — %s "
			    "(motif %d)", pn_reason_message(r, PN_LANG_FR),
			    (int)r);
		return;
	}
	pn_serial_format(v->serial, serial);
	if (r == PN_R_EXPIRED) {
		pn_time_format_paris_date(v->expires_at, date);
		(void)snprintf(why, sizeof(why), "chèque expiré le %s", date);
	} else
		(void)snprintf(why, sizeof(why), "%s",
		    pn_reason_message(r, PN_LANG_FR));
	verdict_set(out, VERDICT_REFUSED, code, "REFUSÉ — %s — chèque %s "
	    "(motif %d)", why, serial, (int)r);
}

void
verdict_suspended(struct verdict *out)
{
	verdict_set(out, VERDICT_REFUSED, TERM_EXIT_SUSPENDED, "REFUSÉ — %s "
	    "(code %d)", verdict_suspended_text, SERVER_CODE_SUSPENDED);
}

bool
verdict_colour_wanted(FILE *out)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0')
		return false;
	return isatty(fileno(out)) == 1;
}

void
verdict_print(FILE *out, const struct verdict *v, bool colour)
{
	/* Black on green, black on yellow, white on red, white on magenta. */
	static const char *const style[] = {
		"\033[1;30;42m", "\033[1;30;43m", "\033[1;97;41m",
		"\033[1;97;45m"
	};
	bool bell = v->kind != VERDICT_ACCEPTED;

	if (!colour) {
		fprintf(out, "%s%s\n", v->text, bell ? "\a" : "");
		fflush(out);
		return;
	}
	/*
	 * A band of three lines: the empty lines are cleared to the end
	 * with the background colour (\033[K), so the band spans the screen.
	 */
	fprintf(out, "\n%s\033[K\n  %s\033[K\n\033[K\033[0m\n%s",
	    style[v->kind], v->text, bell ? "\a" : "");
	fflush(out);
}
