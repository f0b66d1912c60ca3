/* careplan: loading plans, who may do what with them, the write wrapper that
 * audits denials, plan events, input helpers and labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../patient/patient.h"
#include "care_int.h"

#include "../core/banned.h"

/* ---- labels ---- */
static const char *const role_table[][2] = {
    {"gp", "Fastlege"},
    {"specialist", "Spesialist"},
    {"nurse", "Sykepleier"},
    {"home-care-nurse", "Hjemmesykepleier"},
    {"physiotherapist", "Fysioterapeut"},
    {"occupational-therapist", "Ergoterapeut"},
    {"psychologist", "Psykolog"},
    {"social-worker", "Sosionom"},
    {"pharmacist", "Farmasøyt"},
    {"relative", "Pårørende"},
    {"patient", "Pasient"},
    {"other", "Annen"},
};
enum { N_ROLES = sizeof(role_table) / sizeof(role_table[0]) };
const char *const hb__care_roles[] = {"gp",
                                      "specialist",
                                      "nurse",
                                      "home-care-nurse",
                                      "physiotherapist",
                                      "occupational-therapist",
                                      "psychologist",
                                      "social-worker",
                                      "pharmacist",
                                      "relative",
                                      "patient",
                                      "other",
                                      NULL};

const char *hb__care_role_label(const char *role)
{
    for (int i = 0; role && i < N_ROLES; i++)
        if (strcmp(role, role_table[i][0]) == 0)
            return role_table[i][1];
    return NULL;
}

static const char *const team_kinds[][2] = {
    {"psht", "Primærhelseteam (PSHT)"},
    {"fact", "FACT-team"},
    {"home-care", "Hjemmetjenesteteam"},
    {"micro", "Team rundt pasienten"},
};

const char *hb__care_team_kind_label(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof(team_kinds) / sizeof(team_kinds[0]); i++)
        if (strcmp(kind, team_kinds[i][0]) == 0)
            return team_kinds[i][1];
    return NULL;
}

static const char *const status_table[][3] = {
    {"plan", "active", "Aktiv"},
    {"plan", "completed", "Avsluttet"},
    {"plan", "revoked", "Trukket tilbake"},
    {"goal", "proposed", "Foreslått"},
    {"goal", "active", "Aktivt"},
    {"goal", "completed", "Nådd"},
    {"goal", "cancelled", "Avsluttet"},
    {"issue", "active", "Aktiv"},
    {"issue", "resolved", "Løst"},
    {"task", "requested", "Ikke startet"},
    {"task", "in-progress", "Pågår"},
    {"task", "completed", "Utført"},
    {"task", "cancelled", "Avlyst"},
    {"consult", "booked", "Avtalt"},
    {"consult", "fulfilled", "Gjennomført"},
    {"consult", "cancelled", "Avlyst"},
};

const char *hb__care_status_label(const char *kind, const char *status)
{
    for (size_t i = 0; status && i < sizeof(status_table) / sizeof(status_table[0]); i++)
        if (strcmp(kind, status_table[i][0]) == 0 && strcmp(status, status_table[i][1]) == 0)
            return status_table[i][2];
    return NULL;
}

/* ---- scopes ---- */
static const char *const scope_names[] = {"plan", "messages", "appointments", "measurements", NULL};

int hb__care_scopes_parse(json_t *a, unsigned *out, struct hb_error *err)
{
    *out = 0;
    if (!json_is_array(a))
        return hb_fail(err, HB_INVALID, "scopes",
                       "scopes må være en liste av plan, messages, appointments, measurements");
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        int k = hb__in_list(json_string_value(v), scope_names);
        if (k < 0)
            return hb_fail(err, HB_INVALID, "scopes",
                           "Ukjent samtykke: bruk plan, messages, appointments eller measurements");
        *out |= 1u << k;
    }
    return 0;
}

json_t *hb__care_scopes_json(unsigned scopes)
{
    json_t *a = json_array();
    for (int i = 0; scope_names[i]; i++)
        if (scopes & (1u << i))
            json_array_append_new(a, json_string(scope_names[i]));
    return a;
}

/* ---- input ---- */
int hb__in_list(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return i;
    return -1;
}

int hb__in_str(json_t *in, const char *name, size_t max, const char **out, struct hb_error *err)
{
    json_t *v = json_object_get(in, name);
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *out = "";
        return 0;
    }
    if (!json_is_string(v))
        return hb_fail(err, HB_INVALID, name, "%s må være tekst", name);
    if (json_string_length(v) > max)
        return hb_fail(err, HB_INVALID, name, "%s kan være høyst %zu tegn", name, max);
    *out = json_string_value(v);
    return 0;
}

