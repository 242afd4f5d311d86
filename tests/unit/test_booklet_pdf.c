/* test_booklet_pdf.c -- the printed booklet: a real PDF whose QR codes scan back and verify. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passnum/controlkey.h"
#include "passnum/qr.h"
#include "passnum/reason.h"
#include "booklet.h"
#include "booklet_pdf.h"
#include "fixtures_booklet.h"
#include "testkeys.h"

#define BOOKLET_ID	42
#define PROGRAMME_ID	7	/* tk_voucher()'s programme */
#define SERIAL_BASE	1000
#define DPI		150

/* Shared by the tests: a scratch directory, the keys, a programme. */
struct fixture {
	char dir[4096];
	struct pn_master_key *master;
	struct pn_signing_key *key;
	struct pn_trust *trust;
	struct store_programme prog;
	struct store_booklet booklet;
	struct booklet_codes codes[STORE_BOOKLET_MAX];
};

/* The demo programme's cover texts, accents and typographic quotes included. */
static void
programme_fill(struct store_programme *p)
{
	memset(p, 0, sizeof(*p));
	p->id = PROGRAMME_ID;
	(void)snprintf(p->name, sizeof(p->name), "Pass numérique 2026");
	p->face_value = 1000;
	p->per_booklet = 10;
	(void)snprintf(p->instructions, sizeof(p->instructions), "Chaque "
	    "chèque vaut une séance d’initiation au numérique chez un lieu "
	    "partenaire. Présentez le chèque au début de la séance : "
	    "l’animateur le scanne.\nUn chèque ne sert qu’une fois.");
	(void)snprintf(p->venues, sizeof(p->venues), "Médiathèque Jacques "
	    "Demy, 24 quai de la Fosse, Nantes\r\nEspace numérique de Rezé, "
	    "2 rue Jean Jaurès, Rezé\n");
}

/*
 * Fill the fixture's booklet with n vouchers signed by the fixture key,
 * serials SERIAL_BASE + 1.., each as tk_voucher() makes it, and their
 * codes through booklet_codes().
 */
static void
booklet_fill(struct fixture *fx, unsigned n)
{
	struct pn_voucher v;
	char text[PN_VOUCHER_TEXT_LEN + 1];
	unsigned i;

	assert_int_equal(fx_booklet(&fx->booklet, fx->codes, fx->key,
	    BOOKLET_ID, PROGRAMME_ID, SERIAL_BASE + 1, n,
	    T_2027 + 31 * DAY - 1), 0);
	(void)snprintf(fx->booklet.programme_name,
	    sizeof(fx->booklet.programme_name), "%s", fx->prog.name);
	for (i = 0; i < n; i++) {
		/* The codes are the signed voucher's, byte for byte. */
		v = tk_voucher(fx->key, SERIAL_BASE + 1 + i);
		pn_voucher_to_text(&v, text);
		assert_string_equal(fx->codes[i].text, text);
	}
}

/* Render the fixture's booklet; fails the test on error. */
static uint8_t *
render(struct fixture *fx, size_t *len)
{
	struct pn_error err;
	uint8_t *pdf = NULL;

	if (booklet_pdf(&fx->booklet, &fx->prog, fx->codes, NULL, &pdf, len,
	    &err) != 0)
		fail_msg("booklet_pdf: %s", err.message);
	assert_non_null(pdf);
	return pdf;
}

/* Run cmd with sh; its standard output, up to cap - 1 bytes, in out. */
static void
run(const char *cmd, char *out, size_t cap)
{
	FILE *f = popen(cmd, "r");
	size_t n;
	int status;

	assert_non_null(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	status = pclose(f);
	assert_true(WIFEXITED(status));
	/* zbarimg says 4 when it finds nothing: the checks count codes. */
	if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 4)
		fail_msg("'%s' exited with %d", cmd, WEXITSTATUS(status));
}

