/* seed: a synthetic country for the analytics benchmarks: 356 municipalities
 * in 19 helsefellesskap with about 5.5 million inhabitants (times --scale),
 * and --years years of hospital, KAD and sykestue stays, readmissions,
 * discharge-ready cases, home monitoring (vital signs, alerts) up to today.
 * Use is heavy-tailed, lasting and grows with age, as in real life: each
 * patient has a frailty for all the years that makes admissions more frequent
 * and stays longer (lognormal), so that the 5 % of a year's patients who use
 * most take about 40 % of its bed-days (the source documents: 5 % use about
 * half of specialist resources); one hospital stay in fifty ends in death.
 * Hospital stays average about four days. Written straight
 * into the tables (one transaction a month), like an import of history; the
 * same seed gives the same data. Only synthetic ids (month + 80). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../org/org.h"
#include "../patient/patient.h"
#include "seed.h"
#include "seed_int.h"

#include "../core/banned.h"

#define HOUR (3600LL * 1000000)
#define DAY (24 * HOUR)
enum { NFS = 19, NMUNI = 356 };

struct nmuni {
    int64_t id, kad, sykestue;
    int pop, fs;
    int first,
        npatients; /* the municipality's patients: [first, first + npatients), oldest first */
    char nr[8], name[40];
};

struct nat {
    struct hb__rng rng;
    double scale;
    int years;
    int64_t fs[NFS], ward[NFS];
    struct nmuni m[NMUNI];
    int64_t *pid;
    int32_t *birth, *busy; /* day numbers */
    double *cw;            /* frailty, cumulative over each municipality's patients */
    float *los;            /* how much longer than others each patient stays */
    int npatients;
    int64_t today, first_day, day; /* generation runs day by day up to today */
    int64_t now;
    struct hb_seed_national_counts *counts;
};

static double u01(struct nat *g)
{
    return (double)hb__rnd(&g->rng, 1u << 30) / (double)(1u << 30);
}

static int poisson(struct nat *g, double lambda)
{
    if (lambda > 30) {
        double z = sqrt(-2 * log(u01(g) + 1e-12)) * cos(6.283185307179586 * u01(g));
        int n = (int)(lambda + sqrt(lambda) * z + 0.5);
        return n < 0 ? 0 : n;
    }
    double l = exp(-lambda), p = 1;
    int k = 0;
    do {
        k++;
        p *= u01(g);
    } while (p > l);
    return k - 1;
}

static int add_org(struct hb_db *db, int64_t *id, const char *type, const char *unit_type,
                   const char *name, int64_t parent, const char *nr, int beds, struct hb_error *err)
{
    struct hb_org o = {.type = type,
                       .unit_type = unit_type,
                       .name = name,
                       .parent_id = parent,
                       .kommunenummer = nr,
                       .beds = beds};
    int rc = hb_org_add(db, &o, 0, err);
    if (rc == 0)
        *id = o.id;
    return rc;
}

static const char SQL_EXISTS[] = "SELECT 1 FROM org LIMIT 1";
static const char SQL_POP[] = "INSERT INTO population (municipality_id, year, sex, age_band, count)"
                              " VALUES (?, ?, ?, ?, ?)";

