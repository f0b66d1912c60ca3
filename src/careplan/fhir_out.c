/* careplan: the FHIR resources of teams, plans, goals, health issues, tasks,
 * messages and co-consultations, built from their rows at every write and
 * stored beside them (served as stored); reading, searching and history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

#define HB_SYS "https://helsebro.no/fhir/CodeSystem/"
#define HB_EXT "https://helsebro.no/fhir/StructureDefinition/"
#define OID_ICPC2 "urn:oid:2.16.578.1.12.4.1.1.7170"
#define OID_ICD10 "urn:oid:2.16.578.1.12.4.1.1.7110"

static const char *const type_names[HB_CARE__TYPES] = {
    "CareTeam", "CarePlan", "Goal", "Condition", "Task", "Communication", "Appointment"};

const char *hb_care_type_name(enum hb_care_type t)
{
    return type_names[t];
}

int hb_care_type_parse(const char *name, enum hb_care_type *out)
{
    for (int i = 0; name && i < HB_CARE__TYPES; i++)
        if (strcmp(name, type_names[i]) == 0) {
            *out = (enum hb_care_type)i;
            return 0;
        }
    return HB_INVALID;
}

static json_t *ref(const char *type, int64_t id)
{
    char s[64];
    snprintf(s, sizeof(s), "%s/%lld", type, (long long)id);
    return json_pack("{s:s}", "reference", s);
}

static json_t *coding(const char *system, const char *code, const char *display)
{
    json_t *c = json_pack("{s:s,s:s}", "system", system, "code", code);
    if (display)
        json_object_set_new(c, "display", json_string(display));
    return c;
}

static json_t *concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[o]}", "coding", coding(system, code, display));
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
}

static void add_ext(json_t *r, const char *name, const char *vkey, json_t *value)
{
    json_t *a = json_object_get(r, "extension");
    if (!a) {
        a = json_array();
        json_object_set_new(r, "extension", a);
    }
    json_array_append_new(a, json_pack("{s:s+,s:o}", "url", HB_EXT, name, vkey, value));
}

static void iso(int64_t us, char out[32])
{
    hb_time_iso(us, out, 32);
}

/* A step over one row's statement; 1 row, 0 none (HB_NOT_FOUND), <0. */
static int one_row(struct hb_db *db, const char *sql, int64_t id, struct hb_stmt **st,
                   struct hb_error *err)
{
    int rc = hb_db_stmt(db, sql, st, err);
    if (rc)
        return rc;
    hb_stmt_int(*st, 1, id);
    rc = hb_stmt_step(*st, err);
    if (rc == 0) {
        hb_stmt_done(*st);
        return hb_fail(err, HB_NOT_FOUND, "id", "Finnes ikke");
    }
    if (rc < 0)
        hb_stmt_done(*st);
    return rc < 0 ? rc : 0;
}

/* What a built resource says about itself, for meta and the change log. */
struct built {
    int version;
    int64_t updated_at;
};

/* ---- CareTeam ---- */
static const char SQL_TEAM[] =
    "SELECT kind, name, org_id, patient_id, parent_id, status, version, updated_at,"
    " (SELECT coordinator_id FROM care_plan p WHERE p.team_id = care_team.id"
    " AND p.status = 'active') FROM care_team WHERE id = ?";
static const char SQL_TEAM_MEMBERS[] =
    "SELECT m.id, m.user_id, m.name, m.role, m.org_id, m.from_day, m.to_day, u.role,"
    " u.patient_id, m.contact FROM care_member m LEFT JOIN app_user u ON u.id = m.user_id"
    " WHERE m.team_id = ? ORDER BY m.id";

