/* analytics: projections of bed-days and beds to 2040 from today's use per
 * age band and the population projection, under adjustable assumptions. */
#ifndef HB_AN_PROJECTION_H
#define HB_AN_PROJECTION_H

#include <stdbool.h>

enum { HB_PROJ_BANDS = 6, HB_PROJ_KINDS = 3, HB_PROJ_MAX_YEARS = 40 };
extern const char *const hb_proj_bands[HB_PROJ_BANDS]; /* "0-17" ... "90+" */
extern const char *const hb_proj_kinds[HB_PROJ_KINDS]; /* hospital, kad, sykestue */

struct hb_proj_assume {
    double shift_years;       /* healthier ageing: use moves this many years older by the end */
    double efficiency_pct;    /* fewer bed-days for the same patients, % a year */
    double collaboration_pct; /* fewer bed-days from working together (PSHT, KAD), % a year */
    double occupancy_pct;     /* target occupancy for beds needed */
    int base_year, to_year;
};

struct hb_proj_input {
    /* bed-days per inhabitant a year, by unit kind and age band, today */
    double rate[HB_PROJ_KINDS][HB_PROJ_BANDS];
    /* inhabitants by year (base_year + i) and age band */
    double pop[HB_PROJ_MAX_YEARS][HB_PROJ_BANDS];
};

struct hb_proj_year {
    int year;
    double bed_days[HB_PROJ_KINDS], beds[HB_PROJ_KINDS];
};

/* Projects years base_year..to_year (out has to_year - base_year + 1 rows).
 *
 * For year y, t = y - base_year. Healthier ageing shifts use s = shift_years
 * * t / (to_year - base_year) years older: a share f = min(1, s / width) of
 * each age band uses like the band below (the youngest band is unchanged).
 * Efficiency and collaboration each scale use by (1 - pct/100)^t. Bed-days
 * = sum over bands of inhabitants * adjusted rate; beds = bed-days / (365 *
 * occupancy). */
void hb_projection(const struct hb_proj_input *in, const struct hb_proj_assume *a,
                   struct hb_proj_year *out);

#endif
