/* monitor: the vital-sign catalogue, values as written, and ingestion: the
 * observations, the NEWS2 score of every set they complete and the alerts
 * they raise, all in one transaction. */
#include "monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../patient/patient.h"
#include "monitor_int.h"

#include "../core/banned.h"

/* clang-format off */
static const struct hb_vital vitals[] = {
    {"rr",          "9279-1",  "/min",   "Respirasjonsfrekvens",   100,  8000, HB_NEWS2_RR},
    {"spo2",        "59408-5", "%",      "Oksygenmetning",         5000, 10000, HB_NEWS2_SPO2},
    {"oxygen",      "3151-8",  "L/min",  "Oksygentilførsel",       0,    6000, HB_NEWS2_AIR},
    {"fio2",        "3150-0",  "%",      "Oksygenandel (FiO2)",    2100, 10000, HB_NEWS2_AIR},
    {"sbp",         "8480-6",  "mm[Hg]", "Systolisk blodtrykk",    4000, 30000, HB_NEWS2_SBP},
    {"dbp",         "8462-4",  "mm[Hg]", "Diastolisk blodtrykk",   2000, 20000, -1},
    {"pulse",       "8867-4",  "/min",   "Puls",                   2000, 30000, HB_NEWS2_PULSE},
    {"acvpu",       "67775-7", "{ACVPU}", "Bevissthet (ACVPU)",    0,    400,  HB_NEWS2_ACVPU},
    {"temperature", "8310-5",  "Cel",    "Temperatur",             2500, 4500, HB_NEWS2_TEMP},
    {"weight",      "29463-7", "kg",     "Vekt",                   2000, 40000, -1},
    {"glucose",     "15074-8", "mmol/L", "Blodsukker",             50,   5000, -1},
};
/* clang-format on */
enum { N_VITALS = sizeof(vitals) / sizeof(vitals[0]) };

const struct hb_vital *hb_vitals(int *n)
{
    *n = N_VITALS;
    return vitals;
}

const struct hb_vital *hb_vital_by_kind(const char *kind)
{
    for (int i = 0; kind && i < N_VITALS; i++)
        if (strcmp(kind, vitals[i].kind) == 0)
            return &vitals[i];
    return NULL;
}

const struct hb_vital *hb_vital_by_code(const char *loinc)
{
    for (int i = 0; loinc && i < N_VITALS; i++)
        if (strcmp(loinc, vitals[i].loinc) == 0)
            return &vitals[i];
    if (loinc && strcmp(loinc, "2708-6") == 0) /* SpO2 in arterial blood, the FHIR core code */
        return hb_vital_by_kind("spo2");
    return NULL;
}

/* Hundredths as people write them: 61,5 not 61.50. */
void hb__monitor_num_text(int64_t v, char *out, size_t n)
{
    if (v % 100 == 0)
        snprintf(out, n, "%lld", (long long)(v / 100));
    else if (v % 10 == 0)
        snprintf(out, n, "%lld,%lld", (long long)(v / 100), (long long)(v % 100 / 10));
    else
        snprintf(out, n, "%lld,%02lld", (long long)(v / 100), (long long)(v % 100));
}

static const char ACVPU[] = "ACVPU";

bool hb_monitor_scoring = true;

