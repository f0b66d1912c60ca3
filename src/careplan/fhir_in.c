/* careplan: FHIR writes. Each resource is translated into the JSON API's
 * input for the same operation, so FHIR and the UI share one set of rules;
 * errors then name the FHIRPath the client sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

#define HB_EXT "https://helsebro.no/fhir/StructureDefinition/"
#define OID_ICPC2 "urn:oid:2.16.578.1.12.4.1.1.7170"
#define OID_ICD10 "urn:oid:2.16.578.1.12.4.1.1.7110"

/* The id in a reference "Type/id" (or a bare id), 0 when it is not one. */
static int64_t ref_id(json_t *ref, const char *type)
{
    const char *s = json_string_value(json_object_get(ref, "reference"));
    size_t tl = strlen(type);
    if (!s)
        return 0;
    if (strncmp(s, type, tl) == 0 && s[tl] == '/')
        s += tl + 1;
    else if (strchr(s, '/'))
        return 0;
    int64_t id;
    return hb_parse_i64(s, strlen(s), 1, INT64_MAX, &id) == 0 ? id : 0;
}

static const char *ref_type(json_t *ref)
{
    const char *s = json_string_value(json_object_get(ref, "reference"));
    if (!s)
        return "";
    if (strncmp(s, "Practitioner/", 13) == 0)
        return "Practitioner";
    if (strncmp(s, "Organization/", 13) == 0)
        return "Organization";
    if (strncmp(s, "Patient/", 8) == 0)
        return "Patient";
    return "";
}

static json_t *first(json_t *a)
{
    return json_is_array(a) ? json_array_get(a, 0) : NULL;
}

static const char *code_of(json_t *concept)
{
    return json_string_value(json_object_get(first(json_object_get(concept, "coding")), "code"));
}

static json_t *ext(json_t *r, const char *name)
{
    size_t i;
    json_t *e;
    char url[160];
    snprintf(url, sizeof(url), "%s%s", HB_EXT, name);
    json_array_foreach(json_object_get(r, "extension"), i, e)
    {
        const char *u = json_string_value(json_object_get(e, "url"));
        if (u && strcmp(u, url) == 0)
            return e;
    }
    return NULL;
}

/* Copies a string value, or "" (clear) when absent and clear is set. */
static void put(json_t *in, const char *key, const char *v, bool clear)
{
    if (v)
        json_object_set_new(in, key, json_string(v));
    else if (clear)
        json_object_set_new(in, key, json_string(""));
}

/* A FHIR date or dateTime's date part. */
static void put_day(json_t *in, const char *key, const char *v, bool clear)
{
    if (v && strlen(v) >= 10)
        json_object_set_new(in, key, json_stringn(v, 10));
    else if (v)
        json_object_set_new(in, key, json_string(v)); /* let the checks name it */
    else if (clear)
        json_object_set_new(in, key, json_string(""));
}

