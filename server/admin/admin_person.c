/* admin_person.c -- the person --as names, authenticated by their password as the login page does.
 *
 * settle and dispute act for an accountant or an admin, and four-eyes
 * compares those people: naming someone must not be enough to act as
 * them. The password is checked by session_password_check(), the web
 * login's own check (Argon2id, the same throttle), with the address "cli":
 * failures on the command line count in login_failure as failures on the
 * page do, and lock the person out alike.
 *
 * This guards against a colleague who may run passnum-admin, not against
 * whoever can write the database file: that one could change the tables
 * directly, which the hash-chained audit log and passnum-admin audit
 * reveal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "admin.h"
#include "config.h"
#include "errors.h"
#include "session.h"
#include "store.h"

#define PERSON_ADDRESS	"cli"	/* the address login_failure records */
#define PERSON_VIA	"cli"	/* what the audit rows say (store_audit_via) */
#define PASSWORD_MAX	1024	/* bytes, as the login form allows */

/* The signals that end the program while the terminal does not echo. */
static const int stop_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
#define N_STOP_SIGNALS	(sizeof(stop_signals) / sizeof(stop_signals[0]))

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

/*
 * Read one line from fd into buf (room for max bytes and a NUL), a byte at
 * a time: no copy of the password is left in a stdio buffer, and nothing
 * after the line is consumed. A "\r" before the "\n" is dropped; the end
 * of the input ends the line. Returns 0; or 1 when the line is longer
 * than max (its rest read and dropped), reading fails, or a signal caught
 * by read_tty() interrupts it.
 */
static int
read_line(int fd, char *buf, size_t max)
{
	bool too_long = false;
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		if ((r = read(fd, &c, 1)) < 0 && errno == EINTR &&
		    caught == 0)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < max)
			buf[n++] = c;
		else
			too_long = true;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	sodium_memzero(&c, sizeof(c));
	return too_long || r < 0 ? 1 : 0;
}

/*
 * Ask for login's password on stderr and read it from the controlling
 * terminal without echo, as read_line() reads: 0 or 1 as it returns, or
 * -1 when the echo cannot be turned off (nothing is read then). The
 * terminal's settings come back however the reading ends; a signal that
 * ends it is raised again once they have, with buf wiped.
 */
static int
read_tty(const char *login, char *buf, size_t max)
{
	struct sigaction sa, old[N_STOP_SIGNALS];
	struct termios saved, quiet;
	int fd, rc = -1, sig, saved_errno;
	size_t i;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		fd = STDIN_FILENO;
	if (tcgetattr(fd, &saved) != 0) {
		saved_errno = errno;
		goto done;
	}
	/* Without SA_RESTART, so that read() returns to restore the echo. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	caught = 0;
	for (i = 0; i < N_STOP_SIGNALS; i++) {
		(void)sigaction(stop_signals[i], &sa, &old[i]);
		if (old[i].sa_handler == SIG_IGN)	/* nohup: still ignored */
			(void)sigaction(stop_signals[i], &old[i], NULL);
	}
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {
		fprintf(stderr, "Mot de passe de %s : ", login);
		fflush(stderr);
		rc = read_line(fd, buf, max);
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
		fputc('\n', stderr);	/* the end of line not echoed */
	}
	saved_errno = errno;	/* for the caller's message when rc is -1 */
	sig = caught;
	for (i = 0; i < N_STOP_SIGNALS; i++)
		(void)sigaction(stop_signals[i], &old[i], NULL);
	if (sig != 0) {
		sodium_memzero(buf, max + 1);
		(void)raise(sig);
		rc = 1;
	}
done:
	if (fd != STDIN_FILENO)
		(void)close(fd);
	errno = saved_errno;
	return rc;
}

/* Say that login may not try again for wait seconds; the exit status. */
static int
throttled(const char *cmd, const char *login, unsigned wait)
{
	const struct err_info *e = err_lookup(ERR_LOGIN_THROTTLED);

	fprintf(stderr, "passnum-admin %s: --as %s: %s (%d %s, dans %u "
	    "minute(s)) ; rien n'est fait\n", cmd, login, e->fr, (int)e->code,
	    e->name, (wait + 59) / 60);
	return ADMIN_EXIT_FAIL;
}

/* Declared in admin.h. */
int
admin_person(const char *cmd, struct store *s, const struct config *cfg,
    const char *login, struct store_principal *who)
{
	const struct err_info *e = err_lookup(ERR_CLI_AUTH_FAILED);
	struct pn_error err;
	unsigned wait = 0;
	char *password;
	int res;

	/* Refused before asking: a throttled person types nothing in vain. */
	if ((res = session_throttled(s, &cfg->session, login, PERSON_ADDRESS,
	    (int64_t)time(NULL), &wait, &err)) < 0)
		return admin_store_fail(cmd, &err, NULL);
	if (res == SESSION_THROTTLED)
		return throttled(cmd, login, wait);
	if ((password = sodium_malloc(PASSWORD_MAX + 1)) == NULL) {
		fprintf(stderr, "passnum-admin %s: out of memory for a "
		    "password\n", cmd);
		return ADMIN_EXIT_FAIL;
	}
	if ((res = isatty(STDIN_FILENO) ? read_tty(login, password,
	    PASSWORD_MAX) : read_line(STDIN_FILENO, password,
	    PASSWORD_MAX)) < 0) {
		sodium_free(password);
		fprintf(stderr, "passnum-admin %s: cannot turn off the "
		    "terminal's echo to read the password: %s\n", cmd,
		    strerror(errno));
		return ADMIN_EXIT_FAIL;
	}
	/*
	 * A line too long or unreadable is checked as an empty password:
	 * refused and counted, like a wrong one or none.
	 */
	if (res != 0)
		password[0] = '\0';
	/* The time after typing: a failure is recorded when it happened. */
	res = session_password_check(s, &cfg->session, login, password,
	    PERSON_ADDRESS, (int64_t)time(NULL), who, &wait, &err);
	sodium_memzero(password, PASSWORD_MAX + 1);
	sodium_free(password);
	if (res < 0)
		return admin_store_fail(cmd, &err, NULL);
	if (res == SESSION_THROTTLED)
		return throttled(cmd, login, wait);
	if (res != SESSION_LOGGED_IN) {
		fprintf(stderr, "passnum-admin %s: --as %s: %s (%d %s)\n", cmd,
		    login, e->fr, (int)e->code, e->name);
		return ADMIN_EXIT_FAIL;
	}
	if (store_login_failures_clear(s, login, PERSON_ADDRESS, &err) != 0)
		return admin_store_fail(cmd, &err, NULL);
	store_audit_via(s, PERSON_VIA);
	return 0;
}
