/* bench_qr_image.c -- a 12 MP phone photo of a voucher read by qr_image_decode(), beside libjpeg decoding it whole.
 *
 * Both figures work on the same JPEG (quality 85, 3024 x 4032, the card
 * turned 5 degrees, made with tests/fixtures_photo.h), measured in
 * interleaved slices:
 *   libjpeg full size   the photo decoded to 8-bit grey at full size, the
 *                       least a server that decodes it must do
 *   libjpeg at 4/8      the same at the scale qr_image_decode() picks, to
 *                       tell its decode from zbar's scan
 *   qr_image_decode     the upload's path: header checks, the decode at
 *                       DCT scale 4/8 (3 MP) and zbar's scan
 * A ratio above 1 means the upload reads the code in less time than
 * libjpeg alone takes for the full image. No target: the figures are for
 * information. Exit 2 when the set-up or an operation fails.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/qr.h"
#include "qr_image.h"
#include "fixtures_photo.h"

#include "bench.h"

#define PROG	"bench_qr_image"
#define TEXT	"PN1:6R6S*4RK1S7S 2LUPK91D:LPR$J9UM4FDQNPGE6DL65M6-7Q:48QHOG/UV4R" \
		"*WB1L7F4B4EJJLZDTX37F*N0$N8UDJWH1E4K0YAR03QRPJD8R:GXB6P%26E35BJ" \
		"4TF:0N3T5T"

struct fixture {
	uint8_t *jpeg;
	size_t len;
	uint8_t *full;		/* the full-size grey image */
};

/* A libjpeg figure: the photo at scale/8. */
struct plain {
	struct fixture *f;
	unsigned scale;
};

struct bench_jpeg_error {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
};

static void
bench_jpeg_fail(j_common_ptr c)
{
	longjmp(((struct bench_jpeg_error *)c->err)->jmp, 1);
}

/* libjpeg alone: the whole photo to grey at p->scale/8. */
static int
plain_decode(void *ctx)
{
	const struct plain *p = ctx;
	struct fixture *f = p->f;
	struct jpeg_decompress_struct c;
	struct bench_jpeg_error e;
	JSAMPROW row;

	c.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = bench_jpeg_fail;
	if (setjmp(e.jmp) != 0) {
		jpeg_destroy_decompress(&c);
		return -1;
	}
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, f->jpeg, (unsigned long)f->len);
	(void)jpeg_read_header(&c, TRUE);
	c.out_color_space = JCS_GRAYSCALE;
	c.scale_num = p->scale;
	c.scale_denom = 8;
	(void)jpeg_start_decompress(&c);
	while (c.output_scanline < c.output_height) {
		row = f->full + (size_t)c.output_scanline * c.output_width;
		(void)jpeg_read_scanlines(&c, &row, 1);
	}
	(void)jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	return 0;
}

static int
upload_decode(void *ctx)
{
	struct fixture *f = ctx;
	struct pn_error err;
	char text[QR_IMAGE_TEXT_MAX];

	if (qr_image_decode(f->jpeg, f->len, NULL, text, sizeof(text),
	    &err) != QR_IMAGE_OK || strcmp(text, TEXT) != 0) {
		fprintf(stderr, PROG ": %s\n", err.message);
		return -1;
	}
	return 0;
}

/* A card of 10 x 7 cm at 200 dpi, its code 3 cm wide, photographed. */
static void
setup(struct fixture *f)
{
	struct photo_shot shot = { 3024, 4032, 5, 0.6, 6, 0 };
	struct photo card, photo;
	struct pn_error err;
	const char *why;
	uint8_t *mods;
	int side;
	unsigned r, c;

	if (pn_qr_modules(TEXT, &mods, &side, &err) != 0)
		bench_fatalx(PROG, "pn_qr_modules: %s", err.message);
	if (photo_alloc(&card, 787, 551, 1) != 0)
		bench_fatalx(PROG, "out of memory");
	memset(card.px, 255, (size_t)card.w * card.h);
	for (r = 0; r < (unsigned)side * 4; r++)
		for (c = 0; c < (unsigned)side * 4; c++)
			card.px[(size_t)(150 + r) * card.w + 480 + c] =
			    mods[(r / 4) * (unsigned)side + c / 4] ? 0 : 255;
	free(mods);
	if (photo_shoot(&card, &shot, &photo, &why) != 0 ||
	    photo_jpeg(&photo, 85, 0, &f->jpeg, &f->len, &why) != 0)
		bench_fatalx(PROG, "photo: %s", why);
	photo_free(&card);
	photo_free(&photo);
	if ((f->full = malloc((size_t)shot.w * shot.h)) == NULL)
		bench_fatalx(PROG, "out of memory");
}

int
main(void)
{
	struct fixture f;
	struct plain p8 = { &f, 8 }, p4 = { &f, 4 };
	struct bench_rate full = { "libjpeg full size", plain_decode, &p8,
	    0 };
	struct bench_rate half = { "libjpeg at 4/8", plain_decode, &p4, 0 };
	struct bench_rate upload = { "qr_image_decode", upload_decode, &f,
	    0 };
	struct bench_rate *rates[3] = { &full, &half, &upload };
	struct bench_verdict verdict = { 0, "" };
	double seconds = bench_seconds_per_round();

	memset(&f, 0, sizeof(f));
	setup(&f);
	bench_print_header(PROG, seconds);
	printf("  a 3024 x 4032 JPEG photo of %zu bytes\n", f.len);
	if (bench_interleave(rates, 3, seconds) != 0)
		bench_fatalx(PROG, "a decode failed");
	bench_print_rate(&full);
	bench_print_ratio(&half, &full, "ratio to full size", 0, &verdict);
	bench_print_ratio(&upload, &full, "ratio to full size", 0, &verdict);
	printf("  per photo: libjpeg full size %.0f ms, at 4/8 %.0f ms; "
	    "qr_image_decode %.0f ms,\n  of which zbar's scan about %.0f ms\n",
	    1000 / full.best, 1000 / half.best, 1000 / upload.best,
	    1000 / upload.best - 1000 / half.best);
	free(f.jpeg);
	free(f.full);
	return bench_finish(PROG, &verdict);
}
