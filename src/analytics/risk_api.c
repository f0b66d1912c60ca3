/* analytics: GET /api/high-users: for team leaders, the patients not yet in a
 * team (no active shared care plan) ranked by the risk score, each with the
 * points of every factor and the reasons in words. Only patients the user
 * has a relation to are listed, and each one listed is audited. */
#include "analytics_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "risk.h"

#include "../core/banned.h"

enum { MAX_CHECKED = 5000, MAX_LIST = 100 };

static const char SQL_NAME[] =
    "SELECT p.given || ' ' || p.family, p.birth_date, COALESCE(m.name, '')"
    " FROM patient p LEFT JOIN org m ON m.id = p.municipality_id WHERE p.id = ?";

static json_t *reasons(const struct hb_risk_row *r)
{
    json_t *out = json_array();
    const struct hb_risk_facts *f = &r->facts;
    if (f->admissions)
        json_array_append_new(out, json_sprintf("%d innleggelse%s i sykehus", f->admissions,
                                                f->admissions == 1 ? "" : "r"));
    if (f->emergency)
        json_array_append_new(out, json_sprintf("%d som øyeblikkelig hjelp", f->emergency));
    if (f->bed_days >= 1)
        json_array_append_new(out, json_sprintf("%d liggedøgn", (int)f->bed_days));
    if (f->discharge_ready)
        json_array_append_new(out, json_sprintf("%d gang%s utskrivningsklar", f->discharge_ready,
                                                f->discharge_ready == 1 ? "" : "er"));
    if (f->priority_group)
        json_array_append_new(out, json_string("i en prioritert gruppe"));
    if (f->age >= 67)
        json_array_append_new(out, json_sprintf("%d år", f->age));
    if (f->alerts)
        json_array_append_new(out, json_sprintf("%d varsel%s fra hjemmeoppfølging", f->alerts,
                                                f->alerts == 1 ? "" : "er"));
    return out;
}

int hb_api_high_users(struct hb_request *req, struct hb_error *err)
{
    const struct hb_user *u = hb_app_user(req);
    const char *lim = hb_req_query(req, "limit");
    int64_t limit = 25;
    if (lim && hb_parse_i64(lim, strlen(lim), 1, MAX_LIST, &limit))
        return hb_fail(err, HB_INVALID, "limit", "limit må være et helt tall fra 1 til %d",
                       MAX_LIST);
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_risk_row *rows = NULL;
    int n = 0;
    int rc = hb_risk_compute(db, hb_now_us(), false, &rows, &n, NULL, err);
    struct hb_arena *arena = hb_req_arena(req);
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)limit);
    int naudit = 0, checked = 0, hidden = 0;
    json_t *list = json_array();
    for (int i = 0; rc == 0 && i < n && naudit < limit && checked < MAX_CHECKED; i++) {
        const struct hb_risk_row *r = &rows[i];
        if (r->in_team || r->risk.total == 0)
            continue;
        checked++;
        struct hb_patient_ref ref = {.id = r->patient_id,
                                     .municipality_id = r->municipality_id,
                                     .gp_user_id = r->gp_user_id};
        const char *relation = NULL, *reason = NULL;
        rc = hb_policy_check(db, u, &ref, arena, &relation, &reason, err);
        if (rc == HB_FORBIDDEN) {
            rc = 0;
            hidden++;
            continue;
        }
        if (rc)
            break;
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_NAME, &st, err)))
            break;
        hb_stmt_int(st, 1, r->patient_id);
        json_t *parts = json_object();
        for (int k = 0; k < HB_RISK_NFACTORS; k++)
            json_object_set_new(parts, hb_risk_codes[k], json_integer(r->risk.part[k]));
        if ((rc = hb_stmt_step(st, err)) == 1) {
            json_array_append_new(
                list, json_pack("{s:o,s:s,s:i,s:s,s:i,s:o,s:o,s:s}", "patientId",
                                json_sprintf("%lld", (long long)r->patient_id), "name",
                                hb_stmt_col(st, 0, NULL), "age", r->facts.age, "municipality",
                                hb_stmt_col(st, 2, NULL), "score", r->risk.total, "points", parts,
                                "reasons", reasons(r), "relation", relation));
            audits[naudit++] = (struct hb_audit){.patient_id = r->patient_id,
                                                 .action = "search",
                                                 .what = "HighUsers",
                                                 .relation = relation,
                                                 .reason = reason,
                                                 .allowed = true};
            rc = 0;
        } else {
            json_decref(parts);
        }
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    free(rows);
    if (rc == 0 && naudit)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(list);
        return rc;
    }
    json_t *factors = json_array();
    for (int k = 0; k < HB_RISK_NFACTORS; k++)
        json_array_append_new(
            factors, json_pack("{s:s,s:s}", "code", hb_risk_codes[k], "label", hb_risk_labels[k]));
    hb_resp_json(req, 200,
                 json_pack("{s:o,s:o,s:i,s:i}", "factors", factors, "patients", list,
                           "withoutRelation", hidden, "scored", n));
    return 0;
}
