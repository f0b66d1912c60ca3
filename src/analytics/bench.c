/* analytics: `helsebro analytics bench` and `helsebro analytics export`, for
 * bench/analytics.sh. bench loads the engine from a database and times the
 * whole dashboard for the country, the 30-day readmission indicator over ten
 * years and incremental updates, and writes the engine's answers; export
 * writes the same facts the engine reads (one row per stay, times already in
 * Norwegian local minutes, months numbered year * 12 + month - 1) as CSV for
 * the SQL engines it is compared with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli.h"
#include "../core/core.h"
#include "an_int.h"
#include "indicator.h"
#include "risk.h"

#include "../core/banned.h"

static const struct hb_opt opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"year", "Y", "the year of the dashboard and of the answers written (default: last year)"},
    {"out", "DIR", "where to write (required)"},
    {"runs", "N", "bench: how many times each query runs; the median is reported (default 21)"},
    {NULL, NULL, NULL},
};

static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmHWM:", 6))
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double median_ms(int64_t *t, int n)
{
    qsort(t, (size_t)n, sizeof(*t), cmp_i64);
    return (double)t[n / 2] / 1000.0;
}

/* The counters compared with SQL, per municipality and month of the year. */
static const int compared[] = {HB_AN_KAD_ADM,     HB_AN_KAD_ADM80, HB_AN_KAD_END,
                               HB_AN_KAD_LOS_MIN, HB_AN_KAD_HOME,  HB_AN_KAD_BED_MIN,
                               HB_AN_H_ADM,       HB_AN_H_EMERG,   HB_AN_H_EMERG80,
                               HB_AN_H_INDEX,     HB_AN_H_READMIT};
enum { NCOMPARED = sizeof(compared) / sizeof(compared[0]) };

static int write_answers(struct hb_an *an, int year, const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/engine.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "nr,month,kad_adm,kad_adm80,kad_end,kad_los,kad_home,kad_bed,h_adm,h_emerg,"
               "h_emerg80,h_index,h_readmit\n");
    for (int u = 0; u < an->nmuni; u++)
        for (int m = 0; m < 12; m++) {
            int month = year * 12 + m - an->month0;
            if (month < 0 || month >= an->nmonths)
                continue;
            const struct an_cell *c = &an->cells[(size_t)month * (size_t)an->muni_cap + (size_t)u];
            bool any = false;
            for (int k = 0; k < NCOMPARED; k++)
                any = any || c->c[compared[k]];
            if (!any)
                continue;
            fprintf(f, "%s,%d", an->muni[u].nr, year * 12 + m);
            for (int k = 0; k < NCOMPARED; k++)
                fprintf(f, ",%lld", (long long)c->c[compared[k]]);
            fputc('\n', f);
        }
    return fclose(f);
}

/* Every entity x the periods, and every engine indicator evaluated. */
static double dashboard(struct hb_an *an, const struct hb_an_period *p, int np, int runs,
                        double *checksum)
{
    int ne = hb_an_nentity(an);
    int *ents = hb_xmalloc(sizeof(int) * (size_t)ne);
    for (int i = 0; i < ne; i++)
        ents[i] = i;
    struct hb_an_value *v = hb_xcalloc((size_t)ne * (size_t)np, sizeof(*v));
    int64_t *t = hb_xmalloc(sizeof(int64_t) * (size_t)runs);
    for (int r = 0; r < runs; r++) {
        int64_t t0 = hb_monotonic_us();
        hb_an_query(an, ents, ne, p, np, v);
        double sum = 0;
        for (size_t c = 0; c < (size_t)ne * (size_t)np; c++)
            for (int k = 0; k < hb_nindicators; k++) {
                if (hb_indicators[k].origin != HB_SRC_ENGINE)
                    continue;
                struct hb_ind_result res;
                hb_indicator_eval(&hb_indicators[k], &v[c], &res);
                sum += res.suppressed ? 0 : res.value;
            }
        t[r] = hb_monotonic_us() - t0;
        *checksum = sum;
    }
    double ms = median_ms(t, runs);
    free(ents);
    free(v);
    free(t);
    return ms;
}

