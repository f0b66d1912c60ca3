/* analytics: the indicators over HTTP, as JSON and CSV, for staff and (the
 * same cells, suppressed the same way) for citizens; drill-down to the stays
 * behind a number for users with a relation to the patients. */
#include "analytics_api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "extra.h"
#include "risk.h"

#include "../core/banned.h"

enum { MAX_PERIODS = 240, MAX_CODES = 64 };

struct ask {
    struct hb_an_period periods[MAX_PERIODS];
    int np;
    int *ents, n;
    const struct hb_indicator *inds[MAX_CODES];
    int ni;
    bool csv;
};

static int parse_periods(struct hb_request *req, struct ask *q, struct hb_error *err)
{
    const char *one = hb_req_query(req, "period"), *from = hb_req_query(req, "from"),
               *to = hb_req_query(req, "to");
    struct hb_an_period a, b;
    if (one && (from || to))
        return hb_fail(err, HB_INVALID, "period", "Oppgi enten period eller from og to");
    if (!one && !from && !to) {
        char year[8];
        hb_local_date(hb_now_us(), year, sizeof(year));
        one = year;
        year[4] = '\0';
        hb_an_period_parse(one, &a);
        q->periods[q->np++] = a;
        return 0;
    }
    const char *f = one ? one : from, *t = one ? one : to;
    const char *field = one ? "period" : !from ? "from" : "to";
    if (!from != !to && !one)
        return hb_fail(err, HB_INVALID, field, "Oppgi både from og to");
    if (hb_an_period_parse(f, &a))
        return hb_fail(err, HB_INVALID, one ? "period" : "from",
                       "Ugyldig periode: bruk år (2026), kvartal (2026-Q3) eller måned (2026-09)");
    if (hb_an_period_parse(t, &b))
        return hb_fail(err, HB_INVALID, "to",
                       "Ugyldig periode: bruk år (2026), kvartal (2026-Q3) eller måned (2026-09)");
    if (a.kind != b.kind)
        return hb_fail(err, HB_INVALID, "to", "from og to må være samme slags periode");
    for (struct hb_an_period p = a;; p = hb_an_period_next(p)) {
        if (p.year > b.year || (p.year == b.year && p.n > b.n))
            break;
        if (q->np == MAX_PERIODS)
            return hb_fail(err, HB_INVALID, "to", "Høyst %d perioder om gangen", MAX_PERIODS);
        q->periods[q->np++] = p;
    }
    if (!q->np)
        return hb_fail(err, HB_INVALID, "to", "to kan ikke være før from");
    return 0;
}

static int parse_indicators(struct hb_request *req, struct ask *q, struct hb_error *err)
{
    const char *list = hb_req_query(req, "indicator");
    if (!list || !*list) {
        for (int i = 0; i < hb_nindicators; i++)
            q->inds[q->ni++] = &hb_indicators[i];
        return 0;
    }
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char code[48];
        snprintf(code, sizeof(code), "%.*s", (int)(len < 47 ? len : 47), p);
        const struct hb_indicator *ind = hb_indicator_find(code);
        if (!ind || len > 47)
            return hb_fail(err, HB_INVALID, "indicator", "Ukjent indikator: %s", code);
        if (q->ni < MAX_CODES)
            q->inds[q->ni++] = ind;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* municipality=NR[,NR]; fellesskap=ID: its municipalities and itself; by
 * default every municipality, every helsefellesskap and (when there are
 * several) the country. */
static int parse_entities(struct hb_request *req, const struct hb_an *an, struct ask *q,
                          struct hb_error *err)
{
    int ne = hb_an_nentity(an);
    q->ents = hb_arena_alloc(hb_req_arena(req), sizeof(int) * (size_t)ne);
    const char *munis = hb_req_query(req, "municipality"), *fs = hb_req_query(req, "fellesskap");
    struct hb_an_entity e;
    if (munis && *munis) {
        for (const char *p = munis; *p;) {
            size_t len = strcspn(p, ",");
            int found = -1;
            for (int i = 0; i < hb_an_nmuni(an) && found < 0; i++) {
                hb_an_entity(an, i, &e);
                if (strlen(e.nr) == len && strncmp(e.nr, p, len) == 0)
                    found = i;
            }
            if (found < 0)
                return hb_fail(err, HB_INVALID, "municipality", "Ukjent kommunenummer: %.*s",
                               (int)(len < 8 ? len : 8), p);
            if (q->n < ne)
                q->ents[q->n++] = found;
            p += len + (p[len] == ',');
        }
        return 0;
    }
    int64_t fid = 0;
    if (fs && hb_parse_i64(fs, strlen(fs), 1, INT64_MAX, &fid))
        return hb_fail(err, HB_INVALID, "fellesskap", "Ugyldig helsefellesskap");
    for (int i = 0; i < ne; i++) {
        hb_an_entity(an, i, &e);
        struct hb_an_entity parent = {0};
        if (e.parent >= 0)
            hb_an_entity(an, e.parent, &parent);
        bool in = !fid || (strcmp(e.kind, "helsefellesskap") == 0 && e.id == fid) ||
                  (strcmp(e.kind, "municipality") == 0 && parent.id == fid);
        if (strcmp(e.kind, "country") == 0)
            in = !fid && hb_an_nfellesskap(an) > 1;
        if (in)
            q->ents[q->n++] = i;
    }
    if (!q->n)
        return hb_fail(err, HB_INVALID, "fellesskap", "Ukjent helsefellesskap: %s", fs);
    return 0;
}

static double round_to(double x, int decimals)
{
    double f = pow(10, decimals);
    return round(x * f) / f;
}

static json_t *catalogue_json(const struct hb_indicator *ind)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "code", ind->code, "group",
                  ind->group, "name", ind->name, "unit", ind->unit, "definition", ind->definition,
                  "numerator", ind->numerator, "denominator", ind->denominator, "source",
                  ind->source, "norm", ind->norm_text, "decimals", ind->decimals);
    static const char *const kinds[] = {NULL, "at-least", "at-most", "range"};
    if (kinds[ind->norm]) {
        json_t *n = json_pack("{s:s}", "kind", kinds[ind->norm]);
        if (ind->norm != HB_NORM_AT_MOST)
            json_object_set_new(n, "low", json_real(ind->lo));
        if (ind->norm != HB_NORM_AT_LEAST)
            json_object_set_new(n, "high", json_real(ind->hi));
        json_object_set_new(o, "target", n);
    }
    return o;
}

