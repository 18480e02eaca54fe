#define _GNU_SOURCE
/*
 * history.c - the history source. One walker (the calling thread) plans a
 * revision walk, visits commits oldest first and compares each tree with
 * its parents' trees (read in place through our object reader), noting
 * every blob never seen before with the commit and path that brought it.
 * When the walk ends, the blobs go to workers in pack order through a
 * bounded queue. Workers (each with its own repository handle and reader)
 * read the blob's header first, inflate it only when it is within bounds,
 * and scan it. Findings meet in history_sink.c.
 */
#include <stdlib.h>
#include <string.h>

#include "source/archive.h"
#include "source/history.h"
#include "odb/objstore_git.h"

int lw_hist_open(git_repository **out, lw_objreader **reader, size_t cache, const hctx *c,
	lw_error *err)
{
	int rc;

	*out = NULL;
	rc = c->repo_path ? git_repository_open_ext(out, c->repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)
			  : git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc < 0) {
		const git_error *e = git_error_last();
		return lw_error_set(err, LW_EIO, "%s: not a git repository (%s)",
			c->repo_path ? c->repo_path : ".", e ? e->message : "unknown error");
	}
	/* Quarantined objects are added by us, not through
	 * GIT_ALTERNATE_OBJECT_DIRECTORIES, which libgit2 splits on ':' without
	 * git's quoting. */
	if ((rc = lw_objstore_install(*out, !c->repo_path, (const char *const *)c->opts->object_dirs,
		     c->opts->nobject_dirs, reader, cache, err)) < 0) {
		git_repository_free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* ---- queue ---------------------------------------------------------- */

static int hq_batch_cmp(const void *a, const void *b, void *keys)
{
	const uint64_t *k = keys;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return k[x] < k[y] ? -1 : k[x] > k[y];
}

/* Hands every blob the walk found to the workers, in pack order. Versions
 * of one file lie side by side in a pack, newest first and whole, the older
 * ones as deltas against them: read in that order, each delta finds its
 * base in the reader's cache. Read in walk order (oldest first), each old
 * version resolved its chain again from the newest: six times the
 * inflation on a long history, which is why blobs are sent only once the
 * walk is over. */
static int hq_flush(hctx *c)
{
	size_t *order = malloc((c->nbatch ? c->nbatch : 1) * sizeof(size_t));

	if (!order)
		return LW_ENOMEM;
	for (size_t i = 0; i < c->nbatch; i++)
		order[i] = i;
	qsort_r(order, c->nbatch, sizeof(size_t), hq_batch_cmp, c->batch_key);
	pthread_mutex_lock(&c->lock);
	c->order = order;
	c->next = 0;
	c->st->blobs_total = c->nbatch;
	pthread_cond_broadcast(&c->not_empty);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* The next stretch of jobs in pack order, [*lo, *hi) of c->order: large
 * at first, so that each worker reads long runs of neighbours and finds
 * their delta bases in its own cache, smaller towards the end so that the
 * workers finish together. 0 when there is nothing left. */
static int hq_take(hctx *c, size_t *lo, size_t *hi)
{
	int got = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->order && !c->done)
		pthread_cond_wait(&c->not_empty, &c->lock);
	if (c->order && c->next < c->nbatch && !c->stop) {
		size_t left = c->nbatch - c->next, n = left / (4 * (size_t)c->nworkers);
		if (n < LW_HRUN)
			n = LW_HRUN;
		if (n > left)
			n = left;
		*lo = c->next;
		*hi = c->next + n;
		c->next += n;
		got = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return got;
}

/* ---- workers -------------------------------------------------------- */

void lw_hist_count(hctx *c, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&c->lock);
	*field += n;
	pthread_mutex_unlock(&c->lock);
}

/* 1, listed and counted, when the header says the blob is over --max-blob-size */
static int hw_over_bound(hctx *c, const hjob *job, const char *hex, uint64_t size)
{
	if (size <= c->opts->max_blob_size)
		return 0;
	lw_hist_diag(c, job->path, "blob %s is %llu bytes, over --max-blob-size; not scanned", hex,
		(unsigned long long)size);
	lw_hist_count(c, &c->st->skipped_large, 1);
	return 1;
}

/* A blob's content through libgit2, for objects our reader does not hold
 * (packs it could not parse). *gobj is the caller's to free. */
static int hw_read_libgit2(hworker *w, git_odb *odb, const hjob *job, const char *hex,
	git_odb_object **gobj)
{
	hctx *c = w->c;
	git_object_t type;
	size_t size = 0;

	*gobj = NULL;
	/* the header says how big the blob is before anything is inflated */
	if (git_odb_read_header(&size, &type, odb, &job->blob) < 0) {
		const git_error *e = git_error_last();
		lw_hist_diag(c, job->path, "cannot read object %s: %s", hex, e ? e->message : "?");
		lw_hist_count(c, &c->st->errors, 1);
		return -1;
	}
	if (hw_over_bound(c, job, hex, size))
		return -1;
	if (git_odb_read(gobj, odb, &job->blob) < 0) {
		const git_error *e = git_error_last();
		lw_hist_diag(c, job->path, "cannot read object %s: %s", hex, e ? e->message : "?");
		lw_hist_count(c, &c->st->errors, 1);
		return -1;
	}
	return 0;
}

/* Keeps what the passes found with the blob, for its deltas */
static void hw_keep(lw_objreader *rd, const lw_obj *obj, const lw_kwhits *hits,
	const lw_encruns *runs, const lw_wins *wins)
{
	size_t nr = runs->valid ? runs->n : 0, nw = wins->valid ? wins->nw : 0;
	size_t nc = wins->valid ? wins->nc : 0;
	size_t sz = sizeof(hkept) + hits->n * sizeof(lw_kwhit) + nr * sizeof(lw_encrun) +
		nw * sizeof(lw_winrec) + nc * sizeof(lw_candrec);
	hkept *k = malloc(sz);

	if (!k)
		return;
	k->n = hits->n;
	k->nruns = runs->valid ? runs->n : SIZE_MAX;
	k->nwins = wins->valid ? wins->nw : SIZE_MAX;
	k->ncands = nc;
	unsigned char *at = (unsigned char *)k->v;
	if (hits->n)
		memcpy(at, hits->v, hits->n * sizeof(lw_kwhit));
	at += hits->n * sizeof(lw_kwhit);
	if (nr)
		memcpy(at, runs->v, nr * sizeof(lw_encrun));
	at += nr * sizeof(lw_encrun);
	if (nw)
		memcpy(at, wins->w, nw * sizeof(lw_winrec));
	at += nw * sizeof(lw_winrec);
	if (nc)
		memcpy(at, wins->c, nc * sizeof(lw_candrec));
	if (!lw_obj_keep(rd, obj, k, sz))
		free(k);
}

/* Matches a blob. Its keyword hits and base64/hex runs are kept with it in
 * the reader's cache, and so are its regex windows with their candidates;
 * a blob made from a base whose were kept gets its own from them, the
 * passes running over only what the delta added and the regexes only on
 * windows that changed (deltahits.c, decode.c, deltawins.c). raw: the
 * chunk is the object's own bytes (not transcoded). */
static void hw_match(hworker *w, lw_objreader *rd, lw_scanner *sc, const lw_obj *obj,
	const lw_chunk *chunk, int raw, const lw_sink *sink)
{
	lw_kwhits hits = { 0 };
	lw_encruns runs = { 0 };
	lw_wins wins = { 0 };
	lw_passes p = { 0 };
	size_t ksize = 0;
	const hkept *bh = raw && !w->c->opts->full_scan ? lw_obj_base_kept(obj, &ksize) : NULL;
	const lw_encrun *bruns = bh ? (const lw_encrun *)(bh->v + bh->n) : NULL;
	const lw_winrec *bwins = bh ? (const lw_winrec *)(bruns + (bh->nruns == SIZE_MAX ? 0 : bh->nruns)) : NULL;

	if (bh && obj->ops &&
	    lw_hits_derive(sc, bh->v, bh->n, obj->ops, obj->nops, chunk->data, chunk->len, &hits) == 0) {
		p.hits = hits.v;
		p.nhits = hits.n;
		lw_hist_count(w->c, &w->c->st->delta_scans, 1);
	} else if (raw) {
		p.rec_hits = &hits;
	}
	if (bh && obj->ops && bh->nruns != SIZE_MAX &&
	    lw_encruns_derive(bruns, bh->nruns, obj->ops, obj->nops, chunk->data, chunk->len, &runs) == 0) {
		p.runs = runs.v;
		p.nruns = runs.n;
		p.have_runs = 1;
	} else if (raw) {
		p.rec_runs = &runs;
	}
	if (bh && obj->ops && bh->nwins != SIZE_MAX) {
		p.wins = bwins;
		p.nwins = bh->nwins;
		p.cands = (const lw_candrec *)(bwins + bh->nwins);
		p.ops = obj->ops;
		p.nops = obj->nops;
	}
	if (raw)
		p.rec_wins = &wins;
	lw_scanner_scan_passes(sc, chunk, sink, &p);
	if (raw && hits.valid && obj->ent_)
		hw_keep(rd, obj, &hits, &runs, &wins);
	lw_kwhits_release(&hits);
	lw_encruns_release(&runs);
	lw_wins_release(&wins);
}

static void hw_scan_blob(hworker *w, git_odb *odb, lw_objreader *rd, lw_scanner *sc, const hjob *job)
{
	hctx *c = w->c;
	char hex[GIT_OID_HEXSZ + 1];
	git_odb_object *gobj = NULL;
	lw_obj obj = { 0 };
	const unsigned char *data;
	size_t size;
	uint64_t hsize = 0;
	int type, rc;
	lw_sink sink = { lw_hist_on_finding, lw_hist_on_diag, w };

	git_oid_tostr(hex, sizeof(hex), &job->blob);
	if (w->id < 16) {
		pthread_mutex_lock(&c->lock);
		memcpy(c->st->inflight[w->id], hex, sizeof(hex));
		pthread_mutex_unlock(&c->lock);
	}
	/* a blob that is a leak by its path alone: binary or too large too */
	w->job = job;
	if (job->path)
		lw_scanner_scan_path(sc, job->path, NULL, &sink);
	/* the header says how big the blob is before anything is inflated */
	rc = lw_objreader_header(rd, job->blob.id, &type, &hsize);
	if (rc == 0 && hw_over_bound(c, job, hex, hsize))
		return;
	if (rc == 0)
		rc = lw_objreader_read(rd, job->blob.id, c->opts->max_blob_size, &obj);
	if (rc == LW_OBJ_MISSING) {
		if (hw_read_libgit2(w, odb, job, hex, &gobj) < 0)
			return;
		data = git_odb_object_data(gobj);
		size = git_odb_object_size(gobj);
	} else if (rc < 0) {
		lw_hist_diag(c, job->path, "cannot read object %s: %s", hex, lw_objreader_error(rd));
		lw_hist_count(c, &c->st->errors, 1);
		return;
	} else {
		data = obj.data;
		size = obj.len;
	}
	lw_buf u16;
	lw_buf_init(&u16, (size_t)c->opts->max_blob_size * 2 + 16);
	u16.wipe = 1;
	lw_chunk chunk = LW_CHUNK_INIT;
	chunk.path = job->path;
	w->job = job;
	/* an archive: its members (archive_scan.c) */
	int kind = lw_archive_scan(sc, data, size, &chunk, &sink) == LW_ENOTFOUND ?
		lw_text_prepare(data, size, &u16) : 2;
	chunk.data = kind == 1 ? (const unsigned char *)lw_buf_cstr(&u16) : data;
	chunk.len = kind == 1 ? u16.len : size;
	/* binary: its printable runs, with none of the passes worked out
	 * through deltas (nothing is kept for a binary base either) */
	if (kind < 0)
		lw_strings_scan(sc, data, size, &chunk, &sink);
	else if (kind < 2)
		hw_match(w, rd, sc, &obj, &chunk, kind == 0 && !gobj, &sink);
	pthread_mutex_lock(&c->lock);
	c->st->blobs++;
	c->st->bytes += size;
	pthread_mutex_unlock(&c->lock);
	lw_buf_release(&u16);
	lw_obj_release(rd, &obj);
	git_odb_object_free(gobj);
}

static void *hw_main(void *p)
{
	hworker *w = p;
	hctx *c = w->c;
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	lw_objreader *rd = NULL;
	lw_scanner *sc = NULL;
	lw_error err = { 0 };
	size_t lo, hi;

	if (lw_hist_open(&repo, &rd, LW_SHARE_CACHE(LW_WORKERS_CACHE, c->nworkers), c, &err) < 0 || git_repository_odb(&odb, repo) < 0 ||
	    lw_scanner_new(&sc, c->rs, &c->opts->scan) < 0) {
		lw_hist_diag(c, NULL, "worker could not start: %s", err.msg[0] ? err.msg : "out of memory");
		pthread_mutex_lock(&c->lock);
		c->stop = 1;
		c->st->errors++;
		pthread_mutex_unlock(&c->lock);
	}
	while (hq_take(c, &lo, &hi)) {
		for (size_t i = lo; i < hi; i++) {
			hjob *job = &c->batch[c->order[i]];
			if (sc && !c->stop && !(c->opts->cancel && *c->opts->cancel))
				hw_scan_blob(w, odb, rd, sc, job);
			/* findings hold their own copies of the path */
			free(job->path);
			job->path = NULL;
			/* progress only: read unlocked by the monitor */
			__atomic_fetch_add(&c->st->blobs_done, 1, __ATOMIC_RELAXED);
		}
	}
	if (sc)
		lw_hist_count(c, &c->st->limit_hits, lw_scanner_limit_hits(sc));
	if (rd)
		lw_hist_count(c, &c->st->deltas_applied, lw_objreader_deltas(rd));
	lw_scanner_free(sc);
	git_odb_free(odb);
	git_repository_free(repo);
	return NULL;
}

void lw_hist_scan_text(hctx *c, lw_scanner *sc, const char *text, const char *kind,
	const git_oid *id, uint64_t seq)
{
	hjob job;
	hworker w = { c, 99, &job, kind };
	lw_sink sink = { lw_hist_on_finding, lw_hist_on_diag, &w };
	lw_chunk chunk = LW_CHUNK_INIT;

	if (!text || !*text)
		return;
	memset(&job, 0, sizeof(job));
	job.commit = *id;
	job.seq = seq;
	job.path = (char *)kind;
	chunk.data = (const unsigned char *)text;
	chunk.len = strlen(text);
	chunk.path = kind;
	lw_scanner_scan(sc, &chunk, &sink);
}

/* ---- planning the walk ---------------------------------------------- */

/* Every push and hide is applied to libgit2's walk and recorded, so the
 * plan can be walked again without libgit2 (history_walk.c) when its walk
 * cannot cope: shallow clones, missing commits. */
int lw_hist_plan_oid(hctx *c, git_revwalk *walk, const git_oid *id, int hide)
{
	lw_oidlist *l = hide ? &c->plan_hide : &c->plan_push;
	git_oid *v = lw_reallocarray(l->v, l->n + 1, sizeof(*v));

	if (v) {
		l->v = v;
		v[l->n++] = *id;
	}
	return hide ? git_revwalk_hide(walk, id) : git_revwalk_push(walk, id);
}

/* Refs one by one rather than libgit2's push_glob, which gives up on the
 * whole glob when one ref names a commit it cannot parse. */
static int hplan_glob(hctx *c, git_revwalk *walk, const char *glob, int hide)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char pat[1024];
	int rc;

	/* an allocation failure only loses the glob for history_walk.c */
	(void)lw_strlist_push(hide ? &c->plan_hide_globs : &c->plan_push_globs, glob);
	snprintf(pat, sizeof(pat), "%s%s", strncmp(glob, "refs/", 5) ? "refs/" : "", glob);
	if ((rc = git_reference_iterator_glob_new(&it, c->repo, pat)) < 0)
		goto broken;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		git_object *obj = NULL;
		if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
			if ((hide ? git_revwalk_hide(walk, git_object_id(obj))
				  : git_revwalk_push(walk, git_object_id(obj))) < 0 && !hide) {
				lw_hist_diag(c, git_reference_name(ref), "cannot walk from this ref: %s",
					git_error_last() ? git_error_last()->message : "?");
				lw_hist_count(c, &c->st->errors, 1);
			}
		} else if (!hide && git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			git_object *any = NULL;
			/* a ref to a tree or blob holds no history, but what it names
			 * is walked (history_roots.c); a broken one is an error */
			int root = git_object_lookup(&any, c->repo, git_reference_target(ref), GIT_OBJECT_ANY) < 0
				? -1 : lw_hist_add_root(c, any, git_reference_name(ref));
			if (root == LW_ENOMEM) {
				c->oom = 1;
			} else if (root <= 0) {
				char hex[GIT_OID_HEXSZ + 1];
				git_oid_tostr(hex, sizeof(hex), git_reference_target(ref));
				lw_hist_diag(c, git_reference_name(ref), "cannot read commit %s: %s", hex,
					git_error_last() ? git_error_last()->message : "unreadable");
				lw_hist_count(c, &c->st->errors, 1);
			}
			git_object_free(any);
		}
		git_error_clear();
		git_object_free(obj);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
