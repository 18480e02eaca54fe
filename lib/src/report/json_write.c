/* json_write.c - JSON strings: what every format that writes JSON (json,
 * jsonl, sarif, gitlab, the data of html) writes its values with. */
#include <string.h>

#include "internal.h"
#include "report/json_write.h"

void lw_json__strn(lw_buf *o, const char *s, size_t len)
{
	lw_buf_putc(o, '"');
	lw_escape_json(o, (const unsigned char *)s, len);
	lw_buf_putc(o, '"');
}

void lw_json__str(lw_buf *o, const char *s)
{
	if (s)
		lw_json__strn(o, s, strlen(s));
	else
		lw_buf_puts(o, "null");
}

void lw_json__strs(lw_buf *o, char *const *v, size_t n)
{
	lw_buf_putc(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lw_buf_putc(o, ',');
		lw_json__str(o, v[i]);
	}
	lw_buf_putc(o, ']');
}

void lw_json__secret(lw_buf *o, const lw_record *rec, int redact)
{
	lw_buf tmp;

	if (!redact || rec->redacted) {
		lw_json__strn(o, rec->secret, rec->secret_len);
		return;
	}
	lw_buf_init(&tmp, 0);
	lw_redact(&tmp, (const unsigned char *)rec->secret, rec->secret_len);
	lw_json__strn(o, tmp.data, tmp.len);
	lw_buf_release(&tmp);
}
