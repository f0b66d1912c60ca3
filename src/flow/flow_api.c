/* flow: /api/capacity and /api/units/{id}. No patient data here. */
#include "flow_api.h"

#include <string.h>

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
    json_t *codes = NULL, *serves = NULL;
    rc = hb_org_get_unit(db, id, hb_req_arena(req), &o, "id", err);
    if (rc == 0)
        rc = hb_flow_unit_capabilities(db, id, &codes, err);
    if (rc == 0)
        rc = hb_org_serves_get(db, id, &serves, err);
    hb_store_release(s, db);
    if (rc) {
        json_decref(codes);
        return rc;
    }
    const struct hb_user *u = hb_app_user(req);
    hb_resp_json(req, 200,
                 json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:i,s:i,s:o,s:o,s:o,s:b}", "id",
                           hb_req_param(req, 0), "name", o.name, "unitType", o.unit_type,
                           "unitTypeLabel", hb_unit_type_label(o.unit_type), "owner", o.parent_name,
                           "beds", o.beds, "version", o.version, "capabilities", codes,
                           "capabilityList", hb_capability_list(), "serves", serves, "canEdit",
                           u->role == HB_ROLE_ADMIN || u->org_id == id));
    return 0;
}

/* PUT /api/units/{id}/serves {"municipalities": ["4631", ...]}: the
 * municipalities an inter-municipal unit serves (an agreement between them:
 * administrators only); an empty list: only its owner. */
int hb_api_unit_serves_put(struct hb_request *req, struct hb_error *err)
{
    struct hb_org_serves c = {.user = hb_app_user(req)->id};
    int rc = hb_app_id_param(req, 0, &c.unit, err);
    if (rc)
        return rc;
    json_t *list = json_object_get(hb_req_json(req), "municipalities");
    if (!json_is_array(list) || json_array_size(list) > HB_ORG_MAX_SERVED)
        return hb_fail(err, HB_INVALID, "municipalities",
                       "municipalities må være en liste med inntil %d kommunenummer",
                       HB_ORG_MAX_SERVED);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *nr = json_string_value(v);
        int64_t num;
        if (!nr || strlen(nr) != 4 || hb_parse_i64(nr, 4, 0, 9999, &num))
            return hb_fail(err, HB_INVALID, "municipalities",
                           "Kommunenummer nr. %zu er ikke fire sifre", i + 1);
        c.nrs[c.n++] = nr;
    }
    if ((rc = hb_store_write(hb_app_store(req), hb_org_serves_tx, &c, err)))
        return rc;
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *serves = NULL;
    rc = hb_org_serves_get(db, c.unit, &serves, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    hb_resp_json(req, 200, json_pack("{s:o}", "serves", serves));
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
    if ((rc = hb_flow_unit_update(
             hb_app_store(req), hb_app_user(req), id, b < -1 || b > 100000 ? -1 : (int)b,
             json_object_get(body, "capabilities"), (int)v, &new_version, err)))
        return rc;
    hb_resp_json(req, 200, json_pack("{s:i}", "version", new_version));
    return 0;
}

/* ---- the bed board and stays ---- */
int hb_api_board(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    json_t *j;
    if ((rc = hb_flow_board(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &j, err)))
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

/* An id in a JSON body, as a string of digits or a number. */
static int body_id(json_t *body, const char *key, int64_t *out, struct hb_error *err)
{
    json_t *v = json_object_get(body, key);
    const char *s = json_string_value(v);
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = json_integer_value(v);
        return 0;
    }
    if (s && hb_parse_i64(s, strlen(s), 1, INT64_MAX, out) == 0)
        return 0;
    return hb_fail(err, HB_INVALID, key, "%s må være en id", key);
}

static int body_bed(json_t *body, int *bed, struct hb_error *err)
{
    json_t *v = json_object_get(body, "bed");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 500)
        return hb_fail(err, HB_INVALID, "bed", "bed må være et sengenummer (1-500)");
    *bed = (int)json_integer_value(v);
    return 0;
}

int hb_api_admit(struct hb_request *req, struct hb_error *err)
{
    json_t *body = hb_req_json(req);
    struct hb_admission a = {
        .source = json_string_value(json_object_get(body, "source")),
        .referred_by = json_string_value(json_object_get(body, "referredBy")),
        .priority_group = json_string_value(json_object_get(body, "priorityGroup")),
    };
    int64_t stay;
    int rc;
    if ((rc = body_id(body, "patientId", &a.patient_id, err)) ||
        (rc = body_id(body, "unitId", &a.unit_id, err)) || (rc = body_bed(body, &a.bed, err)) ||
        (rc = hb_flow_admit(hb_app_store(req), hb_app_user(req), &a, &stay, err)))
        return rc;
    hb_app_respond_id(req, 201, stay);
    return 0;
}

int hb_api_move(struct hb_request *req, struct hb_error *err)
{
    int64_t id, unit, stay;
    int bed, rc;
    json_t *body = hb_req_json(req);
    if ((rc = hb_app_id_param(req, 0, &id, err)) || (rc = body_id(body, "unitId", &unit, err)) ||
        (rc = body_bed(body, &bed, err)) ||
        (rc = hb_flow_move(hb_app_store(req), hb_app_user(req), id, unit, bed, &stay, err)))
        return rc;
    hb_app_respond_id(req, 200, stay);
    return 0;
}