int hb__in_day(json_t *in, const char *name, const char **out, struct hb_error *err)
{
    const char *s = NULL;
    int rc = hb__in_str(in, name, 10, &s, err);
    int64_t d;
    if (rc || !s)
        return rc;
    if (*s && hb_date_days(s, &d) != 0)
        return hb_fail(err, HB_INVALID, name, "%s må være en dato ÅÅÅÅ-MM-DD", name);
    *out = s;
    return 0;
}

int hb__in_id(json_t *in, const char *name, int64_t *out, struct hb_error *err)
{
    json_t *v = json_object_get(in, name);
    if (!v || json_is_null(v))
        return 0;
    int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
    const char *s = json_string_value(v);
    if (s && hb_parse_i64(s, strlen(s), 1, INT64_MAX, &id) != 0)
        id = 0;
    if (id <= 0)
        return hb_fail(err, HB_INVALID, name, "%s må være en id", name);
    *out = id;
    return 0;
}

int hb__in_int(json_t *in, const char *name, int64_t min, int64_t max, int64_t *out,
               struct hb_error *err)
{
    json_t *v = json_object_get(in, name);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return hb_fail(err, HB_INVALID, name, "%s må være et heltall fra %lld til %lld", name,
                       (long long)min, (long long)max);
    *out = json_integer_value(v);
    return 0;
}

int hb__in_bool(json_t *in, const char *name, bool *out, struct hb_error *err)
{
    json_t *v = json_object_get(in, name);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return hb_fail(err, HB_INVALID, name, "%s må være true eller false", name);
    *out = json_is_true(v);
    return 0;
}

/* ---- small lookups ---- */
void hb__care_today(char out[16])
{
    hb_local_date(hb_now_us(), out, 16);
}

json_t *hb__care_id(int64_t id)
{
    char s[24];
    snprintf(s, sizeof(s), "%lld", (long long)id);
    return json_string(s);
}

static const char *one_text(struct hb_db *db, const char *sql, int64_t id, struct hb_arena *a,
                            struct hb_error *err)
{
    struct hb_stmt *st;
    if (hb_db_stmt(db, sql, &st, err))
        return NULL;
    hb_stmt_int(st, 1, id);
    const char *r = NULL;
    if (hb_stmt_step(st, err) == 1)
        r = hb_stmt_col_dup(st, 0, a);
    hb_stmt_done(st);
    return r;
}

const char *hb__care_patient_name(struct hb_db *db, int64_t patient_id, struct hb_arena *a,
                                  struct hb_error *err)
{
    static const char SQL[] = "SELECT given || ' ' || family FROM patient WHERE id = ?";
    return one_text(db, SQL, patient_id, a, err);
}

const char *hb__care_user_name(struct hb_db *db, int64_t user_id, struct hb_arena *a,
                               struct hb_error *err)
{
    static const char SQL[] = "SELECT name FROM app_user WHERE id = ?";
    return one_text(db, SQL, user_id, a, err);
}

/* ---- plans ---- */
static const char SQL_PLAN_GET[] =
    "SELECT p.id, p.patient_id, p.team_id, t.parent_id, p.coordinator_id, p.created_at,"
    " p.updated_at, p.updated_by, p.version, p.individual_plan, p.status, p.title,"
    " p.what_matters, p.crisis_signs, p.crisis_actions, p.nutrition_weight,"
    " p.nutrition_screening, p.nutrition_notes, p.contacts"
    " FROM care_plan p JOIN care_team t ON t.id = p.team_id WHERE p.id = ?";

struct plan_read {
    struct hb_arena *a;
    struct hb__plan *p;
};

static void read_plan(struct hb_stmt *st, void *arg)
{
    struct plan_read *r = arg;
    struct hb__plan *p = r->p;
    p->id = hb_stmt_col_int(st, 0);
    p->patient_id = hb_stmt_col_int(st, 1);
    p->team_id = hb_stmt_col_int(st, 2);
    p->parent_team_id = hb_stmt_col_int(st, 3);
    p->coordinator_id = hb_stmt_col_int(st, 4);
    p->created_at = hb_stmt_col_int(st, 5);
    p->updated_at = hb_stmt_col_int(st, 6);
    p->updated_by = hb_stmt_col_int(st, 7);
    p->version = (int)hb_stmt_col_int(st, 8);
    p->individual_plan = hb_stmt_col_int(st, 9) != 0;
    p->status = hb_stmt_col_dup(st, 10, r->a);
    p->title = hb_stmt_col_dup(st, 11, r->a);
    p->what_matters = hb_stmt_col_dup(st, 12, r->a);
    p->crisis_signs = hb_stmt_col_dup(st, 13, r->a);
    p->crisis_actions = hb_stmt_col_dup(st, 14, r->a);
    p->weight = hb_stmt_col_dup(st, 15, r->a);
    p->screening = hb_stmt_col_dup(st, 16, r->a);
    p->nutrition_notes = hb_stmt_col_dup(st, 17, r->a);
    p->contacts = hb_stmt_col_dup(st, 18, r->a);
}

