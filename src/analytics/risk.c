/* analytics: the risk score (a pure function) and the facts it is computed
 * from, read from the stays, discharge-ready cases, alerts and plans. */
#include "risk.h"

#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "an_int.h"

#include "../core/banned.h"

#define CODE(e, code, label, points, max) code,
#define LABEL(e, code, label, points, max) label,
#define POINTS(e, code, label, points, max) points,
#define MAX(e, code, label, points, max) max,
const char *const hb_risk_codes[HB_RISK_NFACTORS] = {HB_RISK_FACTORS(CODE)};
const char *const hb_risk_labels[HB_RISK_NFACTORS] = {HB_RISK_FACTORS(LABEL)};
static const int points[HB_RISK_NFACTORS] = {HB_RISK_FACTORS(POINTS)};
static const int maxima[HB_RISK_NFACTORS] = {HB_RISK_FACTORS(MAX)};
#undef CODE
#undef LABEL
#undef POINTS
#undef MAX

void hb_risk_score(const struct hb_risk_facts *f, struct hb_risk *out)
{
    int count[HB_RISK_NFACTORS] = {
        [HB_RISK_ADMISSIONS] = f->admissions,
        [HB_RISK_EMERGENCY] = f->emergency,
        [HB_RISK_BED_DAYS] = (int)(f->bed_days / 5),
        [HB_RISK_DISCHARGE_READY] = f->discharge_ready,
        [HB_RISK_PRIORITY] = f->priority_group ? 1 : 0,
        [HB_RISK_AGE] = f->age >= 80   ? 3
                        : f->age >= 67 ? 2
                                       : 0,
        [HB_RISK_ALERTS] = f->alerts,
    };
    out->total = 0;
    for (int i = 0; i < HB_RISK_NFACTORS; i++) {
        int p = count[i] * points[i];
        out->part[i] = p > maxima[i] ? maxima[i] : p;
        out->total += out->part[i];
    }
}

/* ---- facts ---- */
struct acc {
    struct hb_risk_row *rows;
    int n, cap;
    struct an_imap ix;
    int64_t from, at, until, at_day;
    double next_total; /* everyone's bed-days after `at` */
    const atomic_bool *cancel;
};

/* Whether to give up: looked at every 64k rows. */
static bool cancelled(const struct acc *a, int64_t rows)
{
    return a->cancel && (rows & 0xffff) == 0 && atomic_load(a->cancel);
}

static int give_up(struct hb_error *err)
{
    return hb_fail(err, HB_UNAVAILABLE, NULL, "Beregningen av risikoskår ble avbrutt");
}

static struct hb_risk_row *row_of(struct acc *a, int64_t patient, int64_t muni, int64_t gp,
                                  const char *birth)
{
    int32_t i = hb__imap_get(&a->ix, patient);
    if (i >= 0)
        return &a->rows[i];
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->rows = hb_xrealloc(a->rows, (size_t)a->cap * sizeof(*a->rows));
    }
    struct hb_risk_row *r = &a->rows[a->n];
    memset(r, 0, sizeof(*r));
    r->patient_id = patient;
    r->municipality_id = muni;
    r->gp_user_id = gp;
    int64_t born;
    if (birth && hb_date_days(birth, &born) == 0)
        r->facts.age = (int)((a->at_day - born) * 4 / 1461);
    hb__imap_put(&a->ix, patient, a->n);
    return &a->rows[a->n++];
}

#define PATIENT_COLS "p.id, COALESCE(p.municipality_id, 0), COALESCE(p.gp_user_id, 0), p.birth_date"
static const char SQL_STAYS[] =
    "SELECT " PATIENT_COLS ", o.unit_type, s.start_at, s.end_at, s.source, s.priority_group"
    " FROM stay s JOIN patient p ON p.id = s.patient_id JOIN org o ON o.id = s.unit_id"
    " WHERE s.start_at < ? AND (s.end_at IS NULL OR s.end_at > ?)";
static const char SQL_CASES[] =
    "SELECT " PATIENT_COLS " FROM discharge_case c JOIN patient p ON p.id = c.patient_id"
    " WHERE c.created_at >= ? AND c.created_at < ?";
static const char SQL_ALERTS[] =
    "SELECT " PATIENT_COLS " FROM alert a JOIN patient p ON p.id = a.patient_id"
    " WHERE a.raised_at >= ? AND a.raised_at < ?";
static const char SQL_PLANS[] = "SELECT patient_id FROM care_plan WHERE status = 'active'";

static struct hb_risk_row *row_from(struct acc *a, struct hb_stmt *st)
{
    return row_of(a, hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), hb_stmt_col_int(st, 2),
                  hb_stmt_col(st, 3, NULL));
}

