/* careplan: the plan itself: creating it with its micro-team, changing its
 * fields without overwriting anyone, and the plan page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

static const char *const plan_status[] = {"active", "completed", "revoked", NULL};
static const char *const screenings[] = {"not-at-risk", "at-risk", "malnourished", NULL};
static const char *const screening_labels[] = {"Ikke i risiko", "I ernæringsmessig risiko",
                                               "Underernært"};

/* ---- creating ---- */
static const char SQL_TEAM_ADD[] =
    "INSERT INTO care_team (id, kind, name, org_id, patient_id, parent_id, status, version,"
    " updated_at, resource) VALUES (?, ?, ?, ?, ?, ?, 'active', 1, ?, '')";
static const char SQL_MEMBER_ADD[] =
    "INSERT INTO care_member (id, team_id, user_id, name, role, org_id, contact, from_day,"
    " to_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PLAN_ADD[] =
    "INSERT INTO care_plan (id, patient_id, team_id, status, title, individual_plan,"
    " coordinator_id, what_matters, version, created_at, updated_at, updated_by, resource)"
    " VALUES (?, ?, ?, 'active', ?, ?, ?, ?, 1, ?, ?, ?, '')";
static const char SQL_STANDING_TEAM[] =
    "SELECT 1 FROM care_team WHERE id = ? AND patient_id IS NULL AND status = 'active'";
static const char SQL_PATIENT_USER[] =
    "SELECT id, name FROM app_user WHERE role = 'patient' AND patient_id = ? LIMIT 1";

