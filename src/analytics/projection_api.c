/* analytics: GET /api/projections: bed-days and beds to 2040 per municipality
 * and helsefellesskap under the assumptions given, as JSON or CSV. A
 * municipality's projection for a kind of unit is hidden when today's use
 * there comes from fewer than five patients, and one more is hidden when a
 * lone hidden one could be worked out from the helsefellesskap's total. */
#include "analytics_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "an_int.h"
#include "projection_int.h"

#include "../core/banned.h"

static int num_param(struct hb_request *req, const char *key, const char *label, double def,
                     double lo, double hi, double *out, struct hb_error *err)
{
    const char *v = hb_req_query(req, key);
    *out = def;
    if (!v || !*v)
        return 0;
    char buf[32], *end;
    snprintf(buf, sizeof(buf), "%s", v);
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.'; /* 0,5 as written in Norwegian */
    double x = strtod(buf, &end);
    if (end == buf || *end || strlen(v) >= sizeof(buf) || x < lo || x > hi)
        return hb_fail(err, HB_INVALID, key, "%s må være et tall fra %g til %g", label, lo, hi);
    *out = x;
    return 0;
}

_Static_assert((int)AN_KINDS == (int)HB_PROJ_KINDS && (int)AN_BANDS == (int)HB_PROJ_BANDS,
               "the engine keeps today's use in the projection's kinds and bands");

/* UTC microseconds of local midnight on the first of a month. */
static int64_t month_start_us(int year, int month)
{
    return hb_local_minutes_us(hb_civil_days(year, month, 1) * 1440);
}

struct proj_row {
    int muni;   /* index into data.m, or -1 for a helsefellesskap total */
    int64_t fs; /* the helsefellesskap */
    const char *fs_name;
    bool hidden[HB_PROJ_KINDS], has_pop;
    struct hb_proj_year years[HB_PROJ_MAX_YEARS];
    double pop[HB_PROJ_MAX_YEARS][3]; /* all, 67+, 80+ */
};

/* Hides one more municipality of helsefellesskap fs for a kind when a lone
 * hidden one could be worked out from the total (sizes: patients). */
static void protect(struct proj_row *rows, const struct hb_proj_data *d, int n, int64_t fs)
{
    int *size = hb_xcalloc((size_t)n + 1, sizeof(int)),
        *at = hb_xcalloc((size_t)n + 1, sizeof(int));
    bool *hidden = hb_xcalloc((size_t)n + 1, sizeof(bool));
    for (int k = 0; k < HB_PROJ_KINDS; k++) {
        int m = 0, total = 0;
        for (int i = 0; i < n; i++) {
            if (rows[i].fs != fs || rows[i].muni < 0)
                continue;
            at[m] = i;
            size[m] = d->m[rows[i].muni].npatients[k];
            hidden[m++] = rows[i].hidden[k];
            total += d->m[rows[i].muni].npatients[k];
        }
        bool parent_hidden = total > 0 && total < 5;
        while (hb__an_protect(m, size, hidden, total, &parent_hidden))
            ;
        for (int i = 0; i < m; i++)
            rows[at[i]].hidden[k] = hidden[i];
    }
    free(size);
    free(at);
    free(hidden);
}

static json_t *kind_json(const struct proj_row *r, int t, int k)
{
    if (r->hidden[k])
        return json_pack("{s:b,s:s}", "suppressed", 1, "display", "<5");
    return json_pack("{s:f,s:f}", "bedDays", (double)(int64_t)(r->years[t].bed_days[k] + 0.5),
                     "beds", (double)(int64_t)(r->years[t].beds[k] * 10 + 0.5) / 10);
}

static void csv_row(struct hb_buf *b, const char *nr, const char *name, const struct proj_row *r,
                    int t)
{
    hb_buf_addf(b, "%s;\"%s\";%d;%.0f;%.0f", nr, name, r->years[t].year, r->pop[t][0],
                r->pop[t][2]);
    for (int k = 0; k < HB_PROJ_KINDS; k++) {
        if (r->hidden[k]) {
            hb_buf_adds(b, ";<5;<5");
            continue;
        }
        char beds[32];
        snprintf(beds, sizeof(beds), "%.1f", r->years[t].beds[k]);
        *strchr(beds, '.') = ',';
        hb_buf_addf(b, ";%.0f;%s", r->years[t].bed_days[k], beds);
    }
    hb_buf_adds(b, "\r\n");
}

