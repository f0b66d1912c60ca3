/* monitor: what the team sees: the dashboard of the patients it follows, one
 * patient's chart, and observations as FHIR (vital signs and NEWS2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/json.h"
#include "../patient/patient.h"
#include "monitor_int.h"

#include "../core/banned.h"


/* The monitored patients u answers for: in u's unit, in a team u is in today,
 * on u's GP list, or of u's municipality when an alert was routed there. */
static const char SQL_MINE[] =
    "SELECT m.patient_id, p.given || ' ' || p.family, p.birth_date, m.scale, m.started_at"
    " FROM monitoring m JOIN patient p ON p.id = m.patient_id WHERE m.active = 1 AND ("
    " EXISTS (SELECT 1 FROM stay s JOIN org o ON o.id = s.unit_id WHERE s.patient_id ="
    " m.patient_id AND s.end_at IS NULL AND (o.id = ? OR o.parent_id = ?))"
    " OR EXISTS (SELECT 1 FROM care_plan cp JOIN care_team t ON t.id = cp.team_id"
    " JOIN care_member mm ON mm.team_id = t.id OR mm.team_id = t.parent_id"
    " WHERE cp.patient_id = m.patient_id AND cp.status = 'active' AND mm.user_id = ?"
    " AND mm.from_day <= ? AND (mm.to_day IS NULL OR mm.to_day >= ?))"
    " OR p.gp_user_id = ?"
    " OR EXISTS (SELECT 1 FROM alert al WHERE al.patient_id = m.patient_id"
    " AND al.status <> 'resolved' AND al.route = 'municipality' AND al.route_id = ?))"
    " LIMIT 500";
static const char SQL_SCORES[] =
    "SELECT id, at, total, rr, spo2, air, sbp, pulse, acvpu, temp, risk, monitor_minutes,"
    " scale FROM news2 WHERE patient_id = ? ORDER BY at DESC LIMIT 12";
static const char SQL_OPEN_ALERTS[] =
    "SELECT a.id, a.kind, a.detail, a.status, a.level, a.raised_at, a.ack_at, l.name,"
    " u.name FROM alert a LEFT JOIN escalation_level l ON l.level = a.level"
    " LEFT JOIN app_user u ON u.id = a.ack_by WHERE a.patient_id = ? AND a.status <> 'resolved'"
    " ORDER BY a.id DESC";

static const char *const sub_names[HB_NEWS2__PARAMS] = {"rr",    "spo2",  "air",        "sbp",
                                                        "pulse", "acvpu", "temperature"};

static json_t *score_json(struct hb_stmt *st)
{
    char at[32];
    hb_time_no(hb_stmt_col_int(st, 1), at, sizeof(at));
    json_t *sub = json_object();
    for (int i = 0; i < HB_NEWS2__PARAMS; i++)
        json_object_set_new(sub, sub_names[i], json_integer(hb_stmt_col_int(st, 3 + i)));
    const char *risk = hb_stmt_col(st, 10, NULL);
    static const char *const labels[][2] = {
        {"low", "Lav"}, {"low-medium", "Lav-middels"}, {"medium", "Middels"}, {"high", "Høy"}};
    const char *label = risk;
    for (int i = 0; i < 4; i++)
        if (strcmp(risk, labels[i][0]) == 0)
            label = labels[i][1];
    return json_pack("{s:o,s:s,s:I,s:o,s:s,s:s,s:I,s:I}", "id",
                     json_sprintf("%lld", (long long)hb_stmt_col_int(st, 0)), "atLocal", at,
                     "total", (json_int_t)hb_stmt_col_int(st, 2), "sub", sub, "risk", risk,
                     "riskLabel", label, "monitorMinutes", (json_int_t)hb_stmt_col_int(st, 11),
                     "scale", (json_int_t)hb_stmt_col_int(st, 12));
}

