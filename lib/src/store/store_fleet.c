/*
 * store_fleet.c - the fleet's queue in the store: repositories registered
 * and queued by `fleet add`, claimed by workers under a lease (PostgreSQL:
 * SELECT ... FOR UPDATE SKIP LOCKED, so workers on many machines never
 * wait on each other; SQLite: one write transaction at a time), released
 * by the audit's own transaction or with an error. A worker that dies
 * holds its lease until it expires; the repository is still queued, so
 * another worker redoes it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "store/store.h"

int lw_store_is_url(const char *loc)
{
	const char *at = strchr(loc, '@'), *colon = strchr(loc, ':'), *slash = strchr(loc, '/');

	if (strstr(loc, "://"))
		return 1;
	/* scp-like: user@host:path, the colon before any slash */
	return at && colon && at < colon && (!slash || colon < slash);
}

static void now_str(char *out, size_t n, long long plus)
{
	snprintf(out, n, "%lld", (long long)time(NULL) + plus);
}

int lw_store_repo_add(lw_store *s, const char *location, lw_error *err)
{
	char at[24];

	now_str(at, sizeof(at), 0);
	const char *p[2] = { location, at };
	/* `added` is when it was last queued: an audit that began before it
	 * leaves the repository queued (store_audit.c) */
	return lw_store_exec(s, "INSERT INTO lw_repo (location, added, queued) VALUES ($1, $2, 1)"
		" ON CONFLICT (location) DO UPDATE SET queued = 1, added = excluded.added", p, 2, NULL, err);
}

int lw_store_claim(lw_store *s, const char *owner, unsigned lease, char **location,
	lw_error *err)
{
	char now[24], until[24];
	lw_store_rows r;
	int rc;

	*location = NULL;
	now_str(now, sizeof(now), 0);
	now_str(until, sizeof(until), lease);
	if ((rc = lw_store_begin(s, err)) < 0)
		return rc;
	const char *p[1] = { now };
	/* the repositories audited longest ago first */
	rc = lw_store_exec(s, s->postgres ?
		"SELECT location FROM lw_repo WHERE queued = 1 AND lease_until < $1"
		" ORDER BY COALESCE(last_audit, 0), location LIMIT 1 FOR UPDATE SKIP LOCKED" :
		"SELECT location FROM lw_repo WHERE queued = 1 AND lease_until < $1"
		" ORDER BY COALESCE(last_audit, 0), location LIMIT 1", p, 1, &r, err);
	if (rc < 0)
		goto done;
	if (!r.nrows) {
		rc = LW_ENOTFOUND;
		goto done;
	}
	const char *u[3] = { until, owner, lw_store_cell(&r, 0, 0) };
	if ((rc = lw_store_exec(s, "UPDATE lw_repo SET lease_until = $1, lease_owner = $2"
			" WHERE location = $3", u, 3, NULL, err)) == 0 &&
	    !(*location = lw_strdup(lw_store_cell(&r, 0, 0))))
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
done:
	lw_store_rows_free(&r);
	if (rc == 0 && (rc = lw_store_commit(s, err)) < 0) {
		free(*location);
		*location = NULL;
	} else if (rc < 0) {
		lw_store_rollback(s);
	}
	return rc;
}

int lw_store_repo_failed(lw_store *s, const char *location, const char *owner,
	const char *message, lw_error *err)
{
	char at[24];
	lw_buf b;
	int rc;

	now_str(at, sizeof(at), 0);
	lw_buf_init(&b, 4096);
	/* the message may quote a remote's answer: bounded, escaped */
	if (lw_escape_text(&b, (const unsigned char *)message, strnlen(message, 1000)) < 0 || !b.data)
		lw_buf_puts(&b, "error");
	const char *p[3] = { location, b.data, at };
	rc = lw_store_exec(s, "UPDATE lw_repo SET error = $2, queued = 0, lease_until = 0,"
		" lease_owner = NULL, last_audit = $3 WHERE location = $1", p, 3, NULL, err);
	(void)owner;
	lw_buf_release(&b);
	return rc;
}

int lw_store_queued(lw_store *s, uint64_t *n, lw_error *err)
{
	lw_store_rows r;
	int rc;

	*n = 0;
	if ((rc = lw_store_exec(s, "SELECT count(*) FROM lw_repo WHERE queued = 1", NULL, 0, &r,
			err)) < 0)
		return rc;
	if (r.nrows && lw_store_cell(&r, 0, 0))
		*n = strtoull(lw_store_cell(&r, 0, 0), NULL, 10);
	lw_store_rows_free(&r);
	return 0;
}

int lw_store_fleet_status(lw_store *s, lw_store_rows *repos, lw_store_rows *tips, lw_error *err)
{
	int rc = lw_store_exec(s, "SELECT r.location, r.last_audit, r.commits, r.blobs, r.error,"
		" r.queued, r.lease_until, r.lease_owner, (SELECT count(*) FROM lw_finding f"
		" LEFT JOIN lw_triage a ON a.key = 'fp:' || f.fingerprint"
		" LEFT JOIN lw_triage b ON b.key = 'secret:' || f.secret_id WHERE f.repo = r.location"
		" AND " LW_STATUS_SQL " = 'open'), (SELECT count(*) FROM lw_finding f WHERE"
		" f.repo = r.location) FROM lw_repo r ORDER BY r.location", NULL, 0, repos, err);
	if (rc == 0 && (rc = lw_store_exec(s, "SELECT repo, ref, oid FROM lw_tip ORDER BY repo, ref",
			NULL, 0, tips, err)) < 0)
		lw_store_rows_free(repos);
	return rc;
}

int lw_store_renew(lw_store *s, const char *location, const char *owner, unsigned lease,
	lw_error *err)
{
	char until[24];

	now_str(until, sizeof(until), lease);
	const char *p[3] = { until, location, owner };
	return lw_store_exec(s, "UPDATE lw_repo SET lease_until = $1 WHERE location = $2 AND"
		" lease_owner = $3", p, 3, NULL, err);
}
