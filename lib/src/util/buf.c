/* buf.c - a growable byte buffer with a hard maximum (see lw_buf in
 * leakwalk.h). Appending past the maximum sets `overflow` and drops the
 * bytes; callers check it once at the end instead of after every append. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void lw_buf_init(lw_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : LW_BUF_DEFAULT_MAX;
}

void lw_buf_release(lw_buf *b)
{
	if (b->wipe)
		lw_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int lw_buf_grow(lw_buf *b, size_t extra)
{
	size_t need, cap;
	char *d;

	if (b->overflow)
		return LW_ELIMIT;
	if (extra > b->max - b->len) {
		b->overflow = 1;
		return LW_ELIMIT;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > b->max / 2 ? b->max + 1 : cap * 2;
	d = malloc(cap);
	if (!d) {
		b->overflow = 1;
		return LW_ENOMEM;
	}
	if (b->len)
		memcpy(d, b->data, b->len);
	if (b->wipe && b->data)
		lw_wipe(b->data, b->cap);
	free(b->data);
	b->data = d;
	b->cap = cap;
	return 0;
}

int lw_buf_reserve(lw_buf *b, size_t extra)
{
	return lw_buf_grow(b, extra);
}

int lw_buf_put(lw_buf *b, const void *p, size_t n)
{
	int rc = lw_buf_grow(b, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int lw_buf_puts(lw_buf *b, const char *s)
{
	return lw_buf_put(b, s, strlen(s));
}

int lw_buf_putc(lw_buf *b, char c)
{
	return lw_buf_put(b, &c, 1);
}

int lw_buf_printf(lw_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return LW_ERROR;
	if ((size_t)n < sizeof(small))
		return lw_buf_put(b, small, (size_t)n);
	if (lw_buf_grow(b, (size_t)n) < 0)
		return LW_ELIMIT;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *lw_buf_cstr(const lw_buf *b)
{
	return b->data ? b->data : "";
}
