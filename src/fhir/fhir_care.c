/* fhir: the shared-care resources of the careplan module (CareTeam, CarePlan,
 * Goal, Condition, Task, Communication, Appointment): read, vread, history,
 * search with _include, create and update. Every resource about a patient is
 * shown only through the access policy and audited; a standing team (no
 * patient) is shown to staff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../careplan/careplan.h"
#include "../patient/patient.h"
#include "fhir_int.h"

#include "../core/banned.h"

/* Loads resource id of type t and checks u's relation to its patient: 1 and
 * *out (with *audit to write, action NULL for a standing team) when allowed,
 * 0 when not (*audit records the denial), <0 on errors. */
static int care_policed(struct hb_db *db, const struct hb_user *u, enum hb_care_type t, int64_t id,
                        struct hb_arena *a, json_t **out, struct hb_audit *audit,
                        const char *action, struct hb_error *err)
{
    int64_t pid = 0;
    *out = NULL;
    memset(audit, 0, sizeof(*audit));
    int rc = hb_care_fhir_load(db, t, id, out, &pid, err);
    if (rc)
        return rc;
    if (!pid)
        return u->role == HB_ROLE_PATIENT || u->role == HB_ROLE_RELATIVE ? 0 : 1;
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    if ((rc = hb_patient_ref(db, pid, &ref, err)) == 0)
        rc = hb_policy_check(db, u, &ref, a, &relation, &reason, err);
    *audit = (struct hb_audit){
        .patient_id = pid,
        .action = action,
        .what = hb_arena_printf(a, "%s/%lld", hb_care_type_name(t), (long long)id),
        .relation = relation,
        .reason = reason,
        .allowed = rc == 0};
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return rc == HB_FORBIDDEN ? 0 : rc;
    }
    return 1;
}

static int not_found(enum hb_care_type t, int64_t id, struct hb_error *err)
{
    return hb_fail(err, HB_NOT_FOUND, "id", "%s/%lld finnes ikke", hb_care_type_name(t),
                   (long long)id);
}

/* Reads id for action: the resource (new reference) after its audit record is
 * durable, or the error (a denial audited). */
static int open_one(struct hb_request *req, enum hb_care_type t, int64_t id, const char *action,
                    json_t **out, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_audit audit;
    int rc = care_policed(db, u, t, id, hb_req_arena(req), out, &audit, action, err);
    hb_store_release(s, db);
    if (rc == HB_NOT_FOUND)
        return not_found(t, id, err);
    if (rc < 0)
        return rc;
    if (audit.action) {
        struct hb_error aerr = {0};
        if (hb_audit_write(s, u, &audit, 1, &aerr)) { /* no audit record, no data */
            json_decref(*out);
            *err = aerr;
            return aerr.code;
        }
    }
    if (rc == 0)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Du har ingen tjenstlig relasjon til pasienten");
    return 0;
}

static void respond_resource(struct hb_request *req, int status, json_t *res)
{
    const char *v = json_string_value(json_object_get(json_object_get(res, "meta"), "versionId"));
    if (v)
        hb_resp_header(req, "ETag", hb_arena_printf(hb_req_arena(req), "W/\"%s\"", v));
    hb__fhir_respond(req, status, res);
}

/* A read serves the stored JSON as it is: no parse and re-encode. */
static int load_stored(struct hb_db *db, void *ctx, int64_t id, struct hb_arena *a,
                       const char **json, size_t *len, int *version, int64_t *patient_id,
                       struct hb_error *err)
{
    return hb_care_fhir_stored(db, *(enum hb_care_type *)ctx, id, a, json, len, version,
                               patient_id, err);
}

static int care_read(struct hb_request *req, enum hb_care_type t, struct hb_error *err)
{
    return hb__fhir_read_stored(req, hb_care_type_name(t), load_stored, &t, err);
}