static int build_team(struct hb_db *db, int64_t id, json_t **out, struct built *b,
                      struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, SQL_TEAM, id, &st, err);
    if (rc)
        return rc;
    const char *kind = hb_stmt_col(st, 0, NULL);
    json_t *r = json_pack("{s:s,s:o,s:s,s:[o],s:s,s:[o]}", "resourceType", "CareTeam", "id",
                          hb__care_id(id), "status", hb_stmt_col(st, 5, NULL), "category",
                          concept(HB_SYS "care-team-kind", kind, hb__care_team_kind_label(kind)),
                          "name", hb_stmt_col(st, 1, NULL), "managingOrganization",
                          ref("Organization", hb_stmt_col_int(st, 2)));
    int64_t patient = hb_stmt_col_int(st, 3), parent = hb_stmt_col_int(st, 4);
    int64_t coordinator = hb_stmt_col_int(st, 8);
    if (patient)
        json_object_set_new(r, "subject", ref("Patient", patient));
    if (parent)
        add_ext(r, "care-team-part-of", "valueReference", ref("CareTeam", parent));
    b->version = (int)hb_stmt_col_int(st, 6);
    b->updated_at = hb_stmt_col_int(st, 7);
    hb_stmt_done(st);
    if ((rc = hb_db_stmt(db, SQL_TEAM_MEMBERS, &st, err))) {
        json_decref(r);
        return rc;
    }
    hb_stmt_int(st, 1, id);
    json_t *parts = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *role = hb_stmt_col(st, 3, NULL), *urole = hb_stmt_col(st, 7, NULL);
        int64_t uid = hb_stmt_col_int(st, 1);
        json_t *member = NULL;
        if (uid && urole && strcmp(urole, "patient") == 0)
            member = ref("Patient", hb_stmt_col_int(st, 8));
        else if (uid && urole && strcmp(urole, "relative") != 0)
            member = ref("Practitioner", uid);
        else
            member = json_object();
        json_object_set_new(member, "display", json_string(hb_stmt_col(st, 2, NULL)));
        json_t *roles =
            json_pack("[o]", concept(HB_SYS "care-role", role, hb__care_role_label(role)));
        if (coordinator && hb_stmt_col_int(st, 0) == coordinator)
            json_array_append_new(roles, concept(HB_SYS "care-role", "coordinator", "Koordinator"));
        json_t *p = json_pack("{s:o,s:o,s:{s:s}}", "role", roles, "member", member, "period",
                              "start", hb_stmt_col(st, 5, NULL));
        if (hb_stmt_col(st, 6, NULL))
            json_object_set_new(json_object_get(p, "period"), "end",
                                json_string(hb_stmt_col(st, 6, NULL)));
        if (hb_stmt_col_int(st, 4))
            json_object_set_new(p, "onBehalfOf", ref("Organization", hb_stmt_col_int(st, 4)));
        json_array_append_new(parts, p);
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(parts);
        json_decref(r);
        return rc;
    }
    if (json_array_size(parts))
        json_object_set_new(r, "participant", parts);
    else
        json_decref(parts);
    *out = r;
    return 0;
}

/* ---- CarePlan ---- */
static const char SQL_PLAN_ITEMS[] = "SELECT id, kind FROM care_item WHERE plan_id = ? ORDER BY id";