int hb__care_plan_load(struct hb_db *db, int64_t plan_id, struct hb_arena *a, struct hb__plan *p,
                       struct hb_error *err)
{
    struct plan_read r = {a, p};
    int rc = hb_db_one(db, SQL_PLAN_GET, plan_id, read_plan, &r, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Planen finnes ikke");
    return rc < 0 ? rc : 0;
}

static void read_first_int(struct hb_stmt *st, void *arg)
{
    *(int64_t *)arg = hb_stmt_col_int(st, 0);
}

int hb__care_active_plan(struct hb_db *db, int64_t patient_id, int64_t *plan_id,
                         struct hb_error *err)
{
    static const char SQL[] = "SELECT id FROM care_plan WHERE patient_id = ? AND status = 'active'";
    *plan_id = 0;
    int rc = hb_db_one(db, SQL, patient_id, read_first_int, plan_id, err);
    return rc < 0 ? rc : 0;
}

/* ---- access ---- */
static const char SQL_MEMBER_TODAY[] =
    "SELECT 1 FROM care_member m JOIN care_team t ON t.id = ?"
    " WHERE (m.team_id = t.id OR m.team_id = t.parent_id) AND m.user_id = ?"
    " AND m.from_day <= ? AND (m.to_day IS NULL OR m.to_day >= ?) LIMIT 1";

int hb__care_member_today(struct hb_db *db, int64_t team_id, int64_t user_id, bool *out,
                          struct hb_error *err)
{
    char today[16];
    hb__care_today(today);
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MEMBER_TODAY, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, team_id);
    hb_stmt_int(st, 2, user_id);
    hb_stmt_text(st, 3, today);
    hb_stmt_text(st, 4, today);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    *out = rc == 1;
    return rc < 0 ? rc : 0;
}

static const char SQL_CONSENT[] =
    "SELECT scopes FROM care_consent WHERE relative_user_id = ? AND patient_id = ?"
    " AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1";

static int relative_scopes(struct hb_db *db, const struct hb_user *u, int64_t patient_id,
                           unsigned *scopes, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CONSENT, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, u->id);
    hb_stmt_int(st, 2, patient_id);
    *scopes = 0;
    if ((rc = hb_stmt_step(st, err)) == 1)
        *scopes = (unsigned)hb_stmt_col_int(st, 0) & HB__SCOPE_ALL;
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int hb__care_access(struct hb_db *db, const struct hb_user *u, int64_t patient_id,
                    const struct hb__plan *plan, struct hb_arena *a, struct hb__access *acc,
                    struct hb_error *err)
{
    memset(acc, 0, sizeof(*acc));
    int rc;
    if (u->role == HB_ROLE_RELATIVE) {
        if (u->patient_id == patient_id &&
            (rc = relative_scopes(db, u, patient_id, &acc->scopes, err)))
            return rc;
        if (!acc->scopes)
            return hb_fail(err, HB_FORBIDDEN, NULL,
                           "Pasienten har ikke gitt deg samtykke til å se planen");
        acc->relation = "relative-consent";
        acc->is_relative = true;
        return 0;
    }
    struct hb_patient_ref ref;
    if ((rc = hb_patient_ref(db, patient_id, &ref, err)) ||
        (rc = hb_policy_check(db, u, &ref, a, &acc->relation, &acc->reason, err)))
        return rc;
    acc->scopes = HB__SCOPE_ALL;
    acc->is_patient = u->role == HB_ROLE_PATIENT;
    bool clinical =
        u->role == HB_ROLE_GP || u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_MUNICIPAL;
    if (plan && clinical)
        return hb__care_member_today(db, plan->team_id, u->id, &acc->staff_member, err);
    return 0;
}