broken:
	if (hide) {
		/* what a broken list would hide is walked: more is scanned, not less */
		git_error_clear();
		return 0;
	}
	if (rc != GIT_ITEROVER) {
		lw_hist_diag(c, NULL, "cannot list the refs: %s",
			git_error_last() ? git_error_last()->message : "?");
		lw_hist_count(c, &c->st->errors, 1);
	}
	git_error_clear();
	/* libgit2 lists no ref past a damaged line of packed-refs, and accepts
	 * some lines git refuses: its good lines are walked, the bad reported */
	return lw_hist_plan_packed(c, walk) == LW_ENOMEM ? LW_ENOMEM : 0;
}

static void hplan_head(hctx *c, git_revwalk *walk)
{
	git_oid head;

	if (git_reference_name_to_id(&head, c->repo, "HEAD") == 0)
		lw_hist_plan_oid(c, walk, &head, 0);
	git_error_clear();
}

static int hplan_push_spec(hctx *c, git_revwalk *walk, const char *spec, int hide, lw_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	git_revspec rs;
	int rc;

	if (!strcmp(spec, "--all")) {
		if (hplan_glob(c, walk, "*", 0) < 0)
			git_error_clear();
		hplan_head(c, walk);
		return 0;
	}
	if (spec[0] == '^')
		return hplan_push_spec(c, walk, spec + 1, !hide, err);
	if (hide && !strncmp(spec, "refs/", 5) && spec[strlen(spec) - 1] == '*') {
		if (hplan_glob(c, walk, spec, 1) < 0)
			git_error_clear();
		return 0;
	}
	if (!hide && strstr(spec, "..")) {
		if (git_revparse(&rs, c->repo, spec) < 0)
			return lw_error_set(err, LW_ECONFIG, "unknown revision range \"%s\"", spec);
		rc = 0;
		if (rs.flags & GIT_REVSPEC_MERGE_BASE) {
			git_oid base;
			if (git_merge_base(&base, c->repo, git_object_id(rs.from), git_object_id(rs.to)) == 0)
				rc = lw_hist_plan_oid(c, walk, &base, 1);
			if (rc == 0)
				rc = lw_hist_plan_oid(c, walk, git_object_id(rs.from), 0);
			if (rc == 0)
				rc = lw_hist_plan_oid(c, walk, git_object_id(rs.to), 0);
		} else {
			rc = lw_hist_plan_oid(c, walk, git_object_id(rs.from), 1);
			if (rc == 0)
				rc = lw_hist_plan_oid(c, walk, git_object_id(rs.to), 0);
		}
		git_object_free(rs.from);
		git_object_free(rs.to);
		return rc < 0 ? lw_error_set(err, LW_ECONFIG, "cannot walk \"%s\"", spec) : 0;
	}
	if ((rc = git_revparse_single(&obj, c->repo, spec)) < 0) {
		/* an unknown name is the user's mistake; an object that exists but
		 * cannot be read is the repository's */
		if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS)
			return lw_error_set(err, LW_ECONFIG, "unknown revision \"%s\"", spec);
		git_oid named;
		char hex[GIT_OID_HEXSZ + 1] = "";
		git_reference *dref = NULL;
		if (git_reference_dwim(&dref, c->repo, spec) == 0 && git_reference_target(dref))
			git_oid_tostr(hex, sizeof(hex), git_reference_target(dref));
		else if (git_oid_fromstrp(&named, spec) == 0)
			git_oid_tostr(hex, sizeof(hex), &named);
		git_reference_free(dref);
		return lw_error_set(err, LW_EIO, "cannot read revision \"%s\"%s%s%s: %s", spec,
			hex[0] ? " (commit " : "", hex, hex[0] ? ")" : "",
			git_error_last() ? git_error_last()->message : "unreadable object");
	}
	if (!hide && git_object_type(obj) == GIT_OBJECT_TAG && c->ntags < 4096) {
		git_oid *v = lw_reallocarray(c->tag_ids, c->ntags + 1, sizeof(*v));
		if (v) {
			c->tag_ids = v;
			v[c->ntags++] = *git_object_id(obj);
		}
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		rc = lw_hist_plan_oid(c, walk, git_object_id(peeled), hide);
	} else if (!hide) {
		/* a tree or a blob: what it holds is scanned (history_roots.c) */
		git_error_clear();
		rc = lw_hist_add_root(c, obj, spec);
		if (rc == LW_ENOMEM) {
			git_object_free(obj);
			return lw_error_set(err, LW_ENOMEM, "out of memory");
		}
		rc = rc == 1 ? 0 : -1;
	}
	git_object_free(obj);
	git_object_free(peeled);
	return rc < 0 ? lw_error_set(err, LW_ECONFIG, "\"%s\" does not name a commit", spec) : 0;
}

