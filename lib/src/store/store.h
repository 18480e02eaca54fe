/*
 * store.h - the store: findings, ref tips and the fleet's queue kept between
 * runs, in SQLite (a path) or PostgreSQL (a postgresql:// URI).
 *
 * The store never holds a plaintext secret: each finding is kept as its
 * redacted JSON report object, its fingerprint, its location (commit, blob,
 * path, lines) and `secret_id`, an HMAC-SHA256 of the secret under a random
 * key kept in the store, so one secret is recognised across repositories.
 */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stdint.h>

#include "leakwalk.h"

#define LW_STORE_SCHEMA 2 /* the schema this build writes */

typedef struct lw_store lw_store;

/* A query's result: nrows * ncols cells, row-major, NULL for SQL NULL. */
typedef struct lw_store_rows {
	size_t nrows, ncols;
	char **cell;
} lw_store_rows;

/* The backend of a store: statements use $1, $2... for parameters (text). */
typedef struct lw_store_ops {
	const char *name;
	int (*exec)(lw_store *s, const char *sql, const char *const *params, size_t nparams,
		lw_store_rows *rows, lw_error *err);
	void (*close)(lw_store *s);
} lw_store_ops;

struct lw_store {
	const lw_store_ops *ops;
	void *conn;
	int postgres;
	unsigned char key[32]; /* the secret_id key */
	char *where;           /* for messages: the path, or the URI without its password */
};

/*
 * Opens (creating when needed) the store at `where`: a postgresql:// or
 * postgres:// URI, else an SQLite file path (created with mode 0600). The
 * schema is migrated forward; a store written by a newer leakwalk, an
 * unreachable server or a file that cannot be opened: LW_ECONFIG with a
 * message naming the store.
 */
int lw_store_open(lw_store **out, const char *where, lw_error *err);
void lw_store_close(lw_store *s);
/* The schema version a store holds (for tests and `version`). */
int lw_store_version(lw_store *s, int *version, lw_error *err);

/* Statements; rows may be NULL. Returns 0 or LW_EIO with the message. */
int lw_store_exec(lw_store *s, const char *sql, const char *const *params, size_t nparams,
	lw_store_rows *rows, lw_error *err);
int lw_store_begin(lw_store *s, lw_error *err);
int lw_store_commit(lw_store *s, lw_error *err);
void lw_store_rollback(lw_store *s);
void lw_store_rows_free(lw_store_rows *r);
static inline const char *lw_store_cell(const lw_store_rows *r, size_t row, size_t col)
{
	return r->cell[row * r->ncols + col];
}

/* secret_id: 64 hex digits of HMAC-SHA256(store key, secret). */
void lw_store_secret_id(const lw_store *s, const unsigned char *secret, size_t len, char out[65]);
void lw_hmac_sha256(const unsigned char *key, size_t klen, const unsigned char *msg, size_t len,
	unsigned char out[32]);

/* Backends (store_sqlite.c, store_pg.c). */
int lw_store__sqlite_open(lw_store *s, const char *path, lw_error *err);
int lw_store__pg_open(lw_store *s, const char *uri, lw_error *err);

/* ---- findings (store_findings.c) ---- */

/* A finding's status: the latest triage of its fingerprint (a) or of its
 * secret (b) wins. */
#define LW_STATUS_SQL \
	"CASE WHEN a.at IS NOT NULL AND (b.at IS NULL OR a.at >= b.at) THEN a.status" \
	" WHEN b.at IS NOT NULL THEN b.status ELSE 'open' END"

/* What the store's report selects. */
typedef struct lw_store_query {
	const char *repo;   /* NULL: every repository */
	const char *status; /* "open" (default), "all", or one status */
} lw_store_query;

/* Adds the findings the query selects to `out`: redacted records with
 * `present` as last computed, and the store's repo, status, first_seen and
 * secret_id. */
int lw_store_load(lw_store *s, const lw_store_query *q, lw_report *out, lw_error *err);

/* Triage: a fingerprint, or with `by_secret` a secret_id, gets `status`
 * (open, false-positive, revoked, accepted), recorded with who and when.
 * LW_ENOTFOUND when no finding in the store has that fingerprint/secret. */
int lw_store_triage(lw_store *s, const char *key, int by_secret, const char *status,
	const char *note, const char *who, lw_error *err);
int lw_store_status_valid(const char *status);

/* ---- the incremental audit (store_audit.c) ---- */

typedef struct lw_store_audit_info {
	int full;           /* the whole history was walked */
	size_t rewritten;   /* recorded tips no longer reachable (forced a full walk) */
	int rules_changed;  /* other rules or options than last time (a full walk) */
	int store_failed;   /* the error came from the store, not the repository */
	size_t new_findings, findings;
} lw_store_audit_info;

/*
 * Audits the repository at `repo_path`, known in the store as `location`:
 * only commits not reachable from the tips recorded last time (the whole
 * history when there are none or one of them is no longer reachable), then
 * writes the new findings, `present` recomputed at the current tips, the
 * tips and the counters in one transaction. `ho` gives threads and scan
 * options (its revisions and hidden commits are ours). With `owner`, the
 * repository's lease is released in the same transaction.
 */
int lw_store_audit(lw_store *s, const char *location, const char *repo_path,
	const lw_ruleset *rs, const lw_history_options *ho, const char *owner,
	lw_history_stats *st, lw_store_audit_info *info, lw_error *err);

/* ---- the fleet (store_fleet.c, mirror.c) ---- */

/* 1 if `loc` is a clone URL (scheme:// or user@host:path), not a path. */
int lw_store_is_url(const char *loc);
/* Registers a repository, or queues it again. */
int lw_store_repo_add(lw_store *s, const char *location, lw_error *err);
/* Claims one queued repository whose lease is free for `lease` seconds:
 * 0 and *location (caller frees), LW_ENOTFOUND when none is left. */
int lw_store_claim(lw_store *s, const char *owner, unsigned lease, char **location,
	lw_error *err);
/* Extends a lease this owner holds (a long audit keeps its repository). */
int lw_store_renew(lw_store *s, const char *location, const char *owner, unsigned lease,
	lw_error *err);
/* Records an error for a claimed repository and releases it. */
int lw_store_repo_failed(lw_store *s, const char *location, const char *owner,
	const char *message, lw_error *err);
/* Per repository: location, last_audit, commits, blobs, error, queued,
 * lease_until, lease_owner, open findings, findings; and every tip (repo,
 * ref, oid), both ordered by repository. */
int lw_store_fleet_status(lw_store *s, lw_store_rows *repos, lw_store_rows *tips, lw_error *err);
/* Repositories still queued (claimable now or leased). */
int lw_store_queued(lw_store *s, uint64_t *n, lw_error *err);
/* Fetches `url` into a bare mirror under `dir` (made if missing), all its
 * refs, pruned; *path (caller frees) is the mirror. */
int lw_mirror_fetch(const char *dir, const char *url, char **path, lw_error *err);

#endif
