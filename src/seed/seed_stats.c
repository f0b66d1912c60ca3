/* seed: two years of history for the demo's dashboard: ended KAD and hospital
 * stays of the demo patients, readmissions, and discharge-ready cases, month
 * by month up to five weeks ago (the demo's recent stays come after). Rates
 * follow each municipality's size, so the small ones show as "<5". */
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../analytics/extra.h"
#include "../org/org.h"
#include "../store/store.h"
#include "seed_int.h"

#include "../core/banned.h"

#define H (3600LL * 1000000)
#define D (24 * H)

enum { MAX_PATIENTS = 1000, MAX_MUNI = 16 };

struct stats {
    struct hb__rng rng;
    int64_t kad, ward, geri, muni[MAX_MUNI];
    int population[MAX_MUNI], nmuni;
    int64_t patient[MAX_PATIENTS], busy[MAX_PATIENTS];
    int pmuni[MAX_PATIENTS], old[MAX_PATIENTS], npatients;
    unsigned frailty[MAX_PATIENTS]; /* 1-1000: how often this patient needs a bed */
    int64_t month_from; /* the month being written */
};

static const char SQL_UNIT[] = "SELECT id FROM org WHERE type = 'unit' AND name = ?";
static const char SQL_MUNIS[] =
    "SELECT o.id, COALESCE(SUM(p.count), 0) FROM org o LEFT JOIN population p"
    " ON p.municipality_id = o.id AND p.year = 2025 WHERE o.type = 'municipality' GROUP BY o.id ORDER BY o.id";
/* Not the demo's own patient: Ingrid lives at home with her team. */
static const char SQL_PATIENTS[] =
    "SELECT id, municipality_id, birth_date FROM patient WHERE municipality_id IS NOT NULL"
    " AND id NOT IN (SELECT patient_id FROM app_user WHERE patient_id IS NOT NULL) ORDER BY id";
static const char SQL_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, source, discharge_to,"
    " priority_group) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CASE[] =
    "INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version,"
    " created_at) VALUES (?, ?, ?, ?, 'closed', 1, ?)";

static int unit_id(struct hb_db *db, const char *name, int64_t *id, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_UNIT, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, name);
    rc = hb_stmt_step(st, err);
    *id = rc == 1 ? hb_stmt_col_int(st, 0) : 0;
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int load(struct hb_db *db, struct stats *x, struct hb_error *err)
{
    int rc;
    if ((rc = unit_id(db, "KAD Region Nordhordland Helsehus", &x->kad, err)) ||
        (rc = unit_id(db, "Medisinsk avdeling", &x->ward, err)) ||
        (rc = unit_id(db, "Geriatrisk seksjon", &x->geri, err)))
        return rc;
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_MUNIS, &st, err)))
        return rc;
    while (x->nmuni < MAX_MUNI && (rc = hb_stmt_step(st, err)) == 1) {
        x->muni[x->nmuni] = hb_stmt_col_int(st, 0);
        x->population[x->nmuni++] = (int)hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0 || (rc = hb_db_stmt(db, SQL_PATIENTS, &st, err)))
        return rc < 0 ? rc : HB_INTERNAL;
    int64_t today = hb_local_day(hb_now_us());
    while (x->npatients < MAX_PATIENTS && (rc = hb_stmt_step(st, err)) == 1) {
        int k = x->npatients;
        int64_t m = hb_stmt_col_int(st, 1), born = 0;
        x->pmuni[k] = -1;
        for (int i = 0; i < x->nmuni; i++)
            if (x->muni[i] == m)
                x->pmuni[k] = i;
        hb_date_days(hb_stmt_col(st, 2, NULL), &born);
        x->old[k] = (today - born) / 365 >= 67;
        /* Heavy-tailed, like real use: most patients rarely need a bed, a
         * few often (and keep needing it from one year to the next). */
        unsigned u = hb__rnd(&x->rng, 1000);
        x->frailty[k] = 1 + (unsigned)((uint64_t)u * u * u / 1000000);
        x->patient[k] = hb_stmt_col_int(st, 0);
        x->npatients++;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* A patient of municipality m free at `at`, chosen by frailty, older ones
 * three times as likely; -1 when none is found. */
static int pick(struct stats *x, int m, int64_t at)
{
    for (int tries = 0; tries < 400; tries++) {
        int k = (int)hb__rnd(&x->rng, (unsigned)x->npatients);
        if (x->pmuni[k] != m || x->busy[k] > at)
            continue;
        if (!x->old[k] && hb__rnd(&x->rng, 3) != 0)
            continue;
        if (hb__rnd(&x->rng, 1000) >= x->frailty[k] + 30)
            continue;
        return k;
    }
    return -1;
}

static int stay(struct hb_db *db, struct stats *x, int k, int64_t unit, int64_t start,
                int64_t end, const char *source, const char *to, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, x->patient[k]);
    hb_stmt_int(st, 3, unit);
    hb_stmt_int(st, 4, start);
    hb_stmt_int(st, 5, end);
    hb_stmt_text(st, 6, source);
    hb_stmt_text(st, 7, to);
    hb_stmt_text(st, 8, x->old[k] ? "frail-elderly" : NULL);
    x->busy[k] = end + D;
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

/* A discharge-ready case for a hospital stay: ready 1-2 days before leaving,
 * answered the same day or after a day or two of "cannot yet". */
static int ready_case(struct hb_db *db, struct stats *x, int k, int64_t start, int64_t end,
                      struct hb_error *err)
{
    int64_t id = hb_id_new(), late = hb__rnd(&x->rng, 4);
    int64_t ready = end - (1 + late) * D;
    if (ready <= start + D)
        return 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CASE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, x->patient[k]);
    hb_stmt_int(st, 3, x->ward);
    hb_stmt_int(st, 4, x->muni[x->pmuni[k]]);
    hb_stmt_int(st, 5, start);
    if (hb_stmt_run(st, err) < 0)
        return HB_INTERNAL;
    char day[16];
    hb_local_date(end, day, sizeof(day));
    int64_t answer = ready + (2 + (int64_t)hb__rnd(&x->rng, 20)) * H;
    if ((rc = hb__dr_event(db, id, "admitted", start + 2 * H, NULL, NULL, err)) ||
        (rc = hb__dr_event(db, id, "ready", ready, NULL, NULL, err)))
        return rc;
    if (late && (rc = hb__dr_event(db, id, "cannot", answer, NULL, NULL, err)))
        return rc;
    if ((rc = hb__dr_event(db, id, "receive", late ? end - 4 * H : answer, day,
                           "Korttidsavdeling", err)))
        return rc;
    return hb__dr_event(db, id, "discharged", end, NULL, NULL, err);
}

