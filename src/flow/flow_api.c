/* flow: /api/capacity and /api/units/{id}. No patient data here. */
#include "flow_api.h"

#include "../app.h"
#include "../org/org.h"
#include "flow.h"
#include "../core/banned.h"

int hb_api_capacity(struct hb_request *req, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *j;
    int rc = hb_flow_capacity(db, hb_req_arena(req), &j, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

int hb_api_unit_get(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_org o;
    json_t *codes = NULL;
    rc = hb_org_get(db, id, hb_req_arena(req), &o, err);
    if (rc == 0 && !o.unit_type)
        rc = hb_fail(err, HB_NOT_FOUND, "id", "Enhet %lld finnes ikke", (long long)id);
    if (rc == 0)
        rc = hb_flow_unit_capabilities(db, id, &codes, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    const struct hb_user *u = hb_app_user(req);
    hb_resp_json(req, 200,
                 json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:i,s:i,s:o,s:o,s:b}", "id",
                           hb_req_param(req, 0), "name", o.name, "unitType", o.unit_type,
                           "unitTypeLabel", hb_unit_type_label(o.unit_type), "owner",
                           o.parent_name, "beds", o.beds, "version", o.version, "capabilities",
                           codes, "capabilityList", hb_capability_list(), "canEdit",
                           u->role == HB_ROLE_ADMIN || u->org_id == id));
    return 0;
}

int hb_api_unit_put(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    json_t *body = hb_req_json(req);
    json_t *beds = json_object_get(body, "beds"), *version = json_object_get(body, "version");
    if (!json_is_integer(beds))
        return hb_fail(err, HB_INVALID, "beds", "beds må være et heltall (antall senger)");
    if (!json_is_integer(version))
        return hb_fail(err, HB_INVALID, "version",
                       "version mangler: send versjonen du hentet, så ingen endring går tapt");
    json_int_t b = json_integer_value(beds), v = json_integer_value(version);
    if (v < 1 || v > 1000000000)
        return hb_fail(err, HB_INVALID, "version", "Ugyldig versjon");
    int new_version;
    if ((rc = hb_flow_unit_update(hb_app_store(req), hb_app_user(req), id,
                                  b < -1 || b > 100000 ? -1 : (int)b,
                                  json_object_get(body, "capabilities"), (int)v, &new_version,
                                  err)))
        return rc;
    hb_resp_json(req, 200, json_pack("{s:i}", "version", new_version));
    return 0;
}