/* A refresh that finds one new stay and one new observation: both written in
 * a transaction on the refresh's own connection, the refresh timed (the
 * change-log scan, reading the stay, the new observations, alerts and
 * co-consultations, applying them), then rolled back. Also the refresh that
 * finds nothing new, as a server's thread runs it every few seconds. */
static const char SQL_A_KAD[] = "SELECT id FROM org WHERE type = 'unit' AND unit_type = 'kad'";
static const char SQL_NEW_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, version, bed_number, source)"
    " VALUES (?, ?, ?, ?, 1, 1, 'home')";
static const char SQL_NEW_OBS[] =
    "INSERT INTO observation (id, patient_id, code, value, unit, effective_at, source, created_at,"
    " num, kind) VALUES (?, ?, '8867-4', '72', '/min', ?, 'device', ?, 7200, 'pulse')";

static int refresh_once(struct hb_db *db, struct hb_an *an, int64_t kad, int64_t patient,
                        bool write, int64_t *us, struct hb_error *err)
{
    int rc = hb_db_exec(db, "BEGIN", err);
    if (rc)
        return rc;
    int64_t now = hb_now_us(), stay = hb_id_new();
    struct hb_stmt *st;
    if (write && (rc = hb_db_stmt(db, SQL_NEW_STAY, &st, err)) == 0) {
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, patient);
        hb_stmt_int(st, 3, kad);
        hb_stmt_int(st, 4, now - 3600LL * 1000000);
        rc = hb_stmt_run(st, err) < 0 ? -1 : 0;
        if (rc == 0)
            rc = hb_store_change(db, "Encounter", stay, 1, 0, "create", "{}", 2, err);
        if (rc == 0 && (rc = hb_db_stmt(db, SQL_NEW_OBS, &st, err)) == 0) {
            hb_stmt_int(st, 1, hb_id_new());
            hb_stmt_int(st, 2, patient);
            hb_stmt_int(st, 3, now);
            hb_stmt_int(st, 4, now);
            rc = hb_stmt_run(st, err) < 0 ? -1 : 0;
        }
    }
    int64_t t0 = hb_monotonic_us();
    uint64_t gen = hb_an_generation(an);
    if (rc == 0)
        rc = hb_an_refresh(db, an, err);
    *us = hb_monotonic_us() - t0;
    struct hb_error ignore = {0};
    hb_db_exec(db, "ROLLBACK", &ignore);
    if (rc == 0 && write && hb_an_generation(an) == gen)
        rc = hb_fail(err, HB_INVALID, "refresh", "the refresh did not see the new stay");
    return rc;
}

static int refresh_bench(struct hb_db *db, struct hb_an *an, int runs, double *write_us,
                         double *idle_us, struct hb_error *err)
{
    int64_t kad = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_A_KAD, &st, err);
    if (rc)
        return rc;
    if (hb_stmt_step(st, err) == 1)
        kad = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (!kad)
        return hb_fail(err, HB_INVALID, "db", "no KAD unit to admit to");
    int64_t *t = hb_xmalloc(sizeof(int64_t) * (size_t)runs);
    size_t slot = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (int r = 0; r < runs && rc == 0; r++) {
            while (slot < an->patient_ix.cap && !an->patient_ix.keys[slot])
                slot++;
            int64_t patient = slot < an->patient_ix.cap ? an->patient_ix.keys[slot++] : 0;
            rc = refresh_once(db, an, kad, patient, pass == 0, &t[r], err);
        }
        if (rc == 0)
            *(pass == 0 ? write_us : idle_us) = median_ms(t, runs) * 1000.0;
    }
    free(t);
    return rc;
}