static int build_plan(struct hb_db *db, int64_t id, json_t **out, struct built *b,
                      struct hb_error *err)
{
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    int rc = hb__care_plan_load(db, id, a, &p, err);
    if (rc) {
        hb_arena_free(a);
        return rc;
    }
    char created[32];
    iso(p.created_at, created);
    json_t *teams = json_pack("[o]", ref("CareTeam", p.team_id));
    if (p.parent_team_id)
        json_array_append_new(teams, ref("CareTeam", p.parent_team_id));
    json_t *r =
        json_pack("{s:s,s:o,s:s,s:s,s:s,s:o,s:s,s:o}", "resourceType", "CarePlan", "id",
                  hb__care_id(id), "status", p.status, "intent", "plan", "title", p.title,
                  "subject", ref("Patient", p.patient_id), "created", created, "careTeam", teams);
    if (p.individual_plan)
        json_object_set_new(r, "category",
                            json_pack("[o]", concept(HB_SYS "care-plan-kind", "individual-plan",
                                                     "Individuell plan")));
    if (p.what_matters && *p.what_matters)
        add_ext(r, "what-matters", "valueString", json_string(p.what_matters));
    if (p.crisis_signs && *p.crisis_signs)
        add_ext(r, "crisis-early-signs", "valueString", json_string(p.crisis_signs));
    if (p.crisis_actions && *p.crisis_actions)
        add_ext(r, "crisis-actions", "valueString", json_string(p.crisis_actions));
    if (p.weight && *p.weight)
        add_ext(r, "nutrition-weight-kg", "valueString", json_string(p.weight));
    if (p.screening && *p.screening)
        add_ext(r, "nutrition-screening", "valueCode", json_string(p.screening));
    if (p.nutrition_notes && *p.nutrition_notes)
        add_ext(r, "nutrition-notes", "valueString", json_string(p.nutrition_notes));
    if (p.coordinator_id)
        add_ext(r, "coordinator", "valueString",
                hb__care_id(p.coordinator_id)); /* the CareTeam participant's member id */
    json_t *contacts = p.contacts ? json_loads(p.contacts, 0, NULL) : NULL;
    size_t i;
    json_t *c;
    json_array_foreach(contacts, i, c)
    {
        json_t *sub = json_array();
        static const char *const keys[] = {"name", "relation", "phone"};
        for (int k = 0; k < 3; k++) {
            const char *v = json_string_value(json_object_get(c, keys[k]));
            if (v && *v)
                json_array_append_new(sub,
                                      json_pack("{s:s,s:s}", "url", keys[k], "valueString", v));
        }
        json_t *ext = json_pack("{s:s,s:o}", "url", HB_EXT "care-plan-contact", "extension", sub);
        if (!json_object_get(r, "extension"))
            json_object_set_new(r, "extension", json_array());
        json_array_append_new(json_object_get(r, "extension"), ext);
    }
    json_decref(contacts);
    b->version = p.version;
    b->updated_at = p.updated_at;
    hb_arena_free(a);
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_PLAN_ITEMS, &st, err))) {
        json_decref(r);
        return rc;
    }
    hb_stmt_int(st, 1, id);
    json_t *goals = json_array(), *issues = json_array(), *acts = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *kind = hb_stmt_col(st, 1, NULL);
        int64_t iid = hb_stmt_col_int(st, 0);
        if (strcmp(kind, "goal") == 0)
            json_array_append_new(goals, ref("Goal", iid));
        else if (strcmp(kind, "issue") == 0)
            json_array_append_new(issues, ref("Condition", iid));
        else
            json_array_append_new(acts, json_pack("{s:o}", "reference", ref("Task", iid)));
    }
    hb_stmt_done(st);
    json_t *lists[3] = {issues, goals, acts};
    const char *names[3] = {"addresses", "goal", "activity"};
    for (int k = 0; k < 3; k++) {
        if (rc >= 0 && json_array_size(lists[k]))
            json_object_set_new(r, names[k], lists[k]);
        else
            json_decref(lists[k]);
    }
    if (rc < 0) {
        json_decref(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- Goal, Condition, Task ---- */
static const char SQL_ITEM[] =
    "SELECT kind, text, status, day, expressed_by, code_system, code, assignee_user_id,"
    " assignee_org_id, assignee_patient, recurrence, version, created_at, updated_at,"
    " patient_id, plan_id, updated_by FROM care_item WHERE id = ?";

static json_t *build_goal(struct hb_stmt *st, int64_t id, int64_t patient)
{
    const char *status = hb_stmt_col(st, 2, NULL), *day = hb_stmt_col(st, 3, NULL);
    const char *by = hb_stmt_col(st, 4, NULL);
    json_t *r = json_pack("{s:s,s:o,s:s,s:{s:s},s:o}", "resourceType", "Goal", "id",
                          hb__care_id(id), "lifecycleStatus", status, "description", "text",
                          hb_stmt_col(st, 1, NULL), "subject", ref("Patient", patient));
    if (strcmp(status, "completed") == 0)
        json_object_set_new(r, "achievementStatus",
                            concept("http://terminology.hl7.org/CodeSystem/goal-achievement",
                                    "achieved", "Achieved"));
    if (day)
        json_object_set_new(r, "target", json_pack("[{s:s}]", "dueDate", day));
    if (by && strcmp(by, "patient") == 0)
        json_object_set_new(r, "expressedBy", ref("Patient", patient));
    else if (hb_stmt_col_int(st, 16))
        json_object_set_new(r, "expressedBy", ref("Practitioner", hb_stmt_col_int(st, 16)));
    return r;
}

static json_t *build_condition(struct hb_stmt *st, int64_t id, int64_t patient)
{
    const char *sys = hb_stmt_col(st, 5, NULL), *code = hb_stmt_col(st, 6, NULL);
    char recorded[32];
    iso(hb_stmt_col_int(st, 12), recorded);
    json_t *cc = json_pack("{s:s}", "text", hb_stmt_col(st, 1, NULL));
    if (sys && code)
        json_object_set_new(
            cc, "coding",
            json_pack("[o]",
                      coding(strcmp(sys, "icpc2") == 0 ? OID_ICPC2 : OID_ICD10, code, NULL)));
    json_t *r = json_pack("{s:s,s:o,s:o,s:[o],s:o,s:o,s:s}", "resourceType", "Condition", "id",
                          hb__care_id(id), "clinicalStatus",
                          concept("http://terminology.hl7.org/CodeSystem/condition-clinical",
                                  hb_stmt_col(st, 2, NULL), NULL),
                          "category",
                          concept("http://terminology.hl7.org/CodeSystem/condition-category",
                                  "problem-list-item", "Problem List Item"),
                          "code", cc, "subject", ref("Patient", patient), "recordedDate", recorded);
    set_str(r, "onsetDateTime", hb_stmt_col(st, 3, NULL));
    return r;
}

static json_t *build_task(struct hb_stmt *st, int64_t id, int64_t patient)
{
    char authored[32], modified[32];
    iso(hb_stmt_col_int(st, 12), authored);
    iso(hb_stmt_col_int(st, 13), modified);
    json_t *r = json_pack("{s:s,s:o,s:s,s:s,s:s,s:[o],s:o,s:s,s:s}", "resourceType", "Task", "id",
                          hb__care_id(id), "status", hb_stmt_col(st, 2, NULL), "intent", "plan",
                          "description", hb_stmt_col(st, 1, NULL), "basedOn",
                          ref("CarePlan", hb_stmt_col_int(st, 15)), "for", ref("Patient", patient),
                          "authoredOn", authored, "lastModified", modified);
    if (hb_stmt_col(st, 3, NULL))
        json_object_set_new(r, "restriction",
                            json_pack("{s:{s:s}}", "period", "end", hb_stmt_col(st, 3, NULL)));
    if (hb_stmt_col_int(st, 7))
        json_object_set_new(r, "owner", ref("Practitioner", hb_stmt_col_int(st, 7)));
    else if (hb_stmt_col_int(st, 8))
        json_object_set_new(r, "owner", ref("Organization", hb_stmt_col_int(st, 8)));
    else if (hb_stmt_col_int(st, 9))
        json_object_set_new(r, "owner", ref("Patient", patient));
    if (hb_stmt_col(st, 10, NULL))
        add_ext(r, "task-recurrence", "valueCode", json_string(hb_stmt_col(st, 10, NULL)));
    return r;
}

static int build_item(struct hb_db *db, int64_t id, enum hb_care_type want, json_t **out,
                      struct built *b, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, SQL_ITEM, id, &st, err);
    if (rc)
        return rc;
    const char *kind = hb_stmt_col(st, 0, NULL);
    enum hb_care_type t = strcmp(kind, "goal") == 0    ? HB_CARE_GOAL
                          : strcmp(kind, "issue") == 0 ? HB_CARE_CONDITION
                                                       : HB_CARE_TASK;
    if (t != want) {
        hb_stmt_done(st);
        return hb_fail(err, HB_NOT_FOUND, "id", "Finnes ikke");
    }
    int64_t patient = hb_stmt_col_int(st, 14);
    *out = t == HB_CARE_GOAL        ? build_goal(st, id, patient)
           : t == HB_CARE_CONDITION ? build_condition(st, id, patient)
                                    : build_task(st, id, patient);
    b->version = (int)hb_stmt_col_int(st, 11);
    b->updated_at = hb_stmt_col_int(st, 13);
    hb_stmt_done(st);
    return 0;
}

/* ---- Communication ---- */
static const char SQL_MESSAGE[] =
    "SELECT m.kind, m.body, m.to_org_id, m.reply_to, m.status, m.at, m.version, m.patient_id,"
    " m.plan_id, m.author_id, u.role, u.name FROM care_message m"
    " JOIN app_user u ON u.id = m.author_id WHERE m.id = ?";

static int build_message(struct hb_db *db, int64_t id, json_t **out, struct built *b,
                         struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, SQL_MESSAGE, id, &st, err);
    if (rc)
        return rc;
    static const char *const labels[][2] = {
        {"message", "Melding i teamet"},
        {"question", "Spørsmål til spesialist"},
        {"answer", "Svar fra spesialist"},
    };
    const char *kind = hb_stmt_col(st, 0, NULL), *label = NULL;
    for (int i = 0; i < 3; i++)
        if (strcmp(kind, labels[i][0]) == 0)
            label = labels[i][1];
    char sent[32];
    iso(hb_stmt_col_int(st, 5), sent);
    int64_t patient = hb_stmt_col_int(st, 7);
    const char *urole = hb_stmt_col(st, 10, NULL);
    json_t *sender = strcmp(urole, "patient") == 0    ? ref("Patient", patient)
                     : strcmp(urole, "relative") == 0 ? json_object()
                                                      : ref("Practitioner", hb_stmt_col_int(st, 9));
    json_object_set_new(sender, "display", json_string(hb_stmt_col(st, 11, NULL)));
    json_t *r =
        json_pack("{s:s,s:o,s:s,s:[o],s:o,s:[o],s:s,s:o,s:[{s:s}]}", "resourceType",
                  "Communication", "id", hb__care_id(id), "status", hb_stmt_col(st, 4, NULL),
                  "category", concept(HB_SYS "care-message-kind", kind, label), "subject",
                  ref("Patient", patient), "about", ref("CarePlan", hb_stmt_col_int(st, 8)), "sent",
                  sent, "sender", sender, "payload", "contentString", hb_stmt_col(st, 1, NULL));
    if (hb_stmt_col_int(st, 2))
        json_object_set_new(r, "recipient",
                            json_pack("[o]", ref("Organization", hb_stmt_col_int(st, 2))));
    if (hb_stmt_col_int(st, 3))
        json_object_set_new(r, "inResponseTo",
                            json_pack("[o]", ref("Communication", hb_stmt_col_int(st, 3))));
    b->version = (int)hb_stmt_col_int(st, 6);
    b->updated_at = hb_stmt_col_int(st, 5);
    hb_stmt_done(st);
    *out = r;
    return 0;
}

