/* store_int.h - what the store's own files share. */
#ifndef LW_STORE_INT_H
#define LW_STORE_INT_H

#include <git2.h>

#include "store/store.h"

/* Ref tips: names and the commits they lead to, sorted by name. */
typedef struct lw_tips {
	char **name;
	git_oid *oid;
	size_t n;
} lw_tips;

int lw_tips_add(lw_tips *t, const char *name, const git_oid *oid);
void lw_tips_sort(lw_tips *t);
int lw_tips_read(git_repository *repo, lw_tips *t, lw_error *err);
void lw_tips_free(lw_tips *t);
size_t lw_tips_lost(git_repository *repo, const lw_tips *old, const lw_tips *now);

typedef struct lw_present_ctx lw_present_ctx;
int lw_present_new(lw_present_ctx **out, git_repository *repo, const lw_ruleset *rs,
	const lw_history_options *ho, const lw_tips *tips);
void lw_present_free(lw_present_ctx *p);
int lw_present_of(lw_present_ctx *p, const char *path, const char *blob_hex,
	const char *fingerprint, const unsigned char *only, unsigned char *holds);

#endif
