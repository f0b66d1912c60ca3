/* seed internals shared by the demo and the flow generator. */
#ifndef HB_SEED_INT_H
#define HB_SEED_INT_H

#include <stdbool.h>
#include <stdint.h>

/* A small deterministic generator (PCG-style LCG): the same seed, the same data. */
struct hb__rng {
    uint64_t s;
};
unsigned hb__rnd(struct hb__rng *r, unsigned n); /* uniform in [0, n) */
const char *hb__given_name(struct hb__rng *r, bool female);
const char *hb__family_name(struct hb__rng *r);

/* Age bands with their share of the population and of patients (per mille). */
struct hb__band {
    const char *band;
    int lo, hi, pop_pm, patient_pm;
};
extern const struct hb__band hb__bands[];
extern const int hb__nbands;

/* The demo's shared care (teams, plans, messages, co-consultations), written
 * through the careplan module as the demo users. */
#include "../store/store.h"
int hb__seed_care(struct hb_store *s, int64_t demo_patient, int64_t home_org, int64_t ward,
                  struct hb_error *err);

/* The demo's monitoring: a day of vital signs for the KAD patients and
 * Ingrid at home, through the monitor module as the nurses. */
int hb__seed_monitor(struct hb_store *s, int64_t demo_patient, struct hb_error *err);

/* Appends a discharge-ready event to a case (inside a write). */
int hb__dr_event(struct hb_db *db, int64_t case_id, const char *kind, int64_t at,
                 const char *day, const char *place, struct hb_error *err);

/* Two years of ended stays and discharge-ready cases for the demo's
 * statistics, and the demo's population projection to 2040. */
int hb__seed_statistics(struct hb_store *s, struct hb_error *err);

#endif
