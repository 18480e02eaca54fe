#define _GNU_SOURCE
/*
 * objread.c - reading objects out of an lw_objstore: pack entries (whole,
 * or deltas against an offset or an object id, applied iteratively with a
 * bounded chain) and loose objects (zlib, "type size\0" header checked
 * against the body's real length). Every zlib call is checked for progress,
 * so a truncated stream is an error, never a loop.
 *
 * Each reader keeps an LRU cache of inflated pack objects keyed by
 * (pack, offset): a delta chain walked once serves every later version of
 * the same file that is read in pack order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"
#include "odb/objstore_int.h"

#define OR_MAX_CHAIN 10000
#define OR_BUCKETS (1u << 17)
/* an object larger than this share of the cache is handed out uncached */
#define OR_CACHE_SHARE 4
/* ... but the last OR_BIG such objects are kept apart */
#define OR_BIG 2

/* Where an id was found in the packs. A walk reads each tree again as the
 * parent of the next commit's version: the index is searched once. */
typedef struct or_where {
	unsigned char id[20];
	uint32_t pack; /* + 1; 0: empty */
	uint64_t off;
} or_where;
#define OR_WHERE (1u << 14)

typedef struct os_ent {
	uint64_t key; /* pack << 40 | offset; 0: not cached */
	unsigned char *mem;
	const unsigned char *data;
	size_t len;
	int type;
	unsigned pins;
	int big;    /* held in a big[] slot of the reader, not in the cache */
	void *kept; /* lw_obj_keep's data, kept_size bytes */
	size_t kept_size;
	struct os_ent *hnext, *prev, *next;
} os_ent;

struct lw_objreader {
	lw_objstore *s;
	z_stream z;
	int zok;
	os_ent *tab[OR_BUCKETS];
	os_ent lru; /* sentinel: lru.next is the most recently used */
	size_t bytes, limit;
	unsigned char *scratch; /* a delta's instructions */
	size_t scratch_cap;
	lw_copyop *ops;         /* the last delta's copies */
	size_t nops, capops;
	or_where *where;        /* OR_WHERE recent lookups of ids in the packs */
	/* The last objects too large for the cache, held apart: each version
	 * of a large file is the delta base of the next one read in pack
	 * order, and resolving its chain again for every version made a
	 * history of a 6 MB file quadratic once -j4 cut the cache's share. */
	os_ent *big[OR_BIG];
	uint64_t big_key[OR_BIG];
	unsigned big_next;
	uint64_t deltas;        /* deltas applied (lw_objreader_deltas) */
	char err[512];
};

typedef struct or_link {
	size_t pack;
	uint64_t off, data_off, size;
} or_link;

