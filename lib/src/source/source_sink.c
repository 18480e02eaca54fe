/* source_sink.c - how each source's findings reach the one record sink. */
#include <stdlib.h>

#include "source/source.h"

int lw_source__on_finding(const lw_finding *f, void *p)
{
	lw_source_relay *r = p;
	lw_record *rec = NULL;
	lw_provenance none = { 0 };

	if (lw_record_new(&rec, f, &none) < 0) {
		r->rc = LW_ENOMEM;
		return 1;
	}
	r->st->records++;
	if (r->sink->on_record(rec, r->sink->payload)) {
		r->rc = LW_ESTOP;
		return 1;
	}
	return 0;
}

void lw_source__on_diag(const lw_diag *d, void *p)
{
	lw_source_relay *r = p;

	if (r->sink->on_diag)
		r->sink->on_diag(d, r->sink->payload);
}

int lw_source__drain(lw_report *r, const lw_record_sink *sink, lw_source_stats *st)
{
	size_t n = 0;
	lw_record **v = lw_report__detach(r, &n);
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (rc) {
			lw_record_free(v[i]);
			continue;
		}
		st->records++;
		if (sink->on_record(v[i], sink->payload))
			rc = LW_ESTOP;
	}
	free(v);
	return rc == LW_ESTOP ? 0 : rc;
}
