/* docexample.c - lines that show code in documentation. Library sources
 * carry usage examples in comments ("#   user.password = '...'") and
 * doctests (">>> login(user, '...')"): their values are samples, so the
 * generic assignment rules do not report them. A commented-out setting
 * ("# password = ...", "#password=...") is not an example and still counts. */
#include <string.h>

#include "internal.h"

static const char *const lw_comment_marks[] = { "#", "//", "--", ";;", "*", NULL };
static const char *const lw_prompts[] = { ">>> ", "... ", "$ ", "irb(", NULL };

int lw_line_is_doc_example(const unsigned char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (size_t k = 0; lw_prompts[k]; k++) {
		size_t pl = strlen(lw_prompts[k]);
		if (len - i >= pl && memcmp(line + i, lw_prompts[k], pl) == 0)
			return 1;
	}
	for (size_t k = 0; lw_comment_marks[k]; k++) {
		size_t ml = strlen(lw_comment_marks[k]), j = i + ml, ws = 0;
		if (len - i < ml || memcmp(line + i, lw_comment_marks[k], ml) != 0)
			continue;
		/* indented under the marker: two spaces or a tab, then text */
		while (j < len && (line[j] == ' ' || line[j] == '\t')) {
			ws += line[j] == '\t' ? 2 : 1;
			j++;
		}
		return ws >= 2 && j < len;
	}
	return 0;
}
