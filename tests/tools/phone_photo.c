/* phone_photo.c -- pn-phone_photo: a page image as a phone would photograph it, for the photo upload's tests.
 *
 *   pn-phone_photo [options] PAGE OUTPUT
 *
 * PAGE is a PGM or PPM (as "pdftoppm -gray -r 200" writes) or a PNG;
 * OUTPUT is written as PNG when its name ends in .png, else as JPEG.
 * See usage() for the options; the work is tests/fixtures_photo.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures_photo.h"

#define PROG	"pn-phone_photo"
#define INPUT_MAX_BYTES	(256L * 1024 * 1024)

static void
usage(void)
{
	fprintf(stderr,
"usage: " PROG " [options] PAGE OUTPUT\n"
"\n"
"Photograph PAGE (binary PGM/PPM as \"pdftoppm -gray -r 200\" writes, or\n"
"PNG) the way a phone would: crop, turn a few degrees, scale to the\n"
"phone's resolution, add sensor noise, and write OUTPUT as JPEG (or PNG\n"
"when OUTPUT ends in .png).\n"
"\n"
"  --crop X,Y,W,H   keep this rectangle of PAGE first, in pixels, or in\n"
"                   fractions of the page when all four are <= 1\n"
"                   (--crop 0,0,0.5,0.25: the top left eighth)\n"
"  --angle DEG      turn by DEG degrees counterclockwise (default 4)\n"
"  --size WxH       the photo's size in pixels (default 3024x4032, 12 MP)\n"
"  --fill F         the page's share of the photo, 0 to 1 (default 0.9)\n"
"  --noise N        add noise of +-N levels (default 6, 0 for none)\n"
"  --quality Q      JPEG quality (default 85)\n"
"  --progressive    write a progressive JPEG\n"
"  --seed S         seed of the noise (default fixed)\n"
"\n"
"Example, a booklet's first page, its top left voucher:\n"
"  pdftoppm -gray -r 200 -f 1 -l 1 booklet.pdf page\n"
"  " PROG " --crop 0,0,0.5,0.34 page-1.pgm photo.jpg\n");
	exit(2);
}

static void __attribute__((noreturn))
fatalx(const char *what, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\n", what, why);
	exit(1);
}

static double
number(const char *s, const char *opt)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v))
		fatalx(opt, "expected a number");
	return v;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *buf;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		fatalx(path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		fatalx(path, "cannot seek");
	if (n == 0 || n > INPUT_MAX_BYTES)
		fatalx(path, "empty or over 256 MiB");
	if ((buf = malloc((size_t)n)) == NULL)
		fatalx(path, "out of memory");
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		fatalx(path, "cannot read");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct photo_shot shot = { 3024, 4032, 4, 0.9, 6, 0 };
	struct photo page, photo;
	double crop[4] = { 0, 0, 0, 0 };
	int have_crop = 0, quality = 85, progressive = 0, i;
	const char *why, *in, *outpath;
	uint8_t *buf, *enc;
	size_t len, enclen, n;
	FILE *f;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--progressive") == 0) {
			progressive = 1;
			continue;
		}
		if (strcmp(o, "--help") == 0 || i + 1 >= argc)
			usage();
		if (strcmp(o, "--crop") == 0) {
			if (sscanf(argv[++i], "%lf,%lf,%lf,%lf", &crop[0],
			    &crop[1], &crop[2], &crop[3]) != 4 ||
			    crop[0] < 0 || crop[1] < 0 || crop[2] <= 0 ||
			    crop[3] <= 0)
				fatalx(o, "expected X,Y,W,H");
			have_crop = 1;
		} else if (strcmp(o, "--angle") == 0) {
			shot.angle = number(argv[++i], o);
		} else if (strcmp(o, "--size") == 0) {
			if (sscanf(argv[++i], "%ux%u", &shot.w, &shot.h) != 2 ||
			    shot.w == 0 || shot.h == 0 || shot.w > 20000 ||
			    shot.h > 20000)
				fatalx(o, "expected WxH, each 1 to 20000");
		} else if (strcmp(o, "--fill") == 0) {
			shot.fill = number(argv[++i], o);
			if (!(shot.fill > 0 && shot.fill <= 1))
				fatalx(o, "expected a fraction in (0, 1]");
		} else if (strcmp(o, "--noise") == 0) {
			shot.noise = (unsigned)number(argv[++i], o);
		} else if (strcmp(o, "--quality") == 0) {
			quality = (int)number(argv[++i], o);
			if (quality < 1 || quality > 100)
				fatalx(o, "expected 1 to 100");
		} else if (strcmp(o, "--seed") == 0) {
			shot.seed = (uint64_t)number(argv[++i], o);
		} else
			usage();
	}
	if (argc - i != 2)
		usage();
	in = argv[i];
	outpath = argv[i + 1];

	buf = slurp(in, &len);
	if ((len >= 8 && memcmp(buf, "\x89PNG", 4) == 0 ?
	    photo_read_png(buf, len, &page, &why) :
	    photo_read_pnm(buf, len, &page, &why)) != 0)
		fatalx(in, why);
	free(buf);
	if (have_crop) {
		if (crop[0] <= 1 && crop[1] <= 1 && crop[2] <= 1 &&
		    crop[3] <= 1) {
			crop[0] *= page.w;
			crop[2] *= page.w;
			crop[1] *= page.h;
			crop[3] *= page.h;
		}
		if (photo_crop(&page, (unsigned)crop[0], (unsigned)crop[1],
		    (unsigned)(crop[2] + 0.5), (unsigned)(crop[3] + 0.5),
		    &why) != 0)
			fatalx("--crop", why);
	}
	if (photo_shoot(&page, &shot, &photo, &why) != 0)
		fatalx(in, why);
	n = strlen(outpath);
	if ((n > 4 && strcmp(outpath + n - 4, ".png") == 0 ?
	    photo_png(&photo, &enc, &enclen, &why) :
	    photo_jpeg(&photo, quality, progressive, &enc, &enclen, &why)) != 0)
		fatalx(outpath, why);
	if ((f = fopen(outpath, "wb")) == NULL)
		fatalx(outpath, strerror(errno));
	if (fwrite(enc, 1, enclen, f) != enclen || fclose(f) != 0)
		fatalx(outpath, "cannot write");
	printf("%s: %u x %u, %zu bytes\n", outpath, photo.w, photo.h, enclen);
	free(enc);
	photo_free(&page);
	photo_free(&photo);
	return 0;
}