static int hplan_walk(hctx *c, git_revwalk **out, lw_error *err)
{
	git_revwalk *walk = NULL;
	int rc = 0;

	if (git_revwalk_new(&walk, c->repo) < 0)
		return lw_error_set(err, LW_EIO, "cannot walk history: %s", git_error_last()->message);
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	if (c->opts->nrevs == 0) {
		/* every ref: branches, tags, remotes, notes, stash; and a detached HEAD */
		if (hplan_glob(c, walk, "*", 0) < 0)
			git_error_clear();
		hplan_head(c, walk);
	}
	for (size_t i = 0; rc == 0 && i < c->opts->nrevs; i++)
		rc = hplan_push_spec(c, walk, c->opts->revs[i], 0, err);
	/* a commit to hide that this repository lacks hides nothing (a remote's
	 * tip we never fetched): it cannot make the walk fail */
	for (size_t i = 0; rc == 0 && i < c->opts->nhide; i++)
		if (hplan_push_spec(c, walk, c->opts->hide[i], 1, err) < 0)
			git_error_clear();
	if (rc == 0 && c->opts->hide_all_refs && hplan_glob(c, walk, "*", 1) < 0)
		git_error_clear();
	if (rc < 0) {
		git_revwalk_free(walk);
		return rc;
	}
	*out = walk;
	return 0;
}