/* Organisations, population (every year generated) and the units. */
static int orgs_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct nat *g = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_EXISTS, &st, err);
    if (rc)
        return rc;
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    if (rc)
        return rc < 0 ? rc : hb_fail(err, HB_CONFLICT, "db", "gen national needs a fresh database");
    for (int f = 0; f < NFS; f++) {
        char name[64];
        int64_t hf, hospital;
        snprintf(name, sizeof(name), "Helsefellesskap %02d (syntetisk)", f + 1);
        if ((rc = add_org(db, &g->fs[f], "helsefellesskap", NULL, name, 0, NULL, 0, err)))
            return rc;
        snprintf(name, sizeof(name), "HF %02d (syntetisk)", f + 1);
        if ((rc = add_org(db, &hf, "hf", NULL, name, g->fs[f], NULL, 0, err)))
            return rc;
        snprintf(name, sizeof(name), "Sykehus %02d (syntetisk)", f + 1);
        if ((rc = add_org(db, &hospital, "hospital", NULL, name, hf, NULL, 0, err)))
            return rc;
        snprintf(name, sizeof(name), "Medisinsk avdeling %02d", f + 1);
        if ((rc =
                 add_org(db, &g->ward[f], "unit", "hospital-ward", name, hospital, NULL, 400, err)))
            return rc;
    }
    int y_now = hb_local_year(g->now);
    for (int i = 0; i < NMUNI; i++) {
        struct nmuni *m = &g->m[i];
        if ((rc = add_org(db, &m->id, "municipality", NULL, m->name, g->fs[m->fs], m->nr, 0, err)))
            return rc;
        for (int y = y_now - g->years; y <= y_now; y++)
            for (int b = 0; b < hb__nbands; b++) {
                /* The old grow 2 % a year, the rest stand still. */
                double grow = hb__bands[b].lo >= 67 ? pow(1.02, y - y_now) : 1;
                int total = (int)(m->pop * hb__bands[b].pop_pm / 1000 * grow);
                for (int sex = 0; sex < 2; sex++) {
                    if ((rc = hb_db_stmt(db, SQL_POP, &st, err)))
                        return rc;
                    hb_stmt_int(st, 1, m->id);
                    hb_stmt_int(st, 2, y);
                    hb_stmt_text(st, 3, sex ? "male" : "female");
                    hb_stmt_text(st, 4, hb__bands[b].band);
                    hb_stmt_int(st, 5, sex ? total - total / 2 : total / 2);
                    if ((rc = hb_stmt_run(st, err)) < 0)
                        return rc;
                }
            }
        char name[64];
        int beds = (int)(m->pop / 7000.0 * (0.6 + 0.8 * u01(g)) + 0.5);
        snprintf(name, sizeof(name), "KAD %s", m->name);
        if ((rc = add_org(db, &m->kad, "unit", "kad", name, m->id, NULL, beds < 1 ? 1 : beds, err)))
            return rc;
        if (i % 12 == 5) {
            snprintf(name, sizeof(name), "Sykestue %s", m->name);
            if ((rc = add_org(db, &m->sykestue, "unit", "sykestue", name, m->id, NULL, 6, err)))
                return rc;
        }
    }
    return 0;
}

static const char SQL_PATIENT[] =
    "INSERT INTO patient (id, nid, nid_kind, family, given, family_lc, given_lc, birth_date, sex,"
    " municipality_id, version, updated_at, resource) VALUES (?, ?, 'fnr', ?, ?, ?, ?, ?, ?, ?, 1,"
    " ?, ?)";

static int cmp_i32_desc_age(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y); /* earlier birth first: the oldest */
}

struct patients_job {
    struct nat *g;
    int muni;
    uint64_t *nids; /* open addressing set of the ids used */
    size_t nid_cap;
};

static bool nid_take(struct patients_job *j, uint64_t v)
{
    size_t i = (size_t)(v * 0x9E3779B97F4A7C15ULL >> 17) & (j->nid_cap - 1);
    while (j->nids[i]) {
        if (j->nids[i] == v)
            return false;
        i = (i + 1) & (j->nid_cap - 1);
    }
    j->nids[i] = v;
    return true;
}

#define SIGMA_ADMIT 1.2
#define SIGMA_LOS 1.7
#define LOS_MAX 40.0

/* The share of each age band (as hb__bands) who are patients: 44 % in all. */
static const double coverage[] = {0.25, 0.3, 0.45, 0.8, 0.95, 0.95};

