/* store_rows.c - a query's result, freed by whoever ran it (the backends
 * free a half-filled one themselves). */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

void lw_store_rows_free(lw_store_rows *r)
{
	if (!r || !r->cell)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cell[i]);
	free(r->cell);
	memset(r, 0, sizeof(*r));
}
