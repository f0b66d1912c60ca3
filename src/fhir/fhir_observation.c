/* fhir: Observation: vital signs posted one at a time or as a batch Bundle
 * (all or nothing), read and searched; NEWS2 scores are Observations too.
 * Decimals keep the precision they arrived with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../core/json.h"
#include "../monitor/monitor.h"
#include "../patient/patient.h"
#include "fhir_int.h"

#include "../core/banned.h"

enum { MAX_BUNDLE = 1000 };

/* Content that fails the rules is 422 in FHIR. */
static int unprocessable(int rc, struct hb_error *err)
{
    if (rc == HB_INVALID) {
        rc = HB_UNPROCESSABLE;
        err->code = rc;
    }
    return rc;
}

/* Prefixes err's field with where the resource sits ("Bundle.entry[3]."). */
static int at_path(int rc, const char *prefix, struct hb_error *err)
{
    if (rc && prefix && *prefix) {
        char f[2 * sizeof(err->field)];
        snprintf(f, sizeof(f), "%s%s", prefix, err->field);
        snprintf(err->field, sizeof(err->field), "%.*s", (int)sizeof(err->field) - 1, f);
    }
    return rc;
}

/* One value of an Observation (or of a component) onto o. */
static int parse_value(json_t *holder, const struct hb_vital *v, const char *path, struct hb_obs *o,
                       struct hb_error *err)
{
    char field[64];
    if (strcmp(v->kind, "acvpu") == 0) {
        json_t *c = json_array_get(
            json_object_get(json_object_get(holder, "valueCodeableConcept"), "coding"), 0);
        snprintf(field, sizeof(field), "%s.valueCodeableConcept", path);
        return hb_obs_value(v, json_string_value(json_object_get(c, "code")), field, o, err);
    }
    json_t *q = json_object_get(holder, "valueQuantity");
    snprintf(field, sizeof(field), "%s.valueQuantity.value", path);
    const char *num = hb_json_number(json_object_get(q, "value"));
    if (!num)
        return hb_fail(err, HB_UNPROCESSABLE, field, "%s må ha valueQuantity.value som tall",
                       v->label);
    const char *code = json_string_value(json_object_get(q, "code"));
    const char *system = json_string_value(json_object_get(q, "system"));
    if (!code || strcmp(code, v->unit) != 0 ||
        (system && strcmp(system, "http://unitsofmeasure.org") != 0)) {
        snprintf(field, sizeof(field), "%s.valueQuantity.code", path);
        return hb_fail(err, HB_UNPROCESSABLE, field,
                       "%s skal ha UCUM-enheten %s (system http://unitsofmeasure.org)", v->label,
                       v->unit);
    }
    return unprocessable(hb_obs_value(v, num, field, o, err), err);
}

static const struct hb_vital *vital_of(json_t *concept)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(concept, "coding"), i, c)
    {
        const char *system = json_string_value(json_object_get(c, "system"));
        if (system && strcmp(system, "http://loinc.org") == 0) {
            const struct hb_vital *v =
                hb_vital_by_code(json_string_value(json_object_get(c, "code")));
            if (v)
                return v;
        }
    }
    return NULL;
}

static bool is_bp_panel(json_t *concept)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(concept, "coding"), i, c)
    {
        const char *code = json_string_value(json_object_get(c, "code"));
        if (code && strcmp(code, "85354-9") == 0)
            return true;
    }
    return false;
}

