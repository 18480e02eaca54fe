/* import_entries.c - the list of entries import-ignore reads from another
 * scanner's allowlist. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

void lw_import_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lw_cli_vsay("not mapped: ", fmt, ap);
	va_end(ap);
}

int lw_import_add(imp_entries *l, imp_entry *e)
{
	if (l->n >= IMP_MAX_ENTRIES) {
		lw_cli_error("more than %u entries: refusing to go on", IMP_MAX_ENTRIES);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		imp_entry *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

void lw_import_entry_free(imp_entry *e)
{
	free(e->commit);
	free(e->path);
	free(e->rule);
	free(e->hashed);
	free(e->orig);
}

char *lw_import_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void lw_import_entries_free(imp_entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		lw_import_entry_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
