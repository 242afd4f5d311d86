/* test_qr.c -- QR codes as PNG, SVG and modules, read back by a real decoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>

#include "passnum/base45.h"
#include "passnum/qr.h"

#define VOUCHER_LEN	92	/* bytes of a voucher record */
#define VOUCHER_TEXT	142	/* "PN1:" and the Base45 of the record */
#define VOUCHER_SIDE	57	/* version 8 (49 modules) and the quiet zone */
#define ROUND_TRIPS	20	/* vouchers sent through zbarimg */

/* Shared by the tests: a temporary directory and the PNG file in it. */
struct fixture {
	char	dir[4096];
	char	png[4096];
};

/* A fixed-seed xorshift64: a failing voucher is the same on every run. */
static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Fill text (VOUCHER_TEXT + 1 bytes) with a voucher-like text. */
static void
voucher_text(uint64_t *seed, char *text, size_t cap)
{
	uint8_t rec[VOUCHER_LEN];
	size_t i;
	long n;

	assert_true(cap >= VOUCHER_TEXT + 1);
	for (i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(xorshift64(seed) >> 56);
	rec[0] = 1;
	memcpy(text, "PN1:", 4);
	n = pn_base45_encode(rec, sizeof(rec), text + 4, cap - 4);
	assert_int_equal(n, VOUCHER_TEXT - 4);
	assert_int_equal(strlen(text), VOUCHER_TEXT);
}

/*
 * Encode text the way qr.c promises to (level Q, alphanumeric mode,
 * smallest version) straight through libqrencode. The caller frees it.
 */
static QRcode *
reference_code(const char *text)
{
	QRinput *input;
	QRcode *code;

	input = QRinput_new2(0, QR_ECLEVEL_Q);
	assert_non_null(input);
	assert_int_equal(QRinput_append(input, QR_MODE_AN, (int)strlen(text),
	    (const unsigned char *)text), 0);
	code = QRcode_encodeInput(input);
	QRinput_free(input);
	assert_non_null(code);
	return code;
}

/* Whether module (x, y), quiet zone included, is dark in code. */
static bool
reference_dark(const QRcode *code, int x, int y)
{
	x -= PN_QR_QUIET_ZONE;
	y -= PN_QR_QUIET_ZONE;
	if (x < 0 || y < 0 || x >= code->width || y >= code->width)
		return false;
	return (code->data[y * code->width + x] & 1) != 0;
}

/* Number of dark modules of code. */
static long
reference_dark_count(const QRcode *code)
{
	long n = 0;
	int i;

	for (i = 0; i < code->width * code->width; i++)
		n += code->data[i] & 1;
	return n;
}

/* Read a big-endian 32-bit number. */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Quote s for sh inside single quotes into buf. Returns 0, or -1 when buf
 * is too small.
 */
static int
shell_quote(const char *s, char *buf, size_t cap)
{
	size_t o = 0;

	if (cap < 3)
		return -1;
	buf[o++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			/* Close the quote, an escaped quote, reopen. */
			if (cap - o < 5)
				return -1;
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			if (cap - o < 2)
				return -1;
			buf[o++] = *s;
		}
	}
	if (cap - o < 2)
		return -1;
	buf[o++] = '\'';
	buf[o] = '\0';
	return 0;
}

/*
 * Write png to path, decode it with zbarimg and put the symbol's text,
 * without zbarimg's trailing newline, in out.
 */
static void
zbar_decode(const char *path, const uint8_t *png, size_t len, char *out,
    size_t cap)
{
	char quoted[8192], cmd[8300];
	FILE *f;
	size_t n;
	int status;

	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(png, 1, len, f), len);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(shell_quote(path, quoted, sizeof(quoted)), 0);
	/* Only QR codes count; --nodbus keeps zbarimg quiet on stderr. */
	n = (size_t)snprintf(cmd, sizeof(cmd), "zbarimg --raw -q --nodbus "
	    "-Sdisable -Sqrcode.enable %s", quoted);
	assert_true(n < sizeof(cmd));
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	status = pclose(f);
	assert_int_not_equal(status, -1);
	assert_true(WIFEXITED(status));
	/* 127: not installed; 4: no symbol found. */
	if (WEXITSTATUS(status) != 0)
		fail_msg("zbarimg exited with %d on %s", WEXITSTATUS(status),
		    path);
	assert_int_equal(unlink(path), 0);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
}