/* An Observation into one or (a blood-pressure panel) two measurements. */
static int parse_observation(json_t *r, const struct hb_user *u, struct hb_obs *out, int *n,
                             struct hb_error *err)
{
    *n = 0;
    const char *rt = json_string_value(json_object_get(r, "resourceType"));
    if (!rt || strcmp(rt, "Observation") != 0)
        return hb_fail(err, HB_UNPROCESSABLE, "resourceType", "resourceType må være Observation");
    const char *status = json_string_value(json_object_get(r, "status"));
    if (!status || (strcmp(status, "final") != 0 && strcmp(status, "amended") != 0 &&
                    strcmp(status, "corrected") != 0 && strcmp(status, "preliminary") != 0))
        return hb_fail(err, HB_UNPROCESSABLE, "Observation.status",
                       "status er final, amended, corrected eller preliminary");
    const char *subject =
        json_string_value(json_object_get(json_object_get(r, "subject"), "reference"));
    int64_t pid = 0;
    if (subject && strncmp(subject, "Patient/", 8) == 0)
        hb_parse_i64(subject + 8, strlen(subject + 8), 1, INT64_MAX, &pid);
    if (!pid)
        return hb_fail(err, HB_UNPROCESSABLE, "Observation.subject",
                       "subject må være Patient/{id}");
    int64_t at = 0;
    json_t *eff = json_object_get(r, "effectiveDateTime");
    if (eff && (!json_is_string(eff) || hb_parse_instant(json_string_value(eff), &at) != 0))
        return hb_fail(err, HB_UNPROCESSABLE, "Observation.effectiveDateTime",
                       "effectiveDateTime er et tidspunkt med tidssone");
    const char *source = json_object_get(r, "device") ? "device"
                         : u->role == HB_ROLE_PATIENT ? "home"
                                                      : "unit";
    json_t *code = json_object_get(r, "code");
    if (is_bp_panel(code)) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(r, "component"), i, c)
        {
            const struct hb_vital *v = vital_of(json_object_get(c, "code"));
            char path[48];
            snprintf(path, sizeof(path), "Observation.component[%zu]", i);
            if (!v || (strcmp(v->kind, "sbp") != 0 && strcmp(v->kind, "dbp") != 0) || *n == 2)
                return hb_fail(err, HB_UNPROCESSABLE, path,
                               "Blodtrykkspanelet har systolisk (8480-6) og diastolisk (8462-4)");
            out[*n] = (struct hb_obs){.patient_id = pid, .at = at, .source = source};
            int rc = parse_value(c, v, path, &out[*n], err);
            if (rc)
                return rc;
            (*n)++;
        }
        if (!*n)
            return hb_fail(err, HB_UNPROCESSABLE, "Observation.component",
                           "Blodtrykkspanelet mangler verdier");
        return 0;
    }
    const struct hb_vital *v = vital_of(code);
    if (!v)
        return hb_fail(err, HB_UNPROCESSABLE, "Observation.code",
                       "Ukjent måling: bruk LOINC-koden for en vitalparameter (for eksempel "
                       "8867-4 puls, 8310-5 temperatur)");
    out[0] = (struct hb_obs){.patient_id = pid, .at = at, .source = source};
    int rc = parse_value(r, v, "Observation", &out[0], err);
    if (rc == 0)
        *n = 1;
    return rc;
}

