/* The access policy ("tjenstlig behov"): a user reaches a patient's data only
 * through a relation. Each relation is one row in the table below; later
 * modules (care teams, discharge-ready notices) add theirs here. */
#include <stdio.h>
#include <string.h>

#include "auth.h"

#include "../core/banned.h"

struct relation_ctx {
    struct hb_db *db;
    const struct hb_user *u;
    const struct hb_patient_ref *p;
    int64_t now;
};

/* Each returns 1 when the relation holds, 0 when not, <0 on a database error. */
typedef int (*relation_fn)(struct relation_ctx *c, struct hb_error *err);

static int rel_self(struct relation_ctx *c, struct hb_error *err)
{
    (void)err;
    return c->u->role == HB_ROLE_PATIENT && c->u->patient_id == c->p->id;
}

static int rel_municipality(struct relation_ctx *c, struct hb_error *err)
{
    (void)err;
    bool staff = c->u->role == HB_ROLE_MUNICIPAL || c->u->role == HB_ROLE_ALLOCATION;
    return staff && c->u->municipality_id && c->u->municipality_id == c->p->municipality_id;
}

static int rel_gp(struct relation_ctx *c, struct hb_error *err)
{
    (void)err;
    return c->u->role == HB_ROLE_GP && c->p->gp_user_id == c->u->id;
}

/* A current stay, or one ended within the last 30 days, in the user's unit or in
 * a unit of the user's organisation. */
static const char SQL_STAY_REL[] =
    "SELECT 1 FROM stay s JOIN org u ON u.id = s.unit_id"
    " WHERE s.patient_id = ? AND (s.end_at IS NULL OR s.end_at > ?)"
    " AND (u.id = ? OR u.parent_id = ?) LIMIT 1";

static int rel_stay(struct relation_ctx *c, struct hb_error *err)
{
    if (c->u->role != HB_ROLE_HOSPITAL && c->u->role != HB_ROLE_MUNICIPAL)
        return 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(c->db, SQL_STAY_REL, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, c->p->id);
    hb_stmt_int(st, 2, c->now - 30LL * 86400 * 1000000);
    hb_stmt_int(st, 3, c->u->org_id);
    hb_stmt_int(st, 4, c->u->org_id);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

/* An open discharge-ready case sent to the user's municipality. */
static const char SQL_DISCHARGE_REL[] =
    "SELECT 1 FROM discharge_case WHERE patient_id = ? AND municipality_id = ?"
    " AND status <> 'closed' LIMIT 1";

static int rel_discharge(struct relation_ctx *c, struct hb_error *err)
{
    if ((c->u->role != HB_ROLE_ALLOCATION && c->u->role != HB_ROLE_MUNICIPAL) ||
        !c->u->municipality_id)
        return 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(c->db, SQL_DISCHARGE_REL, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, c->p->id);
    hb_stmt_int(st, 2, c->u->municipality_id);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

static const struct {
    const char *name;
    relation_fn fn;
} relations[] = {
    {"self", rel_self},
    {"municipality", rel_municipality},
    {"gp", rel_gp},
    {"stay", rel_stay},
    {"discharge-notice", rel_discharge},
};

static const char SQL_EMERGENCY_GET[] =
    "SELECT reason FROM emergency_access WHERE user_id = ? AND patient_id = ?"
    " AND expires_at > ? ORDER BY expires_at DESC LIMIT 1";

int hb_policy_check(struct hb_db *db, const struct hb_user *u, const struct hb_patient_ref *p,
                    struct hb_arena *arena, const char **relation, const char **reason,
                    struct hb_error *err)
{
    struct relation_ctx c = {.db = db, .u = u, .p = p, .now = hb_now_us()};
    *relation = NULL;
    *reason = NULL;
    for (size_t i = 0; i < sizeof(relations) / sizeof(relations[0]); i++) {
        int rc = relations[i].fn(&c, err);
        if (rc < 0)
            return rc;
        if (rc) {
            *relation = relations[i].name;
            return 0;
        }
    }
    if (u->role != HB_ROLE_PATIENT && u->role != HB_ROLE_ANALYST) {
        struct hb_stmt *st;
        int rc = hb_db_stmt(db, SQL_EMERGENCY_GET, &st, err);
        if (rc)
            return rc;
        hb_stmt_int(st, 1, u->id);
        hb_stmt_int(st, 2, p->id);
        hb_stmt_int(st, 3, c.now);
        rc = hb_stmt_step(st, err);
        if (rc == 1) {
            *relation = "emergency";
            *reason = hb_arena_strdup(arena, hb_stmt_col(st, 0, NULL));
        }
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
        if (rc == 1)
            return 0;
    }
    return hb_fail(err, HB_FORBIDDEN, NULL,
                   "Du har ingen tjenstlig relasjon til denne pasienten. Bruk nødtilgang med "
                   "begrunnelse hvis det er nødvendig.");
}

static const char SQL_EMERGENCY_ADD[] =
    "INSERT INTO emergency_access (id, user_id, patient_id, reason, at, expires_at)"
    " SELECT ?, ?, id, ?, ?, ? FROM patient WHERE id = ?";
static const char SQL_EMERGENCY_HAS[] = "SELECT 1 FROM emergency_access WHERE id = ?";

struct emergency {
    const struct hb_user *u;
    int64_t patient_id;
    const char *reason;
};

static int emergency_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct emergency *e = arg;
    struct hb_stmt *st;
    int64_t id = hb_id_new(), now = hb_now_us();
    int rc = hb_db_stmt(db, SQL_EMERGENCY_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, e->u->id);
    hb_stmt_text(st, 3, e->reason);
    hb_stmt_int(st, 4, now);
    hb_stmt_int(st, 5, now + HB_EMERGENCY_US);
    hb_stmt_int(st, 6, e->patient_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    if ((rc = hb_db_stmt(db, SQL_EMERGENCY_HAS, &st, err)))
        return rc;
    hb_stmt_int(st, 1, id);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    if (rc <= 0)
        return rc < 0 ? rc : hb_fail(err, HB_NOT_FOUND, NULL, "Pasienten finnes ikke");
    char what[48];
    snprintf(what, sizeof(what), "Patient/%lld", (long long)e->patient_id);
    struct hb_audit a = {.patient_id = e->patient_id, .action = "emergency", .what = what,
                         .relation = "emergency", .reason = e->reason, .allowed = true};
    return hb_audit_add(db, e->u, &a, err);
}

int hb_policy_emergency(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                        const char *reason, struct hb_error *err)
{
    if (u->role == HB_ROLE_PATIENT || u->role == HB_ROLE_ANALYST)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Rollen din kan ikke bruke nødtilgang");
    size_t n = reason ? strlen(reason) : 0;
    if (n < 10 || n > 1000)
        return hb_fail(err, HB_INVALID, "reason",
                       "Skriv en begrunnelse på 10-1000 tegn for nødtilgangen");
    struct emergency e = {.u = u, .patient_id = patient_id, .reason = reason};
    return hb_store_write(s, emergency_tx, &e, err);
}
