/*
 * test_pathtab.c - interned paths (util/pathtab.c): one number per distinct
 * path however often it is interned; paths that share a prefix, differ
 * only in length, or contain what a shorter one does are different paths;
 * a string handed out earlier stays where it was while the table grows
 * (past many blocks, and with paths longer than a block); the empty path
 * is a path.
 */
#include "lwtest.h"

#define NPATHS 50000

static void name(char *buf, size_t cap, unsigned i)
{
	snprintf(buf, cap, "dir%u/sub%u/file-%u.c", i % 97, i % 13, i);
}

int main(void)
{
	lw_pathtab t = { 0 };
	uint32_t *ids = malloc(NPATHS * sizeof(uint32_t));
	const char **early = malloc(NPATHS * sizeof(char *));
	char buf[128], *longp = malloc(300000);
	uint32_t id, id2;

	CHECK(ids && early && longp);
	if (!ids || !early || !longp)
		return tap_done();
	CHECK(lw_pathtab_get(&t, 0) == NULL);
	for (unsigned i = 0; i < NPATHS; i++) {
		name(buf, sizeof(buf), i);
		CHECK(lw_pathtab_intern(&t, buf, strlen(buf), &ids[i]) == 0);
		early[i] = lw_pathtab_get(&t, ids[i]);
	}
	CHECK(t.n == NPATHS);
	int distinct = 1, same = 1, stable = 1;
	for (unsigned i = 0; i < NPATHS; i++) {
		name(buf, sizeof(buf), i);
		if (lw_pathtab_intern(&t, buf, strlen(buf), &id) < 0 || id != ids[i])
			same = 0;
		if (i && ids[i] == ids[i - 1])
			distinct = 0;
		/* the pointer taken when it was new, after every later growth */
		if (early[i] != lw_pathtab_get(&t, ids[i]) || strcmp(early[i], buf))
			stable = 0;
	}
	CHECK(distinct);
	CHECK(same);
	CHECK(stable);
	CHECK(t.n == NPATHS);
	CHECK(t.nblocks > 1);

	/* prefixes, lengths and embedded names are different paths */
	CHECK(lw_pathtab_intern(&t, "a/b", 3, &id) == 0);
	CHECK(lw_pathtab_intern(&t, "a/b/c", 5, &id2) == 0);
	CHECK(id != id2);
	CHECK(lw_pathtab_intern(&t, "a/b/c", 3, &id2) == 0);
	CHECK(id == id2);
	CHECK(strcmp(lw_pathtab_get(&t, id), "a/b") == 0);
	CHECK(lw_pathtab_intern(&t, "a", 1, &id2) == 0);
	CHECK(id != id2);
	CHECK(lw_pathtab_intern(&t, "", 0, &id) == 0);
	CHECK(id != id2 && strcmp(lw_pathtab_get(&t, id), "") == 0);
	CHECK(lw_pathtab_intern(&t, "", 0, &id2) == 0 && id == id2);

	/* a path longer than a block has one of its own; the next short one
	 * still lands in the current block */
	memset(longp, 'x', 299999);
	longp[299999] = '\0';
	CHECK(lw_pathtab_intern(&t, longp, 299999, &id) == 0);
	const char *lp = lw_pathtab_get(&t, id);
	CHECK(lp && strlen(lp) == 299999);
	CHECK(lw_pathtab_intern(&t, "after/long", 10, &id2) == 0);
	CHECK(strcmp(lw_pathtab_get(&t, id2), "after/long") == 0);
	CHECK(lw_pathtab_intern(&t, longp, 299999, &id2) == 0 && id == id2);
	CHECK(lw_pathtab_get(&t, t.n) == NULL);

	lw_pathtab_release(&t);
	CHECK(t.n == 0 && lw_pathtab_get(&t, 0) == NULL);
	free(ids);
	free(early);
	free(longp);
	return tap_done();
}
