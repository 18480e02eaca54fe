/* history_sink.c - where a history scan's findings meet: deduplication per
 * (rule, secret, path) keeping the oldest commit, then provenance and the
 * refs whose tip still holds each secret. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finding/history_sink.h"

void lw_hsink_init(hsink *s, const lw_ruleset *rs, const lw_history_options *opts,
	lw_history_stats *st)
{
	memset(s, 0, sizeof(*s));
	s->rs = rs;
	s->opts = opts;
	s->st = st;
	pthread_mutex_init(&s->lock, NULL);
}

void lw_hsink_count(hsink *s, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&s->lock);
	*field += n;
	pthread_mutex_unlock(&s->lock);
}

void lw_hsink_diag(hsink *c, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	lw_diag d;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d.rule_id = NULL;
	d.path = path ? path : "";
	d.line = 0;
	d.message = msg;
	pthread_mutex_lock(&c->lock);
	if (c->opts->on_diag)
		c->opts->on_diag(&d, c->opts->payload);
	pthread_mutex_unlock(&c->lock);
}

void lw_hsink_pass_diag(hsink *s, const lw_diag *d)
{
	pthread_mutex_lock(&s->lock);
	if (s->opts->on_diag)
		s->opts->on_diag(d, s->opts->payload);
	pthread_mutex_unlock(&s->lock);
}

static size_t fp_hash(const char *fp)
{
	size_t h = 0;

	for (int i = 0; i < 16; i++)
		h = h * 16 + (size_t)(fp[i] <= '9' ? fp[i] - '0' : fp[i] - 'a' + 10);
	return h;
}

static int fp_grow(hsink *c)
{
	size_t cap = c->fp_cap ? c->fp_cap * 2 : 256;
	size_t *idx = malloc(cap * sizeof(size_t));

	if (!idx)
		return LW_ENOMEM;
	memset(idx, 0xff, cap * sizeof(size_t));
	for (size_t i = 0; i < c->nfound; i++) {
		size_t j = fp_hash(c->found[i].rec->fingerprint) & (cap - 1);
		while (idx[j] != SIZE_MAX)
			j = (j + 1) & (cap - 1);
		idx[j] = i;
	}
	free(c->fp_index);
	c->fp_index = idx;
	c->fp_cap = cap;
	return 0;
}

static size_t *fp_slot(hsink *c, const char *fp)
{
	size_t j = fp_hash(fp) & (c->fp_cap - 1);

	while (c->fp_index[j] != SIZE_MAX && strcmp(c->found[c->fp_index[j]].rec->fingerprint, fp))
		j = (j + 1) & (c->fp_cap - 1);
	return &c->fp_index[j];
}

static void occ_key(unsigned char key[16], const lw_finding *f)
{
	unsigned char buf[4096], d[32];
	size_t il = strlen(f->rule->id);

	if (il + 1 + f->secret_len <= sizeof(buf)) {
		memcpy(buf, f->rule->id, il);
		buf[il] = 0;
		memcpy(buf + il + 1, f->secret, f->secret_len);
		lw_sha256(buf, il + 1 + f->secret_len, d);
		lw_wipe(buf, il + 1 + f->secret_len);
	} else {
		lw_sha256(f->secret, f->secret_len, d);
	}
	memcpy(key, d, 16);
}

static int occ_add(hsink *c, const git_oid *blob, const lw_finding *f)
{
	if (LW_GROW(c->occ, c->capocc, c->nocc, 256) < 0)
		return LW_ENOMEM;
	c->occ[c->nocc].blob = *blob;
	occ_key(c->occ[c->nocc].key, f);
	c->nocc++;
	return 0;
}

static int found_add(hsink *c, const lw_finding *f, const hjob *job)
{
	char blob_hex[GIT_OID_HEXSZ + 1] = "", commit_hex[GIT_OID_HEXSZ + 1];
	lw_provenance p = { 0 };
	lw_record *rec = NULL;
	size_t *slot;

	if ((c->nfound + 1) * 2 > c->fp_cap && fp_grow(c) < 0)
		return LW_ENOMEM;
	slot = fp_slot(c, f->fingerprint);
	if (*slot != SIZE_MAX && c->found[*slot].seq <= job->seq)
		return 0;
	git_oid_tostr(commit_hex, sizeof(commit_hex), &job->commit);
	if (!git_oid_is_zero(&job->blob))
		git_oid_tostr(blob_hex, sizeof(blob_hex), &job->blob);
	/* a lightweight ref to a tree or blob: no commit brought it */
	p.commit = git_oid_is_zero(&job->commit) ? NULL : commit_hex;
	p.blob = blob_hex[0] ? blob_hex : NULL;
	if (lw_record_new(&rec, f, &p) < 0)
		return LW_ENOMEM;
	rec->order = job->seq;
	if (*slot != SIZE_MAX) {
		hfound *h = &c->found[*slot];
		lw_record_free(h->rec);
		h->rec = rec;
		h->commit = job->commit;
		h->seq = job->seq;
		return 0;
	}
	if (LW_GROW(c->found, c->capfound, c->nfound, 64) < 0) {
		lw_record_free(rec);
		return LW_ENOMEM;
	}
	c->found[c->nfound] = (hfound){ rec, job->commit, job->seq };
	*slot = c->nfound++;
	c->st->unique_findings = c->nfound;
	return 0;
}

/* f_path as found at `from`, moved to `to`: an archive member's chain
 * "from!member" becomes "to!member" */