static json_t *entity_json(const struct hb_an *an, int e)
{
    struct hb_an_entity x;
    hb_an_entity(an, e, &x);
    json_t *o = json_pack("{s:s,s:s}", "kind", x.kind, "name", x.name);
    if (x.id)
        json_object_set_new(o, "id", json_sprintf("%lld", (long long)x.id));
    if (x.nr[0])
        json_object_set_new(o, "kommunenummer", json_string(x.nr));
    return o;
}

/* A number as Norwegian text for CSV: decimal comma, no grouping. */
static void csv_number(struct hb_buf *b, double v, int decimals)
{
    char s[64];
    snprintf(s, sizeof(s), "%.*f", decimals, v);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    hb_buf_adds(b, s);
}

static void csv_text(struct hb_buf *b, const char *s)
{
    hb_buf_adds(b, "\"");
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        hb_buf_add(b, s, (size_t)(q - s) + 1);
        hb_buf_adds(b, "\"");
    }
    hb_buf_adds(b, s);
    hb_buf_adds(b, "\"");
}

/* The result of indicator k of q in cell c (entity i, period p). */
static void result(const struct ask *q, int k, const struct hb_an_value *vals,
                   const struct hb_an_extra *extras, size_t c, struct hb_ind_result *r)
{
    const struct hb_indicator *ind = q->inds[k];
    hb_indicator_result(ind, &vals[c],
                        &extras[c * (size_t)hb_nindicators + (size_t)(ind - hb_indicators)], r);
}

static void respond_csv(struct hb_request *req, const struct hb_an *an, const struct ask *q,
                        const struct hb_an_value *vals, const struct hb_an_extra *extras)
{
    struct hb_buf b;
    hb_buf_init(&b, 64 << 20);
    hb_buf_adds(&b, "\xEF\xBB\xBF"
                    "Kommunenummer;Navn;Periode");
    for (int k = 0; k < q->ni; k++) {
        hb_buf_adds(&b, ";");
        char head[200];
        snprintf(head, sizeof(head), "%s (%s)", q->inds[k]->name, q->inds[k]->unit);
        csv_text(&b, head);
    }
    hb_buf_adds(&b, "\r\n");
    for (int i = 0; i < q->n; i++)
        for (int p = 0; p < q->np; p++) {
            struct hb_an_entity e;
            hb_an_entity(an, q->ents[i], &e);
            char period[16];
            hb_an_period_text(&q->periods[p], period, sizeof(period));
            hb_buf_addf(&b, "%s;", e.nr);
            csv_text(&b, e.name);
            hb_buf_addf(&b, ";%s", period);
            for (int k = 0; k < q->ni; k++) {
                struct hb_ind_result r;
                result(q, k, vals, extras, (size_t)i * (size_t)q->np + (size_t)p, &r);
                hb_buf_adds(&b, ";");
                if (r.suppressed)
                    hb_buf_adds(&b, "<5");
                else if (r.has_value)
                    csv_number(&b, r.value, q->inds[k]->decimals);
            }
            hb_buf_adds(&b, "\r\n");
        }
    size_t len;
    char *body = hb_buf_detach(&b, &len);
    hb_resp_header(req, "Content-Disposition", "attachment; filename=\"indikatorer.csv\"");
    hb_resp_raw(req, 200, "text/csv; charset=utf-8", body, len);
}