int hb__care_team_insert(struct hb_db *db, int64_t id, const char *kind, const char *name,
                         int64_t org_id, int64_t patient_id, int64_t parent_id,
                         struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_TEAM_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_text(st, 2, kind);
    hb_stmt_text(st, 3, name);
    hb_stmt_int(st, 4, org_id);
    hb_stmt_int_or_null(st, 5, patient_id);
    hb_stmt_int_or_null(st, 6, parent_id);
    hb_stmt_int(st, 7, hb_now_us());
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

int hb__care_member_insert(struct hb_db *db, int64_t id, int64_t team_id, int64_t user_id,
                           const char *name, const char *role, int64_t org_id, const char *contact,
                           const char *from, const char *to, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MEMBER_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, team_id);
    hb_stmt_int_or_null(st, 3, user_id);
    hb_stmt_text(st, 4, name);
    hb_stmt_text(st, 5, role);
    hb_stmt_int_or_null(st, 6, org_id);
    hb_stmt_text(st, 7, contact && *contact ? contact : NULL);
    hb_stmt_text(st, 8, from);
    hb_stmt_text(st, 9, to && *to ? to : NULL);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

/* The role a user takes in a team unless told otherwise. */
static const char *default_role(const struct hb_user *u)
{
    return u->role == HB_ROLE_GP ? "gp" : u->role == HB_ROLE_HOSPITAL ? "specialist" : "nurse";
}

struct update_tx {
    struct hb__tx tx;
    int64_t plan_id;
    json_t *in;
    int if_version;
    bool strict;
    json_t *conflict;
};
static int plan_update_tx(struct hb_db *db, void *arg, struct hb_error *err);

struct create_tx {
    struct hb__tx tx;
    int64_t patient_id, plan_id;
    json_t *in;
};

static int create_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct create_tx *x = arg;
    const struct hb_user *u = x->tx.u;
    struct hb_arena *a = hb_arena_new();
    struct hb__access acc;
    const char *title = "Felles plan", *role = default_role(u), *matters = NULL;
    bool ip = false;
    int64_t standing = 0, existing;
    x->tx.denied_patient = 0;
    int rc = hb__care_access(db, u, x->patient_id, NULL, a, &acc, err);
    if (rc == HB_FORBIDDEN) {
        x->tx.denied_patient = x->patient_id;
        snprintf(x->tx.denied_what, sizeof(x->tx.denied_what), "CarePlan");
    }
    if (rc)
        goto out;
    if (u->role != HB_ROLE_GP && u->role != HB_ROLE_HOSPITAL && u->role != HB_ROLE_MUNICIPAL) {
        rc = hb_fail(err, HB_FORBIDDEN, NULL,
                     "Planen opprettes av fastlegen, sykehuset eller kommunens helsetjeneste");
        goto out;
    }
    if ((rc = hb__in_str(x->in, "title", 200, &title, err)) ||
        (rc = hb__in_str(x->in, "role", 40, &role, err)) ||
        (rc = hb__in_str(x->in, "whatMatters", 4000, &matters, err)) ||
        (rc = hb__in_bool(x->in, "individualPlan", &ip, err)) ||
        (rc = hb__in_id(x->in, "standingTeamId", &standing, err)))
        goto out;
    if (!*title) {
        rc = hb_fail(err, HB_INVALID, "title", "Gi planen et navn");
        goto out;
    }
    if (!hb__care_role_label(role) || strcmp(role, "patient") == 0 ||
        strcmp(role, "relative") == 0) {
        rc =
            hb_fail(err, HB_INVALID, "role", "Ukjent rolle i teamet: %s", hb_arena_strdup(a, role));
        goto out;
    }
    if (standing) {
        int found = hb_db_one(db, SQL_STANDING_TEAM, standing, NULL, NULL, err);
        if (found <= 0) {
            rc = found < 0 ? found
                           : hb_fail(err, HB_INVALID, "standingTeamId",
                                     "Ukjent fast team (PSHT, FACT eller hjemmetjeneste)");
            goto out;
        }
    }
    if ((rc = hb__care_active_plan(db, x->patient_id, &existing, err)))
        goto out;
    if (existing) {
        rc = hb_fail(err, HB_CONFLICT, "patientId",
                     "Pasienten har allerede en aktiv plan: bruk den, eller avslutt den først");
        goto out;
    }
    const char *pname = hb__care_patient_name(db, x->patient_id, a, err);
    char today[16];
    hb__care_today(today);
    int64_t team = hb_id_new(), me = hb_id_new(), now = hb_now_us();
    if ((rc = hb__care_team_insert(db, team, "micro", hb_arena_printf(a, "Teamet rundt %s", pname),
                                   u->org_id, x->patient_id, standing, err)) ||
        (rc = hb__care_member_insert(db, me, team, u->id, u->name, role, u->org_id, NULL, today,
                                     NULL, err)))
        goto out;
    /* The patient is part of their own team. */
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_PATIENT_USER, &st, err)))
        goto out;
    hb_stmt_int(st, 1, x->patient_id);
    int64_t puser = 0;
    if ((rc = hb_stmt_step(st, err)) == 1)
        puser = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0 || (rc = hb__care_member_insert(db, hb_id_new(), team, puser, pname, "patient", 0,
                                               NULL, today, NULL, err)))
        goto out;
    x->plan_id = hb_id_new();
    if ((rc = hb_db_stmt(db, SQL_PLAN_ADD, &st, err)))
        goto out;
    hb_stmt_int(st, 1, x->plan_id);
    hb_stmt_int(st, 2, x->patient_id);
    hb_stmt_int(st, 3, team);
    hb_stmt_text(st, 4, title);
    hb_stmt_int(st, 5, ip);
    if (ip) /* an individual plan has a coordinator from the start: its author */
        hb_stmt_int(st, 6, me);
    else
        hb_stmt_null(st, 6);
    hb_stmt_text(st, 7, matters && *matters ? matters : NULL);
    hb_stmt_int(st, 8, now);
    hb_stmt_int(st, 9, now);
    hb_stmt_int(st, 10, u->id);
    if ((rc = hb_stmt_run(st, err)) < 0) {
        if (rc == HB_CONFLICT) /* another plan was created at the same moment */
            rc = hb_fail(err, HB_CONFLICT, "patientId", "Pasienten har allerede en aktiv plan");
        goto out;
    }
    if ((rc = hb__care_commit(db, HB_CARE_TEAM, team, u->id, "create", err)) ||
        (rc = hb__care_commit(db, HB_CARE_PLAN, x->plan_id, u->id, "create", err)) ||
        (rc = hb__care_event(db, x->plan_id, u->id, "CarePlan", x->plan_id, 1, "",
                             hb_arena_printf(a, "Planen «%s» ble opprettet", title), err)))
        goto out;
    if ((rc =
             hb__care_audit(db, u, x->patient_id, "create",
                            hb_arena_printf(a, "CarePlan/%lld", (long long)x->plan_id), &acc, err)))
        goto out;
    /* The rest of the plan's fields, when given, in the same transaction. */
    static const char *const rest[] = {
        "crisisSigns",    "crisisActions", "nutritionWeight", "nutritionScreening",
        "nutritionNotes", "contacts",      "coordinatorId",   NULL};
    for (int i = 0; rest[i]; i++) {
        if (json_object_get(x->in, rest[i])) {
            struct update_tx ux = {.tx = x->tx, .plan_id = x->plan_id, .in = x->in};
            rc = plan_update_tx(db, &ux, err);
            json_decref(ux.conflict);
            break;
        }
    }
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_plan_create(struct hb_store *s, const struct hb_user *u, int64_t patient_id, json_t *in,
                        int64_t *plan_id, struct hb_error *err)
{
    struct create_tx x = {.tx = {.u = u}, .patient_id = patient_id, .in = in};
    int rc = hb__care_write(s, create_tx, &x.tx, err);
    if (rc == 0 && plan_id)
        *plan_id = x.plan_id;
    return rc;
}

