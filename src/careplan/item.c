/* careplan: goals, health issues and tasks of a plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

static const char *const kinds[] = {"goal", "issue", "task", NULL};
static const char *const goal_status[] = {"proposed", "active", "completed", "cancelled", NULL};
static const char *const issue_status[] = {"active", "resolved", NULL};
static const char *const task_status[] = {"requested", "in-progress", "completed", "cancelled",
                                          NULL};
static const char *const recurrences[] = {"daily", "weekly", "monthly", NULL};
static const char *const code_systems[] = {"icpc2", "icd10", NULL};
static const char *const kind_labels[] = {"mål", "helseutfordring", "oppgave"};

/* ---- reading ---- */
int hb__care_items_load(struct hb_db *db, const char *sql, const int64_t *params, int nparams,
                        int max, struct hb_arena *a, struct hb__item **out, int *n,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    for (int i = 0; i < nparams; i++)
        hb_stmt_int(st, i + 1, params[i]);
    struct hb__item *v = hb_arena_alloc(a, sizeof(*v) * (size_t)(max ? max : 1));
    *n = 0;
    while (*n < max && (rc = hb_stmt_step(st, err)) == 1) {
        struct hb__item *it = &v[(*n)++];
        it->id = hb_stmt_col_int(st, 0);
        it->plan_id = hb_stmt_col_int(st, 1);
        it->patient_id = hb_stmt_col_int(st, 2);
        it->assignee_user_id = hb_stmt_col_int(st, 3);
        it->assignee_org_id = hb_stmt_col_int(st, 4);
        it->updated_at = hb_stmt_col_int(st, 5);
        it->version = (int)hb_stmt_col_int(st, 6);
        it->assignee_patient = hb_stmt_col_int(st, 7) != 0;
        it->kind = hb_stmt_col_dup(st, 8, a);
        it->text = hb_stmt_col_dup(st, 9, a);
        it->status = hb_stmt_col_dup(st, 10, a);
        it->day = hb_stmt_col_dup(st, 11, a);
        it->expressed_by = hb_stmt_col_dup(st, 12, a);
        it->code_system = hb_stmt_col_dup(st, 13, a);
        it->code = hb_stmt_col_dup(st, 14, a);
        it->recurrence = hb_stmt_col_dup(st, 15, a);
        it->assignee_name = hb_stmt_col_dup(st, 16, a);
        it->updated_by_name = hb_stmt_col_dup(st, 17, a);
        it->patient_name = hb_stmt_col_dup(st, 18, a);
    }
    hb_stmt_done(st);
    *out = v;
    return rc < 0 ? rc : 0;
}

static const char SQL_ITEM_GET[] = "SELECT " HB__ITEM_COLS " FROM " HB__ITEM_FROM " WHERE i.id = ?";

static int item_get(struct hb_db *db, int64_t id, struct hb_arena *a, struct hb__item *out,
                    struct hb_error *err)
{
    struct hb__item *v;
    int n;
    int rc = hb__care_items_load(db, SQL_ITEM_GET, &id, 1, 1, a, &v, &n, err);
    if (rc)
        return rc;
    if (!n)
        return hb_fail(err, HB_NOT_FOUND, "id", "Finnes ikke");
    *out = v[0];
    return 0;
}

static void day_no(const char *day, char out[16])
{
    if (!day || strlen(day) != 10) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 16, "%.2s.%.2s.%.4s", day + 8, day + 5, day);
}

