/* lazylib.c - libpq, SQLite and libarchive opened at first use (lazylib.h says why).
 * dlopen by soname, as the dynamic linker would have found them; a
 * library that is missing or lacks a function is an error at that point,
 * said in the store's message, never a crash. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/lazylib.h"

lw_pq_api lw_pq;
lw_sqlite_api lw_sqlite;
lw_archive_api lw_archive;

static char pq_why[512], sq_why[512], ar_why[512];
static int pq_rc, sq_rc, ar_rc;
static pthread_once_t pq_once = PTHREAD_ONCE_INIT, sq_once = PTHREAD_ONCE_INIT,
	ar_once = PTHREAD_ONCE_INIT;

/* 0, or -1 with why filled */
static int lazy_open(const char *soname, const char *const *names, void **fns, size_t n, char *why,
	size_t cap)
{
	/* RTLD_LOCAL: its symbols stay out of the process's scope, as no
	 * other code of ours may bind to them by accident */
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		snprintf(why, cap, "cannot load %s: %s", soname, e ? e : "?");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(fns[i] = dlsym(h, names[i]))) {
			snprintf(why, cap, "cannot load %s: no %s in it", soname, names[i]);
			return -1; /* h stays open: a failed load is not retried */
		}
	}
	return 0;
}

#define LW_LAZY_NAME(f) #f,
#define LW_LAZY_COUNT(f) +1

static void pq_load(void)
{
	static const char *const names[] = { LW_PQ_FUNCS(LW_LAZY_NAME) };
	void *fns[0 LW_PQ_FUNCS(LW_LAZY_COUNT)];

	_Static_assert(sizeof(fns) == sizeof(lw_pq), "one pointer per function");
	pq_rc = lazy_open(LW_PQ_SONAME, names, fns, sizeof(fns) / sizeof(*fns), pq_why, sizeof(pq_why));
	if (pq_rc == 0)
		memcpy(&lw_pq, fns, sizeof(lw_pq));
}

static void sq_load(void)
{
	static const char *const names[] = { LW_SQLITE_FUNCS(LW_LAZY_NAME) };
	void *fns[0 LW_SQLITE_FUNCS(LW_LAZY_COUNT)];

	_Static_assert(sizeof(fns) == sizeof(lw_sqlite), "one pointer per function");
	sq_rc = lazy_open(LW_SQLITE_SONAME, names, fns, sizeof(fns) / sizeof(*fns), sq_why,
		sizeof(sq_why));
	if (sq_rc == 0)
		memcpy(&lw_sqlite, fns, sizeof(lw_sqlite));
}

static void ar_load(void)
{
	static const char *const names[] = { LW_ARCHIVE_FUNCS(LW_LAZY_NAME) };
	void *fns[0 LW_ARCHIVE_FUNCS(LW_LAZY_COUNT)];

	_Static_assert(sizeof(fns) == sizeof(lw_archive), "one pointer per function");
	ar_rc = lazy_open(LW_ARCHIVE_SONAME, names, fns, sizeof(fns) / sizeof(*fns), ar_why,
		sizeof(ar_why));
	if (ar_rc == 0)
		memcpy(&lw_archive, fns, sizeof(lw_archive));
}

int lw_lazy_pq(const char **why)
{
	pthread_once(&pq_once, pq_load);
	if (why)
		*why = pq_rc ? pq_why : NULL;
	return pq_rc;
}

int lw_lazy_sqlite(const char **why)
{
	pthread_once(&sq_once, sq_load);
	if (why)
		*why = sq_rc ? sq_why : NULL;
	return sq_rc;
}

int lw_lazy_archive(const char **why)
{
	pthread_once(&ar_once, ar_load);
	if (why)
		*why = ar_rc ? ar_why : NULL;
	return ar_rc;
}
