/* test_qr_image.c -- the QR code of an uploaded photo: phone photos read, hostile uploads refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "passnum/base45.h"
#include "passnum/qr.h"
#include "qr_image.h"
#include "fixtures_photo.h"

#define VOUCHER_LEN	92	/* bytes of a voucher record */
#define VOUCHER_TEXT	142	/* "PN1:" and the Base45 of the record */

/* Made once by setup(): a voucher, its code on a card, and photos of it. */
struct fixture {
	char text[VOUCHER_TEXT + 1];
	struct photo card;	/* grey: the code with the card around it */
	uint8_t *jpeg;		/* 12 MP phone photo of the card */
	size_t jpeg_len;
	uint8_t *small;		/* 240 x 320 JPEG of the card */
	size_t small_len;
	uint8_t *png;		/* a tiny PNG of the code */
	size_t png_len;
};

static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* A voucher-like text: "PN1:" and the Base45 of 92 random bytes. */
static void
voucher_text(uint64_t seed, char *text, size_t cap)
{
	uint8_t rec[VOUCHER_LEN];
	size_t i;

	for (i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(xorshift64(&seed) >> 56);
	rec[0] = 1;
	memcpy(text, "PN1:", 4);
	assert_int_equal(pn_base45_encode(rec, sizeof(rec), text + 4, cap - 4),
	    VOUCHER_TEXT - 4);
}

/* Draw text's code, px pixels a module, at x, y of the grey page. */
static void
draw_code(struct photo *page, const char *text, unsigned px, unsigned x,
    unsigned y)
{
	struct pn_error err;
	uint8_t *mods;
	int side;
	unsigned r, c;

	assert_int_equal(pn_qr_modules(text, &mods, &side, &err), 0);
	assert_true(x + (unsigned)side * px <= page->w);
	assert_true(y + (unsigned)side * px <= page->h);
	for (r = 0; r < (unsigned)side * px; r++)
		for (c = 0; c < (unsigned)side * px; c++)
			page->px[(size_t)(y + r) * page->w + x + c] =
			    mods[(r / px) * (unsigned)side + c / px] ? 0 : 255;
	free(mods);
}

/* A white grey page of w x h. */
static void
blank(struct photo *p, unsigned w, unsigned h)
{
	assert_int_equal(photo_alloc(p, w, h, 1), 0);
	memset(p->px, 255, (size_t)w * h);
}

/* Photograph page and return the JPEG (or PNG when png). */
static uint8_t *
shoot(const struct photo *page, unsigned w, unsigned h, double angle,
    double fill, int png, size_t *len)
{
	struct photo_shot s = { w, h, angle, fill, 6, 0 };
	struct photo out;
	const char *why = NULL;
	uint8_t *enc = NULL;

	assert_int_equal(photo_shoot(page, &s, &out, &why), 0);
	if (png)
		assert_int_equal(photo_png(&out, &enc, len, &why), 0);
	else
		assert_int_equal(photo_jpeg(&out, 85, 0, &enc, len, &why), 0);
	photo_free(&out);
	return enc;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct photo code;
	const char *why;

	assert_non_null(f);
	voucher_text(42, f->text, sizeof(f->text));
	/* A card of 10 x 7 cm at 200 dpi, the code 3 cm wide on its right. */
	blank(&f->card, 787, 551);
	draw_code(&f->card, f->text, 4, 480, 150);
	f->jpeg = shoot(&f->card, 3024, 4032, 5, 0.6, 0, &f->jpeg_len);
	f->small = shoot(&f->card, 320, 240, 0, 0.95, 0, &f->small_len);
	blank(&code, 57 * 2, 57 * 2);
	draw_code(&code, f->text, 2, 0, 0);
	assert_int_equal(photo_png(&code, &f->png, &f->png_len, &why), 0);
	photo_free(&code);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	photo_free(&f->card);
	free(f->jpeg);
	free(f->small);
	free(f->png);
	free(f);
	return 0;
}

/* Decode with the default limits; the text read must be exactly want. */
static enum qr_image_result
decode(const uint8_t *data, size_t len, char *text, size_t cap)
{
	struct pn_error err;

	return qr_image_decode(data, len, NULL, text, cap, &err);
}

static void
assert_reads(const uint8_t *data, size_t len, const char *want)
{
	struct pn_error err;
	char text[QR_IMAGE_TEXT_MAX];
	enum qr_image_result r;

	r = qr_image_decode(data, len, NULL, text, sizeof(text), &err);
	if (r != QR_IMAGE_OK)
		print_error("result %d: %s\n", r, err.message);
	assert_int_equal(r, QR_IMAGE_OK);
	assert_string_equal(text, want);
}

/* A 12 MP phone photo, turned 5 degrees, JPEG 85: the exact text. */
static void
test_phone_jpeg(void **state)
{
	struct fixture *f = *state;

	assert_true(f->jpeg_len > 200000);
	assert_reads(f->jpeg, f->jpeg_len, f->text);
}

/* The same card as a PNG screenshot-sized photo, and a PNG larger than
 * the working size (averaged down), and a tiny PNG of the code alone. */
static void
test_phone_png(void **state)
{
	struct fixture *f = *state;
	uint8_t *png;
	size_t len;

	png = shoot(&f->card, 1170, 1500, -3, 0.9, 1, &len);
	assert_reads(png, len, f->text);
	free(png);
	png = shoot(&f->card, 2600, 2000, 2, 0.9, 1, &len);
	assert_true(len <= QR_IMAGE_MAX_BYTES);
	assert_reads(png, len, f->text);
	free(png);
	assert_reads(f->png, f->png_len, f->text);
}

/* A small photo, a progressive one, and one in grey. */
static void
test_small_progressive_grey(void **state)
{
	struct fixture *f = *state;
	struct photo_shot s = { 1536, 2048, -4, 0.7, 4, 7 };
	struct photo out;
	const char *why;
	uint8_t *enc;
	size_t len;

	assert_reads(f->small, f->small_len, f->text);
	assert_int_equal(photo_shoot(&f->card, &s, &out, &why), 0);
	assert_int_equal(photo_jpeg(&out, 85, 1, &enc, &len, &why), 0);
	assert_reads(enc, len, f->text);
	free(enc);
	photo_free(&out);
	assert_int_equal(photo_jpeg(&f->card, 90, 0, &enc, &len, &why), 0);
	assert_reads(enc, len, f->text);
	free(enc);
}

static void
test_empty_and_too_large(void **state)
{
	struct fixture *f = *state;
	struct qr_image_limits lim = qr_image_limits_default();
	struct pn_error err;
	char text[64] = "x";
	uint8_t *big;

	assert_int_equal(decode(NULL, 0, text, sizeof(text)), QR_IMAGE_EMPTY);
	assert_string_equal(text, "");
	assert_int_equal(decode(f->small, 0, text, sizeof(text)),
	    QR_IMAGE_EMPTY);
	/* A JPEG's start, then 8 MiB and one byte. */
	big = calloc(1, QR_IMAGE_MAX_BYTES + 1);
	assert_non_null(big);
	memcpy(big, f->small, f->small_len);
	assert_int_equal(decode(big, QR_IMAGE_MAX_BYTES + 1, text,
	    sizeof(text)), QR_IMAGE_TOO_LARGE);
	free(big);
	lim.max_bytes = f->small_len - 1;
	assert_int_equal(qr_image_decode(f->small, f->small_len, &lim, text,
	    sizeof(text), &err), QR_IMAGE_TOO_LARGE);
	assert_non_null(strstr(err.message, "bytes"));
}

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * A PNG of 33 bytes and more whose IHDR declares w x h (8-bit RGBA, as a
 * bomb would), its CRC right, followed by an IDAT of a few zero bytes.
 */
static size_t
png_bomb(uint8_t *out, uint32_t w, uint32_t h)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
	    '\n' };
	/* zlib of 4 zero bytes: a stream that ends long before the rows. */
	static const uint8_t idat[] = { 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60,
	    0x00, 0x00, 0x00, 0x04, 0x00, 0x01 };
	size_t n = 0;

	memcpy(out, sig, 8);
	n = 8;
	put32(out + n, 13);
	memcpy(out + n + 4, "IHDR", 4);
	put32(out + n + 8, w);
	put32(out + n + 12, h);
	out[n + 16] = 8;	/* bit depth */
	out[n + 17] = 6;	/* RGBA */
	out[n + 18] = out[n + 19] = out[n + 20] = 0;
	put32(out + n + 21, crc32_of(out + n + 4, 17));
	n += 25;
	put32(out + n, sizeof(idat));
	memcpy(out + n + 4, "IDAT", 4);
	memcpy(out + n + 8, idat, sizeof(idat));
	put32(out + n + 8 + sizeof(idat), crc32_of(out + n + 4,
	    4 + sizeof(idat)));
	n += 12 + sizeof(idat);
	return n;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 100000 x 100000 declared in 70 bytes: refused from the header, at
 * once; the largest size allowed, truncated, is damaged, its memory
 * bounded by the working size (ASan would report a 196 MB row set). */
