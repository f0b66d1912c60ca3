/* fhir: Patient, Organization, Location and AuditEvent over the domain modules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../flow/flow.h"
#include "../org/org.h"
#include "../patient/patient.h"
#include "fhir_int.h"

#include "../core/banned.h"

static int parse_count(const char *s, int *count, struct hb_error *err)
{
    int64_t v = 20;
    if (s && hb_parse_i64(s, strlen(s), 1, 100, &v) != 0)
        return hb_fail(err, HB_INVALID, "_count", "_count må være et heltall fra 1 til 100");
    *count = (int)v;
    return 0;
}

static bool is_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* ---- Patient ---- */

int hb_fhir_patient_read(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_patient p;
    const char *relation;
    rc = hb_patient_open(hb_app_store(req), hb_app_user(req), id, "read", hb_req_arena(req), &p,
                         &relation, err);
    if (rc)
        return rc;
    hb__fhir_respond_stored(req, 200, p.resource, p.resource_len, p.version);
    return 0;
}

int hb_fhir_patient_history(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_version *v;
    int n;
    struct hb_arena *a = hb_req_arena(req);
    if ((rc = hb_patient_history(hb_app_store(req), hb_app_user(req), id, a, &v, &n, err)))
        return rc;
    const char *base = hb__fhir_base(req);
    json_t *b = hb__fhir_bundle("history");
    json_object_set_new(b, "total", json_integer(n));
    json_t *entries = json_object_get(b, "entry");
    for (int i = 0; i < n; i++)
        hb__fhir_history_entry(entries, base, "Patient", id, v[i].action, v[i].resource,
                               v[i].version, a);
    hb__fhir_respond(req, 200, b);
    return 0;
}

int hb_fhir_patient_vread(struct hb_request *req, struct hb_error *err)
{
    int64_t id, vid;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *vs = hb_req_param(req, 1);
    if (hb_parse_i64(vs, strlen(vs), 1, 1000000, &vid) != 0)
        return hb_fail(err, HB_NOT_FOUND, "vid", "Versjonen finnes ikke");
    struct hb_version *v;
    int n;
    if ((rc = hb_patient_history(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &v,
                                 &n, err)))
        return rc;
    for (int i = 0; i < n; i++) {
        if (v[i].version == vid) {
            hb__fhir_respond_stored(req, 200, v[i].resource, strlen(v[i].resource), v[i].version);
            return 0;
        }
    }
    return hb_fail(err, HB_NOT_FOUND, "vid", "Pasienten har ingen versjon %lld", (long long)vid);
}