static int respond_observation(struct hb_request *req, int status, int64_t id, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    char *json = NULL;
    int64_t pid;
    int rc = hb_monitor_observation_fhir(db, id, &json, &pid, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    char loc[64];
    snprintf(loc, sizeof(loc), "/fhir/Observation/%lld/_history/1", (long long)id);
    hb_resp_header(req, "Location", loc);
    hb_resp_header(req, "ETag", "W/\"1\"");
    hb_resp_raw(req, status, HB_FHIR_TYPE, json, strlen(json));
    return 0;
}

int hb_fhir_observation_create(struct hb_request *req, struct hb_error *err)
{
    struct hb_obs obs[2];
    int n;
    const struct hb_user *u = hb_app_user(req);
    int rc = parse_observation(hb_req_json(req), u, obs, &n, err);
    if (rc || (rc = hb_monitor_ingest(hb_app_store(req), u, obs, n, err)))
        return unprocessable(rc, err);
    return respond_observation(req, 201, obs[0].id, err);
}

int hb_fhir_bundle_post(struct hb_request *req, struct hb_error *err)
{
    json_t *b = hb_req_json(req);
    const char *rt = json_string_value(json_object_get(b, "resourceType"));
    const char *type = json_string_value(json_object_get(b, "type"));
    if (!rt || strcmp(rt, "Bundle") != 0)
        return hb_fail(err, HB_UNPROCESSABLE, "resourceType", "resourceType må være Bundle");
    if (!type || (strcmp(type, "batch") != 0 && strcmp(type, "transaction") != 0))
        return hb_fail(err, HB_UNPROCESSABLE, "Bundle.type",
                       "Bundle.type er batch eller transaction");
    json_t *entries = json_object_get(b, "entry");
    size_t ne = json_array_size(entries);
    if (!ne || ne > MAX_BUNDLE)
        return hb_fail(err, HB_UNPROCESSABLE, "Bundle.entry", "En Bundle har 1-%d Observations",
                       MAX_BUNDLE);
    const struct hb_user *u = hb_app_user(req);
    struct hb_obs *obs = hb_arena_alloc(hb_req_arena(req), sizeof(*obs) * 2 * ne);
    int *first = hb_arena_alloc(hb_req_arena(req), sizeof(int) * ne);
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        char prefix[48];
        snprintf(prefix, sizeof(prefix), "Bundle.entry[%zu].", i);
        const char *method =
            json_string_value(json_object_get(json_object_get(e, "request"), "method"));
        if (method && strcmp(method, "POST") != 0)
            return hb_fail(err, HB_UNPROCESSABLE, "Bundle.entry.request.method",
                           "Bare POST av Observation støttes i en Bundle");
        int k;
        first[i] = n;
        int rc = parse_observation(json_object_get(e, "resource"), u, obs + n, &k, err);
        if (rc)
            return at_path(unprocessable(rc, err), prefix, err);
        n += k;
    }
    /* Every entry or none: one transaction. */
    int rc = hb_monitor_ingest(hb_app_store(req), u, obs, n, err);
    if (rc)
        return unprocessable(rc, err);
    const char *base = hb__fhir_base(req);
    json_t *out =
        json_pack("{s:s,s:s,s:[]}", "resourceType", "Bundle", "type",
                  strcmp(type, "batch") == 0 ? "batch-response" : "transaction-response", "entry");
    for (i = 0; i < ne; i++)
        json_array_append_new(json_object_get(out, "entry"),
                              json_pack("{s:{s:s,s:o,s:s}}", "response", "status", "201 Created",
                                        "location",
                                        json_sprintf("%s/Observation/%lld/_history/1", base,
                                                     (long long)obs[first[i]].id),
                                        "etag", "W/\"1\""));
    hb__fhir_respond(req, 200, out);
    return 0;
}

/* Observations are written once: their version is always 1. */
static int load_observation(struct hb_db *db, void *ctx, int64_t id, struct hb_arena *a,
                            const char **json, size_t *len, int *version, int64_t *patient_id,
                            struct hb_error *err)
{
    (void)ctx;
    char *text = NULL;
    int rc = hb_monitor_observation_fhir(db, id, &text, patient_id, err);
    if (rc)
        return rc;
    *len = strlen(text);
    *json = hb_arena_strndup(a, text, *len);
    *version = 1;
    free(text);
    return 0;
}

int hb_fhir_observation_read(struct hb_request *req, struct hb_error *err)
{
    return hb__fhir_read_stored(req, "Observation", load_observation, NULL, err);
}

/* A FHIR date search value with its prefix into [from, to) microseconds. */
static int date_range(const char *v, int64_t *from, int64_t *to)
{
    static const char *const pre[] = {"eq", "ge", "gt", "le", "lt"};
    int k = 0;
    for (int i = 0; i < 5; i++)
        if (strncmp(v, pre[i], 2) == 0) {
            k = i;
            v += 2;
        }
    int64_t t, d;
    if (strlen(v) == 10 && hb_date_days(v, &d) == 0) {
        int64_t lo = d * 86400 * 1000000, hi = lo + 86400LL * 1000000;
        if (k == 0 || k == 1 || k == 2)
            *from = k == 2 ? hi : lo;
        if (k == 0 || k == 3 || k == 4)
            *to = k == 4 ? lo : hi;
        return 0;
    }
    if (hb_parse_instant(v, &t) != 0)
        return HB_INVALID;
    if (k == 1 || k == 2 || k == 0)
        *from = k == 2 ? t + 1 : t;
    if (k == 3 || k == 4 || k == 0)
        *to = k == 4 ? t : t + 1;
    return 0;
}

struct obs_search {
    const char *patient, *code, *count, *cursor, *bad;
    int64_t from, to, ufrom, uto;
    bool bad_value;
};

