/* seed: `helsebro gen monitoring`: reproducible vital-sign streams for the
 * patients already in the database: a complete set every `every` minutes for
 * `hours` hours up to now, mostly stable with small variation, about one
 * patient in twenty deteriorating over the last quarter of the period. The
 * sets go through the monitor module (NEWS2 and alerts included), a thousand
 * sets a transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../monitor/monitor.h"
#include "seed.h"
#include "seed_int.h"

#include "../core/banned.h"

static const char SQL_PATIENTS[] = "SELECT id FROM patient ORDER BY id LIMIT ?";

struct gen {
    struct hb_obs *obs;
    int n;
};

static int gen_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct gen *g = arg;
    return hb_monitor_ingest_in(db, NULL, g->obs, g->n, err);
}

/* A value in hundredths as text with one decimal (temperature) or none. */
static void text_of(int64_t v, bool decimal, char *out, size_t n)
{
    if (decimal)
        snprintf(out, n, "%lld.%lld", (long long)(v / 100), (long long)(v % 100 / 10));
    else
        snprintf(out, n, "%lld", (long long)(v / 100));
}

int hb_seed_monitoring(struct hb_store *s, int patients, int hours, int every_minutes,
                       uint64_t seed, void (*progress)(const char *what, int done, int count),
                       int *sets_out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t *ids = hb_xmalloc(sizeof(*ids) * (size_t)patients);
    int n = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_PATIENTS, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, patients);
        while (n < patients && (rc = hb_stmt_step(st, err)) == 1)
            ids[n++] = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc == 0 && n < patients)
        rc = hb_fail(err, HB_INVALID, "patients",
                     "the database has %d patients; add more with `helsebro seed patients`", n);
    enum { SETS_PER_TX = 1000 };
    struct gen g = {.obs = hb_xmalloc(sizeof(struct hb_obs) * 7 * SETS_PER_TX)};
    struct hb__rng r = {seed ? seed : 1};
    static const char *const kinds[7] = {"rr",    "spo2",  "oxygen",     "sbp",
                                         "pulse", "acvpu", "temperature"};
    int steps = hours * 60 / every_minutes, total = n * steps, done = 0;
    int64_t now = hb_now_us(), start = now - (int64_t)hours * 3600 * 1000000;
    for (int p = 0; rc == 0 && p < n; p++) {
        bool worse = hb__rnd(&r, 20) == 0;
        /* Each patient's own baseline. */
        int64_t base[7] = {1400 + hb__rnd(&r, 5) * 100,   9500 + hb__rnd(&r, 4) * 100,  0,
                           11500 + hb__rnd(&r, 30) * 100, 6500 + hb__rnd(&r, 20) * 100, 0,
                           3650 + hb__rnd(&r, 8) * 10};
        for (int k = 0; rc == 0 && k < steps; k++) {
            double f =
                worse && k > steps * 3 / 4 ? (double)(k - steps * 3 / 4) / (steps / 4 + 1) : 0;
            int64_t v[7];
            v[0] = base[0] + (int64_t)(f * 1200) + hb__rnd(&r, 3) * 100 - 100;
            v[1] = base[1] - (int64_t)(f * 600) - hb__rnd(&r, 2) * 100;
            v[2] = f > 0.6 ? 200 : 0;
            v[3] = base[3] - (int64_t)(f * 2500) + hb__rnd(&r, 11) * 100 - 500;
            v[4] = base[4] + (int64_t)(f * 4000) + hb__rnd(&r, 9) * 100 - 400;
            v[5] = f > 0.8 ? 100 : 0;
            v[6] = base[6] + (int64_t)(f * 180) + hb__rnd(&r, 5) * 10 - 20;
            if (v[1] > 10000)
                v[1] = 10000;
            for (int i = 0; i < 7; i++) {
                struct hb_obs *o = &g.obs[g.n + i];
                memset(o, 0, sizeof(*o));
                o->patient_id = ids[p];
                o->at = start + (int64_t)k * every_minutes * 60 * 1000000 + i * 1000000;
                o->source = "device";
                char text[48];
                if (i == 5)
                    snprintf(text, sizeof(text), "%c", v[5] ? 'C' : 'A');
                else
                    text_of(v[i], i == 6, text, sizeof(text));
                if ((rc = hb_obs_value(hb_vital_by_kind(kinds[i]), text, kinds[i], o, err)))
                    break;
            }
            g.n += 7;
            if (g.n == 7 * SETS_PER_TX || (p == n - 1 && k == steps - 1)) {
                if (rc == 0)
                    rc = hb_store_write(s, gen_tx, &g, err);
                done += g.n / 7;
                g.n = 0;
                if (progress)
                    progress("sets", done, total);
            }
        }
    }
    free(g.obs);
    free(ids);
    if (rc == 0 && sets_out)
        *sets_out = done;
    return rc;
}