int hb_fhir_patient_search(struct hb_request *req, struct hb_error *err)
{
    static const char *const allowed[] = {"identifier", "name", "birthdate", "_count",
                                          "_cursor", NULL};
    struct hb__fhir_params pp = {.allowed = allowed};
    int rc = hb__fhir_params(req, &pp, err);
    if (rc)
        return rc;
    struct hb_patient_query q = {0};
    struct hb_arena *a = hb_req_arena(req);
    const char *ident = pp.values[0];
    if (ident) {
        const char *bar = strchr(ident, '|');
        if (bar) {
            size_t sl = (size_t)(bar - ident);
            if (!((sl == strlen(HB_OID_FNR) && strncmp(ident, HB_OID_FNR, sl) == 0) ||
                  (sl == strlen(HB_OID_DNR) && strncmp(ident, HB_OID_DNR, sl) == 0)))
                return hb_fail(err, HB_INVALID, "identifier",
                               "identifier-system må være " HB_OID_FNR " eller " HB_OID_DNR);
            ident = bar + 1;
        }
        struct hb_nid nid;
        struct hb_error e = {0};
        if (hb_nid_parse(ident, &nid, &e) != 0)
            return hb_fail(err, HB_INVALID, "identifier", "%s", e.message);
        q.nid = ident;
    }
    if (pp.values[1]) {
        if (!*pp.values[1] || strlen(pp.values[1]) > 100)
            return hb_fail(err, HB_INVALID, "name", "name må være 1-100 tegn");
        q.name = pp.values[1];
    }
    if (pp.values[2]) {
        const char *d = pp.values[2];
        if (strncmp(d, "eq", 2) == 0)
            d += 2;
        if (!is_date(d))
            return hb_fail(err, HB_INVALID, "birthdate",
                           "birthdate må være en dato på formen ÅÅÅÅ-MM-DD");
        q.birthdate = d;
    }
    if ((rc = parse_count(pp.values[3], &q.count, err)))
        return rc;
    if (pp.values[4] &&
        hb_parse_i64(pp.values[4], strlen(pp.values[4]), 0, INT64_MAX, &q.after) != 0)
        return hb_fail(err, HB_INVALID, "_cursor", "Ugyldig _cursor");
    struct hb_patient *res;
    int n;
    int64_t next = 0;
    if ((rc = hb_patient_search(hb_app_store(req), hb_app_user(req), &q, a, &res, &n, &next,
                                err)))
        return rc;
    const char *base = hb__fhir_base(req);
    /* Links repeat the search; values are escaped by the query builder below. */
    struct hb_buf qs;
    hb_buf_init(&qs, 0);
    const char *names[] = {"identifier", "name", "birthdate"};
    const char *vals[] = {pp.values[0], q.name, pp.values[2]};
    for (int i = 0; i < 3; i++) {
        if (!vals[i])
            continue;
        hb_buf_addf(&qs, "%s=", names[i]);
        for (const unsigned char *c = (const unsigned char *)vals[i]; *c; c++) {
            if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                *c == '-' || *c == '.')
                hb_buf_add(&qs, c, 1);
            else
                hb_buf_addf(&qs, "%%%02X", *c);
        }
        hb_buf_add(&qs, "&", 1);
    }
    hb_buf_addf(&qs, "_count=%d", q.count);
    /* The Bundle is written around the stored resources, which are served as
     * they are: no parse and re-encode per hit. Everything spliced in is
     * either stored JSON or escaped here. */
    struct hb_buf out;
    hb_buf_init(&out, 0);
    hb_buf_adds(&out, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[");
    hb_buf_addf(&out, "{\"relation\":\"self\",\"url\":\"%s/Patient?%s", base, qs.ptr);
    if (q.after)
        hb_buf_addf(&out, "&_cursor=%lld", (long long)q.after);
    hb_buf_adds(&out, "\"}");
    if (next)
        hb_buf_addf(&out, ",{\"relation\":\"next\",\"url\":\"%s/Patient?%s&_cursor=%lld\"}",
                    base, qs.ptr, (long long)next);
    hb_buf_adds(&out, "],\"entry\":[");
    for (int i = 0; i < n; i++) {
        hb_buf_addf(&out, "%s{\"fullUrl\":\"%s/Patient/%lld\",\"resource\":", i ? "," : "", base,
                    (long long)res[i].id);
        hb_buf_add(&out, res[i].resource, res[i].resource_len);
        hb_buf_adds(&out, ",\"search\":{\"mode\":\"match\"}}");
    }
    hb_buf_adds(&out, "]}");
    hb_buf_release(&qs);
    size_t len;
    char *body = hb_buf_detach(&out, &len);
    hb_resp_raw(req, 200, HB_FHIR_TYPE, body, len);
    return 0;
}

static void respond_written(struct hb_request *req, int status, const struct hb_patient *p)
{
    char loc[64];
    snprintf(loc, sizeof(loc), "/fhir/Patient/%lld/_history/%d", (long long)p->id, p->version);
    hb_resp_header(req, "Location", loc);
    char lm[32];
    hb_time_iso(p->updated_at, lm, sizeof(lm));
    hb__fhir_respond_stored(req, status, p->resource, p->resource_len, p->version);
}

static int patient_body(struct hb_request *req, struct hb_patient *p, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int rc = hb_patient_from_fhir(db, hb_req_json(req), hb_req_arena(req), p, err);
    hb_store_release(s, db);
    return rc;
}

int hb_fhir_patient_create(struct hb_request *req, struct hb_error *err)
{
    struct hb_patient p;
    int rc = patient_body(req, &p, err);
    if (rc)
        return rc;
    if ((rc = hb_patient_create(hb_app_store(req), hb_app_user(req), &p, hb_req_arena(req),
                                err)))
        return rc;
    respond_written(req, 201, &p);
    return 0;
}

int hb_fhir_patient_update(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *body_id = json_string_value(json_object_get(hb_req_json(req), "id"));
    if (!body_id || strcmp(body_id, hb_req_param(req, 0)) != 0)
        return hb_fail(err, HB_INVALID, "Patient.id",
                       "id i innholdet må være lik id i adressen (%s)", hb_req_param(req, 0));
    int64_t if_version = 0;
    const char *im = hb_req_header(req, "If-Match");
    if (im) {
        const char *v = im;
        if (strncmp(v, "W/", 2) == 0)
            v += 2;
        size_t n = strlen(v);
        if (n < 3 || v[0] != '"' || v[n - 1] != '"' ||
            hb_parse_i64(v + 1, n - 2, 1, 1000000000, &if_version) != 0)
            return hb_fail(err, HB_INVALID, "If-Match", "If-Match må være W/\"versjon\"");
    }
    struct hb_patient p;
    if ((rc = patient_body(req, &p, err)))
        return rc;
    p.id = id;
    if ((rc = hb_patient_update(hb_app_store(req), hb_app_user(req), &p, (int)if_version,
                                hb_req_arena(req), err)))
        return rc;
    respond_written(req, 200, &p);
    return 0;
}

/* ---- Organization and Location ---- */
static int org_read(struct hb_request *req, bool unit, struct hb_error *err)
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
    json_t *res = NULL;
    rc = hb_org_get(db, id, hb_req_arena(req), &o, err);
    if (rc == 0 && (o.unit_type != NULL) != unit)
        rc = hb_fail(err, HB_NOT_FOUND, "id", "%s/%lld finnes ikke",
                     unit ? "Location" : "Organization", (long long)id);
    if (rc == 0) {
        res = hb_org_fhir(&o);
        if (unit)
            rc = hb_flow_location_extend(db, id, res, err);
    }
    hb_store_release(s, db);
    if (rc) {
        json_decref(res);
        return rc;
    }
    char etag[24];
    snprintf(etag, sizeof(etag), "W/\"%d\"", o.version);
    hb_resp_header(req, "ETag", etag);
    hb__fhir_respond(req, 200, res);
    return 0;
}

