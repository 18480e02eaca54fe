/*
 * store_audit.c - the incremental audit: walk what the recorded tips do not
 * reach (pre-receive's planning: the tips are hidden), then write what was
 * found, `present` at the new tips and the tips themselves in one
 * transaction. A tip that left the history (a rewrite, a deleted branch)
 * makes the walk whole again, so the store always holds what a full audit
 * of the repository gives.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "store/store_int.h"

/* One finding as stored: its redacted report object and its keys. */
typedef struct srow {
	const lw_record *rec;
	char *doc;
	char secret_id[65];
	char *present; /* newline-separated; NULL: unknown */
} srow;

static int rec_by_fp(const void *a, const void *b)
{
	return strcmp((*(lw_record *const *)a)->fingerprint, (*(lw_record *const *)b)->fingerprint);
}

static char *join_present(const lw_record *rec)
{
	lw_buf b;

	if (!rec->has_present)
		return NULL;
	lw_buf_init(&b, 0);
	lw_buf_puts(&b, "");
	for (size_t i = 0; i < rec->npresent; i++) {
		if (i)
			lw_buf_putc(&b, '\n');
		lw_buf_puts(&b, rec->present[i]);
	}
	if (b.overflow || !b.data) {
		lw_buf_release(&b);
		return NULL;
	}
	return b.data;
}

/* The rows of the new findings: each record rendered as the JSON report
 * renders it, redacted (commit messages too), without `present`, which the
 * store keeps apart and recomputes. */
static int rows_build(lw_store *s, lw_report *rep, const lw_ruleset *rs, int compute_present,
	srow **out, size_t *nout, lw_error *err)
{
	lw_output_options oo = LW_OUTPUT_OPTIONS_INIT;
	lw_report_meta meta = { "audit", 0, 0, 0, 0, 0, 0, NULL, 0 };
	size_t n = lw_report_count(rep), k = 0;
	lw_record **byfp = calloc(n ? n : 1, sizeof(*byfp));
	srow *rows = calloc(n ? n : 1, sizeof(*rows));
	cJSON *arr = NULL, *el;
	lw_buf js;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	lw_buf_init(&js, LW_BUF_DEFAULT_MAX);
	if (!byfp || !rows) {
		rc = LW_ENOMEM;
		goto done;
	}
	lw_report_redact_messages(rep);
	oo.format = LW_FORMAT_JSON;
	oo.rules = rs;
	if ((rc = lw_report_render(&js, rep, &meta, &oo)) < 0)
		goto done;
	if (!(arr = cJSON_ParseWithLength(js.data ? js.data : "[]", js.data ? js.len : 2))) {
		rc = lw_error_set(err, LW_ERROR, "cannot read back the rendered findings");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		byfp[i] = lw_report_get(rep, i);
	qsort(byfp, n, sizeof(*byfp), rec_by_fp);
	cJSON_ArrayForEach(el, arr) {
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(el, "fingerprint");
		lw_record key, *kp = &key, **hit;
		if (!cJSON_IsString(f) || strlen(f->valuestring) != 32)
			continue;
		memcpy(key.fingerprint, f->valuestring, 33);
		if (!(hit = bsearch(&kp, byfp, n, sizeof(*byfp), rec_by_fp)) || k >= n)
			continue;
		/* one row per fingerprint, as in a report */
		int dup = 0;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(rows[j].rec->fingerprint, key.fingerprint);
		if (dup)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(el, "present");
		rows[k].rec = *hit;
		rows[k].doc = cJSON_PrintUnformatted(el);
		/* "": to compute (present_update); NULL: unknown */
		rows[k].present = compute_present || (*hit)->path[0] == '<' ? join_present(*hit) :
			lw_strdup("");
		lw_store_secret_id(s, (const unsigned char *)(*hit)->secret, (*hit)->secret_len,
			rows[k].secret_id);
		if (!rows[k++].doc) {
			rc = LW_ENOMEM;
			goto done;
		}
	}
	*out = rows;
	*nout = k;
	rows = NULL;
done:
	if (rows)
		for (size_t i = 0; i < k; i++) {
			cJSON_free(rows[i].doc);
			free(rows[i].present);
		}
	free(rows);
	free(byfp);
	cJSON_Delete(arr);
	lw_buf_release(&js);
	if (rc == LW_ENOMEM)
		lw_error_set(err, rc, "out of memory");
	return rc;
}

static void rows_free(srow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cJSON_free(rows[i].doc);
		free(rows[i].present);
	}
	free(rows);
}

