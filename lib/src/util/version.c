/* version.c - versions of the library and of what it links. */
#include <cjson/cJSON.h>
#include <git2.h>
#include <libdeflate.h>
#include <zlib.h>
#include <string.h>

#include "internal.h"

const char *lw_version_deps(char *buf, size_t size)
{
	int major = 0, minor = 0, rev = 0;
	char pcre[64] = "";
	int jit = 0;

	git_libgit2_version(&major, &minor, &rev);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	snprintf(buf, size, "leakwalk %s\nlibgit2 %d.%d.%d\nPCRE2 %s%s\ncJSON %s\nzlib %s\nlibdeflate %s\n", LW_VERSION,
		major, minor, rev, pcre, jit ? " (JIT)" : " (no JIT)", cJSON_Version(), zlibVersion(),
		LIBDEFLATE_VERSION_STRING /* 1.14 has no run-time version call */);
	return buf;
}
