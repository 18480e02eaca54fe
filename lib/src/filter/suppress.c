/* suppress.c - the findings a report leaves out, read from files: the
 * fingerprints of an ignore file (.leakwalkignore) and those of a baseline,
 * an earlier JSON report. The sets themselves are fpset.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define LW_IGNORE_FILE_MAX ((size_t)64 << 20)
#define LW_BASELINE_MAX ((size_t)1 << 30)

typedef int (*lw_suppress_parse)(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err);

static int lw_suppress_load(lw_fpset *s, const char *path, size_t max, lw_suppress_parse parse,
	lw_error *err)
{
	char *data;
	size_t len;
	int rc;

	if (lw_file_read(path, max, &data, &len) < 0)
		return lw_error_set(err, LW_EIO, "%s: cannot read: %s", path, strerror(errno));
	rc = parse(s, path, data, len, err);
	free(data);
	return rc;
}

int lw_fpset_read_ignore(lw_fpset *s, const char *path, int optional, lw_error *err)
{
	if (optional && access(path, F_OK) != 0)
		return 0;
	return lw_suppress_load(s, path, LW_IGNORE_FILE_MAX, lw_fpset_load_ignore, err);
}

int lw_fpset_read_baseline(lw_fpset *s, const char *path, lw_error *err)
{
	return lw_suppress_load(s, path, LW_BASELINE_MAX, lw_fpset_load_report, err);
}

int lw_fpset_suppresses(const lw_fpset *ignore, const lw_fpset *baseline, const char *fingerprint)
{
	return (ignore && lw_fpset_contains(ignore, fingerprint)) ||
	       (baseline && lw_fpset_contains(baseline, fingerprint));
}
