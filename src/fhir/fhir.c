/* fhir: OperationOutcome, CapabilityStatement, Bundle helpers. */
#include "fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir_int.h"

#include "../core/banned.h"

static const struct {
    int code;
    const char *issue;
} issue_codes[] = {
    {HB_INVALID, "invalid"},        {HB_UNAUTHORIZED, "login"},  {HB_FORBIDDEN, "forbidden"},
    {HB_NOT_FOUND, "not-found"},    {HB_METHOD, "not-supported"}, {HB_CONFLICT, "conflict"},
    {HB_PRECONDITION, "conflict"},  {HB_TOO_LARGE, "too-long"},  {HB_MEDIA_TYPE, "not-supported"},
    {HB_UNPROCESSABLE, "invalid"},  {HB_LOCKED, "throttled"},    {HB_UNAVAILABLE, "transient"},
};

void hb_fhir_render_error(struct hb_request *req, const struct hb_error *err)
{
    const char *code = "exception";
    for (size_t i = 0; i < sizeof(issue_codes) / sizeof(issue_codes[0]); i++)
        if (issue_codes[i].code == err->code)
            code = issue_codes[i].issue;
    json_t *issue = json_pack("{s:s,s:s,s:s}", "severity",
                              hb_err_status(err->code) >= 500 ? "fatal" : "error", "code", code,
                              "diagnostics", err->message);
    if (err->field[0])
        json_object_set_new(issue, "expression", json_pack("[s]", err->field));
    json_t *oo = json_pack("{s:s,s:[o]}", "resourceType", "OperationOutcome", "issue", issue);
    hb_resp_content_type(req, HB_FHIR_TYPE);
    hb_resp_json(req, hb_err_status(err->code), oo);
}

void hb__fhir_respond(struct hb_request *req, int status, json_t *res)
{
    hb_resp_content_type(req, HB_FHIR_TYPE);
    hb_resp_json(req, status, res);
}

void hb__fhir_respond_stored(struct hb_request *req, int status, const char *json, size_t len,
                             int version)
{
    char etag[24];
    snprintf(etag, sizeof(etag), "W/\"%d\"", version);
    hb_resp_header(req, "ETag", etag);
    char *body = hb_xmalloc(len + 1);
    memcpy(body, json, len);
    body[len] = '\0';
    hb_resp_raw(req, status, HB_FHIR_TYPE, body, len);
}

