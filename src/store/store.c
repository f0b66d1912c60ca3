/* store: connection pool, statement cache, group-commit writer, migrations. */
#include "store_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct write_job {
    hb_write_fn fn;
    void *ctx;
    struct hb_error *err;
    int rc;
    bool done;
    pthread_cond_t done_cv; /* its own, so a batch wakes only its writers */
    struct write_job *next;
};

struct hb_store {
    const struct hb__db_ops *ops;
    char *url;

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    struct hb_db **idle; /* opened, not in use */
    int idle_len, open_count, pool_size;

    pthread_mutex_t write_mu;
    pthread_cond_t write_cv; /* work queued or stopping */
    struct write_job *queue, *queue_tail;
    bool stopping, writer_started;
    pthread_t writer;
    struct hb_db *wdb;
};

/* ---- statements ---- */
static size_t slot_of(const char *key, size_t cap)
{
    uintptr_t h = (uintptr_t)key;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 7) & (cap - 1);
}

static void cache_put(struct hb_db *db, const char *key, struct hb_stmt *st)
{
    if ((db->cache_len + 1) * 2 > db->cache_cap) {
        size_t ncap = db->cache_cap ? db->cache_cap * 2 : 64;
        struct hb__cache_slot *n = hb_xcalloc(ncap, sizeof(*n));
        for (size_t i = 0; i < db->cache_cap; i++) {
            if (!db->cache[i].key)
                continue;
            size_t j = slot_of(db->cache[i].key, ncap);
            while (n[j].key)
                j = (j + 1) & (ncap - 1);
            n[j] = db->cache[i];
        }
        free(db->cache);
        db->cache = n;
        db->cache_cap = ncap;
    }
    size_t j = slot_of(key, db->cache_cap);
    while (db->cache[j].key)
        j = (j + 1) & (db->cache_cap - 1);
    db->cache[j].key = key;
    db->cache[j].st = st;
    db->cache_len++;
}

int hb_db_stmt(struct hb_db *db, const char *sql, struct hb_stmt **out, struct hb_error *err)
{
    if (db->cache_cap) {
        size_t j = slot_of(sql, db->cache_cap);
        while (db->cache[j].key) {
            if (db->cache[j].key == sql) {
                *out = db->cache[j].st;
                return 0;
            }
            j = (j + 1) & (db->cache_cap - 1);
        }
    }
    struct hb_stmt *st = NULL;
    int rc = db->ops->prepare(db, sql, &st, err);
    if (rc)
        return rc;
    st->db = db;
    cache_put(db, sql, st);
    *out = st;
    return 0;
}

void hb_stmt_text(struct hb_stmt *st, int i, const char *s)
{
    if (s)
        st->db->ops->bind_text(st, i, s, strlen(s));
    else
        st->db->ops->bind_null(st, i);
}

void hb_stmt_textn(struct hb_stmt *st, int i, const char *s, size_t n)
{
    st->db->ops->bind_text(st, i, s, n);
}

void hb_stmt_int(struct hb_stmt *st, int i, int64_t v)
{
    st->db->ops->bind_int(st, i, v);
}

void hb_stmt_null(struct hb_stmt *st, int i)
{
    st->db->ops->bind_null(st, i);
}

void hb_stmt_int_or_null(struct hb_stmt *st, int i, int64_t v)
{
    if (v)
        hb_stmt_int(st, i, v);
    else
        hb_stmt_null(st, i);
}

const char *hb_stmt_col_dup(struct hb_stmt *st, int i, struct hb_arena *arena)
{
    size_t n = 0;
    const char *s = st->db->ops->col(st, i, &n);
    return s ? hb_arena_strndup(arena, s, n) : NULL;
}

int hb_stmt_step(struct hb_stmt *st, struct hb_error *err)
{
    return st->db->ops->step(st, err);
}

const char *hb_stmt_col(struct hb_stmt *st, int i, size_t *len)
{
    return st->db->ops->col(st, i, len);
}

