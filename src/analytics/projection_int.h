/* analytics: what a projection request reads from the database. */
#ifndef HB_AN_PROJECTION_INT_H
#define HB_AN_PROJECTION_INT_H

#include <stdint.h>

#include "../store/store.h"
#include "projection.h"

enum { HB_PROJ_YEAR0 = 2000, HB_PROJ_YEARS = 61 };

struct hb_proj_muni {
    int64_t id;
    const char *nr, *name;
    double bed_days[HB_PROJ_KINDS][HB_PROJ_BANDS]; /* in the base window */
    int npatients[HB_PROJ_KINDS]; /* distinct patients behind them, 0-5, to tell "<5" */
    double pop[HB_PROJ_YEARS][HB_PROJ_BANDS];
    bool has_pop[HB_PROJ_YEARS];
};

struct hb_proj_data {
    int64_t from_us, to_us; /* the base window: the twelve months of today's use */
    struct hb_proj_muni *m; /* filled by the caller: id, nr, name */
    int n;
};

/* Adds the population of every year to the municipalities in d. */
int hb_proj_load_population(struct hb_db *db, struct hb_proj_data *d, struct hb_error *err);
/* Today's rates and the population of each projected year for one
 * municipality. False when it has no population figures. */
bool hb_proj_input_of(const struct hb_proj_muni *m, const struct hb_proj_assume *a,
                      struct hb_proj_input *in);

#endif