/* ---- changing ---- */
/* The plan's text fields: API name, label in the plan's history, limit. */
static const struct {
    const char *name, *label;
    size_t max;
    size_t off;
} text_fields[] = {
    {"title", "navn", 200, offsetof(struct hb__plan, title)},
    {"whatMatters", "hva er viktig for deg", 4000, offsetof(struct hb__plan, what_matters)},
    {"crisisSigns", "kriseplan: tidlige tegn", 4000, offsetof(struct hb__plan, crisis_signs)},
    {"crisisActions", "kriseplan: hva gjør vi", 4000, offsetof(struct hb__plan, crisis_actions)},
    {"nutritionWeight", "vekt", 8, offsetof(struct hb__plan, weight)},
    {"nutritionScreening", "ernæringsscreening", 20, offsetof(struct hb__plan, screening)},
    {"nutritionNotes", "kostnotat", 4000, offsetof(struct hb__plan, nutrition_notes)},
    {"status", "status", 20, offsetof(struct hb__plan, status)},
};
enum { N_TEXT = sizeof(text_fields) / sizeof(text_fields[0]) };

#define FIELD(p, i) (*(const char **)((char *)(p) + text_fields[i].off))

/* A weight in kg as people write it: 20-400, up to two decimals, point or comma. */
static bool weight_ok(const char *s)
{
    size_t i = 0, digits = 0, dec = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == '.' || s[i] == ',') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, dec++;
        if (!dec)
            return false;
    }
    if (s[i] || !digits || digits > 3 || dec > 2)
        return false;
    int64_t whole = 0;
    hb_parse_i64(s, digits, 0, 999, &whole);
    return whole >= 20 && whole <= 400;
}

/* Checks contacts: an array of at most 20 {name, relation, phone}; returns its
 * compact JSON in the arena. */
static int parse_contacts(json_t *v, struct hb_arena *a, const char **out, struct hb_error *err)
{
    if (!json_is_array(v) || json_array_size(v) > 20)
        return hb_fail(err, HB_INVALID, "contacts",
                       "contacts er en liste med inntil 20 {name, relation, phone}");
    size_t i;
    json_t *c;
    json_t *clean = json_array();
    json_array_foreach(v, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *rel = json_string_value(json_object_get(c, "relation"));
        const char *phone = json_string_value(json_object_get(c, "phone"));
        if (!name || !*name || strlen(name) > 200 || (rel && strlen(rel) > 100) ||
            (phone && (strlen(phone) > 30 || strspn(phone, "+0123456789 ") != strlen(phone)))) {
            json_decref(clean);
            return hb_fail(err, HB_INVALID, "contacts",
                           "Kontakt %zu: navn (påkrevd), relasjon og telefonnummer (sifre, "
                           "mellomrom og +)",
                           i + 1);
        }
        json_array_append_new(clean, json_pack("{s:s,s:s,s:s}", "name", name, "relation",
                                               rel ? rel : "", "phone", phone ? phone : ""));
    }
    char *s = json_dumps(clean, JSON_COMPACT);
    json_decref(clean);
    *out = hb_arena_strdup(a, s);
    free(s);
    return 0;
}

