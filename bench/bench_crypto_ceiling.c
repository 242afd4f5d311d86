/* bench_crypto_ceiling.c -- how many redemptions the CPUs could judge if they did nothing but their cryptography.
 *
 *   bench_crypto_ceiling SECONDS
 *
 * A signed online redemption costs the server two Ed25519 verifications
 * (the request's signature, the record's) and one signature (its
 * answer). On one thread per CPU, for SECONDS, this program does exactly
 * that over messages of the sizes a redemption has, and prints
 * "crypto-ceiling-per-s N": the rate no server could pass on this machine.
 * bench_redeem.sh measures it in the same run as the HTTP figure, so that
 * their ratio holds on a noisy machine.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

/* About the sizes of a redemption request's body, record and answer. */
#define REQUEST_BYTES 420
#define RECORD_BYTES 260
#define ANSWER_BYTES 330

struct share {
	double seconds;
	unsigned long long done;
};

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *
judge_only(void *arg)
{
	struct share *sh = arg;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char request[REQUEST_BYTES], record[RECORD_BYTES];
	unsigned char answer[ANSWER_BYTES];
	unsigned char sig_request[64], sig_record[64], sig_answer[64];
	double end;
	unsigned i;

	crypto_sign_keypair(pk, sk);
	randombytes_buf(request, sizeof(request));
	randombytes_buf(record, sizeof(record));
	randombytes_buf(answer, sizeof(answer));
	crypto_sign_detached(sig_request, NULL, request, sizeof(request), sk);
	crypto_sign_detached(sig_record, NULL, record, sizeof(record), sk);
	end = now_s() + sh->seconds;
	while (now_s() < end) {
		for (i = 0; i < 16; i++) {
			if (crypto_sign_verify_detached(sig_request, request,
			    sizeof(request), pk) != 0 ||
			    crypto_sign_verify_detached(sig_record, record,
			    sizeof(record), pk) != 0) {
				fprintf(stderr, "bench_crypto_ceiling: a "
				    "signature did not verify\n");
				exit(2);
			}
			answer[0] = (unsigned char)i;
			crypto_sign_detached(sig_answer, NULL, answer,
			    sizeof(answer), sk);
		}
		sh->done += 16;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct share *shares;
	pthread_t *th;
	unsigned long long total = 0;
	double seconds, t0, elapsed;
	long i;

	if (argc != 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_crypto_ceiling SECONDS\n");
		return 2;
	}
	if (sodium_init() < 0 || cpus < 1)
		return 2;
	shares = calloc((size_t)cpus, sizeof(*shares));
	th = calloc((size_t)cpus, sizeof(*th));
	if (shares == NULL || th == NULL)
		return 2;
	t0 = now_s();
	for (i = 0; i < cpus; i++) {
		shares[i].seconds = seconds;
		if (pthread_create(&th[i], NULL, judge_only, &shares[i]) != 0)
			return 2;
	}
	for (i = 0; i < cpus; i++) {
		(void)pthread_join(th[i], NULL);
		total += shares[i].done;
	}
	elapsed = now_s() - t0;
	printf("crypto-ceiling-per-s %.0f\n", (double)total / elapsed);
	free(shares);
	free(th);
	return 0;
}
