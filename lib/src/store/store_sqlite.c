/*
 * store_sqlite.c - the store in one SQLite file: created with mode 0600,
 * in WAL mode with a busy timeout, so several processes on one machine
 * (fleet workers) share it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "store/store.h"
#define LW_LAZY_SQLITE
#include "util/lazylib.h"

/* waits for another process's write transaction; a fleet worker writes
 * one repository's findings at a time, so this is generous */
#define LW_SQLITE_BUSY_MS 60000

static int sq_error(lw_store *s, lw_error *err, const char *what)
{
	return lw_error_set(err, LW_EIO, "%s: %s: %s", s->where, what, sqlite3_errmsg(s->conn));
}

/* SQLite returns SQLITE_BUSY without calling the busy handler where
 * waiting could deadlock, and when another process is switching a new
 * file to WAL or recovering it: two workers opening a new store at once
 * saw "database is locked". Outside a transaction a statement has done
 * nothing yet, so it is retried until the busy timeout. */
static int sq_retry(lw_store *s, int rc, long *waited_ms)
{
	if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
		return 0;
	if (!sqlite3_get_autocommit(s->conn) || *waited_ms >= LW_SQLITE_BUSY_MS)
		return 0;
	usleep(10000);
	*waited_ms += 10;
	return 1;
}

static int sq_exec_once(lw_store *s, const char *sql, const char *const *params, size_t nparams,
	lw_store_rows *rows, lw_error *err, int *busy)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*busy = 0;
	if ((rc = sqlite3_prepare_v2(s->conn, sql, -1, &st, NULL)) != SQLITE_OK) {
		*busy = rc;
		return sq_error(s, err, "cannot prepare a statement");
	}
	for (size_t i = 0; i < nparams; i++) {
		char name[24];
		snprintf(name, sizeof(name), "$%zu", i + 1);
		int idx = sqlite3_bind_parameter_index(st, name);
		if (idx <= 0)
			continue;
		if (params[i] ? sqlite3_bind_text(st, idx, params[i], -1, SQLITE_TRANSIENT)
			      : sqlite3_bind_null(st, idx)) {
			sqlite3_finalize(st);
			return sq_error(s, err, "cannot bind a value");
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!rows)
			continue;
		size_t nc = (size_t)sqlite3_column_count(st);
		rows->ncols = nc;
		if ((rows->nrows + 1) * nc > cap) {
			size_t ncap = cap ? cap * 2 : 64 * nc;
			char **v = lw_reallocarray(rows->cell, ncap, sizeof(char *));
			if (!v) {
				rc = SQLITE_NOMEM;
				break;
			}
			rows->cell = v;
			cap = ncap;
		}
		for (size_t c = 0; c < nc; c++) {
			const unsigned char *t = sqlite3_column_text(st, (int)c);
			rows->cell[rows->nrows * nc + c] = t ? lw_strdup((const char *)t) : NULL;
		}
		rows->nrows++;
	}
	if (rc != SQLITE_DONE) {
		*busy = rc;
		rc = sq_error(s, err, "statement failed");
		sqlite3_finalize(st);
		lw_store_rows_free(rows);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

static int sq_exec(lw_store *s, const char *sql, const char *const *params, size_t nparams,
	lw_store_rows *rows, lw_error *err)
{
	long waited = 0;
	int rc, busy;

	while ((rc = sq_exec_once(s, sql, params, nparams, rows, err, &busy)) < 0 &&
	       sq_retry(s, busy, &waited))
		;
	return rc;
}

static void sq_close(lw_store *s)
{
	sqlite3_close(s->conn);
	s->conn = NULL;
}

static const lw_store_ops sq_ops = { "sqlite", sq_exec, sq_close };

int lw_store__sqlite_open(lw_store *s, const char *path, lw_error *err)
{
	struct stat st;
	const char *why;
	int fd;

	if (lw_lazy_sqlite(&why) < 0)
		return lw_error_set(err, LW_ECONFIG, "%s: %s", s->where, why);
	/* made here with 0600, not by SQLite with the umask's mode: it lists
	 * where every secret of the organisation is */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		close(fd);
	} else if (errno != EEXIST) {
		return lw_error_set(err, LW_ECONFIG, "%s: cannot create the store: %s", s->where,
			strerror(errno));
	}
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return lw_error_set(err, LW_ECONFIG, "%s: the store is not a regular file", s->where);
	if (access(path, R_OK | W_OK) < 0)
		return lw_error_set(err, LW_ECONFIG, "%s: cannot open the store for reading and "
			"writing: %s", s->where, strerror(errno));
	s->ops = &sq_ops;
	if (sqlite3_open_v2(path, (sqlite3 **)&s->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
			NULL) != SQLITE_OK) {
		int rc = lw_error_set(err, LW_ECONFIG, "%s: cannot open the store: %s", s->where,
			s->conn ? sqlite3_errmsg(s->conn) : "out of memory");
		return rc;
	}
	sqlite3_busy_timeout(s->conn, LW_SQLITE_BUSY_MS);
	sqlite3_extended_result_codes(s->conn, 1);
	/* readers do not block the writer: workers report while one writes */
	if (sq_exec(s, "PRAGMA journal_mode=WAL", NULL, 0, NULL, err) < 0 ||
	    sq_exec(s, "PRAGMA synchronous=NORMAL", NULL, 0, NULL, err) < 0) {
		err->code = LW_ECONFIG;
		return LW_ECONFIG;
	}
	/* a file that is not a database fails here, not in the middle of a run */
	if (sq_exec(s, "SELECT count(*) FROM sqlite_master", NULL, 0, NULL, err) < 0)
		return LW_ECONFIG;
	return 0;
}
