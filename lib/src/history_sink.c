/* history_sink.c - where a history scan's findings meet: deduplication per
 * (rule, secret, path) keeping the oldest commit, then provenance and the
 * refs whose tip still holds each secret. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"

void lw_hist_diag(hctx *c, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	lw_diag d;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.rule_id = NULL;
	d.path = path ? path : "";
	d.line = 0;
	d.message = msg;
	pthread_mutex_lock(&c->lock);
	if (c->opts->on_diag)
		c->opts->on_diag(&d, c->opts->payload);
	pthread_mutex_unlock(&c->lock);
}

void lw_hist_on_diag(const lw_diag *d, void *payload)
{
	hworker *w = payload;

	pthread_mutex_lock(&w->c->lock);
	if (w->c->opts->on_diag)
		w->c->opts->on_diag(d, w->c->opts->payload);
	pthread_mutex_unlock(&w->c->lock);
}

static size_t fp_hash(const char *fp)
{
	size_t h = 0;

	for (int i = 0; i < 16; i++)
		h = h * 16 + (size_t)(fp[i] <= '9' ? fp[i] - '0' : fp[i] - 'a' + 10);
	return h;
}

static int fp_grow(hctx *c)
{
	size_t cap = c->fp_cap ? c->fp_cap * 2 : 256;
	size_t *idx = malloc(cap * sizeof(size_t));

	if (!idx)
		return LW_ENOMEM;
	memset(idx, 0xff, cap * sizeof(size_t));
	for (size_t i = 0; i < c->nfound; i++) {
		size_t j = fp_hash(c->found[i].rec->fingerprint) & (cap - 1);
		while (idx[j] != SIZE_MAX)
			j = (j + 1) & (cap - 1);
		idx[j] = i;
	}
	free(c->fp_index);
	c->fp_index = idx;
	c->fp_cap = cap;
	return 0;
}

static size_t *fp_slot(hctx *c, const char *fp)
{
	size_t j = fp_hash(fp) & (c->fp_cap - 1);

	while (c->fp_index[j] != SIZE_MAX && strcmp(c->found[c->fp_index[j]].rec->fingerprint, fp))
		j = (j + 1) & (c->fp_cap - 1);
	return &c->fp_index[j];
}

static void occ_key(unsigned char key[16], const lw_finding *f)
{
	unsigned char buf[4096], d[32];
	size_t il = strlen(f->rule->id);

	if (il + 1 + f->secret_len <= sizeof(buf)) {
		memcpy(buf, f->rule->id, il);
		buf[il] = 0;
		memcpy(buf + il + 1, f->secret, f->secret_len);
		lw_sha256(buf, il + 1 + f->secret_len, d);
		lw_wipe(buf, il + 1 + f->secret_len);
	} else {
		lw_sha256(f->secret, f->secret_len, d);
	}
	memcpy(key, d, 16);
}

static int occ_add(hctx *c, const git_oid *blob, const lw_finding *f)
{
	if (c->nocc == c->capocc) {
		size_t cap = c->capocc ? c->capocc * 2 : 256;
		hocc *v = lw_reallocarray(c->occ, cap, sizeof(*v));
		if (!v)
			return LW_ENOMEM;
		c->occ = v;
		c->capocc = cap;
	}
	c->occ[c->nocc].blob = *blob;
	occ_key(c->occ[c->nocc].key, f);
	c->nocc++;
	return 0;
}

static int found_add(hctx *c, const lw_finding *f, const hjob *job)
{
	char blob_hex[GIT_OID_HEXSZ + 1] = "", commit_hex[GIT_OID_HEXSZ + 1];
	lw_provenance p = { 0 };
	lw_record *rec = NULL;
	size_t *slot;

	if ((c->nfound + 1) * 2 > c->fp_cap && fp_grow(c) < 0)
		return LW_ENOMEM;
	slot = fp_slot(c, f->fingerprint);
	if (*slot != SIZE_MAX && c->found[*slot].seq <= job->seq)
		return 0;
	git_oid_tostr(commit_hex, sizeof(commit_hex), &job->commit);
	if (!git_oid_is_zero(&job->blob))
		git_oid_tostr(blob_hex, sizeof(blob_hex), &job->blob);
	p.commit = commit_hex;
	p.blob = blob_hex[0] ? blob_hex : NULL;
	if (lw_record_new(&rec, f, &p) < 0)
		return LW_ENOMEM;
	rec->order = job->seq;
	if (*slot != SIZE_MAX) {
		hfound *h = &c->found[*slot];
		lw_record_free(h->rec);
		h->rec = rec;
		h->commit = job->commit;
		h->seq = job->seq;
		return 0;
	}
	if (c->nfound == c->capfound) {
		size_t cap = c->capfound ? c->capfound * 2 : 64;
		hfound *v = lw_reallocarray(c->found, cap, sizeof(*v));
		if (!v) {
			lw_record_free(rec);
			return LW_ENOMEM;
		}
		c->found = v;
		c->capfound = cap;
	}
	c->found[c->nfound] = (hfound){ rec, job->commit, job->seq };
	*slot = c->nfound++;
	return 0;
}

int lw_hist_on_finding(const lw_finding *f, void *payload)
{
	hworker *w = payload;
	hctx *c = w->c;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	c->st->findings++;
	if (!git_oid_is_zero(&w->job->blob))
		rc = occ_add(c, &w->job->blob, f);
	if (rc == 0)
		rc = found_add(c, f, w->job);
	if (rc < 0)
		c->oom = 1;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void iso_date(char *out, size_t n, const git_time *t)
{
	time_t secs = (time_t)t->time + (time_t)t->offset * 60;
	struct tm tm;
	int off = t->offset < 0 ? -t->offset : t->offset;

	gmtime_r(&secs, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		t->offset < 0 ? '-' : '+', off / 60, off % 60);
}

static char *first_line(const char *msg)
{
	size_t n = 0;

	if (!msg)
		return NULL;
	while (msg[n] && msg[n] != '\n' && msg[n] != '\r' && n < 1024)
		n++;
	return lw_strndup(msg, n);
}

static void fill_provenance(hctx *c, hfound *h)
{
	git_commit *commit = NULL;
	git_tag *tag = NULL;
	const git_signature *sig = NULL;
	const char *msg = NULL;
	char date[40];

	if (git_commit_lookup(&commit, c->repo, &h->commit) == 0) {
		sig = git_commit_author(commit);
		msg = git_commit_message(commit);
	} else if (git_tag_lookup(&tag, c->repo, &h->commit) == 0) {
		sig = git_tag_tagger(tag);
		msg = git_tag_message(tag);
	}
	if (sig) {
		h->rec->author = lw_strdup(sig->name);
		h->rec->email = lw_strdup(sig->email);
		iso_date(date, sizeof(date), &sig->when);
		h->rec->date = lw_strdup(date);
	}
	h->rec->message = first_line(msg);
	git_commit_free(commit);
	git_tag_free(tag);
}

static int occ_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(hocc));
}

typedef struct htip {
	char *name;
	git_tree *tree;
	lw_oidlist hits; /* blobs with findings anywhere in this tip's tree */
	int hits_ready;
} htip;