static int patients_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct patients_job *j = arg;
    struct nat *g = j->g;
    struct nmuni *m = &g->m[j->muni];
    int32_t *births = g->birth + m->first;
    /* The patients are the inhabitants who use health services: of each age
     * band its population times the share that does (COVERAGE), so there are
     * never more patients of an age than inhabitants. */
    double total = 0;
    for (int b = 0; b < hb__nbands; b++)
        total += hb__bands[b].pop_pm * coverage[b];
    for (int i = 0; i < m->npatients; i++) {
        double x = u01(g) * total, acc = 0;
        int band = hb__nbands - 1;
        for (int b = 0; b < hb__nbands; b++) {
            acc += hb__bands[b].pop_pm * coverage[b];
            if (x < acc) {
                band = b;
                break;
            }
        }
        int age = hb__bands[band].lo +
                  (int)hb__rnd(&g->rng, (unsigned)(hb__bands[band].hi - hb__bands[band].lo + 1));
        births[i] = (int32_t)(g->today - age * 365 - (int)hb__rnd(&g->rng, 365));
    }
    qsort(births, (size_t)m->npatients, sizeof(int32_t), cmp_i32_desc_age);
    /* Frailty z ~ N(0, 1): admissions exp(SIGMA_ADMIT z) times a factor for
     * age, stays exp(SIGMA_LOS z) times as long (at most LOS_MAX). */
    double sum = 0;
    for (int i = 0; i < m->npatients; i++) {
        double z = sqrt(-2 * log(u01(g) + 1e-12)) * cos(6.283185307179586 * u01(g));
        int age = (int)((g->today - births[i]) / 365);
        double by_age = age >= 80 ? 1.6 : age >= 67 ? 1.3 : age >= 50 ? 1 : 0.6;
        sum += exp(SIGMA_ADMIT * z) * by_age;
        g->cw[m->first + i] = sum;
        double longer = exp(SIGMA_LOS * z);
        g->los[m->first + i] = (float)(longer > LOS_MAX ? LOS_MAX : longer);
    }
    char res[512], nid[16], date[16];
    for (int i = 0; i < m->npatients; i++) {
        int y, mo, d;
        hb_days_civil(births[i], &y, &mo, &d);
        bool female = hb__rnd(&g->rng, 2) == 0;
        for (unsigned seq = hb__rnd(&g->rng, 500);; seq++) {
            if (hb_nid_make_synthetic(y, mo, d, female, seq, nid) == 0 &&
                nid_take(j, strtoull(nid, NULL, 10)))
                break;
        }
        hb_days_date(births[i], date, sizeof(date));
        const char *given = hb__given_name(&g->rng, female), *family = hb__family_name(&g->rng);
        int64_t id = hb_id_new();
        g->pid[m->first + i] = id;
        snprintf(res, sizeof(res),
                 "{\"resourceType\":\"Patient\",\"id\":\"%lld\",\"meta\":{\"versionId\":\"1\"},"
                 "\"identifier\":[{\"system\":\"urn:oid:2.16.578.1.12.4.1.4.1\",\"value\":\"%s\"}],"
                 "\"name\":[{\"family\":\"%s\",\"given\":[\"%s\"]}],\"gender\":\"%s\","
                 "\"birthDate\":\"%s\"}",
                 (long long)id, nid, family, given, female ? "female" : "male", date);
        struct hb_stmt *st;
        int rc = hb_db_stmt(db, SQL_PATIENT, &st, err);
        if (rc)
            return rc;
        struct hb_arena *a = hb_arena_new();
        hb_stmt_int(st, 1, id);
        hb_stmt_text(st, 2, nid);
        hb_stmt_text(st, 3, family);
        hb_stmt_text(st, 4, given);
        hb_stmt_text(st, 5, hb_fold(a, family));
        hb_stmt_text(st, 6, hb_fold(a, given));
        hb_stmt_text(st, 7, date);
        hb_stmt_text(st, 8, female ? "female" : "male");
        hb_stmt_int(st, 9, m->id);
        hb_stmt_int(st, 10, g->now);
        hb_stmt_text(st, 11, res);
        rc = hb_stmt_run(st, err);
        hb_arena_free(a);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static const char SQL_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to,"
    " priority_group) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)";
static const char SQL_CASE[] =
    "INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version,"
    " created_at) VALUES (?, ?, ?, ?, ?, 1, ?)";
static const char SQL_OBS[] =
    "INSERT INTO observation (id, patient_id, code, value, unit, effective_at, source,"
    " created_at, num, kind) VALUES (?, ?, ?, ?, ?, ?, 'device', ?, ?, ?)";
static const char SQL_ALERT[] =
    "INSERT INTO alert (id, patient_id, kind, detail, route, route_id, level, status, raised_at,"
    " ack_at, version) VALUES (?, ?, 'news2-medium', 'NEWS2 5', 'unit', ?, ?, ?, ?, ?, 1)";

/* A patient of municipality m drawn by frailty. */
static int frail_one(struct nat *g, const struct nmuni *m)
{
    const double *cw = g->cw + m->first;
    double x = u01(g) * cw[m->npatients - 1];
    int lo = 0, hi = m->npatients - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cw[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return m->first + lo;
}

/* A patient of municipality m, the old and the frail far more often, free
 * (and alive) on `day`; -1 when none is found. */
static int pick(struct nat *g, const struct nmuni *m, int64_t day)
{
    for (int t = 0; t < 8; t++) {
        int k = frail_one(g, m);
        if (g->busy[k] <= day)
            return k;
    }
    return -1;
}

static int stay(struct hb_db *db, struct nat *g, int k, int64_t unit, int64_t start, int64_t end,
                const char *source, const char *to, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY, &st, err);
    if (rc)
        return rc;
    bool open = end > g->now;
    bool old = (start / DAY - g->birth[k]) / 365 >= 80;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, g->pid[k]);
    hb_stmt_int(st, 3, unit);
    hb_stmt_int(st, 4, start);
    hb_stmt_int_or_null(st, 5, open ? 0 : end);
    hb_stmt_text(st, 6, source);
    hb_stmt_text(st, 7, open ? NULL : to);
    hb_stmt_text(st, 8, old && hb__rnd(&g->rng, 3) == 0 ? "frail-elderly" : NULL);
    g->busy[k] = (int32_t)(end / DAY + 1);
    g->counts->stays++;
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

static int ready_case(struct hb_db *db, struct nat *g, int k, const struct nmuni *m, int64_t unit,
                      int64_t start, int64_t end, struct hb_error *err)
{
    int64_t id = hb_id_new(), late = hb__rnd(&g->rng, 4);
    int64_t ready = end - (1 + late) * DAY;
    if (ready <= start || end > g->now)
        return 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CASE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, g->pid[k]);
    hb_stmt_int(st, 3, unit);
    hb_stmt_int(st, 4, m->id);
    hb_stmt_text(st, 5, "closed");
    hb_stmt_int(st, 6, start);
    if (hb_stmt_run(st, err) < 0)
        return HB_INTERNAL;
    char day[16];
    hb_local_date(end, day, sizeof(day));
    int64_t answer = ready + (2 + (int64_t)hb__rnd(&g->rng, 30)) * HOUR;
    g->counts->cases++;
    if ((rc = hb__dr_event(db, id, "ready", ready, NULL, NULL, err)) ||
        (late && (rc = hb__dr_event(db, id, "cannot", answer, NULL, NULL, err))) ||
        (rc = hb__dr_event(db, id, "receive", late ? end - 3 * HOUR : answer, day, "Korttidsplass",
                           err)))
        return rc;
    return hb__dr_event(db, id, "discharged", end, NULL, NULL, err);
}

