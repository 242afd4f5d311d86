/* store_sqlite_audit.c -- the hash-chained audit log: appending a row, verifying the chain.
 *
 * docs/store.md gives the hash encoding byte by byte, so that an auditor
 * can check the chain with another tool.
 */
#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "store_sqlite.h"

/*
 * The audit hash of one row: BLAKE2b-256, no key, over
 *
 *   prev_hash (32) || id (8, BE) || at (8, BE, two's complement)
 *   || for actor, action, object, detail: length (4, BE) || bytes
 *
 * Used by store_audit_append() and store_audit_verify(); docs/store.md gives
 * the same encoding for auditors. text[i] may be NULL only when len[i] is 0.
 * Returns 0, or -1 when a field is longer than 2^32 - 1 bytes.
 */
static int
audit_hash(uint8_t out[STORE_HASH_SIZE],
    const uint8_t prev[STORE_HASH_SIZE],
    int64_t id,
    int64_t at,
    const char *const text[4],
    const size_t len[4])
{
	crypto_generichash_state st;
	uint8_t be[8];
	uint64_t v;
	int i, j;

	for (i = 0; i < 4; i++)
		if (len[i] > UINT32_MAX)
			return -1;
	if (crypto_generichash_init(&st, NULL, 0, STORE_HASH_SIZE) != 0)
		return -1;
	crypto_generichash_update(&st, prev, STORE_HASH_SIZE);
	v = (uint64_t)id;
	for (j = 7; j >= 0; j--, v >>= 8)
		be[j] = (uint8_t)v;
	crypto_generichash_update(&st, be, 8);
	v = (uint64_t)at;	/* two's complement, by C's conversion rule */
	for (j = 7; j >= 0; j--, v >>= 8)
		be[j] = (uint8_t)v;
	crypto_generichash_update(&st, be, 8);
	for (i = 0; i < 4; i++) {
		v = len[i];
		for (j = 3; j >= 0; j--, v >>= 8)
			be[j] = (uint8_t)v;
		crypto_generichash_update(&st, be, 4);
		if (len[i] > 0)
			crypto_generichash_update(&st,
			    (const unsigned char *)text[i], len[i]);
	}
	if (crypto_generichash_final(&st, out, STORE_HASH_SIZE) != 0)
		return -1;
	sodium_memzero(&st, sizeof(st));
	return 0;
}

/* The row to chain to. */
SQ_QUERY_SHARED(q_audit_last,
    "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");

