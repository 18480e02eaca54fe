#define _GNU_SOURCE
/*
 * index_load.c - libgit2's index built from our parse of the index file,
 * never from libgit2's own: libgit2 1.5 reads the cache-tree extension
 * recursively (a 100,000-level one, checksum and all, crashed `staged`),
 * and it reads neither split indexes (core.splitIndex) nor sparse ones
 * (sparse-checkout --sparse-index), so `staged` failed on every commit for
 * their users. Here only the entries are taken: a split index's base
 * (sharedindex.<id>) is merged through its delete and replace bitmaps as
 * git's index-format.txt describes, a sparse index's directory entries are
 * expanded from their trees, and the extensions libgit2 does not need are
 * never seen by it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "odb/index_load.h"
#include "odb/index_parse.h"

/* bitmaps over at most this many entries (the parser's own bound) */
#define IL_MAX_BITS 10000000u
#define IL_MAX_DEPTH 4096

static uint32_t il_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t il_be64(const unsigned char *p)
{
	return (uint64_t)il_be32(p) << 32 | il_be32(p + 4);
}

/* One EWAH bitmap (git's ewah/ewah_io.c layout: bit count, word count,
 * 64-bit words, the last run-length word's position) into *bits, a byte a
 * bit over nbits. Run-length words: bit 0 the running bit, bits 1-32 the
 * run in words, bits 33-63 the literal words that follow. Only the first
 * max_bits are kept. */
int lw_ewah_read(const unsigned char **p, const unsigned char *end, size_t max_bits,
	unsigned char **bits, size_t *nbits)
{
	uint32_t nb, nw;
	const unsigned char *w;
	uint64_t pos = 0;

	*bits = NULL;
	*nbits = 0;
	if (end - *p < 8)
		return -1;
	nb = il_be32(*p);
	nw = il_be32(*p + 4);
	w = *p + 8;
	if (nb > IL_MAX_BITS || (uint64_t)nw * 8 + 4 > (uint64_t)(end - w))
		return -1;
	/* bits past the entries they speak of are read, not kept */
	if (nb > max_bits)
		nb = (uint32_t)max_bits;
	if (!(*bits = calloc(nb ? nb : 1, 1)))
		return -1;
	for (uint32_t i = 0; i < nw;) {
		uint64_t rlw = il_be64(w + 8 * (size_t)i++);
		uint64_t run = (rlw >> 1) & 0xffffffffu, lit = rlw >> 33;
		if (rlw & 1)
			for (uint64_t b = pos; b < nb && b < pos + run * 64; b++)
				(*bits)[b] = 1;
		pos += run * 64;
		if (lit > nw - i)
			goto bad;
		for (uint64_t k = 0; k < lit; k++, pos += 64) {
			uint64_t lw = il_be64(w + 8 * (size_t)i++);
			for (unsigned c = 0; c < 64 && lw; c++, lw >>= 1)
				if ((lw & 1) && pos + c < nb)
					(*bits)[pos + c] = 1;
		}
	}
	*p = w + (size_t)nw * 8 + 4;
	*nbits = nb;
	return 0;
bad:
	free(*bits);
	*bits = NULL;
	return -1;
}

static int il_add(git_index *idx, const char *path, const git_oid *id, uint32_t mode, int stage)
{
	git_index_entry ie;

	memset(&ie, 0, sizeof(ie));
	ie.path = path;
	ie.id = *id;
	ie.mode = mode;
	GIT_INDEX_ENTRY_STAGE_SET(&ie, stage);
	return git_index_add(idx, &ie);
}

/* a sparse index's directory entry: the blobs of its tree, as entries */
static int il_expand(git_repository *repo, git_index *idx, const git_oid *tid, lw_buf *path, int depth)
{
	git_tree *t = NULL;
	size_t base = path->len;
	int rc = 0;

	if (depth > IL_MAX_DEPTH || git_tree_lookup(&t, repo, tid) < 0)
		return -1;
	for (size_t i = 0; i < git_tree_entrycount(t) && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		path->len = base;
		lw_buf_puts(path, git_tree_entry_name(e));
		if (path->overflow) {
			rc = -1;
			break;
		}
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			lw_buf_putc(path, '/');
			rc = il_expand(repo, idx, git_tree_entry_id(e), path, depth + 1);
		} else {
			rc = il_add(idx, lw_buf_cstr(path), git_tree_entry_id(e),
				(uint32_t)git_tree_entry_filemode_raw(e), 0);
		}
	}
	path->len = base;
	git_tree_free(t);
	return rc;
}

