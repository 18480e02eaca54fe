/* objread_err.c - the object reader's message: what went wrong, and where
 * ("pack-x.pack: object at offset 12: corrupt compressed data"). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "odb/objread_int.h"

int lw_or__fail(lw_objreader *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return code;
}

/* Puts a prefix before the message already there: "where: what". */
int lw_or__prefix(lw_objreader *r, int code, const char *fmt, ...)
{
	char old[sizeof(r->err)], pre[256];
	va_list ap;

	memcpy(old, r->err, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	/* joined by hand: the result is cut at the buffer's end, by design */
	size_t pl = strnlen(pre, sizeof(pre) - 1);
	memcpy(r->err, pre, pl);
	memcpy(r->err + pl, ": ", 2);
	size_t ol = strnlen(old, sizeof(r->err) - pl - 3);
	memcpy(r->err + pl + 2, old, ol);
	r->err[pl + 2 + ol] = '\0';
	return code;
}

const char *lw_objreader_error(const lw_objreader *r)
{
	return r->err[0] ? r->err : "unreadable object";
}