static int versions(struct hb_request *req, enum hb_care_type t, int64_t id,
                    struct hb_care_version **v, int *n, struct hb_error *err)
{
    json_t *res;
    int rc = open_one(req, t, id, "history", &res, err);
    if (rc)
        return rc;
    json_decref(res);
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    rc = hb_care_fhir_history(db, t, id, hb_req_arena(req), v, n, err);
    hb_store_release(s, db);
    return rc;
}

static int care_history(struct hb_request *req, enum hb_care_type t, struct hb_error *err)
{
    int64_t id;
    struct hb_care_version *v;
    int n;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc || (rc = versions(req, t, id, &v, &n, err)))
        return rc;
    struct hb_arena *a = hb_req_arena(req);
    const char *base = hb__fhir_base(req), *tn = hb_care_type_name(t);
    json_t *b = hb__fhir_bundle("history");
    json_object_set_new(b, "total", json_integer(n));
    json_t *entries = json_object_get(b, "entry");
    for (int i = 0; i < n; i++)
        hb__fhir_history_entry(entries, base, tn, id, v[i].action, v[i].resource, v[i].version, a);
    hb__fhir_respond(req, 200, b);
    return 0;
}

static int care_vread(struct hb_request *req, enum hb_care_type t, struct hb_error *err)
{
    int64_t id, vid;
    struct hb_care_version *v;
    int n;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *vs = hb_req_param(req, 1);
    if (hb_parse_i64(vs, strlen(vs), 1, 1000000000, &vid) != 0)
        return hb_fail(err, HB_NOT_FOUND, "vid", "Versjonen finnes ikke");
    if ((rc = versions(req, t, id, &v, &n, err)))
        return rc;
    for (int i = 0; i < n; i++)
        if (v[i].version == vid) {
            hb__fhir_respond_stored(req, 200, v[i].resource, strlen(v[i].resource), v[i].version);
            return 0;
        }
    return hb_fail(err, HB_NOT_FOUND, "vid", "%s/%lld har ingen versjon %lld", hb_care_type_name(t),
                   (long long)id, (long long)vid);
}

/* ---- search ---- */
/* The search parameters of each type: its status and date parameters. */
static const struct {
    const char *status, *date;
} params_of[HB_CARE__TYPES] = {
    {"status", "date"},
    {"status", "date"},
    {"lifecycle-status", "target-date"},
    {"clinical-status", "onset-date"},
    {"status", "period"},
    {"status", "sent"},
    {"status", "date"},
};

struct search {
    enum hb_care_type t;
    struct hb_care_query q;
    const char *bad, *include;
    int64_t date_lo, date_hi, upd_lo, upd_hi; /* days / microseconds; 0 none */
    bool bad_value;
    char bad_name[32];
};

/* A FHIR date comparison (eq, ge, gt, le, lt, or none for eq) on a date or the
 * date part of a dateTime, narrowing the half-open range [lo, hi) of days. */
static int date_bound(const char *v, int64_t *lo, int64_t *hi)
{
    static const char *const pre[] = {"eq", "ge", "gt", "le", "lt"};
    int k = 0;
    for (int i = 0; i < 5; i++)
        if (strncmp(v, pre[i], 2) == 0) {
            k = i;
            v += 2;
        }
    char day[11];
    int64_t d;
    if (strlen(v) < 10 || (v[10] && v[10] != 'T'))
        return HB_INVALID;
    memcpy(day, v, 10);
    day[10] = '\0';
    if (hb_date_days(day, &d) != 0)
        return HB_INVALID;
    if (k == 0 || k == 1 || k == 2)
        *lo = k == 2 ? d + 1 : d;
    if (k == 0 || k == 3 || k == 4)
        *hi = k == 4 ? d : d + 1;
    return 0;
}