static const char SQL_COORDINATOR_OK[] =
    "SELECT m.role FROM care_member m JOIN care_plan p ON p.id = ?"
    " JOIN care_team t ON t.id = p.team_id"
    " WHERE m.id = ? AND (m.team_id = t.id OR m.team_id = t.parent_id)"
    " AND m.from_day <= ? AND (m.to_day IS NULL OR m.to_day >= ?)";
static const char SQL_PLAN_SET[] =
    "UPDATE care_plan SET title = ?, what_matters = ?, crisis_signs = ?, crisis_actions = ?,"
    " nutrition_weight = ?, nutrition_screening = ?, nutrition_notes = ?, status = ?,"
    " contacts = ?, individual_plan = ?, coordinator_id = ?, version = version + 1,"
    " updated_at = ?, updated_by = ? WHERE id = ? AND version = ?";

static void note(struct hb_buf *f, struct hb_buf *labels, const char *name, const char *label)
{
    if (f->len) {
        hb_buf_add(f, ",", 1);
        hb_buf_adds(labels, ", ");
    }
    hb_buf_adds(f, name);
    hb_buf_adds(labels, label);
}

static bool differs(const char *a, const char *b)
{
    if (a && !*a)
        a = NULL;
    if (b && !*b)
        b = NULL;
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static int plan_update_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct update_tx *x = arg;
    json_decref(x->conflict); /* a transaction function may run twice */
    x->conflict = NULL;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p, next;
    struct hb__access acc;
    struct hb_buf fields, labels;
    hb_buf_init(&fields, 0);
    hb_buf_init(&labels, 0);
    int rc = hb__care_open(db, &x->tx, x->plan_id, a, &p, &acc, err);
    if (rc)
        goto out;
    next = p;
    for (int i = 0; i < N_TEXT; i++) {
        const char *v = NULL;
        if ((rc = hb__in_str(x->in, text_fields[i].name, text_fields[i].max, &v, err)))
            goto out;
        if (!v)
            continue;
        if (differs(v, FIELD(&p, i)))
            note(&fields, &labels, text_fields[i].name, text_fields[i].label);
        FIELD(&next, i) = *v ? v : NULL;
    }
    if (!next.title) {
        rc = hb_fail(err, HB_INVALID, "title", "Gi planen et navn");
        goto out;
    }
    if (!next.status || hb__in_list(next.status, plan_status) < 0) {
        rc = hb_fail(err, HB_INVALID, "status", "status er active, completed eller revoked");
        goto out;
    }
    if (next.weight && !weight_ok(next.weight)) {
        rc = hb_fail(err, HB_INVALID, "nutritionWeight",
                     "Vekten skrives i kg, 20-400, med høyst to desimaler (som 61,5)");
        goto out;
    }
    if (next.screening && hb__in_list(next.screening, screenings) < 0) {
        rc = hb_fail(err, HB_INVALID, "nutritionScreening",
                     "nutritionScreening er not-at-risk, at-risk eller malnourished");
        goto out;
    }
    json_t *cv = json_object_get(x->in, "contacts");
    if (cv) {
        const char *c = NULL;
        if ((rc = parse_contacts(cv, a, &c, err)))
            goto out;
        if (differs(c, p.contacts ? p.contacts : "[]"))
            note(&fields, &labels, "contacts", "kontakter");
        next.contacts = c;
    }
    if ((rc = hb__in_bool(x->in, "individualPlan", &next.individual_plan, err)) ||
        (rc = hb__in_id(x->in, "coordinatorId", &next.coordinator_id, err)))
        goto out;
    if (json_is_null(json_object_get(x->in, "coordinatorId")))
        next.coordinator_id = 0;
    if (next.individual_plan != p.individual_plan)
        note(&fields, &labels, "individualPlan", "individuell plan");
    if (next.coordinator_id != p.coordinator_id) {
        note(&fields, &labels, "coordinatorId", "koordinator");
        if (next.coordinator_id) {
            char today[16];
            hb__care_today(today);
            struct hb_stmt *st;
            if ((rc = hb_db_stmt(db, SQL_COORDINATOR_OK, &st, err)))
                goto out;
            hb_stmt_int(st, 1, p.id);
            hb_stmt_int(st, 2, next.coordinator_id);
            hb_stmt_text(st, 3, today);
            hb_stmt_text(st, 4, today);
            rc = hb_stmt_step(st, err);
            const char *role = rc == 1 ? hb_stmt_col(st, 0, NULL) : NULL;
            bool ok = role && strcmp(role, "patient") != 0 && strcmp(role, "relative") != 0;
            hb_stmt_done(st);
            if (rc < 0)
                goto out;
            if (!ok) {
                rc = hb_fail(err, HB_INVALID, "coordinatorId",
                             "Koordinatoren må være med i teamet i dag (ikke pasient eller "
                             "pårørende)");
                goto out;
            }
        }
    }
    if (next.individual_plan && !next.coordinator_id) {
        rc = hb_fail(err, HB_INVALID, "coordinatorId",
                     "En individuell plan har alltid én koordinator: velg hvem");
        goto out;
    }
    if (!fields.len)
        goto out; /* nothing changes */
    bool patient_words = acc.is_patient && strcmp(fields.ptr, "whatMatters") == 0;
    if (!acc.staff_member && !patient_words) {
        rc = acc.is_patient ? hb_fail(err, HB_FORBIDDEN, NULL,
                                      "Som pasient kan du skrive hva som er viktig for deg")
                            : hb__care_need_member(&acc, err);
        goto out;
    }
    if (x->if_version && x->if_version != p.version) {
        if (x->strict) {
            rc = hb_fail(err, HB_PRECONDITION, "If-Match", "Versjonen er %d, ikke %d", p.version,
                         x->if_version);
            goto out;
        }
        json_t *changes;
        bool hit;
        if ((rc = hb__care_changes_since(db, "CarePlan", p.id, x->if_version, fields.ptr, &changes,
                                         &hit, err)))
            goto out;
        if (hit) {
            x->conflict = json_pack("{s:o,s:o}", "current", hb__care_plan_fields_json(&p),
                                    "changes", changes);
            rc = hb_fail(err, HB_CONFLICT, "version",
                         "Noen andre endret planen mens du skrev. Endringen din er ikke "
                         "lagret: se hva som ble endret, og prøv igjen.");
            goto out;
        }
        json_decref(changes);
    }
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_PLAN_SET, &st, err)))
        goto out;
    hb_stmt_text(st, 1, next.title);
    hb_stmt_text(st, 2, next.what_matters);
    hb_stmt_text(st, 3, next.crisis_signs);
    hb_stmt_text(st, 4, next.crisis_actions);
    hb_stmt_text(st, 5, next.weight);
    hb_stmt_text(st, 6, next.screening);
    hb_stmt_text(st, 7, next.nutrition_notes);
    hb_stmt_text(st, 8, next.status);
    hb_stmt_text(st, 9, next.contacts);
    hb_stmt_int(st, 10, next.individual_plan);
    hb_stmt_int_or_null(st, 11, next.coordinator_id);
    hb_stmt_int(st, 12, hb_now_us());
    hb_stmt_int(st, 13, x->tx.u->id);
    hb_stmt_int(st, 14, p.id);
    hb_stmt_int(st, 15, p.version);
    if ((rc = hb_stmt_run(st, err)) < 0) {
        if (rc == HB_CONFLICT)
            rc = hb_fail(err, HB_CONFLICT, "status", "Pasienten har allerede en annen aktiv plan");
        goto out;
    }
    if ((rc = hb__care_commit(db, HB_CARE_PLAN, p.id, x->tx.u->id, "update", err)))
        goto out;
    if (next.coordinator_id != p.coordinator_id) { /* the team lists its coordinator */
        static const char SQL_TEAM_BUMP[] =
            "UPDATE care_team SET version = version + 1, updated_at = ? WHERE id = ?";
        if ((rc = hb_db_stmt(db, SQL_TEAM_BUMP, &st, err)))
            goto out;
        hb_stmt_int(st, 1, hb_now_us());
        hb_stmt_int(st, 2, p.team_id);
        if ((rc = hb_stmt_run(st, err)) < 0 ||
            (rc = hb__care_commit(db, HB_CARE_TEAM, p.team_id, x->tx.u->id, "update", err)))
            goto out;
    }
    if ((rc = hb__care_event(db, p.id, x->tx.u->id, "CarePlan", p.id, p.version + 1, fields.ptr,
                             hb_arena_printf(a, "Endret %s", labels.ptr), err)))
        goto out;
    rc = hb__care_audit(db, x->tx.u, p.patient_id, "update",
                        hb_arena_printf(a, "CarePlan/%lld", (long long)p.id), &acc, err);
