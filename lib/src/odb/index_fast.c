/*
 * index_fast.c - what the index stages over HEAD, found without reading
 * all of HEAD: the index's cache-tree extension names, per directory, the
 * tree the staged entries would make; a directory whose cached tree equals
 * HEAD's is skipped whole. Only the directories `git add` touched are
 * compared entry by entry. Split and sparse indexes, SHA-256 repositories
 * and indexes without a cache-tree (or one deeper than its bound) are left
 * to the general diff (return 1), over the index index_load.c builds.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "odb/index_fast.h"
#include "odb/index_parse.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int lw_ix_read_file(ix *x, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > IX_MAX_SIZE || st.st_size < 32) {
		close(fd);
		return 1;
	}
	x->len = (size_t)st.st_size;
	/* mapped, not copied: a large repository's index is megabytes that
	 * are read once, and a copy costs the copy and fresh pages */
	void *m = mmap(NULL, x->len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m != MAP_FAILED) {
		close(fd);
		x->buf = m;
		x->mapped = 1;
		return 0;
	}
	x->buf = malloc(x->len + 1);
	while (x->buf && got < x->len) {
		ssize_t r = read(fd, x->buf + got, x->len - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (x->buf)
		x->buf[x->len] = '\0'; /* a guard byte: the parser never relies on it */
	return x->buf && got == x->len ? 0 : 1;
}

/* A decimal number in [*pos, end) followed by `term`: bounded by the
 * extension's end, never by a terminator past it (a fuzzer's buffer has none). */
static int ix_number(const unsigned char *p, size_t *pos, size_t end, char term, long *out)
{
	size_t i = *pos;
	int neg = 0, digits = 0;
	long v = 0;

	if (i < end && p[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < end && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
		if (v > 100000000L)
			return 1;
		v = v * 10 + (p[i] - '0');
	}
	if (!digits || i >= end || p[i] != (unsigned char)term)
		return 1;
	*out = neg ? -v : v;
	*pos = i + 1;
	return 0;
}

static int ix_parse_node(ix *x, ix_node *nd, size_t *pos, size_t end, int depth)
{
	const unsigned char *p = x->buf;

	if (depth > 4096)
		return 1;
	const unsigned char *nul = memchr(p + *pos, '\0', end - *pos);
	if (!nul)
		return 1;
	nd->name = (const char *)p + *pos;
	*pos = (size_t)(nul - p) + 1;
	if (ix_number(p, pos, end, ' ', &nd->count) || ix_number(p, pos, end, '\n', &nd->nsub) ||
	    nd->nsub < 0 || nd->nsub > 1000000)
		return 1;
	if (nd->count >= 0) {
		if (*pos + GIT_OID_RAWSZ > end)
			return 1;
		git_oid_fromraw(&nd->oid, p + *pos);
		*pos += GIT_OID_RAWSZ;
	}
	if (nd->nsub) {
		nd->sub = calloc((size_t)nd->nsub, sizeof(ix_node));
		if (!nd->sub)
			return 1;
		for (long i = 0; i < nd->nsub; i++)
			if (ix_parse_node(x, &nd->sub[i], pos, end, depth + 1))
				return 1;
	}
	return 0;
}

void lw_ix_free_node(ix_node *nd)
{
	for (long i = 0; i < nd->nsub && nd->sub; i++)
		lw_ix_free_node(&nd->sub[i]);
	free(nd->sub);
}

int lw_ix_parse(ix *x)
{
	const unsigned char *p = x->buf;
	uint32_t version, n;
	size_t pos = 12, end = x->len - GIT_OID_RAWSZ;

	if (memcmp(p, "DIRC", 4))
		return 1;
	version = be32(p + 4);
	n = be32(p + 8);
	/* every entry takes at least 62 bytes (v4: 63): a count the file
	 * cannot hold is refused before anything is allocated for it */
	if (version < 2 || version > 4 || n > 10000000 || n > (x->len - 32) / 62)
		return 1;
	x->e = calloc(n ? n : 1, sizeof(ix_entry));
	lw_buf_init(&x->paths, 0);
	if (!x->e)
		return 1;
	size_t prev = 0, prevlen = 0; /* v4: offset of the previous path in x->paths */
	for (uint32_t i = 0; i < n; i++) {
		if (pos + 62 > end)
			return 1;
		ix_entry *e = &x->e[i];
		e->mode = be32(p + pos + 24);
		e->oid = (const git_oid *)(p + pos + 40); /* git_oid_rawsz_check: 20 bytes */
		uint16_t flags = (uint16_t)(p[pos + 60] << 8 | p[pos + 61]);
		e->stage = (flags >> 12) & 3;
		size_t hdr = 62 + ((flags & 0x4000) && version >= 3 ? 2 : 0);
		e->skip_worktree = version >= 3 && (flags & 0x4000) && pos + hdr <= end &&
			(p[pos + 62] & 0x40);
		if (e->skip_worktree) /* a sparse checkout */
			x->sparse = 1;
		size_t ps = pos + hdr;
		if (version < 4) {
			const unsigned char *nul = memchr(p + ps, '\0', end > ps ? end - ps : 0);
			if (!nul)
				return 1;
			size_t plen = (size_t)(nul - p) - ps;
			e->path = (const char *)p + ps;
			pos += (hdr + plen + 8) & ~(size_t)7;
		} else {
			size_t strip = 0, shift = 0;
			unsigned char c;
			/* git's offset varint: 7 bits a byte, +1 per continuation */
			do {
				if (ps >= end || shift > 56)
					return 1;
				c = p[ps++];
				strip = (strip << 7) | (c & 0x7f);
				if (c & 0x80)
					strip++;
				shift += 7;
			} while (c & 0x80);
			if (strip > prevlen)
				return 1;
			const unsigned char *nul = memchr(p + ps, '\0', end > ps ? end - ps : 0);
			if (!nul)
				return 1;
			size_t slen = (size_t)(nul - p) - ps, keep = prevlen - strip, at = x->paths.len;
			if (lw_buf_reserve(&x->paths, keep + slen + 1) < 0)
				return 1;
			memmove(x->paths.data + at, x->paths.data + prev, keep);
			memcpy(x->paths.data + at + keep, p + ps, slen);
			x->paths.len = at + keep + slen;
			x->paths.data[x->paths.len++] = '\0';
			e->path = (const char *)(uintptr_t)at; /* fixed up below: the pool moves */
			prev = at;
			prevlen = keep + slen;
			pos = (size_t)(nul - p) + 1;
		}
	}
	if (version == 4)
		for (uint32_t i = 0; i < n; i++)
			x->e[i].path = x->paths.data + (uintptr_t)x->e[i].path;
	x->n = n;
	while (pos + 8 <= end) {
		uint32_t sz = be32(p + pos + 4);
		if (pos + 8 + sz > end)
			return 1;
		if (!memcmp(p + pos, "TREE", 4)) {
			size_t tp = pos + 8;
			/* a cache-tree deeper than the bound only loses the fast path;
			 * a second TREE extension replaces the first */
			lw_ix_free_node(&x->root);
			memset(&x->root, 0, sizeof(x->root));
			x->has_tree = ix_parse_node(x, &x->root, &tp, pos + 8 + sz, 0) == 0;
		} else if (!memcmp(p + pos, "link", 4)) {
			x->link = p + pos + 8; /* a split index */
			x->link_len = sz;
		} else if (!memcmp(p + pos, "sdir", 4)) {
			x->sparse = 1;
		}
		pos += 8 + sz;
	}
	return 0;
}

/* ---- comparing with HEAD -------------------------------------------- */

typedef struct ix_walk {
	git_repository *repo;
	const ix *x;
	git_oid *gone;     /* blobs of HEAD the index no longer has: renames' sources */
	size_t ngone;
	lw_buf clean;      /* NUL-separated clean directory prefixes ("a/b/") */
	size_t nclean;
	lw_changes *out;
} ix_walk;

static int ix_entry_cmp(const void *key, const void *e)
{
	return strcmp((const char *)key, ((const ix_entry *)e)->path);
}

static int ix_gone_add(ix_walk *w, const git_oid *id)
{
	if (w->ngone >= 100000)
		return 0;
	git_oid *v = lw_reallocarray(w->gone, w->ngone + 1, sizeof(*v));
	if (!v)
		return -1;
	w->gone = v;
	v[w->ngone++] = *id;
	return 0;
}

static int ix_gone_tree(ix_walk *w, const git_oid *tid, int depth)
{
	git_tree *t = NULL;

	if (depth > 64 || w->ngone >= 100000 || git_tree_lookup(&t, w->repo, tid) < 0)
		return 0;
	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
			ix_gone_add(w, git_tree_entry_id(e));
		else if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			ix_gone_tree(w, git_tree_entry_id(e), depth + 1);
	}
	git_tree_free(t);
	return 0;
}

/* In a directory the index changed, what did HEAD have that is gone? */
static void ix_collect_gone(ix_walk *w, const ix_node *nd, git_tree *head, lw_buf *prefix)
{
	size_t base = prefix->len;

	for (size_t i = 0; head && i < git_tree_entrycount(head); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(head, i);
		const char *name = git_tree_entry_name(e);
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			prefix->len = base;
			lw_buf_puts(prefix, name);
			if (!prefix->overflow && w->x->n && !bsearch(prefix->data, w->x->e, w->x->n, sizeof(ix_entry),
							  ix_entry_cmp))
				ix_gone_add(w, git_tree_entry_id(e));
		} else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			int kept = 0;
			for (long k = 0; k < nd->nsub && !kept; k++)
				kept = strcmp(nd->sub[k].name, name) == 0;
			if (!kept)
				ix_gone_tree(w, git_tree_entry_id(e), 0);
		}
	}
	prefix->len = base;
	if (prefix->data)
		prefix->data[base] = '\0';
}