int hb__care_need_member(const struct hb__access *acc, struct hb_error *err)
{
    if (acc->staff_member)
        return 0;
    return hb_fail(err, HB_FORBIDDEN, NULL,
                   "Bare teamet rundt pasienten kan endre planen. Be koordinatoren om å legge "
                   "deg til i teamet.");
}

int hb__care_write(struct hb_store *s, hb_write_fn fn, struct hb__tx *tx, struct hb_error *err)
{
    tx->denied_patient = 0;
    int rc = hb_store_write(s, fn, tx, err);
    if (rc == HB_FORBIDDEN && tx->denied_patient) {
        struct hb_audit a = {.patient_id = tx->denied_patient,
                             .action = "update",
                             .what = tx->denied_what[0] ? tx->denied_what : "CarePlan"};
        struct hb_error aerr = {0};
        if (hb_audit_write(s, tx->u, &a, 1, &aerr)) {
            *err = aerr;
            return aerr.code;
        }
    }
    return rc;
}

int hb__care_open(struct hb_db *db, struct hb__tx *tx, int64_t plan_id, struct hb_arena *a,
                  struct hb__plan *p, struct hb__access *acc, struct hb_error *err)
{
    tx->denied_patient = 0; /* a transaction function may run twice */
    int rc = hb__care_plan_load(db, plan_id, a, p, err);
    if (rc)
        return rc;
    rc = hb__care_access(db, tx->u, p->patient_id, p, a, acc, err);
    if (rc == HB_FORBIDDEN) {
        tx->denied_patient = p->patient_id;
        snprintf(tx->denied_what, sizeof(tx->denied_what), "CarePlan/%lld", (long long)plan_id);
    }
    return rc;
}

int hb__care_audit(struct hb_db *db, const struct hb_user *u, int64_t patient_id,
                   const char *action, const char *what, const struct hb__access *acc,
                   struct hb_error *err)
{
    struct hb_audit a = {.patient_id = patient_id,
                         .action = action,
                         .what = what,
                         .relation = acc->relation,
                         .reason = acc->reason,
                         .allowed = true};
    return hb_audit_add(db, u, &a, err);
}

/* ---- events ---- */
static const char SQL_EVENT_ADD[] =
    "INSERT INTO care_event (id, plan_id, at, user_id, rtype, rid, version, fields, summary)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int hb__care_event(struct hb_db *db, int64_t plan_id, int64_t user_id, const char *rtype,
                   int64_t rid, int version, const char *fields, const char *summary,
                   struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_EVENT_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, plan_id);
    hb_stmt_int(st, 3, hb_now_us());
    hb_stmt_int(st, 4, user_id);
    hb_stmt_text(st, 5, rtype);
    hb_stmt_int(st, 6, rid);
    hb_stmt_int(st, 7, version);
    hb_stmt_text(st, 8, fields ? fields : "");
    hb_stmt_text(st, 9, summary);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

static const char SQL_CHANGES_SINCE[] =
    "SELECT e.at, u.name, e.summary, e.fields FROM care_event e"
    " LEFT JOIN app_user u ON u.id = e.user_id"
    " WHERE e.rtype = ? AND e.rid = ? AND e.version > ? ORDER BY e.id LIMIT 50";

/* Whether two comma-separated field lists share a name. */
static bool fields_overlap(const char *a, const char *b)
{
    for (const char *p = a; *p;) {
        size_t n = strcspn(p, ",");
        for (const char *q = b; *q;) {
            size_t m = strcspn(q, ",");
            if (n == m && strncmp(p, q, n) == 0)
                return true;
            q += m + (q[m] == ',');
        }
        p += n + (p[n] == ',');
    }
    return false;
}

int hb__care_changes_since(struct hb_db *db, const char *rtype, int64_t rid, int since,
                           const char *fields, json_t **out, bool *hit, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CHANGES_SINCE, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, rtype);
    hb_stmt_int(st, 2, rid);
    hb_stmt_int(st, 3, since);
    *out = json_array();
    *hit = false;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *f = hb_stmt_col(st, 3, NULL);
        bool touches = !fields || !f || !*f || fields_overlap(f, fields);
        *hit |= touches;
        char at[32], local[32];
        hb_time_iso(hb_stmt_col_int(st, 0), at, sizeof(at));
        hb_time_no(hb_stmt_col_int(st, 0), local, sizeof(local));
        const char *by = hb_stmt_col(st, 1, NULL);
        json_array_append_new(*out,
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "by", by ? by : "", "at", at,
                                        "atLocal", local, "summary", hb_stmt_col(st, 2, NULL),
                                        "fields", f ? f : "", "touchesYourChange", touches));
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}
