/* org: /api/orgs for the web UI. No patient data here. */
#include "org_api.h"

#include "../app.h"
#include "org.h"

#include "../core/banned.h"

int hb_api_org_overview(struct hb_request *req, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *j;
    int rc = hb_org_overview(db, hb_req_arena(req), &j, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}
