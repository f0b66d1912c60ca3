/* Helpers shared by the API handlers of every module. */
#include "app.h"

#include <string.h>

#include "core/banned.h"

int hb_app_id_param(struct hb_request *req, int i, int64_t *id, struct hb_error *err)
{
    const char *s = hb_req_param(req, i);
    if (!s || hb_parse_i64(s, strlen(s), 1, INT64_MAX, id) != 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Finnes ikke: %s er ikke en gyldig id",
                       s && strlen(s) < 40 ? s : "id");
    return 0;
}

void hb_app_respond_id(struct hb_request *req, int status, int64_t id)
{
    hb_resp_json(req, status, json_pack("{s:s}", "id",
                                        hb_arena_printf(hb_req_arena(req), "%lld", (long long)id)));
}