static int or_fail(lw_objreader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int or_fail(lw_objreader *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return code;
}

/* Puts a prefix before the message already there: "where: what". */
static int or_prefix(lw_objreader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int or_prefix(lw_objreader *r, int code, const char *fmt, ...)
{
	char old[sizeof(r->err)], pre[256];
	va_list ap;

	memcpy(old, r->err, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	/* joined by hand: the result is cut at the buffer's end, by design */
	size_t pl = strnlen(pre, sizeof(pre) - 1);
	memcpy(r->err, pre, pl);
	memcpy(r->err + pl, ": ", 2);
	size_t ol = strnlen(old, sizeof(r->err) - pl - 3);
	memcpy(r->err + pl + 2, old, ol);
	r->err[pl + 2 + ol] = '\0';
	return code;
}

const char *lw_objreader_error(const lw_objreader *r)
{
	return r->err[0] ? r->err : "unreadable object";
}

/* ---- cache ------------------------------------------------------------ */

static size_t or_bucket(uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 47) & (OR_BUCKETS - 1);
}

static void or_ent_free(os_ent *e)
{
	if (!e)
		return;
	/* blobs may be the very secrets we hunt */
	if (e->type == LW_OBJ_BLOB)
		lw_wipe(e->mem, (size_t)(e->data - e->mem) + e->len);
	free(e->kept);
	free(e);
}

static void or_lru_unlink(os_ent *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void or_lru_front(lw_objreader *r, os_ent *e)
{
	e->next = r->lru.next;
	e->prev = &r->lru;
	r->lru.next->prev = e;
	r->lru.next = e;
}

static void or_cache_drop(lw_objreader *r, os_ent *e)
{
	os_ent **pp = &r->tab[or_bucket(e->key)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	or_lru_unlink(e);
	r->bytes -= e->len + sizeof(*e) + e->kept_size;
	or_ent_free(e);
}

static void or_cache_trim(lw_objreader *r)
{
	os_ent *e = r->lru.prev;

	while (r->bytes > r->limit && e != &r->lru) {
		os_ent *prev = e->prev;
		if (!e->pins)
			or_cache_drop(r, e);
		e = prev;
	}
}

static os_ent *or_cache_get(lw_objreader *r, uint64_t key)
{
	for (os_ent *e = r->tab[or_bucket(key)]; e; e = e->hnext)
		if (e->key == key) {
			or_lru_unlink(e);
			or_lru_front(r, e);
			e->pins++;
			return e;
		}
	for (unsigned i = 0; i < OR_BIG; i++)
		if (r->big[i] && r->big_key[i] == key) {
			r->big[i]->pins++;
			return r->big[i];
		}
	return NULL;
}

static void or_unpin(lw_objreader *r, os_ent *e);

/* e (pinned by the caller) joins the cache when it is small enough */
static void or_cache_put(lw_objreader *r, os_ent *e, uint64_t key)
{
	if (e->len > r->limit / OR_CACHE_SHARE) {
		/* held by a pin of its own, in place of the older of the two */
		unsigned i = r->big_next;
		r->big_next = (i + 1) % OR_BIG;
		or_unpin(r, r->big[i]);
		e->pins++;
		e->big = 1;
		r->big[i] = e;
		r->big_key[i] = key;
		return;
	}
	e->key = key;
	e->hnext = r->tab[or_bucket(key)];
	r->tab[or_bucket(key)] = e;
	or_lru_front(r, e);
	r->bytes += e->len + sizeof(*e);
	or_cache_trim(r);
}

static void or_unpin(lw_objreader *r, os_ent *e)
{
	if (!e)
		return;
	if (e->pins)
		e->pins--;
	if (!e->key && !e->pins)
		or_ent_free(e);
	else if (e->key)
		or_cache_trim(r);
}

/* the entry and its bytes in one allocation */
static os_ent *or_ent_new(size_t len, int type)
{
	/* one spare byte: readers may rely on a NUL after the content */
	os_ent *e = len < SIZE_MAX - sizeof(*e) - 1 ? malloc(sizeof(*e) + len + 1) : NULL;

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->mem = (unsigned char *)(e + 1);
	e->mem[len] = '\0';
	e->data = e->mem;
	e->len = len;
	e->type = type;
	e->pins = 1;
	return e;
}

int lw_objreader_new(lw_objreader **out, lw_objstore *s, size_t cache_limit)
{
	lw_objreader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return LW_ENOMEM;
	r->s = s;
	r->limit = cache_limit;
	r->lru.next = r->lru.prev = &r->lru;
	if (inflateInit(&r->z) != Z_OK) {
		free(r);
		return LW_ENOMEM;
	}
	r->zok = 1;
	r->where = calloc(OR_WHERE, sizeof(or_where)); /* without it, only slower */
	*out = r;
	return 0;
}

void lw_objreader_free(lw_objreader *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < OR_BIG; i++)
		or_unpin(r, r->big[i]);
	for (os_ent *e = r->lru.next; e != &r->lru;) {
		os_ent *next = e->next;
		or_ent_free(e);
		e = next;
	}
	if (r->zok)
		inflateEnd(&r->z);
	if (r->scratch)
		lw_wipe(r->scratch, r->scratch_cap);
	free(r->scratch);
	free(r->ops);
	free(r->where);
	free(r);
}

void lw_objreader_set_cache(lw_objreader *r, size_t limit)
{
	r->limit = limit;
	or_cache_trim(r);
	/* an idle reader keeps no large object either */
	for (unsigned i = 0; i < OR_BIG; i++) {
		or_unpin(r, r->big[i]);
		r->big[i] = NULL;
	}
}

uint64_t lw_objreader_deltas(const lw_objreader *r)
{
	return r->deltas;
}

const lw_objstore *lw_objreader_store(const lw_objreader *r)
{
	return r->s;
}

void lw_obj_release(lw_objreader *r, lw_obj *o)
{
	if (!o)
		return;
	if (o->base_) {
		or_unpin(r, o->base_);
		o->base_ = NULL;
	}
	if (o->ent_) {
		or_unpin(r, o->ent_);
		o->ent_ = NULL;
		o->data = NULL;
	}
	o->ops = NULL;
	o->nops = 0;
}

int lw_obj_keep(lw_objreader *r, const lw_obj *o, void *data, size_t size)
{
	os_ent *e = o->ent_;

	if (!e || (!e->key && !e->big))
		return 0;
	free(e->kept);
	if (e->key)
		r->bytes -= e->kept_size;
	e->kept = data;
	e->kept_size = size;
	if (e->key)
		r->bytes += size;
	return 1;
}

const void *lw_obj_base_kept(const lw_obj *o, size_t *size)
{
	const os_ent *b = o->base_;

	*size = b ? b->kept_size : 0;
	return b ? b->kept : NULL;
}

/* ---- zlib --------------------------------------------------------------- */

/* Inflates src into exactly want bytes of out; the stream must end there.
 * With head set, stops once out is full or the stream ends and stores the
 * bytes produced in *got. */
static int or_inflate(lw_objreader *r, const unsigned char *src, size_t srclen,
	unsigned char *out, size_t want, int head, size_t *got)
{
	z_stream *z = &r->z;
	size_t in_done = 0, out_done = 0;
	unsigned char spare;

	if (inflateReset(z) != Z_OK)
		return or_fail(r, LW_ERROR, "zlib cannot start");
	for (;;) {
		size_t ai = srclen - in_done, ao = want - out_done;
		if (ao == 0 && head)
			break;
		z->next_in = (Bytef *)(uintptr_t)(src + in_done);
		z->avail_in = ai > UINT_MAX ? UINT_MAX : (uInt)ai;
		/* with the output full, a one-byte probe tells an ending stream
		 * from one that holds more than it declared */
		z->next_out = ao ? out + out_done : &spare;
		z->avail_out = ao ? (ao > UINT_MAX ? UINT_MAX : (uInt)ao) : 1;
		uInt bin = z->avail_in, bout = z->avail_out;
		int ret = inflate(z, Z_NO_FLUSH);
		size_t ate = bin - z->avail_in, made = bout - z->avail_out;
		in_done += ate;
		if (!ao && made)
			return or_fail(r, LW_EIO, "holds more data than its header declares");
		out_done += made;
		if (ret == Z_STREAM_END) {
			if (!head && out_done != want)
				return or_fail(r, LW_EIO, "holds %zu bytes, its header declares %zu", out_done, want);
			break;
		}
		if (ret == Z_NEED_DICT || ret == Z_DATA_ERROR)
			return or_fail(r, LW_EIO, "corrupt compressed data (%s)", z->msg ? z->msg : "zlib");
		if (ret == Z_MEM_ERROR)
			return or_fail(r, LW_ENOMEM, "out of memory");
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			return or_fail(r, LW_EIO, "corrupt compressed data");
		if (!ate && !made)
			return or_fail(r, LW_EIO, "compressed data is truncated");
	}
	if (got)
		*got = out_done;
	return 0;
}

/* ---- loose objects ---------------------------------------------------- */

static int or_parse_loose_header(const unsigned char *h, size_t n, int *type, uint64_t *size, size_t *hlen)
{
	static const struct { const char *name; int type; } types[] = {
		{ "blob", LW_OBJ_BLOB }, { "tree", LW_OBJ_TREE }, { "commit", LW_OBJ_COMMIT }, { "tag", LW_OBJ_TAG },
	};
	size_t i = 0;

	*type = 0;
	for (size_t t = 0; t < 4; t++) {
		size_t l = strlen(types[t].name);
		if (n > l && !memcmp(h, types[t].name, l) && h[l] == ' ') {
			*type = types[t].type;
			i = l + 1;
			break;
		}
	}
	if (!*type || i >= n || h[i] < '0' || h[i] > '9' || (h[i] == '0' && i + 1 < n && h[i + 1] != '\0'))
		return -1;
	uint64_t v = 0;
	size_t start = i;
	for (; i < n && h[i] >= '0' && h[i] <= '9'; i++) {
		if (i - start >= 19 || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(h[i] - '0');
	}
	if (i >= n || h[i] != '\0')
		return -1;
	*size = v;
	*hlen = i + 1;
	return 0;
}

/* Maps the loose object id from the first directory holding it. */
static int or_loose_map(lw_objreader *r, const unsigned char id[20], unsigned char **map, size_t *len)
{
	char path[PATH_MAX];

	*map = NULL;
	for (size_t d = 0; d < r->s->ndirs; d++) {
		struct stat st;
		if (lw_os_loose_path(r->s, d, id, path, sizeof(path)) < 0)
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return or_fail(r, LW_EIO, "loose object cannot be opened (%s)",
				errno == ELOOP ? "a symbolic link" : strerror(errno));
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return or_fail(r, LW_EIO, "loose object is not a regular file");
		}
		if (st.st_size == 0 || (uint64_t)st.st_size > SIZE_MAX) {
			close(fd);
			return or_fail(r, LW_EIO, "loose object is corrupt (%s)", st.st_size ? "too large" : "empty");
		}
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			return or_fail(r, LW_EIO, "loose object cannot be mapped (%s)", strerror(errno));
		*map = m;
		*len = (size_t)st.st_size;
		return 0;
	}
	return LW_OBJ_MISSING;
}

static int or_loose_head(lw_objreader *r, const unsigned char *map, size_t len,
	int *type, uint64_t *size, size_t *hlen)
{
	unsigned char h[32];
	size_t got = 0;
	int rc = or_inflate(r, map, len, h, sizeof(h), 1, &got);

	if (rc < 0)
		return or_prefix(r, rc, "loose object is corrupt");
	if (or_parse_loose_header(h, got, type, size, hlen) < 0)
		return or_fail(r, LW_EIO, "loose object is corrupt: malformed header");
	if (!lw_os_size_plausible(*size, len))
		return or_fail(r, LW_EIO, "loose object is corrupt: it declares %llu bytes in a %zu-byte file",
			(unsigned long long)*size, len);
	return 0;
}

static int or_loose_read(lw_objreader *r, const unsigned char id[20], uint64_t max, os_ent **out)
{
	unsigned char *map;
	size_t len, hlen;
	uint64_t size;
	int type, rc;

	*out = NULL;
	if ((rc = or_loose_map(r, id, &map, &len)) != 0)
		return rc;
	rc = or_loose_head(r, map, len, &type, &size, &hlen);
	if (rc == 0 && size > max)
		rc = or_fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
			(unsigned long long)size, (unsigned long long)max);
	if (rc == 0 && size > SIZE_MAX - hlen - 1)
		rc = or_fail(r, LW_ELIMIT, "object is too large");
	os_ent *e = rc == 0 ? or_ent_new(hlen + (size_t)size, type) : NULL;
	if (rc == 0 && !e)
		rc = or_fail(r, LW_ENOMEM, "out of memory");
	if (rc == 0 && (rc = or_inflate(r, map, len, e->mem, hlen + (size_t)size, 0, NULL)) < 0)
		rc = or_prefix(r, rc, "loose object is corrupt");
	munmap(map, len);
	if (rc < 0) {
		or_ent_free(e);
		return rc;
	}
	e->data = e->mem + hlen;
	e->len = (size_t)size;
	*out = e;
	return 0;
}

/* ---- pack entries ------------------------------------------------------- */

/* The entry header at off: type, size, where its data starts and, for a
 * delta, where (or which id) its base is. */
static int or_entry(lw_objreader *r, const os_pack *p, uint64_t off, int *type, uint64_t *size,
	uint64_t *data, uint64_t *base_off, const unsigned char **base_id)
{
	const unsigned char *m = p->pack;
	uint64_t end = p->packlen - 20, i = off;
	unsigned shift = 4;

	if (off < 12 || off >= end)
		return or_fail(r, LW_EIO, "%s: offset %llu outside the pack", p->name, (unsigned long long)off);
	unsigned c = m[i++];
	*type = (c >> 4) & 7;
	*size = c & 15;
	while (c & 0x80) {
		if (i >= end || shift > 57)
			return or_fail(r, LW_EIO, "%s: corrupt entry header at offset %llu", p->name,
				(unsigned long long)off);
		c = m[i++];
		*size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (*type == 6) {
		uint64_t rel;
		if (i >= end)
			goto bad;
		c = m[i++];
		rel = c & 0x7f;
		while (c & 0x80) {
			if (i >= end || rel > (UINT64_MAX >> 8))
				goto bad;
			c = m[i++];
			rel = ((rel + 1) << 7) | (c & 0x7f);
		}
		if (rel == 0 || rel > off - 12)
			goto bad;
		*base_off = off - rel;
	} else if (*type == 7) {
		if (end - i < 20)
			goto bad;
		*base_id = m + i;
		i += 20;
	} else if (*type < 1 || *type > 4) {
		goto bad;
	}
	if (i >= end)
		goto bad;
	*data = i;
	return 0;
bad:
	return or_fail(r, LW_EIO, "%s: corrupt entry at offset %llu", p->name, (unsigned long long)off);
}

static int or_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	do {
		if (*p >= end || shift > 63)
			return -1;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return 0;
}

/* Notes a copy for the caller, joined to the previous one when it
 * continues it; a failure only loses the notes (nops = SIZE_MAX). */
static void or_note_copy(lw_objreader *r, uint64_t dst, uint64_t src, uint64_t len)
{
	if (r->nops == SIZE_MAX)
		return;
	if (r->nops) {
		lw_copyop *l = &r->ops[r->nops - 1];
		if (l->dst + l->len == dst && l->src + l->len == src) {
			l->len += len;
			return;
		}
	}
	if (r->nops == r->capops) {
		size_t cap = r->capops ? r->capops * 2 : 64;
		lw_copyop *v = lw_reallocarray(r->ops, cap, sizeof(*v));
		if (!v) {
			r->nops = SIZE_MAX;
			return;
		}
		r->ops = v;
		r->capops = cap;
	}
	r->ops[r->nops++] = (lw_copyop){ dst, src, len };
}

static int or_delta_apply(lw_objreader *r, const os_ent *base, const unsigned char *d, size_t dlen,
	uint64_t max, os_ent **out, int note)
{
	const unsigned char *p = d, *end = d + dlen;
	uint64_t src, dst;

	*out = NULL;
	if (or_varint(&p, end, &src) < 0 || or_varint(&p, end, &dst) < 0)
		return or_fail(r, LW_EIO, "corrupt delta header");
	if (src != base->len)
		return or_fail(r, LW_EIO, "delta expects a %llu-byte base, found %zu bytes",
			(unsigned long long)src, base->len);
	if (!lw_os_delta_plausible(dlen, src, dst))
		return or_fail(r, LW_EIO, "corrupt delta: it declares a %llu-byte result that its %zu bytes "
			"of instructions cannot make", (unsigned long long)dst, dlen);
	if (dst > max || dst > SIZE_MAX - 1)
		return or_fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
			(unsigned long long)dst, (unsigned long long)max);
	os_ent *e = or_ent_new((size_t)dst, base->type);
	if (!e)
		return or_fail(r, LW_ENOMEM, "out of memory");
	unsigned char *o = e->mem;
	size_t left = (size_t)dst;
	while (p < end) {
		unsigned op = *p++;
		if (op & 0x80) {
			uint64_t co = 0, cs = 0;
			for (int k = 0; k < 4; k++)
				if (op & (1u << k)) {
					if (p >= end)
						goto bad;
					co |= (uint64_t)*p++ << (8 * k);
				}
			for (int k = 0; k < 3; k++)
				if (op & (0x10u << k)) {
					if (p >= end)
						goto bad;
					cs |= (uint64_t)*p++ << (8 * k);
				}
			if (cs == 0)
				cs = 0x10000;
			if (co > base->len || cs > base->len - co || cs > left)
				goto bad;
			if (note)
				or_note_copy(r, (uint64_t)(o - e->mem), co, cs);
			memcpy(o, base->data + co, (size_t)cs);
			o += cs;
			left -= (size_t)cs;
		} else if (op) {
			if (op > (size_t)(end - p) || op > left)
				goto bad;
			memcpy(o, p, op);
			o += op;
			p += op;
			left -= op;
		} else {
			goto bad;
		}
	}
	if (left)
		goto bad;
	*out = e;
	return 0;
bad:
	or_ent_free(e);
	return or_fail(r, LW_EIO, "corrupt delta instructions");
}

static unsigned char *or_scratch(lw_objreader *r, size_t n)
{
	if (n + 1 > r->scratch_cap) {
		size_t cap = n + 1 > 2 * r->scratch_cap ? n + 1 : 2 * r->scratch_cap;
		unsigned char *v = malloc(cap);
		if (!v)
			return NULL;
		if (r->scratch)
			lw_wipe(r->scratch, r->scratch_cap);
		free(r->scratch);
		r->scratch = v;
		r->scratch_cap = cap;
	}
	return r->scratch;
}

static uint64_t or_key(size_t pack, uint64_t off)
{
	return (uint64_t)(pack + 1) << 40 | (off & ((1ull << 40) - 1));
}

/* Steps (*pk, *off) to a delta's base when the base is packed; 0 when it
 * is an id the packs do not hold (a loose object, or missing). */
static int or_base_packed(const lw_objreader *r, int type, uint64_t boff, const unsigned char *bid,
	size_t *pk, uint64_t *off)
{
	size_t bp;
	uint64_t bo;

	if (type == 6) {
		*off = boff;
		return 1;
	}
	if (!lw_os_find(r->s, bid, &bp, &bo))
		return 0;
	*pk = bp;
	*off = bo;
	return 1;
}

/* Reads the object at (pk, off), resolving its delta chain from the nearest
 * cached or whole base. The chain is walked iteratively: a hostile pack
 * cannot exhaust the stack. */
static int or_pack_read(lw_objreader *r, size_t pk, uint64_t off, uint64_t max, os_ent **out,
	os_ent **last_base)
{
	or_link *chain = NULL;
	size_t n = 0, cap = 0;
	os_ent *base = NULL;
	int rc = 0;
	/* a delta's instructions are bounded by what they can produce */
	uint64_t dmax = max > UINT64_MAX / 2 - 4096 ? UINT64_MAX / 2 : max * 2 + 4096;

	*out = NULL;
	for (;;) {
		const os_pack *p = &r->s->packs[pk];
		int type;
		uint64_t size, data, boff = 0;
		const unsigned char *bid = NULL;
		if ((base = or_cache_get(r, or_key(pk, off))))
			break;
		if ((rc = or_entry(r, p, off, &type, &size, &data, &boff, &bid)) < 0)
			break;
		if (type <= 4) {
			if (size > max || size > SIZE_MAX - 1) {
				rc = or_fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
					(unsigned long long)size, (unsigned long long)max);
				break;
			}
			if (!(base = or_ent_new((size_t)size, type))) {
				rc = or_fail(r, LW_ENOMEM, "out of memory");
				break;
			}
			if ((rc = or_inflate(r, p->pack + data, p->packlen - 20 - data, base->mem,
				     (size_t)size, 0, NULL)) < 0) {
				rc = or_prefix(r, rc, "%s: object at offset %llu", p->name,
					(unsigned long long)off);
				or_ent_free(base);
				base = NULL;
				break;
			}
			or_cache_put(r, base, or_key(pk, off));
			break;
		}
		if (size > dmax) {
			rc = or_fail(r, LW_ELIMIT, "%s: delta at offset %llu is too large", p->name,
				(unsigned long long)off);
			break;
		}
		if (n == OR_MAX_CHAIN) {
			rc = or_fail(r, LW_ELIMIT, "%s: delta chain longer than %d", p->name, OR_MAX_CHAIN);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			or_link *v = lw_reallocarray(chain, cap, sizeof(*v));
			if (!v) {
				rc = or_fail(r, LW_ENOMEM, "out of memory");
				break;
			}
			chain = v;
		}
		chain[n++] = (or_link){ pk, off, data, size };
		if (or_base_packed(r, type, boff, bid, &pk, &off)) {
			if (pk == chain[n - 1].pack && off == chain[n - 1].off) {
				rc = or_fail(r, LW_EIO, "%s: the delta at offset %llu is its own base", p->name,
					(unsigned long long)off);
				break;
			}
			continue;
		}
		if ((rc = or_loose_read(r, bid, max, &base)) != 0) {
			if (rc == LW_OBJ_MISSING)
				rc = or_fail(r, LW_EIO, "%s: the base of the delta at offset %llu is missing",
					p->name, (unsigned long long)off);
			break;
		}
		break;
	}
	/* apply the deltas, oldest base first */
	while (rc == 0 && n > 0) {
		or_link *l = &chain[--n];
		const os_pack *p = &r->s->packs[l->pack];
		unsigned char *d = or_scratch(r, (size_t)l->size);
		os_ent *next = NULL;
		if (!d) {
			rc = or_fail(r, LW_ENOMEM, "out of memory");
			break;
		}
		rc = or_inflate(r, p->pack + l->data_off, p->packlen - 20 - l->data_off, d,
			(size_t)l->size, 0, NULL);
		if (rc == 0) {
			r->deltas++;
			rc = or_delta_apply(r, base, d, (size_t)l->size, max, &next, n == 0 && last_base);
		}
		if (rc < 0) {
			rc = or_prefix(r, rc, "%s: object at offset %llu", p->name,
				(unsigned long long)l->off);
			break;
		}
		/* the last delta's base stays pinned for the caller */
		if (n == 0 && last_base)
			*last_base = base;
		else
			or_unpin(r, base);
		base = next;
		or_cache_put(r, base, or_key(l->pack, l->off));
	}
	free(chain);
	if (rc < 0) {
		or_unpin(r, base);
		return rc;
	}
	*out = base;
	return 0;
}

/* Type and size of the entry at (pk, off) without inflating more than a
 * delta's first bytes. */
static int or_pack_header(lw_objreader *r, size_t pk, uint64_t off, int *type, uint64_t *size)
{
	int have_size = 0;

	for (int depth = 0; depth <= OR_MAX_CHAIN; depth++) {
		const os_pack *p = &r->s->packs[pk];
		uint64_t sz, data, boff = 0;
		const unsigned char *bid = NULL;
		int t, rc;
		os_ent *e = or_cache_get(r, or_key(pk, off));
		if (e) {
			*type = e->type;
			if (!have_size)
				*size = e->len;
			or_unpin(r, e);
			return 0;
		}
		if ((rc = or_entry(r, p, off, &t, &sz, &data, &boff, &bid)) < 0)
			return rc;
		if (!lw_os_size_plausible(sz, p->packlen - 20 - data))
			return or_fail(r, LW_EIO, "%s: object at offset %llu: corrupt: it declares %llu bytes, "
				"more than its %llu bytes of data can inflate to", p->name, (unsigned long long)off,
				(unsigned long long)sz, (unsigned long long)(p->packlen - 20 - data));
		if (t <= 4) {
			*type = t;
			if (!have_size)
				*size = sz;
			return 0;
		}
		if (!have_size) {
			unsigned char h[32];
			size_t got = 0;
			const unsigned char *q = h;
			uint64_t src;
			if ((rc = or_inflate(r, p->pack + data, p->packlen - 20 - data, h,
				     sz < sizeof(h) ? (size_t)sz : sizeof(h), 1, &got)) < 0)
				return or_prefix(r, rc, "%s: object at offset %llu", p->name,
					(unsigned long long)off);
			if (or_varint(&q, h + got, &src) < 0 || or_varint(&q, h + got, size) < 0)
				return or_fail(r, LW_EIO, "%s: object at offset %llu: corrupt delta header",
					p->name, (unsigned long long)off);
			if (!lw_os_delta_plausible(sz, src, *size))
				return or_fail(r, LW_EIO, "%s: object at offset %llu: corrupt delta: it declares "
					"a %llu-byte result that its %llu bytes of instructions cannot make",
					p->name, (unsigned long long)off, (unsigned long long)*size,
					(unsigned long long)sz);
			have_size = 1;
		}
		size_t was_pk = pk;
		uint64_t was_off = off;
		if (or_base_packed(r, t, boff, bid, &pk, &off)) {
			if (pk == was_pk && off == was_off)
				return or_fail(r, LW_EIO, "%s: the delta at offset %llu is its own base", p->name,
					(unsigned long long)off);
			continue;
		}
		unsigned char *map;
		size_t len, hlen;
		uint64_t bsz;
		if ((rc = or_loose_map(r, bid, &map, &len)) != 0)
			return rc == LW_OBJ_MISSING ? or_fail(r, LW_EIO, "%s: the base of the delta at offset %llu "
				"is missing", p->name, (unsigned long long)off) : rc;
		rc = or_loose_head(r, map, len, type, &bsz, &hlen);
		munmap(map, len);
		return rc;
	}
	return or_fail(r, LW_ELIMIT, "delta chain longer than %d", OR_MAX_CHAIN);
}

/* ---- public ----------------------------------------------------------- */

/* lw_os_find through the reader's table of recent lookups */
static int or_find(lw_objreader *r, const unsigned char id[20], size_t *pack, uint64_t *off)
{
	uint32_t h;

	memcpy(&h, id, sizeof(h));
	or_where *w = r->where ? &r->where[h & (OR_WHERE - 1)] : NULL;
	if (w && w->pack && !memcmp(w->id, id, 20)) {
		*pack = w->pack - 1;
		*off = w->off;
		return 1;
	}
	if (!lw_os_find(r->s, id, pack, off))
		return 0;
	if (w && *pack < UINT32_MAX) {
		memcpy(w->id, id, 20);
		w->pack = (uint32_t)*pack + 1;
		w->off = *off;
	}
	return 1;
}

int lw_objreader_header(lw_objreader *r, const unsigned char id[20], int *type, uint64_t *size)
{
	size_t pk;
	uint64_t off;
	unsigned char *map;
	size_t len, hlen;
	int rc;

	r->err[0] = '\0';
	if (or_find(r, id, &pk, &off))
		return or_pack_header(r, pk, off, type, size);
	if ((rc = or_loose_map(r, id, &map, &len)) != 0)
		return rc;
	rc = or_loose_head(r, map, len, type, size, &hlen);
	munmap(map, len);
	return rc;
}

int lw_objreader_read(lw_objreader *r, const unsigned char id[20], uint64_t max, lw_obj *out)
{
	size_t pk;
	uint64_t off;
	os_ent *e = NULL;
	int rc;

	os_ent *base = NULL;

	memset(out, 0, sizeof(*out));
	r->err[0] = '\0';
	r->nops = 0;
	rc = or_find(r, id, &pk, &off) ? or_pack_read(r, pk, off, max, &e, &base)
					     : or_loose_read(r, id, max, &e);
	if (rc != 0)
		return rc;
	out->data = e->data;
	out->len = e->len;
	out->type = e->type;
	out->ent_ = e;
	if (base && r->nops != SIZE_MAX) {
		out->base_ = base;
		out->ops = r->ops;
		out->nops = r->nops;
	} else if (base) {
		or_unpin(r, base);
	}
	return 0;
}