int hb_obs_value(const struct hb_vital *vital, const char *value, const char *field,
                 struct hb_obs *o, struct hb_error *err)
{
    o->vital = vital;
    if (!value)
        return hb_fail(err, HB_INVALID, field, "Oppgi en verdi for %s", vital->label);
    if (strcmp(vital->kind, "acvpu") == 0) {
        const char *p = value[0] && !value[1] ? strchr(ACVPU, value[0] & ~0x20) : NULL;
        if (!p || !value[0])
            return hb_fail(err, HB_INVALID, field,
                           "Bevissthet skrives A (våken), C (ny forvirring), V (reagerer på "
                           "tiltale), P (reagerer på smerte) eller U (reagerer ikke)");
        o->num = (int64_t)(p - ACVPU) * 100;
        snprintf(o->value, sizeof(o->value), "%c", *p);
        return 0;
    }
    size_t len = strlen(value), whole = strspn(value, "0123456789"), dec = 0;
    if (len < sizeof(o->value) && (value[whole] == '.' || value[whole] == ','))
        dec = strspn(value + whole + 1, "0123456789");
    bool shape = len < sizeof(o->value) && whole >= 1 && whole <= 4 &&
                 (value[whole] == '\0' || ((value[whole] == '.' || value[whole] == ',') &&
                                           dec >= 1 && value[whole + 1 + dec] == '\0'));
    if (!shape || dec > 2) {
        return hb_fail(err, HB_INVALID, field,
                       "%s er et tall med høyst to desimaler, for eksempel 37,5", vital->label);
    }
    int64_t w = 0, f = 0;
    hb_parse_i64(value, whole, 0, 9999, &w);
    if (dec)
        hb_parse_i64(value + whole + 1, dec, 0, 99, &f);
    o->num = w * 100 + (dec == 1 ? f * 10 : f);
    if (o->num < vital->lo || o->num > vital->hi) {
        char lo[16], hi[16];
        hb__monitor_num_text(vital->lo, lo, sizeof(lo));
        hb__monitor_num_text(vital->hi, hi, sizeof(hi));
        return hb_fail(err, HB_INVALID, field, "%s må være mellom %s og %s %s", vital->label, lo,
                       hi, strcmp(vital->unit, "Cel") == 0 ? "°C" : vital->unit);
    }
    snprintf(o->value, sizeof(o->value), "%s", value);
    char *comma = strchr(o->value, ',');
    if (comma)
        *comma = '.';
    return 0;
}

/* ---- ingestion ---- */
static const char SQL_OBS_ADD[] =
    "INSERT INTO observation (id, patient_id, code, value, unit, effective_at, source, user_id,"
    " created_at, num, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_MONITORING_GET[] =
    "SELECT scale, thresholds FROM monitoring WHERE patient_id = ? AND active = 1";
static const char SQL_MONITORING_START[] =
    "INSERT INTO monitoring (patient_id, active, started_at, started_by, scale, version)"
    " VALUES (?, 1, ?, ?, 1, 1) ON CONFLICT (patient_id) DO NOTHING";
static const char SQL_SET[] =
    "SELECT id, kind, num, effective_at FROM observation WHERE patient_id = ?"
    " AND effective_at > ? AND effective_at <= ? AND kind IN ('rr', 'spo2', 'oxygen', 'fio2',"
    " 'sbp', 'pulse', 'acvpu', 'temperature') ORDER BY effective_at DESC, id DESC LIMIT 200";
static const char SQL_NEWS2_ADD[] =
    "INSERT INTO news2 (id, patient_id, at, total, rr, spo2, air, sbp, pulse, acvpu, temp,"
    " scale, risk, monitor_minutes, sources, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static int insert_obs(struct hb_db *db, const struct hb_user *u, struct hb_obs *o, int64_t now,
                      struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_OBS_ADD, &st, err);
    if (rc)
        return rc;
    o->id = hb_id_new();
    hb_stmt_int(st, 1, o->id);
    hb_stmt_int(st, 2, o->patient_id);
    hb_stmt_text(st, 3, o->vital->loinc);
    hb_stmt_text(st, 4, o->value);
    hb_stmt_text(st, 5, o->vital->unit);
    hb_stmt_int(st, 6, o->at);
    hb_stmt_text(st, 7, o->source ? o->source : "unit");
    if (u)
        hb_stmt_int(st, 8, u->id);
    else
        hb_stmt_null(st, 8);
    hb_stmt_int(st, 9, now);
    hb_stmt_int(st, 10, o->num);
    hb_stmt_text(st, 11, o->vital->kind);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

/* The patient's monitoring: scale and thresholds (arena JSON or NULL); starts
 * monitoring when a NEWS2 parameter arrives for a patient not yet followed. */
static int monitoring_of(struct hb_db *db, const struct hb_user *u, int64_t patient_id, bool start,
                         int *scale, json_t **thresholds, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MONITORING_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, patient_id);
    *scale = 1;
    *thresholds = NULL;
    if ((rc = hb_stmt_step(st, err)) == 1) {
        *scale = (int)hb_stmt_col_int(st, 0);
        const char *t = hb_stmt_col(st, 1, NULL);
        if (t)
            *thresholds = json_loads(t, 0, NULL);
    }
    hb_stmt_done(st);
    if (rc < 0 || rc == 1 || !start)
        return rc < 0 ? rc : 0;
    if ((rc = hb_db_stmt(db, SQL_MONITORING_START, &st, err)))
        return rc;
    hb_stmt_int(st, 1, patient_id);
    hb_stmt_int(st, 2, hb_now_us());
    if (u)
        hb_stmt_int(st, 3, u->id);
    else
        hb_stmt_null(st, 3);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

