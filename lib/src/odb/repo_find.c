/*
 * repo_find.c - the repository a hook runs in and HEAD's tree, found the
 * way git finds them, without libgit2 (repo_find.h says why). Whatever is
 * not the plain case (a working tree with a .git directory or a .git file
 * naming a linked worktree's git directory, HEAD on a branch or detached)
 * returns 1, and the caller opens the repository with libgit2 as before:
 * this path must never see a different repository, HEAD or index than
 * libgit2 would.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "odb/packedrefs.h"
#include "odb/repo_find.h"

static int rf_is(const char *path, mode_t type)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

static int rf_owned(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_uid == geteuid();
}

/* a small file's content, trailing white space cut; -1 when unreadable */
static int rf_read_line(const char *path, char *buf, size_t cap)
{
	char *all = NULL;
	size_t len = 0;

	if (lw_file_read(path, cap - 1, &all, &len) < 0)
		return -1;
	while (len && isspace((unsigned char)all[len - 1]))
		len--;
	memcpy(buf, all, len);
	buf[len] = '\0';
	free(all);
	return memchr(buf, '\0', len) ? -1 : (int)len;
}

/* "dir/" + name into out; -1 when too long */
static int rf_join(char *out, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n = snprintf(out, PATH_MAX, "%s%s%s", dir, dl && dir[dl - 1] != '/' ? "/" : "", name);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* Only a configuration that cannot change what is read here: no
 * extensions (libgit2 refuses the ones it does not know), no includes,
 * no core.worktree, format version 0 or 1. */
static int rf_config_plain(const char *common)
{
	char path[PATH_MAX], *cfg = NULL;
	size_t len = 0;
	int plain = 1;

	if (rf_join(path, common, "config") < 0)
		return 0;
	if (lw_file_read(path, (size_t)1 << 20, &cfg, &len) < 0)
		return !rf_is(path, S_IFREG) && !rf_is(path, S_IFDIR); /* none: plain */
	for (size_t i = 0; i < len; i++)
		cfg[i] = (char)tolower((unsigned char)cfg[i]);
	if (memchr(cfg, '\0', len) || strstr(cfg, "extensions") || strstr(cfg, "include") ||
	    strstr(cfg, "worktree"))
		plain = 0;
	for (const char *v = cfg; plain && (v = strstr(v, "repositoryformatversion")); v++) {
		const char *q = v + strlen("repositoryformatversion");
		while (*q == ' ' || *q == '\t' || *q == '=')
			q++;
		plain = (*q == '0' || *q == '1') && !isdigit((unsigned char)q[1]);
	}
	free(cfg);
	return plain;
}

/* A git directory as libgit2 accepts one: HEAD, and objects and refs in
 * it or in the directory its commondir file names. 0 with out filled. */
static int rf_gitdir(lw_gitdirs *out, const char *gitdir)
{
	char path[PATH_MAX], line[PATH_MAX];

	if (rf_join(out->git, gitdir, "") < 0 || rf_join(path, out->git, "HEAD") < 0 ||
	    !rf_is(path, S_IFREG) || !rf_owned(out->git))
		return 1;
	snprintf(out->common, sizeof(out->common), "%s", out->git);
	if (rf_join(path, out->git, "commondir") == 0 && rf_is(path, S_IFREG)) {
		if (rf_read_line(path, line, sizeof(line)) <= 0)
			return 1;
		if (line[0] == '/' ? rf_join(out->common, line, "") < 0
				   : rf_join(path, out->git, line) < 0 || rf_join(out->common, path, "") < 0)
			return 1;
		if (!rf_owned(out->common))
			return 1;
	}
	if (rf_join(path, out->common, "objects") < 0 || !rf_is(path, S_IFDIR) ||
	    rf_join(path, out->common, "refs") < 0 || !rf_is(path, S_IFDIR))
		return 1;
	return rf_config_plain(out->common) ? 0 : 1;
}

/* does `dir` look like a git directory itself (a bare repository, or the
 * inside of .git)? Left to libgit2. */
static int rf_looks_bare(const char *dir)
{
	char path[PATH_MAX];

	return rf_join(path, dir, "HEAD") == 0 && rf_is(path, S_IFREG) &&
	       rf_join(path, dir, "objects") == 0 && rf_is(path, S_IFDIR);
}

static int rf_env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

int lw_repo_find(lw_gitdirs *out, const char *start)
{
	char dir[PATH_MAX], path[PATH_MAX], line[PATH_MAX];
	struct stat st0, st;

	memset(out, 0, sizeof(*out));
	if (!start) {
		if (rf_env_set("GIT_COMMON_DIR") || rf_env_set("GIT_NAMESPACE") ||
		    rf_env_set("GIT_DISCOVERY_ACROSS_FILESYSTEM") || rf_env_set("GIT_WORK_TREE"))
			return 1;
		const char *env = getenv("GIT_DIR");
		if (env && *env) {
			/* libgit2 takes a ".git" directory's parent for the working
			 * tree, and checks who owns it too */
			size_t el = strlen(env);
			while (el > 1 && env[el - 1] == '/')
				el--;
			if (el >= 4 && !strncmp(env + el - 4, ".git", 4) && (el == 4 || env[el - 5] == '/')) {
				if ((size_t)snprintf(dir, sizeof(dir), "%.*s", (int)(el - 4), env) >= sizeof(dir) ||
				    !rf_owned(el == 4 ? "." : dir))
					return 1;
			}
			return rf_gitdir(out, env);
		}
		if (rf_env_set("GIT_CEILING_DIRECTORIES") || !getcwd(dir, sizeof(dir)))
			return 1;
	} else if (!realpath(start, dir)) {
		return 1;
	}
	if (stat(dir, &st0) < 0)
		return 1;
	for (;;) {
		if (rf_looks_bare(dir) || rf_join(path, dir, ".git") < 0)
			return 1;
		if (rf_is(path, S_IFDIR))
			return rf_owned(dir) ? rf_gitdir(out, path) : 1;
		if (rf_is(path, S_IFREG)) {
			/* a linked worktree or a submodule: "gitdir: <path>" */
			if (!rf_owned(dir) || !rf_owned(path) || rf_read_line(path, line, sizeof(line)) < 9 ||
			    strncmp(line, "gitdir: ", 8))
				return 1;
			if (line[8] == '/')
				return rf_gitdir(out, line + 8);
			return rf_join(path, dir, line + 8) < 0 ? 1 : rf_gitdir(out, path);
		}
		if (lstat(path, &st) == 0) /* a .git of another kind (a symlink to nowhere...) */
			return 1;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return 1; /* at the root: not a repository, libgit2 says so */
		*slash = '\0';
		/* libgit2 stops at a file system's boundary */
		if (stat(dir, &st) < 0 || st.st_dev != st0.st_dev)
			return 1;
	}
}

int lw_repo_object_dirs(const lw_gitdirs *d, int from_env, lw_strlist *dirs)
{
	char own[PATH_MAX];
	const char *env = from_env ? getenv("GIT_OBJECT_DIRECTORY") : NULL;

	if (env && *env)
		snprintf(own, sizeof(own), "%s", env);
	else if (rf_join(own, d->common, "objects") < 0)
		return -1;
	if (lw_strlist_push(dirs, own) < 0)
		return -1;
	return from_env ? lw_repo_push_env_alternates(dirs) : 0;
}

int lw_repo_push_env_alternates(lw_strlist *dirs)
{
	const char *alt = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");

	while (alt && *alt) {
		const char *colon = strchr(alt, ':');
		size_t l = colon ? (size_t)(colon - alt) : strlen(alt);
		char *one = lw_strndup(alt, l);
		if (!one || (l && lw_strlist_push(dirs, one) < 0)) {
			free(one);
			return -1;
		}
		free(one);
		alt = colon ? colon + 1 : NULL;
	}
	return 0;
}

static int rf_hex(const char *s, size_t n, unsigned char id[20])
{
	return n == 40 ? lw_hex_decode(s, 20, id) : -1;
}

/* a branch name that stays inside refs/heads as a path */
static int rf_branch_ok(const char *name)
{
	if (strncmp(name, "refs/heads/", 11) || !name[11] || strstr(name, "..") || strstr(name, "//") ||
	    strstr(name, "/.") || name[strlen(name) - 1] == '/' || strstr(name, ".lock"))
		return 0;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return 1;
}

typedef struct rf_want {
	const char *name;
	unsigned char id[20];
	int found;
} rf_want;

static int rf_packed_cb(const lw_packedref *r, void *p)
{
	rf_want *w = p;

	if (r->name_len == strlen(w->name) && !memcmp(r->name, w->name, r->name_len)) {
		memcpy(w->id, r->id, 20);
		w->found = 1;
	}
	return 0;
}

/* the branch's commit: its loose file, else packed-refs. 0, or 1 */
static int rf_branch(const lw_gitdirs *d, const char *name, unsigned char id[20])
{
	char path[PATH_MAX], line[128];
	char *packed = NULL;
	size_t len = 0;

	if (rf_join(path, d->common, name) < 0)
		return 1;
	if (rf_is(path, S_IFREG))
		return rf_read_line(path, line, sizeof(line)) == 40 && rf_hex(line, 40, id) == 0 ? 0 : 1;
	if (rf_join(path, d->common, "packed-refs") < 0 ||
	    lw_file_read(path, (size_t)1 << 30, &packed, &len) < 0)
		return 1;
	rf_want w = { name, { 0 }, 0 };
	/* a damaged line: libgit2 gives up on every ref, so its answer rules */
	int bad = lw_packedrefs_parse((const unsigned char *)packed, len, rf_packed_cb, NULL, &w);
	free(packed);
	if (bad != 0 || !w.found)
		return 1;
	memcpy(id, w.id, 20);
	return 0;
}

int lw_repo_head_tree(const lw_gitdirs *d, lw_objreader *rd, unsigned char tree[20])
{
	char path[PATH_MAX], line[PATH_MAX];
	unsigned char commit[20];
	lw_obj o;
	int len;

	if (rf_join(path, d->git, "HEAD") < 0 || (len = rf_read_line(path, line, sizeof(line))) < 0)
		return 1;
	if (!strncmp(line, "ref: ", 5)) {
		if (!rf_branch_ok(line + 5) || rf_branch(d, line + 5, commit))
			return 1;
	} else if (rf_hex(line, (size_t)len, commit) < 0) {
		return 1;
	}
	memset(&o, 0, sizeof(o));
	if (lw_objreader_read(rd, commit, (uint64_t)64 << 20, &o) != 0)
		return 1;
	int rc = o.type == LW_OBJ_COMMIT && o.len > 46 && !memcmp(o.data, "tree ", 5) && o.data[45] == '\n' &&
		rf_hex((const char *)o.data + 5, 40, tree) == 0 ? 0 : 1;
	lw_obj_release(rd, &o);
	return rc;
}