out:
    hb_buf_release(&fields);
    hb_buf_release(&labels);
    hb_arena_free(a);
    return rc;
}

int hb_care_plan_update(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                        int if_version, bool strict, json_t **conflict, struct hb_error *err)
{
    struct update_tx x = {
        .tx = {.u = u}, .plan_id = plan_id, .in = in, .if_version = if_version, .strict = strict};
    int rc = hb__care_write(s, plan_update_tx, &x.tx, err);
    if (conflict)
        *conflict = x.conflict;
    else
        json_decref(x.conflict);
    return rc;
}

/* ---- the plan page ---- */
json_t *hb__care_plan_fields_json(const struct hb__plan *p)
{
    char upd[32], created[32];
    hb_time_no(p->updated_at, upd, sizeof(upd));
    hb_time_no(p->created_at, created, sizeof(created));
    json_t *j =
        json_pack("{s:o,s:i,s:s,s:s,s:s,s:b,s:s,s:s}", "id", hb__care_id(p->id), "version",
                  p->version, "status", p->status, "statusLabel",
                  hb__care_status_label("plan", p->status), "title", p->title, "individualPlan",
                  p->individual_plan, "createdLocal", created, "updatedLocal", upd);
    for (int i = 1; i < N_TEXT - 1; i++)
        json_object_set_new(j, text_fields[i].name, json_string(FIELD(p, i) ? FIELD(p, i) : ""));
    int k = hb__in_list(p->screening, screenings);
    if (k >= 0)
        json_object_set_new(j, "nutritionScreeningLabel", json_string(screening_labels[k]));
    json_t *contacts = p->contacts ? json_loads(p->contacts, 0, NULL) : NULL;
    json_object_set_new(j, "contacts", contacts ? contacts : json_array());
    if (p->coordinator_id)
        json_object_set_new(j, "coordinatorId", hb__care_id(p->coordinator_id));
    return j;
}