/* The NEWS2 value of a measurement: air or oxygen is any flow, or FiO2 above
 * room air (21 %). */
static int64_t news2_value(const struct hb_vital *v, int64_t num)
{
    if (v->news2 == HB_NEWS2_AIR)
        return strcmp(v->kind, "fio2") == 0 ? num > 2100 : num > 0;
    return num;
}

/* Scores the set ending at t when every parameter has a measurement in the
 * window before it. A request holding a whole set taken at t (the usual case)
 * is scored from itself; otherwise the stored measurements fill it in.
 * *news2_id 0 when the set is not complete. */
static int score_set(struct hb_db *db, int64_t patient_id, int64_t t, int scale,
                     const struct hb_obs *obs, int n, struct hb_news2 *out, int64_t *news2_id,
                     struct hb_error *err)
{
    int64_t val[HB_NEWS2__PARAMS], ids[HB_NEWS2__PARAMS];
    bool have[HB_NEWS2__PARAMS] = {false};
    int found = 0, rc = 0;
    *news2_id = 0;
    for (int i = n - 1; i >= 0; i--) { /* the last given wins, as the newest id would */
        const struct hb_vital *v = obs[i].vital;
        if (obs[i].patient_id != patient_id || obs[i].at != t || v->news2 < 0 || have[v->news2])
            continue;
        val[v->news2] = news2_value(v, obs[i].num);
        ids[v->news2] = obs[i].id;
        have[v->news2] = true;
        found++;
    }
    if (found < HB_NEWS2__PARAMS) {
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_SET, &st, err)))
            return rc;
        hb_stmt_int(st, 1, patient_id);
        hb_stmt_int(st, 2, t - HB__NEWS2_WINDOW_US);
        hb_stmt_int(st, 3, t);
        found = 0;
        memset(have, 0, sizeof(have));
        while (found < HB_NEWS2__PARAMS && (rc = hb_stmt_step(st, err)) == 1) {
            const struct hb_vital *v = hb_vital_by_kind(hb_stmt_col(st, 1, NULL));
            if (!v || v->news2 < 0 || have[v->news2])
                continue;
            val[v->news2] = news2_value(v, hb_stmt_col_int(st, 2));
            ids[v->news2] = hb_stmt_col_int(st, 0);
            have[v->news2] = true;
            found++;
        }
        hb_stmt_done(st);
        if (rc < 0 || found < HB_NEWS2__PARAMS)
            return rc < 0 ? rc : 0;
    }
    char sources[HB_NEWS2__PARAMS * 24] = "";
    for (int i = 0; i < HB_NEWS2__PARAMS; i++) {
        size_t l = strlen(sources);
        snprintf(sources + l, sizeof(sources) - l, "%s%lld", i ? "," : "", (long long)ids[i]);
    }
    struct hb_news2_in in = {.rr = val[HB_NEWS2_RR],
                             .spo2 = val[HB_NEWS2_SPO2],
                             .oxygen = val[HB_NEWS2_AIR] != 0,
                             .sbp = val[HB_NEWS2_SBP],
                             .pulse = val[HB_NEWS2_PULSE],
                             .acvpu = (int)(val[HB_NEWS2_ACVPU] / 100),
                             .temp = val[HB_NEWS2_TEMP],
                             .scale2 = scale == 2};
    hb_news2_score(&in, out);
    *news2_id = hb_id_new();
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_NEWS2_ADD, &st, err)))
        return rc;
    hb_stmt_int(st, 1, *news2_id);
    hb_stmt_int(st, 2, patient_id);
    hb_stmt_int(st, 3, t);
    hb_stmt_int(st, 4, out->total);
    for (int i = 0; i < HB_NEWS2__PARAMS; i++)
        hb_stmt_int(st, 5 + i, out->sub[i]);
    hb_stmt_int(st, 12, scale);
    hb_stmt_text(st, 13, hb_news2_risk_name(out->risk));
    hb_stmt_int(st, 14, out->monitor_minutes);
    hb_stmt_text(st, 15, sources);
    hb_stmt_int(st, 16, hb_now_us());
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

static const char *const param_labels[HB_NEWS2__PARAMS] = {
    "respirasjonsfrekvens", "oksygenmetning", "oksygentilførsel", "systolisk blodtrykk", "puls",
    "bevissthet",           "temperatur"};

