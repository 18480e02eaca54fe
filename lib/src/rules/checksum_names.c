/* checksum_names.c - the offline checks a rule may name in `checksum`:
 * rule loading refuses any other name. The checks themselves run on
 * candidates (filter/checksum.c). */
#include <string.h>

#include "internal.h"

static const struct {
	const char *name;
	lw_checksum_kind kind;
	int decides; /* an invalid answer means "not a secret": drop it */
} lw_checksum_names[] = {
	{ "github-crc32", LW_CHECKSUM_CRC32_BASE62, 0 },
	{ "npm-crc32", LW_CHECKSUM_CRC32_BASE62, 0 },
	{ "atlassian-crc32", LW_CHECKSUM_CRC32_HEX_SUFFIX, 0 },
	{ "bech32", LW_CHECKSUM_BECH32, 0 },
	{ "base64-basic-auth", LW_CHECKSUM_B64_BASIC_AUTH, 1 },
};

lw_checksum_kind lw_checksum_kind_of(const char *name, int *decides)
{
	for (size_t i = 0; i < sizeof(lw_checksum_names) / sizeof(lw_checksum_names[0]); i++)
		if (strcmp(lw_checksum_names[i].name, name) == 0) {
			if (decides)
				*decides = lw_checksum_names[i].decides;
			return lw_checksum_names[i].kind;
		}
	if (decides)
		*decides = 0;
	return LW_CHECKSUM_UNKNOWN;
}

int lw_checksum_known(const char *name)
{
	return lw_checksum_kind_of(name, NULL) != LW_CHECKSUM_UNKNOWN;
}
