#define _GNU_SOURCE
/*
 * history_plan.c - what a history scan walks: the revisions and ranges
 * given (or every ref and HEAD), what it hides, refs to trees and blobs
 * (roots), and the refs of a damaged packed-refs file. Each push and hide
 * goes to libgit2's walk and into the plan (hplan), which history_order.c
 * can walk again without libgit2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/history.h"
#include "odb/packedrefs.h"

/* Every push and hide is applied to libgit2's walk and recorded, so the
 * plan can be walked again without libgit2 (history_order.c) when its walk
 * cannot cope: shallow clones, missing commits. */
static int hplan_oid(hctx *c, git_revwalk *walk, const git_oid *id, int hide)
{
	lw_oidlist *l = hide ? &c->plan.hide : &c->plan.push;
	git_oid *v = lw_reallocarray(l->v, l->n + 1, sizeof(*v));

	if (v) {
		l->v = v;
		v[l->n++] = *id;
	}
	return hide ? git_revwalk_hide(walk, id) : git_revwalk_push(walk, id);
}

/* Notes obj (a tree, blob or a tag leading to one) named `name` as a root:
 * no commit holds what it names, yet `git clone` and `git fetch --tags`
 * transfer it, so it is walked after every commit (history_commits.c).
 * 1 when it is one, 0 when obj leads to a commit, <0 on error. */
static int hplan_add_root(hctx *c, const git_object *obj, const char *name)
{
	git_object *target = NULL;
	git_oid tag;
	hroot *v;
	int rc = 0;

	memset(&tag, 0, sizeof(tag));
	if (git_object_type(obj) == GIT_OBJECT_TAG) {
		tag = *git_object_id(obj);
		if (git_object_peel(&target, obj, GIT_OBJECT_ANY) < 0)
			return -1;
		/* tags of tags: peel to the end */
		while (git_object_type(target) == GIT_OBJECT_TAG) {
			git_object *next = NULL;
			if (git_object_peel(&next, target, GIT_OBJECT_ANY) < 0) {
				git_object_free(target);
				return -1;
			}
			git_object_free(target);
			target = next;
		}
		obj = target;
	}
	if (git_object_type(obj) != GIT_OBJECT_TREE && git_object_type(obj) != GIT_OBJECT_BLOB)
		goto done;
	for (size_t i = 0; i < c->nroots; i++)
		if (git_oid_equal(&c->roots[i].id, git_object_id(obj))) {
			rc = 1; /* one walk is enough; the first name is kept */
			goto done;
		}
	if (!(v = lw_reallocarray(c->roots, c->nroots + 1, sizeof(*v)))) {
		rc = LW_ENOMEM;
		goto done;
	}
	c->roots = v;
	v[c->nroots] = (hroot){ *git_object_id(obj), tag, git_object_type(obj) == GIT_OBJECT_TREE,
		lw_strdup(name) };
	if (!v[c->nroots].name) {
		rc = LW_ENOMEM;
		goto done;
	}
	c->nroots++;
	rc = 1;
done:
	git_object_free(target);
	return rc;
}

/* ---- a damaged packed-refs file --------------------------------------
 * libgit2 1.5 lists no ref at all when one line of it is damaged (the
 * audit then saw only HEAD, or nothing, with exit 0); git refuses the
 * file ("unexpected line"). Every line git refuses is reported and counted
 * as an unreadable object (exit 3), and the refs of the well-formed lines
 * are still walked. */

/* git's own bound on a ref name is PATH_MAX; packed-refs files of large
 * hosting forks reach hundreds of MB */
#define LW_MAX_PACKED_REFS ((size_t)1 << 30)
#define LW_MAX_PACKED_DIAGS 20

typedef struct hpacked {
	hctx *c;
	git_revwalk *walk;
	const char *file;
	size_t nbad;
} hpacked;

static void hp_bad(size_t line, const char *why, void *payload)
{
	hpacked *h = payload;

	if (h->nbad++ < LW_MAX_PACKED_DIAGS)
		lw_hsink_diag(&h->c->out, NULL, "%s:%zu: unexpected line (%s); git does not accept it", h->file,
			line, why);
}

static int hp_ref(const lw_packedref *r, void *payload)
{
	hpacked *h = payload;
	hctx *c = h->c;
	git_object *obj = NULL, *peeled = NULL;
	char name[1024];
	int rc = 0;

	snprintf(name, sizeof(name), "%.*s", (int)(r->name_len < 1000 ? r->name_len : 1000), r->name);
	if (git_object_lookup(&obj, c->repo, (const git_oid *)r->id, GIT_OBJECT_ANY) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), (const git_oid *)r->id);
		lw_hsink_diag(&c->out, name, "cannot read commit %s: %s", hex,
			git_error_last() ? git_error_last()->message : "unreadable");
		lw_hsink_count(&c->out, &c->st->errors, 1);
		git_error_clear();
		return 0;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
		(void)hplan_oid(c, h->walk, git_object_id(peeled), 0);
	else
		rc = hplan_add_root(c, obj, name) == LW_ENOMEM ? LW_ENOMEM : 0;
	git_error_clear();
	git_object_free(peeled);
	git_object_free(obj);
	return rc == LW_ENOMEM ? rc : 0;
}

