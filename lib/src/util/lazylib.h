/* lazylib.h - the store's client libraries (libpq, SQLite) loaded when a
 * store is first opened, not at every start: linked, they and what they
 * pull in (Kerberos, LDAP, GnuTLS, OpenSSL) cost 2.8 ms of relocations and
 * page faults in every run, the 20 ms pre-commit hook's included.
 *
 * A file that calls them includes <libpq-fe.h> or <sqlite3.h>, then this
 * header with LW_LAZY_PQ or LW_LAZY_SQLITE defined: each library function
 * it names then calls through the table lw_lazylib_load filled. */
#ifndef LW_LAZYLIB_H
#define LW_LAZYLIB_H

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

#define LW_LAZY_MEMBER(f) __typeof__(f) *f;
typedef struct lw_pq_api {
	LW_PQ_FUNCS(LW_LAZY_MEMBER)
} lw_pq_api;
typedef struct lw_sqlite_api {
	LW_SQLITE_FUNCS(LW_LAZY_MEMBER)
} lw_sqlite_api;
#undef LW_LAZY_MEMBER

extern lw_pq_api lw_pq;
extern lw_sqlite_api lw_sqlite;

/* Loads the library once (thread-safe); 0, or -1 with *why (static text
 * naming the library and dlerror's reason) when it cannot be loaded. */
int lw_lazy_pq(const char **why);
int lw_lazy_sqlite(const char **why);

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

#endif