json_t *hb__care_item_json(const struct hb__item *it)
{
    char today[16], due[16], upd[32];
    hb__care_today(today);
    day_no(it->day, due);
    hb_time_no(it->updated_at, upd, sizeof(upd));
    bool open = strcmp(it->status, "completed") != 0 && strcmp(it->status, "cancelled") != 0 &&
                strcmp(it->status, "resolved") != 0;
    json_t *j =
        json_pack("{s:o,s:o,s:o,s:s,s:i,s:s,s:s,s:s,s:b,s:s}", "id", hb__care_id(it->id), "planId",
                  hb__care_id(it->plan_id), "patientId", hb__care_id(it->patient_id), "kind",
                  it->kind, "version", it->version, "text", it->text, "status", it->status,
                  "statusLabel", hb__care_status_label(it->kind, it->status), "overdue",
                  open && strcmp(it->kind, "task") == 0 && it->day && strcmp(it->day, today) < 0,
                  "updatedLocal", upd);
    if (it->day) {
        json_object_set_new(j, "day", json_string(it->day));
        json_object_set_new(j, "dayLocal", json_string(due));
    }
    if (it->expressed_by)
        json_object_set_new(j, "expressedBy", json_string(it->expressed_by));
    if (it->code_system) {
        json_object_set_new(j, "codeSystem", json_string(it->code_system));
        json_object_set_new(j, "code", json_string(it->code));
    }
    if (it->recurrence)
        json_object_set_new(j, "recurrence", json_string(it->recurrence));
    if (it->updated_by_name)
        json_object_set_new(j, "updatedBy", json_string(it->updated_by_name));
    if (it->patient_name)
        json_object_set_new(j, "patientName", json_string(it->patient_name));
    if (it->assignee_user_id || it->assignee_org_id || it->assignee_patient)
        json_object_set_new(j, "assignee",
                            json_pack("{s:s,s:o,s:s}", "kind",
                                      it->assignee_user_id  ? "user"
                                      : it->assignee_org_id ? "org"
                                                            : "patient",
                                      "id",
                                      hb__care_id(it->assignee_user_id  ? it->assignee_user_id
                                                  : it->assignee_org_id ? it->assignee_org_id
                                                                        : it->patient_id),
                                      "name",
                                      it->assignee_patient ? "Pasienten selv"
                                      : it->assignee_name  ? it->assignee_name
                                                           : ""));
    return j;
}

/* ---- validating input onto an item ---- */
static const char SQL_ORG_EXISTS[] = "SELECT name FROM org WHERE id = ?";

static bool code_ok(const char *system, const char *code)
{
    size_t n = strlen(code);
    if (n < 3 || code[0] < 'A' || code[0] > 'Z' || code[1] < '0' || code[1] > '9' ||
        code[2] < '0' || code[2] > '9')
        return false;
    if (strcmp(system, "icpc2") == 0)
        return n == 3;
    const char *rest = code + 3; /* ICD-10: E11, E119 or E11.9 (one or two more) */
    if (*rest == '.')
        rest++;
    size_t r = strlen(rest);
    if ((rest != code + 3 && r == 0) || r > 2)
        return false;
    for (; *rest; rest++)
        if (!((*rest >= '0' && *rest <= '9') || (*rest >= 'A' && *rest <= 'Z')))
            return false;
    return true;
}

static void note_field(struct hb_buf *f, const char *name)
{
    if (f->len)
        hb_buf_add(f, ",", 1);
    hb_buf_adds(f, name);
}

static bool differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* Reads in onto it (the item as it is, or defaults for a new one), checking
 * every value; fields gets the names of the fields that change. */