/* The alerts a new NEWS2 score raises. */
static int alerts_for_score(struct hb_db *db, int64_t patient_id, int64_t news2_id,
                            const struct hb_news2 *n, struct hb_arena *a, struct hb_error *err)
{
    if (n->total >= 7)
        return hb__monitor_raise(db, patient_id, "news2-high",
                                 hb_arena_printf(a,
                                                 "NEWS2 %d: høy risiko, kontinuerlig "
                                                 "overvåking og akutt vurdering",
                                                 n->total),
                                 news2_id, 0, err);
    if (n->total >= 5)
        return hb__monitor_raise(db, patient_id, "news2-medium",
                                 hb_arena_printf(a,
                                                 "NEWS2 %d: middels risiko, vurdering av "
                                                 "lege snarest, målinger hver time",
                                                 n->total),
                                 news2_id, 0, err);
    if (n->single3) {
        const char *which = "";
        for (int i = 0; i < HB_NEWS2__PARAMS; i++)
            if (n->sub[i] == 3)
                which = param_labels[i];
        return hb__monitor_raise(db, patient_id, "single-3",
                                 hb_arena_printf(a,
                                                 "NEWS2 %d med 3 poeng på %s: vurdering "
                                                 "snarest, målinger hver time",
                                                 n->total, which),
                                 news2_id, 0, err);
    }
    return 0;
}

/* A personal threshold crossed by o, when the patient has one for its kind. */
static int alerts_for_threshold(struct hb_db *db, const struct hb_obs *o, json_t *thresholds,
                                struct hb_arena *a, struct hb_error *err)
{
    json_t *t = json_object_get(thresholds, o->vital->kind);
    if (!t)
        return 0;
    static const char *const sides[2] = {"min", "max"};
    for (int k = 0; k < 2; k++) {
        const char *limit = json_string_value(json_object_get(t, sides[k]));
        struct hb_obs lim = {0};
        struct hb_error ignore = {0};
        if (!limit || hb_obs_value(o->vital, limit, "limit", &lim, &ignore) != 0)
            continue;
        if (k == 0 ? o->num < lim.num : o->num > lim.num) {
            char v[16], l[16];
            hb__monitor_num_text(o->num, v, sizeof(v));
            hb__monitor_num_text(lim.num, l, sizeof(l));
            return hb__monitor_raise(db, o->patient_id, "threshold",
                                     hb_arena_printf(a, "%s %s er %s den personlige grensen %s",
                                                     o->vital->label, v, k == 0 ? "under" : "over",
                                                     l),
                                     0, o->id, err);
        }
    }
    return 0;
}