static int collect(void *arg, const char *key, const char *value)
{
    struct search *s = arg;
    int64_t v;
    if (strcmp(key, "_format") == 0 || strcmp(key, "_pretty") == 0)
        return 0;
    if (strcmp(key, "patient") == 0 || strcmp(key, "subject") == 0) {
        const char *id = strncmp(value, "Patient/", 8) == 0 ? value + 8 : value;
        if (hb_parse_i64(id, strlen(id), 1, INT64_MAX, &s->q.patient_id) != 0)
            goto bad;
    } else if (strcmp(key, params_of[s->t].status) == 0) {
        s->q.status = value;
    } else if (strcmp(key, params_of[s->t].date) == 0) {
        if (date_bound(value, &s->date_lo, &s->date_hi) != 0)
            goto bad;
    } else if (strcmp(key, "_lastUpdated") == 0) {
        if (date_bound(value, &s->upd_lo, &s->upd_hi) != 0)
            goto bad;
    } else if (strcmp(key, "_count") == 0) {
        if (hb_parse_i64(value, strlen(value), 1, 100, &v) != 0)
            goto bad;
        s->q.count = (int)v;
    } else if (strcmp(key, "_cursor") == 0) {
        if (hb_parse_i64(value, strlen(value), 1, INT64_MAX, &s->q.before) != 0)
            goto bad;
    } else if (strcmp(key, "_include") == 0 && s->t == HB_CARE_PLAN &&
               (strcmp(value, "CarePlan:goal") == 0 ||
                strcmp(value, "CarePlan:activity-reference") == 0 || strcmp(value, "*") == 0)) {
        /* both may be asked for: remember which */
        s->include = !s->include || strcmp(s->include, value) == 0 ? value : "*";
    } else {
        snprintf(s->bad_name, sizeof(s->bad_name), "%s", key);
        return 1;
    }
    return 0;
bad:
    snprintf(s->bad_name, sizeof(s->bad_name), "%s", key);
    s->bad_value = true;
    return 1;
}

static void add_entry(json_t *entries, const char *base, enum hb_care_type t, int64_t id,
                      json_t *res, const char *mode, struct hb_arena *a)
{
    json_array_append_new(entries, json_pack("{s:s,s:o,s:{s:s}}", "fullUrl",
                                             hb_arena_printf(a, "%s/%s/%lld", base,
                                                             hb_care_type_name(t), (long long)id),
                                             "resource", res, "search", "mode", mode));
}