static int
group_setup(void **state)
{
	struct fixture *fx;
	const char *tmp = getenv("TMPDIR");
	int n;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	n = snprintf(fx->dir, sizeof(fx->dir), "%s/test_qr.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof(fx->dir) || mkdtemp(fx->dir) == NULL)
		goto fail;
	n = snprintf(fx->png, sizeof(fx->png), "%s/qr.png", fx->dir);
	if (n < 0 || (size_t)n >= sizeof(fx->png)) {
		(void)rmdir(fx->dir);
		goto fail;
	}
	*state = fx;
	return 0;

	/* Reached before the directory exists or once it is removed. */
fail:
	free(fx);
	return -1;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;
	int rc = 0;

	/* A failed round trip may leave its PNG behind. */
	if (unlink(fx->png) != 0 && errno != ENOENT)
		rc = -1;
	if (rmdir(fx->dir) != 0)
		rc = -1;
	free(fx);
	return rc;
}

/* Vouchers drawn as PNG at 2, 4 and 8 px read back unchanged by zbarimg. */
static void
test_png_zbar_round_trip(void **state)
{
	static const int sizes[] = { 2, 4, 8 };
	struct fixture *fx = *state;
	struct pn_error err;
	uint64_t seed = 0x706e31716f6465ULL;
	char text[VOUCHER_TEXT + 1], got[1024];
	uint8_t *png;
	size_t len, s;
	int i;

	for (i = 0; i < ROUND_TRIPS; i++) {
		voucher_text(&seed, text, sizeof(text));
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			png = NULL;
			assert_int_equal(pn_qr_png(text, sizes[s], &png, &len,
			    &err), 0);
			assert_non_null(png);
			zbar_decode(fx->png, png, len, got, sizeof(got));
			free(png);
			if (strcmp(got, text) != 0)
				fail_msg("voucher %d at %d px: zbarimg read "
				    "\"%s\", expected \"%s\"", i, sizes[s], got,
				    text);
		}
	}
}

/* The PNG's signature and IHDR: size, 1-bit greyscale, not interlaced. */
static void
test_png_header(void **state)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
	    '\n' };
	static const uint8_t iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae,
	    0x42, 0x60, 0x82 };
	static const int sizes[] = { 1, 3, 8, PN_QR_MAX_MODULE_PX };
	static const char *const texts[] = { "A", "PN1:", NULL };
	struct pn_error err;
	uint64_t seed = 42;
	char voucher[VOUCHER_TEXT + 1];
	const char *text;
	uint8_t *png;
	size_t len, s, t;
	uint32_t side;

	(void)state;
	voucher_text(&seed, voucher, sizeof(voucher));
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		text = texts[t] != NULL ? texts[t] : voucher;
		side = (uint32_t)pn_qr_size(text);
		assert_true(side > 0);
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			assert_int_equal(pn_qr_png(text, sizes[s], &png, &len,
			    &err), 0);
			assert_true(len >= 8 + 25 + 12);
			assert_memory_equal(png, sig, sizeof(sig));
			assert_int_equal(be32(png + 8), 13);
			assert_memory_equal(png + 12, "IHDR", 4);
			assert_int_equal(be32(png + 16),
			    side * (uint32_t)sizes[s]);
			assert_int_equal(be32(png + 20),
			    side * (uint32_t)sizes[s]);
			assert_int_equal(png[24], 1);	/* bit depth */
			assert_int_equal(png[25], 0);	/* greyscale */
			assert_int_equal(png[26], 0);	/* deflate */
			assert_int_equal(png[27], 0);	/* adaptive filters */
			assert_int_equal(png[28], 0);	/* not interlaced */
			assert_memory_equal(png + len - sizeof(iend), iend,
			    sizeof(iend));
			free(png);
		}
	}
}

/*
 * Every pixel of the PNG, read back with libpng, is black exactly where
 * libqrencode puts a dark module, and white in the quiet zone.
 */
static void
test_png_pixels(void **state)
{
	static const int sizes[] = { 1, 2, 5 };
	struct pn_error err;
	png_image img;
	QRcode *code;
	uint64_t seed = 7;
	char text[VOUCHER_TEXT + 1];
	uint8_t *png, *pix;
	size_t len, s;
	int side, px, x, y;
	bool dark;

	(void)state;
	voucher_text(&seed, text, sizeof(text));
	code = reference_code(text);
	side = code->width + 2 * PN_QR_QUIET_ZONE;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		px = sizes[s];
		assert_int_equal(pn_qr_png(text, px, &png, &len, &err), 0);
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		assert_true(png_image_begin_read_from_memory(&img, png, len));
		assert_int_equal(img.width, (png_uint_32)(side * px));
		assert_int_equal(img.height, (png_uint_32)(side * px));
		img.format = PNG_FORMAT_GRAY;
		pix = malloc(PNG_IMAGE_SIZE(img));
		assert_non_null(pix);
		assert_true(png_image_finish_read(&img, NULL, pix, 0, NULL));
		for (y = 0; y < side * px; y++) {
			for (x = 0; x < side * px; x++) {
				dark = reference_dark(code, x / px, y / px);
				if (pix[(size_t)y * img.width + (size_t)x] !=
				    (dark ? 0 : 255))
					fail_msg("%d px: pixel (%d, %d) is %u",
					    px, x, y, pix[(size_t)y *
					    img.width + (size_t)x]);
			}
		}
		free(pix);
		free(png);
	}
	QRcode_free(code);
}