static int cmp_time(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

int hb_monitor_ingest_in(struct hb_db *db, const struct hb_user *u, struct hb_obs *obs, int n,
                         struct hb_error *err)
{
    struct hb_arena *a = hb_arena_new();
    int64_t now = hb_now_us();
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = insert_obs(db, u, &obs[i], now, err);
    /* Each patient once: scale, thresholds, the sets completed, the alerts. */
    for (int i = 0; rc == 0 && hb_monitor_scoring && i < n; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            first &= obs[j].patient_id != obs[i].patient_id;
        if (!first)
            continue;
        /* The distinct times of this patient's NEWS2 measurements, in order:
         * each may complete a set (a device may upload several at once). */
        int64_t pid = obs[i].patient_id;
        int64_t *times = hb_arena_alloc(a, sizeof(*times) * (size_t)n);
        int nt = 0;
        for (int j = i; j < n; j++)
            if (obs[j].patient_id == pid && obs[j].vital->news2 >= 0)
                times[nt++] = obs[j].at;
        qsort(times, (size_t)nt, sizeof(*times), cmp_time);
        int unique = 0;
        for (int k = 0; k < nt; k++)
            if (!unique || times[unique - 1] != times[k])
                times[unique++] = times[k];
        nt = unique;
        int scale;
        json_t *thresholds = NULL;
        if ((rc = monitoring_of(db, u, pid, nt > 0, &scale, &thresholds, err)))
            break;
        for (int k = 0; rc == 0 && k < nt; k++) {
            struct hb_news2 score;
            int64_t news2_id;
            if ((rc = score_set(db, pid, times[k], scale, obs, n, &score, &news2_id, err)) == 0 &&
                news2_id)
                rc = alerts_for_score(db, pid, news2_id, &score, a, err);
        }
        for (int j = i; rc == 0 && j < n && thresholds; j++)
            if (obs[j].patient_id == pid)
                rc = alerts_for_threshold(db, &obs[j], thresholds, a, err);
        json_decref(thresholds);
    }
    hb_arena_free(a);
    return rc;
}

struct ingest_tx {
    const struct hb_user *u;
    struct hb_obs *obs;
    int n;
    int64_t denied;
};

static int ingest_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct ingest_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    int rc = 0;
    x->denied = 0;
    /* Every patient must be reachable; each is audited once. */
    for (int i = 0; rc == 0 && i < x->n; i++) {
        bool first = true;
        for (int j = 0; j < i; j++)
            first &= x->obs[j].patient_id != x->obs[i].patient_id;
        if (!first)
            continue;
        struct hb_patient_ref ref;
        const char *relation = NULL, *reason = NULL;
        rc = hb_patient_ref(db, x->obs[i].patient_id, &ref, err);
        if (rc == HB_NOT_FOUND)
            rc = hb_fail(err, HB_INVALID, "subject", "Pasienten finnes ikke");
        if (rc == 0)
            rc = hb_policy_check(db, x->u, &ref, a, &relation, &reason, err);
        if (rc == HB_FORBIDDEN)
            x->denied = x->obs[i].patient_id;
        if (rc)
            break;
        struct hb_audit au = {.patient_id = ref.id,
                              .action = "create",
                              .what = "Observation",
                              .relation = relation,
                              .reason = reason,
                              .allowed = true};
        rc = hb_audit_add(db, x->u, &au, err);
    }
    if (rc == 0)
        rc = hb_monitor_ingest_in(db, x->u, x->obs, x->n, err);
    hb_arena_free(a);
    return rc;
}

int hb_monitor_ingest(struct hb_store *s, const struct hb_user *u, struct hb_obs *obs, int n,
                      struct hb_error *err)
{
    int64_t now = hb_now_us();
    for (int i = 0; i < n; i++) {
        if (obs[i].at > now + 60LL * 1000000)
            return hb_fail(err, HB_INVALID, "effectiveDateTime",
                           "Målingen kan ikke være tatt fram i tid");
        if (!obs[i].at)
            obs[i].at = now;
    }
    struct ingest_tx x = {.u = u, .obs = obs, .n = n};
    int rc = hb_store_write(s, ingest_tx, &x, err);
    if (rc == HB_FORBIDDEN && x.denied) {
        struct hb_audit au = {.patient_id = x.denied, .action = "create", .what = "Observation"};
        struct hb_error aerr = {0};
        if (hb_audit_write(s, u, &au, 1, &aerr)) {
            *err = aerr;
            return aerr.code;
        }
    }
    return rc;
}

/* ---- monitoring settings ---- */
static const char SQL_MONITORING_SET[] =
    "INSERT INTO monitoring (patient_id, active, started_at, started_by, scale, scale_by,"
    " scale_at, thresholds, thresholds_by, thresholds_at, version)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (patient_id) DO UPDATE SET"
    " active = excluded.active, scale = excluded.scale, scale_by = excluded.scale_by,"
    " scale_at = excluded.scale_at, thresholds = excluded.thresholds,"
    " thresholds_by = excluded.thresholds_by, thresholds_at = excluded.thresholds_at,"
    " version = monitoring.version + 1";
static const char SQL_MONITORING_ROW[] =
    "SELECT active, scale, scale_by, scale_at, thresholds, thresholds_by, thresholds_at"
    " FROM monitoring WHERE patient_id = ?";

struct set_tx {
    const struct hb_user *u;
    int64_t patient_id, denied;
    bool active;
    int scale;              /* 0: unchanged */
    const char *thresholds; /* NULL: unchanged */
};