int hb_api_projections(struct hb_request *req, struct hb_error *err)
{
    struct hb_proj_assume a;
    int rc;
    int now_year = hb_local_year(hb_now_us());
    double to;
    if ((rc = num_param(req, "shift", "Sunnere aldring (år)", 0, 0, 10, &a.shift_years, err)) ||
        (rc = num_param(req, "efficiency", "Effektivisering (% per år)", 0, -5, 10,
                        &a.efficiency_pct, err)) ||
        (rc = num_param(req, "collaboration", "Samhandling (% per år)", 0, -5, 10,
                        &a.collaboration_pct, err)) ||
        (rc = num_param(req, "occupancy", "Belegg (%)", 85, 50, 100, &a.occupancy_pct, err)) ||
        (rc = num_param(req, "to", "Sluttåret", 2040, now_year + 1,
                        now_year + HB_PROJ_MAX_YEARS - 1, &to, err)))
        return rc;
    if (to != (int)to)
        return hb_fail(err, HB_INVALID, "to", "to må være et årstall");
    const char *format = hb_req_query(req, "format"), *nr = hb_req_query(req, "municipality");
    if (format && strcmp(format, "csv") && strcmp(format, "json"))
        return hb_fail(err, HB_INVALID, "format", "format må være json eller csv");
    a.base_year = now_year;
    a.to_year = (int)to;
    char today[16];
    hb_local_date(hb_now_us(), today, sizeof(today));
    int month = (today[5] - '0') * 10 + (today[6] - '0');
    struct hb_proj_data d = {.from_us = month_start_us(now_year - 1, month),
                             .to_us = month_start_us(now_year, month)};
    int first_month = (now_year - 1) * 12 + month - 1; /* the engine's months */

    /* The municipalities, from the engine's list, with their helsefellesskap. */
    struct hb_store *s = hb_app_store(req);
    struct hb_an *an = hb_an_live_read(s, err);
    if (!an)
        return HB_UNAVAILABLE;
    int nm = hb_an_nmuni(an), want = -1;
    struct hb_arena *arena = hb_req_arena(req);
    d.m = hb_arena_alloc(arena, sizeof(*d.m) * (size_t)(nm ? nm : 1));
    int64_t *fs = hb_arena_alloc(arena, sizeof(int64_t) * (size_t)(nm ? nm : 1));
    const char **fs_name = hb_arena_alloc(arena, sizeof(char *) * (size_t)(nm ? nm : 1));
    for (int i = 0; i < nm; i++) {
        struct hb_an_entity e, p;
        hb_an_entity(an, i, &e);
        hb_an_entity(an, e.parent, &p);
        d.m[i].id = e.id;
        d.m[i].nr = hb_arena_strdup(arena, e.nr);
        d.m[i].name = hb_arena_strdup(arena, e.name);
        fs[i] = p.id;
        fs_name[i] = hb_arena_strdup(arena, p.name);
        if (nr && !strcmp(nr, e.nr))
            want = i;
        /* Today's use: the last twelve full months, from the engine. */
        hb_an_use_by_age(an, i, first_month, 12, d.m[i].bed_days, d.m[i].npatients);
    }
    d.n = nm;
    hb_an_live_done();
    if (nr && want < 0)
        return hb_fail(err, HB_INVALID, "municipality", "Ukjent kommunenummer: %.8s", nr);

    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    rc = hb_proj_load_population(db, &d, err);
    hb_store_release(s, db);
    if (rc)
        return rc;

    /* A row per municipality, then a total per helsefellesskap. */
    struct proj_row *rows = hb_xcalloc((size_t)nm * 2 + 1, sizeof(*rows));
    int n = 0, years = a.to_year - a.base_year + 1;
    struct hb_proj_input *in = hb_xmalloc(sizeof(*in));
    for (int i = 0; i < nm; i++) {
        struct proj_row *r = &rows[n++];
        r->muni = i;
        r->fs = fs[i];
        r->fs_name = fs_name[i];
        r->has_pop = hb_proj_input_of(&d.m[i], &a, in);
        hb_projection(in, &a, r->years);
        for (int t = 0; t < years; t++)
            for (int b = 0; b < HB_PROJ_BANDS; b++) {
                r->pop[t][0] += in->pop[t][b];
                r->pop[t][1] += b >= 3 ? in->pop[t][b] : 0;
                r->pop[t][2] += b >= 4 ? in->pop[t][b] : 0;
            }
        for (int k = 0; k < HB_PROJ_KINDS; k++)
            r->hidden[k] = d.m[i].npatients[k] > 0 && d.m[i].npatients[k] < 5;
    }
    free(in);
    for (int i = 0; i < nm; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            first = first && fs[j] != fs[i];
        if (!first)
            continue;
        protect(rows, &d, nm, fs[i]);
        struct proj_row *tot = &rows[n++];
        tot->muni = -1;
        tot->fs = fs[i];
        tot->fs_name = fs_name[i];
        int patients[HB_PROJ_KINDS] = {0};
        for (int j = 0; j < nm; j++) {
            if (fs[j] != fs[i])
                continue;
            tot->has_pop = tot->has_pop || rows[j].has_pop;
            for (int t = 0; t < years; t++) {
                tot->years[t].year = rows[j].years[t].year;
                for (int k = 0; k < HB_PROJ_KINDS; k++) {
                    tot->years[t].bed_days[k] += rows[j].years[t].bed_days[k];
                    tot->years[t].beds[k] += rows[j].years[t].beds[k];
                }
                for (int c = 0; c < 3; c++)
                    tot->pop[t][c] += rows[j].pop[t][c];
            }
            for (int k = 0; k < HB_PROJ_KINDS; k++)
                patients[k] += d.m[j].npatients[k];
        }
        for (int k = 0; k < HB_PROJ_KINDS; k++)
            tot->hidden[k] = patients[k] > 0 && patients[k] < 5;
    }
    if (want >= 0 && !rows[want].has_pop) {
        free(rows);
        return hb_fail(err, HB_INVALID, "municipality",
                       "Mangler befolkningstall for %s: importer en framskriving med "
                       "helsebro import population",
                       d.m[want].name);
    }

    if (format && !strcmp(format, "csv")) {
        struct hb_buf b;
        hb_buf_init(&b, 16 << 20);
        hb_buf_adds(
            &b, "\xEF\xBB\xBF"
                "Kommunenummer;Navn;År;Innbyggere;Innbyggere 80+;Sykehus liggedøgn;"
                "Sykehus senger;KAD liggedøgn;KAD senger;Sykestue liggedøgn;Sykestue senger\r\n");
        for (int i = 0; i < n; i++) {
            if ((want >= 0 && i != want) || !rows[i].has_pop)
                continue;
            for (int t = 0; t < years; t++)
                csv_row(&b, rows[i].muni >= 0 ? d.m[rows[i].muni].nr : "",
                        rows[i].muni >= 0 ? d.m[rows[i].muni].name : rows[i].fs_name, &rows[i], t);
        }
        size_t len;
        char *body = hb_buf_detach(&b, &len);
        hb_resp_header(req, "Content-Disposition", "attachment; filename=\"framskriving.csv\"");
        hb_resp_raw(req, 200, "text/csv; charset=utf-8", body, len);
        free(rows);
        return 0;
    }
    json_t *out = json_array();
    for (int i = 0; i < n; i++) {
        if ((want >= 0 && i != want) || !rows[i].has_pop)
            continue;
        const struct proj_row *r = &rows[i];
        json_t *ent = r->muni >= 0
                          ? json_pack("{s:s,s:s,s:s}", "kind", "municipality", "kommunenummer",
                                      d.m[r->muni].nr, "name", d.m[r->muni].name)
                          : json_pack("{s:s,s:s}", "kind", "helsefellesskap", "name", r->fs_name);
        json_t *series = json_array();
        for (int t = 0; t < years; t++) {
            json_t *y =
                json_pack("{s:i,s:f,s:f,s:f}", "year", r->years[t].year, "population", r->pop[t][0],
                          "population67", r->pop[t][1], "population80", r->pop[t][2]);
            for (int k = 0; k < HB_PROJ_KINDS; k++)
                json_object_set_new(y, hb_proj_kinds[k], kind_json(r, t, k));
            json_array_append_new(series, y);
        }
        json_array_append_new(out, json_pack("{s:o,s:o}", "entity", ent, "series", series));
    }
    char from[16], until[16];
    hb_local_date(d.from_us, from, sizeof(from));
    hb_local_date(d.to_us - 1, until, sizeof(until));
    hb_resp_json(req, 200,
                 json_pack("{s:{s:f,s:f,s:f,s:f,s:i,s:i},s:{s:s,s:s},s:o}", "assumptions",
                           "shiftYears", a.shift_years, "efficiencyPct", a.efficiency_pct,
                           "collaborationPct", a.collaboration_pct, "occupancyPct", a.occupancy_pct,
                           "baseYear", a.base_year, "toYear", a.to_year, "base", "from", from, "to",
                           until, "rows", out));
    free(rows);
    return 0;
}
