/* linereader.c -- read(2) and poll(2) behind a line buffer (stdio cannot wait with a timeout). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "linereader.h"

void
line_init(struct linereader *lr, int fd)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
}

/* Take a complete line from the buffer, if one is there. */
static bool
take_line(struct linereader *lr, char *out, size_t cap, size_t *len,
    enum line_status *st)
{
	char *nl = memchr(lr->buf, '\n', lr->len);
	size_t n;

	if (nl == NULL) {
		if (lr->len == sizeof(lr->buf)) {
			/* Longer than any code: drop it up to its end. */
			lr->len = 0;
			lr->dropping = true;
		}
		return false;
	}
	n = (size_t)(nl - lr->buf);
	if (lr->dropping || n >= cap) {
		*st = LINE_TOO_LONG;
		lr->dropping = false;
	} else {
		memcpy(out, lr->buf, n);
		out[n] = '\0';
		*len = n;
		pn_code_chomp(out, len);
		*st = LINE_OK;
	}
	memmove(lr->buf, nl + 1, lr->len - n - 1);
	lr->len -= n + 1;
	return true;
}

enum line_status
line_next(struct linereader *lr, int timeout_ms, char *out, size_t cap,
    size_t *len)
{
	struct pollfd p = { .fd = lr->fd, .events = POLLIN };
	enum line_status st;
	ssize_t n;

	for (;;) {
		if (take_line(lr, out, cap, len, &st))
			return st;
		if (lr->eof) {
			if (lr->len > 0 && !lr->dropping && lr->len < cap) {
				memcpy(out, lr->buf, lr->len);
				out[lr->len] = '\0';
				*len = lr->len;
				lr->len = 0;
				pn_code_chomp(out, len);
				return LINE_OK;
			}
			return LINE_EOF;
		}
		n = poll(&p, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return LINE_TIMEOUT;
		n = read(lr->fd, lr->buf + lr->len, sizeof(lr->buf) - lr->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			lr->eof = true;
		else
			lr->len += (size_t)n;
	}
}
