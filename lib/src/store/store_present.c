/*
 * store_present.c - `present` at the new tips for findings recorded by
 * earlier runs: does a moved tip still hold the finding at its path?
 *
 * Only what is asked for is read: a tip's tree when a finding is first
 * looked up at it, each directory once per tip (libgit2 does not cache
 * trees larger than 4 KiB, so a path lookup from the root re-inflated every
 * directory of the path for every finding: 40 % of an incremental audit of
 * curl), and each (blob, path) scanned once.
 */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store_int.h"

typedef struct pcache {
	git_oid blob;
	char *path;
	lw_fpset *fps;
} pcache;

/* one directory of one tip; tree NULL: not a directory there */
typedef struct pdir {
	size_t tip;
	char *dir;
	git_tree *tree;
} pdir;

struct lw_present_ctx {
	git_repository *repo;
	const lw_ruleset *rs;
	const lw_history_options *ho;
	const lw_tips *tips;
	pcache *cache;
	size_t ncache;
	pdir *dirs; /* open addressing, ndirs_cap a power of two */
	size_t ndirs, ndirs_cap;
};

static int pc_collect(const lw_finding *f, void *payload)
{
	return lw_fpset_add(payload, f->fingerprint) < 0 ? 1 : 0;
}

/* The fingerprints a blob yields at `path`: scanned once per (blob, path). */
static lw_fpset *pc_scan(lw_present_ctx *p, const git_oid *blob, const char *path)
{
	git_blob *b = NULL;
	lw_fpset *fps = NULL;

	for (size_t i = 0; i < p->ncache; i++)
		if (git_oid_equal(&p->cache[i].blob, blob) && !strcmp(p->cache[i].path, path))
			return p->cache[i].fps;
	pcache *v = lw_reallocarray(p->cache, p->ncache + 1, sizeof(*v));
	if (!v || lw_fpset_new(&fps) < 0)
		return NULL;
	p->cache = v;
	if (git_blob_lookup(&b, p->repo, blob) == 0) {
		size_t len = (size_t)git_blob_rawsize(b);
		const unsigned char *data = git_blob_rawcontent(b);
		size_t head = len < 8000 ? len : 8000;
		/* what the audit itself skips, this skips: big and binary blobs */
		if (len <= p->ho->max_blob_size && !memchr(data, 0, head)) {
			lw_chunk ch = LW_CHUNK_INIT;
			lw_sink sink = { pc_collect, NULL, fps };
			ch.data = data;
			ch.len = len;
			ch.path = path;
			(void)lw_scan_buffer(p->rs, &p->ho->scan, &ch, &sink);
		}
		git_blob_free(b);
	}
	git_error_clear();
	p->cache[p->ncache].blob = *blob;
	p->cache[p->ncache].path = lw_strdup(path);
	p->cache[p->ncache++].fps = fps;
	return fps;
}

static size_t dir_hash(size_t tip, const char *dir, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ tip;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)dir[i]) * 1099511628211ULL;
	return (size_t)h;
}

static int dirs_grow(lw_present_ctx *p)
{
	size_t cap = p->ndirs_cap ? p->ndirs_cap * 2 : 64;
	pdir *d = calloc(cap, sizeof(*d));
	if (!d)
		return -1;
	for (size_t i = 0; i < p->ndirs_cap; i++) {
		pdir *o = &p->dirs[i];
		if (!o->dir)
			continue;
		size_t k = dir_hash(o->tip, o->dir, strlen(o->dir)) & (cap - 1);
		while (d[k].dir)
			k = (k + 1) & (cap - 1);
		d[k] = *o;
	}
	free(p->dirs);
	p->dirs = d;
	p->ndirs_cap = cap;
	return 0;
}

/* The tree of directory dir[0..len) at tip `tip` (len 0: the root), or NULL
 * when it is not a directory there; *oom set when memory ran out. */