static void key_str(lw_buf *b, const char *s)
{
	lw_buf_puts(b, s ? s : "-");
	lw_buf_putc(b, '\0');
}

static void key_list(lw_buf *b, const lw_strlist *l)
{
	lw_buf_printf(b, "%zu", l->n);
	for (size_t i = 0; i < l->n; i++)
		key_str(b, l->v[i]);
}

/* What the findings depend on besides the history: this leakwalk, the
 * rules, the allowlists and the scan options. When it changes, the next
 * audit walks the whole history again: new rules reach old commits. */
static void rules_key(const lw_ruleset *rs, const lw_history_options *ho, char out[65])
{
	/* a fleet worker audits many repositories with one rule set: hashed once */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static const lw_ruleset *last_rs;
	static lw_scan_options last_scan;
	static uint64_t last_max;
	static char last[65];
	lw_buf b;
	unsigned char h[32];

	pthread_mutex_lock(&lock);
	if (last_rs == rs && last_max == ho->max_blob_size &&
	    !memcmp(&last_scan, &ho->scan, sizeof(last_scan))) {
		memcpy(out, last, 65);
		pthread_mutex_unlock(&lock);
		return;
	}
	lw_buf_init(&b, 0);
	key_str(&b, "leakwalk store rules 1 " LW_VERSION);
	lw_buf_printf(&b, "%d %zu %d %d %d %llu", ho->scan.decode_depth, ho->scan.max_window,
		ho->scan.honour_inline_allow, ho->scan.compat_markers,
		ho->scan.report_invalid_checksums, (unsigned long long)ho->max_blob_size);
	for (size_t i = 0; i < rs->n; i++) {
		const lw_rule *r = &rs->rules[i];
		key_str(&b, r->info.id);
		key_str(&b, r->info.regex);
		key_str(&b, r->info.checksum);
		lw_buf_printf(&b, "%d %d %g %d", r->info.disabled, (int)r->info.severity,
			r->info.entropy, r->info.identifier);
		key_list(&b, &r->keywords);
		key_list(&b, &r->allow.stopwords);
		for (size_t k = 0; k < r->allow.paths.n; k++)
			key_str(&b, r->allow.paths.sources[k]);
		for (size_t k = 0; k < r->allow.regexes.n; k++)
			key_str(&b, r->allow.regexes.sources[k]);
		for (size_t k = 0; k < r->paths.n; k++)
			key_str(&b, r->paths.sources[k]);
	}
	key_list(&b, &rs->allow.stopwords);
	for (size_t k = 0; k < rs->allow.paths.n; k++)
		key_str(&b, rs->allow.paths.sources[k]);
	for (size_t k = 0; k < rs->allow.regexes.n; k++)
		key_str(&b, rs->allow.regexes.sources[k]);
	lw_sha256(b.data ? b.data : "", b.len, h);
	lw_buf_release(&b);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	last_rs = rs;
	last_scan = ho->scan;
	last_max = ho->max_blob_size;
	memcpy(last, out, 65);
	pthread_mutex_unlock(&lock);
}

/* The rules key the repository was last audited with ("" if none). */
static int rules_load(lw_store *s, const char *location, char out[65], lw_error *err)
{
	const char *p[1] = { location };
	lw_store_rows r;
	int rc;

	out[0] = '\0';
	if ((rc = lw_store_exec(s, "SELECT rules FROM lw_repo WHERE location = $1", p, 1, &r, err)) < 0)
		return rc;
	if (r.nrows && lw_store_cell(&r, 0, 0))
		snprintf(out, 65, "%s", lw_store_cell(&r, 0, 0));
	lw_store_rows_free(&r);
	return 0;
}

static int tips_same(const lw_tips *a, const lw_tips *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->name[i], b->name[i]) || !git_oid_equal(&a->oid[i], &b->oid[i]))
			return 0;
	return 1;
}

static int tips_load(lw_store *s, const char *location, lw_tips *t, lw_error *err)
{
	const char *p[1] = { location };
	lw_store_rows r;
	int rc;

	if ((rc = lw_store_exec(s, "SELECT ref, oid FROM lw_tip WHERE repo = $1 ORDER BY ref", p, 1,
			&r, err)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, lw_store_cell(&r, i, 1)) == 0)
			rc = lw_tips_add(t, lw_store_cell(&r, i, 0), &id);
	}
	lw_store_rows_free(&r);
	/* in our order, not the database's collation */
	lw_tips_sort(t);
	return rc;
}

/* Orders a repository's findings by (rule, secret_id): the groups whose
 * `present` is shared. */
