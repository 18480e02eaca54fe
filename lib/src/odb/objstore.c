#define _GNU_SOURCE
/*
 * objstore.c - the object directories of a repository and where each object
 * lives: pack indexes mapped and searched, loose objects found by path.
 * Reading and inflating is objread.c's job.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "odb/objstore_int.h"

#define OS_MAX_DIRS 64
#define OS_MAX_PACKS 8192
#define OS_MAX_ALT_DEPTH 5
#define OS_MAX_ALT_FILE (64u << 10)

static uint32_t os_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t os_be64(const unsigned char *p)
{
	return (uint64_t)os_be32(p) << 32 | os_be32(p + 4);
}

/* Maps a regular file read-only. O_NONBLOCK: a FIFO planted in a hostile
 * repository must not block the open. */
static int os_map(const char *path, unsigned char **map, size_t *len, size_t min, uint64_t max)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*map = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < min ||
	    (uint64_t)st.st_size > max || (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return -1;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	*map = m;
	*len = (size_t)st.st_size;
	return 0;
}

static void os_pack_dispose(os_pack *p)
{
	if (p->idx)
		munmap(p->idx, p->idxlen);
	if (p->pack)
		munmap(p->pack, p->packlen);
	free(p->name);
}

/* An .idx (version 1 or 2) and its .pack, checked against each other. */
static int os_pack_open(lw_objstore *s, const char *idxpath)
{
	os_pack p;
	char packpath[PATH_MAX];
	size_t l = strlen(idxpath);

	memset(&p, 0, sizeof(p));
	if (l < 5 || l >= sizeof(packpath))
		return -1;
	memcpy(packpath, idxpath, l - 4);
	memcpy(packpath + l - 4, ".pack", 6);
	if (os_map(idxpath, &p.idx, &p.idxlen, 8 + 1024 + 40, (uint64_t)1 << 40) < 0)
		return -1;
	/* git's rule: an index that does not start with the v2 magic is
	 * version 1. Version 1 is read here too (`git index-pack
	 * --index-version=1` still writes it), or libgit2 would read its pack,
	 * and libgit2 1.5 loops for ever on a REF_DELTA that is its own base. */
	int v1 = memcmp(p.idx, "\377tOc", 4) != 0;
	if (!v1 && os_be32(p.idx + 4) != 2)
		goto bad;
	p.fan = p.idx + (v1 ? 0 : 8);
	p.n = os_be32(p.fan + 255 * 4);
	/* the fanout must never decrease, or a lookup could read past the ids */
	for (int i = 1; i < 256; i++)
		if (os_be32(p.fan + 4 * i) < os_be32(p.fan + 4 * (i - 1)))
			goto bad;
	uint64_t need;
	if (v1) {
		/* fanout, (offset, id) pairs, trailer; no 64-bit offsets */
		need = (uint64_t)1024 + (uint64_t)p.n * 24 + 40;
		if (need > p.idxlen)
			goto bad;
		p.off32 = p.idx + 1024;
		p.ids = p.off32 + 4;
		p.id_stride = p.off_stride = 24;
		p.off64 = NULL;
		p.n64 = 0;
	} else {
		/* header, fanout, ids, crcs, 32-bit offsets, then 64-bit ones, trailer */
		need = (uint64_t)8 + 1024 + (uint64_t)p.n * 28 + 40;
		if (need > p.idxlen)
			goto bad;
		p.ids = p.idx + 8 + 1024;
		p.off32 = p.ids + (size_t)p.n * 24;
		p.off64 = p.off32 + (size_t)p.n * 4;
		p.n64 = (p.idxlen - (size_t)need) / 8;
		p.id_stride = 20;
		p.off_stride = 4;
	}
	if (os_map(packpath, &p.pack, &p.packlen, 12 + 20, UINT64_MAX) < 0)
		goto bad;
	if (memcmp(p.pack, "PACK", 4) || (os_be32(p.pack + 4) != 2 && os_be32(p.pack + 4) != 3) ||
	    os_be32(p.pack + 8) != p.n)
		goto bad;
	const char *base = strrchr(packpath, '/');
	p.name = lw_strdup(base ? base + 1 : packpath);
	if (!p.name)
		goto bad;
	os_pack *v = lw_reallocarray(s->packs, s->npacks + 1, sizeof(*v));
	if (!v)
		goto bad;
	s->packs = v;
	s->packs[s->npacks++] = p;
	return 0;
bad:
	os_pack_dispose(&p);
	return -1;
}

