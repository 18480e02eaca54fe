#define _GNU_SOURCE
/*
 * history.c - the history source's driver. The plan (history_plan.c) says
 * what to walk; the commits come in order (history_order.c, or libgit2's
 * walk when the plan hides history); one or more walkers visit them oldest
 * first and compare each tree with its parents' (history_commits.c,
 * history_trees.c), noting every blob never seen before with the commit
 * and path that brought it; the workers (history_blobs.c) then scan those
 * blobs in pack order. Findings meet in finding/history_sink.c.
 */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

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
		lw_hsink_count(&t->c->out, &t->c->st->tags, 1);
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
	 * nothing is walked by history_order.c, faster than libgit2's walk; so
	 * is any plan in a shallow clone or past a missing commit, which
	 * libgit2 1.5 cannot walk. libgit2 walks the rest (a server's pushes
	 * hide every ref: its walk stops where the hidden history meets). */
	if (git_repository_is_shallow(c->repo) == 1 ||
	    (c->plan.hide.n == 0 && c->plan.hide_globs.n == 0)) {
		rc = lw_hist_order(c->repo, c->reader, &c->plan, &ids, &n);
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
		lw_hsink_diag(&c->out, NULL, "libgit2's history walk stopped (%s); walking around the gap",
			git_error_last() ? git_error_last()->message : "?");
		git_error_clear();
		free(ids);
		ids = NULL;
		n = 0;
		rc = lw_hist_order(c->repo, c->reader, &c->plan, &ids, &n);
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
	pthread_mutex_lock(&c->out.lock);
	c->st->commits_total = n;
	pthread_mutex_unlock(&c->out.lock);
	c->sc = sc;
	/* kept for the workers: a job names its commit by seq */
	c->commit_ids = ids;
	c->ncommits = n;
	rc = lw_hist_walk(c, ids, n, nwalkers);
	if (rc == 0)
		rc = lw_hist_queue_start(c);
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
	c->jobs.nworkers = nth;
	if ((rc = lw_hist_plan(c, &walk, err)) < 0)
		return rc;
	if (lw_scanner_new(&sc, c->rs, &c->opts->scan) < 0) {
		git_revwalk_free(walk);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	for (unsigned i = 0; i < nth; i++) {
		workers[i] = (hworker){ .c = c, .id = i };
		if (pthread_create(&th[i], NULL, lw_hist_worker_main, &workers[i]) != 0) {
			nth = i;
			break;
		}
	}
	rc = nth ? hrun_walk(c, walk, sc, nth) : lw_error_set(err, LW_ERROR, "cannot start threads");
	if (rc == 0 && c->opts->scan_messages && (c->opts->tag_messages_all || c->opts->nrevs == 0)) {
		htagscan t = { c, sc, UINT64_MAX - 1 };
		git_reference_foreach(c->repo, hplan_tag, &t);
	} else if (rc == 0 && c->opts->scan_messages) {
		for (size_t i = 0; i < c->plan.ntags; i++) {
			git_tag *tag = NULL;
			if (git_tag_lookup(&tag, c->repo, &c->plan.tag_ids[i]) < 0)
				continue;
			lw_hsink_count(&c->out, &c->st->tags, 1);
			lw_hist_scan_text(c, sc, git_tag_message(tag), "<tag message>", &c->plan.tag_ids[i],
				UINT64_MAX - 1);
			git_tag_free(tag);
		}
	}
	pthread_mutex_lock(&c->out.lock);
	c->jobs.done = 1;
	pthread_cond_broadcast(&c->jobs.not_empty);
	pthread_mutex_unlock(&c->out.lock);
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	/* every blob is scanned: `present` and the report need the findings,
	 * which hold their own commits and paths, not the jobs */
	free(c->jobs.v);
	c->jobs.v = NULL;
	c->jobs.n = c->jobs.next = 0;
	free(c->commit_ids);
	c->commit_ids = NULL;
	c->ncommits = 0;
	c->st->limit_hits += lw_scanner_limit_hits(sc);
	lw_scanner_free(sc);
	git_revwalk_free(walk);
	if (rc < 0 && err && !err->msg[0])
		lw_error_set(err, rc, "history scan failed");
	return rc;
}

/* What `present` needs of the scan */
static hpresent_in hist_present_in(const hctx *c)
{
	hpresent_in in = { c->repo, c->reader, c->repo_path, c->opts, c->jobs.nworkers, c->alias, c->nalias,
		c->roots, c->nroots, 0, &c->stop };

	in.follow_paths = c->track_paths && !c->paths_lost && !c->st->errors && !c->st->truncated;
	return in;
}

static void hist_release(hctx *c)
{
	lw_hsink_release(&c->out);
	for (size_t i = 0; i < c->nroots; i++)
		free(c->roots[i].name);
	free(c->roots);
	lw_hist_plan_release(&c->plan);
	free(c->jobs.v);
	free(c->commit_ids);
	lw_pathtab_release(&c->paths);
	pthread_mutex_destroy(&c->paths_lock);
	for (size_t i = 0; i < c->nalias; i++)
		free(c->alias[i].path);
	free(c->alias);
	lw_objstore_free(c->own_store);
	git_repository_free(c->repo);
	pthread_cond_destroy(&c->jobs.not_empty);
}

int lw_history_scan(const char *repo_path, const lw_ruleset *rs,
	const lw_history_options *opts, lw_report *out, lw_history_stats *stats, lw_error *err)
{
	lw_history_options defaults = LW_HISTORY_OPTIONS_INIT;
	hctx c;
	int rc;

	git_libgit2_init();
	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	c.rs = rs;
	c.opts = opts ? opts : &defaults;
	c.st = stats;
	c.repo_path = repo_path;
	lw_hsink_init(&c.out, rs, c.opts, stats);
	pthread_cond_init(&c.jobs.not_empty, NULL);
	pthread_mutex_init(&c.paths_lock, NULL);
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
	if (rc == 0 && (c.oom || c.out.oom))
		rc = lw_error_set(err, LW_ENOMEM, "out of memory while collecting findings");
	if (rc == 0) {
		hpresent_in in = hist_present_in(&c);
		rc = lw_hsink_finish(&c.out, &in, out);
	}
done:
	hist_release(&c);
	git_libgit2_shutdown();
	return rc;
}
