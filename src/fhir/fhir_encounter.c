/* fhir: Encounter (the stays of the patient-flow module), read and search,
 * each hit checked against the access policy and audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../flow/flow.h"
#include "../patient/patient.h"
#include "fhir_int.h"
#include "../core/banned.h"

int hb_fhir_encounter_read(struct hb_request *req, struct hb_error *err)
{
    return hb__fhir_read_policed(req, hb_flow_encounter, "Encounter", err);
}

/* "Type/123" or "123" into an id. */
static int reference(const char *v, const char *type, int64_t *id)
{
    size_t tl = strlen(type);
    if (strncmp(v, type, tl) == 0 && v[tl] == '/')
        v += tl + 1;
    return hb_parse_i64(v, strlen(v), 1, INT64_MAX, id);
}

int hb_fhir_encounter_search(struct hb_request *req, struct hb_error *err)
{
    static const char *const allowed[] = {"patient", "location", "status", "date",
                                          "_count",  "_cursor",  NULL};
    struct hb__fhir_params pp = {.allowed = allowed};
    int prc = hb__fhir_params(req, &pp, err);
    if (prc)
        return prc;
    struct hb_stay_query q = {.count = 20};
    const char *patient = pp.values[0], *location = pp.values[1], *status = pp.values[2],
               *date = pp.values[3], *count = pp.values[4], *cursor = pp.values[5];
    int64_t v;
    if (patient && reference(patient, "Patient", &q.patient_id) != 0)
        return hb_fail(err, HB_INVALID, "patient", "patient må være Patient/{id}");
    if (location && reference(location, "Location", &q.unit_id) != 0)
        return hb_fail(err, HB_INVALID, "location", "location må være Location/{id}");
    if (status && strcmp(status, "in-progress") != 0 && strcmp(status, "finished") != 0)
        return hb_fail(err, HB_INVALID, "status", "status må være in-progress eller finished");
    q.status = status;
    if (date) {
        int64_t days;
        if (hb_date_days(strncmp(date, "eq", 2) == 0 ? date + 2 : date, &days) != 0)
            return hb_fail(err, HB_INVALID, "date", "date må være en dato ÅÅÅÅ-MM-DD");
        q.day_start = days * 86400 * 1000000LL; /* the day in UTC */
    }
    if (count && hb_parse_i64(count, strlen(count), 1, 100, &v) == 0)
        q.count = (int)v;
    else if (count)
        return hb_fail(err, HB_INVALID, "_count", "_count må være 1-100");
    if (cursor && hb_parse_i64(cursor, strlen(cursor), 0, INT64_MAX, &q.after) != 0)
        return hb_fail(err, HB_INVALID, "_cursor", "Ugyldig _cursor");
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_arena *a = hb_req_arena(req);
    int want = q.count;
    q.count = want * 2 + 10;
    int64_t *ids = hb_arena_alloc(a, sizeof(*ids) * (size_t)q.count);
    struct hb_audit *audits = hb_arena_alloc(a, sizeof(*audits) * (size_t)want);
    json_t *entries = json_array();
    const char *base = hb__fhir_base(req);
    int found = 0, n = 0, rc;
    int64_t next = 0;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(entries);
        return HB_UNAVAILABLE;
    }
    rc = hb_flow_stay_search(db, &q, ids, &n, err);
    for (int i = 0; rc == 0 && i < n && found < want; i++) {
        json_t *enc = NULL;
        struct hb_audit audit;
        int vis = hb__fhir_policed(db, u, hb_flow_encounter, "Encounter", ids[i], a, &enc,
                                   &audit, "search", err);
        if (vis < 0) {
            rc = vis;
            break;
        }
        if (!vis)
            continue; /* no relation: not a hit, and not disclosed */
        audits[found++] = audit;
        json_array_append_new(entries, json_pack("{s:s,s:o,s:{s:s}}", "fullUrl",
                                                 hb_arena_printf(a, "%s/Encounter/%lld", base,
                                                                 (long long)ids[i]),
                                                 "resource", enc, "search", "mode", "match"));
        if (found == want && (i + 1 < n || n == q.count))
            next = ids[i];
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)found, err);
    if (rc) {
        json_decref(entries);
        return rc;
    }
    json_t *b = hb__fhir_bundle("searchset");
    json_object_set(b, "entry", entries);
    json_decref(entries);
    json_t *links = json_pack("[{s:s,s:s}]", "relation", "self", "url",
                              hb_arena_printf(a, "%s/Encounter", base));
    if (next)
        json_array_append_new(
            links, json_pack("{s:s,s:s}", "relation", "next", "url",
                             hb_arena_printf(a, "%s/Encounter?_count=%d&_cursor=%lld%s%s%s%s%s%s",
                                             base, want, (long long)next,
                                             q.patient_id ? "&patient=" : "",
                                             q.patient_id ? hb_arena_printf(a, "%lld", (long long)q.patient_id) : "",
                                             q.unit_id ? "&location=" : "",
                                             q.unit_id ? hb_arena_printf(a, "%lld", (long long)q.unit_id) : "",
                                             status ? "&status=" : "", status ? status : "")));
    json_object_set_new(b, "link", links);
    hb__fhir_respond(req, 200, b);
    return 0;
}
