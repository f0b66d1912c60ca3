/* discharge: /api/discharge-ready. */
#include "discharge_api.h"

#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "discharge.h"
#include "../core/banned.h"

/* The optional "at" of a message: an ISO 8601 instant; 0 when absent. */
static int message_at(json_t *body, int64_t *at, struct hb_error *err)
{
    json_t *v = json_object_get(body, "at");
    *at = 0;
    if (!v)
        return 0;
    if (!json_is_string(v) || hb_parse_instant(json_string_value(v), at) != 0)
        return hb_fail(err, HB_INVALID, "at",
                       "at må være et tidspunkt som 2026-11-24T14:30:00+01:00");
    return 0;
}

int hb_api_discharge_open(struct hb_request *req, struct hb_error *err)
{
    json_t *body = hb_req_json(req);
    json_t *p = json_object_get(body, "patientId");
    const char *ps = json_string_value(p);
    int64_t pid = json_is_integer(p) ? json_integer_value(p) : 0, id;
    if (ps && hb_parse_i64(ps, strlen(ps), 1, INT64_MAX, &pid) != 0)
        pid = 0;
    if (pid <= 0)
        return hb_fail(err, HB_INVALID, "patientId", "patientId må være en pasient-id");
    int64_t at;
    int rc = message_at(body, &at, err);
    if (rc || (rc = hb_discharge_open(hb_app_store(req), hb_app_user(req), pid,
                                      json_string_value(json_object_get(body, "municipality")),
                                      at, &id, err)))
        return rc;
    hb_app_respond_id(req, 201, id);
    return 0;
}

int hb_api_discharge_message(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    json_t *b = hb_req_json(req);
    int64_t at;
    if ((rc = message_at(b, &at, err)) ||
        (rc = hb_discharge_add(hb_app_store(req), hb_app_user(req), id,
                               json_string_value(json_object_get(b, "kind")),
                               json_string_value(json_object_get(b, "day")),
                               json_string_value(json_object_get(b, "place")),
                               json_string_value(json_object_get(b, "note")), at, err)))
        return rc;
    json_t *j;
    if ((rc = hb_discharge_get(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &j,
                               err)))
        return rc;
    hb_resp_json(req, 201, j);
    return 0;
}

int hb_api_discharge_list(struct hb_request *req, struct hb_error *err)
{
    json_t *j;
    int rc = hb_discharge_list(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

int hb_api_discharge_get(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    json_t *j;
    if ((rc = hb_discharge_get(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &j,
                               err)))
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

/* A CSV field: quoted when it holds the separator, a quote or a line break. */
static void csv_field(struct hb_buf *b, const char *s)
{
    if (!s)
        s = "";
    if (strpbrk(s, ";\"\n\r")) {
        hb_buf_add(b, "\"", 1);
        for (; *s; s++) {
            if (*s == '"')
                hb_buf_add(b, "\"", 1);
            hb_buf_add(b, s, 1);
        }
        hb_buf_add(b, "\"", 1);
    } else {
        hb_buf_adds(b, s);
    }
}

int hb_api_discharge_statement(struct hb_request *req, struct hb_error *err)
{
    const char *format = hb_req_query(req, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return hb_fail(err, HB_INVALID, "format", "format må være csv eller json");
    json_t *j;
    int rc = hb_discharge_statement(hb_app_store(req), hb_app_user(req),
                                    hb_req_query(req, "municipality"), hb_req_query(req, "month"),
                                    hb_req_arena(req), &j, err);
    if (rc)
        return rc;
    if (!format || strcmp(format, "json") == 0) {
        hb_resp_json(req, 200, j);
        return 0;
    }
    struct hb_buf b;
    hb_buf_init(&b, 0);
    hb_buf_adds(&b, "sak;pasient;fødselsdato;avdeling;fra;til;døgn;beløp_nok\r\n");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(j, "lines"), i, l)
    {
        json_t *p = json_object_get(l, "patient");
        csv_field(&b, json_string_value(json_object_get(l, "caseId")));
        hb_buf_add(&b, ";", 1);
        csv_field(&b, p ? json_string_value(json_object_get(p, "name")) : "(skjult)");
        hb_buf_add(&b, ";", 1);
        csv_field(&b, p ? json_string_value(json_object_get(p, "birthDate")) : "");
        hb_buf_add(&b, ";", 1);
        csv_field(&b, json_string_value(json_object_get(l, "ward")));
        hb_buf_addf(&b, ";%s;%s;%lld;%lld\r\n", json_string_value(json_object_get(l, "from")),
                    json_string_value(json_object_get(l, "to")),
                    (long long)json_integer_value(json_object_get(l, "days")),
                    (long long)json_integer_value(json_object_get(l, "amountNok")));
    }
    json_t *t = json_object_get(j, "totals");
    hb_buf_addf(&b, "sum;;;;;;%lld;%lld\r\n", (long long)json_integer_value(json_object_get(t, "days")),
                (long long)json_integer_value(json_object_get(t, "amountNok")));
    json_decref(j);
    size_t len;
    char *body = hb_buf_detach(&b, &len);
    hb_resp_header(req, "Content-Disposition",
                   "attachment; filename=\"utskrivningsklare-oppgjor.csv\"");
    hb_resp_raw(req, 200, "text/csv; charset=utf-8", body, len);
    return 0;
}