const char *hb__fhir_base(struct hb_request *req)
{
    const char *host = hb_req_header(req, "Host");
    /* Only characters a host and port can have, so a forged Host cannot inject. */
    if (!host || !*host || strlen(host) > 100 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
                                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789.-:[]") != strlen(host))
        host = "localhost";
    return hb_arena_printf(hb_req_arena(req), "http://%s/fhir", host);
}

void hb__fhir_history_entry(json_t *entries, const char *base, const char *rtype, int64_t id,
                            const char *action, const char *resource, int version,
                            struct hb_arena *a)
{
    json_t *res = json_loads(resource, 0, NULL);
    if (!res)
        return;
    bool created = strcmp(action, "create") == 0;
    json_array_append_new(
        entries, json_pack("{s:s,s:o,s:{s:s,s:s},s:{s:s,s:s}}", "fullUrl",
                           hb_arena_printf(a, "%s/%s/%lld", base, rtype, (long long)id),
                           "resource", res, "request", "method", created ? "POST" : "PUT", "url",
                           created ? rtype : hb_arena_printf(a, "%s/%lld", rtype, (long long)id),
                           "response", "status", created ? "201 Created" : "200 OK", "etag",
                           hb_arena_printf(a, "W/\"%d\"", version)));
}

/* ---- search parameters ---- */
static int collect(void *arg, const char *key, const char *value)
{
    struct hb__fhir_params *p = arg;
    if (strcmp(key, "_format") == 0 || strcmp(key, "_pretty") == 0)
        return 0;
    for (int i = 0; p->allowed[i]; i++) {
        if (strcmp(key, p->allowed[i]) == 0) {
            p->values[i] = value;
            return 0;
        }
    }
    p->bad = key;
    return 1;
}

int hb__fhir_params(struct hb_request *req, struct hb__fhir_params *p, struct hb_error *err)
{
    hb_req_each_query(req, collect, p);
    if (p->bad)
        return hb_fail(err, HB_INVALID, p->bad, "Søkeparameteren %s støttes ikke her",
                       hb_arena_strdup(hb_req_arena(req), p->bad));
    return 0;
}

json_t *hb__fhir_bundle(const char *type)
{
    return json_pack("{s:s,s:s,s:[]}", "resourceType", "Bundle", "type", type, "entry");
}

/* ---- CapabilityStatement: exactly what the routes serve ---- */
int hb_fhir_metadata(struct hb_request *req, struct hb_error *err)
{
    (void)err;
    json_t *patient = json_pack(
        "{s:s,s:s,s:[{s:s},{s:s},{s:s},{s:s},{s:s},{s:s}],s:b,s:s,s:b,s:b,"
        "s:[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
        "type", "Patient", "profile", "http://hl7.org/fhir/StructureDefinition/Patient",
        "interaction", "code", "read", "code", "vread", "code", "update", "code",
        "history-instance", "code", "create", "code", "search-type", "readHistory", 1,
        "versioning", "versioned-update", "updateCreate", 0, "conditionalUpdate", 0,
        "searchParam", "name", "identifier", "type", "token", "documentation",
        "urn:oid:2.16.578.1.12.4.1.4.1 (fødselsnummer) or .4.2 (D-nummer)", "name", "name",
        "type", "string", "documentation", "Starts with, case-insensitive, given or family",
        "name", "birthdate", "type", "date", "documentation", "Exact date YYYY-MM-DD", "name",
        "_count", "type", "number", "documentation", "Page size 1-100 (default 20)");
    json_t *rest = json_array();
    json_array_append_new(rest, patient);
    static const char *const plain[][2] = {
        {"Organization", "http://hl7.org/fhir/StructureDefinition/Organization"},
        {"Location", "http://hl7.org/fhir/StructureDefinition/Location"},
    };
    for (size_t i = 0; i < 2; i++) {
        json_t *r = json_pack("{s:s,s:s,s:[{s:s},{s:s}],s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},"
                            "{s:s,s:s}]}",
                            "type", plain[i][0], "profile", plain[i][1], "interaction", "code",
                            "read", "code", "search-type", "searchParam", "name", "name", "type",
                            "string", "name", "identifier", "type", "token", "name", "type",
                            "type", "token", "name", "_count", "type", "number");
        if (i == 1) /* a unit's beds */
            json_array_append_new(json_object_get(r, "searchParam"),
                                  json_pack("{s:s,s:s,s:s}", "name", "partof", "type", "reference",
                                            "documentation", "The beds of a unit"));
        json_array_append_new(rest, r);
    }
    json_array_append_new(
        rest, json_pack("{s:s,s:s,s:[{s:s},{s:s}],s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},"
                        "{s:s,s:s}]}",
                        "type", "Encounter", "profile",
                        "http://hl7.org/fhir/StructureDefinition/Encounter", "interaction", "code",
                        "read", "code", "search-type", "searchParam", "name", "patient", "type",
                        "reference", "name", "location", "type", "reference", "name", "status",
                        "type", "token", "name", "date", "type", "date", "name", "_count", "type",
                        "number"));
    json_array_append_new(
        rest, json_pack("{s:s,s:s,s:[{s:s},{s:s}],s:[{s:s,s:s,s:s}]}", "type", "Flag", "profile",
                        "http://hl7.org/fhir/StructureDefinition/Flag", "interaction", "code",
                        "read", "code", "search-type", "searchParam", "name", "patient", "type",
                        "reference", "documentation",
                        "Discharge-ready cases (utskrivningsklare): one Flag per case"));
    hb__fhir_care_capabilities(rest);
    hb__fhir_measure_capabilities(rest);
    json_array_append_new(
        rest,
        json_pack("{s:s,s:s,s:s,s:[{s:s},{s:s},{s:s}],s:[{s:s,s:s},{s:s,s:s,s:s},{s:s,s:s},"
                  "{s:s,s:s},{s:s,s:s}]}",
                  "type", "Observation", "profile",
                  "http://hl7.org/fhir/StructureDefinition/Observation", "documentation",
                  "Vital signs (LOINC, UCUM; decimals kept as sent) and NEWS2 scores (SNOMED CT "
                  "1104051000000101, a component per parameter, derivedFrom the measurements). "
                  "Posted one at a time or in a batch/transaction Bundle to the base: all or "
                  "nothing.",
                  "interaction", "code", "create", "code", "read", "code", "search-type",
                  "searchParam", "name", "patient", "type", "reference", "name", "code", "type",
                  "token", "documentation", "LOINC code, or the NEWS2 SNOMED CT code", "name",
                  "date", "type", "date", "name", "_lastUpdated", "type", "date", "name", "_count",
                  "type", "number"));
    json_array_append_new(
        rest,
        json_pack("{s:s,s:s,s:s,s:[{s:s},{s:s}],s:[{s:s,s:s}]}", "type", "Subscription",
                  "profile", "http://hl7.org/fhir/StructureDefinition/Subscription",
                  "documentation",
                  "rest-hook for new monitoring alerts: criteria Flag?category=clinical "
                  "[&patient=Patient/{id}]; each notification is stored with its alert, retried "
                  "with back-off (5 s doubling to 10 minutes) for three days; POST "
                  "Subscription/{id}/$replay?since=... sends again what was stored since then",
                  "interaction", "code", "create", "code", "read", "operation", "name", "replay",
                  "definition", "https://helsebro.no/fhir/OperationDefinition/subscription-replay"));
    json_array_append_new(
        rest, json_pack("{s:s,s:s,s:[{s:s}],s:[{s:s,s:s},{s:s,s:s}]}", "type", "AuditEvent",
                        "profile", "http://hl7.org/fhir/StructureDefinition/AuditEvent",
                        "interaction", "code", "search-type", "searchParam", "name", "patient",
                        "type", "reference", "name", "_count", "type", "number"));
    json_t *cs = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:[s],"
        "s:[{s:s,s:s,s:{s:s},s:o}]}",
        "resourceType", "CapabilityStatement", "status", "active", "date", "2026-11-24",
        "publisher", "Helsebro", "kind", "instance", "name", "Helsebro", "title",
        "Helsebro FHIR API", "software", "name", "Helsebro", "version", "0.1", "fhirVersion",
        "4.0.1", "format", "json", "rest", "mode", "server", "documentation",
        "Patient data is given only through a relation (tjenstlig behov) and every access is "
        "audited.",
        "security", "description",
        "Authorization: Bearer with a token from `helsebro token create`, or the web UI's "
        "session cookie.",
        "resource", rest);
    json_object_set_new(json_array_get(json_object_get(cs, "rest"), 0), "interaction",
                        json_pack("[{s:s},{s:s}]", "code", "batch", "code", "transaction"));
    json_object_set_new(cs, "implementation",
                        json_pack("{s:s,s:s}", "description", "Helsebro", "url",
                                  hb__fhir_base(req)));
    hb__fhir_respond(req, 200, cs);
    return 0;
}
