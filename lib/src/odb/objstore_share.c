/*
 * objstore_share.c - one open store per set of object directories, shared
 * by every repository handle opened on them while any is open. An audit
 * opens a handle per thread; each had mapped the packs and their indexes
 * anew, and every mapping counts in the process's resident memory: on a
 * history of 5.6 million objects, three copies of a 130 MiB index. A store
 * is immutable once open, so sharing it needs no lock but the registry's.
 * The last handle to let go closes it; a later open sees the packs anew.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objstore_int.h"

typedef struct os_shared {
	char *key; /* the directories, each followed by '\n' */
	lw_objstore *store;
	unsigned refs;
	struct os_shared *next;
} os_shared;

static pthread_mutex_t os_share_lock = PTHREAD_MUTEX_INITIALIZER;
static os_shared *os_share_list;

static char *os_share_key(const char *const *dirs, size_t n)
{
	size_t len = 1;

	for (size_t i = 0; i < n; i++)
		len += strlen(dirs[i]) + 1;
	char *k = malloc(len), *p = k;
	if (!k)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(dirs[i]);
		memcpy(p, dirs[i], l);
		p[l] = '\n';
		p += l + 1;
	}
	*p = '\0';
	return k;
}

int lw_objstore_share(lw_objstore **out, const char *const *dirs, size_t n)
{
	char *key = os_share_key(dirs, n);
	os_shared *e;
	int rc = 0;

	*out = NULL;
	if (!key)
		return LW_ENOMEM;
	pthread_mutex_lock(&os_share_lock);
	for (e = os_share_list; e && strcmp(e->key, key); e = e->next)
		;
	if (e) {
		e->refs++;
		*out = e->store;
	} else if (!(e = calloc(1, sizeof(*e)))) {
		rc = LW_ENOMEM;
	} else if ((rc = lw_objstore_open(&e->store, dirs, n)) < 0) {
		free(e);
	} else {
		e->key = key;
		key = NULL;
		e->refs = 1;
		e->next = os_share_list;
		os_share_list = e;
		*out = e->store;
	}
	pthread_mutex_unlock(&os_share_lock);
	free(key);
	return rc;
}

void lw_objstore_unshare(lw_objstore *s)
{
	os_shared **pp, *gone = NULL;

	if (!s)
		return;
	pthread_mutex_lock(&os_share_lock);
	for (pp = &os_share_list; *pp && (*pp)->store != s; pp = &(*pp)->next)
		;
	if (*pp && --(*pp)->refs == 0) {
		gone = *pp;
		*pp = gone->next;
	}
	pthread_mutex_unlock(&os_share_lock);
	if (gone) {
		lw_objstore_free(gone->store);
		free(gone->key);
		free(gone);
	}
}