/* ---- error fields as FHIRPaths ---- */
static const struct {
    enum hb_care_type t;
    const char *field, *path;
} paths[] = {
    {HB_CARE_PLAN, "title", "CarePlan.title"},
    {HB_CARE_PLAN, "status", "CarePlan.status"},
    {HB_CARE_PLAN, "patientId", "CarePlan.subject"},
    {HB_CARE_PLAN, "standingTeamId", "CarePlan.careTeam"},
    {HB_CARE_PLAN, "coordinatorId", "CarePlan.extension"},
    {HB_CARE_PLAN, "nutritionWeight", "CarePlan.extension"},
    {HB_CARE_PLAN, "nutritionScreening", "CarePlan.extension"},
    {HB_CARE_PLAN, "contacts", "CarePlan.extension"},
    {HB_CARE_GOAL, "text", "Goal.description.text"},
    {HB_CARE_GOAL, "status", "Goal.lifecycleStatus"},
    {HB_CARE_GOAL, "day", "Goal.target.dueDate"},
    {HB_CARE_GOAL, "expressedBy", "Goal.expressedBy"},
    {HB_CARE_CONDITION, "text", "Condition.code.text"},
    {HB_CARE_CONDITION, "status", "Condition.clinicalStatus"},
    {HB_CARE_CONDITION, "code", "Condition.code.coding"},
    {HB_CARE_CONDITION, "codeSystem", "Condition.code.coding"},
    {HB_CARE_CONDITION, "day", "Condition.onsetDateTime"},
    {HB_CARE_TASK, "text", "Task.description"},
    {HB_CARE_TASK, "status", "Task.status"},
    {HB_CARE_TASK, "day", "Task.restriction.period.end"},
    {HB_CARE_TASK, "assignee", "Task.owner"},
    {HB_CARE_TASK, "recurrence", "Task.extension"},
    {HB_CARE_COMMUNICATION, "body", "Communication.payload"},
    {HB_CARE_COMMUNICATION, "kind", "Communication.category"},
    {HB_CARE_COMMUNICATION, "toOrgId", "Communication.recipient"},
    {HB_CARE_COMMUNICATION, "replyTo", "Communication.inResponseTo"},
    {HB_CARE_APPOINTMENT, "start", "Appointment.start"},
    {HB_CARE_APPOINTMENT, "minutes", "Appointment.minutesDuration"},
    {HB_CARE_APPOINTMENT, "purpose", "Appointment.description"},
    {HB_CARE_APPOINTMENT, "participants", "Appointment.participant"},
    {HB_CARE_APPOINTMENT, "videoUrl", "Appointment.extension"},
    {HB_CARE_APPOINTMENT, "status", "Appointment.status"},
    {HB_CARE_APPOINTMENT, "record", "Appointment.comment"},
    {HB_CARE_TEAM, "kind", "CareTeam.category"},
    {HB_CARE_TEAM, "name", "CareTeam.name"},
    {HB_CARE_TEAM, "members", "CareTeam.participant"},
    {HB_CARE_TEAM, "role", "CareTeam.participant.role"},
    {HB_CARE_TEAM, "userId", "CareTeam.participant.member"},
    {HB_CARE_TEAM, "to", "CareTeam.participant.period"},
};

static int as_fhir(enum hb_care_type t, int rc, struct hb_error *err)
{
    for (size_t i = 0; rc && i < sizeof(paths) / sizeof(paths[0]); i++)
        if (paths[i].t == t && strcmp(err->field, paths[i].field) == 0) {
            snprintf(err->field, sizeof(err->field), "%s", paths[i].path);
            break;
        }
    if (rc == HB_INVALID)
        err->code = HB_UNPROCESSABLE; /* FHIR: the content is not valid */
    return rc == HB_INVALID ? HB_UNPROCESSABLE : rc;
}

/* ---- the patient's plan, for resources that name only the patient ---- */
static int plan_of(struct hb_store *s, json_t *subject, const char *path, int64_t *plan_id,
                   struct hb_error *err)
{
    int64_t pid = ref_id(subject, "Patient");
    if (!pid)
        return hb_fail(err, HB_UNPROCESSABLE, path, "%s må være Patient/{id}", path);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int rc = hb__care_active_plan(db, pid, plan_id, err);
    hb_store_release(s, db);
    if (rc == 0 && !*plan_id)
        rc = hb_fail(err, HB_UNPROCESSABLE, path,
                     "Pasienten har ingen aktiv plan: opprett en CarePlan først");
    return rc;
}

/* ---- per type ---- */
static json_t *plan_in(json_t *r, bool update)
{
    json_t *in = json_object();
    put(in, "title", json_string_value(json_object_get(r, "title")), update);
    put(in, "status", json_string_value(json_object_get(r, "status")), update);
    bool ip = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r, "category"), i, c)
    {
        const char *code = code_of(c);
        ip |= code && strcmp(code, "individual-plan") == 0;
    }
    json_object_set_new(in, "individualPlan", json_boolean(ip));
    static const char *const map[][3] = {
        {"what-matters", "valueString", "whatMatters"},
        {"crisis-early-signs", "valueString", "crisisSigns"},
        {"crisis-actions", "valueString", "crisisActions"},
        {"nutrition-weight-kg", "valueString", "nutritionWeight"},
        {"nutrition-screening", "valueCode", "nutritionScreening"},
        {"nutrition-notes", "valueString", "nutritionNotes"},
    };
    for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
        put(in, map[k][2], json_string_value(json_object_get(ext(r, map[k][0]), map[k][1])),
            update);
    json_t *coord = ext(r, "coordinator");
    if (coord)
        json_object_set(in, "coordinatorId", json_object_get(coord, "valueString"));
    else if (update)
        json_object_set_new(in, "coordinatorId", json_null());
    json_t *contacts = json_array();
    json_t *e;
    json_array_foreach(json_object_get(r, "extension"), i, e)
    {
        const char *url = json_string_value(json_object_get(e, "url"));
        if (!url || strcmp(url, HB_EXT "care-plan-contact") != 0)
            continue;
        json_t *ct = json_object(), *sub;
        size_t j;
        json_array_foreach(json_object_get(e, "extension"), j, sub)
        {
            const char *k = json_string_value(json_object_get(sub, "url"));
            if (k)
                json_object_set(ct, k, json_object_get(sub, "valueString"));
        }
        json_array_append_new(contacts, ct);
    }
    if (json_array_size(contacts) || update)
        json_object_set_new(in, "contacts", contacts);
    else
        json_decref(contacts);
    return in;
}

