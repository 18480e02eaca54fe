/*
 * store_pg.c - the store in PostgreSQL, shared by many machines: one
 * connection per process, text parameters, no notices on stderr.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store.h"
#define LW_LAZY_PQ
#include "util/lazylib.h"

static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_exec(lw_store *s, const char *sql, const char *const *params, size_t nparams,
	lw_store_rows *rows, lw_error *err)
{
	PGresult *res = PQexecParams(s->conn, sql, (int)nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn);
		size_t n = strlen(m);
		while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
			n--;
		rc = lw_error_set(err, LW_EIO, "%s: statement failed: %.*s", s->where, (int)n, m);
		goto done;
	}
	if (rows && st == PGRES_TUPLES_OK) {
		size_t nr = (size_t)PQntuples(res), nc = (size_t)PQnfields(res);
		rows->nrows = nr;
		rows->ncols = nc;
		if (nr && nc && !(rows->cell = calloc(nr * nc, sizeof(char *)))) {
			rc = lw_error_set(err, LW_ENOMEM, "out of memory");
			rows->nrows = 0;
			goto done;
		}
		for (size_t r = 0; r < nr; r++)
			for (size_t c = 0; c < nc; c++)
				if (!PQgetisnull(res, (int)r, (int)c))
					rows->cell[r * nc + c] = lw_strdup(PQgetvalue(res, (int)r, (int)c));
	}
done:
	PQclear(res);
	return rc;
}

static void pg_close(lw_store *s)
{
	PQfinish(s->conn);
	s->conn = NULL;
}

static const lw_store_ops pg_ops = { "postgresql", pg_exec, pg_close };

int lw_store__pg_open(lw_store *s, const char *uri, lw_error *err)
{
	lw_error e = { 0 };
	const char *why;

	if (lw_lazy_pq(&why) < 0)
		return lw_error_set(err, LW_ECONFIG, "%s: %s", s->where, why);
	s->ops = &pg_ops;
	s->conn = PQconnectdb(uri);
	if (!s->conn)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	if (PQstatus(s->conn) != CONNECTION_OK) {
		const char *m = PQerrorMessage(s->conn);
		size_t n = strlen(m);
		while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
			n--;
		return lw_error_set(err, LW_ECONFIG, "%s: cannot connect to the store: %.*s", s->where,
			(int)n, m);
	}
	PQsetNoticeProcessor(s->conn, pg_quiet, NULL);
	/* a worker whose server went away must not wait for ever */
	if (pg_exec(s, "SET statement_timeout = '600s'", NULL, 0, NULL, &e) < 0)
		return lw_error_set(err, LW_ECONFIG, "%s", e.msg);
	return 0;
}