static int month_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct stats *x = arg;
    int64_t from = x->month_from, stop = hb_now_us() - 35 * D;
    int rc = 0;
    for (int m = 0; m < x->nmuni && rc == 0; m++) {
        /* Per month: KAD about 1 and hospital about 2 admissions per 1,000
         * inhabitants; KAD stays a little shorter as the months go by. */
        int kad = (x->population[m] + (int)hb__rnd(&x->rng, 1000)) / 1000;
        int hosp = (2 * x->population[m] + (int)hb__rnd(&x->rng, 1000)) / 1000;
        for (int i = 0; i < kad + hosp && rc == 0; i++) {
            int64_t start = from + (int64_t)hb__rnd(&x->rng, 30 * 24) * H;
            int k = pick(x, m, start);
            if (k < 0 || start + 10 * D > stop)
                continue; /* every stay ended five weeks ago */
            if (i < kad) {
                int64_t los = 20 * H + (int64_t)hb__rnd(&x->rng, 90) * H;
                static const char *const to_kad[] = {"home", "home", "home", "home-care",
                                                     "home", "nursing-home", "hospital",
                                                     "home"};
                rc = stay(db, x, k, x->kad, start, start + los,
                          hb__rnd(&x->rng, 10) < 6 ? "legevakt" : "gp",
                          to_kad[hb__rnd(&x->rng, 8)], err);
                continue;
            }
            int64_t los = (2 + (int64_t)hb__rnd(&x->rng, 7)) * D + (int64_t)hb__rnd(&x->rng, 20) * H;
            int64_t unit = x->old[k] && hb__rnd(&x->rng, 3) == 0 ? x->geri : x->ward;
            if ((rc = stay(db, x, k, unit, start, start + los,
                           hb__rnd(&x->rng, 10) < 7 ? "legevakt" : "gp", "home", err)))
                break;
            if (x->old[k] && hb__rnd(&x->rng, 6) == 0)
                rc = ready_case(db, x, k, start, start + los, err);
            /* One in eight comes back within a month. */
            int64_t back = start + los + (2 + (int64_t)hb__rnd(&x->rng, 26)) * D;
            if (rc == 0 && hb__rnd(&x->rng, 8) == 0 && back < stop) {
                x->busy[k] = 0;
                rc = stay(db, x, k, x->ward, back, back + 3 * D, "legevakt", "home", err);
            }
        }
    }
    x->month_from = from + 30 * D;
    return rc;
}

/* The demo's population projection, in Statistics Norway's layout
 * (db/demo/befolkning-framskrevet.csv, embedded at build time). */
extern const char hb__demo_projection[];
/* Invented user-experience results for the demo municipalities
 * (db/demo/brukererfaring.csv). */
extern const char hb__demo_survey[];

static int projection_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    (void)arg;
    struct hb_pop_import r;
    int rows;
    int rc = hb_org_population_import(db, hb__demo_projection, strlen(hb__demo_projection), &r,
                                      err);
    return rc ? rc : hb_an_survey_import(db, hb__demo_survey, strlen(hb__demo_survey), 0, &rows, err);
}

int hb__seed_statistics(struct hb_store *s, struct hb_error *err)
{
    struct stats *x = hb_xcalloc(1, sizeof(*x));
    x->rng.s = 20261125;
    struct hb_db *db = hb_store_acquire(s, err);
    int rc = db ? load(db, x, err) : HB_UNAVAILABLE;
    if (db)
        hb_store_release(s, db);
    if (rc == 0 && (!x->npatients || !x->kad || !x->ward))
        rc = hb_fail(err, HB_INTERNAL, NULL, "demo statistics: units or patients missing");
    /* 24 months up to the start of this month (local time). */
    int64_t now = hb_now_us(), start = now - (hb_local_day(now) % 30 + 24 * 30) * D;
    x->month_from = start;
    for (int month = 0; rc == 0 && month < 24; month++)
        rc = hb_store_write(s, month_tx, x, err);
    free(x);
    return rc ? rc : hb_store_write(s, projection_tx, NULL, err);
}