static const char SQL_MEMBERS[] =
    "SELECT m.id, m.team_id, m.user_id, m.name, m.role, o.name, m.contact, m.from_day,"
    " m.to_day, t.kind, t.name FROM care_member m JOIN care_team t ON t.id = m.team_id"
    " LEFT JOIN org o ON o.id = m.org_id WHERE m.team_id = ? OR m.team_id = ?"
    " ORDER BY t.parent_id IS NULL, m.id";

static int members_json(struct hb_db *db, const struct hb__plan *p, json_t **out,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MEMBERS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, p->team_id);
    hb_stmt_int(st, 2, p->parent_team_id ? p->parent_team_id : p->team_id);
    char today[16];
    hb__care_today(today);
    *out = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *role = hb_stmt_col(st, 4, NULL), *to = hb_stmt_col(st, 8, NULL);
        const char *from = hb_stmt_col(st, 7, NULL);
        int64_t id = hb_stmt_col_int(st, 0);
        json_t *m = json_pack(
            "{s:o,s:o,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:s}", "id", hb__care_id(id), "teamId",
            hb__care_id(hb_stmt_col_int(st, 1)), "name", hb_stmt_col(st, 3, NULL), "role", role,
            "roleLabel", hb__care_role_label(role) ? hb__care_role_label(role) : role, "from", from,
            "active", strcmp(from, today) <= 0 && (!to || strcmp(to, today) >= 0), "coordinator",
            id == p->coordinator_id, "standingTeam", hb_stmt_col_int(st, 1) != p->team_id,
            "teamName", hb_stmt_col(st, 10, NULL));
        if (hb_stmt_col_int(st, 2))
            json_object_set_new(m, "userId", hb__care_id(hb_stmt_col_int(st, 2)));
        if (hb_stmt_col(st, 5, NULL))
            json_object_set_new(m, "org", json_string(hb_stmt_col(st, 5, NULL)));
        if (hb_stmt_col(st, 6, NULL))
            json_object_set_new(m, "contact", json_string(hb_stmt_col(st, 6, NULL)));
        if (to)
            json_object_set_new(m, "to", json_string(to));
        json_array_append_new(*out, m);
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static const char SQL_PLAN_ITEMS[] = "SELECT " HB__ITEM_COLS " FROM " HB__ITEM_FROM
                                     " WHERE i.plan_id = ? ORDER BY i.day IS NULL, i.day, i.id";
