/* stopword.c - whole-word stopword matching for allowlists. A stopword
 * inside a random token ("bar" in "xK9barQ2") says nothing about it, so a
 * stopword counts only as a whole component of the value. */
#include <ctype.h>
#include <string.h>

#include "internal.h"

static int lw_is_alnum(unsigned char c)
{
	return c < 0x80 && isalnum(c);
}

/* True when `word` occurs in `s` (ASCII case-insensitive) with no letter or
 * digit right before or after it. The check applies only at an end of the
 * word that is itself a letter or digit, so a stopword such as "your_"
 * still marks "your_password". */
int lw_has_stopword(const unsigned char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const unsigned char *p = s, *end = s + len;

	if (wl == 0)
		return 0;
	int check_before = lw_is_alnum((unsigned char)word[0]);
	int check_after = lw_is_alnum((unsigned char)word[wl - 1]);
	while (p < end && (p = lw_memcasemem(p, (size_t)(end - p), word, wl)) != NULL) {
		int ok_before = !check_before || p == s || !lw_is_alnum(p[-1]);
		int ok_after = !check_after || p + wl == end || !lw_is_alnum(p[wl]);
		if (ok_before && ok_after)
			return 1;
		p++;
	}
	return 0;
}