static int parse_item(struct hb_db *db, json_t *in, const struct hb__plan *plan,
                      struct hb__item *it, struct hb_buf *fields, struct hb_arena *a,
                      struct hb_error *err)
{
    const char *text = NULL, *status = NULL, *day = NULL, *by = NULL, *sys = NULL, *code = NULL,
               *rec = NULL;
    int rc;
    if ((rc = hb__in_str(in, "text", 1000, &text, err)) ||
        (rc = hb__in_str(in, "status", 20, &status, err)) ||
        (rc = hb__in_day(in, "day", &day, err)) ||
        (rc = hb__in_str(in, "expressedBy", 10, &by, err)) ||
        (rc = hb__in_str(in, "codeSystem", 10, &sys, err)) ||
        (rc = hb__in_str(in, "code", 10, &code, err)) ||
        (rc = hb__in_str(in, "recurrence", 10, &rec, err)))
        return rc;
    bool goal = strcmp(it->kind, "goal") == 0, task = strcmp(it->kind, "task") == 0;
    bool issue = !goal && !task;
    if (text) {
        while (*text == ' ')
            text++;
        if (!*text)
            return hb_fail(err, HB_INVALID, "text", "Skriv hva %s gjelder",
                           goal   ? "målet"
                           : task ? "oppgaven"
                                  : "helseutfordringen");
        if (differs(text, it->text))
            note_field(fields, "text");
        it->text = text;
    }
    if (!it->text)
        return hb_fail(err, HB_INVALID, "text", "Skriv hva %s gjelder",
                       goal   ? "målet"
                       : task ? "oppgaven"
                              : "helseutfordringen");
    if (status) {
        const char *const *allowed = goal ? goal_status : task ? task_status : issue_status;
        if (hb__in_list(status, allowed) < 0)
            return hb_fail(err, HB_INVALID, "status", "Ukjent status %s for %s",
                           hb_arena_strdup(a, status), kind_labels[hb__in_list(it->kind, kinds)]);
        if (differs(status, it->status))
            note_field(fields, "status");
        it->status = status;
    }
    if (day) {
        const char *v = *day ? day : NULL;
        if (differs(v, it->day))
            note_field(fields, "day");
        it->day = v;
    }
    if (by) {
        if (!goal || (strcmp(by, "patient") != 0 && strcmp(by, "team") != 0))
            return hb_fail(err, HB_INVALID, "expressedBy",
                           "expressedBy er patient eller team, og bare for mål");
        if (differs(by, it->expressed_by))
            note_field(fields, "expressedBy");
        it->expressed_by = by;
    }
    if (sys || code) {
        if (!issue)
            return hb_fail(err, HB_INVALID, sys ? "codeSystem" : "code",
                           "Bare helseutfordringer har kode");
        if (sys && !*sys)
            sys = NULL, code = NULL;
        else if (!sys)
            sys = it->code_system;
        if (sys && hb__in_list(sys, code_systems) < 0)
            return hb_fail(err, HB_INVALID, "codeSystem", "codeSystem er icpc2 eller icd10");
        if (sys && (!code || !code_ok(sys, code)))
            return hb_fail(err, HB_INVALID, "code",
                           strcmp(sys, "icpc2") == 0
                               ? "ICPC-2-koden er en bokstav og to sifre, som T90"
                               : "ICD-10-koden er en bokstav og to sifre, med inntil to tegn "
                                 "til, som E11 eller E11.9");
        if (differs(sys, it->code_system) || differs(code, it->code))
            note_field(fields, "code");
        it->code_system = sys;
        it->code = code;
    }
    if (rec) {
        if (!task || (*rec && hb__in_list(rec, recurrences) < 0))
            return hb_fail(err, HB_INVALID, "recurrence",
                           "recurrence er daily, weekly eller monthly, og bare for oppgaver");
        const char *v = *rec ? rec : NULL;
        if (differs(v, it->recurrence))
            note_field(fields, "recurrence");
        it->recurrence = v;
    }
    if (it->recurrence && !it->day)
        return hb_fail(err, HB_INVALID, "day", "En gjentakende oppgave trenger en frist");
    json_t *as = json_object_get(in, "assignee");
    if (as) {
        if (!task)
            return hb_fail(err, HB_INVALID, "assignee", "Bare oppgaver har en ansvarlig");
        int64_t uid = 0, oid = 0;
        bool pat = false;
        const char *k = json_string_value(json_object_get(as, "kind"));
        int64_t id = 0;
        if (!json_is_null(as) && (rc = hb__in_id(as, "id", &id, err)))
            return hb_fail(err, HB_INVALID, "assignee", "assignee.id må være en id");
        if (json_is_null(as)) {
            /* no one responsible */
        } else if (k && strcmp(k, "patient") == 0) {
            pat = true;
        } else if (k && strcmp(k, "user") == 0 && id) {
            bool member;
            if ((rc = hb__care_member_today(db, plan->team_id, id, &member, err)))
                return rc;
            if (!member)
                return hb_fail(err, HB_INVALID, "assignee",
                               "Ukjent ansvarlig: brukeren er ikke med i teamet rundt pasienten");
            uid = id;
        } else if (k && strcmp(k, "org") == 0 && id) {
            int found = hb_db_one(db, SQL_ORG_EXISTS, id, NULL, NULL, err);
            if (found < 0)
                return found;
            if (!found)
                return hb_fail(err, HB_INVALID, "assignee", "Ukjent ansvarlig organisasjon");
            oid = id;
        } else {
            return hb_fail(err, HB_INVALID, "assignee",
                           "assignee er {kind: user|org, id} eller {kind: patient}");
        }
        if (uid != it->assignee_user_id || oid != it->assignee_org_id ||
            pat != it->assignee_patient)
            note_field(fields, "assignee");
        it->assignee_user_id = uid;
        it->assignee_org_id = oid;
        it->assignee_patient = pat;
    }
    return 0;
}