static void os_load_packs(lw_objstore *s, const char *dir)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;

	if ((size_t)snprintf(path, sizeof(path), "%s/pack", dir) >= sizeof(path) || !(d = opendir(path)))
		return;
	while ((de = readdir(d)) && s->npacks < OS_MAX_PACKS) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".idx"))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/pack/%s", dir, de->d_name) < sizeof(path))
			os_pack_open(s, path);
	}
	closedir(d);
}

static int os_add_dir(lw_objstore *s, const char *dir, int depth);

/* objects/info/alternates: one directory a line, relative to this one */
static void os_load_alternates(lw_objstore *s, const char *dir, int depth)
{
	char path[PATH_MAX];
	unsigned char *map;
	size_t len;

	if (depth >= OS_MAX_ALT_DEPTH ||
	    (size_t)snprintf(path, sizeof(path), "%s/info/alternates", dir) >= sizeof(path) ||
	    os_map(path, &map, &len, 1, OS_MAX_ALT_FILE) < 0)
		return;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && map[e] != '\n')
			e++;
		size_t n = e - i;
		while (n && (map[i + n - 1] == '\r' || map[i + n - 1] == ' '))
			n--;
		if (n && map[i] != '#' && n < PATH_MAX - 1 && !memchr(map + i, '\0', n)) {
			char alt[PATH_MAX];
			int w = map[i] == '/' ? snprintf(alt, sizeof(alt), "%.*s", (int)n, (const char *)map + i)
					      : snprintf(alt, sizeof(alt), "%s/%.*s", dir, (int)n, (const char *)map + i);
			if (w > 0 && (size_t)w < sizeof(alt))
				os_add_dir(s, alt, depth + 1);
		}
		i = e + 1;
	}
	munmap(map, len);
}

static int os_add_dir(lw_objstore *s, const char *dir, int depth)
{
	char real[PATH_MAX];
	struct stat st;

	if (s->ndirs >= OS_MAX_DIRS || !realpath(dir, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	for (size_t i = 0; i < s->ndirs; i++)
		if (!strcmp(s->dirs[i], real))
			return 0;
	if (!(s->dirs[s->ndirs] = lw_strdup(real)))
		return -1;
	s->ndirs++;
	os_load_packs(s, real);
	os_load_alternates(s, real, depth);
	return 0;
}

int lw_objstore_open(lw_objstore **out, const char *const *dirs, size_t n)
{
	static uint64_t serials;
	lw_objstore *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->dirs = calloc(OS_MAX_DIRS, sizeof(char *)))) {
		free(s);
		return LW_ENOMEM;
	}
	s->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < n; i++)
		if (dirs[i] && os_add_dir(s, dirs[i], 0) < 0) {
			lw_objstore_free(s);
			return LW_ENOMEM;
		}
	*out = s;
	return 0;
}

void lw_objstore_free(lw_objstore *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npacks; i++)
		os_pack_dispose(&s->packs[i]);
	free(s->packs);
	for (size_t i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	free(s->dirs);
	free(s);
}

size_t lw_objstore_dir_count(const lw_objstore *s)
{
	return s->ndirs;
}

const char *lw_objstore_dir(const lw_objstore *s, size_t i)
{
	return i < s->ndirs ? s->dirs[i] : NULL;
}

static int os_cmp_at(const os_pack *p, uint32_t i, uint64_t key, const unsigned char id[20])
{
	const unsigned char *at = p->ids + (size_t)i * p->id_stride;
	uint64_t k = os_be64(at);

	return k < key ? -1 : k > key ? 1 : memcmp(at + 8, id + 8, 12);
}

static int os_pack_offset(const os_pack *p, uint32_t i, uint64_t *off)
{
	uint32_t o = os_be32(p->off32 + (size_t)i * p->off_stride);
	uint64_t v = o;

	if (o & 0x80000000u) {
		uint32_t x = o & 0x7fffffffu;
		if (x >= p->n64)
			return 0;
		v = os_be64(p->off64 + (size_t)x * 8);
	}
	if (v < 12 || v >= p->packlen - 20)
		return 0;
	*off = v;
	return 1;
}

