#define _GNU_SOURCE
/*
 * history_blobs.c - the history source's workers. When the walk ends, the
 * blobs it found go to workers in pack order through a bounded queue.
 * Workers (each with its own repository handle and reader) read the blob's
 * header first, inflate it only when it is within bounds, and hand it to
 * detection (lw_source_feed); findings go to the sink
 * (finding/history_sink.c).
 */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

/* the scan's repository again, with our reader, for another thread */
int lw_hist_open(git_repository **out, lw_objreader **reader, size_t cache, const hctx *c,
	lw_error *err)
{
	return lw_repo_open(out, reader, c->repo_path, (const char *const *)c->opts->object_dirs,
		c->opts->nobject_dirs, cache, err);
}

/* ---- queue ---------------------------------------------------------- */

static int hq_key_cmp(const void *a, const void *b)
{
	const hjobrec *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The job at key among the sorted jobs before `before`, or NULL. A base
 * lies a little before its deltas in a pack, mostly: the search gallops
 * back from there (on a history of millions of jobs, a plain binary search
 * for each was seconds of cache misses). */
static hjobrec *hq_at(hctx *c, uint64_t key, size_t before)
{
	size_t lo = 0, hi = before, step = 1;

	while (hi > step && c->jobs.v[hi - step].key > key) {
		hi -= step;
		step *= 2;
	}
	if (hi > step)
		lo = hi - step;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->jobs.v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < before && c->jobs.v[lo].key == key ? &c->jobs.v[lo] : NULL;
}

/* Marks the jobs whose blob is the delta base of another job's: only
 * their passes are kept for deltas. More than half of a history's blobs
 * are nobody's base; noting and keeping their windows, hits and runs was
 * work for nothing. A header each, read in pack order; the pack's pages
 * are let go of every LW_HDROP jobs (a page each at most), or reading
 * every header kept a whole pack resident: 50 MiB on curl. */
#define LW_HDROP 16384
static void hq_mark_bases(hctx *c)
{
	const lw_objstore *s = c->reader ? lw_objreader_store(c->reader) : NULL;

	if (!s)
		return;
	for (size_t i = 0; i < c->jobs.n; i++) {
		if (i % LW_HDROP == LW_HDROP - 1 || i + 1 == c->jobs.n)
			lw_objstore_drop_pages(s);
		uint64_t base;
		hjobrec *b;
		if (lw_objstore_delta_base(s, c->jobs.v[i].key, &base) &&
		    (b = hq_at(c, base, base < c->jobs.v[i].key ? i : c->jobs.n)))
			b->seq |= LW_HJOB_BASE;
	}
	c->jobs.bases_known = 1;
}

/* Hands every blob the walk found to the workers, in pack order. Versions
 * of one file lie side by side in a pack, newest first and whole, the older
 * ones as deltas against them: read in that order, each delta finds its
 * base in the reader's cache. Read in walk order (oldest first), each old
 * version resolved its chain again from the newest: six times the
 * inflation on a long history, which is why blobs are sent only once the
 * walk is over. */
int lw_hist_queue_start(hctx *c)
{
	qsort(c->jobs.v, c->jobs.n, sizeof(hjobrec), hq_key_cmp);
	hq_mark_bases(c);
	pthread_mutex_lock(&c->out.lock);
	c->jobs.ready = 1;
	c->jobs.next = 0;
	c->st->blobs_total = c->jobs.n;
	pthread_cond_broadcast(&c->jobs.not_empty);
	pthread_mutex_unlock(&c->out.lock);
	return 0;
}

/* The next stretch of jobs in pack order, [*lo, *hi) of c->jobs.v: large
 * at first, so that each worker reads long runs of neighbours and finds
 * their delta bases in its own cache, smaller towards the end so that the
 * workers finish together. 0 when there is nothing left. */
static int hq_take(hctx *c, size_t *lo, size_t *hi)
{
	int got = 0;

	pthread_mutex_lock(&c->out.lock);
	while (!c->jobs.ready && !c->jobs.done)
		pthread_cond_wait(&c->jobs.not_empty, &c->out.lock);
	if (c->jobs.ready && c->jobs.next < c->jobs.n && !c->stop) {
		size_t left = c->jobs.n - c->jobs.next, n = left / (4 * (size_t)c->jobs.nworkers);
		if (n < LW_HRUN)
			n = LW_HRUN;
		if (n > left)
			n = left;
		*lo = c->jobs.next;
		*hi = c->jobs.next + n;
		c->jobs.next += n;
		got = 1;
	}
	pthread_mutex_unlock(&c->out.lock);
	return got;
}

/* ---- workers -------------------------------------------------------- */

/* A job as the walk kept it, spelled out: its commit, path and places */
static void hw_job_view(const hctx *c, const hjobrec *r, hjob *j)
{
	j->blob = r->blob;
	j->seq = r->seq & ~LW_HJOB_BASE;
	j->commit = *lw_hist_commit_of(c, j->seq);
	j->base = !c->jobs.bases_known || (r->seq & LW_HJOB_BASE);
	j->key = r->key;
	j->path = lw_pathtab_get(&c->paths, r->path);
	lw_hist_places_of(&c->out, &r->blob, &j->place_first, &j->place_n);
}

/* the sink's ends for a worker's scanner: its job's findings, and its
 * diagnostics under the lock */
static int hw_on_finding(const lw_finding *f, void *payload)
{
	hworker *w = payload;

	lw_hsink_add(&w->c->out, f, w->job);
	return 0;
}

static void hw_on_diag(const lw_diag *d, void *payload)
{
	hworker *w = payload;

	lw_hsink_pass_diag(&w->c->out, d);
}

/* 1, listed and counted, when the header says the blob is over --max-blob-size */
static int hw_over_bound(hctx *c, const hjob *job, const char *hex, uint64_t size)
{
	if (size <= c->opts->max_blob_size)
		return 0;
	lw_hsink_diag(&c->out, job->path, "blob %s is %llu bytes, over --max-blob-size; not scanned", hex,
		(unsigned long long)size);
	lw_hsink_count(&c->out, &c->st->skipped_large, 1);
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
		lw_hsink_diag(&c->out, job->path, "cannot read object %s: %s", hex, e ? e->message : "?");
		lw_hsink_count(&c->out, &c->st->errors, 1);
		return -1;
	}
	if (hw_over_bound(c, job, hex, size))
		return -1;
	if (git_odb_read(gobj, odb, &job->blob) < 0) {
		const git_error *e = git_error_last();
		lw_hsink_diag(&c->out, job->path, "cannot read object %s: %s", hex, e ? e->message : "?");
		lw_hsink_count(&c->out, &c->st->errors, 1);
		return -1;
	}
	return 0;
}

