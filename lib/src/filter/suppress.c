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

/* The whole file at `path`, at most `max` bytes (EFBIG past it); 0, or -1
 * with errno set. *out is NUL-terminated and the caller's. */
static int lw_suppress_read(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	lw_buf b;
	char tmp[65536];

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	lw_buf_init(&b, max);
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || lw_buf_put(&b, tmp, (size_t)r) < 0) {
			if (r < 0 || b.overflow) {
				int e = r < 0 ? errno : EFBIG;
				close(fd);
				lw_buf_release(&b);
				errno = e;
				return -1;
			}
			break;
		}
	}
	close(fd);
	*len = b.len;
	*out = b.data ? b.data : calloc(1, 1);
	return *out ? 0 : -1;
}

typedef int (*lw_suppress_parse)(lw_fpset *s, const char *name, const char *data, size_t len,
	lw_error *err);

static int lw_suppress_load(lw_fpset *s, const char *path, size_t max, lw_suppress_parse parse,
	lw_error *err)
{
	char *data;
	size_t len;
	int rc;

	if (lw_suppress_read(path, max, &data, &len) < 0)
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