/* Write pdf to the scratch directory as booklet.pdf; its path in path. */
static void
write_pdf(struct fixture *fx, const uint8_t *pdf, size_t len, char *path,
    size_t cap)
{
	FILE *f;

	(void)snprintf(path, cap, "%s/booklet.pdf", fx->dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/*
 * Write pdf to the scratch directory, render its pages at DPI with
 * pdftoppm, and put in out what zbarimg decodes on them (one code a line)
 * and in text what pdftotext reads. Pages are rendered without
 * anti-aliasing, as printers print: zbarimg misses about one code in 400
 * on anti-aliased pages of 8 (test_pdf.sh says more).
 */
static void
scan(struct fixture *fx, const uint8_t *pdf, size_t len, char *out,
    size_t cap, char *text, size_t textcap)
{
	char path[4200], cmd[20000];

	write_pdf(fx, pdf, len, path, sizeof(path));
	(void)snprintf(cmd, sizeof(cmd), "rm -f '%s'/page-*.png && "
	    "pdftoppm -q -r %d -aa no -aaVector no -png '%s' '%s/page' && "
	    "zbarimg --raw -q --nodbus -Sdisable -Sqrcode.enable "
	    "'%s'/page-*.png", fx->dir, DPI, path, fx->dir, fx->dir);
	run(cmd, out, cap);
	(void)snprintf(cmd, sizeof(cmd), "pdftotext -q '%s' -", path);
	run(cmd, text, textcap);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Whether the five runs r, dark, light, dark, light, dark, are in the
 * proportions 1:1:3:1:1 of a line through a finder pattern's centre (each
 * within half a module), with modules of 2 pixels at least, as text at
 * DPI never has.
 */
static bool
finder_runs(const unsigned *r)
{
	double u = (r[0] + r[1] + r[2] + r[3] + r[4]) / 7.0;

	return u >= 2 && fabs(r[0] - u) <= u / 2 && fabs(r[1] - u) <= u / 2 &&
	    fabs(r[2] - 3 * u) <= 1.5 * u && fabs(r[3] - u) <= u / 2 &&
	    fabs(r[4] - u) <= u / 2;
}

/*
 * Render page 1 of pdf in grey at DPI and measure its QR codes' finder
 * patterns, the 7-module squares in three corners of each: the median
 * width in pixels of the rows that cross one through its centre; 0 when
 * none does.
 */
static double
finder_width_px(struct fixture *fx, const uint8_t *pdf, size_t len)
{
	char path[4200], pgm[4200], cmd[20000], out[64];
	unsigned w, h, maxval, x, y, nruns, i, *runs;
	double *widths, median;
	size_t nwidths = 0, size;
	uint8_t *img, *row;
	int off = 0;
	FILE *f;

	write_pdf(fx, pdf, len, path, sizeof(path));
	(void)snprintf(pgm, sizeof(pgm), "%s/page1.pgm", fx->dir);
	(void)snprintf(cmd, sizeof(cmd), "pdftoppm -q -r %d -aa no -aaVector no "
	    "-gray -f 1 -l 1 -singlefile '%s' '%s/page1'", DPI, path, fx->dir);
	run(cmd, out, sizeof(out));
	f = fopen(pgm, "rb");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "P5 %u %u %u%n", &w, &h, &maxval, &off), 3);
	assert_true(off > 0 && maxval == 255 && w > 0 && h > 0);
	assert_int_equal(fgetc(f), '\n');
	size = (size_t)w * h;
	img = malloc(size);
	runs = malloc(w * sizeof(*runs));
	widths = malloc(size * sizeof(*widths) / 8 + sizeof(*widths));
	assert_true(img != NULL && runs != NULL && widths != NULL);
	assert_int_equal(fread(img, 1, size, f), size);
	fclose(f);

	for (y = 0; y < h; y++) {
		row = img + (size_t)y * w;
		/* Runs of dark (below half grey) and light pixels. */
		nruns = 0;
		for (x = 0; x < w; x++) {
			if (x > 0 && (row[x] < 128) == (row[x - 1] < 128))
				runs[nruns - 1]++;
			else
				runs[nruns++] = 1;
		}
		/* Odd runs from the first dark one are dark. */
		for (i = row[0] < 128 ? 0 : 1; i + 5 <= nruns; i += 2)
			if (finder_runs(runs + i) && nwidths < size / 8)
				widths[nwidths++] = runs[i] + runs[i + 1] +
				    runs[i + 2] + runs[i + 3] + runs[i + 4];
	}
	median = 0;
	if (nwidths > 0) {
		qsort(widths, nwidths, sizeof(*widths), cmp_double);
		median = widths[nwidths / 2];
	}
	free(widths);
	free(runs);
	free(img);
	return median;
}

/*
 * Check that the codes decoded (one a line in scanned) are exactly those
 * of the booklet's vouchers whose status is "issued", each once, and that
 * each verifies against the trust bundle.
 */
