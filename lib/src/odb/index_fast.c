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
		memcpy(nd->oid.id, p + *pos, GIT_OID_RAWSZ);
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
	/* 100,000 entries are 2.4 MB: mapped with its pages made at once, not
	 * one page fault at a time */
	x->e_size = (n ? n : 1) * sizeof(ix_entry);
	void *m = mmap(NULL, x->e_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	x->e = m == MAP_FAILED ? NULL : m;
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

/* HEAD's trees come from our reader, not libgit2's: the pre-commit hook
 * must not pay for libgit2's set-up (source/staged.c). A tree the reader
 * cannot read is an error (-1): the caller then leaves the comparison to
 * libgit2's diff, whose object database may hold what ours left out. */

typedef struct ix_walk {
	lw_objreader *rd;
	const ix *x;
	git_oid *gone;     /* blobs of HEAD the index no longer has: renames' sources */
	size_t ngone;
	lw_buf clean;      /* clean directory prefixes ("a/b/"), each NUL-terminated and
			      followed by its cache-tree entry count (a long) */
	size_t nclean;
	lw_obj root;       /* HEAD's tree */
	lw_buf dir;        /* the directory `cur` is the tree of ("a/b/") */
	lw_obj cur;
	int cur_state;     /* 0: none, 1: cur is dir's tree, 2: dir is not in HEAD */
} ix_walk;

/* libgit2's entry types: a submodule is a commit, a directory a tree, any
 * other mode a blob */
static int ix_is_blob(const lw_tree_entry *e)
{
	return !lw_tree_entry_is_tree(e) && (e->mode & 0170000) != 0160000;
}

static int ix_tree_read(ix_walk *w, const unsigned char *id, lw_obj *t)
{
	memset(t, 0, sizeof(*t));
	int rc = lw_objreader_read(w->rd, id, (uint64_t)256 << 20, t);
	if (rc == 0 && t->type == LW_OBJ_TREE)
		return 0;
	if (rc == 0)
		lw_obj_release(w->rd, t);
	memset(t, 0, sizeof(*t));
	return -1;
}

static void ix_tree_release(ix_walk *w, lw_obj *t)
{
	lw_obj_release(w->rd, t);
	memset(t, 0, sizeof(*t));
}

static int ix_entry_cmp(const void *key, const void *e)
{
	return strcmp((const char *)key, ((const ix_entry *)e)->path);
}

static int ix_gone_add(ix_walk *w, const unsigned char *id)
{
	if (w->ngone >= 100000)
		return 0;
	git_oid *v = lw_reallocarray(w->gone, w->ngone + 1, sizeof(*v));
	if (!v)
		return -1;
	w->gone = v;
	memcpy(v[w->ngone++].id, id, 20);
	return 0;
}

static int ix_gone_tree(ix_walk *w, const unsigned char *tid, int depth)
{
	lw_obj t;
	lw_tree_entry e;

	if (depth > 64 || w->ngone >= 100000 || ix_tree_read(w, tid, &t) < 0)
		return 0;
	for (const unsigned char *p = t.data, *end = p + t.len; lw_tree_next(&p, end, &e) == 1;) {
		if (ix_is_blob(&e))
			ix_gone_add(w, e.id);
		else if (lw_tree_entry_is_tree(&e))
			ix_gone_tree(w, e.id, depth + 1);
	}
	ix_tree_release(w, &t);
	return 0;
}

/* In a directory the index changed, what did HEAD have that is gone? */
static void ix_collect_gone(ix_walk *w, const ix_node *nd, const lw_obj *head, lw_buf *prefix)
{
	size_t base = prefix->len;
	lw_tree_entry e;

	for (const unsigned char *p = head ? head->data : NULL, *end = p + (head ? head->len : 0);
	     head && lw_tree_next(&p, end, &e) == 1;) {
		if (ix_is_blob(&e)) {
			prefix->len = base;
			lw_buf_put(prefix, e.name, e.name_len);
			if (!prefix->overflow && w->x->n && !bsearch(prefix->data, w->x->e, w->x->n,
							  sizeof(ix_entry), ix_entry_cmp))
				ix_gone_add(w, e.id);
		} else if (lw_tree_entry_is_tree(&e)) {
			int kept = 0;
			for (long k = 0; k < nd->nsub && !kept; k++)
				kept = strlen(nd->sub[k].name) == e.name_len &&
					!memcmp(nd->sub[k].name, e.name, e.name_len);
			if (!kept)
				ix_gone_tree(w, e.id, 0);
		}
	}
	prefix->len = base;
	if (prefix->data)
		prefix->data[base] = '\0';
}

/* 1 and *out when the tree has an entry `name`, 0 when not, -1 when the
 * tree is malformed */
static int ix_tree_find(const lw_obj *t, const char *name, size_t len, lw_tree_entry *out)
{
	const unsigned char *p = t->data, *end = p + t->len;
	int rc;

	while ((rc = lw_tree_next(&p, end, out)) == 1)
		if (out->name_len == len && !memcmp(out->name, name, len))
			return 1;
	return rc;
}

static int ix_mark_clean(ix_walk *w, const ix_node *nd, const lw_obj *head, const unsigned char *head_id,
	lw_buf *prefix)
{
	size_t base = prefix->len;

	if (head && nd->count >= 0 && !memcmp(nd->oid.id, head_id, 20)) {
		lw_buf_put(&w->clean, prefix->data ? prefix->data : "", prefix->len);
		lw_buf_putc(&w->clean, '\0');
		lw_buf_put(&w->clean, &nd->count, sizeof(nd->count));
		w->nclean++;
		return 0;
	}
	ix_collect_gone(w, nd, head, prefix);
	for (long i = 0; i < nd->nsub; i++) {
		const ix_node *c = &nd->sub[i];
		lw_obj sub = { 0 };
		lw_tree_entry te;
		int found = head ? ix_tree_find(head, c->name, strlen(c->name), &te) : 0;
		if (found < 0)
			return -1;
		/* a still-valid subtree equal to HEAD's entry needs no tree read */
		if (found && c->count >= 0 && !memcmp(te.id, c->oid.id, 20)) {
			prefix->len = base;
			lw_buf_puts(prefix, c->name);
			lw_buf_putc(prefix, '/');
			lw_buf_put(&w->clean, prefix->data, prefix->len);
			lw_buf_putc(&w->clean, '\0');
			lw_buf_put(&w->clean, &c->count, sizeof(c->count));
			w->nclean++;
			continue;
		}
		int is_tree = found && lw_tree_entry_is_tree(&te);
		if (is_tree && ix_tree_read(w, te.id, &sub) < 0)
			return -1;
		prefix->len = base;
		lw_buf_puts(prefix, c->name);
		lw_buf_putc(prefix, '/');
		int rc = ix_mark_clean(w, c, is_tree ? &sub : NULL, is_tree ? te.id : NULL, prefix);
		ix_tree_release(w, &sub);
		if (rc < 0)
			return rc;
	}
	prefix->len = base;
	return prefix->overflow ? -1 : 0;
}

/* HEAD's entry at `path`: 1 and *out, 0 when HEAD has none, -1 when a
 * tree cannot be read. The index is sorted, so the directory's tree read
 * for one entry serves the entries after it. */
static int ix_lookup(ix_walk *w, const char *path, lw_tree_entry *out)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;

	if (!w->cur_state || w->dir.len != dl || (dl && memcmp(w->dir.data, path, dl))) {
		ix_tree_release(w, &w->cur);
		w->dir.len = 0;
		lw_buf_put(&w->dir, path, dl);
		if (w->dir.overflow)
			return -1;
		w->cur_state = 2;
		const lw_obj *t = &w->root;
		for (size_t at = 0; at < dl;) {
			const char *seg = path + at;
			size_t sl = (size_t)((const char *)memchr(seg, '/', dl - at) - seg);
			lw_tree_entry e;
			int f = ix_tree_find(t, seg, sl, &e);
			if (f < 0)
				return -1;
			if (!f || !lw_tree_entry_is_tree(&e))
				return 0;
			lw_obj next;
			if (ix_tree_read(w, e.id, &next) < 0)
				return -1;
			ix_tree_release(w, &w->cur);
			w->cur = next;
			t = &w->cur;
			at += sl + 1;
		}
		w->cur_state = 1;
	}
	if (w->cur_state == 2)
		return 0;
	const char *name = slash ? slash + 1 : path;
	return ix_tree_find(dl ? &w->cur : &w->root, name, strlen(name), out);
}

