/* fhir: Flag for discharge-ready patients (one per case), read and search by
 * patient; each hit checked against the policy and audited. */
#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "../discharge/discharge.h"
#include "../patient/patient.h"
#include "fhir_int.h"
#include "../core/banned.h"

/* 1: u may see the case's patient (flag in *out), 0: not (audited as denied), <0. */
static int flag_for(struct hb_db *db, const struct hb_user *u, int64_t id, struct hb_arena *a,
                    json_t **out, struct hb_audit *audit, const char *action,
                    struct hb_error *err)
{
    int64_t pid;
    int rc = hb_discharge_flag(db, id, out, &pid, err);
    if (rc)
        return rc;
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    if ((rc = hb_patient_ref(db, pid, &ref, err)) == 0)
        rc = hb_policy_check(db, u, &ref, a, &relation, &reason, err);
    *audit = (struct hb_audit){.patient_id = pid, .action = action,
                               .what = hb_arena_printf(a, "Flag/%lld", (long long)id),
                               .relation = relation, .reason = reason, .allowed = rc == 0};
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return rc == HB_FORBIDDEN ? 0 : rc;
    }
    return 1;
}

int hb_fhir_flag_read(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *flag = NULL;
    struct hb_audit audit;
    rc = flag_for(db, u, id, hb_req_arena(req), &flag, &audit, "read", err);
    hb_store_release(s, db);
    if (rc == HB_NOT_FOUND)
        return hb_fail(err, HB_NOT_FOUND, "id", "Flag/%lld finnes ikke", (long long)id);
    if (rc < 0)
        return rc;
    struct hb_error aerr = {0};
    if (hb_audit_write(s, u, &audit, 1, &aerr)) {
        json_decref(flag);
        *err = aerr;
        return aerr.code;
    }
    if (rc == 0)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Du har ingen tjenstlig relasjon til pasienten");
    hb__fhir_respond(req, 200, flag);
    return 0;
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
    int64_t ids[50];
    struct hb_audit audits[50];
    int n = 0, found = 0;
    json_t *b = hb__fhir_bundle("searchset");
    json_t *entries = json_object_get(b, "entry");
    const char *base = hb__fhir_base(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(b);
        return HB_UNAVAILABLE;
    }
    rc = hb_discharge_cases_of(db, pid, ids, 50, &n, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *flag;
        int vis = flag_for(db, u, ids[i], a, &flag, &audits[found], "search", err);
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