/* Overlap of a stay with [from, to) in days. */
static double days_in(struct hb_stmt *st, int64_t from, int64_t to)
{
    int64_t s = hb_stmt_col_int(st, 5), e = hb_stmt_col(st, 6, NULL) ? hb_stmt_col_int(st, 6) : to;
    if (s < from)
        s = from;
    if (e > to)
        e = to;
    return e > s ? (double)(e - s) / (86400.0 * 1000000) : 0;
}

static bool counts_for_days(const char *unit_type)
{
    return unit_type && (!strcmp(unit_type, "hospital-ward") || !strcmp(unit_type, "kad") ||
                         !strcmp(unit_type, "sykestue"));
}

static int read_stays(struct hb_db *db, struct acc *a, bool next, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAYS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, next ? a->until : a->at);
    hb_stmt_int(st, 2, next ? a->at : a->from);
    for (int64_t k = 1; (rc = hb_stmt_step(st, err)) == 1; k++) {
        if (cancelled(a, k)) {
            rc = give_up(err);
            break;
        }
        const char *type = hb_stmt_col(st, 4, NULL), *src = hb_stmt_col(st, 7, NULL);
        if (next) {
            int32_t i = hb__imap_get(&a->ix, hb_stmt_col_int(st, 0));
            double days = counts_for_days(type) ? days_in(st, a->at, a->until) : 0;
            a->next_total += days;
            if (i >= 0)
                a->rows[i].next_bed_days += days;
            continue;
        }
        struct hb_risk_row *r = row_from(a, st);
        if (hb_stmt_col(st, 8, NULL))
            r->facts.priority_group = true;
        if (counts_for_days(type))
            r->facts.bed_days += days_in(st, a->from, a->at);
        bool admitted = hb_stmt_col_int(st, 5) >= a->from;
        bool transfer = src && (!strcmp(src, "hospital-ward") || !strcmp(src, "other-unit"));
        if (admitted && type && !strcmp(type, "hospital-ward") && !transfer) {
            r->facts.admissions++;
            if (src && (!strcmp(src, "home") || !strcmp(src, "gp") || !strcmp(src, "legevakt")))
                r->facts.emergency++;
        }
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int read_counted(struct hb_db *db, struct acc *a, const char *sql, bool alerts,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, a->from);
    hb_stmt_int(st, 2, a->at);
    for (int64_t k = 1; (rc = hb_stmt_step(st, err)) == 1; k++) {
        if (cancelled(a, k)) {
            rc = give_up(err);
            break;
        }
        struct hb_risk_row *r = row_from(a, st);
        if (alerts)
            r->facts.alerts++;
        else
            r->facts.discharge_ready++;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int by_score(const void *x, const void *y)
{
    const struct hb_risk_row *a = x, *b = y;
    if (a->risk.total != b->risk.total)
        return a->risk.total < b->risk.total ? 1 : -1;
    return (a->patient_id > b->patient_id) - (a->patient_id < b->patient_id);
}

int hb_risk_compute(struct hb_db *db, int64_t at_us, bool next, const atomic_bool *cancel,
                    struct hb_risk_row **rows, int *n, double *next_total, struct hb_error *err)
{
    const int64_t year = 365LL * 86400 * 1000000;
    struct acc a = {.from = at_us - year,
                    .at = at_us,
                    .until = at_us + year,
                    .at_day = hb_local_day(at_us),
                    .cancel = cancel};
    int rc;
    if ((rc = read_stays(db, &a, false, err)) ||
        (rc = read_counted(db, &a, SQL_CASES, false, err)) ||
        (rc = read_counted(db, &a, SQL_ALERTS, true, err)) ||
        (next && (rc = read_stays(db, &a, true, err))))
        goto out;
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_PLANS, &st, err)))
        goto out;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int32_t i = hb__imap_get(&a.ix, hb_stmt_col_int(st, 0));
        if (i >= 0)
            a.rows[i].in_team = true;
    }
    hb_stmt_done(st);
    if (rc < 0)
        goto out;
    rc = 0;
    for (int i = 0; i < a.n; i++)
        hb_risk_score(&a.rows[i].facts, &a.rows[i].risk);
    if (a.n)
        qsort(a.rows, (size_t)a.n, sizeof(*a.rows), by_score);
out:
    hb__imap_free(&a.ix);
    if (rc) {
        free(a.rows);
        return rc;
    }
    *rows = a.rows;
    *n = a.n;
    if (next_total)
        *next_total = a.next_total;
    return 0;
}
