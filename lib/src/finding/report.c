/* report.c - the owned collection of findings a command reports. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LW_MAX_RECORDS 10000000

struct lw_report {
	lw_record **v;
	size_t n, cap;
};

int lw_report_new(lw_report **out)
{
	*out = calloc(1, sizeof(lw_report));
	return *out ? 0 : LW_ENOMEM;
}

static void lw_free_secret(char *p, size_t n)
{
	lw_wipe(p, n);
	free(p);
}

void lw_record_free(lw_record *rec)
{
	if (!rec)
		return;
	lw_free_secret(rec->secret, rec->secret_len);
	lw_free_secret(rec->match, rec->match_len);
	lw_free_secret(rec->line_text, rec->line_len);
	free(rec->rule_id);
	free(rec->description);
	free(rec->path);
	free(rec->commit);
	free(rec->author);
	free(rec->email);
	free(rec->date);
	free(rec->message);
	free(rec->blob);
	free(rec->decoded);
	free(rec->repo);
	free(rec->status);
	free(rec->secret_id);
	for (size_t i = 0; i < rec->ncontext; i++) {
		free(rec->context_rule[i]);
		free(rec->context_value[i]);
	}
	free(rec->context_rule);
	free(rec->context_value);
	for (size_t i = 0; i < rec->npresent; i++)
		free(rec->present[i]);
	free(rec->present);
	free(rec);
}

void lw_report_free(lw_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		lw_record_free(r->v[i]);
	free(r->v);
	free(r);
}

static int lw_dup_opt(char **out, const char *s)
{
	*out = NULL;
	return s && !(*out = lw_strdup(s)) ? LW_ENOMEM : 0;
}

static int lw_record_fill(lw_record *rec, const lw_finding *f, const lw_provenance *p)
{
	rec->rule_id = lw_strdup(f->rule->id);
	rec->description = lw_strdup(f->rule->description);
	rec->path = lw_strdup(f->path);
	rec->secret = lw_strndup((const char *)f->secret, f->secret_len);
	rec->match = lw_strndup((const char *)f->match, f->match_len);
	rec->line_text = lw_strndup((const char *)f->line_text, f->line_len);
	if (!rec->rule_id || !rec->description || !rec->path || !rec->secret ||
	    !rec->match || !rec->line_text)
		return LW_ENOMEM;
	rec->secret_len = f->secret_len;
	rec->match_len = f->match_len;
	rec->line_len = f->line_len;
	rec->secret_col = f->secret_col;
	rec->secret_in_match = (size_t)(f->secret - f->match);
	rec->severity = f->rule->severity;
	rec->line = f->line;
	rec->column = f->column;
	rec->end_line = f->end_line;
	rec->end_column = f->end_column;
	rec->entropy = f->entropy;
	rec->checksum = f->checksum;
	rec->confidence = f->confidence;
	memcpy(rec->fingerprint, f->fingerprint, sizeof(rec->fingerprint));
	if (f->decoded && !(rec->decoded = lw_strdup(f->decoded)))
		return LW_ENOMEM;
	if (f->ncontext) {
		rec->context_rule = calloc(f->ncontext, sizeof(char *));
		rec->context_value = calloc(f->ncontext, sizeof(char *));
		if (!rec->context_rule || !rec->context_value)
			return LW_ENOMEM;
		for (size_t i = 0; i < f->ncontext; i++, rec->ncontext++) {
			rec->context_rule[i] = lw_strdup(f->context[i].rule_id);
			rec->context_value[i] = lw_strndup((const char *)f->context[i].value,
				f->context[i].value_len);
			if (!rec->context_rule[i] || !rec->context_value[i]) {
				rec->ncontext++;
				return LW_ENOMEM;
			}
		}
	}
	if (!p)
		return 0;
	if (lw_dup_opt(&rec->commit, p->commit) < 0 || lw_dup_opt(&rec->author, p->author) < 0 ||
	    lw_dup_opt(&rec->email, p->email) < 0 || lw_dup_opt(&rec->date, p->date) < 0 ||
	    lw_dup_opt(&rec->message, p->message) < 0 || lw_dup_opt(&rec->blob, p->blob) < 0)
		return LW_ENOMEM;
	return 0;
}

int lw_record_new(lw_record **out, const lw_finding *f, const lw_provenance *p)
{
	lw_record *rec = calloc(1, sizeof(*rec));

	*out = NULL;
	if (!rec)
		return LW_ENOMEM;
	if (lw_record_fill(rec, f, p) < 0) {
		lw_record_free(rec);
		return LW_ENOMEM;
	}
	*out = rec;
	return 0;
}

int lw_report_take(lw_report *r, lw_record *rec)
{
	if (r->n >= LW_MAX_RECORDS)
		return LW_ELIMIT;
	if (LW_GROW(r->v, r->cap, r->n, 64) < 0)
		return LW_ENOMEM;
	r->v[r->n++] = rec;
	return 0;
}

int lw_report_add(lw_report *r, const lw_finding *f, const lw_provenance *p, lw_record **added)
{
	lw_record *rec;
	int rc;

	if (added)
		*added = NULL;
	if ((rc = lw_record_new(&rec, f, p)) < 0)
		return rc;
	if ((rc = lw_report_take(r, rec)) < 0) {
		lw_record_free(rec);
		return rc;
	}
	if (added)
		*added = rec;
	return 0;
}

size_t lw_report_count(const lw_report *r)
{
	return r->n;
}

lw_record *lw_report_get(lw_report *r, size_t i)
{
	return i < r->n ? r->v[i] : NULL;
}

void lw_report_move_if(lw_report *r, int (*pred)(const lw_record *, void *), void *payload,
	lw_report *into)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (!pred(r->v[i], payload))
			r->v[k++] = r->v[i];
		else if (!into || lw_report_take(into, r->v[i]) < 0)
			lw_record_free(r->v[i]);
	}
	r->n = k;
}

void lw_report_remove_if(lw_report *r, int (*pred)(const lw_record *, void *), void *payload)
{
	lw_report_move_if(r, pred, payload, NULL);
}

static int lw_record_cmp(const void *a, const void *b)
{
	const lw_record *x = *(lw_record *const *)a, *y = *(lw_record *const *)b;
	int c;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if ((c = strcmp(x->path, y->path)))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return strcmp(x->rule_id, y->rule_id);
}

void lw_report_sort(lw_report *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), lw_record_cmp);
}

/* Replaces in `msg` every occurrence of `sec` by stars (in place; shrinks). */
static void lw_star_out(char *msg, const char *sec, size_t slen)
{
	size_t ml = strlen(msg), o = 0;

	if (slen < 4)
		return;
	for (size_t i = 0; i < ml;) {
		if (i + slen <= ml && !memcmp(msg + i, sec, slen)) {
			memcpy(msg + o, "*****", 5 < slen ? 5 : slen);
			o += 5 < slen ? 5 : slen;
			i += slen;
		} else {
			msg[o++] = msg[i++];
		}
	}
	lw_wipe(msg + o, ml - o);
	msg[o] = '\0';
}

