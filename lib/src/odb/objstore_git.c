#define _GNU_SOURCE
/*
 * objstore_git.c - our object reader as a libgit2 ODB backend. A repository
 * handle gets a fresh object database: this backend first (every pack we can
 * parse and every loose object), then libgit2's own pack backends for packs
 * we could not parse. libgit2's loose backend is left out on purpose: in
 * 1.5.1 it loops for ever on a truncated loose object and overflows a buffer
 * on one whose header under-states its size. Handles on the same object
 * directories share one store (objstore_share.c), each with its own reader.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include "internal.h"
#include "odb/objstore_int.h"
#include "odb/objstore_git.h"
#include "odb/repo_find.h"

/* libgit2 asks for whole objects; the bound only stops a hostile header
 * from making us allocate without limit */
#define OSG_MAX_OBJECT ((uint64_t)4 << 30)

typedef struct osg_backend {
	git_odb_backend parent;
	lw_objstore *store;
	lw_objreader *reader;
} osg_backend;

static int osg_error(osg_backend *b, int rc)
{
	if (rc == LW_OBJ_MISSING)
		return GIT_ENOTFOUND;
	git_error_set_str(GIT_ERROR_ODB, lw_objreader_error(b->reader));
	return GIT_ERROR;
}

static int osg_read(void **out, size_t *len, git_object_t *type, git_odb_backend *be, const git_oid *id)
{
	osg_backend *b = (osg_backend *)be;
	lw_obj o;
	int rc = lw_objreader_read(b->reader, id->id, OSG_MAX_OBJECT, &o);

	if (rc != 0)
		return osg_error(b, rc);
	void *buf = git_odb_backend_data_alloc(be, o.len ? o.len : 1);
	if (!buf) {
		lw_obj_release(b->reader, &o);
		return GIT_ERROR;
	}
	memcpy(buf, o.data, o.len);
	*out = buf;
	*len = o.len;
	*type = (git_object_t)o.type;
	lw_obj_release(b->reader, &o);
	return 0;
}

static int osg_read_header(size_t *len, git_object_t *type, git_odb_backend *be, const git_oid *id)
{
	osg_backend *b = (osg_backend *)be;
	int t;
	uint64_t size;
	int rc = lw_objreader_header(b->reader, id->id, &t, &size);

	if (rc != 0)
		return osg_error(b, rc);
	if (size > SIZE_MAX)
		return osg_error(b, LW_ELIMIT);
	*len = (size_t)size;
	*type = (git_object_t)t;
	return 0;
}

static int osg_exists(git_odb_backend *be, const git_oid *id)
{
	return lw_objstore_exists(((osg_backend *)be)->store, id->id);
}

/* Abbreviated ids among loose objects (libgit2's pack backends answer for
 * packs): objects/xx/ listed for names that continue the prefix. */
static int osg_exists_prefix(git_oid *out, git_odb_backend *be, const git_oid *short_id, size_t len)
{
	osg_backend *b = (osg_backend *)be;
	char hex[GIT_OID_HEXSZ + 1];
	int found = 0;

	if (len < 2 || len > GIT_OID_HEXSZ)
		return GIT_ENOTFOUND;
	git_oid_tostr(hex, sizeof(hex), short_id);
	for (size_t d = 0; d < lw_objstore_dir_count(b->store); d++) {
		char path[PATH_MAX];
		DIR *dir;
		struct dirent *de;
		if ((size_t)snprintf(path, sizeof(path), "%s/%.2s", lw_objstore_dir(b->store, d), hex) >= sizeof(path) ||
		    !(dir = opendir(path)))
			continue;
		while ((de = readdir(dir))) {
			git_oid id;
			char full[GIT_OID_HEXSZ + 1];
			if (strlen(de->d_name) != GIT_OID_HEXSZ - 2 || strncmp(de->d_name, hex + 2, len - 2))
				continue;
			memcpy(full, hex, 2);
			memcpy(full + 2, de->d_name, GIT_OID_HEXSZ - 2);
			full[GIT_OID_HEXSZ] = '\0';
			if (git_oid_fromstr(&id, full) < 0)
				continue;
			if (found && !git_oid_equal(&id, out)) {
				closedir(dir);
				git_error_set_str(GIT_ERROR_ODB, "ambiguous object id prefix");
				return GIT_EAMBIGUOUS;
			}
			*out = id;
			found = 1;
		}
		closedir(dir);
	}
	return found ? 0 : GIT_ENOTFOUND;
}

