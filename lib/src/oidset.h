/* oidset.h - a growable set of git object ids. */
#ifndef LW_OIDSET_H
#define LW_OIDSET_H

#include <git2.h>
#include <stdint.h>

typedef struct lw_oidset {
	git_oid *slots;
	uint8_t *used;
	size_t n, cap;
} lw_oidset;

void lw_oidset_init(lw_oidset *s);
void lw_oidset_release(lw_oidset *s);
int lw_oidset_contains(const lw_oidset *s, const git_oid *id);
/* 1 if inserted, 0 if already there, -1 out of memory */
int lw_oidset_insert(lw_oidset *s, const git_oid *id);

#endif