static char *hs_rebase(const char *f_path, const char *from, const char *to)
{
	size_t fl = from ? strlen(from) : 0;
	const char *tail = from && !strncmp(f_path, from, fl) && f_path[fl] == '!' ? f_path + fl : "";
	size_t tl = strlen(to), sl = strlen(tail);
	char *p = malloc(tl + sl + 1);

	if (p) {
		memcpy(p, to, tl);
		memcpy(p + tl, tail, sl + 1);
	}
	return p;
}

void lw_hsink_add(hsink *c, const lw_finding *f, const hjob *job)
{
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	c->st->findings++;
	if (!git_oid_is_zero(&job->blob))
		rc = occ_add(c, &job->blob, f);
	if (rc == 0)
		rc = found_add(c, f, job);
	/* the blob's other paths: the same finding there, from the commit that
	 * brought the blob to each */
	for (size_t k = 0; rc == 0 && k < job->place_n; k++) {
		const hplace *p = &c->place[job->place_first + k];
		hjob pj = { p->blob, p->commit, p->seq, p->path, 0, 0, UINT64_MAX, 0 };
		lw_finding g = *f;
		/* inside an archive: the same member of the blob at p->path */
		char *chain = hs_rebase(f->path, job->path, p->path);
		if (!chain) {
			rc = LW_ENOMEM;
			break;
		}
		if (lw_hist_place_reported(c->rs, f, chain)) {
			g.path = chain;
			lw_fingerprint(g.fingerprint, f->rule->id, chain, f->secret, f->secret_len);
			g.confidence = lw_confidence_of(&g);
			rc = found_add(c, &g, &pj);
		}
		free(chain);
	}
	if (rc < 0)
		c->oom = 1;
	pthread_mutex_unlock(&c->lock);
}

static void iso_date(char *out, size_t n, const git_time *t)
{
	time_t secs = (time_t)t->time + (time_t)t->offset * 60;
	struct tm tm;
	int off = t->offset < 0 ? -t->offset : t->offset;

	gmtime_r(&secs, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		t->offset < 0 ? '-' : '+', off / 60, off % 60);
}

static char *first_line(const char *msg)
{
	size_t n = 0;

	if (!msg)
		return NULL;
	while (msg[n] && msg[n] != '\n' && msg[n] != '\r' && n < 1024)
		n++;
	return lw_strndup(msg, n);
}

static void fill_provenance(git_repository *repo, hfound *h)
{
	git_commit *commit = NULL;
	git_tag *tag = NULL;
	const git_signature *sig = NULL;
	const char *msg = NULL;
	char date[40];

	if (git_commit_lookup(&commit, repo, &h->commit) == 0) {
		sig = git_commit_author(commit);
		msg = git_commit_message(commit);
	} else if (git_tag_lookup(&tag, repo, &h->commit) == 0) {
		sig = git_tag_tagger(tag);
		msg = git_tag_message(tag);
	}
	if (sig) {
		h->rec->author = lw_strdup(sig->name);
		h->rec->email = lw_strdup(sig->email);
		iso_date(date, sizeof(date), &sig->when);
		h->rec->date = lw_strdup(date);
	}
	h->rec->message = first_line(msg);
	git_commit_free(commit);
	git_tag_free(tag);
}

static int occ_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(hocc));
}

/* The (rule, secret) key of a record, as occ_key computes it for findings. */
static void rec_key(unsigned char key[16], const lw_record *rec)
{
	lw_finding f;
	lw_rule_info ri;

	memset(&f, 0, sizeof(f));
	memset(&ri, 0, sizeof(ri));
	ri.id = rec->rule_id;
	f.rule = &ri;
	f.secret = (const unsigned char *)rec->secret;
	f.secret_len = rec->secret_len;
	occ_key(key, &f);
}

/* `present` for every record; too many blobs with findings to tell leaves
 * it unknown, with a diagnostic */
static int finish_present(hsink *c, const hpresent_in *in)
{
	unsigned char(*keys)[16] = calloc(c->nfound ? c->nfound : 1, 16);
	lw_record **recs = calloc(c->nfound ? c->nfound : 1, sizeof(lw_record *));
	int rc = 0;

	if (!keys || !recs)
		rc = LW_ENOMEM;
	for (size_t i = 0; rc == 0 && i < c->nfound; i++) {
		recs[i] = c->found[i].rec;
		rec_key(keys[i], recs[i]);
	}
	if (rc == 0 && c->nocc)
		qsort(c->occ, c->nocc, sizeof(hocc), occ_cmp);
	if (rc == 0)
		rc = lw_hist_present(in, c->occ, c->nocc, (const unsigned char(*)[16])keys, recs, c->nfound);
	if (rc == LW_ELIMIT) {
		lw_hsink_diag(c, NULL, "`present` not computed: the refs' trees hold too many blobs with findings");
		rc = 0;
	}
	free(keys);
	free(recs);
	return rc;
}

int lw_hsink_finish(hsink *c, const hpresent_in *in, lw_report *out)
{
	int rc = 0;

	for (size_t i = 0; i < c->nfound; i++)
		fill_provenance(in->repo, &c->found[i]);
	if (c->opts->compute_present)
		rc = finish_present(c, in);
	for (size_t i = 0; i < c->nfound; i++) {
		hfound *h = &c->found[i];
		if (rc == 0 && (rc = lw_report_take(out, h->rec)) < 0)
			lw_record_free(h->rec);
		else if (rc < 0)
			lw_record_free(h->rec);
		h->rec = NULL;
	}
	c->nfound = 0;
	return rc;
}

void lw_hsink_release(hsink *c)
{
	for (size_t i = 0; i < c->nfound; i++)
		lw_record_free(c->found[i].rec);
	free(c->found);
	free(c->fp_index);
	free(c->occ);
	lw_hist_places_dispose(c->place, c->nplace);
	pthread_mutex_destroy(&c->lock);
}