static git_tree *dir_tree(lw_present_ctx *p, size_t tip, const char *dir, size_t len, int *oom)
{
	git_tree *t = NULL, *parent;
	size_t k;

	if (p->ndirs_cap) {
		for (k = dir_hash(tip, dir, len) & (p->ndirs_cap - 1); p->dirs[k].dir;
		     k = (k + 1) & (p->ndirs_cap - 1))
			if (p->dirs[k].tip == tip && !strncmp(p->dirs[k].dir, dir, len) &&
			    !p->dirs[k].dir[len])
				return p->dirs[k].tree;
	}
	if (len == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, p->repo, &p->tips->oid[tip]) == 0)
			(void)git_commit_tree(&t, c);
		git_commit_free(c);
	} else {
		size_t plen = len;
		while (plen > 0 && dir[plen - 1] != '/')
			plen--;
		const char *base = dir + plen;
		plen = plen ? plen - 1 : 0;
		if ((parent = dir_tree(p, tip, dir, plen, oom)) != NULL) {
			char *name = strndup(base, len - (size_t)(base - dir));
			const git_tree_entry *e = name ? git_tree_entry_byname(parent, name) : NULL;
			if (!name)
				*oom = 1;
			else if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
				(void)git_tree_lookup(&t, p->repo, git_tree_entry_id(e));
			free(name);
		}
	}
	git_error_clear();
	if (*oom || ((p->ndirs + 1) * 2 > p->ndirs_cap && dirs_grow(p) < 0)) {
		*oom = 1;
		git_tree_free(t);
		return NULL;
	}
	char *key = strndup(dir, len);
	if (!key) {
		*oom = 1;
		git_tree_free(t);
		return NULL;
	}
	for (k = dir_hash(tip, dir, len) & (p->ndirs_cap - 1); p->dirs[k].dir;
	     k = (k + 1) & (p->ndirs_cap - 1))
		;
	p->dirs[k].tip = tip;
	p->dirs[k].dir = key;
	p->dirs[k].tree = t;
	p->ndirs++;
	return t;
}

int lw_present_new(lw_present_ctx **out, git_repository *repo, const lw_ruleset *rs,
	const lw_history_options *ho, const lw_tips *tips)
{
	lw_present_ctx *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return LW_ENOMEM;
	p->repo = repo;
	p->rs = rs;
	p->ho = ho;
	p->tips = tips;
	*out = p;
	return 0;
}

void lw_present_free(lw_present_ctx *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndirs_cap; i++) {
		free(p->dirs[i].dir);
		git_tree_free(p->dirs[i].tree);
	}
	free(p->dirs);
	for (size_t i = 0; i < p->ncache; i++) {
		free(p->cache[i].path);
		lw_fpset_free(p->cache[i].fps);
	}
	free(p->cache);
	free(p);
}

/* Marks in holds[t] each tip t (among those `only` marks) holding the
 * finding at its path: the same blob there, or another blob that yields the
 * same fingerprint. */
int lw_present_of(lw_present_ctx *p, const char *path, const char *blob_hex,
	const char *fingerprint, const unsigned char *only, unsigned char *holds)
{
	git_oid blob;
	int have_blob = blob_hex && git_oid_fromstr(&blob, blob_hex) == 0, oom = 0;
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	const char *base = slash ? slash + 1 : path;

	for (size_t i = 0; i < p->tips->n; i++) {
		if (!only[i])
			continue;
		git_tree *dir = dir_tree(p, i, path, dlen, &oom);
		if (oom)
			return LW_ENOMEM;
		const git_tree_entry *e = dir && *base ? git_tree_entry_byname(dir, base) : NULL;
		if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		if (have_blob && git_oid_equal(git_tree_entry_id(e), &blob)) {
			holds[i] = 1;
		} else {
			lw_fpset *fps = pc_scan(p, git_tree_entry_id(e), path);
			if (!fps)
				return LW_ENOMEM;
			holds[i] = (unsigned char)lw_fpset_contains(fps, fingerprint);
		}
	}
	git_error_clear();
	return 0;
}