/*
 * A voucher is version 8 at level Q, as the format promises: 49 modules and
 * the quiet zone. The smallest text takes the smallest version.
 */
static void
test_size(void **state)
{
	uint64_t seed = 1;
	char text[VOUCHER_TEXT + 1];
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		voucher_text(&seed, text, sizeof(text));
		assert_int_equal(strlen(text), 142);
		assert_int_equal(pn_qr_size(text), 49 + 2 * PN_QR_QUIET_ZONE);
	}
	assert_int_equal(pn_qr_size("A"), 21 + 2 * PN_QR_QUIET_ZONE);
	assert_int_equal(pn_qr_size("pn1:abc"), 0);
	assert_int_equal(pn_qr_size(""), 0);
	assert_int_equal(pn_qr_size(NULL), 0);
}

/*
 * Parse the path of an SVG drawn by pn_qr_svg: "M x y h w v1 h-w z" for
 * each run. Marks the modules it covers in grid (side * side) and returns
 * the sum of the h widths. Fails on anything else in the path, a run
 * outside the symbol and a module drawn twice.
 */
static long
svg_path_area(const char *svg, int side, uint8_t *grid)
{
	const char *p, *end;
	char *q;
	long x, y, w, back, area = 0, i;

	p = strstr(svg, "<path fill=\"#000\" d=\"");
	assert_non_null(p);
	p += strlen("<path fill=\"#000\" d=\"");
	end = strchr(p, '"');
	assert_non_null(end);
	while (p < end) {
		assert_int_equal(*p, 'M');
		x = strtol(p + 1, &q, 10);
		assert_int_equal(*q, ' ');
		y = strtol(q + 1, &q, 10);
		assert_int_equal(*q, 'h');
		w = strtol(q + 1, &q, 10);
		assert_true(strncmp(q, "v1h", 3) == 0);
		back = strtol(q + 3, &q, 10);
		assert_int_equal(*q, 'z');
		p = q + 1;

		assert_int_equal(back, -w);
		assert_true(w > 0);
		assert_true(x >= 0 && y >= 0 && y < side && x + w <= side);
		for (i = 0; i < w; i++) {
			assert_int_equal(grid[y * side + x + i], 0);
			grid[y * side + x + i] = 1;
		}
		area += w;
	}
	assert_ptr_equal(p, end);
	return area;
}

/* Value of the number attribute name="N..." of the element at elem. */
static long
svg_attr(const char *elem, const char *name, const char **rest)
{
	char key[64], *q;
	const char *p;
	long v;

	assert_true((size_t)snprintf(key, sizeof(key), " %s=\"", name) <
	    sizeof(key));
	p = strstr(elem, key);
	assert_non_null(p);
	assert_true(p < strchr(elem, '>'));
	v = strtol(p + strlen(key), &q, 10);
	*rest = q;
	return v;
}

/*
 * The SVG document: its prologue, its size in pixels and modules, and a
 * path that covers exactly libqrencode's dark modules.
 */
static void
test_svg(void **state)
{
	static const int sizes[] = { 1, 4, 10, PN_QR_MAX_MODULE_PX };
	struct pn_error err;
	QRcode *code;
	uint64_t seed = 99;
	char text[VOUCHER_TEXT + 1];
	const char *elem, *rest;
	char *svg;
	uint8_t grid[VOUCHER_SIDE * VOUCHER_SIDE];
	size_t len, s;
	int x, y;

	(void)state;
	voucher_text(&seed, text, sizeof(text));
	code = reference_code(text);
	assert_int_equal(code->width + 2 * PN_QR_QUIET_ZONE, VOUCHER_SIDE);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		svg = NULL;
		assert_int_equal(pn_qr_svg(text, sizes[s], &svg, &len, &err),
		    0);
		assert_non_null(svg);
		assert_int_equal(len, strlen(svg));
		assert_true(strncmp(svg, "<?xml", 5) == 0);
		assert_non_null(strstr(svg, "viewBox=\"0 0 57 57\""));
		assert_true(len > 7 &&
		    strcmp(svg + len - 7, "</svg>\n") == 0);

		elem = strstr(svg, "<svg ");
		assert_non_null(elem);
		assert_non_null(strstr(elem,
		    "xmlns=\"http://www.w3.org/2000/svg\""));
		assert_int_equal(svg_attr(elem, "width", &rest),
		    VOUCHER_SIDE * sizes[s]);
		assert_true(strncmp(rest, "px\"", 3) == 0);
		assert_int_equal(svg_attr(elem, "height", &rest),
		    VOUCHER_SIDE * sizes[s]);
		assert_true(strncmp(rest, "px\"", 3) == 0);

		/* The white background covers the quiet zone too. */
		elem = strstr(svg, "<rect ");
		assert_non_null(elem);
		assert_non_null(strstr(elem, "fill=\"#fff\""));
		assert_int_equal(svg_attr(elem, "width", &rest), VOUCHER_SIDE);
		assert_int_equal(svg_attr(elem, "height", &rest),
		    VOUCHER_SIDE);

		memset(grid, 0, sizeof(grid));
		assert_int_equal(svg_path_area(svg, VOUCHER_SIDE, grid),
		    reference_dark_count(code));
		for (y = 0; y < VOUCHER_SIDE; y++)
			for (x = 0; x < VOUCHER_SIDE; x++)
				if (grid[y * VOUCHER_SIDE + x] !=
				    reference_dark(code, x, y))
					fail_msg("%d px: module (%d, %d) "
					    "differs", sizes[s], x, y);
		free(svg);
	}
	QRcode_free(code);
}

