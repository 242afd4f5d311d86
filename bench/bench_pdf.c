/* bench_pdf.c -- printed booklets of 10 rendered to PDF per second, beside the QR codes alone.
 *
 * Both figures work on the same booklet of 10 signed vouchers, measured
 * in interleaved slices:
 *   QR encode x 10   the module matrices of the 10 vouchers (pn_qr_modules)
 *   booklet PDF      the whole document: fonts loaded and embedded, cover,
 *                    10 cards with their QR codes drawn, compressed, saved
 * and the ratio of the two shows what the document costs beyond its codes.
 * No target: the figures are for information. Exit 2 when the set-up or
 * an operation fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passnum/passnum.h"
#include "passnum/qr.h"
#include "passnum/voucher.h"
#include "booklet.h"
#include "booklet_pdf.h"
#include "fixtures_booklet.h"

#include "bench.h"

#define PROG		"bench_pdf"
#define VOUCHERS	10

struct fixture {
	struct store_programme prog;
	struct store_booklet booklet;
	struct booklet_codes codes[VOUCHERS];
	size_t pdf_len;		/* of the last render, for the report */
};

/* A booklet of 10 vouchers of 10,00 EUR signed by kid 1, as issued in 2026. */
static struct fixture *
setup(void)
{
	struct pn_signing_key *key;
	struct fixture *f;

	if (pn_init() != 0)
		bench_fatalx(PROG, "pn_init: no secure random source");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		bench_fatalx(PROG, "%s: out of memory", __func__);
	if ((key = fx_signing(1)) == NULL)
		bench_fatalx(PROG, "fx_signing failed");
	f->prog.id = 1;
	(void)snprintf(f->prog.name, sizeof(f->prog.name),
	    "Pass numérique 2026");
	f->prog.face_value = 1000;
	f->prog.per_booklet = VOUCHERS;
	(void)snprintf(f->prog.instructions, sizeof(f->prog.instructions),
	    "Chaque chèque vaut une séance d’initiation au numérique chez un "
	    "lieu partenaire. Présentez le chèque au début de la séance : "
	    "l’animateur le scanne. Un chèque ne sert qu’une fois.");
	(void)snprintf(f->prog.venues, sizeof(f->prog.venues),
	    "Médiathèque Jacques Demy, 24 quai de la Fosse, Nantes\n"
	    "Espace numérique de Rezé, 2 rue Jean Jaurès, Rezé\n"
	    "France services de Saint-Herblain, 7 place de la Paix\n"
	    "Association Ordi’Solidaire, 12 rue des Forges, Saint-Nazaire");
	/* Expiring at the end of January 2027 in Paris, as year-end+31. */
	if (fx_booklet(&f->booklet, f->codes, key, 1, 1, 1, VOUCHERS,
	    T_2027 + 31 * DAY - 3600 - 1) != 0)
		bench_fatalx(PROG, "pn_voucher_sign failed");
	pn_signing_key_free(key);
	return f;
}

/* The module matrices of the booklet's 10 QR codes. */
static int
op_qr10(void *ctx)
{
	struct fixture *f = ctx;
	struct pn_error err;
	uint8_t *m;
	int side;
	unsigned i;

	for (i = 0; i < VOUCHERS; i++) {
		if (pn_qr_modules(f->codes[i].text, &m, &side, &err) != 0) {
			fprintf(stderr, PROG ": pn_qr_modules: %s\n",
			    err.message);
			return -1;
		}
		free(m);
	}
	return 0;
}

/* The booklet as PDF, in memory. */
static int
op_pdf(void *ctx)
{
	struct fixture *f = ctx;
	struct pn_error err;
	uint8_t *pdf;

	if (booklet_pdf(&f->booklet, &f->prog, f->codes, NULL, &pdf,
	    &f->pdf_len, &err) != 0) {
		fprintf(stderr, PROG ": booklet_pdf: %s\n", err.message);
		return -1;
	}
	free(pdf);
	return 0;
}

int
main(void)
{
	double seconds = bench_seconds_per_round();
	struct fixture *f = setup();
	struct bench_verdict verdict = { 0, "" };
	struct bench_rate qr = { "QR encode x 10", op_qr10, f, 0 };
	struct bench_rate pdf = { "booklet of 10 as PDF", op_pdf, f, 0 };

	bench_print_header(PROG, seconds);
	fflush(stdout);
	printf("printed booklets (informational)\n");
	if (bench_pair(&qr, &pdf, seconds) != 0)
		bench_fatalx(PROG, "an operation failed");
	bench_print_rate(&qr);
	bench_print_ratio(&pdf, &qr, "ratio to QR encode", 0, &verdict);
	printf("  one booklet of 10: %zu bytes of PDF\n", f->pdf_len);
	free(f);
	return bench_finish(PROG, &verdict);
}
