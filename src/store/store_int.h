/* store internals shared by the backends. */
#ifndef HB_STORE_INT_H
#define HB_STORE_INT_H

#include "store.h"

struct hb__db_ops {
    const char *name;
    int (*open)(const char *url, struct hb_db **out, struct hb_error *err);
    void (*close)(struct hb_db *db);
    int (*exec)(struct hb_db *db, const char *sql, struct hb_error *err);
    int (*prepare)(struct hb_db *db, const char *sql, struct hb_stmt **out,
                   struct hb_error *err);
    void (*finalize)(struct hb_stmt *st);
    void (*bind_text)(struct hb_stmt *st, int i, const char *s, size_t n);
    void (*bind_int)(struct hb_stmt *st, int i, int64_t v);
    void (*bind_null)(struct hb_stmt *st, int i);
    int (*step)(struct hb_stmt *st, struct hb_error *err);
    const char *(*col)(struct hb_stmt *st, int i, size_t *len);
    /* Optional: an integer column as stored, without its text; false when
     * the column does not hold an integer (the text is parsed then). */
    bool (*col_int)(struct hb_stmt *st, int i, int64_t *out);
    void (*reset)(struct hb_stmt *st);
};

struct hb__cache_slot {
    const char *key;
    struct hb_stmt *st;
};

/* Every backend connection starts with this. */
struct hb_db {
    const struct hb__db_ops *ops;
    struct hb__cache_slot *cache;
    size_t cache_cap, cache_len;
};

struct hb_stmt {
    struct hb_db *db;
};

extern const struct hb__db_ops hb__sqlite_ops;
extern const struct hb__db_ops hb__pg_ops;

struct hb__migration {
    int version;
    const char *name;
    const char *sql;        /* both backends */
    const char *sql_pg;     /* PostgreSQL only, may be NULL */
    const char *sql_sqlite; /* SQLite only, may be NULL */
};
extern const struct hb__migration hb__migrations[];
extern const size_t hb__migrations_len;

#endif
