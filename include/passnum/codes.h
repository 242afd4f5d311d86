/* codes.h -- the server's error codes by name, for its clients (the terminal).
 *
 * A refusal from passnumd carries {"code": N, "error": "<French>", ...};
 * a client that acts on a code names it here rather than writing the
 * number, so that both sides read the one table, errors.def
 * (docs/errors.md).
 */
#ifndef PASSNUM_CODES_H
#define PASSNUM_CODES_H

enum pn_server_code {
#define ERR(num, name, status, fr, en) PN_SERVER_##name = num,
#include "passnum/errors.def"
#undef ERR
};

#endif
