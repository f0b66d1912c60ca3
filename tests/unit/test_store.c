/* store: migrations, group commit, rollback of one write, append-only audit,
 * placeholders and unique violations. Run with a database URL (default: a
 * fresh SQLite file); tests/run.sh runs it on SQLite and PostgreSQL. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/store.h"

static struct hb_store *store;

struct job {
    int thread, i;
};

static int write_change(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct job *j = arg;
    int rc = hb_store_change(db, "Test", j->thread * 1000 + j->i, 1, 0, "create", "{}", 2, err);
    if (rc)
        return rc;
    if (j->i % 10 == 9) /* every tenth write fails after its insert: it must leave nothing */
        return hb_fail(err, HB_INVALID, NULL, "fails on purpose");
    return 0;
}

static void *writer(void *arg)
{
    intptr_t t = (intptr_t)arg;
    for (int i = 0; i < 100; i++) {
        struct job j = {(int)t, i};
        struct hb_error err = {0};
        int rc = hb_store_write(store, write_change, &j, &err);
        if ((i % 10 == 9) != (rc == HB_INVALID))
            return (void *)1;
    }
    return NULL;
}

static int64_t scalar(const char *sql)
{
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(store, &err);
    struct hb_stmt *st;
    int64_t v = -1;
    if (db && hb_db_stmt(db, sql, &st, &err) == 0) {
        if (hb_stmt_step(st, &err) == 1)
            v = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
    }
    hb_store_release(store, db);
    return v;
}

static int exec_write(struct hb_db *db, void *arg, struct hb_error *err)
{
    return hb_db_exec(db, arg, err);
}

static const char SQL_COUNT_TEST[] = "SELECT COUNT(*) FROM change_log WHERE rtype = 'Test'";
static const char SQL_QUOTE[] = "SELECT '?', CAST(? AS TEXT)";
static const char SQL_AUDIT_ONE[] =
    "INSERT INTO audit_log (id, at, action, what, outcome) VALUES (1, 1, 'read', 'x', 'allowed')";

static int insert_audit(struct hb_db *db, void *arg, struct hb_error *err)
{
    (void)arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_AUDIT_ONE, &st, err);
    return rc ? rc : hb_stmt_run(st, err);
}

int main(int argc, char **argv)
{
    char path[128];
    const char *url = argc > 1 ? argv[1] : NULL;
    if (!url) {
        snprintf(path, sizeof(path), "sqlite:/tmp/hb-test-store-%d.db", (int)getpid());
        unlink(path + 7);
        url = path;
    }
    printf("# backend %s\n", strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
    struct hb_error err = {0};
    store = (struct hb_store *)&err; /* what an uninitialised variable might hold */
    ok(hb_store_open("mysql://x", 2, &store, &err) == HB_INVALID, "unknown URL scheme refused");
    ok(store == NULL, "a failed open leaves no store to free");
    ok(strstr(err.message, "sqlite:") != NULL, "message says what is accepted: %s", err.message);
    int rc = hb_store_open(url, 4, &store, &err);
    ok(rc == 0, "open %s: %s", url, err.message);
    if (rc)
        return done();

    subtest("migrations apply once");
    int applied = -1;
    ok(hb_store_migrate(store, &applied, &err) == 0 && applied >= 1, "first run applies %d",
       applied);
    ok(hb_store_migrate(store, &applied, &err) == 0 && applied == 0, "second run applies none");
    ok(scalar("SELECT COUNT(*) FROM schema_migration") >= 1, "recorded in schema_migration");

    subtest("group commit from 8 threads, failed writes leave nothing");
    pthread_t th[8];
    for (intptr_t t = 0; t < 8; t++)
        pthread_create(&th[t], NULL, writer, (void *)t);
    int bad = 0;
    for (int t = 0; t < 8; t++) {
        void *r;
        pthread_join(th[t], &r);
        bad += r != NULL;
    }
    ok(bad == 0, "every write answered as it should");
    ok(scalar(SQL_COUNT_TEST) == 8 * 90, "720 rows committed, got %lld",
       (long long)scalar(SQL_COUNT_TEST));

    subtest("the audit log is append-only");
    ok(hb_store_write(store, insert_audit, NULL, &err) == 0, "insert allowed");
    static char upd[] = "UPDATE audit_log SET action = 'changed'", del[] = "DELETE FROM audit_log";
    rc = hb_store_write(store, exec_write, upd, &err);
    ok(rc != 0, "update refused (%s)", err.message);
    rc = hb_store_write(store, exec_write, del, &err);
    ok(rc != 0, "delete refused (%s)", err.message);
    ok(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'read'") == 1, "record intact");

    subtest("placeholders and constraint errors");
    struct hb_db *db = hb_store_acquire(store, &err);
    struct hb_stmt *st;
    ok(db && hb_db_stmt(db, SQL_QUOTE, &st, &err) == 0, "prepare with ? inside quotes");
    hb_stmt_text(st, 1, "bound");
    ok(hb_stmt_step(st, &err) == 1, "step");
    ok(strcmp(hb_stmt_col(st, 0, NULL), "?") == 0 && strcmp(hb_stmt_col(st, 1, NULL), "bound") == 0,
       "quoted ? untouched, parameter bound");
    hb_stmt_done(st);
    struct hb_stmt *again;
    ok(hb_db_stmt(db, SQL_QUOTE, &again, &err) == 0 && again == st, "statement cached");
    hb_store_release(store, db);
    rc = hb_store_write(store, insert_audit, NULL, &err);
    ok(rc == HB_CONFLICT, "duplicate key is HB_CONFLICT (%d: %s)", rc, err.message);

    hb_store_free(store);
    if (url == path)
        unlink(path + 7);
    return done();
}
