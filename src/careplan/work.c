/* careplan: my worklist across all my patients: tasks for me or my
 * organisation (overdue first), unread messages, plans changed since I last
 * looked, co-consultations I am invited to, questions to my organisation.
 * Each patient shown is checked against the policy and audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

enum { MAX_ROWS = 200, MAX_PATIENTS = 400 };

/* The policy's answer per patient, asked once per request. */
struct relations {
    int64_t id[MAX_PATIENTS];
    const char *relation[MAX_PATIENTS], *reason[MAX_PATIENTS];
    bool allowed[MAX_PATIENTS];
    int n;
    struct hb_audit audits[4 * MAX_ROWS];
    int naudit;
};

/* 1 when u may see patient_id (the audit record of what is shown is queued),
 * 0 when not, <0 on errors. */
static int visible(struct hb_db *db, const struct hb_user *u, struct relations *r,
                   int64_t patient_id, const char *what, struct hb_arena *a, struct hb_error *err)
{
    int i = 0;
    while (i < r->n && r->id[i] != patient_id)
        i++;
    if (i == r->n) {
        if (r->n == MAX_PATIENTS)
            return 0;
        struct hb__access acc;
        int rc = hb__care_access(db, u, patient_id, NULL, a, &acc, err);
        if (rc < 0 && rc != HB_FORBIDDEN)
            return rc;
        r->id[i] = patient_id;
        r->allowed[i] = rc == 0;
        r->relation[i] = rc == 0 ? acc.relation : NULL;
        r->reason[i] = rc == 0 ? acc.reason : NULL;
        r->n++;
    }
    if (!r->allowed[i])
        return 0;
    if (r->naudit < (int)(sizeof(r->audits) / sizeof(r->audits[0])))
        r->audits[r->naudit++] = (struct hb_audit){.patient_id = patient_id,
                                                   .action = "search",
                                                   .what = what,
                                                   .relation = r->relation[i],
                                                   .reason = r->reason[i],
                                                   .allowed = true};
    return 1;
}

static const char SQL_MY_TASKS[] =
    "SELECT " HB__ITEM_COLS " FROM " HB__ITEM_FROM " JOIN care_plan cp ON cp.id = i.plan_id"
    " WHERE cp.status = 'active' AND i.kind = 'task'"
    " AND i.status IN ('requested', 'in-progress')"
    " AND (i.assignee_user_id = ? OR i.assignee_org_id = ? OR i.assignee_org_id = ?"
    " OR (i.assignee_patient = 1 AND i.patient_id = ?))"
    " ORDER BY i.day IS NULL, i.day, i.id LIMIT 200";

/* Plans u takes part in: a member today of the plan's team or its standing
 * team, or (for the patient and a consenting relative) their own plan. */
#define MY_PLANS                                                                                   \
    " FROM care_plan p JOIN care_team t ON t.id = p.team_id"                                       \
    " JOIN patient pt ON pt.id = p.patient_id WHERE p.status = 'active'"                           \
    " AND (p.patient_id = ? OR EXISTS (SELECT 1 FROM care_member mm"                               \
    " WHERE (mm.team_id = t.id OR mm.team_id = t.parent_id) AND mm.user_id = ?"                    \
    " AND mm.from_day <= ? AND (mm.to_day IS NULL OR mm.to_day >= ?)))"

static const char SQL_UNREAD[] =
    "SELECT p.id, p.patient_id, pt.given || ' ' || pt.family,"
    " (SELECT COUNT(*) FROM care_message m WHERE m.plan_id = p.id AND m.author_id <> ?"
    " AND m.id > COALESCE((SELECT r.last_id FROM care_read r WHERE r.plan_id = p.id"
    " AND r.user_id = ?), 0))" MY_PLANS " ORDER BY p.id";
static const char SQL_CHANGED[] =
    "SELECT p.id, p.patient_id, pt.given || ' ' || pt.family,"
    " (SELECT COUNT(*) FROM care_event e WHERE e.plan_id = p.id AND e.user_id <> ?"
    " AND e.at > COALESCE((SELECT s.seen_at FROM care_seen s WHERE s.plan_id = p.id"
    " AND s.user_id = ?), 0))" MY_PLANS " ORDER BY p.id";
static const char SQL_MY_CONSULTS[] =
    "SELECT c.id, c.plan_id, c.patient_id, c.start_at, c.minutes, c.purpose, c.video_url,"
    " pt.given || ' ' || pt.family FROM consultation c"
    " JOIN consultation_participant cp ON cp.consultation_id = c.id"
    " JOIN patient pt ON pt.id = c.patient_id WHERE cp.user_id = ? AND c.status = 'booked'"
    " AND c.start_at > ? ORDER BY c.start_at LIMIT 50";