int64_t hb_stmt_col_int(struct hb_stmt *st, int i)
{
    int64_t v = 0;
    if (st->db->ops->col_int && st->db->ops->col_int(st, i, &v))
        return v;
    size_t n = 0;
    const char *s = st->db->ops->col(st, i, &n);
    if (s && hb_parse_i64(s, n, INT64_MIN, INT64_MAX, &v) != 0)
        v = 0;
    return v;
}

void hb_stmt_done(struct hb_stmt *st)
{
    st->db->ops->reset(st);
}

int hb_stmt_run(struct hb_stmt *st, struct hb_error *err)
{
    int rc;
    while ((rc = hb_stmt_step(st, err)) == 1)
        ;
    hb_stmt_done(st);
    return rc;
}

int hb_db_one(struct hb_db *db, const char *sql, int64_t param,
              void (*read)(struct hb_stmt *st, void *arg), void *arg, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, param);
    rc = hb_stmt_step(st, err);
    if (rc == 1 && read)
        read(st, arg);
    hb_stmt_done(st);
    return rc;
}

int hb_db_ids(struct hb_db *db, const char *sql, int64_t param, int64_t *ids, int max, int *n,
              struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, param);
    hb_stmt_int(st, 2, max);
    *n = 0;
    while (*n < max && (rc = hb_stmt_step(st, err)) == 1)
        ids[(*n)++] = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int hb_db_exec(struct hb_db *db, const char *sql, struct hb_error *err)
{
    return db->ops->exec(db, sql, err);
}

static void db_close(struct hb_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->cache_cap; i++)
        if (db->cache[i].key)
            db->ops->finalize(db->cache[i].st);
    free(db->cache);
    db->cache = NULL;
    db->ops->close(db);
}

