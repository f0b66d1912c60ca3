/* seed: the demo helsefellesskap and generated synthetic patients. */
#ifndef HB_SEED_H
#define HB_SEED_H

#include <stdint.h>
#include <stdio.h>

#include "../store/store.h"

#define HB_DEMO_PASSWORD "helsebro-demo"

/* Loads Helsefellesskap Helse Bergen with Region Nordhordland, units, GP
 * offices, one user per role (password HB_DEMO_PASSWORD) and a few hundred
 * synthetic patients. Does nothing and returns 1 when organisations exist
 * already. Prints the demo logins to out (may be NULL). */
int hb_seed_demo(struct hb_store *s, FILE *out, struct hb_error *err);

/* Adds count synthetic patients living in the municipality with kommunenummer
 * (NULL: spread over all, by population), in transactions of 1,000. Calls
 * progress(done, count) after each. */
int hb_seed_patients(struct hb_store *s, int count, const char *kommunenummer,
                     void (*progress)(int done, int count), struct hb_error *err);

/* Generates synthetic flow for benchmarks on a fresh database: a
 * helsefellesskap of `municipalities` (kommunenummer 9001...) each with a KAD
 * unit sized to the norm, a hospital with two wards, patients (2.5 % of the
 * population) and `days` days of stays up to today (KAD 1-5 days, hospital 2-8).
 * The same seed gives the same data; times are relative to now. progress (may
 * be NULL) is told after each step. *stays and *open get the counts. */
int hb_seed_flow(struct hb_store *s, int municipalities, int days, uint64_t seed,
                 void (*progress)(const char *what, int done, int count), int *stays,
                 int *open, struct hb_error *err);

/* Generates vital-sign streams for the first `patients` patients: a complete
 * set every every_minutes for `hours` hours up to now, one patient in twenty
 * deteriorating towards the end; NEWS2 and alerts as in real use. The same
 * seed gives the same values. *sets gets the count. */
int hb_seed_monitoring(struct hb_store *s, int patients, int hours, int every_minutes,
                       uint64_t seed, void (*progress)(const char *what, int done, int count),
                       int *sets, struct hb_error *err);

/* What gen national wrote. */
struct hb_seed_national_counts {
    long long inhabitants, patients, stays, cases, observations, alerts;
};
/* Generates a synthetic country for the analytics benchmarks on a fresh
 * database (see gen_national.c): 356 municipalities in 19 helsefellesskap,
 * about 5.5 million inhabitants times scale, `years` years of history. */
int hb_seed_national(struct hb_store *s, double scale, int years, uint64_t seed,
                     void (*progress)(const char *what, int done, int count),
                     struct hb_seed_national_counts *counts, struct hb_error *err);

#endif