/* ---- writing ---- */
static const char SQL_ITEM_ADD[] =
    "INSERT INTO care_item (id, plan_id, patient_id, kind, text, status, day, expressed_by,"
    " code_system, code, assignee_user_id, assignee_org_id, assignee_patient, recurrence,"
    " version, created_at, updated_at, updated_by, resource)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, '')";
static const char SQL_ITEM_SET[] =
    "UPDATE care_item SET text = ?, status = ?, day = ?, expressed_by = ?, code_system = ?,"
    " code = ?, assignee_user_id = ?, assignee_org_id = ?, assignee_patient = ?,"
    " recurrence = ?, version = version + 1, updated_at = ?, updated_by = ?"
    " WHERE id = ? AND version = ?";
static const char SQL_PLAN_BUMP[] =
    "UPDATE care_plan SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?";

static int insert_item(struct hb_db *db, struct hb__item *it, int64_t user_id, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_ITEM_ADD, &st, err);
    if (rc)
        return rc;
    int64_t now = hb_now_us();
    it->id = hb_id_new();
    it->version = 1;
    hb_stmt_int(st, 1, it->id);
    hb_stmt_int(st, 2, it->plan_id);
    hb_stmt_int(st, 3, it->patient_id);
    hb_stmt_text(st, 4, it->kind);
    hb_stmt_text(st, 5, it->text);
    hb_stmt_text(st, 6, it->status);
    hb_stmt_text(st, 7, it->day);
    hb_stmt_text(st, 8, it->expressed_by);
    hb_stmt_text(st, 9, it->code_system);
    hb_stmt_text(st, 10, it->code);
    hb_stmt_int_or_null(st, 11, it->assignee_user_id);
    hb_stmt_int_or_null(st, 12, it->assignee_org_id);
    hb_stmt_int(st, 13, it->assignee_patient);
    hb_stmt_text(st, 14, it->recurrence);
    hb_stmt_int(st, 15, now);
    hb_stmt_int(st, 16, now);
    hb_stmt_int(st, 17, user_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    /* The plan lists its goals, issues and tasks: a new one is a new version. */
    if ((rc = hb_db_stmt(db, SQL_PLAN_BUMP, &st, err)))
        return rc;
    hb_stmt_int(st, 1, now);
    hb_stmt_int(st, 2, user_id);
    hb_stmt_int(st, 3, it->plan_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    enum hb_care_type t = strcmp(it->kind, "goal") == 0    ? HB_CARE_GOAL
                          : strcmp(it->kind, "issue") == 0 ? HB_CARE_CONDITION
                                                           : HB_CARE_TASK;
    if ((rc = hb__care_commit(db, t, it->id, user_id, "create", err)))
        return rc;
    return hb__care_commit(db, HB_CARE_PLAN, it->plan_id, user_id, "update", err);
}

static const char *type_of(const char *kind)
{
    return strcmp(kind, "goal") == 0 ? "Goal" : strcmp(kind, "issue") == 0 ? "Condition" : "Task";
}

struct item_tx {
    struct hb__tx tx;
    int64_t plan_id, id;
    json_t *in;
    int if_version;
    bool strict;
    json_t *conflict;
};

int hb__care_item_create(struct hb_db *db, const struct hb_user *u, const struct hb__plan *p,
                         const struct hb__access *acc, json_t *in, struct hb_arena *a, int64_t *id,
                         struct hb_error *err)
{
    struct hb_buf fields;
    hb_buf_init(&fields, 0);
    struct hb__item it = {0};
    int rc = 0;
    it.kind = json_string_value(json_object_get(in, "kind"));
    int k = hb__in_list(it.kind, kinds);
    if (k < 0) {
        rc = hb_fail(err, HB_INVALID, "kind", "kind er goal, issue eller task");
        goto out;
    }
    if (strcmp(p->status, "active") != 0) {
        rc = hb_fail(err, HB_CONFLICT, "status", "Planen er ikke aktiv");
        goto out;
    }
    bool patient_goal = acc->is_patient && k == 0;
    if (!acc->staff_member && !patient_goal) {
        rc = acc->is_patient
                 ? hb_fail(err, HB_FORBIDDEN, NULL, "Som pasient kan du legge til egne mål")
                 : hb__care_need_member(acc, err);
        goto out;
    }
    it.plan_id = p->id;
    it.patient_id = p->patient_id;
    it.status = k == 0 ? "active" : k == 1 ? "active" : "requested";
    if (k == 0)
        it.expressed_by = acc->is_patient ? "patient" : "team";
    if ((rc = parse_item(db, in, p, &it, &fields, a, err)))
        goto out;
    if (patient_goal)
        it.expressed_by = "patient";
    if ((rc = insert_item(db, &it, u->id, err)))
        goto out;
    *id = it.id;
    char due[16];
    day_no(it.day, due);
    static const char *const what[] = {"Nytt mål", "Ny helseutfordring", "Ny oppgave"};
    const char *summary =
        hb_arena_printf(a, "%s: «%s»%s%s", what[k], it.text,
                        it.day ? (k == 2 ? ", frist " : ", dato ") : "", it.day ? due : "");
    if ((rc = hb__care_event(db, p->id, u->id, type_of(it.kind), it.id, 1, "", summary, err)))
        goto out;
    rc =
        hb__care_audit(db, u, p->patient_id, "create",
                       hb_arena_printf(a, "%s/%lld", type_of(it.kind), (long long)it.id), acc, err);
out:
    hb_buf_release(&fields);
    return rc;
}

static int add_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct item_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    struct hb__access acc;
    int rc = hb__care_open(db, &x->tx, x->plan_id, a, &p, &acc, err);
    if (rc == 0)
        rc = hb__care_item_create(db, x->tx.u, &p, &acc, x->in, a, &x->id, err);
    hb_arena_free(a);
    return rc;
}

