/* formats.c - the table of report formats. Its number is a format's place
 * here, so the formats named in lw_format keep theirs: add at the end.
 *
 * A new format: format_<name>.c defining lw_format__<name> (name, file
 * suffix, one line of description, render function; format.h), its two
 * lines here, then LW_UPDATE_GOLDEN=1
 * build/tests/test_render writes its golden files (test_render fails until
 * they exist). The man page, both completions (test_format_docs) and every
 * --help (it-format_docs) must name it: the tests say where it is missing. */
#include <string.h>

#include "internal.h"
#include "report/format.h"

/* each defined in format_<name>.c */
extern const lw_format_def lw_format__text, lw_format__json, lw_format__jsonl,
	lw_format__sarif, lw_format__csv, lw_format__junit, lw_format__gitlab, lw_format__html;

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
