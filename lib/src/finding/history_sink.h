/* history_sink.h - where a history scan's findings meet (history_sink.c),
 * the other paths of a blob (history_place.c), and `present`
 * (history_present.c). Below the history source: nothing here calls up
 * into source/. */
#ifndef LW_HISTORY_SINK_H
#define LW_HISTORY_SINK_H

#include <git2.h>

#include "internal.h"
#include "odb/objstore.h"
#include "odb/oidset.h"

#define LW_MAX_TREE_DEPTH 512
/* paths up to 1 MiB (4096 levels of 255-byte names) are kept whole;
 * past that a blob is scanned under its path's first and last
 * LW_PATH_SHOWN bytes */
#define LW_MAX_PATH (1 << 20)
#define LW_PATH_SHOWN 1024
/* Inflated objects the readers keep as delta bases, shared out among the
 * walkers (trees), among the workers (blobs, read in pack order) and among
 * the threads of `present`, each reader keeping at least LW_MIN_CACHE. The
 * walkers' 128 MiB applied no fewer deltas than 64 MiB on a 5.6M-object
 * history (and 4 % fewer on git's), at 100 MiB more peak RSS. */
#define LW_WALKERS_CACHE ((size_t)64 << 20)
#define LW_PRESENT_CACHE ((size_t)128 << 20)
#define LW_WORKERS_CACHE ((size_t)64 << 20)
#define LW_MIN_CACHE ((size_t)16 << 20)
#define LW_SHARE_CACHE(total, n) ((total) / (n) > LW_MIN_CACHE ? (total) / (n) : LW_MIN_CACHE)
#define LW_IDLE_CACHE ((size_t)4 << 20)

/* A blob to scan with the commit and path that brought it first (its
 * provenance), and its other paths: sink->place[first..first+n). The
 * path is not the job's: it lives as long as the scan. */
typedef struct hjob {
	git_oid blob;
	git_oid commit;
	uint64_t seq;
	const char *path;
	size_t place_first, place_n;
	uint64_t key; /* where it lies in the scan's store (hjobrec.key) */
	int base;     /* another job's blob may be a delta of it */
} hjob;

/* A blob the walk had seen before, met at a path where it had not been:
 * its findings are reported there too, introduced by this commit
 * (history_place.c). The path is interned: not the place's. */
typedef struct hplace {
	git_oid blob;
	git_oid commit;
	uint64_t seq;
	const char *path;
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

/* The findings of a history scan, deduplicated by fingerprint, with the
 * lock every thread of the scan takes for them, its statistics and its
 * diagnostics. */
typedef struct hsink {
	const lw_ruleset *rs;
	const lw_history_options *opts;
	lw_history_stats *st;
	pthread_mutex_t lock;
	hfound *found;
	size_t nfound, capfound;
	size_t *fp_index; /* open addressing over found[], SIZE_MAX empty */
	size_t fp_cap;
	hocc *occ;
	size_t nocc, capocc;
	hplace *place;    /* every blob's other paths, by blob then seq */
	size_t nplace;
	int oom;
} hsink;

/* What `present` searches: the tips of repo, along the noted paths or
 * through their whole trees. */
typedef struct hpresent_in {
	git_repository *repo;    /* the calling thread's, with its reader */
	lw_objreader *reader;
	const char *repo_path;   /* where more threads open their own handles */
	const lw_history_options *opts;
	unsigned nthreads;
	const halias *alias;     /* where objects showed up again */
	size_t nalias;
	const hroot *roots;      /* refs to trees and blobs */
	size_t nroots;
	int follow_paths;        /* the walk noted every path of every tip's blobs */
	const int *stop;         /* the scan gave up */
} hpresent_in;

void lw_hsink_init(hsink *s, const lw_ruleset *rs, const lw_history_options *opts,
	lw_history_stats *st);
void lw_hsink_diag(hsink *s, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a diagnostic from a scanner, under the lock */
void lw_hsink_pass_diag(hsink *s, const lw_diag *d);
void lw_hsink_count(hsink *s, uint64_t *field, uint64_t n);
/* A finding of job's blob, at its path and at each of its other paths */
void lw_hsink_add(hsink *s, const lw_finding *f, const hjob *job);
/* Provenance and `present` filled in, the records moved into out */
int lw_hsink_finish(hsink *s, const hpresent_in *in, lw_report *out);
void lw_hsink_release(hsink *s);

/* history_place.c: the places of a blob; a finding copied to each other
 * path unless that path is allowed */
void lw_hist_places_dispose(hplace *v, size_t n);
/* the places of blob in the sink's sorted list: s->place[*first..*first+*n) */
void lw_hist_places_of(const hsink *s, const git_oid *blob, size_t *first, size_t *n);
int lw_hist_place_reported(const lw_ruleset *rs, const lw_finding *f, const char *path);

/* Fills recs[i]->present (and has_present) with the refs whose tip holds,
 * anywhere in its tree, a blob that had a finding with key keys[i]; occ
 * must be sorted. LW_ELIMIT: too many to tell, has_present cleared.
 * history_present.c */
int lw_hist_present(const hpresent_in *in, const hocc *occ, size_t nocc,
	const unsigned char (*keys)[16], lw_record **recs, size_t nrecs);
/* present_search.c: root_hits[i] gets the list [n, hit...] of the hits
 * roots[i] holds, along the noted paths when follow (and they can all be
 * followed), else through the whole trees */
int lw_hist_present_search(const hpresent_in *in, int follow, lw_record **recs, size_t nrecs,
	const git_oid *hits, size_t nhits, const git_oid *roots, size_t nroots, uint32_t **root_hits);

#endif