static int alerts_json(struct hb_db *db, int64_t patient_id, json_t **out, int *unacked,
                       struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_OPEN_ALERTS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, patient_id);
    *out = json_array();
    *unacked = 0;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        char at[32];
        hb_time_no(hb_stmt_col_int(st, 5), at, sizeof(at));
        const char *status = hb_stmt_col(st, 3, NULL), *kind = hb_stmt_col(st, 1, NULL);
        *unacked += strcmp(status, "open") == 0;
        json_t *a = json_pack("{s:o,s:s,s:s,s:s,s:s,s:I,s:s,s:s?}", "id",
                              json_sprintf("%lld", (long long)hb_stmt_col_int(st, 0)), "kind", kind,
                              "kindLabel", hb__monitor_alert_label(kind), "detail",
                              hb_stmt_col(st, 2, NULL), "status", status, "level",
                              (json_int_t)hb_stmt_col_int(st, 4), "raisedLocal", at, "levelName",
                              hb_stmt_col(st, 7, NULL));
        if (hb_stmt_col_int(st, 6)) {
            hb_time_no(hb_stmt_col_int(st, 6), at, sizeof(at));
            json_object_set_new(a, "ackLocal", json_string(at));
            json_object_set_new(a, "ackBy", json_string(hb_stmt_col(st, 8, NULL)));
        }
        json_array_append_new(*out, a);
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int hb_monitor_dashboard(struct hb_store *s, const struct hb_user *u, int64_t now,
                         struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    char today[16];
    hb_local_date(now, today, sizeof(today));
    struct hb_stmt *st;
    enum { MAX = 500 };
    struct row {
        int64_t id, started;
        int scale;
        const char *name, *birth;
    } *rows = hb_arena_alloc(arena, sizeof(struct row) * MAX);
    int n = 0;
    int rc = hb_db_stmt(db, SQL_MINE, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, u->org_id);
        hb_stmt_int(st, 2, u->org_id);
        hb_stmt_int(st, 3, u->id);
        hb_stmt_text(st, 4, today);
        hb_stmt_text(st, 5, today);
        hb_stmt_int(st, 6, u->id);
        hb_stmt_int(st, 7, u->municipality_id ? u->municipality_id : -1);
        while (n < MAX && (rc = hb_stmt_step(st, err)) == 1) {
            rows[n].id = hb_stmt_col_int(st, 0);
            rows[n].name = hb_stmt_col_dup(st, 1, arena);
            rows[n].birth = hb_stmt_col_dup(st, 2, arena);
            rows[n].scale = (int)hb_stmt_col_int(st, 3);
            rows[n++].started = hb_stmt_col_int(st, 4);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_t *patients = json_array();
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)(n ? n : 1));
    int naudit = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        struct hb_patient_ref ref;
        const char *relation = NULL, *reason = NULL;
        if ((rc = hb_patient_ref(db, rows[i].id, &ref, err)) == 0)
            rc = hb_policy_check(db, u, &ref, arena, &relation, &reason, err);
        if (rc == HB_FORBIDDEN) {
            rc = 0;
            continue;
        }
        if (rc)
            break;
        json_t *trend = json_array(), *latest = NULL;
        int64_t last_at = 0, minutes = 0;
        if ((rc = hb_db_stmt(db, SQL_SCORES, &st, err)))
            break;
        hb_stmt_int(st, 1, rows[i].id);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            json_t *sc = score_json(st);
            if (!latest) {
                latest = json_incref(sc);
                last_at = hb_stmt_col_int(st, 1);
                minutes = hb_stmt_col_int(st, 11);
            }
            json_array_insert_new(trend, 0,
                                  json_pack("{s:O,s:O}", "total", json_object_get(sc, "total"),
                                            "atLocal", json_object_get(sc, "atLocal")));
            json_decref(sc);
        }
        hb_stmt_done(st);
        json_t *alerts = NULL;
        int unacked = 0;
        if (rc < 0 || (rc = alerts_json(db, rows[i].id, &alerts, &unacked, err))) {
            json_decref(trend);
            json_decref(latest);
            break;
        }
        int64_t due = hb__monitor_due(last_at, minutes, rows[i].started);
        char due_local[32];
        hb_time_no(due, due_local, sizeof(due_local));
        json_t *p = json_pack("{s:o,s:s,s:i,s:i,s:o,s:o,s:i,s:b,s:s}", "patientId",
                              json_sprintf("%lld", (long long)rows[i].id), "name", rows[i].name,
                              "age", hb_age(rows[i].birth), "scale", rows[i].scale, "trend", trend,
                              "alerts", alerts, "unacknowledged", unacked, "overdue", now > due,
                              "nextDueLocal", due_local);
        json_object_set_new(p, "latest", latest ? latest : json_null());
        json_array_append_new(patients, p);
        audits[naudit++] = (struct hb_audit){.patient_id = rows[i].id,
                                             .action = "search",
                                             .what = "Monitoring",
                                             .relation = relation,
                                             .reason = reason,
                                             .allowed = true};
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(patients);
        return rc;
    }
    /* Riskiest first: unacknowledged alerts, then any open alert, then the score, then overdue. */
    size_t np = json_array_size(patients);
    json_t **v = hb_arena_alloc(arena, sizeof(*v) * (np ? np : 1));
    for (size_t i = 0; i < np; i++)
        v[i] = json_incref(json_array_get(patients, i));
    for (size_t i = 1; i < np; i++) { /* insertion sort: at most a few hundred */
        json_t *x = v[i];
        size_t j = i;
        for (; j > 0; j--) {
            json_t *y = v[j - 1];
            long kx[4] = {
                json_integer_value(json_object_get(x, "unacknowledged")),
                (long)json_array_size(json_object_get(x, "alerts")),
                json_integer_value(json_object_get(json_object_get(x, "latest"), "total")),
                json_is_true(json_object_get(x, "overdue"))};
            long ky[4] = {
                json_integer_value(json_object_get(y, "unacknowledged")),
                (long)json_array_size(json_object_get(y, "alerts")),
                json_integer_value(json_object_get(json_object_get(y, "latest"), "total")),
                json_is_true(json_object_get(y, "overdue"))};
            int cmp = 0;
            for (int k = 0; k < 4 && !cmp; k++)
                cmp = kx[k] > ky[k] ? 1 : kx[k] < ky[k] ? -1 : 0;
            if (cmp <= 0)
                break;
            v[j] = y;
        }
        v[j] = x;
    }
    json_t *sorted = json_array();
    for (size_t i = 0; i < np; i++)
        json_array_append_new(sorted, v[i]);
    json_decref(patients);
    char at[32];
    hb_time_no(now, at, sizeof(at));
    *out = json_pack("{s:o,s:s}", "patients", sorted, "atLocal", at);
    return 0;
}

