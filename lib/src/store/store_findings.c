/*
 * store_findings.c - reading the store's findings back as a report, and
 * triage: a status set on a fingerprint or a secret_id, kept across runs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "store/store.h"


static const char load_sql[] =
	"SELECT f.repo, f.doc, f.present, f.first_seen, f.secret_id, " LW_STATUS_SQL
	" FROM lw_finding f LEFT JOIN lw_triage a ON a.key = 'fp:' || f.fingerprint"
	" LEFT JOIN lw_triage b ON b.key = 'secret:' || f.secret_id"
	" WHERE ($1 = '' OR f.repo = $1) ORDER BY f.repo, f.path, f.line, f.fingerprint";

int lw_store_status_valid(const char *status)
{
	return !strcmp(status, "open") || !strcmp(status, "false-positive") ||
		!strcmp(status, "revoked") || !strcmp(status, "accepted");
}

static int store_present(lw_record *rec, const char *present)
{
	rec->has_present = present != NULL && strncmp(rec->path, "<", 1) != 0;
	if (!rec->has_present || !*present)
		return 0;
	for (const char *p = present; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char **v = lw_reallocarray(rec->present, rec->npresent + 1, sizeof(char *));
		if (!v)
			return LW_ENOMEM;
		rec->present = v;
		if (!(v[rec->npresent] = malloc(n + 1)))
			return LW_ENOMEM;
		memcpy(v[rec->npresent], p, n);
		v[rec->npresent++][n] = '\0';
		p += n + (e != NULL);
	}
	return 0;
}

int lw_store_load(lw_store *s, const lw_store_query *q, lw_report *out, lw_error *err)
{
	const char *want = q && q->status ? q->status : "open";
	const char *p[1] = { q && q->repo ? q->repo : "" };
	lw_store_rows r;
	lw_buf json;
	size_t first = lw_report_count(out), n = 0;
	size_t *picked = NULL;
	int rc;

	if ((rc = lw_store_exec(s, load_sql, p, 1, &r, err)) < 0)
		return rc;
	lw_buf_init(&json, LW_BUF_DEFAULT_MAX);
	picked = calloc(r.nrows ? r.nrows : 1, sizeof(size_t));
	rc = picked ? lw_buf_putc(&json, '[') : LW_ENOMEM;
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		const char *st = lw_store_cell(&r, i, 5);
		if (strcmp(want, "all") && strcmp(want, st))
			continue;
		if (n)
			rc = lw_buf_putc(&json, ',');
		if (rc == 0)
			rc = lw_buf_puts(&json, lw_store_cell(&r, i, 1));
		picked[n++] = i;
	}
	if (rc == 0)
		rc = lw_buf_putc(&json, ']');
	if (rc < 0) {
		rc = lw_error_set(err, LW_ENOMEM, "out of memory reading the store");
		goto done;
	}
	if ((rc = lw_report_load(out, s->where, json.data, json.len, err)) < 0)
		goto done;
	if (lw_report_count(out) - first != n) {
		rc = lw_error_set(err, LW_EIO, "%s: the store's findings are damaged", s->where);
		goto done;
	}
	for (size_t k = 0; rc == 0 && k < n; k++) {
		lw_record *rec = lw_report_get(out, first + k);
		size_t i = picked[k];
		const char *fs = lw_store_cell(&r, i, 3);
		rec->first_seen = fs ? strtoll(fs, NULL, 10) : 0;
		if (!(rec->repo = lw_strdup(lw_store_cell(&r, i, 0))) ||
		    !(rec->secret_id = lw_strdup(lw_store_cell(&r, i, 4))) ||
		    !(rec->status = lw_strdup(lw_store_cell(&r, i, 5))) ||
		    store_present(rec, lw_store_cell(&r, i, 2)) < 0)
			rc = lw_error_set(err, LW_ENOMEM, "out of memory reading the store");
	}
done:
	free(picked);
	lw_buf_release(&json);
	lw_store_rows_free(&r);
	return rc;
}

int lw_store_triage(lw_store *s, const char *key, int by_secret, const char *status,
	const char *note, const char *who, lw_error *err)
{
	lw_store_rows r;
	char k[80], at[24];
	int rc;

	if (!lw_store_status_valid(status))
		return lw_error_set(err, LW_ECONFIG, "unknown status \"%s\": open, false-positive, "
			"revoked or accepted", status);
	const char *p1[1] = { key };
	if ((rc = lw_store_exec(s, by_secret ? "SELECT count(*) FROM lw_finding WHERE secret_id = $1"
			: "SELECT count(*) FROM lw_finding WHERE fingerprint = $1", p1, 1, &r, err)) < 0)
		return rc;
	long found = r.nrows ? atol(lw_store_cell(&r, 0, 0)) : 0;
	lw_store_rows_free(&r);
	if (!found)
		return lw_error_set(err, LW_ENOTFOUND, "no finding in the store has the %s %s",
			by_secret ? "secret_id" : "fingerprint", key);
	snprintf(k, sizeof(k), "%s:%s", by_secret ? "secret" : "fp", key);
	snprintf(at, sizeof(at), "%lld", (long long)time(NULL));
	const char *p[5] = { k, status, note, who, at };
	return lw_store_exec(s, "INSERT INTO lw_triage (key, status, note, who, at)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET status = excluded.status,"
		" note = excluded.note, who = excluded.who, at = excluded.at", p, 5, NULL, err);
}
