#define _GNU_SOURCE
/*
 * history_packed.c - a damaged packed-refs file. libgit2 1.5 lists no ref
 * at all when one line of it is damaged (the audit then saw only HEAD, or
 * nothing, with exit 0); git refuses the file ("unexpected line"). Every
 * line git refuses is reported and counted as an unreadable object (exit
 * 3), and the refs of the well-formed lines are still walked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/history.h"
#include "odb/packedrefs.h"

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
		lw_hist_diag(h->c, NULL, "%s:%zu: unexpected line (%s); git does not accept it", h->file,
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
		lw_hist_diag(c, name, "cannot read commit %s: %s", hex,
			git_error_last() ? git_error_last()->message : "unreadable");
		lw_hist_count(c, &c->st->errors, 1);
		git_error_clear();
		return 0;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
		(void)lw_hist_plan_oid(c, h->walk, git_object_id(peeled), 0);
	else
		rc = lw_hist_add_root(c, obj, name) == LW_ENOMEM ? LW_ENOMEM : 0;
	git_error_clear();
	git_object_free(peeled);
	git_object_free(obj);
	return rc == LW_ENOMEM ? rc : 0;
}

int lw_hist_plan_packed(hctx *c, git_revwalk *walk)
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
		lw_hist_diag(c, NULL, "%s: cannot read (%s)", file,
			S_ISREG(st.st_mode) ? "over 1 GiB" : "not a regular file");
		lw_hist_count(c, &c->st->errors, 1);
		goto done;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		rc = LW_ENOMEM;
		goto done;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		lw_hist_diag(c, NULL, "%s: cannot read (%s)", file, strerror(errno));
		lw_hist_count(c, &c->st->errors, 1);
		goto done;
	}
	/* a first pass only judges: a sound file is libgit2's to list */
	if (lw_packedrefs_parse(buf, (size_t)st.st_size, NULL, hp_bad, &h) <= 0)
		goto done;
	if (h.nbad > LW_MAX_PACKED_DIAGS)
		lw_hist_diag(c, NULL, "%s: %zu more unexpected lines", file, h.nbad - LW_MAX_PACKED_DIAGS);
	lw_hist_count(c, &c->st->errors, 1);
	rc = lw_packedrefs_parse(buf, (size_t)st.st_size, hp_ref, NULL, &h);
	if (rc > 0)
		rc = 0;
done:
	free(buf);
	fclose(f);
	return rc;
}
