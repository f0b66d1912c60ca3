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

enum { MAX_CHECKED = 2000, MAX_LIST = 100 };

static const char SQL_NAME[] =
    "SELECT p.given || ' ' || p.family, p.birth_date, COALESCE(m.name, '')"
    " FROM patient p LEFT JOIN org m ON m.id = p.municipality_id WHERE p.id = ?";
static const char SQL_IN_TEAM[] =
    "SELECT 1 FROM care_plan WHERE patient_id = ? AND status = 'active'";
/* The patients of the user's unit or organisation's units now or in the
 * last 30 days: those the stay relation may reach (policy.c). */
#define UNITS_HERE "s.unit_id IN (SELECT id FROM org WHERE id = ? OR parent_id = ?)"
static const char SQL_STAYS_HERE[] =
    "SELECT s.patient_id FROM stay s WHERE " UNITS_HERE " AND s.end_at IS NULL"
    " UNION SELECT s.patient_id FROM stay s WHERE " UNITS_HERE " AND s.end_at > ?";

static json_t *reasons(const struct hb_risk_ranked *r)
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

static int by_pos(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* The positions of the snapshot's rows the stay relation may reach, sorted. */
static int stays_here(struct hb_db *db, const struct hb_user *u, const struct hb_risk_snap *snap,
                      struct hb_arena *arena, int32_t **out, int *n, struct hb_error *err)
{
    *n = 0;
    *out = NULL;
    if ((u->role != HB_ROLE_HOSPITAL && u->role != HB_ROLE_MUNICIPAL) || !u->org_id)
        return 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAYS_HERE, &st, err);
    if (rc)
        return rc;
    for (int i = 1; i <= 4; i++)
        hb_stmt_int(st, i, u->org_id);
    hb_stmt_int(st, 5, hb_now_us() - 30LL * 86400 * 1000000);
    int cap = 0;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int32_t pos = hb_risk_snap_find(snap, hb_stmt_col_int(st, 0));
        if (pos < 0)
            continue;
        if (*n == cap) {
            int32_t *grown =
                hb_arena_alloc(arena, sizeof(*grown) * (size_t)(cap = cap ? cap * 2 : 64));
            if (*n)
                memcpy(grown, *out, sizeof(*grown) * (size_t)*n);
            *out = grown;
        }
        (*out)[(*n)++] = pos;
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (*n)
        qsort(*out, (size_t)*n, sizeof(**out), by_pos);
    return 0;
}

/* Sorted lists of positions merged: the next position after `last`, or -1. */
struct cand {
    const int32_t *p[3];
    int n[3], i[3];
};

static int32_t next_cand(struct cand *c, int32_t last)
{
    int32_t best = -1;
    for (int k = 0; k < 3; k++) {
        while (c->i[k] < c->n[k] && c->p[k][c->i[k]] <= last)
            c->i[k]++;
        if (c->i[k] < c->n[k] && (best < 0 || c->p[k][c->i[k]] < best))
            best = c->p[k][c->i[k]];
    }
    return best;
}

static int in_team(struct hb_db *db, int64_t patient, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_IN_TEAM, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, patient);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

static json_t *listed(struct hb_stmt *st, const struct hb_risk_ranked *r, const char *relation)
{
    struct hb_risk risk;
    hb_risk_score(&r->facts, &risk);
    json_t *parts = json_object();
    for (int k = 0; k < HB_RISK_NFACTORS; k++)
        json_object_set_new(parts, hb_risk_codes[k], json_integer(risk.part[k]));
    return json_pack("{s:o,s:s,s:i,s:s,s:i,s:o,s:o,s:s}", "patientId",
                     json_sprintf("%lld", (long long)r->patient_id), "name",
                     hb_stmt_col(st, 0, NULL), "age", r->facts.age, "municipality",
                     hb_stmt_col(st, 2, NULL), "score", risk.total, "points", parts, "reasons",
                     reasons(r), "relation", relation);
}