static const char SQL_EVENTS[] =
    "SELECT e.at, u.name, e.summary, e.user_id FROM care_event e"
    " LEFT JOIN app_user u ON u.id = e.user_id WHERE e.plan_id = ? ORDER BY e.id DESC LIMIT 40";
static const char SQL_SEEN[] = "SELECT seen_at FROM care_seen WHERE plan_id = ? AND user_id = ?";
static const char SQL_OBS[] =
    "SELECT code, value, unit, effective_at FROM observation WHERE patient_id = ?"
    " ORDER BY effective_at DESC LIMIT 30";

static int page_json(struct hb_db *db, const struct hb_user *u, const struct hb__plan *p,
                     const struct hb__access *acc, struct hb_arena *a, json_t *plan,
                     struct hb_error *err)
{
    int rc = 0;
    if (acc->scopes & HB__SCOPE_PLAN) {
        json_t *members;
        if ((rc = members_json(db, p, &members, err)))
            return rc;
        json_object_set_new(plan, "members", members);
        struct hb__item *items;
        int n;
        if ((rc = hb__care_items_load(db, SQL_PLAN_ITEMS, &p->id, 1, 500, a, &items, &n, err)))
            return rc;
        json_t *goals = json_array(), *issues = json_array(), *tasks = json_array();
        for (int i = 0; i < n; i++) {
            json_t *arr = strcmp(items[i].kind, "goal") == 0    ? goals
                          : strcmp(items[i].kind, "issue") == 0 ? issues
                                                                : tasks;
            json_array_append_new(arr, hb__care_item_json(&items[i]));
        }
        json_object_set_new(plan, "goals", goals);
        json_object_set_new(plan, "issues", issues);
        json_object_set_new(plan, "tasks", tasks);
        /* What changed since u last looked. */
        struct hb_stmt *st;
        int64_t seen = 0;
        if ((rc = hb_db_stmt(db, SQL_SEEN, &st, err)))
            return rc;
        hb_stmt_int(st, 1, p->id);
        hb_stmt_int(st, 2, u->id);
        if ((rc = hb_stmt_step(st, err)) == 1)
            seen = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        if (rc < 0 || (rc = hb_db_stmt(db, SQL_EVENTS, &st, err)))
            return rc;
        hb_stmt_int(st, 1, p->id);
        json_t *changes = json_array();
        int unseen = 0;
        while ((rc = hb_stmt_step(st, err)) == 1) {
            int64_t at = hb_stmt_col_int(st, 0);
            bool fresh = seen && at > seen && hb_stmt_col_int(st, 3) != u->id;
            unseen += fresh;
            char local[32];
            hb_time_no(at, local, sizeof(local));
            const char *by = hb_stmt_col(st, 1, NULL);
            json_array_append_new(changes, json_pack("{s:s,s:s,s:s,s:b}", "atLocal", local, "by",
                                                     by ? by : "", "summary",
                                                     hb_stmt_col(st, 2, NULL), "new", fresh));
        }
        hb_stmt_done(st);
        json_object_set_new(plan, "changes", changes);
        json_object_set_new(plan, "unseenChanges", json_integer(unseen));
        json_object_set_new(plan, "firstVisit", json_boolean(!seen));
        if (rc < 0)
            return rc;
    } else {
        /* A relative without the plan scope sees none of its content. */
        json_t *keep = json_pack("{s:O,s:O}", "id", json_object_get(plan, "id"), "title",
                                 json_object_get(plan, "title"));
        json_object_clear(plan);
        json_object_update(plan, keep);
        json_decref(keep);
    }
    if (acc->scopes & HB__SCOPE_APPOINTMENTS) {
        json_t *c;
        if ((rc = hb__care_consults_json(db, p->id, &c, err)))
            return rc;
        json_object_set_new(plan, "consultations", c);
    }
    if (acc->scopes & HB__SCOPE_MEASUREMENTS) {
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_OBS, &st, err)))
            return rc;
        hb_stmt_int(st, 1, p->patient_id);
        json_t *obs = json_array();
        while ((rc = hb_stmt_step(st, err)) == 1) {
            char local[32];
            hb_time_no(hb_stmt_col_int(st, 3), local, sizeof(local));
            const char *code = hb_stmt_col(st, 0, NULL);
            json_array_append_new(obs, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", code, "label",
                                                 hb__care_measure_label(code), "value",
                                                 hb_stmt_col(st, 1, NULL), "unit",
                                                 hb_stmt_col(st, 2, NULL), "atLocal", local));
        }
        hb_stmt_done(st);
        json_object_set_new(plan, "measurements", obs);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static const char SQL_SEEN_SET[] =
    "INSERT INTO care_seen (plan_id, user_id, seen_at) VALUES (?, ?, ?)"
    " ON CONFLICT (plan_id, user_id) DO UPDATE SET seen_at = excluded.seen_at";