static int collect(void *arg, const char *key, const char *value)
{
    struct obs_search *s = arg;
    if (strcmp(key, "patient") == 0 || strcmp(key, "subject") == 0)
        s->patient = value;
    else if (strcmp(key, "code") == 0)
        s->code = value;
    else if (strcmp(key, "_count") == 0)
        s->count = value;
    else if (strcmp(key, "_cursor") == 0)
        s->cursor = value;
    else if (strcmp(key, "date") == 0)
        s->bad_value |= date_range(value, &s->from, &s->to) != 0;
    else if (strcmp(key, "_lastUpdated") == 0)
        s->bad_value |= date_range(value, &s->ufrom, &s->uto) != 0;
    else if (strcmp(key, "_format") != 0 && strcmp(key, "_pretty") != 0)
        s->bad = key;
    if (s->bad_value && !s->bad)
        s->bad = key;
    return s->bad != NULL;
}

int hb_fhir_observation_search(struct hb_request *req, struct hb_error *err)
{
    struct obs_search q = {0};
    struct hb_arena *a = hb_req_arena(req);
    hb_req_each_query(req, collect, &q);
    if (q.bad)
        return hb_fail(err, HB_INVALID, hb_arena_strdup(a, q.bad),
                       q.bad_value ? "Ugyldig verdi for %s" : "Søkeparameteren %s støttes ikke her",
                       hb_arena_strdup(a, q.bad));
    int64_t pid = 0, count = 50, before = 0;
    const char *p = q.patient && strncmp(q.patient, "Patient/", 8) == 0 ? q.patient + 8 : q.patient;
    if (!p || hb_parse_i64(p, strlen(p), 1, INT64_MAX, &pid) != 0)
        return hb_fail(err, HB_INVALID, "patient", "Søk på patient=Patient/{id}");
    if (q.count && hb_parse_i64(q.count, strlen(q.count), 1, 500, &count) != 0)
        return hb_fail(err, HB_INVALID, "_count", "_count er 1-500");
    if (q.cursor && hb_parse_i64(q.cursor, strlen(q.cursor), 1, INT64_MAX, &before) != 0)
        return hb_fail(err, HB_INVALID, "_cursor", "Ugyldig _cursor");
    const char *code = q.code;
    if (code && strchr(code, '|'))
        code = strchr(code, '|') + 1;
    struct hb_patient pat;
    const char *relation;
    struct hb_store *s = hb_app_store(req);
    int rc = hb_patient_open(s, hb_app_user(req), pid, "search", a, &pat, &relation, err);
    if (rc)
        return rc;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t *ids = hb_arena_alloc(a, sizeof(*ids) * (size_t)count);
    int n = 0;
    struct hb_buf out;
    hb_buf_init(&out, 0);
    const char *base = hb__fhir_base(req);
    hb_buf_adds(&out, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
    rc = hb_monitor_observation_search(db, pid, code, q.from, q.to, q.ufrom, q.uto, before, ids,
                                       (int)count, &n, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        char *json;
        int64_t owner;
        if ((rc = hb_monitor_observation_fhir(db, ids[i], &json, &owner, err)))
            break;
        hb_buf_addf(&out, "%s{\"fullUrl\":\"%s/Observation/%lld\",\"resource\":", i ? "," : "",
                    base, (long long)ids[i]);
        hb_buf_adds(&out, json);
        hb_buf_adds(&out, ",\"search\":{\"mode\":\"match\"}}");
        free(json);
    }
    hb_store_release(s, db);
    if (rc) {
        hb_buf_release(&out);
        return rc;
    }
    hb_buf_addf(&out, "],\"link\":[{\"relation\":\"self\",\"url\":\"%s/Observation?patient=%lld\"}",
                base, (long long)pid);
    if (n == count)
        hb_buf_addf(&out,
                    ",{\"relation\":\"next\",\"url\":\"%s/Observation?patient=%lld&_count=%lld"
                    "&_cursor=%lld%s%s\"}",
                    base, (long long)pid, (long long)count, (long long)ids[n - 1],
                    code && strspn(code, "0123456789-") == strlen(code) ? "&code=" : "",
                    code && strspn(code, "0123456789-") == strlen(code) ? code : "");
    hb_buf_adds(&out, "]}");
    size_t len;
    char *body = hb_buf_detach(&out, &len);
    hb_resp_raw(req, 200, HB_FHIR_TYPE, body, len);
    return 0;
}
