/* fhir: Subscription (R4 rest-hook) for new monitoring alerts: create, read
 * (its owner) and $replay from a point in time. */
#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "../monitor/monitor.h"
#include "fhir_int.h"

#include "../core/banned.h"

static int respond(struct hb_request *req, int status, int64_t id, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *res = NULL;
    int64_t owner = 0;
    int rc = hb_monitor_subscription_fhir(db, id, &res, &owner, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    if (owner != hb_app_user(req)->id) {
        json_decref(res);
        return hb_fail(err, HB_FORBIDDEN, NULL, "Abonnementet tilhører en annen bruker");
    }
    if (status == 201)
        hb_resp_header(
            req, "Location",
            hb_arena_printf(hb_req_arena(req), "/fhir/Subscription/%lld", (long long)id));
    hb__fhir_respond(req, status, res);
    return 0;
}

int hb_fhir_subscription_create(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_monitor_subscribe(hb_app_store(req), hb_app_user(req), hb_req_json(req), &id, err);
    return rc ? rc : respond(req, 201, id, err);
}

int hb_fhir_subscription_read(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    return rc ? rc : respond(req, 200, id, err);
}

int hb_fhir_subscription_replay(struct hb_request *req, struct hb_error *err)
{
    int64_t id, since = 0;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *s = hb_req_query(req, "since");
    if (!s || hb_parse_instant(s, &since) != 0)
        return hb_fail(err, HB_INVALID, "since",
                       "Oppgi since=tidspunkt (ISO 8601 med tidssone) å spille av fra");
    if ((rc = hb_monitor_replay(hb_app_store(req), hb_app_user(req), id, since, err)))
        return rc;
    return respond(req, 200, id, err);
}
