/*
 * mirror.c - a repository given by URL is fetched into a bare mirror (all
 * branches and tags, pruned, forced) with libgit2, then audited like a
 * local one. The mirror's name is a hash of the URL: no URL text reaches
 * the file system.
 */
#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "store/store.h"

/* ssh: keys from the agent, as git would offer them; other transports
 * use their own helpers (none here: no secret passes through leakwalk) */
static int mirror_cred(git_credential **out, const char *url, const char *user, unsigned int allowed,
	void *payload)
{
	int *tries = payload;

	(void)url;
	if ((allowed & GIT_CREDENTIAL_SSH_KEY) && (*tries)++ < 1)
		return git_credential_ssh_key_from_agent(out, user ? user : "git");
	return GIT_PASSTHROUGH;
}

int lw_mirror_fetch(const char *dir, const char *url, char **path, lw_error *err)
{
	static char *specs[] = { "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*" };
	git_strarray refspecs = { specs, 2 };
	git_fetch_options fo;
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	unsigned char h[32];
	char name[64], *p = NULL;
	size_t n;
	int rc = 0;

	*path = NULL;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	char parent[4096];
	snprintf(parent, sizeof(parent), "%s", dir);
	for (char *q = parent + 1; *q; q++)
		if (*q == '/') {
			*q = '\0';
			(void)mkdir(parent, 0700);
			*q = '/';
		}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return lw_error_set(err, LW_EIO, "%s: cannot make the mirror directory: %s", dir,
			strerror(errno));
	lw_sha256(url, strlen(url), h);
	for (int i = 0; i < 12; i++)
		snprintf(name + 2 * i, 3, "%02x", h[i]);
	n = strlen(dir) + strlen(name) + 8;
	if (!(p = malloc(n)))
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	snprintf(p, n, "%s/%s.git", dir, name);
	git_libgit2_init();
	if (git_repository_open_bare(&repo, p) < 0 && git_repository_init(&repo, p, 1) < 0) {
		rc = lw_error_set(err, LW_EIO, "%s: cannot make a mirror: %s", p, git_error_last()->message);
		goto done;
	}
	/* the mirror's own config holds no url.insteadOf; skipping the lookup
	 * also skips a regex libgit2 1.5 leaks */
	git_remote_create_options ro;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&remote, url, &ro) < 0) {
		rc = lw_error_set(err, LW_EIO, "cannot fetch: %s", git_error_last()->message);
		goto done;
	}
	/* a branch deleted upstream goes: its tip leaves the history */
	int tries = 0;
	fo.callbacks.credentials = mirror_cred;
	fo.callbacks.payload = &tries;
	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(remote, &refspecs, &fo, NULL) < 0) {
		rc = lw_error_set(err, LW_EIO, "cannot fetch: %s", git_error_last()->message);
		goto done;
	}
	*path = p;
	p = NULL;
done:
	free(p);
	git_remote_free(remote);
	git_repository_free(repo);
	git_error_clear();
	git_libgit2_shutdown();
	return rc;
}