/* Keeps what the passes found with the blob, for its deltas */
static void hw_keep(lw_objreader *rd, const lw_obj *obj, const char *path, const lw_kwhits *hits,
	const lw_encruns *runs, const lw_wins *wins)
{
	size_t nr = runs->valid ? runs->n : 0, nw = wins->valid ? wins->nw : 0;
	size_t nc = wins->valid ? wins->nc : 0;
	size_t sz = sizeof(hkept) + hits->n * sizeof(lw_kwhit) + nr * sizeof(lw_encrun) +
		nw * sizeof(lw_winrec) + nc * sizeof(lw_candrec) + hits->noff * sizeof(uint32_t);
	hkept *k = malloc(sz);

	if (!k)
		return;
	k->path = path;
	k->n = hits->n;
	k->nruns = runs->valid ? runs->n : SIZE_MAX;
	k->nwins = wins->valid ? wins->nw : SIZE_MAX;
	k->ncands = nc;
	k->noff = hits->noff;
	k->no_escape = runs->valid && runs->no_escape;
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
	at += nc * sizeof(lw_candrec);
	if (hits->noff)
		memcpy(at, hits->off, hits->noff * sizeof(uint32_t));
	if (!lw_obj_keep(rd, obj, k, sz))
		free(k);
}

/* Matches a blob. Its keyword hits and base64/hex runs are kept with it in
 * the reader's cache, and so are its regex windows with their candidates;
 * a blob made from a base whose were kept gets its own from them, the
 * passes running over only what the delta added and the regexes only on
 * windows that changed (deltahits.c, decode.c, deltawins.c). raw: the
 * chunk is the object's own bytes (not transcoded). */
typedef struct hwmatch {
	hworker *w;
	lw_objreader *rd;
	const lw_obj *obj;
	int from_libgit2; /* not our reader's object: nothing kept for deltas */
} hwmatch;

