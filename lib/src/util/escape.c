/* escape.c - making untrusted bytes safe for terminals, JSON and CSV. */
#include <string.h>

#include "internal.h"

/* Decodes one UTF-8 sequence; returns its length, or 0 if invalid
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
static size_t lw_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Characters that change how the rest of a line is displayed or hide
 * text: C1 controls, bidi embeddings/overrides/isolates, zero-width
 * characters, line/paragraph separators, the BOM. */
static int lw_is_dangerous(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200b ||
	       (cp >= 0x200c && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || cp == 0x00ad;
}

int lw_escape_text(lw_buf *out, const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = lw_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			lw_buf_printf(out, "\\x%02x", s[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			lw_buf_puts(out, "\\\\");
		else if (cp < 0x20 || cp == 0x7f)
			lw_buf_printf(out, "\\x%02x", (unsigned)cp);
		else if (lw_is_dangerous(cp))
			lw_buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			lw_buf_put(out, s + i, n);
		i += n;
	}
	return out->overflow ? LW_ELIMIT : 0;
}

int lw_escape_json(lw_buf *out, const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = lw_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			lw_buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		switch (cp) {
		case '"': lw_buf_puts(out, "\\\""); break;
		case '\\': lw_buf_puts(out, "\\\\"); break;
		case '\n': lw_buf_puts(out, "\\n"); break;
		case '\r': lw_buf_puts(out, "\\r"); break;
		case '\t': lw_buf_puts(out, "\\t"); break;
		default:
			if (cp < 0x20 || cp == 0x7f || lw_is_dangerous(cp))
				lw_buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				lw_buf_put(out, s + i, n);
		}
		i += n;
	}
	return out->overflow ? LW_ELIMIT : 0;
}

int lw_redact(lw_buf *out, const unsigned char *secret, size_t len)
{
	/* A short prefix identifies a token's kind ("ghp_") without giving
	 * away enough of a password to help guess it. */
	size_t show = len / 5;

	if (show > 4)
		show = 4;
	for (size_t i = 0; i < show; i++) {
		unsigned char c = secret[i];
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			show = i;
			break;
		}
	}
	lw_buf_put(out, secret, show);
	lw_buf_puts(out, "*****");
	return out->overflow ? LW_ELIMIT : 0;
}
