/* pathrule.c - rules and paths. Path rules are matched on a file's path
 * alone: files whose presence is itself the leak (a private key file, a
 * keystore, Rails' master.key).
 * Such a file is reported once, at line 1 column 1, whatever its content,
 * binary included; the secret is the path, so the fingerprint depends
 * only on the rule and the path and stays stable while the content
 * changes. Rules limited by `paths` ask here whether the chunk's path
 * admits them, through one regex joining every rule's paths. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int lw_path_emit(lw_scanner *sc, size_t ri, const char *path, const char *rel,
	const lw_sink *sink)
{
	const lw_rule *r = &lw_scanner_ruleset(sc)->rules[ri];
	size_t rl = strlen(rel);
	lw_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = &r->info;
	f.rule_index = ri;
	f.path = path;
	f.line = f.end_line = 1;
	f.column = 1;
	f.end_column = rl > UINT32_MAX ? UINT32_MAX : (uint32_t)(rl ? rl : 1);
	f.secret = f.match = f.line_text = (const unsigned char *)rel;
	f.secret_len = f.match_len = f.line_len = rl;
	f.length = rl;
	f.entropy = lw_entropy(f.secret, f.secret_len);
	lw_fingerprint(f.fingerprint, r->info.id, rel, f.secret, f.secret_len);
	f.confidence = lw_confidence_of(&f);
	return sink->on_finding(&f, sink->payload) ? LW_ESTOP : 0;
}

static int lw_path_allowed(const lw_allow *a, const char *rel, pcre2_match_data *md)
{
	size_t rl = strlen(rel);

	for (size_t i = 0; i < a->stopwords.n; i++)
		if (lw_memcasemem((const unsigned char *)rel, rl, a->stopwords.v[i],
			    strlen(a->stopwords.v[i])))
			return 1;
	return lw_regex_list_matches(&a->regexes, (const unsigned char *)rel, rl, md) ||
		lw_regex_list_matches(&a->paths, (const unsigned char *)rel, rl, md);
}

int lw_pathstate_init(lw_pathstate *ps, size_t nrules)
{
	memset(ps, 0, sizeof(*ps));
	ps->nrules = nrules;
	ps->gen_of = calloc(nrules ? nrules : 1, sizeof(uint32_t));
	ps->ok = calloc(nrules ? nrules : 1, 1);
	return ps->gen_of && ps->ok ? 0 : LW_ENOMEM;
}

void lw_pathstate_release(lw_pathstate *ps)
{
	free(ps->gen_of);
	free(ps->ok);
	free(ps->memo);
	memset(ps, 0, sizeof(*ps));
}

void lw_pathstate_next_chunk(lw_pathstate *ps)
{
	if (++ps->gen == 0) {
		memset(ps->gen_of, 0, ps->nrules * sizeof(uint32_t));
		ps->any_gen = 0;
		ps->gen = 1;
	}
}

int lw_paths_may_match(lw_pathstate *ps, const lw_ruleset *rs, const char *rel,
	pcre2_match_data *md)
{
	size_t n = strlen(rel);
	int ok;

	if (!rs->paths_any)
		return 1;
	if (ps->memo && ps->memo_len == n && memcmp(ps->memo, rel, n) == 0)
		return ps->memo_ok;
	ok = pcre2_match(rs->paths_any, (PCRE2_SPTR)rel, n, 0, 0, md, NULL) >= 0;
	char *c = realloc(ps->memo, n + 1);
	if (c) {
		memcpy(c, rel, n + 1);
		ps->memo = c;
		ps->memo_len = n;
		ps->memo_ok = ok;
	}
	return ok;
}

int lw_pathstate_rule_ok(lw_pathstate *ps, const lw_ruleset *rs, size_t ri, const char *rel,
	pcre2_match_data *md)
{
	const lw_rule *r = &rs->rules[ri];

	if (!r->paths.n || ps->any_path)
		return 1;
	if (ps->any_gen != ps->gen) {
		ps->any_gen = ps->gen;
		ps->any_ok = lw_paths_may_match(ps, rs, rel, md);
	}
	if (!ps->any_ok)
		return 0;
	if (ps->gen_of[ri] != ps->gen) {
		ps->gen_of[ri] = ps->gen;
		ps->ok[ri] = (uint8_t)lw_regex_list_matches(&r->paths, (const unsigned char *)rel,
			strlen(rel), md);
	}
	return ps->ok[ri];
}

/* One regex for all rules' `paths`, so most files, whose names no rule is
 * limited to, cost one match instead of one per such rule. Path regexes
 * mostly begin with (?:^|/) or \. (optionally after (?i)): those are
 * grouped behind that prefix, so at most places in a path one test fails
 * them all. Regexes with back references are not joined (their group
 * numbers would move): then there is no shortcut. */