static void
expect_codes(struct fixture *fx, char *scanned)
{
	bool seen[STORE_BOOKLET_MAX] = { false };
	struct pn_voucher v;
	enum pn_reason r;
	unsigned i, found = 0, want = 0;
	char *line, *save = NULL;

	for (line = strtok_r(scanned, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < fx->booklet.n; i++)
			if (strcmp(line, fx->codes[i].text) == 0)
				break;
		if (i == fx->booklet.n)
			fail_msg("a code not of the booklet: %s", line);
		if (seen[i])
			fail_msg("voucher %u scanned twice", i + 1);
		if (strcmp(fx->booklet.vouchers[i].status, "issued") != 0)
			fail_msg("voucher %u is %s, yet has a QR code", i + 1,
			    fx->booklet.vouchers[i].status);
		seen[i] = true;
		found++;
		r = pn_voucher_check_text(line, strlen(line), fx->trust, NULL,
		    T_VALID, &v);
		if (r != PN_R_OK)
			fail_msg("voucher %u: %s", i + 1, pn_reason_name(r));
	}
	for (i = 0; i < fx->booklet.n; i++)
		want += strcmp(fx->booklet.vouchers[i].status, "issued") == 0;
	assert_int_equal(found, want);
}

/* How many times needle occurs in s. */
static unsigned
count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/*
 * A booklet of 10: a PDF from "%PDF-" to "%%EOF", of a sensible size
 * (two embedded fonts, ten QR codes), the same bytes on every render;
 * every QR code scans back from a 150 dpi render and verifies; the text
 * keeps its accents.
 */