static int org_search(struct hb_request *req, bool unit, struct hb_error *err)
{
    static const char *const allowed[] = {"name", "identifier", "type", "_count", NULL};
    struct hb__fhir_params pp = {.allowed = allowed};
    int rc = hb__fhir_params(req, &pp, err);
    if (rc)
        return rc;
    struct hb_org_query q = {.units = unit, .name = pp.values[0]};
    if (pp.values[1]) {
        const char *bar = strchr(pp.values[1], '|');
        q.ident = bar ? bar + 1 : pp.values[1];
    }
    if (pp.values[2]) {
        const char *bar = strchr(pp.values[2], '|');
        q.type = bar ? bar + 1 : pp.values[2];
        if (!(unit ? hb_unit_type_label(q.type) : hb_org_type_label(q.type)))
            return hb_fail(err, HB_INVALID, "type", "Ukjent type %s",
                           hb_arena_strdup(hb_req_arena(req), q.type));
    }
    if ((rc = parse_count(pp.values[3], &q.count, err)))
        return rc;
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_org *orgs;
    int n;
    rc = hb_org_list(db, &q, hb_req_arena(req), &orgs, &n, err);
    if (rc) {
        hb_store_release(s, db);
        return rc;
    }
    const char *base = hb__fhir_base(req);
    const char *rt = unit ? "Location" : "Organization";
    json_t *b = hb__fhir_bundle("searchset");
    json_object_set_new(b, "total", json_integer(n));
    json_object_set_new(b, "link", json_pack("[{s:s,s:s+++}]", "relation", "self", "url", base,
                                             "/", rt, ""));
    json_t *entries = json_object_get(b, "entry");
    for (int i = 0; i < n && rc == 0; i++) {
        json_t *res = hb_org_fhir(&orgs[i]);
        if (unit)
            rc = hb_flow_location_extend(db, orgs[i].id, res, err);
        json_array_append_new(
            entries, json_pack("{s:s,s:o,s:{s:s}}", "fullUrl",
                               hb_arena_printf(hb_req_arena(req), "%s/%s/%lld", base, rt,
                                               (long long)orgs[i].id),
                               "resource", res, "search", "mode", "match"));
    }
    hb_store_release(s, db);
    if (rc) {
        json_decref(b);
        return rc;
    }
    hb__fhir_respond(req, 200, b);
    return 0;
}