/* ---- one patient's chart ---- */
static const char SQL_SERIES[] =
    "SELECT kind, value, num, effective_at, source FROM observation WHERE patient_id = ?"
    " AND effective_at > ? AND kind IS NOT NULL ORDER BY effective_at LIMIT 5000";
static const char SQL_SCORES_SINCE[] =
    "SELECT id, at, total, rr, spo2, air, sbp, pulse, acvpu, temp, risk, monitor_minutes,"
    " scale FROM news2 WHERE patient_id = ? AND at > ? ORDER BY at LIMIT 2000";
static const char SQL_ALERTS_SINCE[] =
    "SELECT kind, detail, raised_at, status FROM alert WHERE patient_id = ? AND raised_at > ?"
    " ORDER BY raised_at";
static const char SQL_MONITORING[] =
    "SELECT m.active, m.scale, m.scale_at, su.name, m.thresholds, m.thresholds_at, tu.name"
    " FROM monitoring m LEFT JOIN app_user su ON su.id = m.scale_by"
    " LEFT JOIN app_user tu ON tu.id = m.thresholds_by WHERE m.patient_id = ?";

int hb_monitor_chart(struct hb_store *s, const struct hb_user *u, int64_t patient_id, int days,
                     struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_patient p;
    const char *relation;
    int rc = hb_patient_open(s, u, patient_id, "read", arena, &p, &relation, err);
    if (rc)
        return rc;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t since = hb_now_us() - (int64_t)days * 86400 * 1000000;
    json_t *series = json_object(), *scores = json_array(), *alerts = json_array();
    int nv;
    const struct hb_vital *vt = hb_vitals(&nv);
    for (int i = 0; i < nv; i++) {
        json_t *bands = json_array();
        if (vt[i].news2 >= 0 && vt[i].news2 != HB_NEWS2_AIR && vt[i].news2 != HB_NEWS2_ACVPU) {
            const struct hb_news2_band *b;
            int nb = hb_news2_bands((enum hb_news2_param)vt[i].news2, &b);
            for (int k = 0; k < nb; k++)
                json_array_append_new(
                    bands, json_pack("{s:I,s:i}", "upto",
                                     (json_int_t)(b[k].upto == INT64_MAX ? -1 : b[k].upto), "score",
                                     b[k].score));
        }
        json_object_set_new(series, vt[i].kind,
                            json_pack("{s:s,s:s,s:o,s:[]}", "label", vt[i].label, "unit",
                                      vt[i].unit, "bands", bands, "points"));
    }
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_SERIES, &st, err)) == 0) {
        hb_stmt_int(st, 1, patient_id);
        hb_stmt_int(st, 2, since);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            json_t *sr = json_object_get(series, hb_stmt_col(st, 0, NULL));
            if (!sr)
                continue;
            char at[32], iso[32];
            hb_time_no(hb_stmt_col_int(st, 3), at, sizeof(at));
            hb_time_iso(hb_stmt_col_int(st, 3), iso, sizeof(iso));
            json_array_append_new(json_object_get(sr, "points"),
                                  json_pack("{s:s,s:s,s:s,s:I,s:s}", "at", iso, "atLocal", at,
                                            "value", hb_stmt_col(st, 1, NULL), "num",
                                            (json_int_t)hb_stmt_col_int(st, 2), "source",
                                            hb_stmt_col(st, 4, NULL)));
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_SCORES_SINCE, &st, err)) == 0) {
        hb_stmt_int(st, 1, patient_id);
        hb_stmt_int(st, 2, since);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            json_t *sc = score_json(st);
            char iso[32];
            hb_time_iso(hb_stmt_col_int(st, 1), iso, sizeof(iso));
            json_object_set_new(sc, "at", json_string(iso));
            json_array_append_new(scores, sc);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_ALERTS_SINCE, &st, err)) == 0) {
        hb_stmt_int(st, 1, patient_id);
        hb_stmt_int(st, 2, since);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            char iso[32], at[32];
            hb_time_iso(hb_stmt_col_int(st, 2), iso, sizeof(iso));
            hb_time_no(hb_stmt_col_int(st, 2), at, sizeof(at));
            const char *kind = hb_stmt_col(st, 0, NULL);
            json_array_append_new(
                alerts, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", kind, "kindLabel",
                                  hb__monitor_alert_label(kind), "detail", hb_stmt_col(st, 1, NULL),
                                  "at", iso, "atLocal", at, "status", hb_stmt_col(st, 3, NULL)));
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_t *mon = json_null();
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_MONITORING, &st, err)) == 0) {
        hb_stmt_int(st, 1, patient_id);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            const char *th = hb_stmt_col(st, 4, NULL);
            json_t *tj = th ? json_loads(th, 0, NULL) : NULL;
            mon = json_pack("{s:b,s:I,s:o}", "active", hb_stmt_col_int(st, 0) != 0, "scale",
                            (json_int_t)hb_stmt_col_int(st, 1), "thresholds",
                            tj ? tj : json_object());
            if (hb_stmt_col_int(st, 2)) {
                char at[32];
                hb_time_no(hb_stmt_col_int(st, 2), at, sizeof(at));
                json_object_set_new(
                    mon, "scaleSet",
                    json_pack("{s:s,s:s}", "atLocal", at, "by", hb_stmt_col(st, 3, NULL)));
            }
            if (hb_stmt_col_int(st, 5)) {
                char at[32];
                hb_time_no(hb_stmt_col_int(st, 5), at, sizeof(at));
                json_object_set_new(
                    mon, "thresholdsSet",
                    json_pack("{s:s,s:s}", "atLocal", at, "by", hb_stmt_col(st, 6, NULL)));
            }
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc) {
        json_decref(series);
        json_decref(scores);
        json_decref(alerts);
        json_decref(mon);
        return rc;
    }
    *out = json_pack("{s:{s:o,s:s},s:o,s:o,s:o,s:o,s:s}", "patient", "id",
                     json_sprintf("%lld", (long long)patient_id), "name",
                     hb_arena_printf(arena, "%s %s", p.given, p.family), "series", series, "news2",
                     scores, "alerts", alerts, "monitoring", mon, "relation", relation);
    return 0;
}