struct seen_tx {
    const struct hb_user *u;
    struct hb_audit audit;
    int64_t plan_id;
};

/* The read's audit record and "seen now", in one durable write. */
static int seen_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct seen_tx *x = arg;
    int rc = hb_audit_add(db, x->u, &x->audit, err);
    if (rc || !x->plan_id)
        return rc;
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_SEEN_SET, &st, err)))
        return rc;
    hb_stmt_int(st, 1, x->plan_id);
    hb_stmt_int(st, 2, x->u->id);
    hb_stmt_int(st, 3, hb_now_us());
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

int hb_care_plan_get(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb__plan p;
    struct hb__access acc;
    int64_t plan_id = 0;
    json_t *j = NULL;
    int rc = hb__care_active_plan(db, patient_id, &plan_id, err);
    if (rc == 0 && plan_id)
        rc = hb__care_plan_load(db, plan_id, arena, &p, err);
    if (rc == 0) {
        rc = hb__care_access(db, u, patient_id, plan_id ? &p : NULL, arena, &acc, err);
        if (rc == HB_NOT_FOUND)
            rc = hb_fail(err, HB_NOT_FOUND, "id", "Pasienten finnes ikke");
    }
    const char *name = rc == 0 ? hb__care_patient_name(db, patient_id, arena, err) : NULL;
    if (rc == 0) {
        j = json_pack("{s:{s:o,s:s?},s:s,s:b,s:b}", "patient", "id", hb__care_id(patient_id),
                      "name", name, "relation", acc.relation, "isPatient", acc.is_patient,
                      "isRelative", acc.is_relative);
        json_object_set_new(j, "scopes", hb__care_scopes_json(acc.scopes));
        bool can_create = !plan_id && (u->role == HB_ROLE_GP || u->role == HB_ROLE_HOSPITAL ||
                                       u->role == HB_ROLE_MUNICIPAL);
        json_object_set_new(j, "canCreate", json_boolean(can_create));
        if (plan_id) {
            json_t *plan = hb__care_plan_fields_json(&p);
            json_object_set_new(j, "plan", plan);
            rc = page_json(db, u, &p, &acc, arena, plan, err);
            json_object_set_new(plan, "can",
                                json_pack("{s:b,s:b,s:b,s:b}", "edit", acc.staff_member,
                                          "writeWhatMatters", acc.staff_member || acc.is_patient,
                                          "message",
                                          acc.staff_member || acc.is_patient ||
                                              (acc.scopes & HB__SCOPE_MESSAGES) != 0,
                                          "measure", acc.is_patient));
        } else {
            json_object_set_new(j, "plan", json_null());
        }
    }
    hb_store_release(s, db);
    struct seen_tx sx = {.u = u, .plan_id = plan_id};
    sx.audit = (struct hb_audit){
        .patient_id = patient_id,
        .action = "read",
        .what = plan_id ? hb_arena_printf(arena, "CarePlan/%lld", (long long)plan_id) : "CarePlan",
        .relation = rc == 0 ? acc.relation : NULL,
        .reason = rc == 0 ? acc.reason : NULL,
        .allowed = rc == 0};
    if (rc == 0 || rc == HB_FORBIDDEN) {
        sx.plan_id = rc == 0 ? plan_id : 0;
        struct hb_error aerr = {0};
        int arc = hb_store_write(s, seen_tx, &sx, &aerr);
        if (arc) { /* no audit record, no data */
            json_decref(j);
            *err = aerr;
            return arc;
        }
    }
    if (rc) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return 0;
}
