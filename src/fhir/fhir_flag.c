/* fhir: Flag: discharge-ready cases (one per case) and monitoring alerts, read
 * and searched by patient; each hit checked against the policy and audited. */
#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "../discharge/discharge.h"
#include "../monitor/monitor.h"
#include "../patient/patient.h"
#include "fhir_int.h"
#include "../core/banned.h"

/* Ids are unique across tables: a Flag is a discharge-ready case or an alert. */
static int flag_load(struct hb_db *db, int64_t id, json_t **out, int64_t *patient_id,
                     struct hb_error *err)
{
    int rc = hb_discharge_flag(db, id, out, patient_id, err);
    if (rc == HB_NOT_FOUND)
        rc = hb_monitor_alert_flag(db, id, out, patient_id, err);
    return rc;
}

int hb_fhir_flag_read(struct hb_request *req, struct hb_error *err)
{
    return hb__fhir_read_policed(req, flag_load, "Flag", err);
}

int hb_fhir_flag_search(struct hb_request *req, struct hb_error *err)
{
    static const char *const allowed[] = {"patient", NULL};
    struct hb__fhir_params pp = {.allowed = allowed};
    int rc = hb__fhir_params(req, &pp, err);
    if (rc)
        return rc;
    const char *p = pp.values[0];
    int64_t pid;
    if (!p)
        return hb_fail(err, HB_INVALID, "patient", "Søk på patient=Patient/{id}");
    if (strncmp(p, "Patient/", 8) == 0)
        p += 8;
    if (hb_parse_i64(p, strlen(p), 1, INT64_MAX, &pid) != 0)
        return hb_fail(err, HB_INVALID, "patient", "patient må være Patient/{id}");
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_arena *a = hb_req_arena(req);
    int64_t ids[100];
    struct hb_audit audits[100];
    int n = 0, found = 0;
    json_t *b = hb__fhir_bundle("searchset");
    json_t *entries = json_object_get(b, "entry");
    const char *base = hb__fhir_base(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(b);
        return HB_UNAVAILABLE;
    }
    int nalerts = 0;
    rc = hb_discharge_cases_of(db, pid, ids, 50, &n, err);
    if (rc == 0)
        rc = hb_monitor_alerts_of(db, pid, ids + n, 50, &nalerts, err);
    n += nalerts;
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *flag;
        int vis = hb__fhir_policed(db, u, flag_load, "Flag", ids[i], a, &flag,
                                   &audits[found], "search", err);
        if (vis < 0) {
            rc = vis;
            break;
        }
        if (!vis)
            continue; /* no relation: not disclosed */
        json_array_append_new(entries, json_pack("{s:s,s:o,s:{s:s}}", "fullUrl",
                                                 hb_arena_printf(a, "%s/Flag/%lld", base,
                                                                 (long long)ids[i]),
                                                 "resource", flag, "search", "mode", "match"));
        found++;
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)found, err);
    if (rc) {
        json_decref(b);
        return rc;
    }
    hb__fhir_respond(req, 200, b);
    return 0;
}