/* ---- FHIR Observation ---- */
static const char SQL_OBS[] =
    "SELECT patient_id, code, value, unit, effective_at, source, user_id, created_at, kind"
    " FROM observation WHERE id = ?";
static const char SQL_NEWS2[] =
    "SELECT patient_id, at, total, rr, spo2, air, sbp, pulse, acvpu, temp, scale, sources,"
    " created_at FROM news2 WHERE id = ?";

static const char *const snomed_sub[HB_NEWS2__PARAMS][2] = {
    {"1104301000000104", "NEWS2 respiration rate score"},
    {"1104311000000102", "NEWS2 oxygen saturation scale 1 score"},
    {"1104331000000105", "NEWS2 air or oxygen score"},
    {"1104341000000101", "NEWS2 systolic blood pressure score"},
    {"1104351000000103", "NEWS2 pulse score"},
    {"1104361000000100", "NEWS2 consciousness score"},
    {"1104371000000107", "NEWS2 temperature score"},
};

static json_t *vital_category(void)
{
    return json_pack("[{s:[{s:s,s:s,s:s}]}]", "coding", "system",
                     "http://terminology.hl7.org/CodeSystem/observation-category", "code",
                     "vital-signs", "display", "Vital Signs");
}

int hb_monitor_observation_fhir(struct hb_db *db, int64_t id, char **json, int64_t *patient_id,
                                struct hb_error *err)
{
    struct hb_stmt *st;
    char idt[24], subject[48], eff[32], upd[32];
    snprintf(idt, sizeof(idt), "%lld", (long long)id);
    int rc = hb_db_stmt(db, SQL_OBS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    json_t *r = NULL;
    if ((rc = hb_stmt_step(st, err)) == 1) {
        *patient_id = hb_stmt_col_int(st, 0);
        snprintf(subject, sizeof(subject), "Patient/%lld", (long long)*patient_id);
        hb_time_iso(hb_stmt_col_int(st, 4), eff, sizeof(eff));
        hb_time_iso(hb_stmt_col_int(st, 7), upd, sizeof(upd));
        const struct hb_vital *v = hb_vital_by_code(hb_stmt_col(st, 1, NULL));
        const char *value = hb_stmt_col(st, 2, NULL);
        r = json_pack("{s:s,s:s,s:{s:s,s:s,s:[s]},s:s,s:o,s:{s:[{s:s,s:s,s:s}],s:s},s:{s:s},"
                      "s:s}",
                      "resourceType", "Observation", "id", idt, "meta", "versionId", "1",
                      "lastUpdated", upd, "profile",
                      "http://hl7.org/fhir/StructureDefinition/vitalsigns", "status", "final",
                      "category", vital_category(), "code", "coding", "system", "http://loinc.org",
                      "code", hb_stmt_col(st, 1, NULL), "display", v ? v->label : "", "text",
                      v ? v->label : "", "subject", "reference", subject, "effectiveDateTime", eff);
        if (v && strcmp(v->kind, "acvpu") == 0)
            json_object_set_new(r, "valueCodeableConcept",
                                json_pack("{s:[{s:s,s:s}]}", "coding", "system",
                                          "https://helsebro.no/fhir/CodeSystem/acvpu", "code",
                                          value));
        else
            json_object_set_new(r, "valueQuantity",
                                json_pack("{s:o,s:s,s:s,s:s}", "value", hb_json_number_new(value),
                                          "unit", hb_stmt_col(st, 3, NULL), "system",
                                          "http://unitsofmeasure.org", "code",
                                          hb_stmt_col(st, 3, NULL)));
        const char *source = hb_stmt_col(st, 5, NULL);
        if (hb_stmt_col_int(st, 6) && strcmp(source, "home") != 0)
            json_object_set_new(
                r, "performer",
                json_pack("[{s:o}]", "reference",
                          json_sprintf("Practitioner/%lld", (long long)hb_stmt_col_int(st, 6))));
        else if (strcmp(source, "home") == 0)
            json_object_set_new(r, "performer", json_pack("[{s:s}]", "reference", subject));
        /* The vital-signs profile covers the vital signs proper. */
        static const char *const profiled[] = {"rr",    "spo2",        "sbp",   "dbp",
                                               "pulse", "temperature", "weight"};
        bool in_profile = false;
        for (size_t k = 0; v && k < sizeof(profiled) / sizeof(profiled[0]); k++)
            in_profile |= strcmp(v->kind, profiled[k]) == 0;
        if (!in_profile)
            json_object_del(json_object_get(r, "meta"), "profile");
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!r) { /* a NEWS2 score? */
        if ((rc = hb_db_stmt(db, SQL_NEWS2, &st, err)))
            return rc;
        hb_stmt_int(st, 1, id);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            *patient_id = hb_stmt_col_int(st, 0);
            snprintf(subject, sizeof(subject), "Patient/%lld", (long long)*patient_id);
            hb_time_iso(hb_stmt_col_int(st, 1), eff, sizeof(eff));
            hb_time_iso(hb_stmt_col_int(st, 12), upd, sizeof(upd));
            json_t *comp = json_array(), *from = json_array();
            for (int i = 0; i < HB_NEWS2__PARAMS; i++) {
                const char *code = snomed_sub[i][0], *display = snomed_sub[i][1];
                if (i == HB_NEWS2_SPO2 && hb_stmt_col_int(st, 10) == 2) {
                    code = "1104321000000108";
                    display = "NEWS2 oxygen saturation scale 2 score";
                }
                json_array_append_new(
                    comp, json_pack("{s:{s:[{s:s,s:s,s:s}]},s:I}", "code", "coding", "system",
                                    "http://snomed.info/sct", "code", code, "display", display,
                                    "valueInteger", (json_int_t)hb_stmt_col_int(st, 3 + i)));
            }
            const char *src = hb_stmt_col(st, 11, NULL);
            for (const char *p = src; p && *p;) {
                size_t l = strcspn(p, ",");
                json_array_append_new(from, json_pack("{s:o}", "reference",
                                                      json_sprintf("Observation/%.*s", (int)l, p)));
                p += l + (p[l] == ',');
            }
            r = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:[{s:[{s:s,s:s,s:s}]}],s:{s:[{s:s,s:s,s:s}],"
                          "s:s},s:{s:s},s:s,s:I,s:o,s:o}",
                          "resourceType", "Observation", "id", idt, "meta", "versionId", "1",
                          "lastUpdated", upd, "status", "final", "category", "coding", "system",
                          "http://terminology.hl7.org/CodeSystem/observation-category", "code",
                          "survey", "display", "Survey", "code", "coding", "system",
                          "http://snomed.info/sct", "code", HB_SNOMED_NEWS2, "display",
                          "Royal College of Physicians NEWS2 (National Early Warning Score 2) "
                          "total score",
                          "text", "NEWS2", "subject", "reference", subject, "effectiveDateTime",
                          eff, "valueInteger", (json_int_t)hb_stmt_col_int(st, 2), "component",
                          comp, "derivedFrom", from);
        }
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
    }
    if (!r)
        return hb_fail(err, HB_NOT_FOUND, "id", "Observation/%lld finnes ikke", (long long)id);
    *json = hb_json_dumps_exact(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(r);
    return 0;
}

static const char SQL_OBS_SEARCH[] =
    "SELECT id FROM observation WHERE patient_id = ? AND kind IS NOT NULL"
    " AND (CAST(? AS TEXT) IS NULL OR code = ?)"
    " AND (CAST(? AS BIGINT) = 0 OR effective_at >= ?) AND (CAST(? AS BIGINT) = 0 OR effective_at "
    "< ?)"
    " AND (CAST(? AS BIGINT) = 0 OR created_at >= ?) AND (CAST(? AS BIGINT) = 0 OR created_at < ?)"
    " AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?";
static const char SQL_NEWS2_SEARCH[] =
    "SELECT id FROM news2 WHERE patient_id = ?"
    " AND (CAST(? AS BIGINT) = 0 OR at >= ?) AND (CAST(? AS BIGINT) = 0 OR at < ?)"
    " AND (CAST(? AS BIGINT) = 0 OR created_at >= ?) AND (CAST(? AS BIGINT) = 0 OR created_at < ?)"
    " AND (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?";

int hb_monitor_observation_search(struct hb_db *db, int64_t patient_id, const char *code,
                                  int64_t from, int64_t to, int64_t ufrom, int64_t uto,
                                  int64_t before, int64_t *ids, int max, int *n,
                                  struct hb_error *err)
{
    bool news2 = code && strcmp(code, HB_SNOMED_NEWS2) == 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, news2 ? SQL_NEWS2_SEARCH : SQL_OBS_SEARCH, &st, err);
    if (rc)
        return rc;
    int i = 1;
    hb_stmt_int(st, i++, patient_id);
    if (!news2) {
        hb_stmt_text(st, i++, code);
        hb_stmt_text(st, i++, code);
    }
    int64_t vals[5] = {from, to, ufrom, uto, before};
    for (int k = 0; k < 5; k++) {
        hb_stmt_int(st, i++, vals[k]);
        hb_stmt_int(st, i++, vals[k]);
    }
    hb_stmt_int(st, i, max);
    *n = 0;
    while (*n < max && (rc = hb_stmt_step(st, err)) == 1)
        ids[(*n)++] = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}