static int collect_tip(git_reference *ref, void *payload)
{
	htip **tips = ((htip ***)payload)[0];
	size_t *n = ((size_t **)payload)[1];
	const char *name = git_reference_name(ref);
	git_object *obj = NULL;
	git_tree *tree = NULL;

	if ((strncmp(name, "refs/heads/", 11) && strncmp(name, "refs/tags/", 10) &&
	     strncmp(name, "refs/remotes/", 13)) || git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(ref);
		return 0;
	}
	if (git_reference_peel(&obj, ref, GIT_OBJECT_TREE) == 0) {
		tree = (git_tree *)obj;
		htip *v = lw_reallocarray(*tips, *n + 1, sizeof(htip));
		if (v) {
			*tips = v;
			memset(&v[*n], 0, sizeof(v[*n]));
			v[*n].name = lw_strdup(name);
			v[*n].tree = tree;
			(*n)++;
		} else {
			git_tree_free(tree);
		}
	}
	git_reference_free(ref);
	return 0;
}

typedef struct hsearch {
	hctx *c;
	lw_oidset hit_blobs;   /* blobs with any finding */
	lw_oidset bare_trees;  /* trees holding none of them */
} hsearch;

/* Appends to `tip` every blob below `tree_id` that has a finding. Trees
 * without any are remembered, so tips sharing subtrees walk them once. */
static void tree_collect_hits(hsearch *s, const git_oid *tree_id, lw_oidlist *out, int depth)
{
	git_tree *t = NULL;
	size_t before = out->n;

	if (depth > LW_MAX_TREE_DEPTH || out->n >= 100000 ||
	    lw_oidset_contains(&s->bare_trees, tree_id) || git_tree_lookup(&t, s->c->repo, tree_id) < 0) {
		git_error_clear();
		return;
	}
	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const git_oid *id = git_tree_entry_id(e);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			tree_collect_hits(s, id, out, depth + 1);
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   lw_oidset_contains(&s->hit_blobs, id)) {
			git_oid *v = lw_reallocarray(out->v, out->n + 1, sizeof(git_oid));
			if (v) {
				out->v = v;
				v[out->n++] = *id;
			}
		}
	}
	if (out->n == before)
		lw_oidset_insert(&s->bare_trees, tree_id);
	git_tree_free(t);
}

/* 1 if one of the tip's blobs with findings carries the (rule, secret) key. */
static int tip_hits_key(const hctx *c, const lw_oidlist *hits, const unsigned char key[16])
{
	for (size_t i = 0; i < hits->n; i++) {
		hocc probe;
		memset(&probe, 0, sizeof(probe));
		probe.blob = hits->v[i];
		memcpy(probe.key, key, 16);
		if (c->nocc && bsearch(&probe, c->occ, c->nocc, sizeof(hocc), occ_cmp))
			return 1;
	}
	return 0;
}

