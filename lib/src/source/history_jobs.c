/*
 * history_jobs.c - the blobs the walk notes for the workers, kept small:
 * a fixed 40-byte record each (hjobrec), in blocks that never double, its
 * path a number in one table of interned paths shared by the walkers, its
 * commit named by its place in the walk. On a history of 5.6 million
 * objects a job with its own copy of the path and commit took 120 bytes,
 * and the merge of the walkers' lists held them twice.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "source/history.h"

int lw_hist_path_id(hctx *c, const char *path, size_t len, uint32_t *id, const char **str)
{
	int rc;

	pthread_mutex_lock(&c->paths_lock);
	rc = lw_pathtab_intern(&c->paths, path, len, id);
	/* the table's strings never move: the pointer outlives its growth */
	if (rc == 0 && str)
		*str = lw_pathtab_get(&c->paths, *id);
	pthread_mutex_unlock(&c->paths_lock);
	return rc;
}

/* A block of jobs straight from the kernel: freed, it goes back at once.
 * From malloc, the blocks a walker thread filled stayed in its arena after
 * the merge freed them, and the merge's copy doubled the jobs again. */
hjobrec *lw_hist_block_new(void)
{
	void *b = mmap(NULL, LW_HJOB_BLOCK * sizeof(hjobrec), PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return b == MAP_FAILED ? NULL : b;
}

void lw_hist_block_free(hjobrec *b)
{
	if (b)
		munmap(b, LW_HJOB_BLOCK * sizeof(hjobrec));
}

int lw_hist_push(hwalker *w, const git_oid *blob, uint64_t seq, const char *path)
{
	hjoblist *l = &w->jobs;
	size_t at = l->n % LW_HJOB_BLOCK;
	uint32_t pid;

	if (lw_hist_path_id(w->c, path, strlen(path), &pid, NULL) < 0)
		return LW_ENOMEM;
	if (at == 0) {
		if (LW_GROW(l->blocks, l->capblocks, l->nblocks, 64) < 0)
			return LW_ENOMEM;
		if (!(l->blocks[l->nblocks] = lw_hist_block_new()))
			return LW_ENOMEM;
		l->nblocks++;
	}
	hjobrec *j = &l->blocks[l->nblocks - 1][at];
	j->blob = *blob;
	j->path = pid;
	j->seq = seq;
	/* a position in the scan's own store, where workers may read by it
	 * (hw_scan_blob) */
	j->key = lw_objstore_position(lw_objreader_store(w->c->reader ? w->c->reader : w->reader), blob->id);
	l->n++;
	return 0;
}

const git_oid *lw_hist_commit_of(const hctx *c, uint64_t seq)
{
	static const git_oid none;

	if (seq < c->ncommits)
		return &c->commit_ids[seq];
	if (seq - c->ncommits < c->nroots)
		return &c->roots[seq - c->ncommits].tag;
	return &none;
}