static int hplan_packed(hctx *c, git_revwalk *walk)
{
	char file[4096];
	struct stat st;
	unsigned char *buf = NULL;
	FILE *f;
	hpacked h = { c, walk, file, 0 };
	int rc = 0;

	snprintf(file, sizeof(file), "%spacked-refs", git_repository_commondir(c->repo));
	if (!(f = fopen(file, "rb")))
		return 0;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > LW_MAX_PACKED_REFS) {
		lw_hsink_diag(&c->out, NULL, "%s: cannot read (%s)", file,
			S_ISREG(st.st_mode) ? "over 1 GiB" : "not a regular file");
		lw_hsink_count(&c->out, &c->st->errors, 1);
		goto done;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		rc = LW_ENOMEM;
		goto done;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		lw_hsink_diag(&c->out, NULL, "%s: cannot read (%s)", file, strerror(errno));
		lw_hsink_count(&c->out, &c->st->errors, 1);
		goto done;
	}
	/* a first pass only judges: a sound file is libgit2's to list */
	if (lw_packedrefs_parse(buf, (size_t)st.st_size, NULL, hp_bad, &h) <= 0)
		goto done;
	if (h.nbad > LW_MAX_PACKED_DIAGS)
		lw_hsink_diag(&c->out, NULL, "%s: %zu more unexpected lines", file, h.nbad - LW_MAX_PACKED_DIAGS);
	lw_hsink_count(&c->out, &c->st->errors, 1);
	rc = lw_packedrefs_parse(buf, (size_t)st.st_size, hp_ref, NULL, &h);
	if (rc > 0)
		rc = 0;
done:
	free(buf);
	fclose(f);
	return rc;
}

/* Refs one by one rather than libgit2's push_glob, which gives up on the
 * whole glob when one ref names a commit it cannot parse. */
static int hplan_glob(hctx *c, git_revwalk *walk, const char *glob, int hide)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char pat[1024];
	int rc;

	/* an allocation failure only loses the glob for history_order.c */
	(void)lw_strlist_push(hide ? &c->plan.hide_globs : &c->plan.push_globs, glob);
	snprintf(pat, sizeof(pat), "%s%s", strncmp(glob, "refs/", 5) ? "refs/" : "", glob);
	if ((rc = git_reference_iterator_glob_new(&it, c->repo, pat)) < 0)
		goto broken;
	while ((rc = git_reference_next(&ref, it)) == 0) {
		git_object *obj = NULL;
		if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
			if ((hide ? git_revwalk_hide(walk, git_object_id(obj))
				  : git_revwalk_push(walk, git_object_id(obj))) < 0 && !hide) {
				lw_hsink_diag(&c->out, git_reference_name(ref), "cannot walk from this ref: %s",
					git_error_last() ? git_error_last()->message : "?");
				lw_hsink_count(&c->out, &c->st->errors, 1);
			}
		} else if (!hide && git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			git_object *any = NULL;
			/* a ref to a tree or blob holds no history, but what it names
			 * is walked (history_commits.c); a broken one is an error */
			int root = git_object_lookup(&any, c->repo, git_reference_target(ref), GIT_OBJECT_ANY) < 0
				? -1 : hplan_add_root(c, any, git_reference_name(ref));
			if (root == LW_ENOMEM) {
				c->oom = 1;
			} else if (root <= 0) {
				char hex[GIT_OID_HEXSZ + 1];
				git_oid_tostr(hex, sizeof(hex), git_reference_target(ref));
				lw_hsink_diag(&c->out, git_reference_name(ref), "cannot read commit %s: %s", hex,
					git_error_last() ? git_error_last()->message : "unreadable");
				lw_hsink_count(&c->out, &c->st->errors, 1);
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
		lw_hsink_diag(&c->out, NULL, "cannot list the refs: %s",
			git_error_last() ? git_error_last()->message : "?");
		lw_hsink_count(&c->out, &c->st->errors, 1);
	}
	git_error_clear();
	/* libgit2 lists no ref past a damaged line of packed-refs, and accepts
	 * some lines git refuses: its good lines are walked, the bad reported */
	return hplan_packed(c, walk) == LW_ENOMEM ? LW_ENOMEM : 0;
}

static void hplan_head(hctx *c, git_revwalk *walk)
{
	git_oid head;

	if (git_reference_name_to_id(&head, c->repo, "HEAD") == 0)
		hplan_oid(c, walk, &head, 0);
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
				rc = hplan_oid(c, walk, &base, 1);
			if (rc == 0)
				rc = hplan_oid(c, walk, git_object_id(rs.from), 0);
			if (rc == 0)
				rc = hplan_oid(c, walk, git_object_id(rs.to), 0);
		} else {
			rc = hplan_oid(c, walk, git_object_id(rs.from), 1);
			if (rc == 0)
				rc = hplan_oid(c, walk, git_object_id(rs.to), 0);
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
	if (!hide && git_object_type(obj) == GIT_OBJECT_TAG && c->plan.ntags < 4096) {
		git_oid *v = lw_reallocarray(c->plan.tag_ids, c->plan.ntags + 1, sizeof(*v));
		if (v) {
			c->plan.tag_ids = v;
			v[c->plan.ntags++] = *git_object_id(obj);
		}
	}
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		rc = hplan_oid(c, walk, git_object_id(peeled), hide);
	} else if (!hide) {
		/* a tree or a blob: what it holds is scanned (history_commits.c) */
		git_error_clear();
		rc = hplan_add_root(c, obj, spec);
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

int lw_hist_plan(hctx *c, git_revwalk **out, lw_error *err)
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

void lw_hist_plan_release(hplan *p)
{
	free(p->tag_ids);
	free(p->push.v);
	free(p->hide.v);
	lw_strlist_dispose(&p->push_globs);
	lw_strlist_dispose(&p->hide_globs);
}