/* ---- Appointment ---- */
static const char SQL_CONSULT[] =
    "SELECT start_at, minutes, purpose, video_url, status, record, km, travel_minutes,"
    " nok_ore, co2_g, version, updated_at, patient_id, plan_id, created_at"
    " FROM consultation WHERE id = ?";
static const char SQL_CONSULT_PARTS[] =
    "SELECT p.user_id, p.name, p.role, u.role, u.patient_id FROM consultation_participant p"
    " LEFT JOIN app_user u ON u.id = p.user_id WHERE p.consultation_id = ? ORDER BY p.seq";

static int build_consult(struct hb_db *db, int64_t id, json_t **out, struct built *b,
                         struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, SQL_CONSULT, id, &st, err);
    if (rc)
        return rc;
    char start[32], end[32], created[32];
    int64_t s0 = hb_stmt_col_int(st, 0), minutes = hb_stmt_col_int(st, 1);
    iso(s0, start);
    iso(s0 + minutes * 60 * 1000000, end);
    iso(hb_stmt_col_int(st, 14), created);
    const char *status = hb_stmt_col(st, 4, NULL);
    json_t *r = json_pack("{s:s,s:o,s:s,s:o,s:s,s:s,s:s,s:I,s:s,s:[o]}", "resourceType",
                          "Appointment", "id", hb__care_id(id), "status", status, "appointmentType",
                          concept(HB_SYS "appointment-kind", "co-consultation", "Samkonsultasjon"),
                          "description", hb_stmt_col(st, 2, NULL), "start", start, "end", end,
                          "minutesDuration", (json_int_t)minutes, "created", created,
                          "supportingInformation", ref("CarePlan", hb_stmt_col_int(st, 13)));
    set_str(r, "comment", hb_stmt_col(st, 5, NULL));
    if (hb_stmt_col(st, 3, NULL))
        add_ext(r, "video-room", "valueUrl", json_string(hb_stmt_col(st, 3, NULL)));
    if (hb_stmt_col(st, 6, NULL)) {
        json_t *sub = json_pack(
            "[{s:s,s:{s:I,s:s,s:s,s:s}},{s:s,s:{s:I,s:s,s:s,s:s}},{s:s,s:{s:f,s:s,s:s,s:s}},"
            "{s:s,s:{s:f,s:s,s:s,s:s}}]",
            "url", "distance", "valueQuantity", "value", (json_int_t)hb_stmt_col_int(st, 6), "unit",
            "km", "system", "http://unitsofmeasure.org", "code", "km", "url", "time",
            "valueQuantity", "value", (json_int_t)hb_stmt_col_int(st, 7), "unit", "min", "system",
            "http://unitsofmeasure.org", "code", "min", "url", "cost", "valueQuantity", "value",
            (double)hb_stmt_col_int(st, 8) / 100.0, "unit", "NOK", "system", "urn:iso:std:iso:4217",
            "code", "NOK", "url", "co2", "valueQuantity", "value",
            (double)hb_stmt_col_int(st, 9) / 1000.0, "unit", "kg", "system",
            "http://unitsofmeasure.org", "code", "kg");
        json_t *a = json_object_get(r, "extension");
        if (!a)
            json_object_set_new(r, "extension", a = json_array());
        json_array_append_new(
            a, json_pack("{s:s,s:o}", "url", HB_EXT "travel-avoided", "extension", sub));
    }
    int64_t patient = hb_stmt_col_int(st, 12);
    b->version = (int)hb_stmt_col_int(st, 10);
    b->updated_at = hb_stmt_col_int(st, 11);
    hb_stmt_done(st);
    if ((rc = hb_db_stmt(db, SQL_CONSULT_PARTS, &st, err))) {
        json_decref(r);
        return rc;
    }
    hb_stmt_int(st, 1, id);
    json_t *parts = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *urole = hb_stmt_col(st, 3, NULL), *role = hb_stmt_col(st, 2, NULL);
        json_t *actor = !hb_stmt_col_int(st, 0)              ? json_object()
                        : urole && !strcmp(urole, "patient") ? ref("Patient", patient)
                        : urole && !strcmp(urole, "relative")
                            ? json_object()
                            : ref("Practitioner", hb_stmt_col_int(st, 0));
        json_object_set_new(actor, "display", json_string(hb_stmt_col(st, 1, NULL)));
        json_array_append_new(
            parts, json_pack("{s:o,s:[{s:s}],s:s,s:s}", "actor", actor, "type", "text",
                             hb__care_role_label(role) ? hb__care_role_label(role) : role,
                             "required", "required", "status", "accepted"));
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(parts);
        json_decref(r);
        return rc;
    }
    json_object_set_new(r, "participant", parts);
    *out = r;
    return 0;
}