/* A home-monitoring episode: a set of five vital signs a day for 30-90
 * days, one set in twenty raising an alert, most acknowledged within the
 * hour. */
static int monitoring(struct hb_db *db, struct nat *g, int k, const struct nmuni *m, int64_t from,
                      struct hb_error *err)
{
    static const struct {
        const char *code, *unit, *kind;
        int lo, span;
    } vitals[] = {{"9279-1", "/min", "rr", 12, 12},
                  {"59408-5", "%", "spo2", 90, 9},
                  {"8867-4", "/min", "pulse", 55, 60},
                  {"8480-6", "mm[Hg]", "sbp", 95, 70},
                  {"8310-5", "Cel", "temperature", 36, 3}};
    int days = 30 + (int)hb__rnd(&g->rng, 61);
    for (int d = 0; d < days; d++) {
        int64_t at = from + d * DAY + (7 + (int64_t)hb__rnd(&g->rng, 4)) * HOUR;
        if (at > g->now)
            break;
        for (int v = 0; v < 5; v++) {
            struct hb_stmt *st;
            int rc = hb_db_stmt(db, SQL_OBS, &st, err);
            if (rc)
                return rc;
            int x = vitals[v].lo + (int)hb__rnd(&g->rng, (unsigned)vitals[v].span);
            char value[16];
            snprintf(value, sizeof(value), "%d", x);
            hb_stmt_int(st, 1, hb_id_new());
            hb_stmt_int(st, 2, g->pid[k]);
            hb_stmt_text(st, 3, vitals[v].code);
            hb_stmt_text(st, 4, value);
            hb_stmt_text(st, 5, vitals[v].unit);
            hb_stmt_int(st, 6, at);
            hb_stmt_int(st, 7, at);
            hb_stmt_int(st, 8, (int64_t)x * 100);
            hb_stmt_text(st, 9, vitals[v].kind);
            if (hb_stmt_run(st, err) < 0)
                return HB_INTERNAL;
            g->counts->observations++;
        }
        if (hb__rnd(&g->rng, 20) == 0) {
            struct hb_stmt *st;
            int rc = hb_db_stmt(db, SQL_ALERT, &st, err);
            if (rc)
                return rc;
            bool acked = hb__rnd(&g->rng, 20) != 0;
            int64_t ack = at + (1 + (int64_t)hb__rnd(&g->rng, 50)) * 60 * 1000000;
            hb_stmt_int(st, 1, hb_id_new());
            hb_stmt_int(st, 2, g->pid[k]);
            hb_stmt_int(st, 3, m->kad);
            hb_stmt_int(st, 4, acked && ack - at < 15 * 60 * 1000000LL ? 1 : 2);
            hb_stmt_text(st, 5, acked ? "acknowledged" : "open");
            hb_stmt_int(st, 6, at);
            hb_stmt_int_or_null(st, 7, acked ? ack : 0);
            if (hb_stmt_run(st, err) < 0)
                return HB_INTERNAL;
            g->counts->alerts++;
        }
    }
    return 0;
}