/* Lists per plan a count from sql (unread messages, changes), skipping zeros. */
static int plan_counts(struct hb_db *db, const struct hb_user *u, const char *sql,
                       int64_t own_patient, const char *key, struct relations *r,
                       struct hb_arena *a, json_t **out, struct hb_error *err)
{
    char today[16];
    hb__care_today(today);
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, u->id);
    hb_stmt_int(st, 2, u->id);
    hb_stmt_int(st, 3, own_patient ? own_patient : -1);
    hb_stmt_int(st, 4, u->id);
    hb_stmt_text(st, 5, today);
    hb_stmt_text(st, 6, today);
    *out = json_array();
    struct row {
        int64_t plan, patient, count;
        const char *name;
    } rows[MAX_ROWS];
    int n = 0;
    while (n < MAX_ROWS && (rc = hb_stmt_step(st, err)) == 1) {
        if (!hb_stmt_col_int(st, 3))
            continue;
        rows[n] =
            (struct row){hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), hb_stmt_col_int(st, 3),
                         hb_stmt_col_dup(st, 2, a)};
        n++;
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        int vis = visible(db, u, r, rows[i].patient,
                          hb_arena_printf(a, "CarePlan/%lld", (long long)rows[i].plan), a, err);
        if (vis < 0)
            return vis;
        if (!vis)
            continue;
        json_array_append_new(*out,
                              json_pack("{s:o,s:o,s:s,s:I}", "planId", hb__care_id(rows[i].plan),
                                        "patientId", hb__care_id(rows[i].patient), "patientName",
                                        rows[i].name, key, (json_int_t)rows[i].count));
    }
    return 0;
}

int hb_care_work(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena, json_t **out,
                 struct hb_error *err)
{
    struct relations *r = hb_arena_alloc(arena, sizeof(*r));
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *tasks = json_array(), *unread = NULL, *changed = NULL, *consults = json_array();
    int64_t own = u->role == HB_ROLE_PATIENT ? u->patient_id : 0;
    if (u->role == HB_ROLE_RELATIVE) {
        struct hb__access acc;
        int arc = hb__care_access(db, u, u->patient_id, NULL, arena, &acc, err);
        if (arc == 0 && (acc.scopes & HB__SCOPE_PLAN))
            own = u->patient_id;
    }
    struct hb__item *items;
    int n = 0;
    int64_t params[4] = {u->id, u->org_id ? u->org_id : -1,
                         u->municipality_id ? u->municipality_id : -1,
                         u->role == HB_ROLE_PATIENT ? u->patient_id : -1};
    int rc = hb__care_items_load(db, SQL_MY_TASKS, params, 4, MAX_ROWS, arena, &items, &n, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        int vis = visible(db, u, r, items[i].patient_id,
                          hb_arena_printf(arena, "Task/%lld", (long long)items[i].id), arena, err);
        if (vis < 0)
            rc = vis;
        else if (vis)
            json_array_append_new(tasks, hb__care_item_json(&items[i]));
    }
    if (rc == 0)
        rc = plan_counts(db, u, SQL_UNREAD, own, "unread", r, arena, &unread, err);
    if (rc == 0)
        rc = plan_counts(db, u, SQL_CHANGED, own, "changes", r, arena, &changed, err);
    struct hb_stmt *st;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_MY_CONSULTS, &st, err)) == 0) {
        hb_stmt_int(st, 1, u->id);
        hb_stmt_int(st, 2, hb_now_us() - 3600LL * 1000000);
        struct {
            int64_t id, plan, patient, start, minutes;
            const char *purpose, *video, *name;
        } c[50];
        int nc = 0;
        while (nc < 50 && (rc = hb_stmt_step(st, err)) == 1) {
            c[nc].id = hb_stmt_col_int(st, 0);
            c[nc].plan = hb_stmt_col_int(st, 1);
            c[nc].patient = hb_stmt_col_int(st, 2);
            c[nc].start = hb_stmt_col_int(st, 3);
            c[nc].minutes = hb_stmt_col_int(st, 4);
            c[nc].purpose = hb_stmt_col_dup(st, 5, arena);
            c[nc].video =
                hb_stmt_col_dup(st, 6, arena);
            c[nc].name = hb_stmt_col_dup(st, 7, arena);
            nc++;
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
        for (int i = 0; rc == 0 && i < nc; i++) {
            int vis =
                visible(db, u, r, c[i].patient,
                        hb_arena_printf(arena, "Appointment/%lld", (long long)c[i].id), arena, err);
            if (vis < 0) {
                rc = vis;
                break;
            }
            if (!vis)
                continue;
            char local[32];
            hb_time_no(c[i].start, local, sizeof(local));
            json_t *j =
                json_pack("{s:o,s:o,s:o,s:s,s:I,s:s,s:s}", "id", hb__care_id(c[i].id), "planId",
                          hb__care_id(c[i].plan), "patientId", hb__care_id(c[i].patient),
                          "startLocal", local, "minutes", (json_int_t)c[i].minutes, "purpose",
                          c[i].purpose, "patientName", c[i].name);
            if (c[i].video)
                json_object_set_new(j, "videoUrl", json_string(c[i].video));
            json_array_append_new(consults, j);
        }
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, r->audits, (size_t)r->naudit, err);
    json_t *questions = NULL;
    if (rc == 0 && u->role == HB_ROLE_HOSPITAL)
        rc = hb_care_questions(s, u, arena, &questions, err);
    if (rc) {
        json_decref(tasks);
        json_decref(unread);
        json_decref(changed);
        json_decref(consults);
        json_decref(questions);
        return rc;
    }
    *out = json_pack("{s:o,s:o,s:o,s:o}", "tasks", tasks, "unread", unread, "changed", changed,
                     "consultations", consults);
    json_object_set_new(*out, "questions",
                        questions ? json_incref(json_object_get(questions, "questions"))
                                  : json_array());
    json_decref(questions);
    return 0;
}