/* ---- pool ---- */
int hb_store_open(const char *url, int pool_size, struct hb_store **out, struct hb_error *err)
{
    *out = NULL; /* callers free what they got on failure too */
    const struct hb__db_ops *ops = NULL;
    if (strncmp(url, "sqlite:", 7) == 0)
        ops = &hb__sqlite_ops;
    else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        ops = &hb__pg_ops;
    else
        return hb_fail(err, HB_INVALID, "db",
                       "--db must start with sqlite: or postgresql://");
    struct hb_store *s = hb_xcalloc(1, sizeof(*s));
    s->ops = ops;
    s->url = hb_xstrdup(url);
    s->pool_size = pool_size > 0 ? pool_size : 4;
    s->idle = hb_xcalloc((size_t)s->pool_size, sizeof(*s->idle));
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_cond_init(&s->write_cv, NULL);
    /* Open the writer now so a bad URL fails at start, not at the first write. */
    int rc = ops->open(url, &s->wdb, err);
    if (rc) {
        hb_store_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

const char *hb_store_backend(const struct hb_store *s)
{
    return s->ops->name;
}

struct hb_db *hb_store_acquire(struct hb_store *s, struct hb_error *err)
{
    pthread_mutex_lock(&s->pool_mu);
    for (;;) {
        if (s->idle_len > 0) {
            struct hb_db *db = s->idle[--s->idle_len];
            pthread_mutex_unlock(&s->pool_mu);
            return db;
        }
        if (s->open_count < s->pool_size) {
            s->open_count++;
            pthread_mutex_unlock(&s->pool_mu);
            struct hb_db *db = NULL;
            if (s->ops->open(s->url, &db, err) != 0) {
                pthread_mutex_lock(&s->pool_mu);
                s->open_count--;
                pthread_cond_signal(&s->pool_cv);
                pthread_mutex_unlock(&s->pool_mu);
                return NULL;
            }
            return db;
        }
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    }
}

void hb_store_release(struct hb_store *s, struct hb_db *db)
{
    if (!db)
        return;
    pthread_mutex_lock(&s->pool_mu);
    s->idle[s->idle_len++] = db;
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

/* ---- group-commit writer ---- */
enum { BATCH_MAX = 512 };

static const char *begin_sql(const struct hb_db *db)
{
    return db->ops == &hb__sqlite_ops ? "BEGIN IMMEDIATE" : "BEGIN";
}

/* Transaction control through cached statements: parsed once, not per write. */
static const char SQL_SAVEPOINT[] = "SAVEPOINT job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO SAVEPOINT job";
static const char SQL_RELEASE[] = "RELEASE SAVEPOINT job";
static const char SQL_COMMIT[] = "COMMIT";

static int exec_cached(struct hb_db *db, const char *sql, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    return rc ? rc : hb_stmt_run(st, err);
}

/* Runs the jobs in one transaction and commits. Without savepoints a failing
 * job rolls everything back and 1 is returned; with them only that job is
 * undone. <0: the transaction itself failed and was rolled back. */
static int try_batch(struct hb_db *db, struct write_job *jobs, bool savepoints,
                     struct hb_error *berr)
{
    int rc = exec_cached(db, begin_sql(db), berr);
    if (rc)
        return rc;
    for (struct write_job *j = jobs; j && rc == 0; j = j->next) {
        if (savepoints && (rc = exec_cached(db, SQL_SAVEPOINT, berr)))
            break;
        j->rc = j->fn(db, j->ctx, j->err);
        if (j->rc && !savepoints) {
            hb_db_exec(db, "ROLLBACK", NULL);
            return 1;
        }
        if (savepoints && j->rc)
            rc = exec_cached(db, SQL_ROLLBACK_TO, berr);
        if (savepoints && rc == 0)
            rc = exec_cached(db, SQL_RELEASE, berr);
    }
    if (rc == 0)
        rc = exec_cached(db, SQL_COMMIT, berr);
    if (rc)
        hb_db_exec(db, "ROLLBACK", NULL);
    return rc;
}

/* Optimistic: the batch runs first without a savepoint per job (they cost two
 * statements each and jobs rarely fail). If one fails, the batch runs again
 * with savepoints so only the failing jobs are undone. Jobs touch nothing but
 * the database and their own context, so running one twice is safe. */
static void run_batch(struct hb_store *s, struct write_job *jobs)
{
    struct hb_error berr = {0};
    int rc = try_batch(s->wdb, jobs, false, &berr);
    if (rc == 1) {
        if (!jobs->next)
            return; /* a lone job failed: its answer stands and nothing changed */
        for (struct write_job *j = jobs; j; j = j->next)
            j->rc = 0;
        rc = try_batch(s->wdb, jobs, true, &berr);
    }
    if (rc < 0) {
        int n = 0;
        for (struct write_job *j = jobs; j; j = j->next)
            n++;
        HB_LOG(HB_LOG_ERROR, "msg=\"write batch failed\" jobs=%d error=\"%s\"", n, berr.message);
        for (struct write_job *j = jobs; j; j = j->next)
            if (j->rc == 0)
                j->rc = hb_fail(j->err, HB_INTERNAL, NULL, "Lagring feilet, prøv igjen");
    }
}

static void *writer_main(void *arg)
{
    struct hb_store *s = arg;
    pthread_mutex_lock(&s->write_mu);
    for (;;) {
        while (!s->queue && !s->stopping)
            pthread_cond_wait(&s->write_cv, &s->write_mu);
        if (!s->queue && s->stopping)
            break;
        /* Take up to BATCH_MAX jobs. */
        struct write_job *batch = s->queue, *last = s->queue;
        int n = 1;
        while (last->next && n < BATCH_MAX) {
            last = last->next;
            n++;
        }
        s->queue = last->next;
        if (!s->queue)
            s->queue_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&s->write_mu);

        run_batch(s, batch);

        pthread_mutex_lock(&s->write_mu);
        for (struct write_job *j = batch, *next; j; j = next) {
            next = j->next; /* j lives on its writer's stack: read next first */
            j->done = true;
            pthread_cond_signal(&j->done_cv);
        }
    }
    pthread_mutex_unlock(&s->write_mu);
    return NULL;
}

int hb_store_write(struct hb_store *s, hb_write_fn fn, void *ctx, struct hb_error *err)
{
    struct hb_error local = {0};
    struct write_job job = {.fn = fn, .ctx = ctx, .err = err ? err : &local};
    pthread_cond_init(&job.done_cv, NULL);
    pthread_mutex_lock(&s->write_mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->write_mu);
        pthread_cond_destroy(&job.done_cv);
        return hb_fail(err, HB_UNAVAILABLE, NULL, "Tjenesten stopper");
    }
    if (!s->writer_started) {
        if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
            pthread_mutex_unlock(&s->write_mu);
            pthread_cond_destroy(&job.done_cv);
            return hb_fail(err, HB_INTERNAL, NULL, "could not start the writer thread");
        }
        s->writer_started = true;
    }
    if (s->queue_tail)
        s->queue_tail->next = &job;
    else
        s->queue = &job;
    s->queue_tail = &job;
    pthread_cond_signal(&s->write_cv);
    while (!job.done)
        pthread_cond_wait(&job.done_cv, &s->write_mu);
    pthread_mutex_unlock(&s->write_mu);
    pthread_cond_destroy(&job.done_cv);
    return job.rc;
}

