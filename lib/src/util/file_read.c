/* file_read.c - a whole file into memory within a bound: ignore files,
 * baselines, configurations, saved reports. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* The whole file at `path`, at most `max` bytes (EFBIG past it); 0, or -1
 * with errno set. *out is NUL-terminated and the caller's. */
int lw_file_read(const char *path, size_t max, char **out, size_t *len)
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