SQ_QUERY(q_audit_insert,
    "INSERT INTO audit_log"
    " (id, at, actor, action, object, detail, prev_hash, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

/* The row of store_audit_append(), detail as it is to be written. */
static int
audit_append(struct store *s, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    struct pn_error *err)
{
	const char *text[4] = { actor, action, object, detail };
	static const char *const names[4] = {
		"actor", "action", "object", "detail"
	};
	uint8_t prev[STORE_HASH_SIZE], hash[STORE_HASH_SIZE];
	size_t len[4];
	int64_t id = 0;
	const void *blob;
	sqlite3_stmt *st;
	bool own;		/* this call opened the transaction */
	int i, rc;

	assert(s != NULL);
	for (i = 0; i < 4; i++) {
		if (text[i] == NULL)
			return pn_error_set(err, PN_E_ARG, "%s: audit row: %s "
			    "is NULL", s->path, names[i]);
		len[i] = strlen(text[i]);
		/* sqlite3_bind_text() takes an int length. */
		if (len[i] > INT_MAX)
			return pn_error_set(err, PN_E_ARG, "%s: audit row: %s "
			    "is too long", s->path, names[i]);
	}

	/* Its own transaction, through the process's write lock, if needed. */
	own = sqlite3_get_autocommit(s->db) != 0;
	if (own && sq_begin(s, err) != 0)
		return -1;

	/* The row to chain to: the last one, or none. */
	st = sq_stmt(s, &q_audit_last);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		blob = sqlite3_column_blob(st, 1);
		if (blob == NULL ||
		    sqlite3_column_bytes(st, 1) != STORE_HASH_SIZE) {
			pn_error_set(err, PN_E_FORMAT, "%s: audit row %" PRId64
			    ": hash is not %d bytes", s->path, id,
			    STORE_HASH_SIZE);
			sq_done(st);
			goto fail;
		}
		memcpy(prev, blob, STORE_HASH_SIZE);
	} else if (rc == SQLITE_DONE) {
		memset(prev, 0, sizeof(prev));
	} else {
		sq_error(s, rc, "audit append: last row", err);
		sq_done(st);
		goto fail;
	}
	sq_done(st);
	if (id < 0 || id == INT64_MAX) {
		pn_error_set(err, PN_E_FORMAT, "%s: audit row %" PRId64
		    ": no id can follow it", s->path, id);
		goto fail;
	}
	id++;
	if (audit_hash(hash, prev, id, at, text, len) != 0) {
		pn_error_set(err, PN_E_CRYPTO, "%s: audit row %" PRId64
		    ": cannot hash it", s->path, id);
		goto fail;
	}

	/* The strings outlive the step: SQLITE_STATIC, cleared after. */
	st = sq_stmt(s, &q_audit_insert);
	rc = sqlite3_bind_int64(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, at);
	for (i = 0; i < 4 && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_text(st, 3 + i, text[i], (int)len[i],
		    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 7, prev, STORE_HASH_SIZE,
		    SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 8, hash, STORE_HASH_SIZE,
		    SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK) {
		sq_error(s, rc, "audit append: insert", err);
		sq_done(st);
		goto fail;
	}
	sq_done(st);

	if (own && sq_commit(s, err) != 0)
		goto fail;
	return 0;

fail:	/* err set. Roll back only a transaction this call opened. */
	if (own)
		sq_rollback(s);
	return -1;
}

/*
 * detail with "via" added, for store_audit_via(): a JSON object gains the
 * member (its members sorted, as sq_audit_json() writes them) and an empty
 * detail becomes {"via": ...}, in *out (the caller frees it); any other
 * text is kept as it is (*out NULL). 0, or -1 when memory runs out.
 */
static int
detail_with_via(const char *detail, const char *via, char **out)
{
	json_t *o;

	*out = NULL;
	if (detail[0] == '\0') {
		if ((o = json_object()) == NULL)
			return -1;
	} else if ((o = json_loads(detail, 0, NULL)) == NULL)
		return 0;
	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	if (json_object_set_new(o, "via", json_string(via)) != 0 ||
	    (*out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(o);
		return -1;
	}
	json_decref(o);
	return 0;
}

int
store_audit_append(struct store *s, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail,
    struct pn_error *err)
{
	char *marked = NULL;
	int rc;

	assert(s != NULL);
	if (s->audit_via != NULL && detail != NULL &&
	    detail_with_via(detail, s->audit_via, &marked) != 0)
		return pn_error_set(err, PN_E_NOMEM, "%s: audit row: out of "
		    "memory", s->path);
	rc = audit_append(s, at, actor, action, object,
	    marked != NULL ? marked : detail, err);
	free(marked);
	return rc;
}

void
store_audit_via(struct store *s, const char *via)
{
	s->audit_via = via;
}

/* Record a break of the chain at row id; returns 1. */
static int
audit_broken(struct pn_error *err, int64_t *bad_id, int64_t id,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
audit_broken(struct pn_error *err, int64_t *bad_id, int64_t id,
    const char *fmt, ...)
{
	char msg[sizeof(err->message)];
	va_list ap;

	*bad_id = id;
	va_start(ap, fmt);
	/* A message cut at 511 bytes is still useful: truncation is accepted. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pn_error_set(err, PN_E_FORMAT, "%s", msg);
	return 1;
}

/* Every row, in chain order. */
SQ_QUERY(q_audit_walk,
    "SELECT id, at, actor, action, object, detail, prev_hash, hash"
    " FROM audit_log ORDER BY id");

int
store_audit_verify(struct store *s, uint64_t *rows, int64_t *bad_id,
    struct pn_error *err)
{
	uint8_t prev[STORE_HASH_SIZE], want[STORE_HASH_SIZE];
	sqlite3_stmt *st;
	const char *text[4];
	const void *prev_hash, *hash;
	size_t len[4];
	int64_t id, at, prev_id = 0;
	uint64_t n = 0;
	int i, rc = SQLITE_DONE, ret = 0;

	assert(s != NULL);
	assert(rows != NULL);
	assert(bad_id != NULL);
	*rows = 0;
	*bad_id = 0;
	memset(prev, 0, sizeof(prev));
	st = sq_stmt(s, &q_audit_walk);
	/* One row at a time: the log may be larger than memory. */
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		at = sqlite3_column_int64(st, 1);
		for (i = 0; i < 4; i++) {
			/* text() before bytes(): the length of the UTF-8. */
			text[i] = (const char *)sqlite3_column_text(st, 2 + i);
			len[i] = (size_t)sqlite3_column_bytes(st, 2 + i);
			if (text[i] == NULL)
				len[i] = 0;
		}
		prev_hash = sqlite3_column_blob(st, 6);
		hash = sqlite3_column_blob(st, 7);

		if (id != prev_id + 1) {
			if (prev_id == 0 && id < 1)
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 ": ids start at 1", id);
			else if (prev_id == 0 && id == 2)
				ret = audit_broken(err, bad_id, id, "audit row "
				    "2 is the first row: row 1 is missing");
			else if (prev_id == 0)
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 " is the first row: rows 1 to %"
				    PRId64 " are missing", id, id - 1);
			else if (id == prev_id + 2)
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 " follows row %" PRId64 ": row "
				    "%" PRId64 " is missing", id, prev_id,
				    prev_id + 1);
			else
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 " follows row %" PRId64 ": rows "
				    "%" PRId64 " to %" PRId64 " are missing",
				    id, prev_id, prev_id + 1, id - 1);
		} else if (prev_hash == NULL ||
		    sqlite3_column_bytes(st, 6) != STORE_HASH_SIZE ||
		    memcmp(prev_hash, prev, STORE_HASH_SIZE) != 0) {
			if (prev_id == 0)
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 ": previous hash is not %d zero "
				    "bytes", id, STORE_HASH_SIZE);
			else
				ret = audit_broken(err, bad_id, id, "audit row "
				    "%" PRId64 ": previous hash does not match "
				    "row %" PRId64, id, prev_id);
		} else if (hash == NULL ||
		    sqlite3_column_bytes(st, 7) != STORE_HASH_SIZE) {
			ret = audit_broken(err, bad_id, id, "audit row %" PRId64
			    ": hash is not %d bytes", id, STORE_HASH_SIZE);
		} else if (audit_hash(want, prev, id, at, text, len) != 0) {
			pn_error_set(err, PN_E_CRYPTO, "%s: audit row %" PRId64
			    ": cannot hash it", s->path, id);
			ret = -1;
		} else if (memcmp(want, hash, STORE_HASH_SIZE) != 0) {
			ret = audit_broken(err, bad_id, id, "audit row %" PRId64
			    ": hash does not match its content", id);
		} else {
			memcpy(prev, hash, STORE_HASH_SIZE);
			prev_id = id;
			n++;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		sq_error(s, rc, "audit verify", err);
		ret = -1;
	}
	sq_done(st);
	*rows = n;
	return ret;
}