/* ---- storing ---- */
static int build(struct hb_db *db, enum hb_care_type t, int64_t id, json_t **out, struct built *b,
                 struct hb_error *err)
{
    switch (t) {
    case HB_CARE_TEAM:
        return build_team(db, id, out, b, err);
    case HB_CARE_PLAN:
        return build_plan(db, id, out, b, err);
    case HB_CARE_COMMUNICATION:
        return build_message(db, id, out, b, err);
    case HB_CARE_APPOINTMENT:
        return build_consult(db, id, out, b, err);
    default:
        return build_item(db, id, t, out, b, err);
    }
}

/* Per type: its table's statements. */
static const struct {
    const char *set, *get;
} sql_of[HB_CARE__TYPES] = {
    {"UPDATE care_team SET resource = ? WHERE id = ?",
     "SELECT resource, COALESCE(patient_id, 0), version FROM care_team WHERE id = ?"},
    {"UPDATE care_plan SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM care_plan WHERE id = ?"},
    {"UPDATE care_item SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM care_item WHERE id = ? AND kind = 'goal'"},
    {"UPDATE care_item SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM care_item WHERE id = ? AND kind = 'issue'"},
    {"UPDATE care_item SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM care_item WHERE id = ? AND kind = 'task'"},
    {"UPDATE care_message SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM care_message WHERE id = ?"},
    {"UPDATE consultation SET resource = ? WHERE id = ?",
     "SELECT resource, patient_id, version FROM consultation WHERE id = ?"},
};