static int bench(struct hb_an *an, int year, int runs, double load_ms)
{
    struct hb_an_period y = {.kind = HB_AN_YEAR, .year = year}, months[12], decade[120];
    for (int m = 0; m < 12; m++)
        months[m] = (struct hb_an_period){.kind = HB_AN_MONTH, .year = year, .n = m + 1};
    for (int i = 0; i < 120; i++)
        decade[i] =
            (struct hb_an_period){.kind = HB_AN_MONTH, .year = year - 9 + i / 12, .n = i % 12 + 1};
    double sum_year, sum_months, sum_decade = 0;
    double t_year = dashboard(an, &y, 1, runs, &sum_year);
    double t_months = dashboard(an, months, 12, runs, &sum_months);
    /* The readmission indicator for every entity and month of ten years. */
    int ne = hb_an_nentity(an);
    int *ents = hb_xmalloc(sizeof(int) * (size_t)ne);
    for (int i = 0; i < ne; i++)
        ents[i] = i;
    struct hb_an_value *v = hb_xcalloc((size_t)ne * 120, sizeof(*v));
    int64_t *t = hb_xmalloc(sizeof(int64_t) * (size_t)runs);
    const struct hb_indicator *readmit = hb_indicator_find("readmit30");
    for (int r = 0; r < runs; r++) {
        int64_t t0 = hb_monotonic_us();
        hb_an_query(an, ents, ne, decade, 120, v);
        sum_decade = 0;
        for (size_t c = 0; c < (size_t)ne * 120; c++) {
            struct hb_ind_result res;
            hb_indicator_eval(readmit, &v[c], &res);
            sum_decade += res.suppressed ? 0 : res.value;
        }
        t[r] = hb_monotonic_us() - t0;
    }
    double t_readmit = median_ms(t, runs);
    free(v);
    free(t);
    free(ents);
    /* Incremental: a new stay of a known patient, admitted and then ended,
     * applied as a refresh applies it (the database reads not included). */
    enum { UPDATES = 100000 };
    int64_t now = hb_local_minutes(hb_now_us());
    int64_t *pids = hb_xmalloc(sizeof(int64_t) * UPDATES);
    int n = 0;
    for (size_t i = 0; i < an->patient_ix.cap && n < UPDATES; i++)
        if (an->patient_ix.keys[i])
            pids[n++] = an->patient_ix.keys[i];
    int64_t t0 = hb_monotonic_us();
    for (int i = 0; i < n; i++) {
        struct hb_an_stay s = {.id = -1 - i,
                               .patient_id = pids[i],
                               .unit = i % 3 ? HB_AN_HOSPITAL : HB_AN_KAD,
                               .start = now - 60,
                               .end = -1,
                               .emergency = true};
        hb_an_stay(an, &s);
        s.end = now;
        s.home = s.index_end = true;
        hb_an_stay(an, &s);
    }
    double t_update_us = (double)(hb_monotonic_us() - t0) / (2.0 * n);
    free(pids);
    printf("engine load_ms=%.0f peak_rss_mib=%.1f patients=%d stays_open=%d\n", load_ms,
           peak_rss_kib() / 1024.0, an->npatients, an->nopen);
    printf("engine dashboard_year_ms=%.3f dashboard_12_months_ms=%.3f readmit_120_months_ms=%.3f "
           "update_us=%.3f entities=%d runs=%d\n",
           t_year, t_months, t_readmit, t_update_us, ne, runs);
    printf("engine checksums year=%.3f months=%.3f readmit=%.3f\n", sum_year, sum_months,
           sum_decade);
    return 0;
}

/* ---- export ---- */
static const char SQL_STAYS[] =
    "SELECT patient_id, unit_id, start_at, end_at, source, discharge_to FROM stay";