static int by_rule_secret(const void *x, const void *y, void *rows)
{
	const lw_store_rows *r = rows;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(lw_store_cell(r, i, 4), lw_store_cell(r, j, 4));

	return c ? c : strcmp(lw_store_cell(r, i, 5), lw_store_cell(r, j, 5));
}

/* `present` at the new tips, of every finding of the repository, as a full
 * audit computes it: the tips that hold the same secret for the same rule,
 * at this finding's path or at the path of another finding of it (a copy). */
/* Marks in holds[t] each tip t that `only` marks and the newline-separated
 * list names; tips are sorted by name (lw_tips_sort), so each name of the
 * list is looked up, not each tip searched in the list. */
static void list_mark(const char *list, const lw_tips *tips, const unsigned char *only,
	unsigned char *holds)
{
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p), lo = 0, hi = tips->n;
		while (lo < hi) {
			/* strcmp(tip name, p[0..l)) without copying the name out */
			size_t mid = lo + (hi - lo) / 2;
			int c = strncmp(tips->name[mid], p, l);
			if (c == 0 && tips->name[mid][l])
				c = 1;
			if (c == 0) {
				if (only[mid])
					holds[mid] = 1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		p = e ? e + 1 : p + l;
	}
}

/* A tip that did not move holds what it held: a finding new in this walk
 * has a blob no unmoved tip can hold (it would have been found before), so
 * only moved and new tips are searched; the others keep the recorded
 * `present`. */
static int present_update(lw_store *s, const char *location, lw_present_ctx *pc,
	const lw_tips *old, const lw_tips *now, lw_error *err)
{
	const char *p[1] = { location };
	lw_store_rows r;
	unsigned char *holds = NULL, *any = NULL, *moved = NULL, *unmoved = NULL;
	size_t *idx = NULL, nt = now->n;
	lw_buf b;
	int rc;

	if ((rc = lw_store_exec(s, "SELECT fingerprint, path, blob, present, rule, secret_id"
			" FROM lw_finding WHERE repo = $1", p, 1, &r, err)) < 0)
		return rc;
	lw_buf_init(&b, 0);
	holds = calloc(r.nrows * nt + 1, 1);
	any = calloc(nt + 1, 1);
	moved = calloc(nt + 1, 1);
	unmoved = calloc(nt + 1, 1);
	idx = calloc(r.nrows + 1, sizeof(size_t));
	if (!holds || !any || !moved || !unmoved || !idx) {
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t t = 0; t < nt; t++) {
		moved[t] = 1;
		for (size_t o = 0; o < old->n && moved[t]; o++)
			moved[t] = strcmp(old->name[o], now->name[t]) ||
				!git_oid_equal(&old->oid[o], &now->oid[t]);
		unmoved[t] = !moved[t];
	}
	for (size_t i = 0; i < r.nrows; i++) {
		const char *was = lw_store_cell(&r, i, 3);
		idx[i] = i;
		if (lw_store_cell(&r, i, 1)[0] == '<' || !was)
			continue;
		list_mark(was, now, unmoved, holds + i * nt);
		if (lw_present_of(pc, lw_store_cell(&r, i, 1), lw_store_cell(&r, i, 2),
			    lw_store_cell(&r, i, 0), moved, holds + i * nt) < 0) {
			rc = lw_error_set(err, LW_ENOMEM, "out of memory");
			goto done;
		}
	}
	qsort_r(idx, r.nrows, sizeof(size_t), by_rule_secret, &r);
	for (size_t g = 0, e; rc == 0 && g < r.nrows; g = e) {
		memset(any, 0, nt);
		for (e = g; e < r.nrows && !by_rule_secret(&idx[g], &idx[e], &r); e++)
			for (size_t t = 0; t < nt; t++)
				any[t] |= holds[idx[e] * nt + t];
		for (size_t k = g; rc == 0 && k < e; k++) {
			size_t i = idx[k];
			if (lw_store_cell(&r, i, 1)[0] == '<' || !lw_store_cell(&r, i, 3))
				continue;
			b.len = 0;
			lw_buf_puts(&b, "");
			for (size_t t = 0; t < nt; t++)
				if (any[t]) {
					if (b.len)
						lw_buf_putc(&b, '\n');
					lw_buf_puts(&b, now->name[t]);
				}
			if (b.overflow || !b.data) {
				rc = lw_error_set(err, LW_ENOMEM, "out of memory");
				break;
			}
			if (!strcmp(b.data, lw_store_cell(&r, i, 3)))
				continue;
			const char *u[3] = { b.data, location, lw_store_cell(&r, i, 0) };
			rc = lw_store_exec(s, "UPDATE lw_finding SET present = $1 WHERE repo = $2 AND"
				" fingerprint = $3", u, 3, NULL, err);
		}
	}
done:
	free(holds);
	free(any);
	free(moved);
	free(unmoved);
	free(idx);
	lw_buf_release(&b);
	lw_store_rows_free(&r);
	return rc;
}

