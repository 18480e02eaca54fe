/* version.c - versions of the library and of what it links. */
#include <cjson/cJSON.h>
#include <git2.h>
#include <libdeflate.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <zlib.h>
#include <string.h>

#include "internal.h"
#define LW_LAZY_PQ
#define LW_LAZY_SQLITE
#define LW_LAZY_ARCHIVE
#include "util/lazylib.h"

const char *lw_version_deps(char *buf, size_t size)
{
	int major = 0, minor = 0, rev = 0;
	char pcre[64] = "";
	int jit = 0;
	/* "libarchive 3.6.2": the name is already on the line; loaded here if
	 * no archive was opened */
	const char *la = lw_lazy_archive(NULL) == 0 ? archive_version_string() : "(cannot be loaded)";

	if (!strncmp(la, "libarchive ", 11))
		la += 11;

	git_libgit2_version(&major, &minor, &rev);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	/* loaded here if no store was opened: what a store would use */
	char sq[64] = "(cannot be loaded)", pqv[64] = "(cannot be loaded)";
	if (lw_lazy_sqlite(NULL) == 0)
		snprintf(sq, sizeof(sq), "%s", sqlite3_libversion());
	if (lw_lazy_pq(NULL) == 0) {
		int pq = PQlibVersion();
		snprintf(pqv, sizeof(pqv), "%d.%d", pq / 10000, pq % 10000);
	}
	/* libdeflate 1.14 has no run-time version call */
	snprintf(buf, size, "leakwalk %s\nlibgit2 %d.%d.%d\nPCRE2 %s%s\ncJSON %s\nzlib %s\n"
		"libdeflate %s\nlibarchive %s\nSQLite %s\nlibpq %s\n", LW_VERSION, major, minor, rev,
		pcre, jit ? " (JIT)" : " (no JIT)", cJSON_Version(), zlibVersion(),
		LIBDEFLATE_VERSION_STRING, la, sq, pqv);
	return buf;
}
