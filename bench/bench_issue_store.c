/* bench_issue_store.c -- the raw rate of issuing booklets in the store, without HTTP.
 *
 *   bench_issue_store DIR SECONDS
 *
 * Creates a database in DIR and issues booklets of 10 vouchers (sign and
 * insert, one durable transaction each, synchronous=FULL) for SECONDS,
 * then prints "raw-booklets-per-s N". The baseline of bench_issue.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "passnum/cert.h"
#include "passnum/keys.h"
#include "passnum/passnum.h"
#include "booklet_issue.h"
#include "store.h"

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct store_programme p;
	struct store_principal who;
	struct store_booklet_request r;
	static struct store_booklet b;
	struct pn_signing_key *key;
	struct pn_master_key *m;
	struct store_signer signer;
	struct pn_cert cert;
	struct pn_error err;
	struct store *s;
	char path[4096];
	int64_t now = (int64_t)time(NULL), agency, prog, user;
	double t0, secs;
	unsigned long n = 0;

	if (argc != 3 || pn_init() != 0 || (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: bench_issue_store DIR SECONDS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/raw.db", argv[1]);
	m = pn_master_key_generate(&err);
	key = pn_signing_key_generate(1, &err);
	memset(&cert, 0, sizeof(cert));
	cert.kid = 1;
	memcpy(cert.pk, key->pk, 32);
	cert.valid_from = now - 86400;
	cert.sign_until = now + 366 * 86400LL;
	cert.verify_until = cert.sign_until + 400 * 86400LL;
	cert.all_programmes = true;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "bench");
	p.face_value = 1000;
	p.per_booklet = 10;
	snprintf(p.validity, sizeof(p.validity), "year-end+31");
	snprintf(p.territory, sizeof(p.territory), "bench");
	p.budget = INT64_MAX / 4;
	p.max_booklets = 1;
	if (pn_cert_sign(&cert, m, &err) != 0 ||
	    (s = store_open(path, 5000, &err)) == NULL ||
	    store_signing_key_add(s, &cert, now, "bench", &err) != 0 ||
	    store_agency_add(s, "bench", "eds", "", now, "bench", &agency,
	    &err) != 0 ||
	    store_programme_add(s, &p, now, "bench", &prog, &err) != 0 ||
	    store_user_add(s, "bench", "bench", ROLE_CASEWORKER, agency, 0, "x",
	    now, "bench", &user, &err) != 0) {
		fprintf(stderr, "bench_issue_store: %s\n", err.message);
		return 1;
	}
	memset(&who, 0, sizeof(who));
	who.user_id = user;
	who.role = ROLE_CASEWORKER;
	who.agency_id = agency;
	snprintf(who.login, sizeof(who.login), "bench");
	memset(&r, 0, sizeof(r));
	r.programme_id = prog;
	r.pathway = "rsa";
	r.age_band = "26-44";
	r.commune = "Nantes";
	r.by = &who;
	booklet_signer(&signer, key, &cert);
	t0 = now_s();
	while (now_s() - t0 < secs) {
		/* A new person each time, as in the HTTP run. */
		crypto_generichash(r.ref_hash, sizeof(r.ref_hash),
		    (const uint8_t *)&n, sizeof(n), NULL, 0);
		if (store_booklet_issue(s, &r, &signer, now, &b, &err) !=
		    STORE_ISSUED) {
			fprintf(stderr, "bench_issue_store: issue failed: %s\n",
			    err.message);
			return 1;
		}
		n++;
	}
	printf("raw-booklets-per-s %.0f\n", (double)n / (now_s() - t0));
	store_close(s);
	pn_signing_key_free(key);
	pn_master_key_free(m);
	return 0;
}