static int ix_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How long the clean directory holding `path` is, plus one (the root ""
 * gives 1), and its entry count in *count; 0 if no directory holding it
 * is clean. */
static size_t ix_clean_prefix(const char *path, const char **clean, size_t n, long *count)
{
	char dir[4096];
	const char *key = dir;

	for (size_t i = 0;; i++) {
		if (i >= sizeof(dir) - 1)
			return 0;
		if (i == 0 || path[i - 1] == '/') {
			dir[i] = '\0';
			const char **hit = n ? bsearch(&key, clean, n, sizeof(char *), ix_str_cmp) : NULL;
			if (hit) {
				memcpy(count, *hit + i + 1, sizeof(*count));
				return i + 1;
			}
		}
		if (!path[i])
			return 0;
		dir[i] = path[i];
	}
}

static int ix_add_change(lw_changes *out, const ix_entry *e, const unsigned char *old)
{
	lw_change *v = lw_reallocarray(out->v, out->n + 1, sizeof(*v));

	if (!v)
		return -1;
	out->v = v;
	v[out->n].path = lw_strdup(e->path);
	v[out->n].new_id = *e->oid;
	v[out->n].has_old = old != NULL;
	if (old)
		memcpy(v[out->n].old_id.id, old, 20);
	if (!v[out->n].path)
		return -1;
	out->n++;
	return 0;
}

