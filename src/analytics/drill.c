/* analytics: GET /api/indicators/stays: the stays behind a number (a stay
 * indicator, a municipality, a period): the stays of the municipality's
 * residents in that kind of unit overlapping the period. Only patients the
 * user has a relation to are listed, each one audited; the others are
 * counted, never named. */
#include "analytics_api.h"

#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "an_int.h"
#include "indicator.h"

#include "../core/banned.h"

enum { MAX_STAYS = 500 };

static const char SQL_STAYS[] =
    "SELECT s.id, s.patient_id, p.given || ' ' || p.family, p.birth_date,"
    " COALESCE(p.municipality_id, 0), COALESCE(p.gp_user_id, 0), o.name, s.start_at, s.end_at,"
    " s.discharge_to, s.source FROM stay s JOIN patient p ON p.id = s.patient_id"
    " JOIN org o ON o.id = s.unit_id JOIN org m ON m.id = p.municipality_id"
    " WHERE m.kommunenummer = ? AND o.unit_type = ? AND s.start_at < ?"
    " AND (s.end_at IS NULL OR s.end_at > ?) ORDER BY s.start_at, s.id LIMIT 500";

static const char *unit_type_of(const struct hb_indicator *ind)
{
    if (!strcmp(ind->group, "KAD") && strcmp(ind->code, "kad_beds_per_7000"))
        return "kad";
    if (!strcmp(ind->group, "Sykestue"))
        return "sykestue";
    if (!strcmp(ind->group, "Sykehus"))
        return "hospital-ward";
    return NULL;
}

int hb_api_indicator_stays(struct hb_request *req, struct hb_error *err)
{
    const struct hb_indicator *ind = hb_indicator_find(hb_req_query(req, "indicator"));
    const char *nr = hb_req_query(req, "municipality"), *per = hb_req_query(req, "period");
    struct hb_an_period p;
    if (!ind)
        return hb_fail(err, HB_INVALID, "indicator", "Ukjent indikator");
    const char *unit_type = unit_type_of(ind);
    if (!unit_type)
        return hb_fail(err, HB_INVALID, "indicator",
                       "«%s» bygger ikke på opphold; det er ingen opphold å vise", ind->name);
    if (!nr || strlen(nr) != 4 || strspn(nr, "0123456789") != 4)
        return hb_fail(err, HB_INVALID, "municipality", "Oppgi kommunenummer (fire siffer)");
    if (!per || hb_an_period_parse(per, &p))
        return hb_fail(err, HB_INVALID, "period",
                       "Ugyldig periode: bruk år (2026), kvartal (2026-Q3) eller måned (2026-09)");
    int64_t from, to;
    hb_an_period_span(&p, &from, &to);
    const struct hb_user *u = hb_app_user(req);
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAYS, &st, err);
    if (rc) {
        hb_store_release(s, db);
        return rc;
    }
    hb_stmt_text(st, 1, nr);
    hb_stmt_text(st, 2, unit_type);
    hb_stmt_int(st, 3, hb_local_minutes_us(to));
    hb_stmt_int(st, 4, hb_local_minutes_us(from));
    struct hb_arena *a = hb_req_arena(req);
    struct hb_audit *audits = hb_arena_alloc(a, sizeof(*audits) * MAX_STAYS);
    struct hb_patient_ref *refs = hb_arena_alloc(a, sizeof(*refs) * MAX_STAYS);
    json_t *rows = json_array();
    int total = 0;
    /* First the rows, then the policy (its own statements) for each. */
    while (total < MAX_STAYS && (rc = hb_stmt_step(st, err)) == 1) {
        refs[total++] = (struct hb_patient_ref){.id = hb_stmt_col_int(st, 1),
                                                .municipality_id = hb_stmt_col_int(st, 4),
                                                .gp_user_id = hb_stmt_col_int(st, 5)};
        char start[32], end[32] = "";
        hb_time_no(hb_stmt_col_int(st, 7), start, sizeof(start));
        bool open = !hb_stmt_col(st, 8, NULL);
        if (!open)
            hb_time_no(hb_stmt_col_int(st, 8), end, sizeof(end));
        int64_t stop = open ? hb_now_us() : hb_stmt_col_int(st, 8);
        double days = (double)(stop - hb_stmt_col_int(st, 7)) / (86400.0 * 1000000);
        json_t *row = json_pack(
            "{s:o,s:o,s:s,s:s,s:s,s:s,s:f,s:b}", "stayId",
            json_sprintf("%lld", (long long)hb_stmt_col_int(st, 0)), "patientId",
            json_sprintf("%lld", (long long)refs[total - 1].id), "name", hb_stmt_col(st, 2, NULL),
            "birthDate", hb_stmt_col(st, 3, NULL), "unit", hb_stmt_col(st, 6, NULL), "start", start,
            "days", (double)(int64_t)(days * 10 + 0.5) / 10, "open", open);
        if (!open)
            json_object_set_new(row, "end", json_string(end));
        const char *to_s = hb_stmt_col(st, 9, NULL), *src = hb_stmt_col(st, 10, NULL);
        if (to_s)
            json_object_set_new(row, "dischargeTo", json_string(to_s));
        if (src)
            json_object_set_new(row, "source", json_string(src));
        json_array_append_new(rows, row);
    }
    hb_stmt_done(st);
    json_t *list = json_array();
    int naudit = 0, hidden = 0;
    for (int i = 0; rc >= 0 && i < total; i++) {
        const char *relation = NULL, *reason = NULL;
        int allowed = hb_policy_check(db, u, &refs[i], a, &relation, &reason, err);
        if (allowed == HB_FORBIDDEN) {
            hidden++;
            continue;
        }
        if (allowed) {
            rc = allowed;
            break;
        }
        json_t *row = json_array_get(rows, (size_t)i);
        json_object_set_new(row, "relation", json_string(relation));
        json_array_append(list, row);
        audits[naudit++] = (struct hb_audit){.patient_id = refs[i].id,
                                             .action = "search",
                                             .what = "IndicatorStays",
                                             .relation = relation,
                                             .reason = reason,
                                             .allowed = true};
    }
    json_decref(rows);
    hb_store_release(s, db);
    if (rc >= 0 && naudit)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    char period[16];
    hb_an_period_text(&p, period, sizeof(period));
    hb_resp_json(req, 200,
                 json_pack("{s:s,s:s,s:s,s:o,s:i,s:i,s:b}", "indicator", ind->code, "municipality",
                           nr, "period", period, "stays", list, "withoutRelation", hidden, "total",
                           total, "truncated", total == MAX_STAYS));
    return 0;
}