static int hw_match(void *arg, lw_scanner *sc, const lw_chunk *chunk, int raw, const lw_sink *sink)
{
	hwmatch *m = arg;
	hworker *w = m->w;
	lw_objreader *rd = m->rd;
	const lw_obj *obj = m->obj;
	lw_kwhits *hits = &w->hits;
	lw_encruns *runs = &w->runs;
	lw_wins *wins = &w->wins;
	lw_passes p = { 0 };
	size_t ksize = 0;
	int rc;

	hits->n = 0;
	hits->valid = 0;
	runs->n = 0;
	runs->valid = 0;
	wins->nw = wins->nc = 0;
	wins->valid = 0;
	raw = raw && !m->from_libgit2;
	/* what the passes find is noted and kept only for a blob whose deltas
	 * are to come (hq_mark_bases) */
	int keep = raw && w->job && w->job->base;
	const hkept *bh = raw && !w->c->opts->full_scan ? lw_obj_base_kept(obj, &ksize) : NULL;
	const lw_encrun *bruns = bh ? (const lw_encrun *)(bh->v + bh->n) : NULL;
	const lw_winrec *bwins = bh ? (const lw_winrec *)(bruns + (bh->nruns == SIZE_MAX ? 0 : bh->nruns)) : NULL;

	/* the base's hits serve a delta at its own path, or at one that leaves
	 * out the rules they leave out (hkept) */
	const char *path = chunk->fingerprint_path ? chunk->fingerprint_path : chunk->path;
	const uint32_t *boff = bwins ? (const uint32_t *)((const lw_candrec *)(bwins +
		(bh->nwins == SIZE_MAX ? 0 : bh->nwins)) + bh->ncands) : NULL;
	int fits = bh && (bh->path == path || !bh->noff ||
			  lw_scanner_rules_off(sc, boff, bh->noff, path));
	size_t blen;
	const unsigned char *bbytes = lw_obj_base_data(obj, &blen);
	if (fits && obj->ops &&
	    lw_hits_derive(sc, bh->v, bh->n, obj->ops, obj->nops, chunk->data, chunk->len, bbytes, blen,
		    hits) == 0 &&
	    lw_hits_set_off(hits, boff, bh->noff) == 0) {
		p.hits = hits->v;
		p.nhits = hits->n;
		lw_hsink_count(&w->c->out, &w->c->st->delta_scans, 1);
	} else if (keep) {
		p.rec_hits = hits;
	}
	if (bh && obj->ops && bh->nruns != SIZE_MAX &&
	    lw_encruns_derive(bruns, bh->nruns, bh->no_escape, obj->ops, obj->nops, chunk->data, chunk->len,
		    runs) == 0) {
		p.runs = runs->v;
		p.nruns = runs->n;
		p.have_runs = 1;
		p.no_escape = runs->no_escape;
	} else if (keep) {
		p.rec_runs = runs;
	}
	if (bh && obj->ops && bh->nwins != SIZE_MAX) {
		p.wins = bwins;
		p.nwins = bh->nwins;
		p.cands = (const lw_candrec *)(bwins + bh->nwins);
		p.ops = obj->ops;
		p.nops = obj->nops;
	}
	if (keep)
		p.rec_wins = wins;
	rc = lw_scanner_scan_passes(sc, chunk, sink, &p);
	if (keep && hits->valid && obj->ent_)
		hw_keep(rd, obj, path, hits, runs, wins);
	return rc;
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
	lw_sink sink = { hw_on_finding, hw_on_diag, w };

	git_oid_tostr(hex, sizeof(hex), &job->blob);
	if (w->id < 16) {
		pthread_mutex_lock(&c->out.lock);
		memcpy(c->st->inflight[w->id], hex, sizeof(hex));
		pthread_mutex_unlock(&c->out.lock);
	}
	/* a blob that is a leak by its path alone: binary or too large too */
	w->job = job;
	if (job->path)
		lw_scanner_scan_path(sc, job->path, NULL, &sink);
	/* The read is bounded by --max-blob-size itself, so a blob it returns
	 * is within it. Only when it fails does the header (a delta's costs a
	 * zlib start: 3 % of an audit) say whether the blob was too large;
	 * then the read is tried again, so every failure reads as it did. The
	 * first read goes where the walk found the blob in the scan's store,
	 * when this reader is on that store: no index search. */
	uint64_t pos = c->reader && lw_objreader_store(rd) == lw_objreader_store(c->reader) ? job->key : UINT64_MAX;
	rc = lw_objreader_read_at(rd, job->blob.id, pos, c->opts->max_blob_size, &obj);
	if (rc < 0) {
		rc = lw_objreader_header(rd, job->blob.id, &type, &hsize);
		if (rc == 0 && hw_over_bound(c, job, hex, hsize))
			return;
		if (rc == 0)
			rc = lw_objreader_read(rd, job->blob.id, c->opts->max_blob_size, &obj);
	}
	if (rc == LW_OBJ_MISSING) {
		if (hw_read_libgit2(w, odb, job, hex, &gobj) < 0)
			return;
		data = git_odb_object_data(gobj);
		size = git_odb_object_size(gobj);
	} else if (rc < 0) {
		lw_hsink_diag(&c->out, job->path, "cannot read object %s: %s", hex, lw_objreader_error(rd));
		lw_hsink_count(&c->out, &c->st->errors, 1);
		return;
	} else {
		data = obj.data;
		size = obj.len;
	}
	/* binary: its printable runs, with none of the passes worked out
	 * through deltas (nothing is kept for a binary base either) */
	hwmatch m = { w, rd, &obj, gobj != NULL };
	lw_feed feed = { data, size, LW_CHUNK_INIT, 0, c->opts->max_blob_size, hw_match, &m, NULL, NULL };
	feed.where.path = job->path;
	w->job = job;
	lw_source_feed(sc, &feed, &sink);
	pthread_mutex_lock(&c->out.lock);
	c->st->blobs++;
	c->st->bytes += size;
	pthread_mutex_unlock(&c->out.lock);
	lw_obj_release(rd, &obj);
	git_odb_object_free(gobj);
}