static void
test_png_bomb(void **state)
{
	struct pn_error err;
	uint8_t buf[128];
	char text[64];
	size_t n;
	double t;

	(void)state;
	n = png_bomb(buf, 100000, 100000);
	t = seconds();
	assert_int_equal(qr_image_decode(buf, n, NULL, text, sizeof(text),
	    &err), QR_IMAGE_TOO_MANY_PIXELS);
	assert_true(seconds() - t < 0.1);
	assert_non_null(strstr(err.message, "100000 x 100000"));
	n = png_bomb(buf, 20000, 100);
	assert_int_equal(decode(buf, n, text, sizeof(text)),
	    QR_IMAGE_TOO_MANY_PIXELS);
	n = png_bomb(buf, 7000, 7000);
	assert_int_equal(decode(buf, n, text, sizeof(text)),
	    QR_IMAGE_DAMAGED);
	/* A broken CRC in IHDR. */
	n = png_bomb(buf, 100, 100);
	buf[30] ^= 1;
	assert_int_equal(decode(buf, n, text, sizeof(text)),
	    QR_IMAGE_DAMAGED);
}

/* Offset of the first marker 0xff code in a JPEG, 0 when none. */
static size_t
jpeg_marker(const uint8_t *p, size_t len, uint8_t code)
{
	size_t i;

	for (i = 2; i + 1 < len; i++)
		if (p[i] == 0xff && p[i + 1] == code)
			return i;
	return 0;
}