static json_t *item_in(enum hb_care_type t, json_t *r, bool update)
{
    json_t *in = json_object();
    if (!update)
        json_object_set_new(in, "kind",
                            json_string(t == HB_CARE_GOAL        ? "goal"
                                        : t == HB_CARE_CONDITION ? "issue"
                                                                 : "task"));
    if (t == HB_CARE_GOAL) {
        put(in, "text",
            json_string_value(json_object_get(json_object_get(r, "description"), "text")), update);
        put(in, "status", json_string_value(json_object_get(r, "lifecycleStatus")), false);
        put_day(in, "day",
                json_string_value(json_object_get(first(json_object_get(r, "target")), "dueDate")),
                update);
        json_t *by = json_object_get(r, "expressedBy");
        if (by)
            json_object_set_new(in, "expressedBy",
                                json_string(ref_id(by, "Patient") ? "patient" : "team"));
    } else if (t == HB_CARE_CONDITION) {
        json_t *code = json_object_get(r, "code"), *coding = first(json_object_get(code, "coding"));
        const char *text = json_string_value(json_object_get(code, "text"));
        if (!text)
            text = json_string_value(json_object_get(coding, "display"));
        put(in, "text", text, update);
        put(in, "status", code_of(json_object_get(r, "clinicalStatus")), false);
        put_day(in, "day", json_string_value(json_object_get(r, "onsetDateTime")), update);
        const char *sys = json_string_value(json_object_get(coding, "system"));
        if (coding) {
            json_object_set_new(in, "codeSystem",
                                json_string(sys && strcmp(sys, OID_ICPC2) == 0   ? "icpc2"
                                            : sys && strcmp(sys, OID_ICD10) == 0 ? "icd10"
                                                                                 : "unknown"));
            json_object_set(in, "code", json_object_get(coding, "code"));
        } else if (update) {
            json_object_set_new(in, "codeSystem", json_string(""));
        }
    } else {
        put(in, "text", json_string_value(json_object_get(r, "description")), update);
        put(in, "status", json_string_value(json_object_get(r, "status")), false);
        put_day(in, "day",
                json_string_value(json_object_get(
                    json_object_get(json_object_get(r, "restriction"), "period"), "end")),
                update);
        json_t *owner = json_object_get(r, "owner");
        const char *type = ref_type(owner);
        if (owner && strcmp(type, "Patient") == 0)
            json_object_set_new(in, "assignee", json_pack("{s:s}", "kind", "patient"));
        else if (owner)
            json_object_set_new(
                in, "assignee",
                json_pack("{s:s,s:I}", "kind", strcmp(type, "Organization") == 0 ? "org" : "user",
                          "id", (json_int_t)ref_id(owner, *type ? type : "Practitioner")));
        else if (update)
            json_object_set_new(in, "assignee", json_null());
        put(in, "recurrence",
            json_string_value(json_object_get(ext(r, "task-recurrence"), "valueCode")), update);
    }
    return in;
}

static json_t *message_in(json_t *r)
{
    json_t *in = json_object();
    const char *kind = code_of(first(json_object_get(r, "category")));
    put(in, "kind", kind ? kind : "message", false);
    put(in, "body",
        json_string_value(json_object_get(first(json_object_get(r, "payload")), "contentString")),
        false);
    int64_t to = ref_id(first(json_object_get(r, "recipient")), "Organization");
    if (to)
        json_object_set_new(in, "toOrgId", json_integer(to));
    int64_t reply = ref_id(first(json_object_get(r, "inResponseTo")), "Communication");
    if (reply)
        json_object_set_new(in, "replyTo", json_integer(reply));
    return in;
}