typedef struct htagscan {
	hctx *c;
	lw_scanner *sc;
	uint64_t seq;
} htagscan;

static int hplan_tag(git_reference *ref, void *payload)
{
	htagscan *t = payload;
	git_tag *tag = NULL;
	const git_oid *target = git_reference_target(ref);

	if (target && strncmp(git_reference_name(ref), "refs/tags/", 10) == 0 &&
	    git_tag_lookup(&tag, t->c->repo, target) == 0) {
		lw_hist_count(t->c, &t->c->st->tags, 1);
		lw_hist_scan_text(t->c, t->sc, git_tag_message(tag), "<tag message>", target, t->seq);
		git_tag_free(tag);
	}
	git_error_clear();
	git_reference_free(ref);
	return 0;
}

static int hrun_walk(hctx *c, git_revwalk *walk, lw_scanner *sc, unsigned nwalkers)
{
	git_oid *ids = NULL, id;
	size_t n = 0, cap = 0;
	int rc = 0;

	/* the plan first: its length gives progress an end. A plan that hides
	 * nothing is walked by history_walk.c, faster than libgit2's walk; so
	 * is any plan in a shallow clone or past a missing commit, which
	 * libgit2 1.5 cannot walk. libgit2 walks the rest (a server's pushes
	 * hide every ref: its walk stops where the hidden history meets). */
	if (git_repository_is_shallow(c->repo) == 1 ||
	    (c->plan_hide.n == 0 && c->plan_hide_globs.n == 0)) {
		rc = lw_hist_ownwalk(c, &ids, &n);
		git_error_clear();
		goto planned;
	}
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		if (c->opts->max_commits && n >= c->opts->max_commits) {
			c->st->truncated = 1;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			git_oid *v = lw_reallocarray(ids, cap, sizeof(*v));
			if (!v) {
				free(ids);
				return LW_ENOMEM;
			}
			ids = v;
		}
		ids[n++] = id;
	}
	if (rc < 0 && rc != GIT_ITEROVER) {
		lw_hist_diag(c, NULL, "libgit2's history walk stopped (%s); walking around the gap",
			git_error_last() ? git_error_last()->message : "?");
		git_error_clear();
		free(ids);
		ids = NULL;
		n = 0;
		rc = lw_hist_ownwalk(c, &ids, &n);
	}