/* A full walk replaces the repository's findings: those no longer found
 * go (their commits left the history); the others keep first_seen. */
static int drop_stale(lw_store *s, const char *location, lw_fpset *fresh, lw_error *err)
{
	const char *p[1] = { location };
	lw_store_rows r;
	int rc;

	if ((rc = lw_store_exec(s, "SELECT fingerprint FROM lw_finding WHERE repo = $1", p, 1, &r,
			err)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		const char *d[2] = { location, lw_store_cell(&r, i, 0) };
		if (!lw_fpset_contains(fresh, d[1]))
			rc = lw_store_exec(s, "DELETE FROM lw_finding WHERE repo = $1 AND fingerprint = $2",
				d, 2, NULL, err);
	}
	lw_store_rows_free(&r);
	return rc;
}

static int write_all(lw_store *s, const char *location, const srow *rows, size_t nrows,
	const lw_tips *old, const lw_tips *now, int full, lw_present_ctx *pc, lw_fpset *fresh,
	const lw_history_stats *st, const char *rules, time_t start, lw_error *err)
{
	char at[24], began[24], line[16], commits[24], blobs[24];
	int rc;

	snprintf(at, sizeof(at), "%lld", (long long)time(NULL));
	snprintf(began, sizeof(began), "%lld", (long long)start);
	if ((rc = lw_store_begin(s, err)) < 0)
		return rc;
	if (full)
		rc = drop_stale(s, location, fresh, err);
	for (size_t i = 0; rc == 0 && i < nrows; i++) {
		const lw_record *rec = rows[i].rec;
		snprintf(line, sizeof(line), "%u", rec->line);
		const char *p[11] = { location, rec->fingerprint, rec->commit, rec->blob, rec->path,
			rec->rule_id, line, rows[i].secret_id, rows[i].doc, rows[i].present, at };
		/* an incremental walk that meets a finding again keeps the commit
		 * recorded first, the older one, as a full audit attributes it;
		 * and its `present`, which present_update starts from */
		rc = lw_store_exec(s, full ?
			"INSERT INTO lw_finding (repo, fingerprint, commit_id, blob, path, rule, line,"
			" secret_id, doc, present, first_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			" $10, $11) ON CONFLICT (repo, fingerprint) DO UPDATE SET commit_id ="
			" excluded.commit_id, blob = excluded.blob, doc = excluded.doc, present ="
			" excluded.present, line = excluded.line" :
			"INSERT INTO lw_finding (repo, fingerprint, commit_id, blob, path, rule, line,"
			" secret_id, doc, present, first_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
			" $10, $11) ON CONFLICT (repo, fingerprint) DO NOTHING",
			p, 11, NULL, err);
	}
	/* the walk saw only the new blobs: a tip may hold a secret in an old one */
	if (rc == 0 && !full && pc)
		rc = present_update(s, location, pc, old, now, err);
	const char *l[1] = { location };
	/* no pc on an incremental run: the tips did not move */
	if (rc == 0 && (full || pc))
		rc = lw_store_exec(s, "DELETE FROM lw_tip WHERE repo = $1", l, 1, NULL, err);
	for (size_t i = 0; rc == 0 && (full || pc) && i < now->n; i++) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), &now->oid[i]);
		const char *p[3] = { location, now->name[i], hex };
		rc = lw_store_exec(s, "INSERT INTO lw_tip (repo, ref, oid) VALUES ($1, $2, $3)", p, 3,
			NULL, err);
	}
	snprintf(commits, sizeof(commits), "%llu", (unsigned long long)st->commits);
	snprintf(blobs, sizeof(blobs), "%llu", (unsigned long long)st->blobs);
	const char *u[6] = { location, at, commits, blobs, rules, began };
	/* queued again while this audit ran (fleet add after new pushes): it
	 * stays queued, for the commits this walk may not have seen */
	if (rc == 0)
		rc = lw_store_exec(s, "INSERT INTO lw_repo (location, added, queued, last_audit, commits,"
			" blobs, rules) VALUES ($1, $2, 0, $2, $3, $4, $5) ON CONFLICT (location) DO UPDATE SET"
			" queued = CASE WHEN lw_repo.added > $6 THEN 1 ELSE 0 END, last_audit = excluded.last_audit, commits = excluded.commits,"
			" blobs = excluded.blobs, error = NULL, lease_until = 0, lease_owner = NULL,"
			" rules = excluded.rules", u, 6, NULL, err);
	if (rc < 0) {
		lw_store_rollback(s);
		return rc;
	}
	return lw_store_commit(s, err);
}

