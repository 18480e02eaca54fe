#define _GNU_SOURCE /* memmem */
/* render.c - report formats for people: text and CSV, and the dispatcher. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report/render.h"

int lw_format_parse(const char *name)
{
	static const char *const names[] = { "text", "json", "jsonl", "sarif", "csv", "junit",
		"gitlab", "html" };

	for (int i = 0; i < (int)(sizeof(names) / sizeof(*names)); i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* The records of the report being rendered, sorted by (path, line), so
 * that a line shown for one finding also hides the other secrets on it.
 * Set by lw_report_render for the duration of one call (one thread). */
static __thread lw_record **lw_mask_sorted;
static __thread size_t lw_mask_n;

static int lw_mask_cmp(const void *a, const void *b)
{
	const lw_record *x = *(lw_record *const *)a, *y = *(lw_record *const *)b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

/* Index of the first record at or after (path, line, column). */
static size_t lw_mask_lower(const char *path, uint32_t line, uint32_t column)
{
	lw_record key;
	const lw_record *kp = &key;
	size_t lo = 0, hi = lw_mask_n;

	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	key.line = line;
	key.column = column;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lw_mask_cmp(&lw_mask_sorted[mid], &kp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Marks in `mask` every place of `s` that shows part of secret `sec`: whole
 * occurrences, each line of a multi-line secret, and pieces cut off at the
 * edges of a bounded line window. */
#define LW_MASK_MIN 4

static void lw_mask_fragment(unsigned char *mask, const char *s, size_t len, const char *sec,
	size_t slen, unsigned char mark)
{
	size_t ps = 0;

	while (ps < slen) {
		size_t pe = ps;
		while (pe < slen && sec[pe] != '\n' && sec[pe] != '\r')
			pe++;
		const char *p = sec + ps;
		size_t pl = pe - ps;
		if (pl >= LW_MASK_MIN || pl == slen) {
			/* memmem: a long line holds many findings, each masking its
			 * neighbours, so a byte-by-byte search here was quadratic */
			for (const char *q = s; pl && q + pl <= s + len;) {
				q = memmem(q, (size_t)(s + len - q), p, pl);
				if (!q)
					break;
				memset(mask + (q - s), mark, pl);
				q++;
			}
			/* the window's start shows the tail of a piece, its end the head */
			for (size_t k = pl - 1; k >= LW_MASK_MIN && k > 0; k--) {
				if (k <= len && !memcmp(s, p + pl - k, k)) {
					memset(mask, mark, k);
					break;
				}
			}
			for (size_t k = pl - 1; k >= LW_MASK_MIN && k > 0; k--) {
				if (k <= len && !memcmp(s + len - k, p, k)) {
					memset(mask + len - k, mark, k);
					break;
				}
			}
		}
		ps = pe + 1;
	}
}

void lw_render_secret(lw_buf *out, const lw_record *rec, int redact)
{
	if (redact && !rec->redacted)
		lw_redact(out, (const unsigned char *)rec->secret, rec->secret_len);
	else
		lw_buf_put(out, rec->secret, rec->secret_len);
}

/* Appends `len` bytes of `s` with every secret found on the same line as
 * `rec` (its own at [so, so + sl) included, and secrets of findings spanning
 * that line) redacted, unless `redact` is off. */
void lw_render_masked(lw_buf *out, const char *s, size_t len, size_t so, size_t sl,
	const lw_record *rec, int redact, int json)
{
	int (*esc)(lw_buf *, const unsigned char *, size_t) = json ? lw_escape_json : lw_escape_text;
	unsigned char *mask;


	if (!redact || rec->redacted) {
		esc(out, (const unsigned char *)s, len);
		return;
	}
	mask = calloc(len ? len : 1, 1);
	if (!mask) {
		lw_buf_puts(out, "*****");
		return;
	}
	lw_mask_fragment(mask, s, len, rec->secret, rec->secret_len, 2);
	if (so <= len) {
		size_t e = so + sl > len ? len : so + sl;
		memset(mask + so, 1, e - so);
	}
	/* the shown text spans at most `len` bytes around the secret: only
	 * records on this line whose column falls near it can appear in it */
	uint32_t from = rec->column > len + 1 ? rec->column - (uint32_t)len - 1 : 0;
	uint32_t to = rec->column + (uint32_t)len + 1;
	for (size_t g = lw_mask_lower(rec->path, rec->line, from); g < lw_mask_n; g++) {
		const lw_record *o = lw_mask_sorted[g];
		if (o->line != rec->line || o->column > to || strcmp(o->path, rec->path))
			break;
		if (o != rec)
			lw_mask_fragment(mask, s, len, o->secret, o->secret_len, 2);
	}
	/* multi-line secrets that started on an earlier line and reach this one */
	size_t seen = 0;
	for (size_t g = lw_mask_lower(rec->path, rec->line, 0); g-- > 0 && seen < 256; seen++) {
		const lw_record *o = lw_mask_sorted[g];
		if (strcmp(o->path, rec->path) || o->line + 4096 < rec->line)
			break;
		if (o->end_line >= rec->line)
			lw_mask_fragment(mask, s, len, o->secret, o->secret_len, 2);
	}
	for (size_t i = 0; i < len;) {
		size_t j = i;
		if (!mask[i]) {
			while (j < len && !mask[j])
				j++;
			esc(out, (const unsigned char *)s + i, j - i);
		} else {
			while (j < len && mask[j])
				j++;
			/* own secret: its usual redacted form; others: stars */
			if (mask[i] == 1 || (i == so && j - i == sl)) {
				lw_buf tmp;
				lw_buf_init(&tmp, 0);
				lw_redact(&tmp, (const unsigned char *)rec->secret, rec->secret_len);
				esc(out, (const unsigned char *)tmp.data, tmp.len);
				lw_buf_release(&tmp);
			} else {
				lw_buf_puts(out, "*****");
			}
		}
		i = j;
	}
	free(mask);
}

/* The rule id's colour says how severe it is: bold magenta, bold red,
 * yellow, cyan, dim. */
static const char *lw_severity_color(lw_severity s)
{
	static const char *const c[] = { "\033[2m", "\033[36m", "\033[33m", "\033[1;31m",
		"\033[1;35m" };

	return (unsigned)s < sizeof(c) / sizeof(*c) ? c[s] : "";
}

static void lw_render_text_one(lw_buf *o, const lw_record *rec, const lw_output_options *opt)
{
	const char *bold = opt->color ? "\033[1m" : "";
	const char *red = opt->color ? lw_severity_color(rec->severity) : "";
	const char *dim = opt->color ? "\033[2m" : "", *reset = opt->color ? "\033[0m" : "";

	lw_buf_puts(o, bold);
	lw_escape_text(o, (const unsigned char *)rec->path, strlen(rec->path));
	lw_buf_printf(o, ":%u:%u:%s %s%s%s: ", rec->line, rec->column, reset, red, rec->rule_id, reset);
	lw_escape_text(o, (const unsigned char *)rec->description, strlen(rec->description));
	lw_buf_printf(o, " [%s, confidence %s]", lw_severity_name(rec->severity),
		lw_confidence_name(rec->confidence));
	if (rec->checksum == LW_CHECKSUM_VALID)
		lw_buf_puts(o, " (checksum valid)");
	else if (rec->checksum == LW_CHECKSUM_INVALID)
		lw_buf_puts(o, " (checksum invalid)");
	lw_buf_puts(o, "\n    ");
	lw_render_masked(o, rec->line_text, rec->line_len, rec->secret_col, rec->secret_len, rec,
		opt->redact, 0);
	lw_buf_putc(o, '\n');
	if (rec->commit) {
		lw_buf_printf(o, "    %scommit %.12s", dim, rec->commit);
		if (rec->author) {
			lw_buf_puts(o, " by ");
			lw_escape_text(o, (const unsigned char *)rec->author, strlen(rec->author));
		}
		if (rec->email) {
			lw_buf_puts(o, " <");
			lw_escape_text(o, (const unsigned char *)rec->email, strlen(rec->email));
			lw_buf_puts(o, ">");
		}
		if (rec->date)
			lw_buf_printf(o, " on %s", rec->date);
		if (rec->message) {
			lw_buf_puts(o, ": ");
			lw_escape_text(o, (const unsigned char *)rec->message, strlen(rec->message));
		}
		lw_buf_printf(o, "%s\n", reset);
	}
	if (rec->repo) {
		lw_buf_printf(o, "    %srepository ", dim);
		lw_escape_text(o, (const unsigned char *)rec->repo, strlen(rec->repo));
		lw_buf_printf(o, ", %s, secret_id %.16s%s\n", rec->status ? rec->status : "open",
			rec->secret_id ? rec->secret_id : "", reset);
	}
	if (rec->has_present) {
		lw_buf_printf(o, "    %s", dim);
		if (!rec->npresent)
			lw_buf_puts(o, "only in history: no ref tip holds it any more");
		else
			lw_buf_puts(o, "still present at the tip of:");
		for (size_t i = 0; i < rec->npresent && i < 8; i++) {
			lw_buf_putc(o, ' ');
			lw_escape_text(o, (const unsigned char *)rec->present[i], strlen(rec->present[i]));
		}
		if (rec->npresent > 8)
			lw_buf_printf(o, " and %zu more", rec->npresent - 8);
		lw_buf_printf(o, "%s\n", reset);
	}
	if (rec->decoded)
		lw_buf_printf(o, "    found after decoding: %s\n", rec->decoded);
	for (size_t i = 0; i < rec->ncontext; i++) {
		const char *v = rec->context_value[i];
		lw_buf_printf(o, "    beside %s: ", rec->context_rule[i]);
		if (opt->redact && !rec->redacted)
			lw_redact(o, (const unsigned char *)v, strlen(v));
		else
			lw_escape_text(o, (const unsigned char *)v, strlen(v));
		lw_buf_putc(o, '\n');
	}
}

/* Findings apart by a blank line, then one line of counts by severity,
 * most severe first. Nothing at all when nothing was found. */
static void lw_render_text(lw_buf *o, lw_report *r, const lw_output_options *opt)
{
	size_t n = lw_report_count(r), by[LW_SEV_CRITICAL + 1] = { 0 };
	const char *sep = ": ";

	for (size_t i = 0; i < n; i++) {
		const lw_record *rec = lw_report_get(r, i);
		if (i)
			lw_buf_putc(o, '\n');
		lw_render_text_one(o, rec, opt);
		if ((unsigned)rec->severity <= LW_SEV_CRITICAL)
			by[rec->severity]++;
	}
	if (!n)
		return;
	lw_buf_printf(o, "\n%zu finding%s", n, n == 1 ? "" : "s");
	for (int s = LW_SEV_CRITICAL; s >= LW_SEV_INFO; s--) {
		if (!by[s])
			continue;
		lw_buf_printf(o, "%s%s%zu %s%s", sep, opt->color ? lw_severity_color((lw_severity)s) : "",
			by[s], lw_severity_name((lw_severity)s), opt->color ? "\033[0m" : "");
		sep = ", ";
	}
	lw_buf_putc(o, '\n');
}

static void lw_csv_field(lw_buf *o, const char *s, size_t len)
{
	lw_buf tmp;

	lw_buf_init(&tmp, 0);
	lw_escape_text(&tmp, (const unsigned char *)s, len);
	lw_buf_putc(o, '"');
	/* a leading = + - @ (or tab/CR) makes spreadsheets evaluate a formula */
	if (tmp.len && strchr("=+-@\t\r", tmp.data[0]))
		lw_buf_putc(o, '\'');
	for (size_t i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '"')
			lw_buf_putc(o, '"');
		lw_buf_putc(o, tmp.data[i]);
	}
	lw_buf_putc(o, '"');
	lw_buf_release(&tmp);
}

static void lw_csv_str(lw_buf *o, const char *s)
{
	lw_csv_field(o, s ? s : "", s ? strlen(s) : 0);
	lw_buf_putc(o, ',');
}

static void lw_render_csv(lw_buf *o, lw_report *r, const lw_output_options *opt)
{
	lw_buf_puts(o, "rule,severity,path,line,column,end_line,end_column,secret,entropy,"
		       "commit,author,email,date,message,fingerprint\r\n");
	for (size_t i = 0; i < lw_report_count(r); i++) {
		const lw_record *rec = lw_report_get(r, i);
		lw_buf secret;
		lw_csv_str(o, rec->rule_id);
		lw_csv_str(o, lw_severity_name(rec->severity));
		lw_csv_str(o, rec->path);
		lw_buf_printf(o, "%u,%u,%u,%u,", rec->line, rec->column, rec->end_line, rec->end_column);
		lw_buf_init(&secret, 0);
		secret.wipe = 1;
		lw_render_secret(&secret, rec, opt->redact);
		lw_csv_field(o, lw_buf_cstr(&secret), secret.len);
		lw_buf_release(&secret);
		lw_buf_printf(o, ",%.3f,", rec->entropy);
		lw_csv_str(o, rec->commit);
		lw_csv_str(o, rec->author);
		lw_csv_str(o, rec->email);
		lw_csv_str(o, rec->date);
		lw_csv_str(o, rec->message);
		lw_csv_field(o, rec->fingerprint, strlen(rec->fingerprint));
		lw_buf_puts(o, "\r\n");
	}
}

static int lw_render_dispatch(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);

int lw_report_render(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt)
{
	int rc = lw_render_dispatch(out, r, meta, opt);

	free(lw_mask_sorted);
	lw_mask_sorted = NULL;
	lw_mask_n = 0;
	return rc;
}

static int lw_render_dispatch(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt)
{
	size_t extra = opt->also_mask ? lw_report_count(opt->also_mask) : 0;

	lw_mask_n = 0;
	lw_mask_sorted = malloc((lw_report_count(r) + extra + 1) * sizeof(lw_record *));
	if (!lw_mask_sorted)
		return LW_ENOMEM;
	for (size_t i = 0; i < lw_report_count(r); i++)
		lw_mask_sorted[lw_mask_n++] = lw_report_get(r, i);
	for (size_t i = 0; i < extra; i++)
		lw_mask_sorted[lw_mask_n++] = lw_report_get(opt->also_mask, i);
	if (lw_mask_n)
		qsort(lw_mask_sorted, lw_mask_n, sizeof(lw_record *), lw_mask_cmp);
	switch (opt->format) {
	case LW_FORMAT_TEXT:
		lw_render_text(out, r, opt);
		break;
	case LW_FORMAT_CSV:
		lw_render_csv(out, r, opt);
		break;
	case LW_FORMAT_JSON:
	case LW_FORMAT_JSONL:
		lw_render_json(out, r, opt);
		break;
	case LW_FORMAT_SARIF:
		lw_render_sarif(out, r, meta, opt);
		break;
	case LW_FORMAT_JUNIT:
		lw_render_junit(out, r, meta, opt);
		break;
	case LW_FORMAT_GITLAB:
		lw_render_gitlab(out, r, meta, opt);
		break;
	case LW_FORMAT_HTML:
		lw_render_html(out, r, meta, opt);
		break;
	default:
		return LW_ECONFIG;
	}
	return out->overflow ? LW_ELIMIT : 0;
}
