/* qr.c -- QR codes of voucher texts, drawn as PNG and SVG or given as modules. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "passnum/qr.h"

/* QR's alphanumeric set, the characters that alphanumeric mode can carry. */
static const char qr_alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* The largest symbol, version 40, is 177 modules wide. */
#define QR_MAX_WIDTH	177

/* Whether c is one of QR's alphanumeric characters. */
static bool
is_qr_alnum(unsigned char c)
{
	return c != '\0' && memchr(qr_alnum, c, sizeof(qr_alnum) - 1) != NULL;
}

/*
 * Check that module_px is in 1..PN_QR_MAX_MODULE_PX. Returns 0, or -1 with
 * err set (PN_E_ARG).
 */
static int
check_module_px(int module_px, struct pn_error *err)
{
	if (module_px < 1 || module_px > PN_QR_MAX_MODULE_PX)
		return pn_error_set(err, PN_E_ARG,
		    "module size %d px is out of range 1..%d", module_px,
		    PN_QR_MAX_MODULE_PX);
	return 0;
}

/*
 * Report the first character of text (len characters long) that is outside
 * QR's alphanumeric set. Returns -1 with err set (PN_E_ARG).
 */
static int
bad_char_error(const char *text, size_t len, struct pn_error *err)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)text[i];
		if (is_qr_alnum(c))
			continue;
		if (c >= 0x20 && c < 0x7f)
			return pn_error_set(err, PN_E_ARG,
			    "character '%c' at offset %zu is outside QR's "
			    "alphanumeric set (0-9 A-Z space $%%*+-./:)",
			    (char)c, i);
		return pn_error_set(err, PN_E_ARG,
		    "byte 0x%02x at offset %zu is outside QR's alphanumeric "
		    "set (0-9 A-Z space $%%*+-./:)", (unsigned)c, i);
	}
	/* libqrencode refused a text that we find valid: say so plainly. */
	return pn_error_set(err, PN_E_ARG,
	    "text refused by libqrencode's alphanumeric check");
}

/*
 * Encode text at level Q in alphanumeric mode, in the smallest version that
 * holds it. Returns the symbol (freed with QRcode_free()), or NULL with err
 * set: PN_E_ARG for a NULL, empty, too long or non-alphanumeric text,
 * PN_E_NOMEM when out of memory.
 */
