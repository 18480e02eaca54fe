/* history.h - the history source's pieces: planning (history_plan.c),
 * commit order (history_order.c), the walk over commits
 * (history_commits.c) and trees (history_trees.c), the jobs it notes
 * (history_jobs.c), the blob workers
 * (history_blobs.c) and the driver (history.c). Findings go down to
 * finding/history_sink.c. */
#ifndef LW_HISTORY_H
#define LW_HISTORY_H

#include <git2.h>

#include "internal.h"
#include "finding/history_sink.h"
#include "odb/repo_open.h"
#include "odb/oidset.h"
#include "odb/objstore.h"

/* the fewest jobs a worker takes at once */
#define LW_HRUN 32

/* What a scanned blob's passes found, kept with it in the reader's cache
 * for its deltas: keyword hits v[0..n), then nruns base64/hex runs, then
 * nwins regex windows and ncands candidates (nruns or nwins SIZE_MAX: not
 * known), then the noff rules whose hits were left out (lw_kwhits.off),
 * for a delta at `path` (interned, hctx.paths) or at a path that leaves
 * them out too. */
typedef struct hkept {
	const char *path;
	size_t n, nruns, nwins, ncands, noff;
	int no_escape; /* lw_encruns.no_escape */
	lw_kwhit v[];
} hkept;

typedef struct lw_oidlist {
	git_oid *v;
	size_t n;
} lw_oidlist;

/* The walk's plan as given to libgit2, kept to be walked again without it
 * (history_order.c), and the annotated tags the revisions named. */
typedef struct hplan {
	lw_oidlist push, hide;
	lw_strlist push_globs, hide_globs;
	git_oid *tag_ids;  /* annotated tags named by revisions: messages scanned */
	size_t ntags;
} hplan;

/* A blob the walk found, as it keeps it until a worker takes it: a fixed
 * 40 bytes, its path a number in hctx.paths and its commit named by seq
 * (lw_hist_commit_of); a worker spells it out as an hjob. */
typedef struct hjobrec {
	git_oid blob;
	uint32_t path;
	uint64_t seq;                /* with LW_HJOB_BASE */
	uint64_t key;                /* pack position */
} hjobrec;
/* set in seq once the jobs are in pack order: the blob is the delta base
 * of another job's, so its passes are worth keeping (hw_match) */
#define LW_HJOB_BASE ((uint64_t)1 << 63)

/* a walker's jobs, in blocks of LW_HJOB_BLOCK that the merge frees as it
 * copies them: no block ever doubles */
#define LW_HJOB_BLOCK 8192
typedef struct hjoblist {
	hjobrec **blocks;
	size_t nblocks, capblocks;
	size_t n;
} hjoblist;

/* Every new blob the walk found (v), sorted into pack order and handed out
 * to the workers (next) when it ends (history_blobs.c) */
typedef struct hqueue {
	hjobrec *v;
	size_t n, next;
	pthread_cond_t not_empty;     /* the jobs are ready (ready) or there are none (done) */
	unsigned nworkers;
	int ready;
	int done;
	int bases_known;              /* LW_HJOB_BASE is set in every job that is a base */
} hqueue;

/* A history scan: its plan, the walk's results (jobs, aliases, roots),
 * the queue the workers take jobs from, and the sink the findings go to
 * (its lock guards the queue and the statistics too). */
typedef struct hctx {
	const lw_ruleset *rs;
	const lw_history_options *opts;
	lw_history_stats *st;
	const char *repo_path;
	git_repository *repo;        /* the walker's handle */
	lw_objreader *reader;       /* the walker's, owned by repo */
	lw_objstore *own_store;      /* the repository's store alone (new_objects_only) */
	hsink out;                   /* findings, statistics, diagnostics; out.lock */
	hqueue jobs;                 /* under out.lock */
	lw_scanner *sc;              /* the calling thread's, for messages */
	int stop;                    /* a worker could not start: the scan gives up */
	hplan plan;
	int oom;
	/* set when the walk covers every ref's tip: it then notes where
	 * objects show up again (aliases), and `present` follows only the
	 * paths where blobs with findings sat */
	int track_paths;
	int paths_lost;              /* a path was too long to note */
	hroot *roots;                /* refs to trees and blobs, walked after the commits */
	size_t nroots;
	/* the commits walked, oldest first: seq i is commit_ids[i], seq
	 * ncommits + k is roots[k] */
	git_oid *commit_ids;
	size_t ncommits;
	/* every path a job or a place names, shared by the walkers */
	lw_pathtab paths;
	pthread_mutex_t paths_lock;
	halias *alias;
	size_t nalias;
} hctx;

