/*
 * objtree.c - a tree object's entries read in place: no allocation per
 * entry, every length checked against the object's end.
 */
#include <string.h>

#include "odb/objstore.h"

int lw_tree_next(const unsigned char **p, const unsigned char *end, lw_tree_entry *e)
{
	const unsigned char *q = *p;
	unsigned mode = 0;
	int digits = 0;

	if (q >= end)
		return 0;
	while (q < end && *q != ' ') {
		if (*q < '0' || *q > '7' || ++digits > 7)
			return -1;
		mode = mode << 3 | (unsigned)(*q++ - '0');
	}
	if (!digits || q >= end)
		return -1;
	q++;
	const unsigned char *nul = memchr(q, '\0', (size_t)(end - q));
	if (!nul || nul == q || (size_t)(end - nul - 1) < 20)
		return -1;
	e->mode = mode;
	e->name = (const char *)q;
	e->name_len = (size_t)(nul - q);
	e->id = nul + 1;
	*p = nul + 21;
	return 1;
}

int lw_tree_entry_is_tree(const lw_tree_entry *e)
{
	return (e->mode & 0170000) == 0040000;
}

int lw_tree_name_cmp(const char *a, size_t al, int atree, const char *b, size_t bl, int btree)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);

	if (c)
		return c;
	unsigned ca = al > n ? (unsigned char)a[n] : atree ? '/' : 0;
	unsigned cb = bl > n ? (unsigned char)b[n] : btree ? '/' : 0;
	return (int)ca - (int)cb;
}
