/* monitor: /api handlers: vital signs, the chart, monitoring settings, the
 * dashboard, acting on alerts and the monitor pass. */
#include "monitor_api.h"

#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../core/json.h"
#include "monitor.h"

#include "../core/banned.h"

/* A value as text: a string, or a number exactly as written. */
static const char *value_text(json_t *v)
{
    const char *n = hb_json_number(v);
    return n ? n : json_string_value(v);
}

int hb_api_vitals_add(struct hb_request *req, struct hb_error *err)
{
    int64_t pid;
    int rc = hb_app_id_param(req, 0, &pid, err);
    if (rc)
        return rc;
    json_t *body = hb_req_json(req), *values = json_object_get(body, "values");
    if (!json_is_object(values) || !json_object_size(values) || json_object_size(values) > 16)
        return hb_fail(err, HB_INVALID, "values",
                       "values er målingene, for eksempel {\"pulse\": \"72\", \"temperature\": "
                       "\"37,5\"}");
    int64_t at = 0;
    json_t *atv = json_object_get(body, "at");
    if (atv && (!json_is_string(atv) || hb_parse_instant(json_string_value(atv), &at) != 0))
        return hb_fail(err, HB_INVALID, "at", "at er tidspunktet, som 2026-11-25T08:00:00+01:00");
    const struct hb_user *u = hb_app_user(req);
    struct hb_obs obs[16];
    int n = 0;
    const char *kind;
    json_t *v;
    json_object_foreach(values, kind, v)
    {
        const struct hb_vital *vital = hb_vital_by_kind(kind);
        if (!vital)
            return hb_fail(err, HB_INVALID, "values", "Ukjent måling: %s",
                           hb_arena_strdup(hb_req_arena(req), kind));
        memset(&obs[n], 0, sizeof(obs[n]));
        obs[n].patient_id = pid;
        obs[n].at = at;
        obs[n].source = u->role == HB_ROLE_PATIENT ? "home" : "unit";
        if ((rc = hb_obs_value(vital, value_text(v), kind, &obs[n], err)))
            return rc;
        n++;
    }
    if ((rc = hb_monitor_ingest(hb_app_store(req), u, obs, n, err)))
        return rc;
    json_t *ids = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(ids, json_sprintf("%lld", (long long)obs[i].id));
    hb_resp_json(req, 201, json_pack("{s:o}", "ids", ids));
    return 0;
}

int hb_api_vitals_chart(struct hb_request *req, struct hb_error *err)
{
    int64_t pid, days = 7;
    int rc = hb_app_id_param(req, 0, &pid, err);
    if (rc)
        return rc;
    const char *d = hb_req_query(req, "days");
    if (d && hb_parse_i64(d, strlen(d), 1, 90, &days) != 0)
        return hb_fail(err, HB_INVALID, "days", "days er 1-90");
    json_t *j;
    if ((rc = hb_monitor_chart(hb_app_store(req), hb_app_user(req), pid, (int)days,
                               hb_req_arena(req), &j, err)))
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

int hb_api_monitoring_set(struct hb_request *req, struct hb_error *err)
{
    int64_t pid;
    int rc = hb_app_id_param(req, 0, &pid, err);
    if (rc ||
        (rc = hb_monitor_set(hb_app_store(req), hb_app_user(req), pid, hb_req_json(req), err)))
        return rc;
    return hb_api_vitals_chart(req, err);
}

int hb_api_monitor_dashboard(struct hb_request *req, struct hb_error *err)
{
    json_t *j;
    int rc = hb_monitor_dashboard(hb_app_store(req), hb_app_user(req), hb_now_us(),
                                  hb_req_arena(req), &j, err);
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

int hb_api_alert_act(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    json_t *note = json_object_get(hb_req_json(req), "note");
    if (note && !json_is_string(note))
        return hb_fail(err, HB_INVALID, "note", "note er tekst");
    if ((rc = hb_monitor_alert_act(hb_app_store(req), hb_app_user(req), id, hb_req_param(req, 1),
                                   json_string_value(note), err)))
        return rc;
    hb_app_respond_id(req, 200, id);
    return 0;
}

int hb_api_monitor_tick(struct hb_request *req, struct hb_error *err)
{
    int64_t at = hb_now_us();
    json_t *v = json_object_get(hb_req_json(req), "at");
    if (v) {
        if (!((struct hb_app *)hb_req_app(req))->test_clock)
            return hb_fail(err, HB_FORBIDDEN, "at",
                           "Passet kjøres med klokka nå; «at» er bare for tester (serve "
                           "--test-clock)");
        if (!json_is_string(v) || hb_parse_instant(json_string_value(v), &at) != 0)
            return hb_fail(err, HB_INVALID, "at", "at er et tidspunkt");
    }
    int escalated = 0, missed = 0, sent = 0, failed = 0;
    int rc = hb_monitor_tick(hb_app_store(req), at, &escalated, &missed, err);
    if (rc || (rc = hb_monitor_deliver(hb_app_store(req), at, &sent, &failed, err)))
        return rc;
    hb_resp_json(req, 200,
                 json_pack("{s:i,s:i,s:i,s:i}", "escalated", escalated, "missed", missed, "sent",
                           sent, "failed", failed));
    return 0;
}