/* Participants as members or co-consultation participants: {userId} or {name, role}. */
static int people_in(struct hb_db *db, json_t *list, const char *actor_key, bool care_team,
                     json_t **out, struct hb_error *err)
{
    static const char SQL_PATIENT_USER[] =
        "SELECT id FROM app_user WHERE role = 'patient' AND patient_id = ? LIMIT 1";
    *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        json_t *actor = json_object_get(p, actor_key), *m = json_object();
        const char *type = ref_type(actor);
        const char *display = json_string_value(json_object_get(actor, "display"));
        if (strcmp(type, "Practitioner") == 0) {
            json_object_set_new(m, "userId", json_integer(ref_id(actor, "Practitioner")));
        } else if (strcmp(type, "Patient") == 0) {
            int64_t uid = 0;
            struct hb_stmt *st;
            int rc = hb_db_stmt(db, SQL_PATIENT_USER, &st, err);
            if (rc == 0) {
                hb_stmt_int(st, 1, ref_id(actor, "Patient"));
                if ((rc = hb_stmt_step(st, err)) == 1)
                    uid = hb_stmt_col_int(st, 0);
                hb_stmt_done(st);
            }
            if (rc < 0) {
                json_decref(m);
                return rc;
            }
            if (uid)
                json_object_set_new(m, "userId", json_integer(uid));
            json_object_set_new(m, "role", json_string("patient"));
        }
        if (display)
            json_object_set_new(m, "name", json_string(display));
        if (care_team) {
            size_t j;
            json_t *role;
            json_array_foreach(json_object_get(p, "role"), j, role)
            {
                const char *code = code_of(role);
                if (code && strcmp(code, "coordinator") != 0)
                    json_object_set_new(m, "role", json_string(code));
            }
            json_t *period = json_object_get(p, "period");
            const char *start = json_string_value(json_object_get(period, "start"));
            const char *end = json_string_value(json_object_get(period, "end"));
            if (start)
                put_day(m, "from", start, false);
            if (end)
                put_day(m, "to", end, false);
            const char *org =
                json_string_value(json_object_get(json_object_get(p, "onBehalfOf"), "reference"));
            if (org)
                json_object_set_new(
                    m, "orgId",
                    json_integer(ref_id(json_object_get(p, "onBehalfOf"), "Organization")));
        }
        json_array_append_new(*out, m);
    }
    return 0;
}