static int osg_read_prefix(git_oid *out, void **data, size_t *len, git_object_t *type,
	git_odb_backend *be, const git_oid *short_id, size_t n)
{
	int rc = osg_exists_prefix(out, be, short_id, n);

	return rc < 0 ? rc : osg_read(data, len, type, be, out);
}

static void osg_free(git_odb_backend *be)
{
	osg_backend *b = (osg_backend *)be;

	lw_objreader_free(b->reader);
	lw_objstore_unshare(b->store);
	free(b);
}

/* GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES, as git sets them
 * for hooks, when the repository was found through the environment */
static int osg_dirs(git_repository *repo, int from_env, const char *const *extra, size_t nextra,
	lw_strlist *dirs)
{
	char own[PATH_MAX];
	const char *env = from_env ? getenv("GIT_OBJECT_DIRECTORY") : NULL;

	if (env && *env)
		snprintf(own, sizeof(own), "%s", env);
	else if ((size_t)snprintf(own, sizeof(own), "%sobjects", git_repository_commondir(repo)) >= sizeof(own))
		return -1;
	if (lw_strlist_push(dirs, own) < 0)
		return -1;
	for (size_t i = 0; i < nextra; i++)
		if (lw_strlist_push(dirs, extra[i]) < 0)
			return -1;
	return from_env ? lw_repo_push_env_alternates(dirs) : 0;
}

int lw_objstore_install(git_repository *repo, int from_env, const char *const *extra, size_t nextra,
	lw_objreader **reader, size_t cache_limit, lw_error *err)
{
	lw_strlist dirs = { 0 };
	osg_backend *b = NULL;
	git_odb *odb = NULL;

	if (reader)
		*reader = NULL;
	if (osg_dirs(repo, from_env, extra, nextra, &dirs) < 0 || !(b = calloc(1, sizeof(*b))) ||
	    git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION) < 0 ||
	    lw_objstore_share(&b->store, (const char *const *)dirs.v, dirs.n) < 0 ||
	    lw_objreader_new(&b->reader, b->store, cache_limit) < 0) {
		if (b) {
			lw_objreader_free(b->reader);
			lw_objstore_unshare(b->store);
		}
		free(b);
		lw_strlist_dispose(&dirs);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	lw_strlist_dispose(&dirs);
	b->parent.read = osg_read;
	b->parent.read_header = osg_read_header;
	b->parent.read_prefix = osg_read_prefix;
	b->parent.exists = osg_exists;
	b->parent.exists_prefix = osg_exists_prefix;
	b->parent.free = osg_free;
	if (git_odb_new(&odb) < 0 || git_odb_add_backend(odb, &b->parent, 2) < 0) {
		osg_free(&b->parent);
		git_odb_free(odb);
		return lw_error_set(err, LW_ENOMEM, "cannot set up the object database");
	}
	/* libgit2's pack reader for packs we left out; its failures are ours to ignore */
	for (size_t i = 0; i < lw_objstore_dir_count(b->store); i++) {
		git_odb_backend *pb = NULL;
		if (git_odb_backend_pack(&pb, lw_objstore_dir(b->store, i)) == 0 &&
		    git_odb_add_backend(odb, pb, 1) < 0)
			pb->free(pb);
	}
	git_error_clear();
	if (reader)
		*reader = b->reader;
	int rc = git_repository_set_odb(repo, odb);
	git_odb_free(odb);
	if (rc < 0) {
		if (reader)
			*reader = NULL;
		return lw_error_set(err, LW_EIO, "cannot set up the object database: %s",
			git_error_last() ? git_error_last()->message : "?");
	}
	return 0;
}