/* Per inhabitant and year: hospital, KAD, sykestue admissions, and home
 * monitoring episodes. */
#define RATE_HOSPITAL 0.17
#define RATE_KAD 0.013
#define RATE_SYKESTUE 0.02
#define RATE_MONITORING 0.0006

static int one_day(struct hb_db *db, struct nat *g, int64_t day, struct hb_error *err)
{
    static const char *const sources[] = {"legevakt", "legevakt", "gp", "legevakt", "gp", "home"};
    static const char *const hosp_to[] = {
        "home",      "home",         "home",       "home", "home", "home",     "home-care",
        "home",      "nursing-home", "other-unit", "home", "home", "hospital", "home",
        "home-care", "home",         "home-care",  "home", "home", "home"};
    static const char *const kad_to[] = {
        "home", "home",     "home", "home-care", "home",      "nursing-home", "hospital",
        "home", "home",     "home", "hospital",  "home",      "home",         "other-unit",
        "home", "deceased", "home", "home",      "home-care", "nursing-home"};
    int rc = 0;
    for (int i = 0; i < NMUNI && rc == 0; i++) {
        struct nmuni *m = &g->m[i];
        int n = poisson(g, m->pop * RATE_HOSPITAL / 365);
        for (int j = 0; j < n && rc == 0; j++) {
            int k = pick(g, m, day);
            if (k < 0)
                continue;
            int64_t start = day * DAY + (int64_t)hb__rnd(&g->rng, 24) * HOUR;
            int64_t end =
                start + DAY + (int64_t)(-log(u01(g) + 1e-9) * 0.35 * 24 * g->los[k]) * HOUR;
            const char *to = hb__rnd(&g->rng, 50) == 0 ? "deceased" : hosp_to[hb__rnd(&g->rng, 20)];
            int64_t ward = g->ward[m->fs];
            if ((rc = stay(db, g, k, ward, start, end, sources[hb__rnd(&g->rng, 6)], to, err)))
                break;
            if ((day - g->birth[k]) / 365 >= 67 && hb__rnd(&g->rng, 25) == 0)
                rc = ready_case(db, g, k, m, ward, start, end, err);
            if (rc == 0 && !strcmp(to, "other-unit")) /* on to the KAD */
                rc = stay(db, g, k, m->kad, end, end + (1 + (int64_t)hb__rnd(&g->rng, 72)) * HOUR,
                          "hospital-ward", kad_to[hb__rnd(&g->rng, 20)], err);
            else if (rc == 0 && strcmp(to, "deceased") && hb__rnd(&g->rng, 8) == 0) {
                /* back within a month */
                int64_t back = end + (1 + (int64_t)hb__rnd(&g->rng, 29)) * DAY;
                rc = stay(db, g, k, ward, back, back + (2 + (int64_t)hb__rnd(&g->rng, 5)) * DAY,
                          "legevakt", "home", err);
            }
            if (!strcmp(to, "deceased"))
                g->busy[k] = INT32_MAX;
        }
        n = poisson(g, m->pop * RATE_KAD / 365);
        for (int j = 0; j < n && rc == 0; j++) {
            int k = pick(g, m, day);
            if (k < 0)
                continue;
            int64_t start = day * DAY + (int64_t)hb__rnd(&g->rng, 24) * HOUR;
            int64_t end = start + (20 + (int64_t)hb__rnd(&g->rng, 100)) * HOUR;
            rc = stay(db, g, k, m->kad, start, end, sources[hb__rnd(&g->rng, 5)],
                      kad_to[hb__rnd(&g->rng, 20)], err);
        }
        if (m->sykestue) {
            n = poisson(g, m->pop * RATE_SYKESTUE / 365);
            for (int j = 0; j < n && rc == 0; j++) {
                int k = pick(g, m, day);
                if (k < 0)
                    continue;
                int64_t start = day * DAY + (int64_t)hb__rnd(&g->rng, 24) * HOUR;
                int64_t end = start + (2 * 24 + (int64_t)(-log(u01(g) + 1e-9) * 5 * 24)) * HOUR;
                rc = stay(db, g, k, m->sykestue, start, end, "gp", hosp_to[hb__rnd(&g->rng, 20)],
                          err);
            }
        }
        n = poisson(g, m->pop * RATE_MONITORING / 365);
        for (int j = 0; j < n && rc == 0; j++) {
            rc = monitoring(db, g, frail_one(g, m), m, day * DAY, err);
        }
    }
    return rc;
}