static QRcode *
encode(const char *text, struct pn_error *err)
{
	QRinput *input;
	QRcode *code;
	size_t len;
	int saved;

	if (text == NULL || text[0] == '\0') {
		pn_error_set(err, PN_E_ARG, "no text to encode in a QR code");
		return NULL;
	}
	len = strlen(text);
	if (len > INT_MAX) {
		pn_error_set(err, PN_E_ARG,
		    "text of %zu characters is too long for a QR code", len);
		return NULL;
	}
	if (QRinput_check(QR_MODE_AN, (int)len,
	    (const unsigned char *)text) != 0) {
		bad_char_error(text, len, err);
		return NULL;
	}
	if ((input = QRinput_new2(0, QR_ECLEVEL_Q)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory for a QR input");
		return NULL;
	}
	if (QRinput_append(input, QR_MODE_AN, (int)len,
	    (const unsigned char *)text) != 0) {
		saved = errno;
		QRinput_free(input);
		if (saved == ENOMEM)
			pn_error_set(err, PN_E_NOMEM,
			    "out of memory for a QR input");
		else
			pn_error_set(err, PN_E_ARG,
			    "libqrencode refused the text: %s", strerror(saved));
		return NULL;
	}
	code = QRcode_encodeInput(input);
	saved = errno;
	QRinput_free(input);
	if (code == NULL) {
		if (saved == ENOMEM)
			pn_error_set(err, PN_E_NOMEM,
			    "out of memory encoding a QR code");
		else if (saved == ERANGE)
			pn_error_set(err, PN_E_ARG, "text of %zu characters "
			    "does not fit a QR code at level Q", len);
		else
			pn_error_set(err, PN_E_ARG,
			    "libqrencode could not encode the text: %s",
			    strerror(saved));
		return NULL;
	}
	if (code->width < 21 || code->width > QR_MAX_WIDTH) {
		/* Not a symbol libqrencode can make: never trust it. */
		pn_error_set(err, PN_E_ARG,
		    "libqrencode made a symbol %d modules wide", code->width);
		QRcode_free(code);
		return NULL;
	}
	return code;
}

/*
 * Whether the module at (x, y) is dark, counting from the top left corner
 * of the quiet zone: the quiet zone and anything beyond it are light.
 */
static bool
module_dark(const QRcode *code, int x, int y)
{
	x -= PN_QR_QUIET_ZONE;
	y -= PN_QR_QUIET_ZONE;
	if (x < 0 || y < 0 || x >= code->width || y >= code->width)
		return false;
	return (code->data[(size_t)y * (size_t)code->width + (size_t)x] & 1)
	    != 0;
}

int
pn_qr_size(const char *text)
{
	QRcode *code;
	int side;

	if ((code = encode(text, NULL)) == NULL)
		return 0;
	side = code->width + 2 * PN_QR_QUIET_ZONE;
	QRcode_free(code);
	return side;
}

int
pn_qr_modules(const char *text, uint8_t **out, int *side,
    struct pn_error *err)
{
	QRcode *code;
	uint8_t *m;
	int n, x, y;

	if (out == NULL || side == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no place for the "
		    "modules", __func__);
	*out = NULL;
	*side = 0;
	if ((code = encode(text, err)) == NULL)
		return -1;
	n = code->width + 2 * PN_QR_QUIET_ZONE;
	if ((m = malloc((size_t)n * (size_t)n)) == NULL) {
		QRcode_free(code);
		return pn_error_set(err, PN_E_NOMEM, "out of memory for a QR "
		    "matrix");
	}
	for (y = 0; y < n; y++)
		for (x = 0; x < n; x++)
			m[(size_t)y * (size_t)n + (size_t)x] =
			    module_dark(code, x, y) ? 1 : 0;
	QRcode_free(code);
	*out = m;
	*side = n;
	return 0;
}

/* Where libpng's output goes: a malloc'd buffer that grows as needed. */
struct png_sink {
	uint8_t	*buf;
	size_t	 len;
	size_t	 cap;
	bool	 nomem;		/* the buffer could not grow */
	char	 msg[128];	/* libpng's last error message */
};

/* libpng's write callback: append to the sink, or fail through png_error. */
static void
sink_write(png_structp png, png_bytep data, size_t n)
{
	struct png_sink *s = png_get_io_ptr(png);
	size_t ncap;
	uint8_t *nbuf;

	if (n > SIZE_MAX - s->len) {
		s->nomem = true;
		png_error(png, "PNG larger than memory");
	}
	if (s->len + n > s->cap) {
		ncap = s->cap != 0 ? s->cap : 1024;
		while (ncap < s->len + n) {
			if (ncap > SIZE_MAX / 2) {
				ncap = s->len + n;
				break;
			}
			ncap *= 2;
		}
		if ((nbuf = realloc(s->buf, ncap)) == NULL) {
			s->nomem = true;
			png_error(png, "out of memory");
		}
		s->buf = nbuf;
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
}

/* libpng's flush callback: memory needs no flushing. */
static void
sink_flush(png_structp png)
{
	(void)png;
}

/* libpng's error callback: keep the message and unwind to setjmp. */
static void
sink_error(png_structp png, png_const_charp msg)
{
	struct png_sink *s = png_get_error_ptr(png);

	if (s != NULL)
		(void)snprintf(s->msg, sizeof(s->msg), "%s", msg);
	png_longjmp(png, 1);
}

/* libpng's warning callback: warnings do not concern the caller. */
static void
sink_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/*
 * Write the symbol through png, side modules of module_px pixels each
 * way, using row (side_px bits, rounded up to bytes) as scratch. Returns 0,
 * or -1 when libpng failed (the reason is in the sink).
 *
 * The setjmp is here, apart from the caller's state: nothing that this
 * function changes after setjmp is used once libpng has jumped back.
 */
static int
png_write_symbol(png_structp png, png_infop info, const QRcode *code,
    int side, int module_px, png_bytep row, size_t rowbytes)
{
	int x, y, i;
	size_t px;

	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_IHDR(png, info, (png_uint_32)(side * module_px),
	    (png_uint_32)(side * module_px), 1, PNG_COLOR_TYPE_GRAY,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	/*
	 * A 1-bit symbol of long runs gains nothing from row filters or hard
	 * compression: the fastest zlib level gives nearly the same size.
	 */
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_compression_level(png, 1);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		/* White everywhere, then a 0 bit for each dark pixel. */
		memset(row, 0xff, rowbytes);
		for (x = 0; x < side; x++) {
			if (!module_dark(code, x, y))
				continue;
			px = (size_t)x * (size_t)module_px;
			for (i = 0; i < module_px; i++, px++)
				row[px / 8] &= (png_byte)~(0x80u >> (px % 8));
		}
		for (i = 0; i < module_px; i++)
			png_write_row(png, row);
	}
	png_write_end(png, NULL);
	return 0;
}

int
pn_qr_png(const char *text, int module_px, uint8_t **out, size_t *len,
    struct pn_error *err)
{
	struct png_sink sink;
	png_structp png = NULL;
	png_infop info = NULL;
	png_bytep row = NULL;
	QRcode *code = NULL;
	size_t rowbytes;
	int side, rc = -1;

	if (out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no place for the PNG",
		    __func__);
	*out = NULL;
	*len = 0;
	memset(&sink, 0, sizeof(sink));
	if (check_module_px(module_px, err) != 0)
		return -1;
	if ((code = encode(text, err)) == NULL)
		return -1;

	side = code->width + 2 * PN_QR_QUIET_ZONE;
	/* At most 185 modules of 64 px: far below any limit, but check. */
	if (side > (int)(PNG_UINT_31_MAX / (png_uint_32)module_px)) {
		pn_error_set(err, PN_E_ARG, "a symbol of %d modules of %d px "
		    "is too large for a PNG", side, module_px);
		goto done;
	}
	rowbytes = ((size_t)side * (size_t)module_px + 7) / 8;
	if ((row = malloc(rowbytes)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory for a PNG row");
		goto done;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink,
	    sink_error, sink_warning);
	if (png == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory for libpng");
		goto done;
	}
	if ((info = png_create_info_struct(png)) == NULL) {
		pn_error_set(err, PN_E_NOMEM, "out of memory for libpng");
		goto done;
	}
	png_set_write_fn(png, &sink, sink_write, sink_flush);

	if (png_write_symbol(png, info, code, side, module_px, row,
	    rowbytes) != 0) {
		if (sink.nomem)
			pn_error_set(err, PN_E_NOMEM,
			    "out of memory writing a PNG");
		else
			pn_error_set(err, PN_E_IO, "libpng: %s",
			    sink.msg[0] != '\0' ? sink.msg : "unknown error");
		goto done;
	}
	*out = sink.buf;
	*len = sink.len;
	sink.buf = NULL;
	rc = 0;

	/* Reached on every path once code is set: frees what exists. */
done:
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	free(sink.buf);
	free(row);
	QRcode_free(code);
	return rc;
}

/* A NUL-terminated string in a malloc'd buffer that grows as needed. */
struct strbuf {
	char	*buf;
	size_t	 len;		/* characters before the NUL */
	size_t	 cap;		/* bytes allocated */
};

/*
 * Append printf-formatted text to sb, whose buffer must already be
 * allocated, growing it when the text does not fit. Returns 0, or -1 when
 * out of memory or when formatting failed; sb then holds what it held
 * before.
 */
static int
sb_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t need, ncap;
	char *nbuf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto fail;
	if ((size_t)n < sb->cap - sb->len) {
		sb->len += (size_t)n;
		return 0;
	}

	/* Truncated: grow to fit, then format again. */
	if ((size_t)n > SIZE_MAX - sb->len - 1)
		goto fail;
	need = sb->len + (size_t)n + 1;
	ncap = sb->cap;
	while (ncap < need)
		ncap = ncap <= SIZE_MAX / 2 ? ncap * 2 : need;
	if ((nbuf = realloc(sb->buf, ncap)) == NULL)
		goto fail;
	sb->buf = nbuf;
	sb->cap = ncap;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len)
		goto fail;
	sb->len += (size_t)n;
	return 0;

	/* Reached when nothing was appended: restore the terminating NUL. */
fail:
	sb->buf[sb->len] = '\0';
	return -1;
}

int
pn_qr_svg(const char *text, int module_px, char **out, size_t *len,
    struct pn_error *err)
{
	struct strbuf sb = { NULL, 0, 0 };
	QRcode *code = NULL;
	int side, x, y, run, rc = -1;

	if (out == NULL || len == NULL)
		return pn_error_set(err, PN_E_ARG, "%s: no place for the SVG",
		    __func__);
	*out = NULL;
	*len = 0;
	if (check_module_px(module_px, err) != 0)
		return -1;
	if ((code = encode(text, err)) == NULL)
		return -1;
	side = code->width + 2 * PN_QR_QUIET_ZONE;

	sb.cap = 4096;
	if ((sb.buf = malloc(sb.cap)) == NULL)
		goto nomem;
	sb.buf[0] = '\0';
	if (sb_printf(&sb,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%dpx\" height=\"%dpx\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\">\n"
	    "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	    "<path fill=\"#000\" d=\"",
	    side * module_px, side * module_px, side, side, side, side) != 0)
		goto nomem;

	/* One closed rectangle, one module high, per run of dark modules. */
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x += run) {
			run = 0;
			while (x + run < side && module_dark(code, x + run, y))
				run++;
			if (run == 0) {
				run = 1;
				continue;
			}
			if (sb_printf(&sb, "M%d %dh%dv1h-%dz", x, y, run,
			    run) != 0)
				goto nomem;
		}
	}
	if (sb_printf(&sb, "\"/>\n</svg>\n") != 0)
		goto nomem;

	*out = sb.buf;
	*len = sb.len;
	sb.buf = NULL;
	rc = 0;
	goto done;

	/* Reached when a buffer could not grow. */
nomem:
	pn_error_set(err, PN_E_NOMEM, "out of memory writing an SVG");
	/* Reached on every path once code is set: frees what exists. */
done:
	free(sb.buf);
	QRcode_free(code);
	return rc;
}