/*
 * The module matrix is libqrencode's symbol module for module, with the
 * quiet zone light all round; a bad text leaves *out NULL and *side 0.
 */
static void
test_modules(void **state)
{
	struct pn_error err;
	QRcode *code;
	uint64_t seed = 11;
	char text[VOUCHER_TEXT + 1];
	uint8_t byte, *m = &byte;
	int side = -1, x, y;

	(void)state;
	voucher_text(&seed, text, sizeof(text));
	code = reference_code(text);
	assert_int_equal(pn_qr_modules(text, &m, &side, &err), 0);
	assert_int_equal(side, VOUCHER_SIDE);
	assert_int_equal(side, pn_qr_size(text));
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			if (m[y * side + x] != (reference_dark(code, x, y) ?
			    1 : 0))
				fail_msg("module (%d, %d) is %u", x, y,
				    m[y * side + x]);
	free(m);
	QRcode_free(code);

	m = &byte;
	side = -1;
	memset(&err, 0, sizeof(err));
	assert_int_equal(pn_qr_modules("pn1:abc", &m, &side, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_non_null(strstr(err.message, "'p' at offset 0"));
	assert_null(m);
	assert_int_equal(side, 0);
	assert_int_equal(pn_qr_modules(NULL, &m, &side, NULL), -1);
	assert_int_equal(pn_qr_modules(text, NULL, &side, NULL), -1);
}

/* One bad call to each renderer: -1, PN_E_ARG, a message, *out NULL. */
static void
expect_arg_error(const char *text, int module_px, const char *needle)
{
	struct pn_error err;
	uint8_t byte, *png = &byte;
	char ch, *svg = &ch;
	size_t len;

	memset(&err, 0, sizeof(err));
	assert_int_equal(pn_qr_png(text, module_px, &png, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_true(err.message[0] != '\0');
	assert_null(png);
	if (needle != NULL && strstr(err.message, needle) == NULL)
		fail_msg("PNG error \"%s\" does not mention %s", err.message,
		    needle);

	memset(&err, 0, sizeof(err));
	assert_int_equal(pn_qr_svg(text, module_px, &svg, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_true(err.message[0] != '\0');
	assert_null(svg);
	if (needle != NULL && strstr(err.message, needle) == NULL)
		fail_msg("SVG error \"%s\" does not mention %s", err.message,
		    needle);
}

/* Texts QR's alphanumeric mode cannot carry, and module sizes off range. */
static void
test_errors(void **state)
{
	char *longtext;

	(void)state;
	expect_arg_error("pn1:abc", 4, "'p' at offset 0");
	expect_arg_error("PN1:AB#C", 4, "'#' at offset 6");
	expect_arg_error("PN1:ABC\n", 4, "0x0a at offset 7");
	expect_arg_error("PN1:\xc3\xa9", 4, "0xc3 at offset 4");
	expect_arg_error("", 4, NULL);
	expect_arg_error(NULL, 4, NULL);
	expect_arg_error("PN1:ABC", 0, "0");
	expect_arg_error("PN1:ABC", PN_QR_MAX_MODULE_PX + 1, "65");
	expect_arg_error("PN1:ABC", -1, "-1");

	/* Level Q holds at most 2420 alphanumeric characters (version 40). */
	longtext = malloc(2422);
	assert_non_null(longtext);
	memset(longtext, 'A', 2421);
	longtext[2421] = '\0';
	expect_arg_error(longtext, 1, "2421");
	assert_int_equal(pn_qr_size(longtext), 0);
	longtext[2420] = '\0';
	assert_int_equal(pn_qr_size(longtext), 177 + 2 * PN_QR_QUIET_ZONE);
	free(longtext);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_zbar_round_trip),
		cmocka_unit_test(test_png_header),
		cmocka_unit_test(test_png_pixels),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_modules),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
