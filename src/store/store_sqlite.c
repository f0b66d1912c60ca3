/* store backend: SQLite in WAL mode, foreign keys on, busy timeout, full sync. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#include "../core/banned.h"

struct sq_db {
    struct hb_db base;
    sqlite3 *h;
};

struct sq_stmt {
    struct hb_stmt base;
    sqlite3_stmt *h;
};

static int sq_fail(sqlite3 *h, int rc, struct hb_error *err)
{
    int ext = sqlite3_extended_errcode(h);
    int code = HB_INTERNAL;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = HB_CONFLICT;
    else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        code = HB_UNAVAILABLE;
    return hb_fail(err, code, NULL, "sqlite: %s", sqlite3_errmsg(h));
}

static int sq_exec(struct hb_db *db, const char *sql, struct hb_error *err)
{
    sqlite3 *h = ((struct sq_db *)db)->h;
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_fail(h, rc, err);
}

static void sq_close(struct hb_db *db)
{
    struct sq_db *d = (struct sq_db *)db;
    sqlite3_close(d->h);
    free(d);
}

static int sq_open(const char *url, struct hb_db **out, struct hb_error *err)
{
    const char *path = url + strlen("sqlite:");
    if (!*path)
        return hb_fail(err, HB_INVALID, "db", "sqlite: needs a file path, e.g. sqlite:var/demo.db");
    struct sq_db *d = hb_xcalloc(1, sizeof(*d));
    d->base.ops = &hb__sqlite_ops;
    int rc = sqlite3_open_v2(path, &d->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        hb_fail(err, HB_UNAVAILABLE, "db", "cannot open %s: %s", path,
                d->h ? sqlite3_errmsg(d->h) : "out of memory");
        sq_close(&d->base);
        return HB_UNAVAILABLE;
    }
    sqlite3_busy_timeout(d->h, 10000);
    static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                                  "PRAGMA synchronous=FULL;"
                                  "PRAGMA foreign_keys=ON;"
                                  "PRAGMA temp_store=MEMORY;"
                                  /* More cached pages per connection (16 MiB). No
                                   * mmap: measured slower with the checkpoint's
                                   * writeback of mapped pages. */
                                  "PRAGMA cache_size=-16384;";
    if ((rc = sq_exec(&d->base, pragmas, err))) {
        sq_close(&d->base);
        return rc;
    }
    *out = &d->base;
    return 0;
}

static int sq_prepare(struct hb_db *db, const char *sql, struct hb_stmt **out,
                      struct hb_error *err)
{
    sqlite3 *h = ((struct sq_db *)db)->h;
    struct sq_stmt *st = hb_xcalloc(1, sizeof(*st));
    int rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->h, NULL);
    if (rc != SQLITE_OK) {
        free(st);
        return sq_fail(h, rc, err);
    }
    *out = &st->base;
    return 0;
}

static void sq_finalize(struct hb_stmt *st)
{
    sqlite3_finalize(((struct sq_stmt *)st)->h);
    free(st);
}

static void sq_bind_text(struct hb_stmt *st, int i, const char *s, size_t n)
{
    sqlite3_bind_text(((struct sq_stmt *)st)->h, i, s, (int)n, SQLITE_TRANSIENT);
}

static void sq_bind_int(struct hb_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(((struct sq_stmt *)st)->h, i, v);
}

static void sq_bind_null(struct hb_stmt *st, int i)
{
    sqlite3_bind_null(((struct sq_stmt *)st)->h, i);
}

static int sq_step(struct hb_stmt *st, struct hb_error *err)
{
    struct sq_stmt *s = (struct sq_stmt *)st;
    int rc = sqlite3_step(s->h);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return sq_fail(sqlite3_db_handle(s->h), rc, err);
}

static const char *sq_col(struct hb_stmt *st, int i, size_t *len)
{
    sqlite3_stmt *h = ((struct sq_stmt *)st)->h;
    if (sqlite3_column_type(h, i) == SQLITE_NULL) {
        if (len)
            *len = 0;
        return NULL;
    }
    const char *p = (const char *)sqlite3_column_text(h, i);
    if (len)
        *len = (size_t)sqlite3_column_bytes(h, i);
    return p ? p : "";
}

static bool sq_col_int(struct hb_stmt *st, int i, int64_t *out)
{
    sqlite3_stmt *h = ((struct sq_stmt *)st)->h;
    if (sqlite3_column_type(h, i) != SQLITE_INTEGER)
        return false;
    *out = sqlite3_column_int64(h, i);
    return true;
}

static void sq_reset(struct hb_stmt *st)
{
    sqlite3_stmt *h = ((struct sq_stmt *)st)->h;
    sqlite3_reset(h);
    sqlite3_clear_bindings(h);
}

const struct hb__db_ops hb__sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col = sq_col,
    .col_int = sq_col_int,
    .reset = sq_reset,
};