static int lw_path_branch(lw_buf *group, const char *s, const char *prefix)
{
	const char *rest = s, *ci = "";
	size_t pl = strlen(prefix);

	if (strncmp(rest, "(?i)", 4) == 0) {
		rest += 4;
		ci = "(?i)";
	}
	if (strncmp(rest, prefix, pl) != 0 || lw_regex_has_top_alternative(rest))
		return 0;
	lw_buf_puts(group, group->len ? "|(?:" : "(?:");
	lw_buf_puts(group, ci);
	lw_buf_puts(group, rest + pl);
	lw_buf_puts(group, ")");
	return 1;
}

void lw_ruleset_join_paths(lw_ruleset *rs)
{
	lw_buf slash, dot, other, all;

	lw_buf_init(&slash, (size_t)1 << 20);
	lw_buf_init(&dot, (size_t)1 << 20);
	lw_buf_init(&other, (size_t)1 << 20);
	lw_buf_init(&all, (size_t)4 << 20);
	for (size_t i = 0; i < rs->n; i++) {
		const lw_rule *r = &rs->rules[i];
		if (r->info.disabled)
			continue;
		for (size_t j = 0; j < r->paths.n; j++) {
			const char *s = r->paths.sources[j];
			for (const char *p = s; *p; p++)
				if (p[0] == '\\' && p[1] && strchr("123456789gk", p[1]))
					goto done;
			if (strstr(s, "(?P=") || strstr(s, "(?P>") || strstr(s, "(?&") || strstr(s, "(?R") ||
			    strstr(s, "(?|"))
				goto done;
			if (lw_path_branch(&slash, s, "(?:^|/)") || lw_path_branch(&dot, s, "\\."))
				continue;
			lw_buf_puts(&other, other.len ? "|(?:" : "(?:");
			lw_buf_puts(&other, s);
			lw_buf_puts(&other, ")");
		}
	}
	if (slash.len) {
		lw_buf_puts(&all, "(?:^|/)(?:");
		lw_buf_puts(&all, lw_buf_cstr(&slash));
		lw_buf_puts(&all, ")");
	}
	if (dot.len) {
		lw_buf_puts(&all, all.len ? "|\\.(?:" : "\\.(?:");
		lw_buf_puts(&all, lw_buf_cstr(&dot));
		lw_buf_puts(&all, ")");
	}
	if (other.len) {
		lw_buf_puts(&all, all.len ? "|" : "");
		lw_buf_puts(&all, lw_buf_cstr(&other));
	}
	if (all.len && !slash.overflow && !dot.overflow && !other.overflow && !all.overflow &&
	    (rs->paths_any = lw_regex_compile(lw_buf_cstr(&all), NULL)))
		pcre2_jit_compile(rs->paths_any, PCRE2_JIT_COMPLETE);
done:
	lw_buf_release(&slash);
	lw_buf_release(&dot);
	lw_buf_release(&other);
	lw_buf_release(&all);
}


int lw_scanner_scan_path(lw_scanner *sc, const char *path, const char *fingerprint_path,
	const lw_sink *sink)
{
	const lw_ruleset *rs = lw_scanner_ruleset(sc);
	const lw_scan_options *o = lw_scanner_options(sc);
	pcre2_match_data *md = lw_scanner_match_data(sc);
	const char *rel = fingerprint_path ? fingerprint_path : path;
	int rc = 0;

	if (!rs->finalized)
		return LW_ERROR;
	if (!rs->nby_path || !rel[0] || !lw_paths_may_match(lw_scanner_pathstate(sc), rs, rel, md) ||
	    lw_path_allowed(&rs->allow, rel, md))
		return 0;
	for (size_t i = 0; rc == 0 && i < rs->nby_path; i++) {
		size_t ri = rs->by_path[i];
		const lw_rule *r = &rs->rules[ri];
		if (o->only_rule >= 0 && (size_t)o->only_rule != ri)
			continue;
		if (!lw_regex_list_matches(&r->paths, (const unsigned char *)rel, strlen(rel), md) ||
		    lw_path_allowed(&r->allow, rel, md))
			continue;
		rc = lw_path_emit(sc, ri, path, rel, sink);
	}
	return rc;
}