static int care_search(struct hb_request *req, enum hb_care_type t, struct hb_error *err)
{
    struct search sp = {.t = t, .q = {.count = 20}};
    hb_req_each_query(req, collect, &sp);
    struct hb_arena *a = hb_req_arena(req);
    if (sp.bad_name[0])
        return hb_fail(err, HB_INVALID, hb_arena_strdup(a, sp.bad_name),
                       sp.bad_value ? "Ugyldig verdi for %s"
                                    : "Søkeparameteren %s støttes ikke her",
                       hb_arena_strdup(a, sp.bad_name));
    char from[16], to[16];
    if (sp.date_lo) {
        hb_days_date(sp.date_lo, from, sizeof(from));
        sp.q.date_from = from;
    }
    if (sp.date_hi) {
        hb_days_date(sp.date_hi, to, sizeof(to));
        sp.q.date_to = to;
    }
    sp.q.updated_from = sp.upd_lo * 86400 * 1000000;
    sp.q.updated_to = sp.upd_hi * 86400 * 1000000;
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    int want = sp.q.count;
    sp.q.count = want * 2 + 10;
    int64_t *ids = hb_arena_alloc(a, sizeof(*ids) * (size_t)sp.q.count);
    enum { MAX_AUDIT = 100 * 60 };
    struct hb_audit *audits = hb_arena_alloc(a, sizeof(*audits) * MAX_AUDIT);
    int naudit = 0, found = 0, n = 0;
    int64_t next = 0;
    json_t *b = hb__fhir_bundle("searchset"), *entries = json_object_get(b, "entry");
    const char *base = hb__fhir_base(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(b);
        return HB_UNAVAILABLE;
    }
    int rc = hb_care_fhir_search(db, t, &sp.q, ids, &n, err);
    for (int i = 0; rc == 0 && i < n && found < want; i++) {
        json_t *res;
        struct hb_audit audit;
        int vis = care_policed(db, u, t, ids[i], a, &res, &audit, "search", err);
        if (vis < 0) {
            rc = vis;
            break;
        }
        if (!vis)
            continue; /* no relation: not a hit, and not disclosed */
        if (audit.action && naudit < MAX_AUDIT)
            audits[naudit++] = audit;
        add_entry(entries, base, t, ids[i], res, "match", a);
        found++;
        if (found == want && (i + 1 < n || n == sp.q.count))
            next = ids[i];
        if (!sp.include)
            continue;
        /* The plan's goals and tasks, as the same user may see them. */
        for (int k = 0; k < 2 && rc == 0; k++) {
            enum hb_care_type it = k == 0 ? HB_CARE_GOAL : HB_CARE_TASK;
            if ((k == 0 && strcmp(sp.include, "CarePlan:activity-reference") == 0) ||
                (k == 1 && strcmp(sp.include, "CarePlan:goal") == 0))
                continue;
            struct hb_care_query iq = {.plan_id = ids[i], .count = 50};
            int64_t inc[50];
            int ni = 0;
            if ((rc = hb_care_fhir_search(db, it, &iq, inc, &ni, err)))
                break;
            for (int j = 0; j < ni; j++) {
                json_t *ir;
                struct hb_audit ia;
                int iv = care_policed(db, u, it, inc[j], a, &ir, &ia, "search", err);
                if (iv < 0) {
                    rc = iv;
                    break;
                }
                if (!iv)
                    continue;
                if (ia.action && naudit < MAX_AUDIT)
                    audits[naudit++] = ia;
                add_entry(entries, base, it, inc[j], ir, "include", a);
            }
        }
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(b);
        return rc;
    }
    const char *tn = hb_care_type_name(t);
    json_t *links =
        json_pack("[{s:s,s:s}]", "relation", "self", "url", hb_arena_printf(a, "%s/%s", base, tn));
    if (next) {
        struct hb_buf qs;
        hb_buf_init(&qs, 0);
        hb_buf_addf(&qs, "%s/%s?_count=%d&_cursor=%lld", base, tn, want, (long long)next);
        if (sp.q.patient_id)
            hb_buf_addf(&qs, "&patient=%lld", (long long)sp.q.patient_id);
        if (sp.q.status &&
            strspn(sp.q.status, "abcdefghijklmnopqrstuvwxyz-") == strlen(sp.q.status))
            hb_buf_addf(&qs, "&%s=%s", params_of[t].status, sp.q.status);
        json_array_append_new(links, json_pack("{s:s,s:s}", "relation", "next", "url", qs.ptr));
        hb_buf_release(&qs);
    }
    json_object_set_new(b, "link", links);
    hb__fhir_respond(req, 200, b);
    return 0;
}

/* ---- writes ---- */
static int if_match(struct hb_request *req, int *out, struct hb_error *err)
{
    const char *im = hb_req_header(req, "If-Match");
    *out = 0;
    if (!im)
        return 0;
    int64_t v;
    if (strncmp(im, "W/", 2) == 0)
        im += 2;
    size_t n = strlen(im);
    if (n < 3 || im[0] != '"' || im[n - 1] != '"' || hb_parse_i64(im + 1, n - 2, 1, 1000000000, &v))
        return hb_fail(err, HB_INVALID, "If-Match", "If-Match må være W/\"versjon\"");
    *out = (int)v;
    return 0;
}

static int care_write(struct hb_request *req, enum hb_care_type t, bool update,
                      struct hb_error *err)
{
    int64_t id = 0, out_id;
    int version = 0, rc;
    if (update && ((rc = hb_app_id_param(req, 0, &id, err)) || (rc = if_match(req, &version, err))))
        return rc;
    if ((rc = hb_care_fhir_write(hb_app_store(req), hb_app_user(req), t, id, hb_req_json(req),
                                 version, &out_id, err)))
        return rc;
    json_t *res;
    if ((rc = open_one(req, t, out_id, update ? "update" : "create", &res, err)))
        return rc;
    const char *v = json_string_value(json_object_get(json_object_get(res, "meta"), "versionId"));
    hb_resp_header(req, "Location",
                   hb_arena_printf(hb_req_arena(req), "/fhir/%s/%lld/_history/%s",
                                   hb_care_type_name(t), (long long)out_id, v ? v : "1"));
    respond_resource(req, update ? 200 : 201, res);
    return 0;
}