static int tip_holds(hctx *c, const htip *t, const hfound *h)
{
	git_tree_entry *e = NULL;
	git_oid blob;
	int found = 0;

	if (git_tree_entry_bypath(&e, t->tree, h->rec->path) < 0) {
		git_error_clear();
		return -1; /* not at that path: the caller looks in the whole tree */
	}
	blob = *git_tree_entry_id(e);
	git_tree_entry_free(e);
	if (h->rec->blob) {
		git_oid mine;
		if (git_oid_fromstr(&mine, h->rec->blob) == 0 && git_oid_equal(&mine, &blob))
			return 1;
	}
	hocc probe;
	memset(&probe, 0, sizeof(probe));
	probe.blob = blob;
	lw_finding f;
	memset(&f, 0, sizeof(f));
	lw_rule_info ri = { 0 };
	ri.id = h->rec->rule_id;
	f.rule = &ri;
	f.secret = (const unsigned char *)h->rec->secret;
	f.secret_len = h->rec->secret_len;
	occ_key(probe.key, &f);
	found = c->nocc && bsearch(&probe, c->occ, c->nocc, sizeof(hocc), occ_cmp) != NULL;
	return found ? 1 : -1;
}

/* The (rule, secret) key of a record, as occ_key computes it for findings. */
static void rec_key(unsigned char key[16], const lw_record *rec)
{
	lw_finding f;
	lw_rule_info ri;

	memset(&f, 0, sizeof(f));
	memset(&ri, 0, sizeof(ri));
	ri.id = rec->rule_id;
	f.rule = &ri;
	f.secret = (const unsigned char *)rec->secret;
	f.secret_len = rec->secret_len;
	occ_key(key, &f);
}

/* `present`: the refs whose tip still holds the secret at its path, or
 * anywhere in the tree (a renamed or copied file still exposes it). */
static void fill_present(hctx *c, hsearch *s, htip *tips, size_t ntips, hfound *h)
{
	unsigned char key[16];

	rec_key(key, h->rec);
	h->rec->has_present = 1;
	for (size_t i = 0; i < ntips; i++) {
		int at = tip_holds(c, &tips[i], h);
		if (at < 0) {
			if (!tips[i].hits_ready) {
				tree_collect_hits(s, git_tree_id(tips[i].tree), &tips[i].hits, 0);
				tips[i].hits_ready = 1;
			}
			at = tip_hits_key(c, &tips[i].hits, key);
		}
		if (at <= 0)
			continue;
		char **v = lw_reallocarray(h->rec->present, h->rec->npresent + 1, sizeof(char *));
		if (!v)
			return;
		h->rec->present = v;
		if ((v[h->rec->npresent] = lw_strdup(tips[i].name)))
			h->rec->npresent++;
	}
}

int lw_hist_finish(hctx *c, lw_report *out)
{
	htip *tips = NULL;
	size_t ntips = 0;
	void *payload[2] = { &tips, &ntips };
	int rc = 0;

	hsearch s;

	memset(&s, 0, sizeof(s));
	s.c = c;
	lw_oidset_init(&s.hit_blobs);
	lw_oidset_init(&s.bare_trees);
	if (c->opts->compute_present) {
		if (c->nocc)
			qsort(c->occ, c->nocc, sizeof(hocc), occ_cmp);
		for (size_t i = 0; i < c->nocc; i++)
			lw_oidset_insert(&s.hit_blobs, &c->occ[i].blob);
		git_reference_foreach(c->repo, collect_tip, payload);
	}
	for (size_t i = 0; i < c->nfound; i++) {
		hfound *h = &c->found[i];
		fill_provenance(c, h);
		if (c->opts->compute_present && h->rec->path[0] != '<')
			fill_present(c, &s, tips, ntips, h);
		if (rc == 0 && (rc = lw_report_take(out, h->rec)) < 0)
			lw_record_free(h->rec);
		else if (rc < 0)
			lw_record_free(h->rec);
		h->rec = NULL;
	}
	c->nfound = 0;
	for (size_t i = 0; i < ntips; i++) {
		free(tips[i].name);
		free(tips[i].hits.v);
		git_tree_free(tips[i].tree);
	}
	free(tips);
	lw_oidset_release(&s.hit_blobs);
	lw_oidset_release(&s.bare_trees);
	return rc;
}

void lw_hist_release(hctx *c)
{
	for (size_t i = 0; i < c->nfound; i++)
		lw_record_free(c->found[i].rec);
	free(c->found);
	free(c->fp_index);
	free(c->occ);
	free(c->tag_ids);
	free(c->plan_push.v);
	free(c->plan_hide.v);
	lw_strlist_dispose(&c->plan_push_globs);
	lw_strlist_dispose(&c->plan_hide_globs);
	for (size_t i = 0; i < c->nbatch; i++)
		free(c->batch[i].path);
	free(c->batch);
	free(c->batch_key);
}
