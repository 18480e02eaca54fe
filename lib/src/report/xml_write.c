/* xml_write.c - XML text and attributes, for junit and html. */
#include <string.h>

#include "internal.h"
#include "report/xml_write.h"

/* Only &<>"' need entities in text and attributes. U+FFFE and U+FFFF are
 * valid UTF-8 but not XML characters; lw_escape_text has removed every
 * other one (controls, invalid UTF-8). */
void lw_xml__raw(lw_buf *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': lw_buf_puts(o, "&amp;"); break;
		case '<': lw_buf_puts(o, "&lt;"); break;
		case '>': lw_buf_puts(o, "&gt;"); break;
		case '"': lw_buf_puts(o, "&quot;"); break;
		case '\'': lw_buf_puts(o, "&#39;"); break;
		default:
			if (c == 0xef && i + 2 < len && (unsigned char)s[i + 1] == 0xbf &&
			    ((unsigned char)s[i + 2] & 0xfe) == 0xbe) {
				lw_buf_printf(o, "\\u%04x", 0xfffe + ((unsigned char)s[i + 2] & 1));
				i += 2;
			} else if (c >= 0x20 || c == '\t' || c == '\n') {
				lw_buf_putc(o, (char)c);
			} else {
				lw_buf_printf(o, "\\x%02x", c);
			}
		}
	}
}

void lw_xml__text(lw_buf *o, const char *s, size_t len)
{
	lw_buf tmp;

	if (!s)
		return;
	lw_buf_init(&tmp, 0);
	lw_escape_text(&tmp, (const unsigned char *)s, len);
	lw_xml__raw(o, tmp.data ? tmp.data : "", tmp.len);
	lw_buf_release(&tmp);
}
