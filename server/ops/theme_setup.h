/* theme_setup.h -- the operations that keep the themes a training session may have (op.h). */
#ifndef PN_THEME_SETUP_H
#define PN_THEME_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "op.h"

#define THEME_NAME_MAX	127	/* bytes, as a session's theme */
/*
 * Themes offered at once, at most: the configuration's limit, under the
 * 32 a terminal accepts (terminal/config.h), which refuses a longer list.
 */
#define THEMES_OFFERED_MAX 16

/*
 * Add theme name (1 to THEME_NAME_MAX bytes, one line, no ';', as the
 * configuration's), offered to the venues from then on, with an audit
 * row "theme.add". ERR_NONE and *id; ERR_INVALID_FIELD,
 * ERR_ALREADY_RECORDED (retired or not), ERR_THEMES_FULL (16 offered
 * already), ERR_INTERNAL.
 */
enum err_code theme_add(const struct op_ctx *cx, const char *name,
    int64_t *id, struct op_refusal *why);

/*
 * Retire theme id (retired true: no longer offered; the sessions that
 * start before now keep it), or offer it again, with an audit row
 * "theme.retire" or "theme.restore"; *changed is false when it already
 * was so (no row). ERR_NONE; ERR_THEME_NOT_FOUND, ERR_THEMES_FULL (offered
 * again while 16 are), ERR_INTERNAL.
 */
enum err_code theme_set_retired(const struct op_ctx *cx, int64_t id,
    bool retired, bool *changed, struct op_refusal *why);

#endif