int hb_fhir_org_read(struct hb_request *req, struct hb_error *err) { return org_read(req, false, err); }
int hb_fhir_org_search(struct hb_request *req, struct hb_error *err) { return org_search(req, false, err); }
/* A bed's Location id is "<unit id>-<bed number>". */
static int bed_id(const char *s, int64_t *unit, int64_t *bed)
{
    const char *dash = s ? strchr(s, '-') : NULL;
    if (!dash || hb_parse_i64(s, (size_t)(dash - s), 1, INT64_MAX, unit) != 0 ||
        hb_parse_i64(dash + 1, strlen(dash + 1), 1, 500, bed) != 0)
        return HB_INVALID;
    return 0;
}

static int beds(struct hb_request *req, int64_t unit, int64_t bed, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *list = json_array();
    int rc = hb_flow_bed_locations(db, unit, (int)bed, list, err);
    hb_store_release(s, db);
    if (rc == HB_NOT_FOUND && !bed) {
        rc = 0; /* a search: no beds is an empty Bundle */
    } else if (rc) {
        json_decref(list);
        return rc;
    }
    if (bed) {
        hb__fhir_respond(req, 200, json_incref(json_array_get(list, 0)));
        json_decref(list);
        return 0;
    }
    const char *base = hb__fhir_base(req);
    json_t *b = hb__fhir_bundle("searchset");
    json_t *entries = json_object_get(b, "entry");
    size_t i;
    json_t *loc;
    json_array_foreach(list, i, loc)
    {
        json_array_append_new(entries,
                              json_pack("{s:s,s:O,s:{s:s}}", "fullUrl",
                                        hb_arena_printf(hb_req_arena(req), "%s/Location/%s", base,
                                                        json_string_value(json_object_get(loc, "id"))),
                                        "resource", loc, "search", "mode", "match"));
    }
    json_object_set_new(b, "total", json_integer((json_int_t)json_array_size(list)));
    json_decref(list);
    hb__fhir_respond(req, 200, b);
    return 0;
}

int hb_fhir_location_read(struct hb_request *req, struct hb_error *err)
{
    int64_t unit, bed;
    if (bed_id(hb_req_param(req, 0), &unit, &bed) == 0)
        return beds(req, unit, bed, err);
    return org_read(req, true, err);
}

int hb_fhir_location_search(struct hb_request *req, struct hb_error *err)
{
    const char *partof = hb_req_query(req, "partof");
    if (!partof)
        return org_search(req, true, err);
    int64_t unit;
    const char *v = strncmp(partof, "Location/", 9) == 0 ? partof + 9 : partof;
    if (hb_parse_i64(v, strlen(v), 1, INT64_MAX, &unit) != 0)
        return hb_fail(err, HB_INVALID, "partof", "partof må være Location/{id} for en enhet");
    return beds(req, unit, 0, err);
}