int lw_store_audit(lw_store *s, const char *location, const char *repo_path,
	const lw_ruleset *rs, const lw_history_options *ho_in, const char *owner,
	lw_history_stats *st, lw_store_audit_info *info, lw_error *err)
{
	lw_history_options ho = *ho_in;
	git_repository *repo = NULL;
	lw_tips old = { 0 }, now = { 0 };
	lw_report *rep = NULL;
	lw_present_ctx *pc = NULL;
	lw_fpset *fresh = NULL;
	char (*hide)[GIT_OID_HEXSZ + 1] = NULL;
	const char **hidev = NULL;
	srow *rows = NULL;
	size_t nrows = 0;
	char key[65], old_key[65];
	time_t start = time(NULL);
	int rc;

	(void)owner;
	memset(info, 0, sizeof(*info));
	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_path ? repo_path : ".",
			repo_path ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0, NULL) < 0) {
		rc = lw_error_set(err, LW_EIO, "%s: not a git repository: %s", repo_path ? repo_path : ".",
			git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
	if ((rc = lw_tips_read(repo, &now, err)) < 0)
		goto done;
	if ((rc = tips_load(s, location, &old, err)) < 0) {
		info->store_failed = 1;
		goto done;
	}
	info->rewritten = lw_tips_lost(repo, &old, &now);
	rules_key(rs, &ho, key);
	if ((rc = rules_load(s, location, old_key, err)) < 0) {
		info->store_failed = 1;
		goto done;
	}
	info->rules_changed = old.n && strcmp(key, old_key) != 0;
	info->full = old.n == 0 || info->rewritten > 0 || info->rules_changed;
	if (!info->full && tips_same(&old, &now)) {
		/* nothing moved: nothing to read, `present` stands */
		memset(st, 0, sizeof(*st));
		rc = write_all(s, location, NULL, 0, &old, &now, 0, NULL, NULL, st, key, start, err);
		info->store_failed = rc < 0;
		goto done;
	}
	ho.revs = NULL;
	ho.nrevs = 0;
	ho.hide = NULL;
	ho.nhide = 0;
	/* an incremental walk sees only the new blobs: `present` is computed
	 * afterwards for every finding (present_update), not by the walk */
	ho.compute_present = info->full;
	if (!info->full) {
		hide = calloc(old.n, sizeof(*hide));
		hidev = calloc(old.n, sizeof(*hidev));
		if (!hide || !hidev) {
			rc = lw_error_set(err, LW_ENOMEM, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < old.n; i++) {
			git_oid_tostr(hide[i], sizeof(hide[i]), &old.oid[i]);
			hidev[i] = hide[i];
		}
		ho.hide = hidev;
		ho.nhide = old.n;
	}
	if ((rc = lw_report_new(&rep)) < 0 || (rc = lw_fpset_new(&fresh)) < 0) {
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = lw_history_scan(repo_path, rs, &ho, rep, st, err)) < 0)
		goto done;
	if ((rc = rows_build(s, rep, rs, ho.compute_present, &rows, &nrows, err)) < 0)
		goto done;
	for (size_t i = 0; i < nrows; i++)
		if (lw_fpset_add(fresh, rows[i].rec->fingerprint) < 0) {
			rc = lw_error_set(err, LW_ENOMEM, "out of memory");
			goto done;
		}
	info->new_findings = nrows;
	if (!info->full && (rc = lw_present_new(&pc, repo, rs, &ho, &now)) < 0) {
		rc = lw_error_set(err, rc, "out of memory");
		goto done;
	}
	/* tests: a worker killed between reading and writing loses nothing */
	if (getenv("LEAKWALK_STORE_STALL_MS"))
		usleep((useconds_t)atoi(getenv("LEAKWALK_STORE_STALL_MS")) * 1000);
	rc = write_all(s, location, rows, nrows, &old, &now, info->full, pc, fresh, st, key, start, err);
	info->store_failed = rc < 0;
done:
	lw_present_free(pc);
	rows_free(rows, nrows);
	lw_fpset_free(fresh);
	lw_report_free(rep);
	free(hide);
	free(hidev);
	lw_tips_free(&old);
	lw_tips_free(&now);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
