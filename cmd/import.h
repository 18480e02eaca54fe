/* import.h - `leakwalk import-ignore`: the entries of another scanner's
 * allowlist, read by one parser per format (import_gitleaks.c,
 * import_detect_secrets.c) and mapped to fingerprints by cmd_import.c. */
#ifndef LW_IMPORT_H
#define LW_IMPORT_H

#include "cli.h"

#define IMP_MAX_ENTRIES 1000000

typedef struct imp_entry {
	char *commit; /* gitleaks: the commit that holds the file, or NULL */
	char *path;
	char *rule;   /* the other tool's rule or type, for messages */
	char *hashed; /* detect-secrets: SHA-1 of the secret, hex */
	char *orig;   /* shown in the comment */
	uint32_t line;
} imp_entry;

/* The entries read, in the file's order; owned, lw_import_entries_free. */
typedef struct imp_entries {
	imp_entry *v;
	size_t n, cap;
} imp_entries;

/* Takes `e` (its strings) into `l`; -1 when out of memory or past
 * IMP_MAX_ENTRIES (said on stderr), `e` left to the caller to free. */
int lw_import_add(imp_entries *l, imp_entry *e);
void lw_import_entry_free(imp_entry *e);
void lw_import_entries_free(imp_entries *l);
/* A copy of `n` bytes of `s`, terminated; NULL when out of memory. */
char *lw_import_strndup(const char *s, size_t n);
/* An entry that cannot be mapped: said on stderr, escaped. */
void lw_import_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The parsers: every entry of `data` (the file `name`) appended to `l`;
 * an entry that cannot be read is said (lw_import_skip) and counted in
 * `*bad`. 0; -1 out of memory or too many entries; -2 not that format at
 * all (said on stderr). */
int lw_import_read_gitleaks(imp_entries *l, const char *data, size_t len, const char *name,
	size_t *bad);
int lw_import_read_detect_secrets(imp_entries *l, const char *data, size_t len,
	const char *name, size_t *bad);

#endif