/* Lists from the snapshot the patients the user may reach: those of their
 * municipality (municipal staff), their list (a GP) and their unit's stays,
 * merged in rank order; each one policy-checked, then looked up now (a plan
 * made since the snapshot takes them off the list). */
static int list(struct hb_db *db, const struct hb_user *u, const struct hb_risk_snap *snap,
                int64_t limit, struct hb_arena *arena, json_t *out, struct hb_audit *audits,
                int *naudit, int *hidden, struct hb_error *err)
{
    struct cand c = {0};
    bool municipal = u->role == HB_ROLE_MUNICIPAL || u->role == HB_ROLE_ALLOCATION;
    if (municipal && u->municipality_id)
        c.n[0] = hb_risk_snap_muni(snap, u->municipality_id, &c.p[0]);
    if (u->role == HB_ROLE_GP)
        c.n[1] = hb_risk_snap_gp(snap, u->id, &c.p[1]);
    int32_t *here;
    int rc = stays_here(db, u, snap, arena, &here, &c.n[2], err);
    if (rc)
        return rc;
    c.p[2] = here;
    int checked = 0, in_teams = 0;
    int32_t pos = -1, last_listed = -1;
    while (*naudit < limit && checked < MAX_CHECKED && (pos = next_cand(&c, pos)) >= 0) {
        const struct hb_risk_ranked *r = &snap->rows[pos];
        checked++;
        if ((rc = in_team(db, r->patient_id, err)) < 0)
            return rc;
        if (rc == 1) {
            in_teams++;
            continue;
        }
        struct hb_patient_ref ref = {.id = r->patient_id,
                                     .municipality_id = r->municipality_id,
                                     .gp_user_id = r->gp_user_id};
        const char *relation = NULL, *reason = NULL;
        rc = hb_policy_check(db, u, &ref, arena, &relation, &reason, err);
        if (rc == HB_FORBIDDEN)
            continue;
        if (rc)
            return rc;
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_NAME, &st, err)))
            return rc;
        hb_stmt_int(st, 1, r->patient_id);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            json_array_append_new(out, listed(st, r, relation));
            audits[(*naudit)++] = (struct hb_audit){.patient_id = r->patient_id,
                                                    .action = "search",
                                                    .what = "HighUsers",
                                                    .relation = relation,
                                                    .reason = reason,
                                                    .allowed = true};
            last_listed = pos;
        }
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
    }
    /* Ranked as high or higher than the last one shown (all of them when the
     * list is not full), and not shown: no relation. In a team since: left out. */
    int end = *naudit == limit ? last_listed + 1 : snap->n;
    *hidden = end - *naudit - in_teams;
    if (*hidden < 0)
        *hidden = 0;
    return 0;
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
    const struct hb_risk_snap *snap = hb_risk_live_get(s, err);
    if (!snap)
        return HB_UNAVAILABLE;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        hb_risk_live_release(snap);
        return HB_UNAVAILABLE;
    }
    struct hb_arena *arena = hb_req_arena(req);
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)limit);
    int naudit = 0, hidden = 0, scored = snap->scored;
    int64_t at = snap->at_us;
    json_t *patients = json_array();
    int rc = list(db, u, snap, limit, arena, patients, audits, &naudit, &hidden, err);
    hb_store_release(s, db);
    hb_risk_live_release(snap);
    if (rc == 0 && naudit)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(patients);
        return rc;
    }
    json_t *factors = json_array();
    for (int k = 0; k < HB_RISK_NFACTORS; k++)
        json_array_append_new(
            factors, json_pack("{s:s,s:s}", "code", hb_risk_codes[k], "label", hb_risk_labels[k]));
    char when[40];
    hb_time_iso(at, when, sizeof(when));
    hb_resp_json(req, 200,
                 json_pack("{s:o,s:o,s:i,s:i,s:s}", "factors", factors, "patients", patients,
                           "withoutRelation", hidden, "scored", scored, "computedAt", when));
    return 0;
}
