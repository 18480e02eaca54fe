/* lazylib.h - libraries loaded at first use, not at every start: the
 * store's clients (libpq, SQLite) when a store is opened, libarchive when
 * an archive is. Linked, they and what they pull in (Kerberos, LDAP,
 * GnuTLS, OpenSSL; libxml2, ICU, libstdc++) cost 4.5 ms of relocations and
 * page faults in every run, the 20 ms pre-commit hook's included.
 *
 * A file that calls them includes this header with LW_LAZY_PQ,
 * LW_LAZY_SQLITE or LW_LAZY_ARCHIVE defined: each library function it
 * names then calls through the table lw_lazy_*() filled; it calls
 * lw_lazy_*() first. */
#ifndef LW_LAZYLIB_H
#define LW_LAZYLIB_H

#include <archive.h>
#include <archive_entry.h>
#include <libpq-fe.h>
#include <sqlite3.h>

/* the functions used, and the file names the loader opens (their sonames:
 * CMakeLists.txt checks that the build's libraries have them) */
#define LW_PQ_FUNCS(X) \
	X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQsetNoticeProcessor) X(PQfinish) \
	X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) X(PQntuples) X(PQnfields) \
	X(PQgetisnull) X(PQgetvalue) X(PQclear) X(PQlibVersion)
#define LW_SQLITE_FUNCS(X) \
	X(sqlite3_open_v2) X(sqlite3_close) X(sqlite3_errmsg) X(sqlite3_extended_result_codes) \
	X(sqlite3_busy_timeout) X(sqlite3_prepare_v2) X(sqlite3_bind_parameter_index) \
	X(sqlite3_bind_text) X(sqlite3_bind_null) X(sqlite3_step) X(sqlite3_column_count) \
	X(sqlite3_column_text) X(sqlite3_finalize) X(sqlite3_get_autocommit) X(sqlite3_libversion)

#define LW_ARCHIVE_FUNCS(X) \
	X(archive_read_new) X(archive_read_free) X(archive_read_support_filter_gzip) \
	X(archive_read_support_filter_bzip2) X(archive_read_support_filter_xz) X(archive_read_support_format_zip) \
	X(archive_read_support_format_tar) X(archive_read_support_format_gnutar) X(archive_read_support_format_raw) \
	X(archive_read_open_memory) X(archive_read_next_header) X(archive_read_data) \
	X(archive_error_string) X(archive_format) X(archive_filter_code) \
	X(archive_entry_filetype) X(archive_entry_is_encrypted) X(archive_entry_pathname) \
	X(archive_entry_size) X(archive_entry_size_is_set) X(archive_version_string)

#define LW_LAZY_MEMBER(f) __typeof__(f) *f;
typedef struct lw_pq_api {
	LW_PQ_FUNCS(LW_LAZY_MEMBER)
} lw_pq_api;
typedef struct lw_sqlite_api {
	LW_SQLITE_FUNCS(LW_LAZY_MEMBER)
} lw_sqlite_api;
typedef struct lw_archive_api {
	LW_ARCHIVE_FUNCS(LW_LAZY_MEMBER)
} lw_archive_api;
#undef LW_LAZY_MEMBER

extern lw_pq_api lw_pq;
extern lw_sqlite_api lw_sqlite;
extern lw_archive_api lw_archive;

/* Loads the library once (thread-safe); 0, or -1 with *why (static text
 * naming the library and dlerror's reason) when it cannot be loaded. */
int lw_lazy_pq(const char **why);
int lw_lazy_sqlite(const char **why);
int lw_lazy_archive(const char **why);

#ifdef LW_LAZY_PQ
#define PQconnectdb (*lw_pq.PQconnectdb)
#define PQstatus (*lw_pq.PQstatus)
#define PQerrorMessage (*lw_pq.PQerrorMessage)
#define PQsetNoticeProcessor (*lw_pq.PQsetNoticeProcessor)
#define PQfinish (*lw_pq.PQfinish)
#define PQexecParams (*lw_pq.PQexecParams)
#define PQresultStatus (*lw_pq.PQresultStatus)
#define PQresultErrorMessage (*lw_pq.PQresultErrorMessage)
#define PQntuples (*lw_pq.PQntuples)
#define PQnfields (*lw_pq.PQnfields)
#define PQgetisnull (*lw_pq.PQgetisnull)
#define PQgetvalue (*lw_pq.PQgetvalue)
#define PQclear (*lw_pq.PQclear)
#define PQlibVersion (*lw_pq.PQlibVersion)
#endif

#ifdef LW_LAZY_SQLITE
#define sqlite3_open_v2 (*lw_sqlite.sqlite3_open_v2)
#define sqlite3_close (*lw_sqlite.sqlite3_close)
#define sqlite3_errmsg (*lw_sqlite.sqlite3_errmsg)
#define sqlite3_extended_result_codes (*lw_sqlite.sqlite3_extended_result_codes)
#define sqlite3_busy_timeout (*lw_sqlite.sqlite3_busy_timeout)
#define sqlite3_prepare_v2 (*lw_sqlite.sqlite3_prepare_v2)
#define sqlite3_bind_parameter_index (*lw_sqlite.sqlite3_bind_parameter_index)
#define sqlite3_bind_text (*lw_sqlite.sqlite3_bind_text)
#define sqlite3_bind_null (*lw_sqlite.sqlite3_bind_null)
#define sqlite3_step (*lw_sqlite.sqlite3_step)
#define sqlite3_column_count (*lw_sqlite.sqlite3_column_count)
#define sqlite3_column_text (*lw_sqlite.sqlite3_column_text)
#define sqlite3_finalize (*lw_sqlite.sqlite3_finalize)
#define sqlite3_get_autocommit (*lw_sqlite.sqlite3_get_autocommit)
#define sqlite3_libversion (*lw_sqlite.sqlite3_libversion)
#endif

#ifdef LW_LAZY_ARCHIVE
#define archive_read_new (*lw_archive.archive_read_new)
#define archive_read_free (*lw_archive.archive_read_free)
#define archive_read_support_filter_gzip (*lw_archive.archive_read_support_filter_gzip)
#define archive_read_support_filter_bzip2 (*lw_archive.archive_read_support_filter_bzip2)
#define archive_read_support_filter_xz (*lw_archive.archive_read_support_filter_xz)
#define archive_read_support_format_zip (*lw_archive.archive_read_support_format_zip)
#define archive_read_support_format_tar (*lw_archive.archive_read_support_format_tar)
#define archive_read_support_format_gnutar (*lw_archive.archive_read_support_format_gnutar)
#define archive_read_support_format_raw (*lw_archive.archive_read_support_format_raw)
#define archive_read_open_memory (*lw_archive.archive_read_open_memory)
#define archive_read_next_header (*lw_archive.archive_read_next_header)
#define archive_read_data (*lw_archive.archive_read_data)
#define archive_error_string (*lw_archive.archive_error_string)
#define archive_format (*lw_archive.archive_format)
#define archive_filter_code (*lw_archive.archive_filter_code)
#define archive_entry_filetype (*lw_archive.archive_entry_filetype)
#define archive_entry_is_encrypted (*lw_archive.archive_entry_is_encrypted)
#define archive_entry_pathname (*lw_archive.archive_entry_pathname)
#define archive_entry_size (*lw_archive.archive_entry_size)
#define archive_entry_size_is_set (*lw_archive.archive_entry_size_is_set)
#define archive_version_string (*lw_archive.archive_version_string)
#endif

#endif