static int il_add_entry(git_repository *repo, git_index *idx, const ix_entry *e, const char *path)
{
	lw_buf dir;
	int rc;

	if ((e->mode & 0170000) != 0040000)
		return il_add(idx, path, e->oid, e->mode, e->stage);
	/* "dir/" with its tree: outside the sparse cone, as HEAD has it */
	lw_buf_init(&dir, (size_t)1 << 20);
	lw_buf_puts(&dir, path);
	if (dir.len && dir.data[dir.len - 1] != '/')
		lw_buf_putc(&dir, '/');
	rc = il_expand(repo, idx, e->oid, &dir, 0);
	lw_buf_release(&dir);
	return rc;
}

/* The shared index a split index links to: beside the index, or in the
 * repository's directory (where git writes it). */
static int il_read_base(git_repository *repo, const char *index_path, const unsigned char *id, ix *base)
{
	char hex[41], file[PATH_MAX];
	const char *slash = strrchr(index_path, '/');

	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	if (slash)
		snprintf(file, sizeof(file), "%.*s/sharedindex.%s", (int)(slash - index_path), index_path, hex);
	else
		snprintf(file, sizeof(file), "sharedindex.%s", hex);
	if (lw_ix_read_file(base, file) != 0) {
		snprintf(file, sizeof(file), "%ssharedindex.%s", git_repository_path(repo), hex);
		if (lw_ix_read_file(base, file) != 0)
			return -1;
	}
	return lw_ix_parse(base) == 0 && !base->link ? 0 : -1;
}

/* A split index: the base's entries, less the deleted, with the replaced
 * taking their base entry's path, then the split index's own new ones. */
static int il_merge(git_repository *repo, git_index *idx, const char *index_path, const ix *x,
	lw_error *err)
{
	ix base;
	const unsigned char *p = x->link + 20, *end = x->link + x->link_len;
	unsigned char *del = NULL, *rep = NULL;
	size_t ndel = 0, nrep = 0, k = 0;
	int rc = -1;

	memset(&base, 0, sizeof(base));
	if (x->link_len < 20)
		return lw_error_set(err, LW_EIO, "%s: corrupt link extension", index_path);
	if (il_read_base(repo, index_path, x->link, &base) < 0) {
		lw_error_set(err, LW_EIO, "%s: cannot read its shared index (sharedindex.*)", index_path);
		goto done;
	}
	if (p < end && (lw_ewah_read(&p, end, base.n, &del, &ndel) < 0 ||
			  lw_ewah_read(&p, end, base.n, &rep, &nrep) < 0)) {
		lw_error_set(err, LW_EIO, "%s: corrupt link extension bitmaps", index_path);
		goto done;
	}
	for (size_t i = 0; i < base.n; i++) {
		const ix_entry *e = &base.e[i];
		int r = 0;
		if (i < nrep && rep[i]) {
			/* the replacement is the split index's next entry; its name is the base's */
			if (k >= x->n || x->e[k].path[0]) {
				lw_error_set(err, LW_EIO, "%s: corrupt link extension (replacement %zu)", index_path, k);
				goto done;
			}
			e = &x->e[k++];
		}
		if (i < ndel && del[i])
			continue;
		if ((r = il_add_entry(repo, idx, e, base.e[i].path)) < 0)
			goto gitfail;
	}
	for (; k < x->n; k++)
		if (il_add_entry(repo, idx, &x->e[k], x->e[k].path) < 0)
			goto gitfail;
	rc = 0;
	goto done;
gitfail:
	lw_error_set(err, LW_EIO, "%s: cannot load the index: %s", index_path,
		git_error_last() ? git_error_last()->message : "?");
done:
	free(del);
	free(rep);
	lw_ix_release(&base);
	return rc;
}

int lw_index_load(git_repository *repo, const char *index_path, git_index **out, lw_error *err)
{
	ix x;
	git_index *idx = NULL;
	struct stat st;
	int rc = 0;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	if (git_index_new(&idx) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	/* no index yet (a new repository): nothing is staged */
	if (stat(index_path, &st) < 0 && errno == ENOENT)
		goto ok;
	if (lw_ix_read_file(&x, index_path) != 0 || lw_ix_parse(&x) != 0) {
		rc = lw_error_set(err, LW_EIO, "cannot read the index %s: not a readable git index", index_path);
		goto done;
	}
	if (x.link) {
		if ((rc = il_merge(repo, idx, index_path, &x, err)) < 0)
			goto done;
		goto ok;
	}
	for (size_t i = 0; i < x.n; i++)
		if (il_add_entry(repo, idx, &x.e[i], x.e[i].path) < 0) {
			rc = lw_error_set(err, LW_EIO, "%s: cannot load the index: %s", index_path,
				git_error_last() ? git_error_last()->message : "?");
			goto done;
		}
ok:
	*out = idx;
	idx = NULL;
done:
	git_index_free(idx);
	lw_ix_release(&x);
	return rc;
}
