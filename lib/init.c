/* init.c -- library start-up. */
#include <sodium.h>

#include "passnum/passnum.h"

int
pn_init(void)
{
	/* sodium_init() returns 1 when already initialised: that is fine. */
	return sodium_init() < 0 ? -1 : 0;
}
