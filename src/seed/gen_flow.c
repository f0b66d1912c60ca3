/* seed: synthetic patient flow at scale for benchmarks: a helsefellesskap of N
 * municipalities with KAD units, a hospital, patients and D days of stays.
 * The same seed gives the same municipalities, patients and stays; times are
 * relative to when it runs. Only synthetic ids (month + 80). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../flow/flow.h"
#include "../org/org.h"
#include "../patient/patient.h"
#include "seed.h"
#include "seed_int.h"
#include "../core/banned.h"

#define DAY_US (86400LL * 1000000)

struct gen_unit {
    int64_t id;
    int beds;
    int64_t *busy_until; /* per bed: the day number it is free again */
};

struct gen_muni {
    int64_t id;
    int population, npatients;
    char nr[8], name[48];
    int64_t *patients, *patient_busy; /* ids; the day each is free for a new stay */
    struct gen_unit kad;
};

struct gen {
    int n, days;
    struct hb__rng rng;
    int64_t fellesskap, hf, hospital;
    struct gen_unit wards[2];
    struct gen_muni *m;
    int stays, open;
    unsigned seq;
};

static const char SQL_GEN_EXISTS[] = "SELECT 1 FROM org WHERE kommunenummer = ?";

static int add_org(struct hb_db *db, int64_t *id, const char *type, const char *unit_type,
                   const char *name, int64_t parent, const char *nr, const char *site, int beds,
                   struct hb_error *err)
{
    struct hb_org o = {.type = type, .unit_type = unit_type, .name = name, .parent_id = parent,
                       .kommunenummer = nr, .site = site, .beds = beds};
    int rc = hb_org_add(db, &o, 0, err);
    if (rc == 0)
        *id = o.id;
    return rc;
}

static int orgs_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct gen *g = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_GEN_EXISTS, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, g->m[0].nr);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    if (rc)
        return rc < 0 ? rc : hb_fail(err, HB_CONFLICT, "db",
                                     "gen flow has already run on this database; use a fresh one");
    if ((rc = add_org(db, &g->fellesskap, "helsefellesskap", NULL, "Syntetisk helsefellesskap", 0,
                      NULL, NULL, 0, err)) ||
        (rc = add_org(db, &g->hf, "hf", NULL, "Syntetisk HF", g->fellesskap, NULL, NULL, 0, err)) ||
        (rc = add_org(db, &g->hospital, "hospital", NULL, "Syntetisk sykehus", g->hf, NULL,
                      "Sykehuset", 0, err)))
        return rc;
    static const char *const wards[2] = {"Medisinsk avdeling (syntetisk)",
                                         "Geriatrisk avdeling (syntetisk)"};
    for (int w = 0; w < 2; w++) {
        g->wards[w].beds = 10 + g->n;
        if ((rc = add_org(db, &g->wards[w].id, "unit", "hospital-ward", wards[w], g->hospital, NULL,
                          "Sykehuset", g->wards[w].beds, err)) ||
            (rc = hb_flow_beds_resize(db, g->wards[w].id, 0, g->wards[w].beds, err)))
            return rc;
    }
    for (int i = 0; i < g->n; i++) {
        struct gen_muni *m = &g->m[i];
        if ((rc = add_org(db, &m->id, "municipality", NULL, m->name, g->fellesskap, m->nr, NULL, 0,
                          err)))
            return rc;
        for (int b = 0; b < hb__nbands; b++) {
            int total = m->population * hb__bands[b].pop_pm / 1000;
            if ((rc = hb_org_population_add(db, m->id, 2025, "female", hb__bands[b].band,
                                            total / 2, err)) ||
                (rc = hb_org_population_add(db, m->id, 2025, "male", hb__bands[b].band,
                                            total - total / 2, err)))
                return rc;
        }
        char kad[64];
        snprintf(kad, sizeof(kad), "KAD %s", m->name);
        if ((rc = add_org(db, &m->kad.id, "unit", "kad", kad, m->id, NULL, m->name, m->kad.beds,
                          err)) ||
            (rc = hb_flow_beds_resize(db, m->kad.id, 0, m->kad.beds, err)) ||
            (rc = hb_flow_travel_add(db, m->id, m->name, 10 + (int)hb__rnd(&g->rng, 20),
                                     5 + (int)hb__rnd(&g->rng, 20), err)) ||
            (rc = hb_flow_travel_add(db, m->id, "Sykehuset", 20 + (int)hb__rnd(&g->rng, 160),
                                     15 + (int)hb__rnd(&g->rng, 150), err)))
            return rc;
    }
    return 0;
}

