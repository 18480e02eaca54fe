/* formats.c - the table of report formats. A format is one file that
 * defines its lw_format_def, and one line here; its number is its place,
 * so the formats named in lw_format keep theirs. */
#include <string.h>

#include "internal.h"
#include "report/format.h"

static const lw_format_def *const lw_formats[] = {
	&lw_format__text,
	&lw_format__json,
	&lw_format__jsonl,
	&lw_format__sarif,
	&lw_format__csv,
	&lw_format__junit,
	&lw_format__gitlab,
	&lw_format__html,
};

#define LW_NFORMATS ((int)(sizeof(lw_formats) / sizeof(*lw_formats)))

int lw_format_count(void)
{
	return LW_NFORMATS;
}

const lw_format_def *lw_format__def(int f)
{
	return f >= 0 && f < LW_NFORMATS ? lw_formats[f] : NULL;
}

const lw_format_info *lw_format_get(int f)
{
	const lw_format_def *d = lw_format__def(f);

	return d ? &d->info : NULL;
}

int lw_format_parse(const char *name)
{
	for (int i = 0; i < LW_NFORMATS; i++)
		if (strcmp(name, lw_formats[i]->info.name) == 0)
			return i;
	return -1;
}