/* One handler per type and interaction, for the route table. */
#define CARE_HANDLERS(name, type)                                                                  \
    int hb_fhir_##name##_read(struct hb_request *req, struct hb_error *err)                        \
    {                                                                                              \
        return care_read(req, type, err);                                                          \
    }                                                                                              \
    int hb_fhir_##name##_vread(struct hb_request *req, struct hb_error *err)                       \
    {                                                                                              \
        return care_vread(req, type, err);                                                         \
    }                                                                                              \
    int hb_fhir_##name##_history(struct hb_request *req, struct hb_error *err)                     \
    {                                                                                              \
        return care_history(req, type, err);                                                       \
    }                                                                                              \
    int hb_fhir_##name##_search(struct hb_request *req, struct hb_error *err)                      \
    {                                                                                              \
        return care_search(req, type, err);                                                        \
    }                                                                                              \
    int hb_fhir_##name##_create(struct hb_request *req, struct hb_error *err)                      \
    {                                                                                              \
        return care_write(req, type, false, err);                                                  \
    }                                                                                              \
    int hb_fhir_##name##_update(struct hb_request *req, struct hb_error *err)                      \
    {                                                                                              \
        return care_write(req, type, true, err);                                                   \
    }

HB_FHIR_CARE_TYPES(CARE_HANDLERS)

/* ---- CapabilityStatement ---- */
void hb__fhir_care_capabilities(json_t *rest)
{
    static const char *const doc[HB_CARE__TYPES] = {
        "Standing teams (PSHT, FACT, home care) and the micro-team around one patient; "
        "participants ending is period.end",
        "One active shared plan per patient; _include=CarePlan:goal and "
        "CarePlan:activity-reference (Task)",
        "Goals, in the patient's own words where expressedBy is the Patient",
        "Health issues (ICPC-2 urn:oid:2.16.578.1.12.4.1.1.7170 or ICD-10 "
        "urn:oid:2.16.578.1.12.4.1.1.7110)",
        "Tasks of the plan; due date is restriction.period.end; a system with a bearer token "
        "may create them",
        "The plan's thread; a question to a specialist has a recipient Organization. Sent "
        "messages are not changed (no update)",
        "Co-consultations; update records the outcome (status fulfilled or cancelled, "
        "comment)",
    };
    for (int t = 0; t < HB_CARE__TYPES; t++) {
        const char *tn = hb_care_type_name((enum hb_care_type)t);
        json_t *inter =
            json_pack("[{s:s},{s:s},{s:s},{s:s},{s:s}]", "code", "read", "code", "vread", "code",
                      "history-instance", "code", "search-type", "code", "create");
        if (t != HB_CARE_COMMUNICATION)
            json_array_append_new(inter, json_pack("{s:s}", "code", "update"));
        json_t *sp =
            json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s,s:s},{s:s,s:s},{s:s,s:s}]", "name",
                      "patient", "type", "reference", "name", "subject", "type", "reference",
                      "name", params_of[t].status, "type", "token", "name", params_of[t].date,
                      "type", "date", "documentation", "eq (default), ge, gt, le, lt on a date",
                      "name", "_lastUpdated", "type", "date", "name", "_count", "type", "number");
        json_t *r = json_pack("{s:s,s:s+,s:s,s:o,s:s,s:b,s:o}", "type", tn, "profile",
                              "http://hl7.org/fhir/StructureDefinition/", tn, "documentation",
                              doc[t], "interaction", inter, "versioning", "versioned-update",
                              "readHistory", 1, "searchParam", sp);
        if (t == HB_CARE_PLAN)
            json_object_set_new(r, "searchInclude",
                                json_pack("[s,s]", "CarePlan:goal", "CarePlan:activity-reference"));
        json_array_append_new(rest, r);
    }
}
