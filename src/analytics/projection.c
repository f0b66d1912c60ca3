/* analytics: projections of bed-days and beds. The arithmetic is a pure
 * function (hb_projection); today's use per age band comes from the engine
 * (hb_an_use_by_age), the population projection from the database. */
#include "projection_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"

#include "../core/banned.h"

const char *const hb_proj_bands[HB_PROJ_BANDS] = {"0-17",  "18-49", "50-66",
                                                  "67-79", "80-89", "90+"};
const char *const hb_proj_kinds[HB_PROJ_KINDS] = {"hospital", "kad", "sykestue"};
static const double band_width[HB_PROJ_BANDS] = {18, 32, 17, 13, 10, 10};

void hb_projection(const struct hb_proj_input *in, const struct hb_proj_assume *a,
                   struct hb_proj_year *out)
{
    int span = a->to_year - a->base_year;
    for (int t = 0; t <= span && t < HB_PROJ_MAX_YEARS; t++) {
        double shift = span > 0 ? a->shift_years * t / span : 0;
        double factor =
            pow(1 - a->efficiency_pct / 100, t) * pow(1 - a->collaboration_pct / 100, t);
        struct hb_proj_year *y = &out[t];
        memset(y, 0, sizeof(*y));
        y->year = a->base_year + t;
        for (int k = 0; k < HB_PROJ_KINDS; k++) {
            double days = 0;
            for (int b = 0; b < HB_PROJ_BANDS; b++) {
                double f = b == 0 ? 0 : fmin(1, shift / band_width[b]);
                double rate = (1 - f) * in->rate[k][b] + (b ? f * in->rate[k][b - 1] : 0);
                days += in->pop[t][b] * rate;
            }
            y->bed_days[k] = days * factor;
            y->beds[k] = y->bed_days[k] / (365 * a->occupancy_pct / 100);
        }
    }
}

static const char SQL_POP[] = "SELECT municipality_id, year, age_band, SUM(count) FROM population"
                              " GROUP BY municipality_id, year, age_band";

static struct hb_proj_muni *muni_of(struct hb_proj_data *d, int64_t id)
{
    for (int i = 0; i < d->n; i++)
        if (d->m[i].id == id)
            return &d->m[i];
    return NULL;
}

int hb_proj_load_population(struct hb_db *db, struct hb_proj_data *d, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_POP, &st, err);
    if (rc)
        return rc;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        struct hb_proj_muni *m = muni_of(d, hb_stmt_col_int(st, 0));
        int64_t year = hb_stmt_col_int(st, 1);
        const char *band = hb_stmt_col(st, 2, NULL);
        if (!m || year < HB_PROJ_YEAR0 || year >= HB_PROJ_YEAR0 + HB_PROJ_YEARS || !band)
            continue;
        for (int b = 0; b < HB_PROJ_BANDS; b++)
            if (!strcmp(band, hb_proj_bands[b]))
                m->pop[year - HB_PROJ_YEAR0][b] += (double)hb_stmt_col_int(st, 3);
        m->has_pop[year - HB_PROJ_YEAR0] = true;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The population of year (or the nearest earlier year with figures; the
 * nearest later one before any). False when the municipality has none. */
static bool pop_of(const struct hb_proj_muni *m, int year, double out[HB_PROJ_BANDS])
{
    int y = year - HB_PROJ_YEAR0, found = -1;
    if (y >= HB_PROJ_YEARS)
        y = HB_PROJ_YEARS - 1;
    for (int k = y; k >= 0 && found < 0; k--)
        if (m->has_pop[k])
            found = k;
    for (int k = y + 1; k < HB_PROJ_YEARS && found < 0; k++)
        if (m->has_pop[k])
            found = k;
    if (found < 0)
        return false;
    memcpy(out, m->pop[found], sizeof(double) * HB_PROJ_BANDS);
    return true;
}

bool hb_proj_input_of(const struct hb_proj_muni *m, const struct hb_proj_assume *a,
                      struct hb_proj_input *in)
{
    memset(in, 0, sizeof(*in));
    double base[HB_PROJ_BANDS];
    if (!pop_of(m, a->base_year, base))
        return false;
    for (int k = 0; k < HB_PROJ_KINDS; k++)
        for (int b = 0; b < HB_PROJ_BANDS; b++)
            in->rate[k][b] = base[b] > 0 ? m->bed_days[k][b] / base[b] : 0;
    for (int t = 0; t <= a->to_year - a->base_year && t < HB_PROJ_MAX_YEARS; t++)
        pop_of(m, a->base_year + t, in->pop[t]);
    return true;
}