/* A SOF declaring 60000 x 60000, baseline and progressive. */
static void
test_jpeg_bomb(void **state)
{
	struct fixture *f = *state;
	struct photo_shot s = { 64, 64, 0, 1, 0, 0 };
	struct photo out;
	struct pn_error err;
	char text[64];
	const char *why;
	uint8_t *buf;
	size_t len, sof;

	buf = malloc(f->small_len);
	assert_non_null(buf);
	memcpy(buf, f->small, f->small_len);
	assert_true((sof = jpeg_marker(buf, f->small_len, 0xc0)) > 0);
	buf[sof + 5] = buf[sof + 7] = 0xea;	/* 60000 = 0xea60 */
	buf[sof + 6] = buf[sof + 8] = 0x60;
	assert_int_equal(qr_image_decode(buf, f->small_len, NULL, text,
	    sizeof(text), &err), QR_IMAGE_TOO_MANY_PIXELS);
	assert_non_null(strstr(err.message, "60000 x 60000"));
	free(buf);

	/* A progressive JPEG of 6000 x 6000 keeps 108 MB of coefficients:
	 * refused though under 50 MP. */
	assert_int_equal(photo_shoot(&f->card, &s, &out, &why), 0);
	assert_int_equal(photo_jpeg(&out, 85, 1, &buf, &len, &why), 0);
	photo_free(&out);
	assert_true((sof = jpeg_marker(buf, len, 0xc2)) > 0);
	buf[sof + 5] = buf[sof + 7] = 0x17;	/* 6000 = 0x1770 */
	buf[sof + 6] = buf[sof + 8] = 0x70;
	assert_int_equal(qr_image_decode(buf, len, NULL, text, sizeof(text),
	    &err), QR_IMAGE_TOO_MANY_PIXELS);
	assert_non_null(strstr(err.message, "MiB"));
	free(buf);
}