static int set_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct set_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    x->denied = 0;
    int rc = hb_patient_ref(db, x->patient_id, &ref, err);
    if (rc == 0)
        rc = hb_policy_check(db, x->u, &ref, a, &relation, &reason, err);
    if (rc == HB_FORBIDDEN)
        x->denied = x->patient_id;
    int64_t now = hb_now_us(), scale_by = 0, scale_at = 0, th_by = 0, th_at = 0;
    int scale = 1;
    const char *th = NULL;
    struct hb_stmt *st;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_MONITORING_ROW, &st, err)) == 0) {
        hb_stmt_int(st, 1, x->patient_id);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            scale = (int)hb_stmt_col_int(st, 1);
            scale_by = hb_stmt_col_int(st, 2);
            scale_at = hb_stmt_col_int(st, 3);
            th = hb_stmt_col_dup(st, 4, a);
            th_by = hb_stmt_col_int(st, 5);
            th_at = hb_stmt_col_int(st, 6);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && x->scale && x->scale != scale) {
        scale = x->scale;
        scale_by = x->u->id;
        scale_at = now;
    }
    if (rc == 0 && x->thresholds) {
        th = *x->thresholds ? x->thresholds : NULL;
        th_by = x->u->id;
        th_at = now;
    }
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_MONITORING_SET, &st, err)) == 0) {
        int64_t ids[4] = {scale_by, scale_at, th_by, th_at};
        hb_stmt_int(st, 1, x->patient_id);
        hb_stmt_int(st, 2, x->active);
        hb_stmt_int(st, 3, now);
        hb_stmt_int(st, 4, x->u->id);
        hb_stmt_int(st, 5, scale);
        for (int i = 0; i < 2; i++) {
            hb_stmt_int_or_null(st, 6 + i, ids[i]);
        }
        hb_stmt_text(st, 8, th);
        for (int i = 2; i < 4; i++) {
            hb_stmt_int_or_null(st, 7 + i, ids[i]);
        }
        rc = hb_stmt_run(st, err);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0) {
        struct hb_audit au = {.patient_id = x->patient_id,
                              .action = "update",
                              .what = "Monitoring",
                              .relation = relation,
                              .reason = reason,
                              .allowed = true};
        rc = hb_audit_add(db, x->u, &au, err);
    }
    hb_arena_free(a);
    return rc;
}

int hb_monitor_set(struct hb_store *s, const struct hb_user *u, int64_t patient_id, json_t *in,
                   struct hb_error *err)
{
    if (u->role != HB_ROLE_HOSPITAL && u->role != HB_ROLE_MUNICIPAL && u->role != HB_ROLE_GP)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Overvåking settes av klinikere");
    struct set_tx x = {.u = u, .patient_id = patient_id, .active = true};
    json_t *v = json_object_get(in, "active");
    if (v && !json_is_boolean(v))
        return hb_fail(err, HB_INVALID, "active", "active er true eller false");
    if (v)
        x.active = json_is_true(v);
    v = json_object_get(in, "scale");
    if (v && (!json_is_integer(v) || (json_integer_value(v) != 1 && json_integer_value(v) != 2)))
        return hb_fail(err, HB_INVALID, "scale",
                       "scale er 1, eller 2 for pasienter med mål om oksygenmetning 88-92 %%");
    if (v)
        x.scale = (int)json_integer_value(v);
    json_t *th = json_object_get(in, "thresholds");
    char *text = NULL;
    if (th) {
        if (!json_is_object(th) || json_object_size(th) > 20)
            return hb_fail(err, HB_INVALID, "thresholds", "thresholds er {type: {min, max}}");
        const char *kind;
        json_t *lim;
        json_object_foreach(th, kind, lim)
        {
            const struct hb_vital *vital = hb_vital_by_kind(kind);
            if (!vital || strcmp(kind, "acvpu") == 0)
                return hb_fail(err, HB_INVALID, "thresholds", "Ukjent måling i grensene");
            for (int k = 0; k < 2; k++) {
                const char *side = k ? "max" : "min";
                json_t *bound = json_object_get(lim, side);
                struct hb_obs o;
                if (bound &&
                    (!json_is_string(bound) ||
                     hb_obs_value(vital, json_string_value(bound), "thresholds", &o, err) != 0))
                    return hb_fail(err, HB_INVALID, "thresholds",
                                   "Grensen %s for %s må være en mulig verdi", side, vital->label);
            }
        }
        text = json_dumps(th, JSON_COMPACT | JSON_SORT_KEYS);
        x.thresholds = text;
    }
    int rc = hb_store_write(s, set_tx, &x, err);
    free(text);
    if (rc == HB_FORBIDDEN && x.denied) {
        struct hb_audit au = {.patient_id = x.denied, .action = "update", .what = "Monitoring"};
        struct hb_error aerr = {0};
        if (hb_audit_write(s, u, &au, 1, &aerr)) {
            *err = aerr;
            return aerr.code;
        }
    }
    return rc;
}