void hb_store_free(struct hb_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->write_mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->write_cv);
    bool started = s->writer_started;
    pthread_mutex_unlock(&s->write_mu);
    if (started)
        pthread_join(s->writer, NULL);
    db_close(s->wdb);
    for (int i = 0; i < s->idle_len; i++)
        db_close(s->idle[i]);
    free(s->idle);
    free(s->url);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->write_mu);
    pthread_cond_destroy(&s->write_cv);
    free(s);
}

/* ---- migrations ---- */
static const char SQL_MIGRATION_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char SQL_MIGRATION_LOCK_PG[] = "SELECT pg_advisory_xact_lock(7236001)";
static const char SQL_MIGRATION_HAS[] = "SELECT 1 FROM schema_migration WHERE version = ?";
static const char SQL_MIGRATION_ADD[] =
    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)";

struct migrate_ctx {
    const struct hb__migration *m;
    bool applied;
};

static int migrate_one(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct migrate_ctx *c = arg;
    bool pg = db->ops == &hb__pg_ops;
    int rc = hb_db_exec(db, SQL_MIGRATION_TABLE, err);
    if (rc)
        return rc;
    struct hb_stmt *st;
    if (pg) {
        if ((rc = hb_db_stmt(db, SQL_MIGRATION_LOCK_PG, &st, err)) ||
            (rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    if ((rc = hb_db_stmt(db, SQL_MIGRATION_HAS, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c->m->version);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return 0; /* applied by an earlier run or another process */
    if ((rc = hb_db_exec(db, c->m->sql, err)))
        return rc;
    const char *extra = pg ? c->m->sql_pg : c->m->sql_sqlite;
    if (extra && (rc = hb_db_exec(db, extra, err)))
        return rc;
    if ((rc = hb_db_stmt(db, SQL_MIGRATION_ADD, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c->m->version);
    hb_stmt_text(st, 2, c->m->name);
    hb_stmt_int(st, 3, hb_now_us());
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    c->applied = true;
    return 0;
}

int hb_store_migrate(struct hb_store *s, int *applied, struct hb_error *err)
{
    int count = 0;
    for (size_t i = 0; i < hb__migrations_len; i++) {
        struct migrate_ctx c = {.m = &hb__migrations[i]};
        int rc = hb_store_write(s, migrate_one, &c, err);
        if (rc) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
            return hb_fail(err, rc, NULL, "migration %04d_%s failed: %s", c.m->version,
                           c.m->name, msg);
        }
        count += c.applied;
    }
    if (applied)
        *applied = count;
    return 0;
}

/* ---- change log ---- */
static const char SQL_CHANGE_ADD[] =
    "INSERT INTO change_log (seq, rtype, rid, version, at, user_id, action, resource)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int hb_store_change(struct hb_db *db, const char *rtype, int64_t rid, int version,
                    int64_t user_id, const char *action, const char *resource, size_t len,
                    struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CHANGE_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_text(st, 2, rtype);
    hb_stmt_int(st, 3, rid);
    hb_stmt_int(st, 4, version);
    hb_stmt_int(st, 5, hb_now_us());
    if (user_id)
        hb_stmt_int(st, 6, user_id);
    else
        hb_stmt_null(st, 6);
    hb_stmt_text(st, 7, action);
    hb_stmt_textn(st, 8, resource, len);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}