int hb__care_commit(struct hb_db *db, enum hb_care_type t, int64_t id, int64_t user_id,
                    const char *action, struct hb_error *err)
{
    json_t *r = NULL;
    struct built b = {0};
    int rc = build(db, t, id, &r, &b, err);
    if (rc)
        return rc;
    char ver[16], ts[32];
    snprintf(ver, sizeof(ver), "%d", b.version);
    iso(b.updated_at, ts);
    json_object_set_new(r, "meta", json_pack("{s:s,s:s}", "versionId", ver, "lastUpdated", ts));
    char *text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(r);
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, sql_of[t].set, &st, err)) == 0) {
        hb_stmt_text(st, 1, text);
        hb_stmt_int(st, 2, id);
        rc = hb_stmt_run(st, err);
    }
    if (rc >= 0)
        rc = hb_store_change(db, type_names[t], id, b.version, user_id, action, text, strlen(text),
                             err);
    free(text);
    return rc < 0 ? rc : 0;
}

int hb_care_fhir_stored(struct hb_db *db, enum hb_care_type t, int64_t id, struct hb_arena *a,
                        const char **json, size_t *len, int *version, int64_t *patient_id,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, sql_of[t].get, id, &st, err);
    if (rc)
        return rc;
    const char *text = hb_stmt_col(st, 0, len);
    *json = hb_arena_strndup(a, text, *len);
    *patient_id = hb_stmt_col_int(st, 1);
    *version = (int)hb_stmt_col_int(st, 2);
    hb_stmt_done(st);
    return 0;
}