void *lw_hist_worker_main(void *p)
{
	hworker *w = p;
	hctx *c = w->c;
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	lw_objreader *rd = NULL;
	lw_scanner *sc = NULL;
	lw_error err = { 0 };
	size_t lo, hi;

	if (lw_hist_open(&repo, &rd, LW_SHARE_CACHE(LW_WORKERS_CACHE, c->jobs.nworkers), c, &err) < 0 || git_repository_odb(&odb, repo) < 0 ||
	    lw_scanner_new(&sc, c->rs, &c->opts->scan) < 0) {
		lw_hsink_diag(&c->out, NULL, "worker could not start: %s", err.msg[0] ? err.msg : "out of memory");
		pthread_mutex_lock(&c->out.lock);
		c->stop = 1;
		c->st->errors++;
		pthread_mutex_unlock(&c->out.lock);
	}
	while (hq_take(c, &lo, &hi)) {
		for (size_t i = lo; i < hi; i++) {
			if (sc && !c->stop && !(c->opts->cancel && *c->opts->cancel)) {
				hjob job;
				hw_job_view(c, &c->jobs.v[i], &job);
				hw_scan_blob(w, odb, rd, sc, &job);
			}
			/* progress only: read unlocked by the monitor */
			__atomic_fetch_add(&c->st->blobs_done, 1, __ATOMIC_RELAXED);
		}
	}
	if (sc)
		lw_hsink_count(&c->out, &c->st->limit_hits, lw_scanner_limit_hits(sc));
	if (rd)
		lw_hsink_count(&c->out, &c->st->deltas_applied, lw_objreader_deltas(rd));
	lw_scanner_free(sc);
	lw_kwhits_release(&w->hits);
	lw_encruns_release(&w->runs);
	lw_wins_release(&w->wins);
	git_odb_free(odb);
	git_repository_free(repo);
	return NULL;
}

void lw_hist_scan_text(hctx *c, lw_scanner *sc, const char *text, const char *kind,
	const git_oid *id, uint64_t seq)
{
	hjob job;
	hworker w = { .c = c, .id = 99, .job = &job, .kind_path = kind };
	lw_sink sink = { hw_on_finding, hw_on_diag, &w };
	lw_chunk chunk = LW_CHUNK_INIT;

	if (!text || !*text)
		return;
	memset(&job, 0, sizeof(job));
	job.commit = *id;
	job.seq = seq;
	job.path = kind;
	chunk.data = (const unsigned char *)text;
	chunk.len = strlen(text);
	chunk.path = kind;
	lw_scanner_scan(sc, &chunk, &sink);
}

