/* kiosk.c -- scan --kiosk: plain ANSI, the verdict as large as the screen allows. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kiosk.h"
#include "passnum/money.h"
#include "terminal.h"

#define GLYPH_W 5
#define GLYPH_H 6		/* a row for the accent, five for the letter */
#define BOTTOM_ROWS 4		/* messages and the prompt scroll there */

/* The letters of ACCEPTÉ, REFUSÉ and ERREUR; 'e' is É. */
static const struct {
	char c;
	const char *rows[GLYPH_H];
} font[] = {
	{ 'A', { "     ", " ### ", "#   #", "#####", "#   #", "#   #" } },
	{ 'C', { "     ", " ####", "#    ", "#    ", "#    ", " ####" } },
	{ 'E', { "     ", "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'e', { "  ## ", "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'F', { "     ", "#####", "#    ", "#### ", "#    ", "#    " } },
	{ 'P', { "     ", "#### ", "#   #", "#### ", "#    ", "#    " } },
	{ 'R', { "     ", "#### ", "#   #", "#### ", "#  # ", "#   #" } },
	{ 'S', { "     ", " ####", "#    ", " ### ", "    #", "#### " } },
	{ 'T', { "     ", "#####", "  #  ", "  #  ", "  #  ", "  #  " } },
	{ 'U', { "     ", "#   #", "#   #", "#   #", "#   #", " ### " } },
};

/* Black on green, black on yellow, white on red, white on magenta. */
static const char *const band[] = {
	"\033[1;30;42m", "\033[1;30;43m", "\033[1;97;41m", "\033[1;97;45m"
};
static const char waiting[] = "\033[1;97;44m";	/* white on blue */

static const char *
glyph_row(char c, int row)
{
	size_t i;

	for (i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].c == c)
			return font[i].rows[row];
	return "     ";
}

static void
screen_size(FILE *out, int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 12 &&
	    ws.ws_col >= 40) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* Rows [from, to] of the band, each cleared to the end in its colour. */
static void
band_rows(FILE *out, const char *style, int from, int to)
{
	int r;

	for (r = from; r <= to; r++)
		fprintf(out, "\033[%d;1H%s\033[K", r, style);
}

/* The word in large letters, centred in rows [top, top + height). */
static void
big_word(FILE *out, const char *word, int top, int height, int cols)
{
	size_t n = strlen(word), i;
	int sx, sy, r, k, x, left, y;
	const char *g;

	sx = cols / (int)(n * (GLYPH_W + 1));
	if (sx < 1)
		return;
	sy = (height - 1) / GLYPH_H;
	if (sy > sx)
		sy = sx;
	if (sy < 1)
		return;
	left = (cols - (int)n * (GLYPH_W + 1) * sx) / 2 + 1;
	y = top + (height - GLYPH_H * sy) / 2;
	for (r = 0; r < GLYPH_H * sy; r++) {
		fprintf(out, "\033[%d;%dH", y + r, left);
		for (i = 0; i < n; i++) {
			g = glyph_row(word[i], r / sy);
			for (x = 0; x < GLYPH_W + 1; x++)
				for (k = 0; k < sx; k++)
					fputs(x < GLYPH_W && g[x] == '#' ?
					    "\342\226\210" : " ", out);
		}
	}
}

static void
bell(FILE *out, int times)
{
	struct timespec gap = { 0, 180 * 1000 * 1000 };
	int i;

	for (i = 0; i < times; i++) {
		if (i > 0)
			(void)nanosleep(&gap, NULL);
		fputc('\a', out);
		fflush(out);
	}
}

void
kiosk_show(FILE *out, const struct kiosk_view *k, const struct verdict *v)
{
	static const char *const words[] = {
		"ACCEPTe", "ACCEPTe", "REFUSe", "ERREUR"
	};
	char total[PN_MONEY_TEXT_MAX];
	const char *style = v != NULL ? band[v->kind] : waiting;
	int rows, cols, top = 4, bottom;

	screen_size(out, &rows, &cols);
	bottom = rows - BOTTOM_ROWS;
	pn_money_format(k->cents, total);
	/* The whole screen scrolls while it is drawn; then only the end. */
	fputs("\033[r\033[0m\033[H\033[2J", out);
	fprintf(out, "\033[1;1H\033[7m %s — poste n° %llu\033[K\033[0m",
	    k->venue, k->terminal);
	fprintf(out, "\033[2;1H Séance : %s\033[K", k->session);
	fprintf(out, "\033[3;1H\033[1m %zu %s", k->accepted,
	    term_pl((long long)k->accepted, "accepté", "acceptés"));
	if (k->offline > 0)
		fprintf(out, " (dont %zu hors ligne)", k->offline);
	fprintf(out, " · %zu %s · total accepté : %s\033[0m\033[K",
	    k->refused, term_pl((long long)k->refused, "refusé", "refusés"),
	    total);
	band_rows(out, style, top, bottom);
	if (v != NULL) {
		big_word(out, words[v->kind], top, bottom - top - 1, cols);
		/* The whole verdict, on the band's last rows. */
		fprintf(out, "\033[%d;1H%s  %s", bottom - 1, style, v->text);
	} else
		fprintf(out, "\033[%d;1H%s  Prêt : scannez un chèque.",
		    (top + bottom) / 2, style);
	fprintf(out, "\033[0m\033[%d;%dr\033[%d;1H", bottom + 1, rows,
	    bottom + 1);
	fflush(out);
	if (v != NULL && v->kind == VERDICT_REFUSED)
		bell(out, 3);
	else if (v != NULL && v->kind != VERDICT_ACCEPTED)
		bell(out, 1);
}

void
kiosk_end(FILE *out)
{
	int rows, cols;

	screen_size(out, &rows, &cols);
	fprintf(out, "\033[r\033[0m\033[%d;1H\n", rows);
	fflush(out);
}