planned:
	if (rc < 0 && rc != GIT_ITEROVER) {
		free(ids);
		return rc;
	}
	if (c->opts->max_commits && n > c->opts->max_commits) {
		n = (size_t)c->opts->max_commits;
		c->st->truncated = 1;
	}
	pthread_mutex_lock(&c->lock);
	c->st->commits_total = n;
	pthread_mutex_unlock(&c->lock);
	c->sc = sc;
	rc = lw_hist_walk(c, ids, n, nwalkers);
	if (rc == 0)
		rc = hq_flush(c);
	free(ids);
	return rc == LW_ESTOP ? 0 : rc;
}

static int hrun(hctx *c, lw_error *err)
{
	git_revwalk *walk = NULL;
	lw_scanner *sc = NULL;
	hworker workers[64];
	pthread_t th[64];
	unsigned nth = c->opts->threads ? c->opts->threads : lw_cpu_count();
	int rc;

	if (nth > 64)
		nth = 64;
	c->nworkers = nth;
	if ((rc = hplan_walk(c, &walk, err)) < 0)
		return rc;
	if (lw_scanner_new(&sc, c->rs, &c->opts->scan) < 0) {
		git_revwalk_free(walk);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	for (unsigned i = 0; i < nth; i++) {
		workers[i] = (hworker){ c, i, NULL, NULL };
		if (pthread_create(&th[i], NULL, hw_main, &workers[i]) != 0) {
			nth = i;
			break;
		}
	}
	rc = nth ? hrun_walk(c, walk, sc, nth) : lw_error_set(err, LW_ERROR, "cannot start threads");
	if (rc == 0 && c->opts->scan_messages && (c->opts->tag_messages_all || c->opts->nrevs == 0)) {
		htagscan t = { c, sc, UINT64_MAX - 1 };
		git_reference_foreach(c->repo, hplan_tag, &t);
	} else if (rc == 0 && c->opts->scan_messages) {
		for (size_t i = 0; i < c->ntags; i++) {
			git_tag *tag = NULL;
			if (git_tag_lookup(&tag, c->repo, &c->tag_ids[i]) < 0)
				continue;
			lw_hist_count(c, &c->st->tags, 1);
			lw_hist_scan_text(c, sc, git_tag_message(tag), "<tag message>", &c->tag_ids[i],
				UINT64_MAX - 1);
			git_tag_free(tag);
		}
	}
	pthread_mutex_lock(&c->lock);
	c->done = 1;
	pthread_cond_broadcast(&c->not_empty);
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	c->st->limit_hits += lw_scanner_limit_hits(sc);
	lw_scanner_free(sc);
	git_revwalk_free(walk);
	if (rc < 0 && err && !err->msg[0])
		lw_error_set(err, rc, "history scan failed");
	return rc;
}

int lw_history_scan(const char *repo_path, const lw_ruleset *rs,
	const lw_history_options *opts, lw_report *out, lw_history_stats *stats, lw_error *err)
{
	lw_history_options defaults = LW_HISTORY_OPTIONS_INIT;
	hctx c;
	int rc;

	git_libgit2_init();
	/* bound what libgit2 keeps: mapped pack windows count as resident
	 * memory, and its object cache is only useful for trees here */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)512 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)128 << 20);
	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	c.rs = rs;
	c.opts = opts ? opts : &defaults;
	c.st = stats;
	c.repo_path = repo_path;
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.not_empty, NULL);
	if ((rc = lw_hist_open(&c.repo, &c.reader, LW_SHARE_CACHE(LW_WALKERS_CACHE, 1), &c, err)) < 0)
		goto done;
	if (c.opts->new_objects_only && c.opts->nobject_dirs) {
		/* the repository's own store, without the quarantine, says what is old */
		char objdir[4096];
		const char *dirs[1] = { objdir };
		snprintf(objdir, sizeof(objdir), "%sobjects", git_repository_commondir(c.repo));
		if (lw_objstore_open(&c.own_store, dirs, 1) < 0)
			c.own_store = NULL;
	}
	/* When the walk covers every ref, each tip's blobs sat, in some walked
	 * commit, at a path the walk noted: `present` then follows those. */
	c.track_paths = c.opts->compute_present && c.opts->nrevs == 0 && c.opts->nhide == 0 &&
		!c.opts->hide_all_refs && c.opts->nobject_dirs == 0 && !c.opts->new_objects_only &&
		c.opts->since == 0 && c.opts->max_commits == 0;
	rc = hrun(&c, err);
	if (rc == 0 && c.oom)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory while collecting findings");
	if (rc == 0)
		rc = lw_hist_finish(&c, out);
done:
	lw_hist_release(&c);
	lw_objstore_free(c.own_store);
	git_repository_free(c.repo);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.not_empty);
	git_libgit2_shutdown();
	return rc;
}
