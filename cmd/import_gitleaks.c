/* import_gitleaks.c - a gitleaks .gitleaksignore: one finding a line, as
 * gitleaks prints its fingerprint, `commit:path:rule:line` (history) or
 * `path:rule:line` (a directory scan); '#' starts a comment. */
#include <stdlib.h>
#include <string.h>

#include "import.h"

static int imp_parse_uint(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (uint32_t)v;
	return v ? 0 : -1;
}

/* `commit:path:rule:line` or `path:rule:line`; a path may hold ':'. */
static int imp_gitleaks_line(imp_entries *l, const char *line, size_t n, size_t lineno,
	const char *name, size_t *bad)
{
	imp_entry e;
	const char *p2 = NULL, *p3 = NULL;

	memset(&e, 0, sizeof(e));
	for (size_t i = n; i-- > 0;) {
		if (line[i] != ':')
			continue;
		if (!p3)
			p3 = line + i;
		else {
			p2 = line + i;
			break;
		}
	}
	if (!p2 || imp_parse_uint(p3 + 1, (size_t)(line + n - p3 - 1), &e.line) < 0 || p3 == p2 + 1) {
		lw_import_skip("%s:%zu: not a gitleaks fingerprint (commit:path:rule:line or "
			"path:rule:line)", name, lineno);
		(*bad)++;
		return 0;
	}
	const char *first = memchr(line, ':', (size_t)(p2 - line));
	const char *path = line;
	if (first && (first - line == 40 || first - line == 64)) {
		char hex[65];
		memcpy(hex, line, (size_t)(first - line));
		hex[first - line] = '\0';
		if (lw_oid_is_hex(hex)) {
			e.commit = lw_import_strndup(line, (size_t)(first - line));
			path = first + 1;
		}
	}
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	e.path = lw_import_strndup(path, (size_t)(p2 - path));
	e.rule = lw_import_strndup(p2 + 1, (size_t)(p3 - p2 - 1));
	e.orig = lw_import_strndup(line, n);
	if (!e.path || !e.rule || !e.orig || !e.path[0] || lw_import_add(l, &e) < 0) {
		if (e.path && !e.path[0]) {
			lw_import_skip("%s:%zu: empty path", name, lineno);
			(*bad)++;
			lw_import_entry_free(&e);
			return 0;
		}
		lw_import_entry_free(&e);
		return -1;
	}
	return 0;
}

int lw_import_read_gitleaks(imp_entries *l, const char *data, size_t len, const char *name,
	size_t *bad)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		while (n && (line[0] == ' ' || line[0] == '\t')) {
			line++;
			n--;
		}
		if (!n || line[0] == '#')
			continue;
		if (imp_gitleaks_line(l, line, n, lineno, name, bad) < 0)
			return -1;
	}
	return 0;
}
