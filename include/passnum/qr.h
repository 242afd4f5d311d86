/* qr.h -- QR codes of voucher texts, as PNG, SVG or a matrix of modules.
 *
 * Always error-correction level Q (a quarter of the code may be damaged),
 * alphanumeric mode (the voucher text is Base45, QR's alphanumeric set) and
 * a quiet zone of 4 modules, as scanners expect.
 */
#ifndef PASSNUM_QR_H
#define PASSNUM_QR_H

#include <stddef.h>
#include <stdint.h>

#include "passnum/error.h"

#define PN_QR_QUIET_ZONE	4
#define PN_QR_MAX_MODULE_PX	64

/*
 * Render text as a 1-bit greyscale PNG (dark modules 0, light 1) with
 * module_px pixels per module (1..PN_QR_MAX_MODULE_PX). Returns 0 with *out
 * malloc'd (the caller frees it) and *len its size; or -1 with *out NULL,
 * *len 0 and err (which may be NULL) set: PN_E_ARG for a NULL or empty
 * text, a character outside QR's alphanumeric set (named with its offset
 * from 0), a text too long for level Q (over 2420 characters) or a module
 * size out of range; PN_E_NOMEM; PN_E_IO when libpng fails.
 */
int pn_qr_png(const char *text, int module_px, uint8_t **out, size_t *len,
    struct pn_error *err);

/*
 * Render text as a standalone SVG document whose width and height are the
 * symbol's modules times module_px, in px, and whose viewBox counts modules.
 * *out is a malloc'd NUL-terminated string and *len its length without the
 * NUL. Same arguments, failures and errors as pn_qr_png().
 */
int pn_qr_svg(const char *text, int module_px, char **out, size_t *len,
    struct pn_error *err);

/*
 * The symbol of text as a matrix of modules, for a caller that draws them
 * itself (the PDF booklet draws each as a vector square): *side modules
 * each way, quiet zone included, row by row from the top left, one byte a
 * module, 1 for dark and 0 for light. Returns 0 with *out malloc'd (*side
 * squared bytes; the caller frees it); or -1 with *out NULL, *side 0 and
 * err set, for the reasons of pn_qr_png() other than the module size.
 */
int pn_qr_modules(const char *text, uint8_t **out, int *side,
    struct pn_error *err);

/*
 * Side of the symbol in modules, quiet zone included (57 for a voucher
 * text); 0 when text cannot be encoded (a render call gives the reason).
 */
int pn_qr_size(const char *text);

#endif