static void
test_not_an_image(void **state)
{
	static const char *const files[] = {
		"Bonjour, ceci est un fichier texte.\n",
		"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
		"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!",
		"\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00mif1heic",
		"\xff\xd8",		/* a JPEG's first two bytes only */
		"\x89PNG\r\n",		/* a PNG signature cut short */
	};
	static const char *const seen[] = { "unknown", "PDF", "GIF", "HEIC",
	    "unknown", "unknown" };
	struct pn_error err;
	char text[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n = i == 3 ? 24 : strlen(files[i]);
		assert_int_equal(qr_image_decode((const uint8_t *)files[i], n,
		    NULL, text, sizeof(text), &err), QR_IMAGE_NOT_AN_IMAGE);
		assert_non_null(strstr(err.message, seen[i]));
	}
}

/* Truncated at half, garbage in the middle, a bad byte in the header. */
static void
test_damaged_jpeg(void **state)
{
	struct fixture *f = *state;
	struct pn_error err;
	char text[QR_IMAGE_TEXT_MAX];
	uint64_t seed = 7;
	uint8_t *buf;
	size_t i, sos;

	assert_int_equal(qr_image_decode(f->jpeg, f->jpeg_len / 2, NULL, text,
	    sizeof(text), &err), QR_IMAGE_DAMAGED);
	assert_non_null(strstr(err.message, "JPEG"));
	assert_string_equal(text, "");

	buf = malloc(f->jpeg_len);
	assert_non_null(buf);
	memcpy(buf, f->jpeg, f->jpeg_len);
	for (i = f->jpeg_len / 2; i < f->jpeg_len / 2 + 4096; i++)
		buf[i] = (uint8_t)(xorshift64(&seed) >> 56);
	assert_int_equal(qr_image_decode(buf, f->jpeg_len, NULL, text,
	    sizeof(text), &err), QR_IMAGE_DAMAGED);

	/* The scan's header cut: no image data at all. */
	memcpy(buf, f->jpeg, f->jpeg_len);
	assert_true((sos = jpeg_marker(buf, f->jpeg_len, 0xda)) > 0);
	assert_int_equal(decode(buf, sos + 4, text, sizeof(text)),
	    QR_IMAGE_DAMAGED);
	free(buf);
}

/* Random damage never crashes and never gives a wrong text. */
static void
test_mutations(void **state)
{
	struct fixture *f = *state;
	const uint8_t *srcs[2] = { f->small, f->png };
	size_t lens[2] = { f->small_len, f->png_len };
	char text[QR_IMAGE_TEXT_MAX];
	uint64_t seed = 99;
	uint8_t *buf;
	enum qr_image_result r;
	int round, k, s;

	for (s = 0; s < 2; s++) {
		buf = malloc(lens[s]);
		assert_non_null(buf);
		for (round = 0; round < 150; round++) {
			size_t len = lens[s];

			memcpy(buf, srcs[s], len);
			for (k = 0; k < 1 + round % 8; k++)
				buf[8 + xorshift64(&seed) % (len - 8)] =
				    (uint8_t)xorshift64(&seed);
			if (round % 5 == 0)
				len = 8 + xorshift64(&seed) % (len - 8);
			r = decode(buf, len, text, sizeof(text));
			assert_true(r <= QR_IMAGE_NO_MEMORY);
			if (r == QR_IMAGE_OK)
				assert_string_equal(text, f->text);
		}
		free(buf);
	}
}