static int month_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct nat *g = arg;
    int rc = 0;
    for (int d = 0; d < 30 && g->day < g->today && rc == 0; d++)
        rc = one_day(db, g, g->day++, err);
    return rc;
}

int hb_seed_national(struct hb_store *s, double scale, int years, uint64_t seed,
                     void (*progress)(const char *what, int done, int count),
                     struct hb_seed_national_counts *counts, struct hb_error *err)
{
    struct nat *g = hb_xcalloc(1, sizeof(*g));
    memset(counts, 0, sizeof(*counts));
    g->counts = counts;
    g->rng.s = seed * 2654435761u + 1;
    g->scale = scale;
    g->years = years;
    g->now = hb_now_us();
    g->today = g->now / DAY;
    g->first_day = g->today - (int64_t)years * 365;
    g->day = g->first_day;
    /* Sizes: a few large municipalities and many small ones, 5.5 million in all. */
    double sum = 0, w[NMUNI];
    for (int i = 0; i < NMUNI; i++)
        sum += w[i] = 1 / pow(i + 1.5, 0.95);
    int total = 0;
    for (int i = 0; i < NMUNI; i++) {
        struct nmuni *m = &g->m[i];
        m->pop = (int)(5500000 * scale * w[i] / sum);
        if (m->pop < 20)
            m->pop = 20;
        m->fs = i % NFS;
        snprintf(m->nr, sizeof(m->nr), "%04d", (5001 + i) % 10000);
        snprintf(m->name, sizeof(m->name), "Kommune %04d", 5001 + i);
        m->first = total;
        m->npatients = m->pop * 44 / 100 + 1;
        total += m->npatients;
        counts->inhabitants += m->pop;
    }
    g->npatients = total;
    g->pid = hb_xcalloc((size_t)total, sizeof(int64_t));
    g->birth = hb_xcalloc((size_t)total, sizeof(int32_t));
    g->busy = hb_xcalloc((size_t)total, sizeof(int32_t));
    g->cw = hb_xcalloc((size_t)total, sizeof(double));
    g->los = hb_xcalloc((size_t)total, sizeof(float));
    int rc = hb_store_write(s, orgs_tx, g, err);
    struct patients_job job = {.g = g, .nid_cap = 1};
    while (job.nid_cap < (size_t)total * 2)
        job.nid_cap *= 2;
    job.nids = hb_xcalloc(job.nid_cap, sizeof(uint64_t));
    for (int i = 0; rc == 0 && i < NMUNI; i++) {
        job.muni = i;
        rc = hb_store_write(s, patients_tx, &job, err);
        if (progress)
            progress("kommuner med pasienter", i + 1, NMUNI);
    }
    counts->patients = total;
    free(job.nids);
    int months = (int)((g->today - g->first_day + 29) / 30);
    for (int i = 0; rc == 0 && g->day < g->today; i++) {
        rc = hb_store_write(s, month_tx, g, err);
        if (progress)
            progress("måneder", i + 1, months);
    }
    free(g->pid);
    free(g->birth);
    free(g->busy);
    free(g->cw);
    free(g->los);
    free(g);
    return rc;
}