static int export_facts(struct hb_db *db, struct hb_an *an, const char *dir, struct hb_error *err)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/stays.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return hb_fail(err, HB_INVALID, "out", "cannot write %s", path);
    fprintf(f, "nr,patient,unit,start_min,end_min,start_month,end_month,emergency,transfer,home,"
               "index_end,old\n");
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAYS, &st, err);
    if (rc) {
        fclose(f);
        return rc;
    }
    long rows = 0;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        struct hb_an_stay s;
        hb__an_stay_row(an, st, 0, &s);
        int32_t k = hb__imap_get(&an->patient_ix, s.patient_id);
        if (k < 0 || an->patients[k].muni < 0)
            continue;
        const struct an_patient *p = &an->patients[k];
        int64_t days = s.start / 1440 - p->birth_day;
        bool old = days >= 0 && days * 4 / 1461 >= 80;
        fprintf(f, "%s,%d,%d,%lld,", an->muni[p->muni].nr, k, (int)s.unit, (long long)s.start);
        if (s.end >= 0)
            fprintf(f, "%lld,%d,%d,", (long long)s.end, hb__an_month(s.start), hb__an_month(s.end));
        else /* open: counted up to now, as the engine does */
            fprintf(f, "%lld,%d,,", (long long)an->now, hb__an_month(s.start));
        fprintf(f, "%d,%d,%d,%d,%d\n", s.emergency, s.transfer_in, s.home, s.index_end, old);
        rows++;
    }
    hb_stmt_done(st);
    fclose(f);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/months.csv", dir);
    if (!(f = fopen(path, "w")))
        return hb_fail(err, HB_INVALID, "out", "cannot write %s", path);
    fprintf(f, "month,start_min,end_min\n");
    for (int m = an->month0; m < an->month0 + an->nmonths; m++)
        fprintf(f, "%d,%lld,%lld\n", m, (long long)hb__an_month_start(m),
                (long long)hb__an_month_start(m + 1));
    fclose(f);
    printf("exported %ld stays\n", rows);
    return 0;
}

int hb_cmd_analytics(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "analytics",
                     "analytics bench: time the indicator engine on a database (see bench/).\n"
                     "analytics export: write the facts the engine reads as CSV for the SQL\n"
                     "engines it is compared with.",
                     opts, argc, argv))
        return cli.exit_code;
    bool is_bench = cli.npositional == 1 && !strcmp(cli.positional[0], "bench");
    if (!is_bench && (cli.npositional != 1 || strcmp(cli.positional[0], "export")))
        return hb_cli_die("analytics: the subcommand is `analytics bench` or `analytics export`");
    const char *url = hb_cli_get(&cli, "db", NULL), *dir = hb_cli_get(&cli, "out", NULL);
    int64_t year, runs;
    if (!url || !dir)
        return hb_cli_die("analytics: --db and --out are required");
    if (hb_cli_int(&cli, "year", hb_local_year(hb_now_us()) - 1, 2000, 2060, &year) ||
        hb_cli_int(&cli, "runs", 21, 1, 1001, &runs))
        return 2;
    struct hb_store *s;
    struct hb_error err = {0};
    if (hb_store_open(url, 1, &s, &err))
        return hb_cli_die("analytics: %s", err.message);
    struct hb_db *db = hb_store_acquire(s, &err);
    struct hb_an *an = NULL;
    int64_t t0 = hb_monotonic_us();
    int rc =
        db ? hb_an_load(db, !strcmp(hb_store_backend(s), "postgresql"), &an, &err) : HB_UNAVAILABLE;
    double load_ms = (double)(hb_monotonic_us() - t0) / 1000.0;
    if (rc == 0 && !is_bench)
        rc = export_facts(db, an, dir, &err);
    if (rc == 0 && is_bench) {
        double write_us = 0, idle_us = 0;
        if (write_answers(an, (int)year, dir))
            rc = hb_fail(&err, HB_INVALID, "out", "cannot write to %s", dir);
        else if ((rc = bench(an, (int)year, (int)runs, load_ms)) == 0 &&
                 (rc = refresh_bench(db, an, (int)runs, &write_us, &idle_us, &err)) == 0)
            printf("engine refresh_new_stay_and_observation_us=%.0f refresh_nothing_new_us=%.0f\n",
                   write_us, idle_us);
    }
    if (db)
        hb_store_release(s, db);
    hb_an_free(an);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("analytics: %s", err.message);
    return 0;
}