static int ix_mark_clean(ix_walk *w, const ix_node *nd, git_tree *head, lw_buf *prefix)
{
	size_t base = prefix->len;

	if (head && nd->count >= 0 && git_oid_equal(&nd->oid, git_tree_id(head))) {
		lw_buf_put(&w->clean, prefix->data ? prefix->data : "", prefix->len);
		lw_buf_putc(&w->clean, '\0');
		w->nclean++;
		return 0;
	}
	ix_collect_gone(w, nd, head, prefix);
	for (long i = 0; i < nd->nsub; i++) {
		const ix_node *c = &nd->sub[i];
		git_tree *sub = NULL;
		const git_tree_entry *te = head ? git_tree_entry_byname(head, c->name) : NULL;
		/* a still-valid subtree equal to HEAD's entry needs no tree read */
		if (te && c->count >= 0 && git_oid_equal(git_tree_entry_id(te), &c->oid)) {
			prefix->len = base;
			lw_buf_puts(prefix, c->name);
			lw_buf_putc(prefix, '/');
			lw_buf_put(&w->clean, prefix->data, prefix->len);
			lw_buf_putc(&w->clean, '\0');
			w->nclean++;
			continue;
		}
		if (te && git_tree_entry_type(te) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, w->repo, git_tree_entry_id(te)) < 0)
			return -1;
		prefix->len = base;
		lw_buf_puts(prefix, c->name);
		lw_buf_putc(prefix, '/');
		int rc = ix_mark_clean(w, c, sub, prefix);
		git_tree_free(sub);
		if (rc < 0)
			return rc;
	}
	prefix->len = base;
	return prefix->overflow ? -1 : 0;
}

