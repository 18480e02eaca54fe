/* history.h - state shared by the history walker (history.c) and its
 * findings sink (history_sink.c). */
#ifndef LW_HISTORY_H
#define LW_HISTORY_H

#include <git2.h>

#include "internal.h"
#include "odb/oidset.h"
#include "odb/objstore.h"

/* the fewest jobs a worker takes at once */
#define LW_HRUN 32
#define LW_MAX_TREE_DEPTH 512
/* paths up to 1 MiB (4096 levels of 255-byte names) are kept whole;
 * past that a blob is scanned under its path's first and last
 * LW_PATH_SHOWN bytes */
#define LW_MAX_PATH (1 << 20)
#define LW_PATH_SHOWN 1024
#define LW_MAX_TREE_SIZE ((uint64_t)256 << 20)
/* Inflated objects the readers keep as delta bases, shared out among the
 * walkers (trees) and among the workers (blobs, read in pack order, need
 * less), each reader keeping at least LW_MIN_CACHE. */
#define LW_WALKERS_CACHE ((size_t)128 << 20)
#define LW_WORKERS_CACHE ((size_t)64 << 20)
#define LW_MIN_CACHE ((size_t)16 << 20)
#define LW_SHARE_CACHE(total, n) ((total) / (n) > LW_MIN_CACHE ? (total) / (n) : LW_MIN_CACHE)
#define LW_IDLE_CACHE ((size_t)4 << 20)

/* What a scanned blob's passes found, kept with it in the reader's cache
 * for its deltas: keyword hits v[0..n), then nruns base64/hex runs, then
 * nwins regex windows and ncands candidates (nruns or nwins SIZE_MAX: not
 * known) */
typedef struct hkept {
	size_t n, nruns, nwins, ncands;
	lw_kwhit v[];
} hkept;

typedef struct hjob {
	git_oid blob;
	git_oid commit;
	uint64_t seq;
	char *path;
	size_t place_first, place_n; /* its other paths: c->place[first..first+n) */
} hjob;

/* A blob the walk had seen before, met at a path where it had not been:
 * its findings are reported there too, introduced by this commit
 * (history_place.c). */
typedef struct hplace {
	git_oid blob;
	git_oid commit;
	uint64_t seq;
	char *path;
} hplace;

/* one raw occurrence: (blob, rule+secret) for `present` */
typedef struct hocc {
	git_oid blob;
	unsigned char key[16];
} hocc;

/* A blob or tree the walk had seen before, met again at another path:
 * with the first paths (the findings') these are every place a blob sat
 * in a walked commit, which is what `present` searches the tips' trees
 * along (history_present.c). */
typedef struct halias {
	git_oid id;
	char *path;
	int is_tree;
} halias;

/* A ref (or a named revision) to a tree or a blob, straight or through
 * annotated tags: no commit holds it, yet `git clone` transfers it. */
typedef struct hroot {
	git_oid id;
	git_oid tag;   /* the annotated tag that names it (its provenance), or zero */
	int is_tree;
	char *name;    /* the ref or revision */
} hroot;

typedef struct hfound {
	lw_record *rec;
	git_oid commit;
	uint64_t seq;
} hfound;

typedef struct lw_oidlist {
	git_oid *v;
	size_t n;
} lw_oidlist;

typedef struct hctx {
	const lw_ruleset *rs;
	const lw_history_options *opts;
	lw_history_stats *st;
	const char *repo_path;
	git_repository *repo;        /* the walker's handle */
	lw_objstore *own_store;      /* the repository's store alone (new_objects_only) */
	pthread_mutex_t lock;        /* queue, stats, findings, diagnostics */
	pthread_cond_t not_empty;     /* the jobs are ready (order) or there are none (done) */
	/* every new blob the walk found, handed out in pack order (order,
	 * next) when it ends */
	hjob *batch;
	uint64_t *batch_key;
	size_t nbatch, capbatch;
	size_t *order, next;
	lw_objreader *reader;       /* the walker's, owned by repo */
	lw_scanner *sc;              /* the calling thread's, for messages */
	unsigned nworkers;
	int done, stop;
	/* findings, deduplicated by fingerprint */
	hfound *found;
	size_t nfound, capfound;
	size_t *fp_index; /* open addressing over found[], SIZE_MAX empty */
	size_t fp_cap;
	lw_oidlist plan_push, plan_hide;            /* the walk's plan, as given to libgit2 */
	lw_strlist plan_push_globs, plan_hide_globs;
	git_oid *tag_ids;  /* annotated tags named by revisions: messages scanned */
	size_t ntags;
	hocc *occ;
	size_t nocc, capocc;
	int oom;
	/* set when the walk covers every ref's tip: it then notes where
	 * objects show up again (aliases), and `present` follows only the
	 * paths where blobs with findings sat */
	int track_paths;
	int paths_lost;              /* a path was too long to note */
	hroot *roots;                /* refs to trees and blobs, walked after the commits */
	size_t nroots;
	halias *alias;
	size_t nalias;
	hplace *place;               /* every blob's other paths, by blob then seq */
	size_t nplace;
} hctx;

/* One range of the walk: contiguous commits, its own sets of seen objects
 * and the new blobs it found, walked by one thread with that thread's
 * handle and reader (the first borrows the calling thread's); a thread
 * done early takes the newer half of another range (history_diff.c). */
