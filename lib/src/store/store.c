/*
 * store.c - opening a store (SQLite or PostgreSQL by the form of its name),
 * migrating its schema forward, its secret_id key, and the statement calls
 * every other store file goes through.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "internal.h"
#include "store/store.h"

/* Each version's statements, applied in order inside one transaction. The
 * statements are written for both backends (TEXT, BIGINT, ON CONFLICT). */
static const char *const schema_v1[] = {
	"CREATE TABLE lw_repo (location TEXT PRIMARY KEY, added BIGINT NOT NULL,"
	" queued INTEGER NOT NULL DEFAULT 1, lease_until BIGINT NOT NULL DEFAULT 0,"
	" lease_owner TEXT, last_audit BIGINT, commits BIGINT NOT NULL DEFAULT 0,"
	" blobs BIGINT NOT NULL DEFAULT 0, error TEXT)",
	"CREATE TABLE lw_tip (repo TEXT NOT NULL, ref TEXT NOT NULL, oid TEXT NOT NULL,"
	" PRIMARY KEY (repo, ref))",
	"CREATE TABLE lw_finding (repo TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	" commit_id TEXT, blob TEXT, path TEXT NOT NULL, rule TEXT NOT NULL, line BIGINT,"
	" secret_id TEXT NOT NULL, doc TEXT NOT NULL, present TEXT, first_seen BIGINT NOT NULL,"
	" PRIMARY KEY (repo, fingerprint))",
	NULL
};
/* version 2: triage that lasts across runs */
static const char *const schema_v2[] = {
	"CREATE TABLE lw_triage (key TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT,"
	" who TEXT, at BIGINT NOT NULL)",
	"CREATE INDEX lw_finding_secret ON lw_finding (secret_id)",
	/* a hash of the rules and options of the last audit: other rules walk
	 * the whole history again */
	"ALTER TABLE lw_repo ADD COLUMN rules TEXT",
	NULL
};
static const char *const *const schema[] = { schema_v1, schema_v2 };

int lw_store_exec(lw_store *s, const char *sql, const char *const *params, size_t nparams,
	lw_store_rows *rows, lw_error *err)
{
	if (rows)
		memset(rows, 0, sizeof(*rows));
	return s->ops->exec(s, sql, params, nparams, rows, err);
}

int lw_store_begin(lw_store *s, lw_error *err)
{
	/* SQLite: take the write lock now, so two writers wait on the busy
	 * timeout instead of failing to upgrade a read lock */
	return lw_store_exec(s, s->postgres ? "BEGIN" : "BEGIN IMMEDIATE", NULL, 0, NULL, err);
}

int lw_store_commit(lw_store *s, lw_error *err)
{
	return lw_store_exec(s, "COMMIT", NULL, 0, NULL, err);
}

void lw_store_rollback(lw_store *s)
{
	lw_error e = { 0 };

	(void)lw_store_exec(s, "ROLLBACK", NULL, 0, NULL, &e);
}

void lw_hmac_sha256(const unsigned char *key, size_t klen, const unsigned char *msg, size_t len,
	unsigned char out[32])
{
	unsigned char k[64] = { 0 }, outer[64 + 32];
	unsigned char *inner = malloc(64 + len);

	if (klen > 64) {
		lw_sha256(key, klen, k);
	} else {
		memcpy(k, key, klen);
	}
	if (!inner) {
		memset(out, 0, 32);
		return;
	}
	for (int i = 0; i < 64; i++) {
		inner[i] = k[i] ^ 0x36;
		outer[i] = k[i] ^ 0x5c;
	}
	memcpy(inner + 64, msg, len);
	lw_sha256(inner, 64 + len, outer + 64);
	lw_sha256(outer, sizeof(outer), out);
	/* the message is a secret */
	explicit_bzero(inner, 64 + len);
	free(inner);
	explicit_bzero(k, sizeof(k));
}