static int lw_commit_cmp(const void *a, const void *b)
{
	const lw_record *x = *(lw_record *const *)a, *y = *(lw_record *const *)b;

	return strcmp(x->commit ? x->commit : "", y->commit ? y->commit : "");
}

void lw_report_redact_messages(lw_report *r)
{
	lw_record **v;

	if (!r->n || !(v = malloc(r->n * sizeof(*v))))
		return;
	memcpy(v, r->v, r->n * sizeof(*v));
	/* a message shows beside the findings of its own commit: only their
	 * secrets need hiding in it, which keeps this linear in practice */
	qsort(v, r->n, sizeof(*v), lw_commit_cmp);
	for (size_t g = 0; g < r->n;) {
		size_t e = g + 1;
		while (e < r->n && !lw_commit_cmp(&v[g], &v[e]))
			e++;
		/* the records of one commit carry the same message: mask one copy
		 * with every secret of the group, then share the result */
		char *orig = NULL, *masked = NULL;
		for (size_t i = g; i < e; i++) {
			lw_record *a = v[i];
			if (!a->message)
				continue;
			if (orig && !strcmp(a->message, orig)) {
				size_t ml = strlen(masked);
				memcpy(a->message, masked, ml + 1);
				continue;
			}
			free(orig);
			orig = lw_strdup(a->message);
			for (size_t j = g; j < e; j++) {
				const lw_record *b = v[j];
				/* a message is one line: a multi-line secret shows line by line */
				for (size_t ps = 0; ps < b->secret_len;) {
					size_t pe = ps;
					while (pe < b->secret_len && b->secret[pe] != '\n' && b->secret[pe] != '\r')
						pe++;
					lw_star_out(a->message, b->secret + ps, pe - ps);
					ps = pe + 1;
				}
			}
			masked = a->message;
			if (!orig)
				break;
		}
		if (orig)
			lw_wipe(orig, strlen(orig));
		free(orig);
		g = e;
	}
	free(v);
}

lw_record **lw_report__detach(lw_report *r, size_t *n)
{
	lw_record **v = r->v;

	*n = r->n;
	r->v = NULL;
	r->n = r->cap = 0;
	return v;
}
