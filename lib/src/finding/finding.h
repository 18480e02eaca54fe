/* finding.h - the findings collection's internals shared across folders.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_FINDING_H
#define LW_FINDING_H

/* The report's records, now the caller's (the array too: free it); the
 * report is left empty. finding/report.c */
lw_record **lw_report__detach(lw_report *r, size_t *n);

#endif