static const char SQL_NID_TAKEN[] = "SELECT 1 FROM patient WHERE nid = ?";

/* Patients of one municipality, weighted towards the old as the demo's are. */
struct patients_job {
    struct gen *g;
    struct gen_muni *m;
};

static int patients_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct patients_job *j = arg;
    struct gen *g = j->g;
    struct hb_arena *a = hb_arena_new();
    int rc = 0;
    for (int i = 0; i < j->m->npatients && rc == 0; i++) {
        struct hb_patient p = {0};
        unsigned x = hb__rnd(&g->rng, 1000), acc = 0;
        int band = hb__nbands - 1;
        for (int b = 0; b < hb__nbands; b++) {
            acc += (unsigned)hb__bands[b].patient_pm;
            if (x < acc) {
                band = b;
                break;
            }
        }
        int age = hb__bands[band].lo +
                  (int)hb__rnd(&g->rng, (unsigned)(hb__bands[band].hi - hb__bands[band].lo + 1));
        p.female = hb__rnd(&g->rng, 2) == 0;
        int year = 2026 - age, month = 1 + (int)hb__rnd(&g->rng, 12),
            day = 1 + (int)hb__rnd(&g->rng, 28);
        /* The sequence spreads ids over the individual numbers; one already
         * used is drawn again (an insert that failed would end the transaction). */
        if (hb_nid_make_synthetic(year, month, day, p.female, g->seq, p.nid) != 0) {
            rc = hb_fail(err, HB_INTERNAL, NULL, "no synthetic id");
            break;
        }
        g->seq += 7;
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_NID_TAKEN, &st, err)))
            break;
        hb_stmt_text(st, 1, p.nid);
        rc = hb_stmt_step(st, err);
        hb_stmt_done(st);
        if (rc < 0)
            break;
        if (rc == 1) {
            rc = 0;
            i--;
            continue;
        }
        p.nid_kind = HB_NID_FNR;
        snprintf(p.birth_date, sizeof(p.birth_date), "%04u-%02u-%02u", (unsigned)year % 10000,
                 (unsigned)month % 100, (unsigned)day % 100);
        p.given = hb__given_name(&g->rng, p.female);
        p.family = hb__family_name(&g->rng);
        p.municipality_id = j->m->id;
        p.kommunenummer = j->m->nr;
        p.municipality_name = j->m->name;
        if ((rc = hb_patient_insert(db, &p, a, err)))
            break;
        j->m->patients[i] = p.id;
    }
    hb_arena_free(a);
    return rc;
}

static const char SQL_GEN_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, bed_number, source,"
    " discharge_to, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)";
static const char SQL_GEN_BED[] =
    "UPDATE bed SET state = 'occupied', stay_id = ?, version = version + 1"
    " WHERE unit_id = ? AND number = ?";

/* One stay in unit u for a patient of m starting on day, if a bed and the
 * patient are free; returns 0 also when it was skipped. */
static int one_stay(struct hb_db *db, struct gen *g, struct gen_muni *m, struct gen_unit *u,
                    int64_t day, int min_len, int max_len, const char *source, int64_t now,
                    struct hb_error *err)
{
    int k = (int)hb__rnd(&g->rng, (unsigned)m->npatients);
    if (m->patient_busy[k] > day)
        return 0;
    int bed = -1;
    for (int b = 0; b < u->beds && bed < 0; b++)
        if (u->busy_until[b] <= day)
            bed = b;
    if (bed < 0)
        return 0; /* full that day */
    int len = min_len + (int)hb__rnd(&g->rng, (unsigned)(max_len - min_len + 1));
    int64_t start = day * DAY_US + (8 + (int64_t)hb__rnd(&g->rng, 12)) * 3600 * 1000000;
    int64_t end_day = day + len, end = end_day * DAY_US + 11 * 3600 * 1000000LL;
    bool open = end >= now;
    u->busy_until[bed] = open ? INT64_MAX : end_day;
    m->patient_busy[k] = open ? INT64_MAX : end_day;
    int64_t stay = hb_id_new();
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_GEN_STAY, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, stay);
    hb_stmt_int(st, 2, m->patients[k]);
    hb_stmt_int(st, 3, u->id);
    hb_stmt_int(st, 4, start);
    if (open)
        hb_stmt_null(st, 5);
    else
        hb_stmt_int(st, 5, end);
    hb_stmt_int(st, 6, bed + 1);
    hb_stmt_text(st, 7, source);
    hb_stmt_text(st, 8, open ? NULL : "home");
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    g->stays++;
    if (!open)
        return 0;
    g->open++;
    if ((rc = hb_db_stmt(db, SQL_GEN_BED, &st, err)))
        return rc;
    hb_stmt_int(st, 1, stay);
    hb_stmt_int(st, 2, u->id);
    hb_stmt_int(st, 3, bed + 1);
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