int hb_care_fhir_load(struct hb_db *db, enum hb_care_type t, int64_t id, json_t **out,
                      int64_t *patient_id, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = one_row(db, sql_of[t].get, id, &st, err);
    if (rc)
        return rc;
    json_error_t jerr;
    *out = json_loads(hb_stmt_col(st, 0, NULL), 0, &jerr);
    *patient_id = hb_stmt_col_int(st, 1);
    hb_stmt_done(st);
    if (!*out)
        return hb_fail(err, HB_INTERNAL, NULL, "stored resource unreadable: %s", jerr.text);
    return 0;
}

/* ---- search ---- */
/* Filters written once: each value bound twice, "no filter" as 0 or NULL. */
#define FILTERS(patient, updated)                                                                  \
    " WHERE (CAST(? AS BIGINT) = 0 OR " patient " = ?)"                                            \
    " AND (CAST(? AS BIGINT) = 0 OR plan_id = ?)"                                                  \
    " AND (CAST(? AS TEXT) IS NULL OR status = ?)"                                                 \
    " AND (CAST(? AS BIGINT) = 0 OR " updated " >= ?)"                                             \
    " AND (CAST(? AS BIGINT) = 0 OR " updated " < ?)"                                              \
    " AND (CAST(? AS BIGINT) = 0 OR id < ?)"
#define DAY_RANGE(col)                                                                             \
    " AND (CAST(? AS TEXT) IS NULL OR " col " >= ?) AND (CAST(? AS TEXT) IS NULL OR " col " < ?)"
#define TIME_RANGE(col)                                                                            \
    " AND (CAST(? AS BIGINT) = 0 OR " col " >= ?) AND (CAST(? AS BIGINT) = 0 OR " col " < ?)"
