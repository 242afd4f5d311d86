/* passnum.h -- library initialisation; include the header of each concept you use. */
#ifndef PASSNUM_PASSNUM_H
#define PASSNUM_PASSNUM_H

#define PN_VERSION "0.1.0"

/*
 * Initialise the cryptographic library. Call once before any other pn_
 * function; safe to call again. Returns 0 on success, -1 when no secure
 * random source is available (the caller must then stop).
 */
int pn_init(void);

#endif
