/* anchor_compare.c -- whether the server's checkpoint now shows it lost what the one this terminal holds said (anchor.h).
 *
 * Pure: no journal, no network, so that the unit tests can try it on
 * every way a checkpoint can fall short.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "anchor.h"

int
anchor_compare(const struct pn_checkpoint *held, const char *held_text,
    const struct pn_checkpoint *now, const char *now_text, char *why,
    size_t len)
{
	uint8_t digest[PN_CHECKPOINT_HASH];

	if (now->seq < held->seq) {
		(void)snprintf(why, len, "le serveur a perdu des données : son "
		    "point de contrôle n° %" PRIu64 " est plus ancien que le "
		    "n° %" PRIu64 " que ce poste a reçu", now->seq, held->seq);
		return 2;
	}
	if (now->seq == held->seq) {
		if (strcmp(now_text, held_text) == 0)
			return 1;
		(void)snprintf(why, len, "le serveur a perdu des données : son "
		    "point de contrôle n° %" PRIu64 " n'est pas celui que ce "
		    "poste a reçu sous ce numéro", now->seq);
		return 2;
	}
	/* Audit rows, accepted redemptions and serials only ever grow. */
	if (now->audit_last < held->audit_last ||
	    now->redeemed < held->redeemed ||
	    now->redeemed_last < held->redeemed_last ||
	    now->next_serial < held->next_serial) {
		(void)snprintf(why, len, "le serveur a perdu des données : son "
		    "point de contrôle n° %" PRIu64 " compte moins que le "
		    "n° %" PRIu64 " que ce poste a reçu (%" PRIu64 " "
		    "encaissement%s contre %" PRIu64 ", journal d'audit "
		    "jusqu'à la ligne %" PRId64 " contre %" PRId64 ")",
		    now->seq, held->seq, now->redeemed,
		    now->redeemed > 1 ? "s" : "", held->redeemed,
		    now->audit_last, held->audit_last);
		return 2;
	}
	/* The next one names the one held as its previous. */
	crypto_generichash(digest, sizeof(digest), (const uint8_t *)held_text,
	    strlen(held_text), NULL, 0);
	if (now->seq == held->seq + 1 &&
	    sodium_memcmp(digest, now->prev, sizeof(digest)) != 0) {
		(void)snprintf(why, len, "le serveur a perdu des données : son "
		    "point de contrôle n° %" PRIu64 " ne fait pas suite au "
		    "n° %" PRIu64 " que ce poste a reçu", now->seq, held->seq);
		return 2;
	}
	return 0;
}

