/*
 * packmap.c - where each object sits in the pack files, read from their
 * .idx files (version 2). Reading blobs in pack order lets libgit2's delta
 * base cache work: versions of one file lie side by side in a pack, so a
 * delta chain is resolved once instead of once per version.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packmap.h"

#define PM_MAX_IDX ((size_t)1 << 31)

static uint32_t pm_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int pm_read(const char *path, unsigned char **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;

	*out = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > PM_MAX_IDX ||
	    st.st_size < 8 + 1024 + 40) {
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	*out = malloc(*len);
	while (*out && got < *len) {
		ssize_t r = read(fd, *out + got, *len - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!*out || got != *len) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int pm_add(lw_packmap *m, unsigned char *buf, size_t len)
{
	uint32_t n;

	if (memcmp(buf, "\377tOc", 4) || pm_be32(buf + 4) != 2)
		return -1;
	n = pm_be32(buf + 8 + 255 * 4);
	/* header, fanout, ids, crcs, 32-bit offsets, trailer; large offsets may follow */
	if ((uint64_t)8 + 1024 + (uint64_t)n * 28 + 40 > len)
		return -1;
	lw_packidx *v = lw_reallocarray(m->packs, m->npacks + 1, sizeof(*v));
	if (!v)
		return -1;
	m->packs = v;
	v[m->npacks].buf = buf;
	v[m->npacks].len = len;
	v[m->npacks].n = n;
	m->npacks++;
	return 0;
}

void lw_packmap_load(lw_packmap *m, const char *objects_dir)
{
	char path[4096];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/pack", objects_dir);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d)) && m->npacks < 4096) {
		size_t l = strlen(de->d_name);
		unsigned char *buf;
		size_t len;
		if (l < 5 || strcmp(de->d_name + l - 4, ".idx"))
			continue;
		snprintf(path, sizeof(path), "%s/pack/%s", objects_dir, de->d_name);
		if (pm_read(path, &buf, &len) == 0 && pm_add(m, buf, len) < 0)
			free(buf);
	}
	closedir(d);
}

uint64_t lw_packmap_position(const lw_packmap *m, const git_oid *id)
{
	for (size_t p = 0; p < m->npacks; p++) {
		const lw_packidx *x = &m->packs[p];
		const unsigned char *fan = x->buf + 8, *ids = fan + 1024;
		uint32_t lo = id->id[0] ? pm_be32(fan + 4 * (id->id[0] - 1)) : 0;
		uint32_t hi = pm_be32(fan + 4 * id->id[0]);
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			int c = memcmp(ids + (size_t)mid * 20, id->id, 20);
			if (c == 0) {
				const unsigned char *offs = ids + (size_t)x->n * 24;
				uint64_t off = pm_be32(offs + (size_t)mid * 4) & 0x7fffffffu;
				return (uint64_t)p << 40 | (off & ((1ull << 40) - 1));
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return UINT64_MAX;
}

void lw_packmap_release(lw_packmap *m)
{
	for (size_t p = 0; p < m->npacks; p++)
		free(m->packs[p].buf);
	free(m->packs);
	memset(m, 0, sizeof(*m));
}
