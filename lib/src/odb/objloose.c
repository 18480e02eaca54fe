#define _GNU_SOURCE
/* objloose.c - loose objects: mapped, inflated, their "type size\0" header
 * checked against the body's real length. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "odb/objread_int.h"

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
int lw_or__loose_map(lw_objreader *r, const unsigned char id[20], unsigned char **map, size_t *len)
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
			return lw_or__fail(r, LW_EIO, "loose object cannot be opened (%s)",
				errno == ELOOP ? "a symbolic link" : strerror(errno));
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return lw_or__fail(r, LW_EIO, "loose object is not a regular file");
		}
		if (st.st_size == 0 || (uint64_t)st.st_size > SIZE_MAX) {
			close(fd);
			return lw_or__fail(r, LW_EIO, "loose object is corrupt (%s)", st.st_size ? "too large" : "empty");
		}
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			return lw_or__fail(r, LW_EIO, "loose object cannot be mapped (%s)", strerror(errno));
		*map = m;
		*len = (size_t)st.st_size;
		return 0;
	}
	return LW_OBJ_MISSING;
}

int lw_or__loose_head(lw_objreader *r, const unsigned char *map, size_t len,
	int *type, uint64_t *size, size_t *hlen)
{
	unsigned char h[32];
	size_t got = 0;
	int rc = lw_or__inflate(r, map, len, h, sizeof(h), 1, &got);

	if (rc < 0)
		return lw_or__prefix(r, rc, "loose object is corrupt");
	if (or_parse_loose_header(h, got, type, size, hlen) < 0)
		return lw_or__fail(r, LW_EIO, "loose object is corrupt: malformed header");
	if (!lw_os_size_plausible(*size, len))
		return lw_or__fail(r, LW_EIO, "loose object is corrupt: it declares %llu bytes in a %zu-byte file",
			(unsigned long long)*size, len);
	return 0;
}

int lw_or__loose_read(lw_objreader *r, const unsigned char id[20], uint64_t max, os_ent **out)
{
	unsigned char *map;
	size_t len, hlen;
	uint64_t size;
	int type, rc;

	*out = NULL;
	if ((rc = lw_or__loose_map(r, id, &map, &len)) != 0)
		return rc;
	rc = lw_or__loose_head(r, map, len, &type, &size, &hlen);
	if (rc == 0 && size > max)
		rc = lw_or__fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
			(unsigned long long)size, (unsigned long long)max);
	if (rc == 0 && size > SIZE_MAX - hlen - 1)
		rc = lw_or__fail(r, LW_ELIMIT, "object is too large");
	os_ent *e = rc == 0 ? lw_or__ent_new(hlen + (size_t)size, type) : NULL;
	if (rc == 0 && !e)
		rc = lw_or__fail(r, LW_ENOMEM, "out of memory");
	if (rc == 0 && (rc = lw_or__inflate(r, map, len, e->mem, hlen + (size_t)size, 0, NULL)) < 0)
		rc = lw_or__prefix(r, rc, "loose object is corrupt");
	munmap(map, len);
	if (rc < 0) {
		lw_or__ent_free(e);
		return rc;
	}
	e->data = e->mem + hlen;
	e->len = (size_t)size;
	*out = e;
	return 0;
}