typedef struct hwalker {
	hctx *c;
	git_repository *repo;
	lw_objreader *reader;
	lw_scanner *sc;              /* repo, reader and sc: the walking thread's */
	lw_buf path;
	lw_oidset seen_blobs, seen_trees;
	lw_hashset placed;           /* (object, path) met, when c->track_paths */
	halias *alias;
	size_t nalias, capalias;
	hplace *place;
	size_t nplace, capplace;
	hjob *batch;
	uint64_t *batch_key;         /* pack positions */
	size_t nbatch, capbatch;
	const git_oid *ids;
	size_t lo, hi;               /* ids[lo..hi); hi lowered when another
					thread takes the rest (c->lock) */
	size_t next;                 /* the next commit to claim (c->lock) */
	int rc;
} hwalker;

typedef struct hworker {
	hctx *c;
	unsigned id;
	const hjob *job;
	const char *kind_path; /* "<commit message>" etc. or NULL */
} hworker;

/* A tree's bytes: from our reader, or from libgit2 for objects only its
 * pack backends hold. */
typedef struct htree {
	const unsigned char *data;
	size_t len;
	lw_obj obj;
	git_odb_object *gobj;
} htree;

/* quiet: a version that cannot be read is not reported (a parent's was
 * reported with the parent's own commit) */
int lw_htree_read(hwalker *w, const unsigned char *id, htree *t, int quiet);
void lw_htree_release(hwalker *w, htree *t);

/* An octopus merge's parents, bounded only by what a commit may hold */
#define LW_MAX_PARENTS ((size_t)1 << 20)

/* A commit as the walk needs it, parsed from our reader's bytes; parents
 * in few[] or, past them, malloc'd (lw_hist_commit_release). Not to be
 * copied: parents may point into the struct. history_commit.c */
typedef struct hcommit {
	git_oid tree;
	git_oid *parents;
	size_t nparents, cap;
	git_oid few[8];
	int64_t time;        /* the committer's */
	const char *message; /* NUL-terminated: the reader keeps a NUL after every object */
} hcommit;
void lw_hist_commit_init(hcommit *hc);
void lw_hist_commit_release(hcommit *hc);
/* -1: out of memory or past LW_MAX_PARENTS */
int lw_hist_commit_add_parent(hcommit *hc, const git_oid *id);
/* A well-formed commit's tree, parents, committer time and message; -1 for
 * anything else (libgit2 then judges it). hc must have been initialised. */
int lw_hist_commit_parse(const unsigned char *d, size_t n, hcommit *hc);
/* "KEY<hex>\n" at *p: 1, *out, and *p past it */
int lw_hist_id_line(const unsigned char **p, const unsigned char *end, const char *key, git_oid *out);

void lw_hist_diag(hctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* opens the repository with our object reader installed; *reader is owned
 * by *out and used on the calling thread only */
int lw_hist_open(git_repository **out, lw_objreader **reader, size_t cache, const hctx *c,
	lw_error *err);
int lw_hist_on_finding(const lw_finding *f, void *payload);
void lw_hist_on_diag(const lw_diag *d, void *payload);
int lw_hist_finish(hctx *c, lw_report *out);
/* Fills recs[i]->present (and has_present) with the refs whose tip holds,
 * anywhere in its tree, a blob that had a finding with key keys[i]; c->occ
 * must be sorted. history_present.c */
int lw_hist_present(hctx *c, const unsigned char (*keys)[16], lw_record **recs, size_t nrecs);
void lw_hist_count(hctx *c, uint64_t *field, uint64_t n);
void lw_hist_scan_text(hctx *c, lw_scanner *sc, const char *text, const char *kind,
	const git_oid *id, uint64_t seq);
/* Walks ids[0..n) (oldest first) with up to nwalkers walkers; c->batch
 * then holds every new blob with the oldest commit and path that brought it. */
int lw_hist_walk(hctx *c, const git_oid *ids, size_t n, unsigned nwalkers);
/* history_place.c: a blob met again at a new path; the walkers' notes
 * merged and handed to their jobs; a finding copied to each other path */
int lw_hist_place_note(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path);
int lw_hist_places_merge(hctx *c, hwalker *ws, size_t nw);
void lw_hist_places_dispose(hplace *v, size_t n);
int lw_hist_place_reported(const hctx *c, const lw_finding *f, const char *path);
void lw_hist_release(hctx *c);
/* A walker's commits done: notes what a tree or blob ref holds (c->roots),
 * at seq first_seq onwards. history_roots.c */
int lw_hist_walk_roots(hwalker *w, uint64_t first_seq);
/* Notes obj (a tree, blob or a tag leading to one) named `name` as a root;
 * 1 when it is one, 0 when obj leads to a commit, <0 on error. */
int lw_hist_add_root(hctx *c, const git_object *obj, const char *name);
/* A damaged packed-refs file: its bad lines reported (one error), the refs
 * of its good lines pushed on walk. history_packed.c */
int lw_hist_plan_packed(hctx *c, git_revwalk *walk);
/* pushes (or hides) id on walk, and records it for history_walk.c. history.c */
int lw_hist_plan_oid(hctx *c, git_revwalk *walk, const git_oid *id, int hide);
/* history_diff.c */
void lw_hist_walker_init(hwalker *w, hctx *c, const git_oid *ids, size_t lo, size_t hi);
int lw_hist_push(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path);
int lw_hist_walk_tree(hwalker *w, const htree *t, const htree *parents, size_t np, uint64_t seq,
	const git_oid *commit, const unsigned char *tree_id, unsigned depth);
/* Walks the recorded plan without libgit2's revwalk: commits reachable from
 * the pushed ids and not from the hidden ones, oldest first (parents before
 * children, then by time), stepping over missing parents. *out is malloc'd. */
int lw_hist_ownwalk(hctx *c, git_oid **out, size_t *n);

#endif
