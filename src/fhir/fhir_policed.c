/* fhir: resources about a patient that belong to other modules (Encounter,
 * Flag): loaded by the module, shown only through the access policy, audited. */
#include <stdio.h>

#include "../app.h"
#include "../patient/patient.h"
#include "fhir_int.h"
#include "../core/banned.h"

int hb__fhir_policed(struct hb_db *db, const struct hb_user *u, hb__fhir_loader load,
                     const char *rtype, int64_t id, struct hb_arena *a, json_t **out,
                     struct hb_audit *audit, const char *action, struct hb_error *err)
{
    int64_t pid;
    int rc = load(db, id, out, &pid, err);
    if (rc)
        return rc;
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    if ((rc = hb_patient_ref(db, pid, &ref, err)) == 0)
        rc = hb_policy_check(db, u, &ref, a, &relation, &reason, err);
    *audit = (struct hb_audit){.patient_id = pid, .action = action,
                               .what = hb_arena_printf(a, "%s/%lld", rtype, (long long)id),
                               .relation = relation, .reason = reason, .allowed = rc == 0};
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return rc == HB_FORBIDDEN ? 0 : rc;
    }
    return 1;
}

int hb__fhir_read_policed(struct hb_request *req, hb__fhir_loader load, const char *rtype,
                          struct hb_error *err)
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
    json_t *res = NULL;
    struct hb_audit audit;
    rc = hb__fhir_policed(db, u, load, rtype, id, hb_req_arena(req), &res, &audit, "read", err);
    hb_store_release(s, db);
    if (rc == HB_NOT_FOUND)
        return hb_fail(err, HB_NOT_FOUND, "id", "%s/%lld finnes ikke", rtype, (long long)id);
    if (rc < 0)
        return rc;
    struct hb_error aerr = {0};
    if (hb_audit_write(s, u, &audit, 1, &aerr)) { /* no audit record, no data */
        json_decref(res);
        *err = aerr;
        return aerr.code;
    }
    if (rc == 0)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Du har ingen tjenstlig relasjon til pasienten");
    hb__fhir_respond(req, 200, res);
    return 0;
}

int hb__fhir_read_stored(struct hb_request *req, const char *rtype, hb__fhir_text_loader load,
                         void *ctx, struct hb_error *err)
{
    int64_t id, pid = 0;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_arena *a = hb_req_arena(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    const char *json = NULL, *relation = NULL, *reason = NULL;
    size_t len = 0;
    int version = 0;
    struct hb_patient_ref ref;
    rc = load(db, ctx, id, a, &json, &len, &version, &pid, err);
    if (rc == 0 && pid && (rc = hb_patient_ref(db, pid, &ref, err)) == 0)
        rc = hb_policy_check(db, u, &ref, a, &relation, &reason, err);
    else if (rc == 0 && !pid && (u->role == HB_ROLE_PATIENT || u->role == HB_ROLE_RELATIVE))
        rc = hb_fail(err, HB_FORBIDDEN, NULL, "Dette vises for helsepersonell");
    hb_store_release(s, db);
    if (rc == HB_NOT_FOUND)
        return hb_fail(err, HB_NOT_FOUND, "id", "%s/%lld finnes ikke", rtype, (long long)id);
    if (rc && rc != HB_FORBIDDEN)
        return rc;
    if (pid) { /* allowed or not, the access is audited before any data leaves */
        struct hb_audit audit = {.patient_id = pid, .action = "read",
                                 .what = hb_arena_printf(a, "%s/%lld", rtype, (long long)id),
                                 .relation = relation, .reason = reason, .allowed = rc == 0};
        struct hb_error aerr = {0};
        if (hb_audit_write(s, u, &audit, 1, &aerr)) {
            *err = aerr;
            return aerr.code;
        }
    }
    if (rc)
        return rc;
    hb__fhir_respond_stored(req, 200, json, len, version);
    return 0;
}