struct day_job {
    struct gen *g;
    int64_t day, now;
};

/* One day of admissions: KAD stays of 1-5 days in each municipality, hospital
 * stays of 2-8 days from municipalities by population. */
static int day_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct day_job *j = arg;
    struct gen *g = j->g;
    int rc = 0, total = 0;
    for (int i = 0; i < g->n && rc == 0; i++) {
        struct gen_muni *m = &g->m[i];
        total += m->population;
        int kad = m->population / 20000 + (hb__rnd(&g->rng, 20000) < (unsigned)(m->population % 20000));
        for (int k = 0; k < kad && rc == 0; k++)
            rc = one_stay(db, g, m, &m->kad, j->day, 1, 5, hb__rnd(&g->rng, 2) ? "legevakt" : "gp",
                          j->now, err);
    }
    int hospital = total / 10000;
    for (int k = 0; k < hospital && rc == 0; k++) {
        int x = (int)hb__rnd(&g->rng, (unsigned)total), i = 0;
        while (i < g->n - 1 && x >= g->m[i].population)
            x -= g->m[i++].population;
        rc = one_stay(db, g, &g->m[i], &g->wards[k % 2], j->day, 2, 8, "legevakt", j->now, err);
    }
    return rc;
}

int hb_seed_flow(struct hb_store *s, int municipalities, int days, uint64_t seed,
                 void (*progress)(const char *what, int done, int count), int *stays,
                 int *open, struct hb_error *err)
{
    struct gen g = {.n = municipalities, .days = days, .rng = {seed * 2654435761ULL + 1},
                    .seq = (unsigned)seed};
    g.m = hb_xcalloc((size_t)municipalities, sizeof(*g.m));
    int rc = 0;
    for (int i = 0; i < municipalities; i++) {
        struct gen_muni *m = &g.m[i];
        snprintf(m->nr, sizeof(m->nr), "9%03d", (i + 1) % 1000);
        snprintf(m->name, sizeof(m->name), "Syntetisk kommune %d", i + 1);
        m->population = 1000 + (int)hb__rnd(&g.rng, 39000);
        m->kad.beds = m->population / 7000 > 0 ? (m->population + 3500) / 7000 : 1;
        m->npatients = m->population / 40;
        m->patients = hb_xcalloc((size_t)m->npatients, sizeof(int64_t));
        m->patient_busy = hb_xcalloc((size_t)m->npatients, sizeof(int64_t));
        m->kad.busy_until = hb_xcalloc((size_t)m->kad.beds, sizeof(int64_t));
    }
    for (int w = 0; w < 2; w++)
        g.wards[w].busy_until = hb_xcalloc((size_t)(10 + municipalities), sizeof(int64_t));
    rc = hb_store_write(s, orgs_tx, &g, err);
    for (int i = 0; rc == 0 && i < municipalities; i++) {
        struct patients_job j = {&g, &g.m[i]};
        rc = hb_store_write(s, patients_tx, &j, err);
        if (progress)
            progress("kommuner med pasienter", i + 1, municipalities);
    }
    int64_t now = hb_now_us(), today = hb_local_day(now);
    for (int d = days; rc == 0 && d >= 0; d--) {
        struct day_job j = {&g, today - d, now};
        rc = hb_store_write(s, day_tx, &j, err);
        if (progress)
            progress("dager med opphold", days - d + 1, days + 1);
    }
    if (rc == 0) {
        *stays = g.stays;
        *open = g.open;
    }
    for (int i = 0; i < municipalities; i++) {
        free(g.m[i].patients);
        free(g.m[i].patient_busy);
        free(g.m[i].kad.busy_until);
    }
    for (int w = 0; w < 2; w++)
        free(g.wards[w].busy_until);
    free(g.m);
    return rc;
}