static json_t *values_json(const struct ask *q, const struct hb_an_value *vals,
                           const struct hb_an_extra *extras, size_t c)
{
    json_t *out = json_object();
    for (int k = 0; k < q->ni; k++) {
        struct hb_ind_result r;
        result(q, k, vals, extras, c, &r);
        json_t *o = json_object();
        if (r.suppressed) {
            json_object_set_new(o, "suppressed", json_true());
            json_object_set_new(o, "display", json_string("<5"));
        } else if (r.has_value) {
            json_object_set_new(o, "value", json_real(round_to(r.value, q->inds[k]->decimals)));
            if (hb_ind_status_code(r.status))
                json_object_set_new(o, "status", json_string(hb_ind_status_code(r.status)));
        } else {
            json_object_set_new(o, "value", json_null());
        }
        json_object_set_new(out, q->inds[k]->code, o);
    }
    return out;
}

static int indicators(struct hb_request *req, bool public, struct hb_error *err)
{
    struct ask *q = hb_arena_alloc(hb_req_arena(req), sizeof(*q));
    const char *format = hb_req_query(req, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return hb_fail(err, HB_INVALID, "format", "format må være json eller csv");
    q->csv = format && strcmp(format, "csv") == 0;
    int rc;
    if ((rc = parse_periods(req, q, err)) || (rc = parse_indicators(req, q, err)))
        return rc;
    struct hb_store *s = hb_app_store(req);
    struct hb_an *an = hb_an_live_read(s, err);
    if (!an)
        return HB_UNAVAILABLE;
    if ((rc = parse_entities(req, an, q, err))) {
        hb_an_live_done();
        return rc;
    }
    size_t cells = (size_t)q->n * (size_t)q->np;
    struct hb_an_value *vals = hb_xcalloc(cells ? cells : 1, sizeof(*vals));
    struct hb_an_extra *extras =
        hb_xcalloc((cells ? cells : 1) * (size_t)hb_nindicators, sizeof(*extras));
    hb_an_query(an, q->ents, q->n, q->periods, q->np, vals);
    hb_an_extras(an, q->ents, q->n, q->periods, q->np, extras);
    if (q->csv) {
        respond_csv(req, an, q, vals, extras);
    } else {
        json_t *cat = json_array(), *periods = json_array(), *rows = json_array();
        for (int k = 0; k < q->ni; k++)
            json_array_append_new(cat, catalogue_json(q->inds[k]));
        for (int p = 0; p < q->np; p++) {
            char t[16];
            hb_an_period_text(&q->periods[p], t, sizeof(t));
            json_array_append_new(periods, json_string(t));
        }
        for (int i = 0; i < q->n; i++) {
            json_t *series = json_array();
            for (int p = 0; p < q->np; p++)
                json_array_append_new(
                    series, values_json(q, vals, extras, (size_t)i * (size_t)q->np + (size_t)p));
            json_array_append_new(rows, json_pack("{s:o,s:o}", "entity",
                                                  entity_json(an, q->ents[i]), "values", series));
        }
        hb_resp_json(req, 200,
                     json_pack("{s:o,s:o,s:o,s:i,s:b}", "indicators", cat, "periods", periods,
                               "rows", rows, "minPatients", HB_AN_MIN_PATIENTS, "public", public));
    }
    hb_an_live_done();
    free(vals);
    free(extras);
    return 0;
}

int hb_api_indicators(struct hb_request *req, struct hb_error *err)
{
    return indicators(req, false, err);
}

int hb_api_public_indicators(struct hb_request *req, struct hb_error *err)
{
    return indicators(req, true, err);
}

int hb_api_analytics_refresh(struct hb_request *req, struct hb_error *err)
{
    int rc = hb_an_live_refresh(hb_app_store(req), err);
    if (rc == 0)
        rc = hb_risk_live_refresh(hb_app_store(req), err);
    if (rc)
        return rc;
    hb_resp_json(req, 200, json_pack("{s:b}", "refreshed", 1));
    return 0;
}

struct survey_ctx {
    const char *csv;
    int64_t user_id;
    int rows;
};

static int survey_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct survey_ctx *c = arg;
    return hb_an_survey_import(db, c->csv, strlen(c->csv), c->user_id, &c->rows, err);
}

int hb_api_survey_import(struct hb_request *req, struct hb_error *err)
{
    struct survey_ctx c = {.csv = json_string_value(json_object_get(hb_req_json(req), "csv")),
                           .user_id = hb_app_user(req)->id};
    if (!c.csv)
        return hb_fail(err, HB_INVALID, "csv", "csv må være CSV-teksten som en streng");
    int rc = hb_store_write(hb_app_store(req), survey_tx, &c, err);
    /* The one who imported sees the results at once. */
    if (rc == 0)
        rc = hb_an_live_plans_refresh(hb_app_store(req), err);
    if (rc)
        return rc;
    hb_resp_json(req, 200, json_pack("{s:i}", "rows", c.rows));
    return 0;
}
