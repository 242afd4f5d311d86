/* bench_terminal_floor.c -- passnum-terminal's libraries at work, without the terminal.
 *
 *   bench_terminal_floor URL DIR [CAFILE]
 *
 * Linked as passnum-terminal is (libsodium, SQLite, jansson and libcurl,
 * --as-needed), it does the least of what a scan asks of each library:
 * libsodium initialised, a SQLite database made in DIR with the journal's
 * settings (WAL, synchronous=FULL) and one row written, one JSON document
 * parsed, and one GET of URL with libcurl (over https, the server's
 * certificate checked against CAFILE when given). Then it prints its peak
 * resident memory, "floor-kb N" (VmHWM): the floor under a scan, that no
 * code of the terminal's own can go below, measured by
 * bench_terminal_rss.sh in the same run as the scan. Exits 2 when a step
 * fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

static void
fail(const char *what)
{
	fprintf(stderr, "bench_terminal_floor: %s\n", what);
	exit(2);
}

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* VmHWM of /proc/self/status, in kB; 0 when it cannot be read. */
static long
peak_kb(void)
{
	char line[256];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

int
main(int argc, char **argv)
{
	char path[4096];
	sqlite3 *db;
	json_t *doc;
	json_error_t jerr;
	CURL *c;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: bench_terminal_floor URL DIR [CAFILE]\n");
		return 2;
	}
	if (sodium_init() < 0)
		fail("sodium_init");
	if (snprintf(path, sizeof(path), "%s/floor.sqlite", argv[2]) >=
	    (int)sizeof(path))
		fail("DIR too long");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; PRAGMA cache_size = -256; "
	    "CREATE TABLE IF NOT EXISTS t (x INTEGER); "
	    "INSERT INTO t VALUES (1)", NULL, NULL, NULL) != SQLITE_OK)
		fail(sqlite3_errmsg(db));
	if ((doc = json_loads("{\"status\": \"ok\"}", 0, &jerr)) == NULL)
		fail("json_loads");
	json_decref(doc);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL)
		fail("libcurl");
	curl_easy_setopt(c, CURLOPT_URL, argv[1]);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (argc == 4)
		curl_easy_setopt(c, CURLOPT_CAINFO, argv[3]);
	if (curl_easy_perform(c) != CURLE_OK)
		fail("GET");
	curl_easy_cleanup(c);
	sqlite3_close(db);
	printf("floor-kb %ld\n", peak_kb());
	return 0;
}