#define ORDER " ORDER BY id DESC LIMIT ?"

static const struct {
    const char *sql;
    bool day; /* the date filter compares days, not instants */
} search_sql[HB_CARE__TYPES] = {
    {"SELECT id FROM (SELECT id, patient_id, 0 AS plan_id, status, updated_at FROM care_team)"
     " t" FILTERS("patient_id", "updated_at") TIME_RANGE("updated_at") ORDER,
     false},
    {"SELECT id FROM (SELECT id, patient_id, id AS plan_id, status, updated_at, created_at"
     " FROM care_plan) p" FILTERS("patient_id", "updated_at") TIME_RANGE("created_at") ORDER,
     false},
    {"SELECT id FROM care_item" FILTERS("patient_id",
                                        "updated_at") " AND kind = 'goal'" DAY_RANGE("day") ORDER,
     true},
    {"SELECT id FROM care_item" FILTERS("patient_id",
                                        "updated_at") " AND kind = 'issue'" DAY_RANGE("day") ORDER,
     true},
    {"SELECT id FROM care_item" FILTERS("patient_id",
                                        "updated_at") " AND kind = 'task'" DAY_RANGE("day") ORDER,
     true},
    {"SELECT id FROM care_message" FILTERS("patient_id", "at") TIME_RANGE("at") ORDER, false},
    {"SELECT id FROM consultation" FILTERS("patient_id", "updated_at") TIME_RANGE("start_at") ORDER,
     false},
};

static void bind2_int(struct hb_stmt *st, int *i, int64_t v)
{
    hb_stmt_int(st, (*i)++, v);
    hb_stmt_int(st, (*i)++, v);
}

static void bind2_text(struct hb_stmt *st, int *i, const char *v)
{
    hb_stmt_text(st, (*i)++, v);
    hb_stmt_text(st, (*i)++, v);
}

/* Microseconds at the start of a UTC day, or 0 for NULL. */
static int64_t day_us(const char *day)
{
    int64_t d;
    if (!day || hb_date_days(day, &d) != 0)
        return 0;
    return d * 86400 * 1000000;
}

int hb_care_fhir_search(struct hb_db *db, enum hb_care_type t, const struct hb_care_query *q,
                        int64_t *ids, int *n, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, search_sql[t].sql, &st, err);
    if (rc)
        return rc;
    int i = 1;
    bind2_int(st, &i, q->patient_id);
    bind2_int(st, &i, q->plan_id);
    bind2_text(st, &i, q->status);
    bind2_int(st, &i, q->updated_from);
    bind2_int(st, &i, q->updated_to);
    bind2_int(st, &i, q->before);
    if (search_sql[t].day) {
        bind2_text(st, &i, q->date_from);
        bind2_text(st, &i, q->date_to);
    } else {
        bind2_int(st, &i, day_us(q->date_from));
        bind2_int(st, &i, day_us(q->date_to));
    }
    hb_stmt_int(st, i, q->count);
    *n = 0;
    while (*n < q->count && (rc = hb_stmt_step(st, err)) == 1)
        ids[(*n)++] = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static const char SQL_HISTORY[] =
    "SELECT version, action, resource FROM change_log WHERE rtype = ? AND rid = ?"
    " ORDER BY version DESC LIMIT 100";

int hb_care_fhir_history(struct hb_db *db, enum hb_care_type t, int64_t id, struct hb_arena *arena,
                         struct hb_care_version **out, int *n, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_HISTORY, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, type_names[t]);
    hb_stmt_int(st, 2, id);
    struct hb_care_version *v = hb_arena_alloc(arena, sizeof(*v) * 100);
    *n = 0;
    while (*n < 100 && (rc = hb_stmt_step(st, err)) == 1) {
        v[*n].version = (int)hb_stmt_col_int(st, 0);
        v[*n].action = hb_arena_strdup(arena, hb_stmt_col(st, 1, NULL));
        v[*n].resource = hb_arena_strdup(arena, hb_stmt_col(st, 2, NULL));
        (*n)++;
    }
    hb_stmt_done(st);
    *out = v;
    return rc < 0 ? rc : 0;
}
