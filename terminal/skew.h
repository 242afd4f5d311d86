/* skew.h -- when this terminal's clock and the server's disagree, which one moved.
 *
 * The server refuses a signed request dated more than PN_REQUEST_WINDOW
 * seconds from its own clock (4005). It knows its time and the terminal's
 * claim, not which one is wrong; the terminal can tell better. Every
 * answer of the server carries its clock (HTTP Date), and the terminal
 * has two clocks of its own: the wall clock, which anyone (or NTP, or a
 * machine booted without a battery) may set, and a tick counter
 * (CLOCK_BOOTTIME) that only runs, from boot, suspended time included.
 *
 * The terminal remembers the latest sample taken while the two clocks
 * agreed (the reference). When they disagree, it measures how far each
 * clock moved since the reference beyond the ticks that passed: the one
 * that moved is the one that is off. With no reference of this boot, or
 * when both moved, it cannot tell, and says so. docs/terminal.md,
 * "Clocks", states the rule for the venue's operator.
 *
 * Everything here but skew_local() and skew_boot_id() is pure, for the
 * unit tests (tests/unit/test_terminal_skew.c).
 */
#ifndef PN_TERM_SKEW_H
#define PN_TERM_SKEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passnum/request.h"

/* The server's window: clocks further apart than this disagree. */
#define SKEW_WINDOW	PN_REQUEST_WINDOW
/*
 * A clock whose reading moved more than this beyond the ticks since the
 * reference was set or jumped. Well above what NTP slews in weeks and the
 * Date header's one-second grain, well below the window.
 */
#define SKEW_MOVED	120
/* The longest French explanation skew_describe() writes, NUL included. */
#define SKEW_TEXT_MAX	400

/* One look at both clocks: an answer of the server, and when it came. */
struct skew_sample {
	int64_t wall;		/* this machine's clock, Unix seconds; 0: no sample */
	int64_t ticks;		/* CLOCK_BOOTTIME, seconds: only ever runs */
	uint64_t boot;		/* which boot ticks count from; 0 unknown */
	int64_t server;		/* the server's clock (its Date), Unix seconds */
};

enum skew_side {
	SKEW_SERVER,		/* the server's clock moved; this one did not */
	SKEW_TERMINAL,		/* this machine's clock moved; the server's did not */
	SKEW_UNKNOWN		/* cannot tell: see why */
};

/* Why the side is unknown. */
enum skew_unknown {
	SKEW_WHY_NONE,		/* the side is known */
	SKEW_WHY_NO_REFERENCE,	/* no exchange where both agreed, yet */
	SKEW_WHY_REBOOT,	/* this machine restarted since: ticks start over */
	SKEW_WHY_BOTH_MOVED,	/* both moved (or neither, far enough) */
};

struct skew_judgement {
	enum skew_side side;
	enum skew_unknown why;
	int64_t offset;		/* the server's clock less this one's, now */
	int64_t terminal_moved;	/* beyond the ticks, since the reference */
	int64_t server_moved;	/* (both 0 without a usable reference) */
};

/* True when s holds a sample whose two clocks are within SKEW_WINDOW. */
bool skew_agrees(const struct skew_sample *s);

/*
 * Judge the disagreement of now (a sample with both clocks) against ref,
 * the latest sample where they agreed (ref->wall 0: none). Says which
 * clock moved, by how much, and the offset now.
 */
void skew_judge(const struct skew_sample *ref, const struct skew_sample *now,
    struct skew_judgement *out);

/*
 * The venue's explanation in French, without a capital or a final stop,
 * to follow "REFUSÉ — " or a dash: which clock seems off, both times
 * (local time; the date too when they fall on different days) and what
 * to do. buf of SKEW_TEXT_MAX bytes is enough.
 */
void skew_describe(const struct skew_sample *now,
    const struct skew_judgement *j, char *buf, size_t len);

/* "1 h 33", "7 min", "45 s", "3 j 4 h": a length of time, in French. */
void skew_duration_text(int64_t seconds, char *buf, size_t len);

/* This machine's clocks now: wall, ticks and boot (server left 0). */
void skew_local(struct skew_sample *s, uint64_t boot);

/* CLOCK_BOOTTIME in seconds (CLOCK_MONOTONIC where there is none). */
int64_t skew_ticks(void);

/*
 * This boot's identity, from /proc/sys/kernel/random/boot_id (60 bits of
 * it, never 0), or 0 when it cannot be read: then no reference survives
 * the process that took it.
 */
uint64_t skew_boot_id(void);

#endif