/* One range of the walk: contiguous commits, its own sets of seen objects
 * and the new blobs it found, walked by one thread with that thread's
 * handle and reader (the first borrows the calling thread's); a thread
 * done early takes the newer half of another range (history_commits.c). */
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
	hjoblist jobs;
	const git_oid *ids;
	size_t lo, hi;               /* ids[lo..hi); hi lowered when another
					thread takes the rest (c->out.lock) */
	size_t next;                 /* the next commit to claim (c->out.lock) */
	int rc;
} hwalker;

typedef struct hworker {
	hctx *c;
	unsigned id;
	const hjob *job;
	const char *kind_path; /* "<commit message>" etc. or NULL */
	/* a blob's passes, kept for its deltas (hw_match): buffers reused
	 * from blob to blob, not allocated and grown again for each */
	lw_kwhits hits;
	lw_encruns runs;
	lw_wins wins;
} hworker;

typedef lw_repo_tree htree;

/* A tree's bytes for walker w; quiet: a version that cannot be read is not
 * reported (a parent's was reported with the parent's own commit) */
int lw_htree_read(hwalker *w, const unsigned char *id, htree *t, int quiet);
void lw_htree_release(hwalker *w, htree *t);

/* An octopus merge's parents, bounded only by what a commit may hold */
#define LW_MAX_PARENTS ((size_t)1 << 20)

/* A commit as the walk needs it, parsed from our reader's bytes; parents
 * in few[] or, past them, malloc'd (lw_hist_commit_release). Not to be
 * copied: parents may point into the struct. odb/commit_parse.c */
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

/* history_plan.c: the revisions and refs to walk from and to hide, pushed
 * on a libgit2 walk and recorded in c->plan; refs to trees and blobs noted
 * in c->roots. */
int lw_hist_plan(hctx *c, git_revwalk **out, lw_error *err);
void lw_hist_plan_release(hplan *p);

/* history_order.c: the plan's commits without libgit2's revwalk:
 * reachable from the pushed ids and not from the hidden ones, oldest first
 * (parents before children, then by time), stepping over missing parents.
 * *out is malloc'd. */
int lw_hist_order(git_repository *repo, lw_objreader *reader, const hplan *plan, git_oid **out,
	size_t *n);

/* history_commits.c: walks ids[0..n) (oldest first) with up to nwalkers
 * walkers; c->jobs then holds every new blob with the oldest commit and
 * path that brought it, each with its other places in c->out.place. */
int lw_hist_walk(hctx *c, const git_oid *ids, size_t n, unsigned nwalkers);

/* history_jobs.c: a new blob noted for the workers, seq naming the commit
 * (or root) that brought it */
int lw_hist_push(hwalker *w, const git_oid *blob, uint64_t seq, const char *path);
/* a block of LW_HJOB_BLOCK jobs, mapped (NULL: out of memory), and its end */
hjobrec *lw_hist_block_new(void);
void lw_hist_block_free(hjobrec *b);
/* the commit (or the annotated tag naming a root) that seq names; zero
 * when none does */
const git_oid *lw_hist_commit_of(const hctx *c, uint64_t seq);
/* path's number in c->paths (and, str not NULL, its interned string), under
 * c->paths_lock */
int lw_hist_path_id(hctx *c, const char *path, size_t len, uint32_t *id, const char **str);

/* history_trees.c: a commit's tree against its parents' trees */
int lw_hist_walk_tree(hwalker *w, const htree *t, const htree *parents, size_t np, uint64_t seq,
	const git_oid *commit, const unsigned char *tree_id, unsigned depth);
/* a blob met again at a new path (finding/history_place.c says why) */
int lw_hist_place_note(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path);
/* an object met again at another path, for `present`; takes path */
int lw_hist_note_alias(hwalker *w, const git_oid *id, char *path, int is_tree);

/* history_blobs.c: the workers, each with its own repository handle and
 * reader, scanning c->jobs in pack order once the walk hands it over */
void *lw_hist_worker_main(void *hworker_);
int lw_hist_queue_start(hctx *c);
/* a commit's or tag's message, scanned as a blob at `kind` */
void lw_hist_scan_text(hctx *c, lw_scanner *sc, const char *text, const char *kind,
	const git_oid *id, uint64_t seq);
/* the scan's repository again, with our reader, for another thread */
int lw_hist_open(git_repository **out, lw_objreader **reader, size_t cache, const hctx *c,
	lw_error *err);

#endif
