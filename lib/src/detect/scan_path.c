/* scan_path.c - path rules, matched on a file's path alone: files whose
 * presence is itself the leak (a private key file, a keystore, Rails'
 * master.key). Such a file is reported once, at line 1 column 1, whatever
 * its content, binary included; the secret is the path, so the fingerprint
 * depends only on the rule and the path and stays stable while the content
 * changes. */
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
		lw_path_list_matches(&a->paths, rel, rl, md);
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
		if (!lw_path_list_matches(&r->paths, rel, strlen(rel), md) ||
		    lw_path_allowed(&r->allow, rel, md))
			continue;
		rc = lw_path_emit(sc, ri, path, rel, sink);
	}
	return rc;
}