/* A sheet of 50 vouchers photographed whole; a page with none. */
static void
test_several_and_none(void **state)
{
	struct fixture *f = *state;
	struct photo page;
	char text[QR_IMAGE_TEXT_MAX], t[VOUCHER_TEXT + 1];
	uint64_t seed = 3;
	uint8_t *jpeg;
	size_t len, i;
	unsigned r, c;

	(void)f;
	blank(&page, 5 * 240, 10 * 240);
	for (r = 0; r < 10; r++)
		for (c = 0; c < 5; c++) {
			voucher_text(1000 + r * 5 + c, t, sizeof(t));
			draw_code(&page, t, 4, c * 240 + 6, r * 240 + 6);
		}
	jpeg = shoot(&page, 3024, 4032, 1, 0.95, 0, &len);
	assert_int_equal(decode(jpeg, len, text, sizeof(text)),
	    QR_IMAGE_SEVERAL_CODES);
	assert_string_equal(text, "");
	free(jpeg);

	/* Grey blocks like lines of text, no code. */
	memset(page.px, 255, (size_t)page.w * page.h);
	for (i = 0; i < (size_t)page.w * page.h; i++)
		if ((i / page.w) % 40 < 12 && (xorshift64(&seed) >> 60) < 6)
			page.px[i] = 20;
	jpeg = shoot(&page, 3024, 4032, 2, 0.9, 0, &len);
	assert_int_equal(decode(jpeg, len, text, sizeof(text)),
	    QR_IMAGE_NO_CODE);
	free(jpeg);
	photo_free(&page);
}

/* The same code twice is one code; a text longer than the buffer, or a
 * long foreign code, is refused. */