int hb_care_item_add(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                     int64_t *id, struct hb_error *err)
{
    struct item_tx x = {.tx = {.u = u}, .plan_id = plan_id, .in = in};
    int rc = hb__care_write(s, add_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.id;
    return rc;
}

/* The day after `day` by the recurrence. */
static void next_day(const char *day, const char *rec, char out[16])
{
    int64_t d = 0;
    hb_date_days(day, &d);
    if (strcmp(rec, "monthly") != 0) {
        hb_days_date(d + (strcmp(rec, "daily") == 0 ? 1 : 7), out, 16);
        return;
    }
    int64_t y = 0, m = 0, dd = 0;
    hb_parse_i64(day, 4, 1, 9999, &y);
    hb_parse_i64(day + 5, 2, 1, 12, &m);
    hb_parse_i64(day + 8, 2, 1, 31, &dd);
    if (++m > 12) {
        m = 1;
        y++;
    }
    int64_t probe;
    char buf[16];
    for (; dd > 28; dd--) { /* 31 January: 28 or 29 February */
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
        if (hb_date_days(buf, &probe) == 0)
            break;
    }
    snprintf(out, 16, "%04d-%02d-%02d", (int)y % 10000, (int)m % 100, (int)dd % 100);
}

static int update_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct item_tx *x = arg;
    json_decref(x->conflict); /* a transaction function may run twice */
    x->conflict = NULL;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    struct hb__access acc;
    struct hb__item it, before;
    struct hb_buf fields;
    hb_buf_init(&fields, 0);
    int rc = item_get(db, x->id, a, &it, err);
    if (rc == 0)
        rc = hb__care_open(db, &x->tx, it.plan_id, a, &p, &acc, err);
    if (rc)
        goto out;
    before = it;
    if ((rc = parse_item(db, x->in, &p, &it, &fields, a, err)))
        goto out;
    if (!fields.len)
        goto out; /* nothing changes */
    bool own_task = strcmp(it.kind, "task") == 0 && before.assignee_patient &&
                    strcmp(fields.ptr, "status") == 0;
    bool own_goal = strcmp(it.kind, "goal") == 0 && before.expressed_by &&
                    strcmp(before.expressed_by, "patient") == 0 &&
                    !strstr(fields.ptr, "expressedBy");
    if (!acc.staff_member && !(acc.is_patient && (own_task || own_goal))) {
        rc = acc.is_patient ? hb_fail(err, HB_FORBIDDEN, NULL,
                                      "Som pasient kan du endre egne mål og merke egne oppgaver")
                            : hb__care_need_member(&acc, err);
        goto out;
    }
    if (x->if_version && x->if_version != before.version) {
        if (x->strict) {
            rc = hb_fail(err, HB_PRECONDITION, "If-Match", "Versjonen er %d, ikke %d",
                         before.version, x->if_version);
            goto out;
        }
        json_t *changes;
        bool hit;
        if ((rc = hb__care_changes_since(db, type_of(it.kind), it.id, x->if_version, fields.ptr,
                                         &changes, &hit, err)))
            goto out;
        if (hit) {
            x->conflict =
                json_pack("{s:o,s:o}", "current", hb__care_item_json(&before), "changes", changes);
            rc = hb_fail(err, HB_CONFLICT, "version",
                         "Noen andre endret dette mens du skrev. Endringen din er ikke lagret: "
                         "se hva som ble endret, og prøv igjen.");
            goto out;
        }
        json_decref(changes);
    }
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_ITEM_SET, &st, err)))
        goto out;
    hb_stmt_text(st, 1, it.text);
    hb_stmt_text(st, 2, it.status);
    hb_stmt_text(st, 3, it.day);
    hb_stmt_text(st, 4, it.expressed_by);
    hb_stmt_text(st, 5, it.code_system);
    hb_stmt_text(st, 6, it.code);
    hb_stmt_int_or_null(st, 7, it.assignee_user_id);
    hb_stmt_int_or_null(st, 8, it.assignee_org_id);
    hb_stmt_int(st, 9, it.assignee_patient);
    hb_stmt_text(st, 10, it.recurrence);
    hb_stmt_int(st, 11, hb_now_us());
    hb_stmt_int(st, 12, x->tx.u->id);
    hb_stmt_int(st, 13, it.id);
    hb_stmt_int(st, 14, before.version);
    if ((rc = hb_stmt_run(st, err)) < 0)
        goto out;
    enum hb_care_type t = strcmp(it.kind, "goal") == 0    ? HB_CARE_GOAL
                          : strcmp(it.kind, "issue") == 0 ? HB_CARE_CONDITION
                                                          : HB_CARE_TASK;
    if ((rc = hb__care_commit(db, t, it.id, x->tx.u->id, "update", err)))
        goto out;
    const char *label = kind_labels[hb__in_list(it.kind, kinds)];
    const char *summary =
        strstr(fields.ptr, "status")
            ? hb_arena_printf(a, "%c%s «%s»: %s",
                              label[0] == 'm'   ? 'M'
                              : label[0] == 'o' ? 'O'
                                                : 'H',
                              label + 1, it.text, hb__care_status_label(it.kind, it.status))
            : hb_arena_printf(a, "Endret %s «%s»", label, it.text);
    if ((rc = hb__care_event(db, p.id, x->tx.u->id, type_of(it.kind), it.id, before.version + 1,
                             fields.ptr, summary, err)))
        goto out;
    bool done_now = strcmp(it.status, "completed") == 0 && strcmp(before.status, "completed") != 0;
    if (done_now && it.recurrence && it.day) {
        struct hb__item next = it;
        char day[16], due[16];
        next_day(it.day, it.recurrence, day);
        next.day = day;
        next.status = "requested";
        if ((rc = insert_item(db, &next, x->tx.u->id, err)))
            goto out;
        day_no(day, due);
        if ((rc = hb__care_event(db, p.id, x->tx.u->id, "Task", next.id, 1, "",
                                 hb_arena_printf(a, "Ny oppgave: «%s», frist %s", next.text, due),
                                 err)))
            goto out;
    }
    rc = hb__care_audit(db, x->tx.u, p.patient_id, "update",
                        hb_arena_printf(a, "%s/%lld", type_of(it.kind), (long long)it.id), &acc,
                        err);
out:
    hb_buf_release(&fields);
    hb_arena_free(a);
    return rc;
}

int hb_care_item_update(struct hb_store *s, const struct hb_user *u, int64_t id, json_t *in,
                        int if_version, bool strict, json_t **conflict, struct hb_error *err)
{
    if (json_object_get(in, "kind"))
        return hb_fail(err, HB_INVALID, "kind", "Typen kan ikke endres");
    struct item_tx x = {
        .tx = {.u = u}, .id = id, .in = in, .if_version = if_version, .strict = strict};
    int rc = hb__care_write(s, update_tx, &x.tx, err);
    if (conflict)
        *conflict = x.conflict;
    else
        json_decref(x.conflict);
    return rc;
}
