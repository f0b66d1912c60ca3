/* The audit log: one append-only record per access to patient data. There is
 * deliberately no update or delete here, and the database refuses both. */
#include <string.h>

#include "auth.h"

#include "../core/banned.h"

static const char SQL_AUDIT_ADD[] =
    "INSERT INTO audit_log (id, at, user_id, role, org_id, patient_id, action, what,"
    " relation, reason, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int hb_audit_add(struct hb_db *db, const struct hb_user *u, const struct hb_audit *a,
                 struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_AUDIT_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, hb_now_us());
    if (u) {
        hb_stmt_int(st, 3, u->id);
        hb_stmt_text(st, 4, hb_role_name(u->role));
        hb_stmt_int(st, 5, u->org_id);
    } else {
        hb_stmt_null(st, 3);
        hb_stmt_null(st, 4);
        hb_stmt_null(st, 5);
    }
    hb_stmt_int_or_null(st, 6, a->patient_id);
    hb_stmt_text(st, 7, a->action);
    hb_stmt_text(st, 8, a->what);
    hb_stmt_text(st, 9, a->relation);
    hb_stmt_text(st, 10, a->reason);
    hb_stmt_text(st, 11, a->allowed ? "allowed" : "denied");
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

struct audit_batch {
    const struct hb_user *u;
    const struct hb_audit *a;
    size_t n;
};

static int audit_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct audit_batch *b = arg;
    for (size_t i = 0; i < b->n; i++) {
        int rc = hb_audit_add(db, b->u, &b->a[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

int hb_audit_write(struct hb_store *s, const struct hb_user *u, const struct hb_audit *a,
                   size_t n, struct hb_error *err)
{
    if (n == 0)
        return 0;
    struct audit_batch b = {u, a, n};
    return hb_store_write(s, audit_tx, &b, err);
}

static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.at, a.user_id, a.patient_id, u.name, a.role, o.name, a.action, a.what,"
    " a.relation, a.reason, a.outcome FROM audit_log a"
    " LEFT JOIN app_user u ON u.id = a.user_id LEFT JOIN org o ON o.id = a.org_id"
    " WHERE a.patient_id = ? ORDER BY a.id DESC LIMIT ?";
static const char SQL_AUDIT_LIST_ACTION[] =
    "SELECT a.id, a.at, a.user_id, a.patient_id, u.name, a.role, o.name, a.action, a.what,"
    " a.relation, a.reason, a.outcome FROM audit_log a"
    " LEFT JOIN app_user u ON u.id = a.user_id LEFT JOIN org o ON o.id = a.org_id"
    " WHERE a.action = ? ORDER BY a.id DESC LIMIT ?";
static const char SQL_AUDIT_LIST_ALL[] =
    "SELECT a.id, a.at, a.user_id, a.patient_id, u.name, a.role, o.name, a.action, a.what,"
    " a.relation, a.reason, a.outcome FROM audit_log a"
    " LEFT JOIN app_user u ON u.id = a.user_id LEFT JOIN org o ON o.id = a.org_id"
    " ORDER BY a.id DESC LIMIT ?";

int hb_audit_list(struct hb_db *db, int64_t patient_id, const char *action, int limit,
                  struct hb_arena *arena, struct hb_audit_row **out, int *n,
                  struct hb_error *err)
{
    struct hb_stmt *st;
    const char *sql = patient_id ? SQL_AUDIT_LIST : action ? SQL_AUDIT_LIST_ACTION
                                                           : SQL_AUDIT_LIST_ALL;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    int i = 1;
    if (patient_id)
        hb_stmt_int(st, i++, patient_id);
    else if (action)
        hb_stmt_text(st, i++, action);
    hb_stmt_int(st, i, limit);
    struct hb_audit_row *rows = hb_arena_alloc(arena, sizeof(*rows) * (size_t)limit);
    int k = 0;
    while (k < limit && (rc = hb_stmt_step(st, err)) == 1) {
        struct hb_audit_row *r = &rows[k++];
        r->id = hb_stmt_col_int(st, 0);
        r->at = hb_stmt_col_int(st, 1);
        r->user_id = hb_stmt_col_int(st, 2);
        r->patient_id = hb_stmt_col_int(st, 3);
        r->user_name = hb_stmt_col_dup(st, 4, arena);
        r->role = hb_stmt_col_dup(st, 5, arena);
        r->org_name = hb_stmt_col_dup(st, 6, arena);
        r->action = hb_stmt_col_dup(st, 7, arena);
        r->what = hb_stmt_col_dup(st, 8, arena);
        r->relation = hb_stmt_col_dup(st, 9, arena);
        r->reason = hb_stmt_col_dup(st, 10, arena);
        r->outcome = hb_stmt_col_dup(st, 11, arena);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    *out = rows;
    *n = k;
    return 0;
}