int hb_care_fhir_write(struct hb_store *s, const struct hb_user *u, enum hb_care_type t, int64_t id,
                       json_t *res, int if_version, int64_t *out_id, struct hb_error *err)
{
    const char *rt = json_string_value(json_object_get(res, "resourceType"));
    const char *tn = hb_care_type_name(t);
    if (!rt || strcmp(rt, tn) != 0)
        return hb_fail(err, HB_INVALID, "resourceType", "resourceType må være %s", tn);
    if (id) {
        const char *rid = json_string_value(json_object_get(res, "id"));
        int64_t body_id;
        if (!rid || hb_parse_i64(rid, strlen(rid), 1, INT64_MAX, &body_id) != 0 || body_id != id)
            return hb_fail(err, HB_INVALID, "id", "id i innholdet må være lik id i adressen (%lld)",
                           (long long)id);
    }
    bool update = id != 0;
    *out_id = id;
    json_t *in = NULL;
    int rc = 0;
    int64_t plan_id = 0;
    switch (t) {
    case HB_CARE_PLAN:
        in = plan_in(res, update);
        if (update) {
            rc = hb_care_plan_update(s, u, id, in, if_version, true, NULL, err);
            break;
        }
        {
            size_t i;
            json_t *ct;
            json_array_foreach(json_object_get(res, "careTeam"), i, ct)
            {
                if (ref_id(ct, "CareTeam"))
                    json_object_set_new(in, "standingTeamId", json_integer(ref_id(ct, "CareTeam")));
            }
            int64_t pid = ref_id(json_object_get(res, "subject"), "Patient");
            rc = pid ? hb_care_plan_create(s, u, pid, in, out_id, err)
                     : hb_fail(err, HB_INVALID, "patientId", "subject må være Patient/{id}");
        }
        break;
    case HB_CARE_GOAL:
    case HB_CARE_CONDITION:
    case HB_CARE_TASK:
        in = item_in(t, res, update);
        if (update) {
            rc = hb_care_item_update(s, u, id, in, if_version, true, NULL, err);
            break;
        }
        plan_id =
            t == HB_CARE_TASK ? ref_id(first(json_object_get(res, "basedOn")), "CarePlan") : 0;
        if (!plan_id &&
            (rc = plan_of(s, json_object_get(res, t == HB_CARE_TASK ? "for" : "subject"),
                          t == HB_CARE_TASK   ? "Task.for"
                          : t == HB_CARE_GOAL ? "Goal.subject"
                                              : "Condition.subject",
                          &plan_id, err)))
            break;
        rc = hb_care_item_add(s, u, plan_id, in, out_id, err);
        break;
    case HB_CARE_COMMUNICATION:
        if (update) {
            rc = hb_fail(err, HB_METHOD, NULL, "En sendt melding kan ikke endres");
            break;
        }
        in = message_in(res);
        plan_id = ref_id(first(json_object_get(res, "about")), "CarePlan");
        if (!plan_id && (rc = plan_of(s, json_object_get(res, "subject"), "Communication.subject",
                                      &plan_id, err)))
            break;
        rc = hb_care_message_add(s, u, plan_id, in, out_id, err);
        break;
    case HB_CARE_APPOINTMENT:
        in = json_object();
        if (update) {
            put(in, "status", json_string_value(json_object_get(res, "status")), false);
            put(in, "record", json_string_value(json_object_get(res, "comment")), false);
            rc = hb_care_consult_record(s, u, id, in, if_version, err);
            break;
        }
        {
            put(in, "start", json_string_value(json_object_get(res, "start")), false);
            put(in, "purpose", json_string_value(json_object_get(res, "description")), false);
            json_t *md = json_object_get(res, "minutesDuration");
            if (md)
                json_object_set(in, "minutes", md);
            put(in, "videoUrl",
                json_string_value(json_object_get(ext(res, "video-room"), "valueUrl")), false);
            plan_id = ref_id(first(json_object_get(res, "supportingInformation")), "CarePlan");
            if (!plan_id) {
                rc = hb_fail(err, HB_UNPROCESSABLE, "Appointment.supportingInformation",
                             "supportingInformation må vise til pasientens CarePlan");
                break;
            }
            struct hb_db *db = hb_store_acquire(s, err);
            if (!db) {
                rc = HB_UNAVAILABLE;
                break;
            }
            json_t *people;
            rc = people_in(db, json_object_get(res, "participant"), "actor", false, &people, err);
            hb_store_release(s, db);
            if (rc)
                break;
            json_object_set_new(in, "participants", people);
            rc = hb_care_consult_book(s, u, plan_id, in, out_id, err);
        }
        break;
    case HB_CARE_TEAM: {
        struct hb_db *db = hb_store_acquire(s, err);
        if (!db) {
            rc = HB_UNAVAILABLE;
            break;
        }
        json_t *people;
        rc = people_in(db, json_object_get(res, "participant"), "member", true, &people, err);
        hb_store_release(s, db);
        if (rc)
            break;
        if (update) {
            rc = hb_care_team_sync(s, u, id, people, if_version, err);
            json_decref(people);
            break;
        }
        if (json_object_get(res, "subject")) {
            json_decref(people);
            rc = hb_fail(err, HB_UNPROCESSABLE, "CareTeam.subject",
                         "Teamet rundt én pasient opprettes med pasientens CarePlan");
            break;
        }
        in = json_pack("{s:s?,s:s?,s:o}", "kind", code_of(first(json_object_get(res, "category"))),
                       "name", json_string_value(json_object_get(res, "name")), "members", people);
        rc = hb_care_team_create(s, u, in, out_id, err);
        break;
    }
    default:
        rc = hb_fail(err, HB_NOT_FOUND, NULL, "Ukjent ressurstype");
    }
    json_decref(in);
    return as_fhir(t, rc, err);
}
