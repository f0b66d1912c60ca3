/* The access policy ("tjenstlig behov"): a user reaches a patient's data only
 * through a relation. Each relation is one row in the table below; a module
 * whose data makes a relation (stays, discharge-ready notices, care teams,
 * questions to a specialist, co-consultations) adds its row here. Relatives
 * have none: what they see is the patient's consent, checked by careplan. */
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

/* Runs a relation query whose parameters are the patient, the user and, when
 * since is not 0, a time; 1 when it finds a row. */
static int rel_query(struct relation_ctx *c, const char *sql, int64_t since,
                     struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(c->db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, c->p->id);
    hb_stmt_int(st, 2, c->u->id);
    if (since)
        hb_stmt_int(st, 3, since);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

static bool clinical_staff(const struct hb_user *u)
{
    return u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_MUNICIPAL || u->role == HB_ROLE_GP;
}

/* A member today of the team that owns the patient's active plan, or of the
 * standing team that team belongs to. Days compare as "YYYY-MM-DD" text. */
static const char SQL_TEAM_REL[] =
    "SELECT 1 FROM care_plan p JOIN care_team t ON t.id = p.team_id"
    " JOIN care_member m ON m.team_id = t.id OR m.team_id = t.parent_id"
    " WHERE p.patient_id = ? AND p.status = 'active' AND m.user_id = ?"
    " AND m.from_day <= ? AND (m.to_day IS NULL OR m.to_day >= ?) LIMIT 1";

static int rel_team(struct relation_ctx *c, struct hb_error *err)
{
    if (!clinical_staff(c->u))
        return 0;
    char today[16];
    hb_local_date(c->now, today, sizeof(today));
    struct hb_stmt *st;
    int rc = hb_db_stmt(c->db, SQL_TEAM_REL, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, c->p->id);
    hb_stmt_int(st, 2, c->u->id);
    hb_stmt_text(st, 3, today);
    hb_stmt_text(st, 4, today);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

/* An open "ask the specialist" question about the patient addressed to the
 * user's organisation or the organisation it belongs to. */
static const char SQL_ADVICE_REL[] =
    "SELECT 1 FROM care_message m, app_user u JOIN org o ON o.id = u.org_id"
    " WHERE m.patient_id = ? AND u.id = ? AND m.kind = 'question'"
    " AND m.status = 'in-progress' AND (m.to_org_id = o.id OR m.to_org_id = o.parent_id)"
    " LIMIT 1";

static int rel_advice(struct relation_ctx *c, struct hb_error *err)
{
    if (c->u->role != HB_ROLE_HOSPITAL)
        return 0;
    return rel_query(c, SQL_ADVICE_REL, 0, err);
}

/* Invited to a co-consultation about the patient that is coming or was held
 * within the last week. */
static const char SQL_CONSULT_REL[] =
    "SELECT 1 FROM consultation c JOIN consultation_participant p ON p.consultation_id = c.id"
    " WHERE c.patient_id = ? AND p.user_id = ? AND c.status <> 'cancelled'"
    " AND c.start_at > ? LIMIT 1";

static int rel_consult(struct relation_ctx *c, struct hb_error *err)
{
    if (!clinical_staff(c->u))
        return 0;
    return rel_query(c, SQL_CONSULT_REL, c->now - 7LL * 86400 * 1000000, err);
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
    {"care-team", rel_team},
    {"advice-request", rel_advice},
    {"co-consultation", rel_consult},
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
    if (u->role != HB_ROLE_PATIENT && u->role != HB_ROLE_ANALYST && u->role != HB_ROLE_RELATIVE) {
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
    if (u->role == HB_ROLE_PATIENT || u->role == HB_ROLE_ANALYST || u->role == HB_ROLE_RELATIVE)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Rollen din kan ikke bruke nødtilgang");
    size_t n = reason ? strlen(reason) : 0;
    if (n < 10 || n > 1000)
        return hb_fail(err, HB_INVALID, "reason",
                       "Skriv en begrunnelse på 10-1000 tegn for nødtilgangen");
    struct emergency e = {.u = u, .patient_id = patient_id, .reason = reason};
    return hb_store_write(s, emergency_tx, &e, err);
}
