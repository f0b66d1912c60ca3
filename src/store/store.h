/* store: the database behind Helsebro, SQLite or PostgreSQL, chosen by URL.
 *
 * A store is a pool of read connections plus one writer connection driven by a
 * writer thread that commits waiting writes together (group commit). Statements
 * are prepared once per connection and cached by the address of their SQL text,
 * so SQL is always a `static const char` string with `?` placeholders; the
 * PostgreSQL backend rewrites them to $n once. SQL is never built from input. */
#ifndef HB_STORE_H
#define HB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

struct hb_store;
struct hb_db;   /* one connection */
struct hb_stmt; /* a cached prepared statement of one connection */

/* Opens a store for url ("sqlite:PATH" or "postgresql://..."). pool_size read
 * connections are opened lazily. On error returns a code, fills err and sets
 * *out to NULL (so hb_store_free(*out) is safe). */
int hb_store_open(const char *url, int pool_size, struct hb_store **out, struct hb_error *err);
/* Stops the writer after the queued writes, closes every connection. NULL ok. */
void hb_store_free(struct hb_store *s);
const char *hb_store_backend(const struct hb_store *s); /* "sqlite" or "postgresql" */

/* Borrow a read connection (blocks while all are in use); give it back with
 * hb_store_release. May return NULL with err filled if the connection fails. */
struct hb_db *hb_store_acquire(struct hb_store *s, struct hb_error *err);
void hb_store_release(struct hb_store *s, struct hb_db *db);

/* Runs fn(db, ctx, err) on the writer connection inside a transaction shared
 * with other writes queued at the same time, and returns once that transaction
 * is durably committed (0) or fn/commit failed (fn's code; nothing of fn stays).
 * fn must not call hb_store_write itself. */
typedef int (*hb_write_fn)(struct hb_db *db, void *ctx, struct hb_error *err);
int hb_store_write(struct hb_store *s, hb_write_fn fn, void *ctx, struct hb_error *err);

/* Applies the embedded migrations not yet recorded, each in its own transaction.
 * *applied (may be NULL) receives how many were applied. */
int hb_store_migrate(struct hb_store *s, int *applied, struct hb_error *err);

/* ---- statements ----
 * hb_db_stmt returns the cached statement for sql (a static string), ready to
 * bind. Parameters are 1-based, columns 0-based. Text returned by a column is
 * valid until the next step or hb_stmt_done. Always end with hb_stmt_done. */
int hb_db_stmt(struct hb_db *db, const char *sql, struct hb_stmt **out, struct hb_error *err);
void hb_stmt_text(struct hb_stmt *st, int i, const char *s); /* NULL binds NULL */
void hb_stmt_textn(struct hb_stmt *st, int i, const char *s, size_t n);
void hb_stmt_int(struct hb_stmt *st, int i, int64_t v);
void hb_stmt_null(struct hb_stmt *st, int i);
/* Binds v, or NULL when v is 0 (an optional reference). */
void hb_stmt_int_or_null(struct hb_stmt *st, int i, int64_t v);
/* 1: a row is ready; 0: done; <0: error (err filled; HB_CONFLICT on a unique
 * violation). */
int hb_stmt_step(struct hb_stmt *st, struct hb_error *err);
const char *hb_stmt_col(struct hb_stmt *st, int i, size_t *len); /* NULL when SQL NULL */
int64_t hb_stmt_col_int(struct hb_stmt *st, int i);
/* A copy of text column i in arena, or NULL when SQL NULL. */
const char *hb_stmt_col_dup(struct hb_stmt *st, int i, struct hb_arena *arena);
void hb_stmt_done(struct hb_stmt *st);

/* Runs sql with one integer parameter (usually an id). When a row comes and
 * read is not NULL, calls read(st, arg) on it. Returns 1 (a row), 0 (none) or
 * <0 with err filled. */
int hb_db_one(struct hb_db *db, const char *sql, int64_t param,
              void (*read)(struct hb_stmt *st, void *arg), void *arg, struct hb_error *err);

/* Runs sql with one integer parameter followed by the limit max and collects
 * the first column of each row (ids) into ids; *n gets the count. */
int hb_db_ids(struct hb_db *db, const char *sql, int64_t param, int64_t *ids, int max, int *n,
              struct hb_error *err);

/* Convenience: run a statement that returns no rows (or ignore them). */
int hb_stmt_run(struct hb_stmt *st, struct hb_error *err);
/* Runs SQL text with no parameters (may hold several statements). */
int hb_db_exec(struct hb_db *db, const char *sql, struct hb_error *err);

/* Appends one version of a domain resource to the change log, inside the
 * caller's write: the single source for history, audit and fan-out. */
int hb_store_change(struct hb_db *db, const char *rtype, int64_t rid, int version,
                    int64_t user_id, const char *action, const char *resource, size_t len,
                    struct hb_error *err);

#endif