static void
test_booklet_of_10(void **state)
{
	struct fixture *fx = *state;
	static char scanned[65536], text[65536];
	uint8_t *pdf, *again;
	size_t len, len2;
	unsigned i;

	booklet_fill(fx, 10);
	pdf = render(fx, &len);
	assert_true(len > 5);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_true(len >= 8);
	/* "%%EOF" and the end of line libharu puts after it. */
	assert_true(memcmp(pdf + len - 6, "%%EOF", 5) == 0 ||
	    memcmp(pdf + len - 5, "%%EOF", 5) == 0);
	if (len < 20000 || len > 600000)
		fail_msg("a booklet of 10 is %zu bytes", len);
	again = render(fx, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(pdf, again, len);
	free(again);

	scan(fx, pdf, len, scanned, sizeof(scanned), text, sizeof(text));
	expect_codes(fx, scanned);
	assert_non_null(strstr(text, "Pass numérique 2026"));
	assert_non_null(strstr(text, "Carnet n° 42"));
	assert_non_null(strstr(text, "délivré le 01/03/2026"));
	assert_non_null(strstr(text, "Lieux partenaires"));
	assert_non_null(strstr(text, "Médiathèque Jacques Demy"));
	assert_non_null(strstr(text, "l’animateur"));
	/* tk_voucher() expires at 23:59:59 UTC: 00:59:59 the next day in Paris. */
	assert_non_null(strstr(text, "Valable jusqu’au 01/02/2027"));
	/* pdftotext reads the no-break space before "€" as a space. */
	assert_true(strstr(text, "10,00\xc2\xa0€") != NULL ||
	    strstr(text, "10,00 €") != NULL);
	assert_non_null(strstr(text, fx->codes[0].printed));
	assert_non_null(strstr(text, fx->codes[9].printed));
	/*
	 * Each card's control key, and the cover says what to type.
	 * pdftotext puts the key, in a larger font, apart from its label.
	 */
	assert_int_equal(count(text, "Clé de contrôle :"), 10);
	for (i = 0; i < 10; i++)
		if (strstr(text, fx->codes[i].control_key) == NULL)
			fail_msg("voucher %u: its key %s is not in the text",
			    i + 1, fx->codes[i].control_key);
	assert_non_null(strstr(text, "le numéro du chèque (N°) et sa clé "
	    "de contrôle"));
	assert_non_null(strstr(text, "page 1 / 2"));
	assert_non_null(strstr(text, "page 2 / 2"));
	assert_null(strstr(text, "ANNULÉ"));
	free(pdf);
}

/*
 * The control key that booklet_codes() gives each voucher (the one the
 * pages, the API and the PDF show) is pn_control_key() of the signature
 * in the voucher's own PN1: code, printed "XXXX-XXXX"; no two vouchers of
 * the booklet share one.
 */
static void
test_control_keys(void **state)
{
	struct fixture *fx = *state;
	char key[PN_CONTROL_KEY_SIZE], text[PN_CONTROL_KEY_TEXT_MAX];
	struct pn_voucher v;
	unsigned i, j;

	booklet_fill(fx, STORE_BOOKLET_MAX);
	for (i = 0; i < STORE_BOOKLET_MAX; i++) {
		assert_int_equal(pn_voucher_from_text(fx->codes[i].text,
		    strlen(fx->codes[i].text), &v), PN_R_OK);
		assert_int_equal(v.serial, SERIAL_BASE + 1 + i);
		pn_control_key(v.signature, key);
		pn_control_key_format(key, text);
		assert_string_equal(fx->codes[i].control_key, text);
		assert_int_equal(strlen(text), 9);
		assert_int_equal(text[4], '-');
		for (j = 0; j < i; j++)
			assert_string_not_equal(fx->codes[j].control_key, text);
	}
}

/*
 * The QR codes are large enough to scan from paper at arm's length: at
 * least 25 mm for the symbol itself, quiet zone excluded. A voucher's
 * symbol is 49 modules of the 57 drawn in BOOKLET_PDF_QR_MM, and so it is
 * on a 150 dpi render of the page, measured by its finder patterns
 * (7 modules wide).
 */
static void
test_qr_size(void **state)
{
	struct fixture *fx = *state;
	double symbol_mm, finder_px, measured_mm;
	uint8_t *pdf;
	size_t len;
	int side;

	booklet_fill(fx, 10);
	side = pn_qr_size(fx->codes[0].text);
	assert_int_equal(side, 49 + 2 * PN_QR_QUIET_ZONE);
	symbol_mm = BOOKLET_PDF_QR_MM * (side - 2 * PN_QR_QUIET_ZONE) / side;
	if (symbol_mm < 25.0)
		fail_msg("a QR symbol is laid out %.1f mm wide", symbol_mm);

	pdf = render(fx, &len);
	finder_px = finder_width_px(fx, pdf, len);
	free(pdf);
	measured_mm = finder_px / 7 * (side - 2 * PN_QR_QUIET_ZONE) / DPI *
	    25.4;
	if (measured_mm < 25.0)
		fail_msg("a QR symbol measures %.1f mm on the page (finder "
		    "patterns of %.1f px at %d dpi)", measured_mm, finder_px,
		    DPI);
	/* The render agrees with the layout, give or take a pixel a side. */
	assert_true(fabs(measured_mm - symbol_mm) < 0.1 * symbol_mm);
}

/*
 * Cancelled vouchers are marked "ANNULÉ" and have no QR code; the others
 * still scan.
 */
static void
test_cancelled(void **state)
{
	struct fixture *fx = *state;
	static char scanned[65536], text[65536];
	uint8_t *pdf;
	size_t len;

	booklet_fill(fx, 10);
	(void)snprintf(fx->booklet.vouchers[2].status,
	    sizeof(fx->booklet.vouchers[2].status), "cancelled");
	(void)snprintf(fx->booklet.vouchers[9].status,
	    sizeof(fx->booklet.vouchers[9].status), "cancelled");
	pdf = render(fx, &len);
	scan(fx, pdf, len, scanned, sizeof(scanned), text, sizeof(text));
	expect_codes(fx, scanned);
	assert_int_equal(count(text, "ANNULÉ"), 2);
	/* The cancelled card still says which voucher it was. */
	assert_non_null(strstr(text, fx->codes[2].printed));
	/* Not its control key, worth the voucher as its code is. */
	assert_int_equal(count(text, "Clé de contrôle :"), 8);
	assert_null(strstr(text, fx->codes[2].control_key));
	assert_null(strstr(text, fx->codes[9].control_key));
	assert_non_null(strstr(text, fx->codes[3].control_key));
	free(pdf);
}

/*
 * The largest booklet, 50 vouchers, over several pages: all 50 scan, and
 * every page is numbered out of the same total.
 */
static void
test_booklet_of_50(void **state)
{
	struct fixture *fx = *state;
	static char scanned[65536], text[65536];
	char want[32];
	uint8_t *pdf;
	size_t len;
	unsigned pages;

	booklet_fill(fx, STORE_BOOKLET_MAX);
	pdf = render(fx, &len);
	scan(fx, pdf, len, scanned, sizeof(scanned), text, sizeof(text));
	expect_codes(fx, scanned);
	pages = count(text, "page ");
	/* 8 cards to a page, and the cover takes room on the first. */
	assert_true(pages >= 7 && pages <= 8);
	(void)snprintf(want, sizeof(want), "page %u / %u", pages, pages);
	assert_non_null(strstr(text, want));
	free(pdf);
}

/*
 * Texts at the store's limits: a long name is cut with "…" on the cards,
 * a cover too long for one page goes on to the next, control characters
 * and bytes that are not UTF-8 do not stop the PDF, and every QR code
 * still scans.
 */
static void
test_long_texts(void **state)
{
	struct fixture *fx = *state;
	static char scanned[65536], text[65536];
	struct store_programme *p = &fx->prog;
	uint8_t *pdf;
	size_t len, i;

	memset(p->name, 'M', sizeof(p->name) - 1);
	p->name[sizeof(p->name) - 1] = '\0';
	memcpy(p->name, "Programme départemental ", 25);
	for (i = 0; i + 1 < sizeof(p->instructions); i++)
		p->instructions[i] = "Séance\t d’initiation "[i % 21];
	p->instructions[i] = '\0';
	p->instructions[100] = '\xff';
	for (i = 0; i + 1 < sizeof(p->venues); i++)
		p->venues[i] = i % 4 == 3 ? '\n' : "Lé "[i % 4];
	p->venues[i] = '\0';
	booklet_fill(fx, 10);
	pdf = render(fx, &len);
	scan(fx, pdf, len, scanned, sizeof(scanned), text, sizeof(text));
	expect_codes(fx, scanned);
	assert_non_null(strstr(text, "…"));
	assert_non_null(strstr(text, "page 2 / "));
	free(pdf);
	programme_fill(p);
}

/* A missing font: -1, PN_E_IO, the file named, nothing returned. */
static void
test_missing_font(void **state)
{
	struct fixture *fx = *state;
	const struct booklet_pdf_fonts fonts = {
		BOOKLET_PDF_FONT, "/nonexistent/DejaVuSans-Bold.ttf"
	};
	struct pn_error err;
	uint8_t byte, *pdf = &byte;
	size_t len = 1;

	booklet_fill(fx, 10);
	assert_int_equal(booklet_pdf(&fx->booklet, &fx->prog, fx->codes,
	    &fonts, &pdf, &len, &err), -1);
	assert_int_equal(err.code, PN_E_IO);
	assert_non_null(strstr(err.message,
	    "/nonexistent/DejaVuSans-Bold.ttf"));
	assert_null(pdf);
	assert_int_equal(len, 0);
}

/* A file that is not a font: -1, PN_E_IO, the file named. */
static void
test_not_a_font(void **state)
{
	struct fixture *fx = *state;
	char path[4200];
	struct booklet_pdf_fonts fonts = { NULL, BOOKLET_PDF_FONT_BOLD };
	struct pn_error err;
	uint8_t *pdf;
	size_t len;
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/not-a-font.ttf", fx->dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_true(fputs("plain text, no font tables\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	fonts.regular = path;
	booklet_fill(fx, 10);
	assert_int_equal(booklet_pdf(&fx->booklet, &fx->prog, fx->codes,
	    &fonts, &pdf, &len, &err), -1);
	assert_int_equal(err.code, PN_E_IO);
	assert_non_null(strstr(err.message, path));
	assert_null(pdf);
}

/* A voucher text that is not one: refused with the QR module's reason. */
static void
test_bad_code(void **state)
{
	struct fixture *fx = *state;
	struct pn_error err;
	uint8_t *pdf;
	size_t len;

	booklet_fill(fx, 10);
	memcpy(fx->codes[4].text, "pn1:", 4);
	assert_int_equal(booklet_pdf(&fx->booklet, &fx->prog, fx->codes, NULL,
	    &pdf, &len, &err), -1);
	assert_int_equal(err.code, PN_E_ARG);
	assert_null(pdf);
}

static int
group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	struct pn_cert cert;
	struct pn_error err;

	if (fx == NULL || pn_init() != 0)
		return -1;
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	(void)snprintf(fx->dir, sizeof(fx->dir), "%s/test_booklet_pdf.XXXXXX",
	    tmp);
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->master = fx_master_with(FX_MASTER_SEED);
	fx->key = fx_signing(1);
	if (fx->master == NULL || fx->key == NULL ||
	    fx_cert(&cert, fx->master, fx->key, 0, NULL, &err) != 0)
		return -1;
	if ((fx->trust = pn_trust_new(fx->master->pk, 1, T_2026)) == NULL ||
	    pn_trust_add_cert(fx->trust, &cert, &err) != 0 ||
	    pn_trust_sign(fx->trust, fx->master, &err) != 0)
		return -1;
	programme_fill(&fx->prog);
	*state = fx;
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[4200];

	if (fx == NULL)
		return 0;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx->dir);
	pn_trust_free(fx->trust);
	pn_signing_key_free(fx->key);
	pn_master_key_free(fx->master);
	free(fx);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_booklet_of_10),
		cmocka_unit_test(test_control_keys),
		cmocka_unit_test(test_qr_size),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_booklet_of_50),
		cmocka_unit_test(test_long_texts),
		cmocka_unit_test(test_missing_font),
		cmocka_unit_test(test_not_a_font),
		cmocka_unit_test(test_bad_code),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
