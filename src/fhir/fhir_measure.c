/* fhir: the indicators as Measure (one per indicator, id the indicator code
 * with dashes) and MeasureReport (one summary report per indicator, entity
 * and period, computed when asked; id "code.subject.period", subject the
 * kommunenummer or "f" and the helsefellesskap's id). A suppressed cell has
 * no counts and its measureScore is masked (data-absent-reason). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analytics/extra.h"
#include "../app.h"
#include "fhir_int.h"

#include "../core/banned.h"

#define MASKED "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

/* "kad_los" <-> "kad-los" (FHIR ids allow no underscore). */
static void fhir_id(const char *code, char *out, size_t n)
{
    snprintf(out, n, "%s", code);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
}

static const struct hb_indicator *by_fhir_id(const char *id, size_t len)
{
    char code[64];
    if (len >= sizeof(code))
        return NULL;
    memcpy(code, id, len);
    code[len] = '\0';
    for (char *p = code; *p; p++)
        if (*p == '-')
            *p = '_';
    return hb_indicator_find(code);
}

static json_t *coding(const char *system, const char *code)
{
    return json_pack("{s:[{s:s,s:s}]}", "coding", "system", system, "code", code);
}

/* criteria: a named (not executable) CQL definition; the rule in words is
 * the description. */
static json_t *population(const char *code, const char *name, const char *text)
{
    return json_pack("{s:o,s:s,s:{s:s,s:s,s:s}}", "code",
                     coding("http://terminology.hl7.org/CodeSystem/measure-population", code),
                     "description", text, "criteria", "description", text, "language",
                     "text/cql", "expression", name);
}