int hb_api_discharge(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *to = json_string_value(json_object_get(hb_req_json(req), "to"));
    if ((rc = hb_flow_discharge(hb_app_store(req), hb_app_user(req), id, to, err)))
        return rc;
    hb_resp_json(req, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

int hb_api_bed_put(struct hb_request *req, struct hb_error *err)
{
    int64_t unit, bed, hours = 0;
    int rc = hb_app_id_param(req, 0, &unit, err);
    if (rc)
        return rc;
    const char *b = hb_req_param(req, 1);
    if (hb_parse_i64(b, strlen(b), 1, 500, &bed) != 0)
        return hb_fail(err, HB_NOT_FOUND, "bed", "Sengen finnes ikke");
    json_t *body = hb_req_json(req);
    json_t *h = json_object_get(body, "reservedHours");
    if (h && (!json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 72))
        return hb_fail(err, HB_INVALID, "reservedHours", "Reserver i 1 til 72 timer");
    hours = h ? json_integer_value(h) : 0;
    if ((rc = hb_flow_bed_set(hb_app_store(req), hb_app_user(req), unit, (int)bed,
                              json_string_value(json_object_get(body, "state")),
                              json_string_value(json_object_get(body, "reason")),
                              hours ? hb_now_us() + hours * 3600 * 1000000 : 0, err)))
        return rc;
    hb_resp_json(req, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

int hb_api_find_place(struct hb_request *req, struct hb_error *err)
{
    const char *muni = hb_req_query(req, "municipality");
    const char *needs = hb_req_query(req, "needs");
    const char *max = hb_req_query(req, "maxMinutes");
    int64_t minutes = 120;
    if (max && hb_parse_i64(max, strlen(max), 1, 600, &minutes) != 0)
        return hb_fail(err, HB_INVALID, "maxMinutes", "Lengste reisetid må være 1-600 minutter");
    if (needs && strlen(needs) > 1000)
        return hb_fail(err, HB_INVALID, "needs", "For mange behov");
    json_t *list = json_array();
    for (const char *p = needs; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n)
            json_array_append_new(list, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(list);
        return HB_UNAVAILABLE;
    }
    json_t *j;
    int rc = hb_flow_find_place(db, muni, list, (int)minutes, hb_req_arena(req), &j, err);
    hb_store_release(s, db);
    json_decref(list);
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

int hb_api_charge(struct hb_request *req, struct hb_error *err)
{
    int64_t id, party;
    int rc;
    if ((rc = hb_app_id_param(req, 0, &id, err)) ||
        (rc = body_id(hb_req_json(req), "party", &party, err)) ||
        (rc = hb_flow_charge(hb_app_store(req), hb_app_user(req), id, party, err)))
        return rc;
    hb_resp_json(req, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

int hb_api_settlement(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *format = hb_req_query(req, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return hb_fail(err, HB_INVALID, "format", "format må være csv eller json");
    json_t *j;
    if ((rc = hb_flow_settlement(hb_app_store(req), hb_app_user(req), id, hb_req_query(req, "from"),
                                 hb_req_query(req, "to"), hb_req_arena(req), &j, err)))
        return rc;
    if (!format || strcmp(format, "json") == 0) {
        hb_resp_json(req, 200, j);
        return 0;
    }
    /* CSV in kroner with øre (two decimals, comma), separated by semicolons. */
    struct hb_buf b;
    hb_buf_init(&b, 0);
    hb_buf_adds(&b, "part;kommunenummer;liggedøgn;kostnad_nok;forskudd_nok;saldo_nok\r\n");
    size_t i;
    json_t *p;
    json_t *rows = json_object_get(j, "parties");
    json_t *t = json_object_get(j, "totals");
    for (i = 0; i <= json_array_size(rows); i++) {
        p = i < json_array_size(rows) ? json_array_get(rows, i) : t;
        const char *nr = json_string_value(json_object_get(p, "kommunenummer"));
        hb_buf_adds(&b, i < json_array_size(rows) ? json_string_value(json_object_get(p, "party"))
                                                  : "sum");
        hb_buf_addf(&b, ";%s;%lld", nr ? nr : "",
                    (long long)json_integer_value(json_object_get(p, "bedDays")));
        static const char *const keys[] = {"costOre", "prepaidOre", "balanceOre"};
        for (int k = 0; k < 3; k++) {
            long long ore = (long long)json_integer_value(json_object_get(p, keys[k]));
            long long a = ore < 0 ? -ore : ore;
            hb_buf_addf(&b, ";%s%lld,%02lld", ore < 0 ? "-" : "", a / 100, a % 100);
        }
        hb_buf_adds(&b, "\r\n");
    }
    json_decref(j);
    size_t len;
    char *body = hb_buf_detach(&b, &len);
    hb_resp_header(req, "Content-Disposition", "attachment; filename=\"oppgjor-felles-enhet.csv\"");
    hb_resp_raw(req, 200, "text/csv; charset=utf-8", body, len);
    return 0;
}

int hb_api_worklist(struct hb_request *req, struct hb_error *err)
{
    json_t *j;
    int rc = hb_flow_worklist(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    if (rc)
        return rc;
    hb_resp_json(req, 200, json_pack("{s:o}", "items", j));
    return 0;
}
