/* scan_emit.c - a kept candidate becomes a finding: its line and column,
 * the line shown, the checksum, the fingerprint, the confidence, and the
 * public identifiers near it as context. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

static void lw_cursor_advance(lw_cursor *c, const unsigned char *d, size_t len, size_t to)
{
	size_t i = c->pos;

	if (to <= i)
		return;
	/* LF is the common line end: jump between them; a lone CR is rare, so
	 * each stretch is checked for one before it is skipped */
	while (i < to) {
		const unsigned char *nl = memchr(d + i, '\n', to - i);
		size_t end = nl ? (size_t)(nl - d) : to;
		const unsigned char *cr = memchr(d + i, '\r', end - i);
		while (cr) {
			size_t k = (size_t)(cr - d);
			if (k + 1 >= len || d[k + 1] != '\n') {
				c->line++;
				c->line_start = k + 1;
			}
			cr = k + 1 < end ? memchr(d + k + 1, '\r', end - k - 1) : NULL;
		}
		if (!nl)
			break;
		c->line++;
		c->line_start = end + 1;
		i = end + 1;
	}
	c->pos = to;
}

/* Public identifiers within LW_CONTEXT_BYTES of a finding's secret, in
 * order of position: the finding's context (which account the secret
 * opens). The candidates are sorted by secret offset. */
#define LW_CONTEXT_BYTES 512
static size_t lw_cand_context(const lw_scanner *sc, const lw_cand *c, lw_context_item *out)
{
	size_t from = c->soff > LW_CONTEXT_BYTES ? c->soff - LW_CONTEXT_BYTES : 0;
	size_t to = c->soff + c->slen + LW_CONTEXT_BYTES, lo = 0, hi = sc->ncands, n = 0;

	if (!sc->rs->nidentifiers)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->cands[mid].soff < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < sc->ncands && sc->cands[i].soff <= to && n < LW_MAX_CONTEXT; i++) {
		const lw_cand *k = &sc->cands[i];
		const lw_rule *r = &sc->rs->rules[k->rule];
		if (k->drop || !r->info.identifier || k == c)
			continue;
		if (n && out[n - 1].value_len == k->slen &&
		    !memcmp(out[n - 1].value, sc->chunk->data + k->soff, k->slen))
			continue;
		out[n++] = (lw_context_item){ r->info.id, sc->chunk->data + k->soff, k->slen };
	}
	return n;
}

int lw_scan__emit(lw_scanner *sc, const lw_cand *c, lw_cursor *cur)
{
	const unsigned char *d = sc->chunk->data;
	size_t len = sc->chunk->len;
	lw_rule *r = &sc->rs->rules[c->rule];
	lw_finding f;
	lw_cursor end;
	size_t le, ls;

	memset(&f, 0, sizeof(f));
	f.secret = d + c->soff;
	f.secret_len = c->slen;
	f.entropy = lw_entropy(f.secret, f.secret_len);
	lw_cursor_advance(cur, d, len, c->soff);
	ls = cur->line_start;
	/* findings share long lines: find each line's end once */
	if (cur->end_of != ls + 1 || c->soff > cur->line_end) {
		cur->line_end = lw_line_end(d, len, c->soff);
		cur->end_of = ls + 1;
	}
	le = cur->line_end;
	/* rules that guess from a key name: in a documentation example the
	 * value is a sample; in the printable runs of binary content the "line"
	 * is a run of a string table (compiled code's names and messages), so
	 * only rules that know the secret by its own shape run there. A URL
	 * with a user and password in a documentation example ("#   uri =
	 * URI.parse(...)") is a sample too. */
	int guess = lw_rule_has_tag(r, "key-name");
	int url = !guess && lw_rule_has_tag(r, "url") && lw_rule_has_tag(r, "generic");
	if ((guess && sc->in_strings) || ((guess || url) && lw_line_is_doc_example(d + ls, le - ls)))
		return 0;
	if (sc->opts.honour_inline_allow) {
		int allow = lw_scan__line_has_allow(sc, ls, le);
		if (!allow && c->off < ls) {
			/* the match began on an earlier line: that line counts too */
			size_t ms = lw_line_start(d, c->off, 0);
			allow = lw_scan__line_has_allow(sc, ms, lw_line_end(d, len, c->off));
		}
		if (allow)
			return 0;
	}
	f.rule = &r->info;
	f.rule_index = c->rule;
	f.path = sc->chunk->path;
	f.line = sc->chunk->first_line + cur->line;
	f.column = (uint32_t)(c->soff - ls + 1);
	end = *cur;
	lw_cursor_advance(&end, d, len, c->soff + c->slen - 1);
	f.end_line = sc->chunk->first_line + end.line;
	f.end_column = (uint32_t)(c->soff + c->slen - 1 - end.line_start + 1);
	f.offset = c->off;
	f.length = c->len;
	f.match = d + c->off;
	f.match_len = c->len;
	/* the line shown is bounded around the secret */
	size_t tstart = c->soff - ls > LW_LINE_TEXT_MAX ? c->soff - LW_LINE_TEXT_MAX : ls;
	size_t tend = le - c->soff > c->slen + LW_LINE_TEXT_MAX ? c->soff + c->slen + LW_LINE_TEXT_MAX : le;
	f.line_text = d + tstart;
	f.line_len = tend - tstart;
	f.secret_col = c->soff - tstart;
	f.checksum = lw_checksum_verify(r->info.checksum, f.secret, f.secret_len);
	/* A token whose checksum fails is a typo or a made-up value. Dropped
	 * only here, after deduplication: it still hides the generic findings
	 * of the same text, which would otherwise report it under another name. */
	if (f.checksum == LW_CHECKSUM_INVALID && !sc->opts.report_invalid_checksums)
		return 0;
	lw_fingerprint(f.fingerprint, r->info.id,
		sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path,
		f.secret, f.secret_len);
	f.confidence = lw_confidence_of(&f);
	lw_context_item ctx[LW_MAX_CONTEXT];
	f.ncontext = lw_cand_context(sc, c, ctx);
	f.context = ctx;
	return sc->sink->on_finding(&f, sc->sink->payload) ? LW_ESTOP : 0;
}