/*
 * 1 and *off when the pack holds the object. An offset past the pack's data
 * is treated as absent: the reader never trusts the index blindly.
 *
 * Object ids are uniformly spread, so the first probe is interpolated
 * within the fanout bucket and the search gallops out from there: a few
 * cache misses instead of a dozen in a large index. Any answer stays
 * correct however the ids are spread; only the speed depends on it.
 */
static int os_found(uint32_t *at, uint32_t i)
{
	*at = i;
	return 1;
}

static int os_pack_index(const os_pack *p, const unsigned char id[20], uint32_t *at)
{
	const unsigned char *fan = p->fan;
	uint32_t lo = id[0] ? os_be32(fan + 4 * (id[0] - 1)) : 0;
	uint32_t hi = os_be32(fan + 4 * id[0]);
	uint64_t key = os_be64(id);
	int c;

	if (hi > p->n)
		hi = p->n;
	if (lo >= hi)
		return 0;
	if (hi - lo > 16) {
		/* within the bucket the key's low 56 bits place it */
		uint64_t frac = key & 0x00ffffffffffffffull;
		uint32_t g = lo + (uint32_t)(((unsigned __int128)frac * (hi - lo)) >> 56);
		if (g >= hi)
			g = hi - 1;
		if ((c = os_cmp_at(p, g, key, id)) == 0)
			return os_found(at, g);
		if (c < 0) {
			lo = g + 1;
			for (uint32_t step = 8; lo < hi; step *= 2) {
				uint32_t t = hi - lo > step ? lo + step : hi - 1;
				if ((c = os_cmp_at(p, t, key, id)) == 0)
					return os_found(at, t);
				if (c > 0) {
					hi = t;
					break;
				}
				lo = t + 1;
			}
		} else {
			hi = g;
			for (uint32_t step = 8; lo < hi; step *= 2) {
				uint32_t t = hi - lo > step ? hi - 1 - step : lo;
				if ((c = os_cmp_at(p, t, key, id)) == 0)
					return os_found(at, t);
				if (c < 0) {
					lo = t + 1;
					break;
				}
				hi = t;
			}
		}
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if ((c = os_cmp_at(p, mid, key, id)) == 0)
			return os_found(at, mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int lw_os_pack_find(const os_pack *p, const unsigned char id[20], uint64_t *off)
{
	uint32_t at;

	return os_pack_index(p, id, &at) && os_pack_offset(p, at, off);
}

void lw_objstore_drop_pages(const lw_objstore *s)
{
	for (size_t i = 0; i < s->npacks; i++)
		madvise(s->packs[i].pack, s->packs[i].packlen, MADV_DONTNEED);
}

/* The last id this thread found in a store's packs. The walk asks about a
 * new blob twice in a row (has it been seen, by its index position; where
 * is it, for the workers' order), and each search misses the cache on a
 * large index. */
static __thread struct {
	uint64_t serial; /* the store's; 0: none */
	unsigned char id[20];
	size_t pack;
	uint32_t at;
} os_last;

/* the first pack whose index holds id with a readable offset */
static int os_locate(const lw_objstore *s, const unsigned char id[20], size_t *pack, uint32_t *at)
{
	uint64_t off;

	if (os_last.serial == s->serial && memcmp(os_last.id, id, 20) == 0) {
		*pack = os_last.pack;
		*at = os_last.at;
		return 1;
	}
	for (size_t i = 0; i < s->npacks; i++)
		if (os_pack_index(&s->packs[i], id, at) && os_pack_offset(&s->packs[i], *at, &off)) {
			*pack = i;
			os_last.serial = s->serial;
			memcpy(os_last.id, id, 20);
			os_last.pack = i;
			os_last.at = *at;
			return 1;
		}
	return 0;
}

int lw_os_find(const lw_objstore *s, const unsigned char id[20], size_t *pack, uint64_t *off)
{
	uint32_t at;

	return os_locate(s, id, pack, &at) && os_pack_offset(&s->packs[*pack], at, off);
}

int lw_objstore_index(const lw_objstore *s, const unsigned char id[20], uint64_t *pos)
{
	uint64_t base = 0;
	uint32_t at;
	size_t p;

	if (!os_locate(s, id, &p, &at))
		return 0;
	for (size_t i = 0; i < p; i++)
		base += s->packs[i].n;
	*pos = base + at;
	return 1;
}

uint64_t lw_objstore_packed(const lw_objstore *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->npacks; i++)
		n += s->packs[i].n;
	return n;
}

uint64_t lw_objstore_position(const lw_objstore *s, const unsigned char id[20])
{
	size_t p;
	uint64_t off;

	if (!lw_os_find(s, id, &p, &off))
		return UINT64_MAX;
	return lw_os_pos(p, off);
}

int lw_os_entry(const os_pack *p, uint64_t off, int *type, uint64_t *size, uint64_t *data,
	uint64_t *base_off, const unsigned char **base_id)
{
	const unsigned char *m = p->pack;
	uint64_t end = p->packlen - 20, i = off;
	unsigned shift = 4;

	if (off < 12 || off >= end)
		return LW_OS_ENTRY_OUTSIDE;
	unsigned c = m[i++];
	*type = (c >> 4) & 7;
	*size = c & 15;
	while (c & 0x80) {
		if (i >= end || shift > 57)
			return LW_OS_ENTRY_SIZE;
		c = m[i++];
		*size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (*type == 6) { /* an offset back from this entry */
		uint64_t rel;
		if (i >= end)
			return LW_OS_ENTRY_CORRUPT;
		c = m[i++];
		rel = c & 0x7f;
		while (c & 0x80) {
			if (i >= end || rel > (UINT64_MAX >> 8))
				return LW_OS_ENTRY_CORRUPT;
			c = m[i++];
			rel = ((rel + 1) << 7) | (c & 0x7f);
		}
		if (rel == 0 || rel > off - 12)
			return LW_OS_ENTRY_CORRUPT;
		*base_off = off - rel;
	} else if (*type == 7) { /* an id */
		if (end - i < 20)
			return LW_OS_ENTRY_CORRUPT;
		*base_id = m + i;
		i += 20;
	} else if (*type < 1 || *type > 4) {
		return LW_OS_ENTRY_CORRUPT;
	}
	if (i >= end)
		return LW_OS_ENTRY_CORRUPT;
	*data = i;
	return 0;
}

int lw_objstore_delta_base(const lw_objstore *s, uint64_t pos, uint64_t *base)
{
	size_t pk = (size_t)(pos >> 40), bp;
	uint64_t size, data, boff = 0, bo;
	const unsigned char *bid = NULL;
	int type;

	if (pos == UINT64_MAX || pk >= s->npacks ||
	    lw_os_entry(&s->packs[pk], pos & LW_OS_POS_OFF, &type, &size, &data, &boff, &bid) < 0)
		return 0;
	if (type == 6) {
		*base = lw_os_pos(pk, boff);
		return 1;
	}
	if (type == 7 && lw_os_find(s, bid, &bp, &bo)) {
		*base = lw_os_pos(bp, bo);
		return 1;
	}
	return 0;
}

int lw_os_loose_path(const lw_objstore *s, size_t dir, const unsigned char id[20], char *buf, size_t cap)
{
	static const char hexd[] = "0123456789abcdef";
	char hex[41];

	for (int i = 0; i < 20; i++) {
		hex[2 * i] = hexd[id[i] >> 4];
		hex[2 * i + 1] = hexd[id[i] & 15];
	}
	hex[40] = '\0';
	return (size_t)snprintf(buf, cap, "%s/%.2s/%s", s->dirs[dir], hex, hex + 2) < cap ? 0 : -1;
}

int lw_objstore_exists(const lw_objstore *s, const unsigned char id[20])
{
	size_t p;
	uint64_t off;
	char path[PATH_MAX];
	struct stat st;

	if (lw_os_find(s, id, &p, &off))
		return 1;
	for (size_t d = 0; d < s->ndirs; d++)
		if (lw_os_loose_path(s, d, id, path, sizeof(path)) == 0 && lstat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			return 1;
	return 0;
}
