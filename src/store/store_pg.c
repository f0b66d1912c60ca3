/* store backend: PostgreSQL through libpq, named prepared statements. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#include "../core/banned.h"

enum { PG_MAX_PARAMS = 32 };

struct pg_db {
    struct hb_db base;
    PGconn *conn;
    int next_stmt;
};

struct pg_param {
    char *buf;
    size_t cap;
    bool null;
};

struct pg_stmt {
    struct hb_stmt base;
    char name[24];
    int nparams;
    struct pg_param params[PG_MAX_PARAMS];
    PGresult *res;
    int row, nrows;
};

static int pg_fail_res(PGresult *res, PGconn *conn, struct hb_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int code = HB_INTERNAL;
    if (state && strcmp(state, "23505") == 0)
        code = HB_CONFLICT;
    else if (!state && PQstatus(conn) != CONNECTION_OK)
        code = HB_UNAVAILABLE;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    /* One line: libpq messages end with a newline. */
    char line[400];
    snprintf(line, sizeof(line), "%s", msg);
    line[strcspn(line, "\n")] = '\0';
    return hb_fail(err, code, NULL, "postgresql: %s", line);
}

static void pg_close(struct hb_db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    PQfinish(d->conn);
    free(d);
}

static int pg_exec(struct hb_db *db, const char *sql, struct hb_error *err)
{
    PGconn *c = ((struct pg_db *)db)->conn;
    PGresult *res = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(res);
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = pg_fail_res(res, c, err);
    PQclear(res);
    return rc;
}

static void pg_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* NOTICEs (e.g. "relation already exists, skipping") are not errors */
}

static int pg_open(const char *url, struct hb_db **out, struct hb_error *err)
{
    struct pg_db *d = hb_xcalloc(1, sizeof(*d));
    d->base.ops = &hb__pg_ops;
    d->conn = PQconnectdb(url);
    if (PQstatus(d->conn) != CONNECTION_OK) {
        char line[300];
        snprintf(line, sizeof(line), "%s", PQerrorMessage(d->conn));
        line[strcspn(line, "\n")] = '\0';
        pg_close(&d->base);
        return hb_fail(err, HB_UNAVAILABLE, "db", "cannot connect to PostgreSQL: %s", line);
    }
    PQsetNoticeProcessor(d->conn, pg_notice, NULL);
    int rc = pg_exec(&d->base, "SET TIME ZONE 'UTC'", err);
    if (rc) {
        pg_close(&d->base);
        return rc;
    }
    *out = &d->base;
    return 0;
}

/* Rewrites ? placeholders to $1..$n outside quotes; returns the count. */
static int rewrite(const char *sql, struct hb_buf *out)
{
    int n = 0;
    char q = 0;
    for (const char *p = sql; *p; p++) {
        if (q) {
            if (*p == q)
                q = 0;
            hb_buf_add(out, p, 1);
        } else if (*p == '\'' || *p == '"') {
            q = *p;
            hb_buf_add(out, p, 1);
        } else if (*p == '?') {
            hb_buf_addf(out, "$%d", ++n);
        } else {
            hb_buf_add(out, p, 1);
        }
    }
    return n;
}

static int pg_prepare(struct hb_db *db, const char *sql, struct hb_stmt **out,
                      struct hb_error *err)
{
    struct pg_db *d = (struct pg_db *)db;
    struct hb_buf b;
    hb_buf_init(&b, 0);
    int n = rewrite(sql, &b);
    if (n > PG_MAX_PARAMS) {
        hb_buf_release(&b);
        return hb_fail(err, HB_INTERNAL, NULL, "statement has too many parameters");
    }
    struct pg_stmt *st = hb_xcalloc(1, sizeof(*st));
    snprintf(st->name, sizeof(st->name), "hb%d", ++d->next_stmt);
    st->nparams = n;
    PGresult *res = PQprepare(d->conn, st->name, b.ptr, 0, NULL);
    hb_buf_release(&b);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_fail_res(res, d->conn, err);
    PQclear(res);
    if (rc) {
        free(st);
        return rc;
    }
    for (int i = 0; i < n; i++)
        st->params[i].null = true;
    *out = &st->base;
    return 0;
}

static void pg_reset(struct hb_stmt *st)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    PQclear(s->res);
    s->res = NULL;
    s->row = s->nrows = 0;
    for (int i = 0; i < s->nparams; i++)
        s->params[i].null = true;
}

static void pg_finalize(struct hb_stmt *st)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    pg_reset(st);
    for (int i = 0; i < PG_MAX_PARAMS; i++)
        free(s->params[i].buf);
    free(s);
}

static void pg_bind_text(struct hb_stmt *st, int i, const char *str, size_t n)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (i < 1 || i > s->nparams)
        return;
    struct pg_param *p = &s->params[i - 1];
    if (p->cap < n + 1) {
        p->cap = n + 1 < 64 ? 64 : n + 1;
        p->buf = hb_xrealloc(p->buf, p->cap);
    }
    memcpy(p->buf, str, n);
    p->buf[n] = '\0';
    p->null = false;
}

static void pg_bind_int(struct hb_stmt *st, int i, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
    pg_bind_text(st, i, tmp, (size_t)n);
}

static void pg_bind_null(struct hb_stmt *st, int i)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (i >= 1 && i <= s->nparams)
        s->params[i - 1].null = true;
}

static int pg_step(struct hb_stmt *st, struct hb_error *err)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (!s->res) {
        const char *vals[PG_MAX_PARAMS];
        for (int i = 0; i < s->nparams; i++)
            vals[i] = s->params[i].null ? NULL : s->params[i].buf;
        PGconn *c = ((struct pg_db *)st->db)->conn;
        s->res = PQexecPrepared(c, s->name, s->nparams, vals, NULL, NULL, 0);
        ExecStatusType es = PQresultStatus(s->res);
        if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
            int rc = pg_fail_res(s->res, c, err);
            PQclear(s->res);
            s->res = NULL;
            return rc;
        }
        s->nrows = PQntuples(s->res);
        s->row = -1;
    }
    if (s->row + 1 < s->nrows) {
        s->row++;
        return 1;
    }
    return 0;
}

static const char *pg_col(struct hb_stmt *st, int i, size_t *len)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (!s->res || s->row < 0 || s->row >= s->nrows || i >= PQnfields(s->res) ||
        PQgetisnull(s->res, s->row, i)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)PQgetlength(s->res, s->row, i);
    return PQgetvalue(s->res, s->row, i);
}

const struct hb__db_ops hb__pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col = pg_col,
    .reset = pg_reset,
};