/* Every staged entry outside the clean directories, against HEAD's. */
static int ix_compare(ix_walk *w, const char **clean, lw_changes *out)
{
	const ix *x = w->x;

	for (size_t i = 0; i < x->n; i++) {
		const ix_entry *e = &x->e[i];
		lw_tree_entry te;
		if (e->stage != 0 || e->mode == 0160000)
			continue;
		long cnt = 0;
		size_t cl = ix_clean_prefix(e->path, clean, w->nclean, &cnt);
		if (cl) {
			/* the cache-tree counts the directory's entries: all of them
			 * are passed at once when the count holds (its last entry
			 * is under the directory, the one after it is not) */
			size_t last = i + (size_t)cnt - 1;
			if (cnt > 0 && last < x->n && !strncmp(x->e[last].path, e->path, cl - 1) &&
			    (last + 1 == x->n || strncmp(x->e[last + 1].path, e->path, cl - 1))) {
				i = last;
				continue;
			}
			/* the index is sorted: the entries after it under the same
			 * clean directory are clean too, without a search each */
			while (i + 1 < x->n && !strncmp(x->e[i + 1].path, e->path, cl - 1))
				i++;
			continue;
		}
		int f = ix_lookup(w, e->path, &te);
		if (f < 0)
			return -1;
		if (!f) {
			int renamed = 0;
			/* content that only moved is not new: its secrets are not either */
			for (size_t g = 0; g < w->ngone && !renamed; g++)
				renamed = !memcmp(w->gone[g].id, e->oid->id, 20);
			if (!renamed && ix_add_change(out, e, NULL) < 0)
				return -1;
			continue;
		}
		if (memcmp(te.id, e->oid->id, 20) &&
		    ix_add_change(out, e, ix_is_blob(&te) ? te.id : NULL) < 0)
			return -1;
	}
	return 0;
}

int lw_index_changes(lw_objreader *rd, const unsigned char *head_tree, const char *index_path,
	lw_changes *out)
{
	ix x;
	ix_walk w;
	lw_buf prefix;
	const char **clean = NULL;
	int rc = 1;

	memset(&x, 0, sizeof(x));
	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	lw_buf_init(&prefix, 1 << 16);
	lw_buf_init(&w.clean, 0);
	lw_buf_init(&w.dir, 1 << 16);
	w.rd = rd;
	w.x = &x;
	/* an unborn HEAD: everything is new, the general diff is as fast */
	if (git_oid_rawsz_check() || !head_tree || lw_ix_read_file(&x, index_path) || lw_ix_parse(&x) ||
	    !x.has_tree || x.link || x.sparse)
		goto done;
	rc = -1;
	if (ix_tree_read(&w, head_tree, &w.root) < 0 || ix_mark_clean(&w, &x.root, &w.root, head_tree, &prefix) < 0)
		goto done;
	clean = calloc(w.nclean ? w.nclean : 1, sizeof(char *));
	if (!clean)
		goto done;
	for (size_t i = 0, o = 0; i < w.nclean; i++) {
		clean[i] = w.clean.data + o;
		o += strlen(clean[i]) + 1 + sizeof(long);
	}
	if (w.nclean)
		qsort(clean, w.nclean, sizeof(char *), ix_str_cmp);
	if ((rc = ix_compare(&w, clean, out)) == 0) {
		out->gone = w.gone;
		out->ngone = w.ngone;
		w.gone = NULL;
	}
done:
	free(clean);
	free(w.gone);
	ix_tree_release(&w, &w.cur);
	ix_tree_release(&w, &w.root);
	lw_ix_release(&x);
	lw_buf_release(&prefix);
	lw_buf_release(&w.clean);
	lw_buf_release(&w.dir);
	if (rc != 0)
		lw_changes_release(out);
	return rc;
}

void lw_ix_release(ix *x)
{
	lw_ix_free_node(&x->root);
	if (x->e)
		munmap(x->e, x->e_size);
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