static json_t *measure_json(const struct hb_indicator *ind, const char *base)
{
    char id[64], name[64];
    fhir_id(ind->code, id, sizeof(id));
    snprintf(name, sizeof(name), "%s", ind->code);
    for (char *p = name; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    json_t *m = json_pack(
        "{s:s,s:s,s:o,s:[{s:s,s:s}],s:s,s:s,s:s,s:b,s:s,s:s,s:[{s:s}],s:o,s:s,s:s,s:[{s:[o,o]}]}",
        "resourceType", "Measure", "id", id, "url", json_sprintf("%s/Measure/%s", base, id),
        "identifier", "system", "https://helsebro.no/fhir/indikator", "value", ind->code, "name",
        name, "title", ind->name, "status", "active", "experimental", 0, "publisher",
        "Helsebro", "description", ind->definition, "topic", "text", ind->group, "scoring",
        coding("http://terminology.hl7.org/CodeSystem/measure-scoring", hb_indicator_scoring(ind)),
        "guidance", ind->norm_text, "purpose", ind->source, "group", "population",
        population("numerator", "Numerator", ind->numerator),
        population("denominator", "Denominator", ind->denominator));
    if (ind->norm == HB_NORM_AT_LEAST || ind->norm == HB_NORM_AT_MOST)
        json_object_set_new(
            m, "improvementNotation",
            coding("http://terminology.hl7.org/CodeSystem/measure-improvement-notation",
                   ind->norm == HB_NORM_AT_LEAST ? "increase" : "decrease"));
    return m;
}

int hb_fhir_measure_read(struct hb_request *req, struct hb_error *err)
{
    const char *id = hb_req_param(req, 0);
    const struct hb_indicator *ind = by_fhir_id(id, strlen(id));
    if (!ind)
        return hb_fail(err, HB_NOT_FOUND, "id", "Measure/%.64s finnes ikke", id);
    hb__fhir_respond(req, 200, measure_json(ind, hb__fhir_base(req)));
    return 0;
}

int hb_fhir_measure_search(struct hb_request *req, struct hb_error *err)
{
    static const char *const allowed[] = {"_count", NULL};
    struct hb__fhir_params p = {.allowed = allowed};
    int rc = hb__fhir_params(req, &p, err);
    if (rc)
        return rc;
    const char *base = hb__fhir_base(req);
    json_t *b = hb__fhir_bundle("searchset"), *entries = json_object_get(b, "entry");
    for (int i = 0; i < hb_nindicators; i++) {
        json_t *m = measure_json(&hb_indicators[i], base);
        json_array_append_new(entries, json_pack("{s:O,s:o,s:{s:s}}", "fullUrl", json_object_get(m, "url"),
                                                 "resource", m, "search", "mode", "match"));
    }
    json_object_set_new(b, "total", json_integer(hb_nindicators));
    hb__fhir_respond(req, 200, b);
    return 0;
}

/* The subject part of a report id: kommunenummer or f<helsefellesskap id>. */
static void subject_key(const struct hb_an_entity *e, char *out, size_t n)
{
    if (!strcmp(e->kind, "municipality"))
        snprintf(out, n, "%s", e->nr);
    else
        snprintf(out, n, "f%lld", (long long)e->id);
}

static json_t *report_json(const struct hb_indicator *ind, const struct hb_an_entity *e,
                           const struct hb_an_period *p, const struct hb_an_value *v,
                           const struct hb_an_extra *x, const char *base)
{
    char id[64], subject[32], period[16], from_s[16], to_s[16];
    fhir_id(ind->code, id, sizeof(id));
    subject_key(e, subject, sizeof(subject));
    hb_an_period_text(p, period, sizeof(period));
    int64_t from, to;
    hb_an_period_span(p, &from, &to);
    hb_days_date(from / 1440, from_s, sizeof(from_s));
    hb_days_date(to / 1440 - 1, to_s, sizeof(to_s));
    char now[32];
    hb_time_iso(hb_now_us(), now, sizeof(now));
    struct hb_ind_result r;
    hb_indicator_result(ind, v, x, &r);
    json_t *group = json_object();
    if (r.suppressed) {
        json_object_set_new(group, "measureScore",
                            json_pack("{s:[{s:s,s:s}]}", "extension", "url", MASKED, "valueCode",
                                      "masked"));
    } else {
        const char *scoring = hb_indicator_scoring(ind);
        bool counts = !strcmp(scoring, "proportion") || !strcmp(scoring, "ratio") ||
                      !strcmp(scoring, "cohort");
        json_t *pops = json_array();
        json_t *n = json_pack("{s:o}", "code",
                              coding("http://terminology.hl7.org/CodeSystem/measure-population",
                                     "numerator"));
        if (counts)
            json_object_set_new(n, "count", json_integer((json_int_t)(r.num + 0.5)));
        json_array_append_new(pops, n);
        if (r.den >= 0) {
            json_t *d = json_pack("{s:o}", "code",
                                  coding("http://terminology.hl7.org/CodeSystem/measure-population",
                                         "denominator"));
            json_object_set_new(d, "count", json_integer((json_int_t)(r.den + 0.5)));
            json_array_append_new(pops, d);
        }
        json_object_set_new(group, "population", pops);
        if (r.has_value)
            json_object_set_new(group, "measureScore",
                                json_pack("{s:f,s:s}", "value", r.value, "unit", ind->unit));
        else
            json_object_set_new(group, "measureScore",
                                json_pack("{s:[{s:s,s:s}]}", "extension", "url", MASKED,
                                          "valueCode", "not-applicable"));
    }
    const char *rtype = "Organization";
    return json_pack("{s:s,s:o,s:s,s:s,s:o,s:{s:o,s:s},s:s,s:{s:s,s:s},s:[o]}", "resourceType",
                     "MeasureReport", "id", json_sprintf("%s.%s.%s", id, subject, period),
                     "status", "complete", "type", "summary", "measure",
                     json_sprintf("%s/Measure/%s", base, id), "subject", "reference",
                     json_sprintf("%s/%lld", rtype, (long long)e->id), "display", e->name,
                     "date", now, "period", "start", from_s, "end", to_s, "group", group);
}

/* The entity of a subject key, or -1. */
static int entity_of(struct hb_an *an, const char *key, size_t len)
{
    for (int i = 0; i < hb_an_nentity(an); i++) {
        struct hb_an_entity e;
        hb_an_entity(an, i, &e);
        char k[32];
        if (!strcmp(e.kind, "country"))
            continue;
        subject_key(&e, k, sizeof(k));
        if (strlen(k) == len && !strncmp(k, key, len))
            return i;
    }
    return -1;
}


int hb_fhir_measurereport_read(struct hb_request *req, struct hb_error *err)
{
    const char *id = hb_req_param(req, 0);
    const char *dot1 = strchr(id, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    struct hb_an_period p;
    const struct hb_indicator *ind = dot1 ? by_fhir_id(id, (size_t)(dot1 - id)) : NULL;
    if (!ind || !dot2 || hb_an_period_parse(dot2 + 1, &p))
        return hb_fail(err, HB_NOT_FOUND, "id", "MeasureReport/%.64s finnes ikke", id);
    struct hb_an *an = hb_an_live_read(hb_app_store(req), err);
    if (!an)
        return HB_UNAVAILABLE;
    int e = entity_of(an, dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (e < 0) {
        hb_an_live_done();
        return hb_fail(err, HB_NOT_FOUND, "id", "MeasureReport/%.64s finnes ikke", id);
    }
    struct hb_an_value v;
    hb_an_query(an, &e, 1, &p, 1, &v);
    struct hb_an_extra *x = hb_xcalloc((size_t)hb_nindicators, sizeof(*x));
    hb_an_extras(an, &e, 1, &p, 1, x);
    struct hb_an_entity ent;
    hb_an_entity(an, e, &ent);
    json_t *r = report_json(ind, &ent, &p, &v, &x[ind - hb_indicators], hb__fhir_base(req));
    hb_an_live_done();
    free(x);
    hb__fhir_respond(req, 200, r);
    return 0;
}

/* measure: Measure id or canonical URL; subject: Organization/{id} or {id};
 * period: 2026, 2026-Q3 or 2026-09 (one period; default this year). */
int hb_fhir_measurereport_search(struct hb_request *req, struct hb_error *err)
{
    static const char *const allowed[] = {"measure", "subject", "period", "_count", NULL};
    struct hb__fhir_params prm = {.allowed = allowed};
    int rc = hb__fhir_params(req, &prm, err);
    if (rc)
        return rc;
    const char *measure = prm.values[0], *subject = prm.values[1], *period = prm.values[2];
    const struct hb_indicator *only = NULL;
    if (measure) {
        const char *slash = strrchr(measure, '/');
        const char *id = slash ? slash + 1 : measure;
        if (!(only = by_fhir_id(id, strlen(id))))
            return hb_fail(err, HB_INVALID, "measure", "Ukjent Measure: %.64s", measure);
    }
    struct hb_an_period p;
    char year[8];
    if (!period) {
        snprintf(year, sizeof(year), "%d", hb_local_year(hb_now_us()));
        period = year;
    }
    if (hb_an_period_parse(period, &p))
        return hb_fail(err, HB_INVALID, "period",
                       "period må være et år (2026), et kvartal (2026-Q3) eller en måned (2026-09)");
    int64_t subject_id = 0;
    if (subject) {
        const char *s = !strncmp(subject, "Organization/", 13) ? subject + 13 : subject;
        if (hb_parse_i64(s, strlen(s), 1, INT64_MAX, &subject_id))
            return hb_fail(err, HB_INVALID, "subject", "subject må være Organization/{id}");
    }
    struct hb_an *an = hb_an_live_read(hb_app_store(req), err);
    if (!an)
        return HB_UNAVAILABLE;
    int ne = hb_an_nentity(an), n = 0;
    int *ents = hb_arena_alloc(hb_req_arena(req), sizeof(int) * (size_t)ne);
    for (int i = 0; i < ne; i++) {
        struct hb_an_entity e;
        hb_an_entity(an, i, &e);
        if (strcmp(e.kind, "country") && (!subject_id || e.id == subject_id))
            ents[n++] = i;
    }
    struct hb_an_value *vals = hb_xcalloc((size_t)(n ? n : 1), sizeof(*vals));
    struct hb_an_extra *x =
        hb_xcalloc((size_t)(n ? n : 1) * (size_t)hb_nindicators, sizeof(*x));
    hb_an_query(an, ents, n, &p, 1, vals);
    hb_an_extras(an, ents, n, &p, 1, x);
    const char *base = hb__fhir_base(req);
    json_t *b = hb__fhir_bundle("searchset"), *entries = json_object_get(b, "entry");
    int total = 0;
    for (int i = 0; i < n; i++) {
        struct hb_an_entity e;
        hb_an_entity(an, ents[i], &e);
        for (int k = 0; k < hb_nindicators; k++) {
            if (only && only != &hb_indicators[k])
                continue;
            json_t *r = report_json(&hb_indicators[k], &e, &p, &vals[i],
                                    &x[(size_t)i * (size_t)hb_nindicators + (size_t)k], base);
            json_array_append_new(
                entries, json_pack("{s:o,s:o,s:{s:s}}", "fullUrl",
                                   json_sprintf("%s/MeasureReport/%s", base,
                                                json_string_value(json_object_get(r, "id"))),
                                   "resource", r, "search", "mode", "match"));
            total++;
        }
    }
    hb_an_live_done();
    free(vals);
    free(x);
    json_object_set_new(b, "total", json_integer(total));
    hb__fhir_respond(req, 200, b);
    return 0;
}

void hb__fhir_measure_capabilities(json_t *rest)
{
    json_array_append_new(
        rest, json_pack("{s:s,s:s,s:s,s:[{s:s},{s:s}]}", "type", "Measure", "profile",
                        "http://hl7.org/fhir/StructureDefinition/Measure", "documentation",
                        "The helsefellesskap's indicators: definition, numerator, denominator, "
                        "source and norm (guidance); id the indicator code with dashes",
                        "interaction", "code", "read", "code", "search-type"));
    json_array_append_new(
        rest,
        json_pack("{s:s,s:s,s:s,s:[{s:s},{s:s}],s:[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
                  "type", "MeasureReport", "profile",
                  "http://hl7.org/fhir/StructureDefinition/MeasureReport", "documentation",
                  "One summary report per indicator, municipality (or helsefellesskap) and "
                  "period, computed when asked; cells from fewer than 5 patients, or that would "
                  "reveal one, have no counts and a masked measureScore (data-absent-reason)",
                  "interaction", "code", "read", "code", "search-type", "searchParam", "name",
                  "measure", "type", "reference", "documentation", "Measure id or canonical URL",
                  "name", "subject", "type", "reference", "documentation",
                  "Organization/{id} of a municipality or helsefellesskap", "name", "period",
                  "type", "date", "documentation",
                  "One period: 2026, 2026-Q3 or 2026-09 (default: this year)"));
}
