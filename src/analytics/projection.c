/* analytics: projections of bed-days and beds. The arithmetic is a pure
 * function (hb_projection); hb_proj_load measures today's use per age band
 * from the stays and reads the population projection. */
#include "projection_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"

#include "../core/banned.h"

const char *const hb_proj_bands[HB_PROJ_BANDS] = {"0-17",  "18-49", "50-66",
                                                  "67-79", "80-89", "90+"};
const char *const hb_proj_kinds[HB_PROJ_KINDS] = {"hospital", "kad", "sykestue"};
static const int band_lo[HB_PROJ_BANDS] = {0, 18, 50, 67, 80, 90};
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

static int band_of_age(int age)
{
    int b = 0;
    while (b + 1 < HB_PROJ_BANDS && age >= band_lo[b + 1])
        b++;
    return b;
}

static int kind_of(const char *unit_type)
{
    for (int k = 0; k < HB_PROJ_KINDS; k++)
        if (unit_type && !strcmp(unit_type, k == 0 ? "hospital-ward" : hb_proj_kinds[k]))
            return k;
    return -1;
}

static const char SQL_STAYS[] =
    "SELECT p.municipality_id, p.birth_date, o.unit_type, s.start_at, s.end_at, s.patient_id"
    " FROM stay s JOIN patient p ON p.id = s.patient_id JOIN org o ON o.id = s.unit_id"
    " WHERE s.start_at < ? AND (s.end_at IS NULL OR s.end_at > ?)"
    " AND o.unit_type IN ('hospital-ward', 'kad', 'sykestue')";
static const char SQL_POP[] = "SELECT municipality_id, year, age_band, SUM(count) FROM population"
                              " GROUP BY municipality_id, year, age_band";

static struct hb_proj_muni *muni_of(struct hb_proj_data *d, int64_t id)
{
    for (int i = 0; i < d->n; i++)
        if (d->m[i].id == id)
            return &d->m[i];
    return NULL;
}

static void track(struct hb_proj_muni *m, int k, int64_t patient)
{
    int n = m->npatients[k];
    if (n >= 5)
        return;
    for (int i = 0; i < n; i++)
        if (m->patients[k][i] == patient)
            return;
    m->patients[k][n] = patient;
    m->npatients[k] = n + 1;
}

int hb_proj_load(struct hb_db *db, struct hb_proj_data *d, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAYS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, d->to_us);
    hb_stmt_int(st, 2, d->from_us);
    int64_t mid_day = hb_local_day((d->from_us + d->to_us) / 2);
    while ((rc = hb_stmt_step(st, err)) == 1) {
        struct hb_proj_muni *m = muni_of(d, hb_stmt_col_int(st, 0));
        int k = kind_of(hb_stmt_col(st, 2, NULL));
        int64_t born;
        if (!m || k < 0 || hb_date_days(hb_stmt_col(st, 1, NULL), &born))
            continue;
        int64_t from = hb_stmt_col_int(st, 3),
                to = hb_stmt_col(st, 4, NULL) ? hb_stmt_col_int(st, 4) : d->to_us;
        if (from < d->from_us)
            from = d->from_us;
        if (to > d->to_us)
            to = d->to_us;
        if (to <= from)
            continue;
        int band = band_of_age((int)((mid_day - born) * 4 / 1461));
        m->bed_days[k][band] += (double)(to - from) / (86400.0 * 1000000);
        track(m, k, hb_stmt_col_int(st, 5));
    }
    hb_stmt_done(st);
    if (rc < 0 || (rc = hb_db_stmt(db, SQL_POP, &st, err)))
        return rc < 0 ? rc : HB_INTERNAL;
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