static void
test_same_twice_and_foreign(void **state)
{
	struct fixture *f = *state;
	struct photo page;
	char text[QR_IMAGE_TEXT_MAX], longtext[601];
	const char *why;
	uint8_t *png;
	size_t len;

	blank(&page, 600, 300);
	draw_code(&page, f->text, 4, 10, 40);
	draw_code(&page, f->text, 4, 310, 40);
	assert_int_equal(photo_png(&page, &png, &len, &why), 0);
	assert_reads(png, len, f->text);
	free(png);
	photo_free(&page);

	assert_int_equal(decode(f->png, f->png_len, text, VOUCHER_TEXT),
	    QR_IMAGE_FOREIGN_CODE);
	assert_int_equal(decode(f->png, f->png_len, text, VOUCHER_TEXT + 1),
	    QR_IMAGE_OK);

	memset(longtext, 'A', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	blank(&page, 400, 400);
	draw_code(&page, longtext, 3, 20, 20);
	assert_int_equal(photo_png(&page, &png, &len, &why), 0);
	assert_int_equal(decode(png, len, text, sizeof(text)),
	    QR_IMAGE_FOREIGN_CODE);
	free(png);
	photo_free(&page);
}

/* The slots taken: refused at once; given back: read again. */
static void
test_busy(void **state)
{
	struct fixture *f = *state;
	char text[QR_IMAGE_TEXT_MAX];

	assert_true(qr_image_slot_acquire());
	assert_true(qr_image_slot_acquire());
	assert_false(qr_image_slot_acquire());
	assert_int_equal(decode(f->small, f->small_len, text, sizeof(text)),
	    QR_IMAGE_BUSY);
	qr_image_slot_release();
	assert_reads(f->small, f->small_len, f->text);
	qr_image_slot_release();

	qr_image_slots_set(0);
	assert_int_equal(decode(f->small, f->small_len, text, sizeof(text)),
	    QR_IMAGE_BUSY);
	qr_image_slots_set(QR_IMAGE_SLOTS);
	assert_reads(f->small, f->small_len, f->text);
}

/* A deadline of 1 ms: the 12 MP photo cannot be decoded within it. */
static void
test_too_slow(void **state)
{
	struct fixture *f = *state;
	struct qr_image_limits lim = qr_image_limits_default();
	struct pn_error err;
	char text[QR_IMAGE_TEXT_MAX];

	lim.max_ms = 1;
	assert_int_equal(qr_image_decode(f->jpeg, f->jpeg_len, &lim, text,
	    sizeof(text), &err), QR_IMAGE_TOO_SLOW);
	assert_non_null(strstr(err.message, "ms"));
}

/* Every result has its own French sentence for the volunteer. */
static void
test_french_texts(void **state)
{
	static const char *const english[] = { "the", "image", "is", "too",
	    "large", "error", "file", "please", "try", "again", "busy",
	    "empty", "damaged", "code", "codes", "not", "no", "memory",
	    "slow", "photo", "upload", "server", "format", "retry" };
	/* The words that are French as well, or names. */
	static const char *const allowed[] = { "code", "codes", "photo",
	    "format" };
	enum qr_image_result r, q;
	size_t i, k;

	(void)state;
	for (r = QR_IMAGE_OK; r <= QR_IMAGE_NO_MEMORY; r++) {
		const char *s = qr_image_result_text(r);
		size_t n = strlen(s);
		char word[64];

		assert_true(n > 20);
		assert_true(isupper((unsigned char)s[0]) ||
		    strncmp(s, "\xc3\x89", 2) == 0);	/* É */
		assert_int_equal(s[n - 1], '.');
		for (q = QR_IMAGE_OK; q < r; q++)
			assert_string_not_equal(s, qr_image_result_text(q));
		for (i = 0; i < n; ) {
			for (k = 0; i < n && isalpha((unsigned char)s[i]) &&
			    k + 1 < sizeof(word); i++, k++)
				word[k] = (char)tolower((unsigned char)s[i]);
			word[k] = '\0';
			if (k == 0) {
				i++;
				continue;
			}
			for (k = 0; k < sizeof(english) / sizeof(english[0]);
			    k++) {
				size_t a;
				bool ok = false;

				if (strcmp(word, english[k]) != 0)
					continue;
				for (a = 0; a < sizeof(allowed) /
				    sizeof(allowed[0]); a++)
					ok |= strcmp(word, allowed[a]) == 0;
				if (!ok)
					fail_msg("English \"%s\" in \"%s\"",
					    word, s);
			}
		}
	}
	assert_non_null(strstr(qr_image_result_text(QR_IMAGE_TOO_LARGE),
	    "8 Mo"));
	assert_non_null(strstr(qr_image_result_text(QR_IMAGE_NOT_AN_IMAGE),
	    "Le plus compatible"));
	assert_non_null(strstr(qr_image_result_text(QR_IMAGE_SEVERAL_CODES),
	    "un seul chèque"));
	assert_string_equal(qr_image_result_text((enum qr_image_result)99),
	    qr_image_result_text(QR_IMAGE_DAMAGED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_jpeg),
		cmocka_unit_test(test_phone_png),
		cmocka_unit_test(test_small_progressive_grey),
		cmocka_unit_test(test_empty_and_too_large),
		cmocka_unit_test(test_png_bomb),
		cmocka_unit_test(test_jpeg_bomb),
		cmocka_unit_test(test_not_an_image),
		cmocka_unit_test(test_damaged_jpeg),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_several_and_none),
		cmocka_unit_test(test_same_twice_and_foreign),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_too_slow),
		cmocka_unit_test(test_french_texts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