void lw_store_secret_id(const lw_store *s, const unsigned char *secret, size_t len, char out[65])
{
	unsigned char h[32];

	lw_hmac_sha256(s->key, sizeof(s->key), secret, len, h);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The key is made once, by whichever process gets there first. */
static int store_key(lw_store *s, lw_error *err)
{
	unsigned char k[32];
	char hex[65];
	lw_store_rows r;
	int rc;

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
		return lw_error_set(err, LW_EIO, "%s: no random bytes for the store's key", s->where);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", k[i]);
	const char *p[1] = { hex };
	if ((rc = lw_store_exec(s, "INSERT INTO lw_meta (name, value) VALUES ('secret_id_key', $1)"
			" ON CONFLICT (name) DO NOTHING", p, 1, NULL, err)) < 0)
		return rc;
	explicit_bzero(hex, sizeof(hex));
	if ((rc = lw_store_exec(s, "SELECT value FROM lw_meta WHERE name = 'secret_id_key'", NULL, 0,
			&r, err)) < 0)
		return rc;
	const char *v = r.nrows ? lw_store_cell(&r, 0, 0) : NULL;
	/* written here in lowercase: anything else is damage */
	if (!v || strlen(v) != 64 || strspn(v, "0123456789abcdef") != 64 || lw_hex_decode(v, 32, s->key) < 0)
		rc = lw_error_set(err, LW_ECONFIG, "%s: the store's key is damaged", s->where);
	else
		rc = 0;
	lw_store_rows_free(&r);
	return rc;
}

int lw_store_version(lw_store *s, int *version, lw_error *err)
{
	lw_store_rows r;
	int rc;

	*version = 0;
	if ((rc = lw_store_exec(s, "SELECT value FROM lw_meta WHERE name = 'schema_version'", NULL, 0,
			&r, err)) < 0)
		return rc;
	if (r.nrows && lw_store_cell(&r, 0, 0))
		*version = atoi(lw_store_cell(&r, 0, 0));
	lw_store_rows_free(&r);
	return 0;
}

/* Migrates forward under the store's write lock: two processes opening a
 * new store at once create it once. LEAKWALK_STORE_SCHEMA (tests) stops at
 * an older version, to test the migration from it. */
static int store_migrate(lw_store *s, lw_error *err)
{
	int rc, version = 0, target = LW_STORE_SCHEMA;
	const char *cap = getenv("LEAKWALK_STORE_SCHEMA");
	char v[16];

	if (cap && atoi(cap) >= 1 && atoi(cap) < target)
		target = atoi(cap);
	if ((rc = lw_store_begin(s, err)) < 0)
		return rc;
	if (s->postgres && (rc = lw_store_exec(s, "SELECT pg_advisory_xact_lock(7152041)", NULL, 0,
			NULL, err)) < 0)
		goto done;
	if ((rc = lw_store_exec(s, "CREATE TABLE IF NOT EXISTS lw_meta (name TEXT PRIMARY KEY,"
			" value TEXT NOT NULL)", NULL, 0, NULL, err)) < 0 ||
	    (rc = lw_store_version(s, &version, err)) < 0)
		goto done;
	if (version > LW_STORE_SCHEMA) {
		rc = lw_error_set(err, LW_ECONFIG, "%s: the store's schema is version %d, newer than this "
			"leakwalk knows (%d): upgrade leakwalk", s->where, version, LW_STORE_SCHEMA);
		goto done;
	}
	for (int i = version; i < target; i++)
		for (const char *const *q = schema[i]; *q; q++)
			if ((rc = lw_store_exec(s, *q, NULL, 0, NULL, err)) < 0)
				goto done;
	if (version < target) {
		snprintf(v, sizeof(v), "%d", target);
		const char *p[1] = { v };
		if ((rc = lw_store_exec(s, "INSERT INTO lw_meta (name, value) VALUES ('schema_version', $1)"
				" ON CONFLICT (name) DO UPDATE SET value = excluded.value", p, 1, NULL, err)) < 0)
			goto done;
	}
	rc = store_key(s, err);
done:
	if (rc < 0) {
		lw_store_rollback(s);
		return rc;
	}
	return lw_store_commit(s, err);
}

/* A URI shown in messages loses its password. */
static char *store_where(const char *where)
{
	char *w = lw_strdup(where);
	char *at, *colon, *scheme = w ? strstr(w, "://") : NULL;

	if (!scheme)
		return w;
	scheme += 3;
	at = strchr(scheme, '@');
	colon = strchr(scheme, ':');
	if (at && colon && colon < at && !memchr(scheme, '/', (size_t)(at - scheme))) {
		size_t n = strlen(w) + 4;
		char *o = malloc(n);
		if (o)
			snprintf(o, n, "%.*s:***%s", (int)(colon - w), w, at);
		free(w);
		return o;
	}
	return w;
}

int lw_store_open(lw_store **out, const char *where, lw_error *err)
{
	lw_store *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s || !(s->where = store_where(where))) {
		free(s);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	if (!strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11)) {
		s->postgres = 1;
		rc = lw_store__pg_open(s, where, err);
	} else if (strstr(where, "://")) {
		rc = lw_error_set(err, LW_ECONFIG, "%s: not a store: give a file path (SQLite) or a "
			"postgresql:// URI", s->where);
	} else {
		rc = lw_store__sqlite_open(s, where, err);
	}
	if (rc == 0)
		rc = store_migrate(s, err);
	if (rc < 0) {
		lw_store_close(s);
		return rc == LW_ENOMEM ? rc : LW_ECONFIG;
	}
	*out = s;
	return 0;
}

void lw_store_close(lw_store *s)
{
	if (!s)
		return;
	if (s->ops)
		s->ops->close(s);
	explicit_bzero(s->key, sizeof(s->key));
	free(s->where);
	free(s);
}