static int ix_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How long the clean directory holding `path` is, plus one (the root ""
 * gives 1); 0 if no directory holding it is clean. */
static size_t ix_clean_prefix(const char *path, const char **clean, size_t n)
{
	char dir[4096];
	const char *key = dir;

	for (size_t i = 0;; i++) {
		if (i >= sizeof(dir) - 1)
			return 0;
		if (i == 0 || path[i - 1] == '/') {
			dir[i] = '\0';
			if (n && bsearch(&key, clean, n, sizeof(char *), ix_str_cmp))
				return i + 1;
		}
		if (!path[i])
			return 0;
		dir[i] = path[i];
	}
}

static int ix_add_change(lw_changes *out, const ix_entry *e, const git_oid *old)
{
	lw_change *v = lw_reallocarray(out->v, out->n + 1, sizeof(*v));

	if (!v)
		return -1;
	out->v = v;
	v[out->n].path = lw_strdup(e->path);
	v[out->n].new_id = *e->oid;
	v[out->n].has_old = old != NULL;
	if (old)
		v[out->n].old_id = *old;
	if (!v[out->n].path)
		return -1;
	out->n++;
	return 0;
}

int lw_index_changes(git_repository *repo, const char *index_path, lw_changes *out)
{
	ix x;
	ix_walk w;
	git_object *head = NULL;
	lw_buf prefix;
	const char **clean = NULL;
	int rc = 1;

	memset(&x, 0, sizeof(x));
	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	lw_buf_init(&prefix, 1 << 16);
	lw_buf_init(&w.clean, 0);
	w.repo = repo;
	w.x = &x;
	if (git_oid_rawsz_check() || lw_ix_read_file(&x, index_path) || lw_ix_parse(&x) ||
	    !x.has_tree || x.link || x.sparse)
		goto done;
	if (git_revparse_single(&head, repo, "HEAD^{tree}") < 0) {
		git_error_clear();
		goto done; /* unborn HEAD: everything is new, the general diff is as fast */
	}
	if (ix_mark_clean(&w, &x.root, (git_tree *)head, &prefix) < 0)
		goto done;
	clean = calloc(w.nclean ? w.nclean : 1, sizeof(char *));
	if (!clean)
		goto done;
	for (size_t i = 0, o = 0; i < w.nclean; i++) {
		clean[i] = w.clean.data + o;
		o += strlen(clean[i]) + 1;
	}
	if (w.nclean)
		qsort(clean, w.nclean, sizeof(char *), ix_str_cmp);
	rc = 0;
	for (size_t i = 0; i < x.n && rc == 0; i++) {
		const ix_entry *e = &x.e[i];
		git_tree_entry *te = NULL;
		if (e->stage != 0 || e->mode == 0160000)
			continue;
		size_t cl = ix_clean_prefix(e->path, clean, w.nclean);
		if (cl) {
			/* the index is sorted: the entries after it under the same
			 * clean directory are clean too, without a search each */
			while (i + 1 < x.n && !strncmp(x.e[i + 1].path, e->path, cl - 1))
				i++;
			continue;
		}
		if (git_tree_entry_bypath(&te, (git_tree *)head, e->path) < 0) {
			git_error_clear();
			int renamed = 0;
			/* content that only moved is not new: its secrets are not either */
			for (size_t g = 0; g < w.ngone && !renamed; g++)
				renamed = git_oid_equal(&w.gone[g], e->oid);
			if (!renamed)
				rc = ix_add_change(out, e, NULL) < 0 ? -1 : 0;
			continue;
		}
		if (!git_oid_equal(git_tree_entry_id(te), e->oid))
			rc = ix_add_change(out, e, git_tree_entry_type(te) == GIT_OBJECT_BLOB ?
				git_tree_entry_id(te) : NULL) < 0 ? -1 : 0;
		git_tree_entry_free(te);
	}
	if (rc == 0) {
		out->gone = w.gone;
		out->ngone = w.ngone;
		w.gone = NULL;
	}
done:
	free(clean);
	free(w.gone);
	git_object_free(head);
	lw_ix_release(&x);
	lw_buf_release(&prefix);
	lw_buf_release(&w.clean);
	if (rc != 0)
		lw_changes_release(out);
	return rc;
}

void lw_ix_release(ix *x)
{
	lw_ix_free_node(&x->root);
	free(x->e);
	if (x->mapped)
		munmap(x->buf, x->len);
	else
		free(x->buf);
	lw_buf_release(&x->paths);
	memset(x, 0, sizeof(*x));
}

void lw_changes_release(lw_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	free(c->gone);
	memset(c, 0, sizeof(*c));
}
