/* careplan: care teams: standing teams and their members, the members of a
 * patient's micro-team, and the teams overview for team leaders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

static const char *const standing_kinds[] = {"psht", "fact", "home-care", NULL};

struct team {
    int64_t id, org_id, patient_id, plan_id;
    const char *kind, *status;
};

static const char SQL_TEAM_GET[] =
    "SELECT t.id, t.org_id, COALESCE(t.patient_id, 0), t.kind, t.status,"
    " COALESCE((SELECT p.id FROM care_plan p WHERE p.team_id = t.id AND p.status = 'active'), 0)"
    " FROM care_team t WHERE t.id = ?";

static int team_get(struct hb_db *db, int64_t id, struct hb_arena *a, struct team *t,
                    struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_TEAM_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    if ((rc = hb_stmt_step(st, err)) == 1) {
        t->id = hb_stmt_col_int(st, 0);
        t->org_id = hb_stmt_col_int(st, 1);
        t->patient_id = hb_stmt_col_int(st, 2);
        t->kind = hb_stmt_col_dup(st, 3, a);
        t->status = hb_stmt_col_dup(st, 4, a);
        t->plan_id = hb_stmt_col_int(st, 5);
    }
    hb_stmt_done(st);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Teamet finnes ikke");
    return rc < 0 ? rc : 0;
}

/* May u change team t's membership? A micro-team: a staff member of the
 * patient's plan (acc and plan filled for the audit). A standing team: a
 * member, staff of the organisation that runs it, or an administrator. */
static int may_manage(struct hb_db *db, struct hb__tx *tx, const struct team *t, struct hb_arena *a,
                      struct hb__plan *plan, struct hb__access *acc, struct hb_error *err)
{
    memset(acc, 0, sizeof(*acc));
    if (t->patient_id) {
        if (!t->plan_id)
            return hb_fail(err, HB_CONFLICT, "teamId", "Planen til teamet er avsluttet");
        int rc = hb__care_open(db, tx, t->plan_id, a, plan, acc, err);
        return rc ? rc : hb__care_need_member(acc, err);
    }
    const struct hb_user *u = tx->u;
    bool member = false;
    int rc = hb__care_member_today(db, t->id, u->id, &member, err);
    if (rc)
        return rc;
    bool clinical =
        u->role == HB_ROLE_GP || u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_MUNICIPAL;
    if (member || u->role == HB_ROLE_ADMIN || (clinical && u->org_id == t->org_id))
        return 0;
    return hb_fail(err, HB_FORBIDDEN, NULL,
                   "Bare teamets medlemmer og organisasjonen som driver det kan endre det");
}

static const char SQL_TEAM_BUMP[] =
    "UPDATE care_team SET version = version + 1, updated_at = ? WHERE id = ?";

/* After a membership change: the team's new version, the plan's history and
 * the audit record (micro-teams are patient data). */
static int team_changed(struct hb_db *db, const struct hb_user *u, const struct team *t,
                        const struct hb__access *acc, const char *summary, struct hb_arena *a,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_TEAM_BUMP, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_now_us());
    hb_stmt_int(st, 2, t->id);
    if ((rc = hb_stmt_run(st, err)) < 0 ||
        (rc = hb__care_commit(db, HB_CARE_TEAM, t->id, u->id, "update", err)))
        return rc;
    if (!t->patient_id)
        return 0;
    static const char SQL_VERSION[] = "SELECT version FROM care_team WHERE id = ?";
    int64_t version = 0;
    if ((rc = hb_db_stmt(db, SQL_VERSION, &st, err)))
        return rc;
    hb_stmt_int(st, 1, t->id);
    if ((rc = hb_stmt_step(st, err)) == 1)
        version = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0 || (rc = hb__care_event(db, t->plan_id, u->id, "CareTeam", t->id, (int)version,
                                       "members", summary, err)))
        return rc;
    return hb__care_audit(db, u, t->patient_id, "update",
                          hb_arena_printf(a, "CareTeam/%lld", (long long)t->id), acc, err);
}

/* ---- members ---- */
static const char SQL_USER[] = "SELECT name, org_id, role FROM app_user WHERE id = ?";
static const char SQL_ORG[] = "SELECT 1 FROM org WHERE id = ?";
static const char SQL_ALREADY[] = "SELECT 1 FROM care_member WHERE team_id = ? AND user_id = ?"
                                  " AND (to_day IS NULL OR to_day >= ?)";

struct member_tx {
    struct hb__tx tx;
    int64_t team_id, member_id;
    json_t *in;
};

static int member_add_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct member_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct team t;
    struct hb__plan plan;
    struct hb__access acc;
    const char *name = NULL, *role = NULL, *contact = NULL, *from = NULL, *to = NULL;
    int64_t user_id = 0, org_id = 0;
    char today[16];
    hb__care_today(today);
    int rc = team_get(db, x->team_id, a, &t, err);
    if (rc == 0)
        rc = may_manage(db, &x->tx, &t, a, &plan, &acc, err);
    if (rc || (rc = hb__in_id(x->in, "userId", &user_id, err)) ||
        (rc = hb__in_str(x->in, "name", 200, &name, err)) ||
        (rc = hb__in_str(x->in, "role", 40, &role, err)) ||
        (rc = hb__in_id(x->in, "orgId", &org_id, err)) ||
        (rc = hb__in_str(x->in, "contact", 200, &contact, err)) ||
        (rc = hb__in_day(x->in, "from", &from, err)) || (rc = hb__in_day(x->in, "to", &to, err)))
        goto out;
    if (!role || !hb__care_role_label(role)) {
        rc = hb_fail(err, HB_INVALID, "role",
                     "Velg en rolle: gp, specialist, nurse, home-care-nurse, physiotherapist, "
                     "occupational-therapist, psychologist, social-worker, pharmacist, "
                     "relative, patient eller other");
        goto out;
    }
    if (user_id) {
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_USER, &st, err)))
            goto out;
        hb_stmt_int(st, 1, user_id);
        const char *urole = NULL;
        if ((rc = hb_stmt_step(st, err)) == 1) {
            if (!name || !*name)
                name = hb_stmt_col_dup(st, 0, a);
            if (!org_id)
                org_id = hb_stmt_col_int(st, 1);
            urole = hb_stmt_col_dup(st, 2, a);
        }
        hb_stmt_done(st);
        if (rc < 0)
            goto out;
        if (!urole) {
            rc = hb_fail(err, HB_INVALID, "userId", "Ukjent bruker");
            goto out;
        }
        bool person = strcmp(urole, "patient") == 0 || strcmp(urole, "relative") == 0;
        if (person && strcmp(urole, role) != 0) {
            rc = hb_fail(err, HB_INVALID, "role", "Brukeren er %s og kan bare ha den rollen",
                         strcmp(urole, "patient") == 0 ? "pasient" : "pårørende");
            goto out;
        }
        if (person) /* a relative or patient belongs to no organisation here */
            org_id = 0;
        if ((rc = hb_db_stmt(db, SQL_ALREADY, &st, err)))
            goto out;
        hb_stmt_int(st, 1, t.id);
        hb_stmt_int(st, 2, user_id);
        hb_stmt_text(st, 3, today);
        rc = hb_stmt_step(st, err);
        hb_stmt_done(st);
        if (rc) {
            rc = rc < 0 ? rc
                        : hb_fail(err, HB_CONFLICT, "userId", "Personen er allerede med i teamet");
            goto out;
        }
    }
    if (!name || !*name) {
        rc = hb_fail(err, HB_INVALID, "name", "Skriv navnet på den som blir med i teamet");
        goto out;
    }
    if (org_id) {
        int found = hb_db_one(db, SQL_ORG, org_id, NULL, NULL, err);
        if (found <= 0) {
            rc = found < 0 ? found : hb_fail(err, HB_INVALID, "orgId", "Ukjent organisasjon");
            goto out;
        }
    }
    if (!from || !*from)
        from = today;
    if (to && *to && strcmp(to, from) < 0) {
        rc = hb_fail(err, HB_INVALID, "to", "Sluttdatoen kan ikke være før startdatoen");
        goto out;
    }
    x->member_id = hb_id_new();
    if ((rc = hb__care_member_insert(db, x->member_id, t.id, user_id, name, role, org_id, contact,
                                     from, to, err)))
        goto out;
    rc = team_changed(db, x->tx.u, &t, &acc,
                      hb_arena_printf(a, "Ny i teamet: %s (%s)", name, hb__care_role_label(role)),
                      a, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_member_add(struct hb_store *s, const struct hb_user *u, int64_t team_id, json_t *in,
                       int64_t *id, struct hb_error *err)
{
    struct member_tx x = {.tx = {.u = u}, .team_id = team_id, .in = in};
    int rc = hb__care_write(s, member_add_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.member_id;
    return rc;
}

static const char SQL_MEMBER_GET[] =
    "SELECT team_id, name, role, from_day, to_day, contact FROM care_member WHERE id = ?";
static const char SQL_MEMBER_SET[] =
    "UPDATE care_member SET role = ?, contact = ?, to_day = ? WHERE id = ?";
static const char SQL_IS_COORDINATOR[] =
    "SELECT 1 FROM care_plan WHERE coordinator_id = ? AND status = 'active'";

static int member_update_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct member_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct team t;
    struct hb__plan plan;
    struct hb__access acc;
    struct hb_stmt *st;
    const char *name = NULL, *role = NULL, *from = NULL, *to = NULL, *contact = NULL;
    int rc = hb_db_stmt(db, SQL_MEMBER_GET, &st, err);
    if (rc)
        goto out;
    hb_stmt_int(st, 1, x->member_id);
    if ((rc = hb_stmt_step(st, err)) == 1) {
        x->team_id = hb_stmt_col_int(st, 0);
        name = hb_stmt_col_dup(st, 1, a);
        role = hb_stmt_col_dup(st, 2, a);
        from = hb_stmt_col_dup(st, 3, a);
        to = hb_stmt_col_dup(st, 4, a);
        contact = hb_stmt_col_dup(st, 5, a);
    }
    hb_stmt_done(st);
    if (rc <= 0) {
        rc = rc < 0 ? rc : hb_fail(err, HB_NOT_FOUND, "id", "Medlemmet finnes ikke");
        goto out;
    }
    const char *old_to = to;
    if ((rc = team_get(db, x->team_id, a, &t, err)) ||
        (rc = may_manage(db, &x->tx, &t, a, &plan, &acc, err)) ||
        (rc = hb__in_str(x->in, "role", 40, &role, err)) ||
        (rc = hb__in_str(x->in, "contact", 200, &contact, err)) ||
        (rc = hb__in_day(x->in, "to", &to, err)))
        goto out;
    if (!hb__care_role_label(role)) {
        rc = hb_fail(err, HB_INVALID, "role", "Ukjent rolle");
        goto out;
    }
    if (to && !*to)
        to = NULL;
    if (to && strcmp(to, from) < 0) {
        rc = hb_fail(err, HB_INVALID, "to", "Sluttdatoen kan ikke være før startdatoen");
        goto out;
    }
    bool ending = to && (!old_to || strcmp(to, old_to) != 0);
    if (ending) {
        int coord = hb_db_one(db, SQL_IS_COORDINATOR, x->member_id, NULL, NULL, err);
        if (coord) {
            rc = coord < 0 ? coord
                           : hb_fail(err, HB_CONFLICT, "to",
                                     "%s er koordinator. Gi koordinatorrollen til en annen i "
                                     "teamet før medlemskapet avsluttes.",
                                     name);
            goto out;
        }
    }
    if ((rc = hb_db_stmt(db, SQL_MEMBER_SET, &st, err)))
        goto out;
    hb_stmt_text(st, 1, role);
    hb_stmt_text(st, 2, contact && *contact ? contact : NULL);
    hb_stmt_text(st, 3, to);
    hb_stmt_int(st, 4, x->member_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        goto out;
    char end[16] = "";
    if (to)
        snprintf(end, sizeof(end), "%.2s.%.2s.%.4s", to + 8, to + 5, to);
    rc = team_changed(db, x->tx.u, &t, &acc,
                      ending ? hb_arena_printf(a, "%s går ut av teamet %s", name, end)
                             : hb_arena_printf(a, "Endret %s i teamet", name),
                      a, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_member_update(struct hb_store *s, const struct hb_user *u, int64_t member_id,
                          json_t *in, struct hb_error *err)
{
    struct member_tx x = {.tx = {.u = u}, .member_id = member_id, .in = in};
    return hb__care_write(s, member_update_tx, &x.tx, err);
}

/* ---- standing teams ---- */
struct team_tx {
    struct hb__tx tx;
    json_t *in;
    int64_t id;
};

static int team_create_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct team_tx *x = arg;
    const struct hb_user *u = x->tx.u;
    const char *kind = NULL, *name = NULL;
    int rc;
    if ((rc = hb__in_str(x->in, "kind", 20, &kind, err)) ||
        (rc = hb__in_str(x->in, "name", 200, &name, err)))
        return rc;
    if (hb__in_list(kind, standing_kinds) < 0)
        return hb_fail(err, HB_INVALID, "kind", "kind er psht, fact eller home-care");
    if (!name || !*name)
        return hb_fail(err, HB_INVALID, "name", "Gi teamet et navn");
    x->id = hb_id_new();
    if ((rc = hb__care_team_insert(db, x->id, kind, name, u->org_id, 0, 0, err)))
        return rc;
    if (u->role != HB_ROLE_ADMIN) {
        char today[16];
        hb__care_today(today);
        if ((rc = hb__care_member_insert(db, hb_id_new(), x->id, u->id, u->name,
                                         u->role == HB_ROLE_GP         ? "gp"
                                         : u->role == HB_ROLE_HOSPITAL ? "specialist"
                                                                       : "nurse",
                                         u->org_id, NULL, today, NULL, err)))
            return rc;
    }
    if ((rc = hb__care_commit(db, HB_CARE_TEAM, x->id, u->id, "create", err)))
        return rc;
    /* Further members, in the same transaction. */
    json_t *members = json_object_get(x->in, "members");
    if (members && (!json_is_array(members) || json_array_size(members) > 100))
        return hb_fail(err, HB_INVALID, "members", "members er en liste med inntil 100");
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        struct member_tx mx = {.tx = x->tx, .team_id = x->id, .in = m};
        if ((rc = member_add_tx(db, &mx, err)))
            return rc;
    }
    return 0;
}

int hb_care_team_create(struct hb_store *s, const struct hb_user *u, json_t *in, int64_t *id,
                        struct hb_error *err)
{
    if (u->role != HB_ROLE_GP && u->role != HB_ROLE_HOSPITAL && u->role != HB_ROLE_MUNICIPAL &&
        u->role != HB_ROLE_ADMIN)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Team opprettes av helsepersonell");
    struct team_tx x = {.tx = {.u = u}, .in = in};
    int rc = hb__care_write(s, team_create_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.id;
    return rc;
}

static const char SQL_TEAMS[] =
    "SELECT t.id, t.kind, t.name, o.name, t.status,"
    " (SELECT COUNT(*) FROM care_plan p JOIN care_team mt ON mt.id = p.team_id"
    " WHERE mt.parent_id = t.id AND p.status = 'active')"
    " FROM care_team t JOIN org o ON o.id = t.org_id WHERE t.patient_id IS NULL"
    " ORDER BY t.name";
static const char SQL_TEAM_MEMBERS[] =
    "SELECT m.id, m.name, m.role, o.name, m.user_id FROM care_member m"
    " LEFT JOIN org o ON o.id = m.org_id WHERE m.team_id = ?"
    " AND m.from_day <= ? AND (m.to_day IS NULL OR m.to_day >= ?) ORDER BY m.id";

int hb_care_teams(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena, json_t **out,
                  struct hb_error *err)
{
    (void)u;
    (void)arena;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    char today[16];
    hb__care_today(today);
    struct hb_stmt *st, *ms;
    json_t *teams = json_array();
    int rc = hb_db_stmt(db, SQL_TEAMS, &st, err);
    bool prepared = rc == 0;
    while (prepared && (rc = hb_stmt_step(st, err)) == 1) {
        int64_t id = hb_stmt_col_int(st, 0);
        const char *kind = hb_stmt_col(st, 1, NULL);
        json_t *t =
            json_pack("{s:o,s:s,s:s,s:s,s:s,s:s,s:I}", "id", hb__care_id(id), "kind", kind,
                      "kindLabel", hb__care_team_kind_label(kind), "name", hb_stmt_col(st, 2, NULL),
                      "org", hb_stmt_col(st, 3, NULL), "status", hb_stmt_col(st, 4, NULL),
                      "patients", (json_int_t)hb_stmt_col_int(st, 5));
        json_t *members = json_array();
        int mrc = hb_db_stmt(db, SQL_TEAM_MEMBERS, &ms, err);
        if (mrc == 0) {
            hb_stmt_int(ms, 1, id);
            hb_stmt_text(ms, 2, today);
            hb_stmt_text(ms, 3, today);
            while ((mrc = hb_stmt_step(ms, err)) == 1) {
                const char *role = hb_stmt_col(ms, 2, NULL);
                json_t *m = json_pack(
                    "{s:o,s:s,s:s,s:s}", "id", hb__care_id(hb_stmt_col_int(ms, 0)), "name",
                    hb_stmt_col(ms, 1, NULL), "role", role, "roleLabel", hb__care_role_label(role));
                if (hb_stmt_col(ms, 3, NULL))
                    json_object_set_new(m, "org", json_string(hb_stmt_col(ms, 3, NULL)));
                if (hb_stmt_col_int(ms, 4))
                    json_object_set_new(m, "userId", hb__care_id(hb_stmt_col_int(ms, 4)));
                json_array_append_new(members, m);
            }
            hb_stmt_done(ms);
        }
        json_object_set_new(t, "members", members);
        json_array_append_new(teams, t);
        if (mrc < 0) {
            rc = mrc;
            break;
        }
    }
    if (prepared)
        hb_stmt_done(st);
    hb_store_release(s, db);
    if (rc < 0) {
        json_decref(teams);
        return rc;
    }
    *out = json_pack("{s:o}", "teams", teams);
    return 0;
}

/* ---- overview for team leaders ---- */
static const char SQL_MY_TEAMS[] =
    "SELECT DISTINCT t.id, t.name, t.kind FROM care_member m JOIN care_team t ON t.id = m.team_id"
    " WHERE m.user_id = ? AND t.patient_id IS NULL AND m.from_day <= ?"
    " AND (m.to_day IS NULL OR m.to_day >= ?) ORDER BY t.name";
#define OVERVIEW_COLS                                                                              \
    "SELECT p.id, p.patient_id, pt.given || ' ' || pt.family,"                                     \
    " (SELECT COUNT(*) FROM care_item g WHERE g.plan_id = p.id AND g.kind = 'goal'"                \
    " AND g.expressed_by = 'patient' AND g.status <> 'cancelled'),"                                \
    " (SELECT COUNT(*) FROM care_item k WHERE k.plan_id = p.id AND k.kind = 'task'"                \
    " AND k.status IN ('requested', 'in-progress') AND k.day < ?),"                                \
    " (SELECT MAX(m.at) FROM care_message m WHERE m.plan_id = p.id),"                              \
    " (SELECT MAX(c.start_at) FROM consultation c WHERE c.plan_id = p.id"                          \
    " AND c.status = 'fulfilled'), p.what_matters"                                                 \
    " FROM care_plan p JOIN care_team t ON t.id = p.team_id"                                       \
    " JOIN patient pt ON pt.id = p.patient_id WHERE p.status = 'active'"
static const char SQL_TEAM_PLANS[] =
    OVERVIEW_COLS " AND t.parent_id = ? ORDER BY pt.family, pt.given";
static const char SQL_OWN_PLANS[] =
    OVERVIEW_COLS " AND t.parent_id IS NULL AND EXISTS (SELECT 1 FROM care_member mm"
                  " WHERE mm.team_id = t.id AND mm.user_id = ? AND mm.from_day <= ?"
                  " AND (mm.to_day IS NULL OR mm.to_day >= ?)) ORDER BY pt.family, pt.given";

/* Adds the plans a statement lists to team and audits each patient shown. */
static int plans_of(struct hb_stmt *st, json_t *team, struct hb_audit *audits, int *naudit, int max,
                    struct hb_arena *a, struct hb_error *err)
{
    json_t *rows = json_array();
    int rc, without_goal = 0, overdue = 0;
    int64_t now = hb_now_us();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int64_t last = hb_stmt_col_int(st, 5), held = hb_stmt_col_int(st, 6);
        if (held > last)
            last = held;
        int64_t goals = hb_stmt_col_int(st, 3), late = hb_stmt_col_int(st, 4);
        const char *words = hb_stmt_col(st, 7, NULL);
        bool patient_goal = goals > 0 || (words && *words);
        without_goal += !patient_goal;
        overdue += (int)late;
        int64_t pid = hb_stmt_col_int(st, 1);
        json_t *r =
            json_pack("{s:o,s:o,s:s,s:b,s:I}", "planId", hb__care_id(hb_stmt_col_int(st, 0)),
                      "patientId", hb__care_id(pid), "patientName", hb_stmt_col(st, 2, NULL),
                      "patientGoal", patient_goal, "overdueTasks", (json_int_t)late);
        if (last) {
            char local[32];
            hb_time_no(last, local, sizeof(local));
            json_object_set_new(r, "lastContactLocal", json_string(local));
            json_object_set_new(r, "daysSinceContact",
                                json_integer((now - last) / (86400LL * 1000000)));
        }
        json_array_append_new(rows, r);
        if (*naudit < max)
            audits[(*naudit)++] = (struct hb_audit){
                .patient_id = pid,
                .action = "search",
                .what = hb_arena_printf(a, "CarePlan/%lld", (long long)hb_stmt_col_int(st, 0)),
                .relation = "care-team",
                .allowed = true};
    }
    hb_stmt_done(st);
    json_object_set_new(team, "plans", rows);
    json_object_set_new(team, "plansWithoutPatientGoal", json_integer(without_goal));
    json_object_set_new(team, "overdueTasks", json_integer(overdue));
    return rc < 0 ? rc : 0;
}

int hb_care_overview(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    char today[16];
    hb__care_today(today);
    enum { MAX_AUDIT = 2000 };
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * MAX_AUDIT);
    int naudit = 0;
    json_t *teams = json_array();
    int64_t ids[64];
    const char *names[64], *kinds[64];
    int n = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MY_TEAMS, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, u->id);
        hb_stmt_text(st, 2, today);
        hb_stmt_text(st, 3, today);
        while (n < 64 && (rc = hb_stmt_step(st, err)) == 1) {
            ids[n] = hb_stmt_col_int(st, 0);
            names[n] = hb_stmt_col_dup(st, 1, arena);
            kinds[n++] = hb_stmt_col_dup(st, 2, arena);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    for (int i = 0; rc == 0 && i <= n; i++) {
        bool own = i == n; /* last: plans whose micro-team u is in directly */
        if ((rc = hb_db_stmt(db, own ? SQL_OWN_PLANS : SQL_TEAM_PLANS, &st, err)))
            break;
        hb_stmt_text(st, 1, today);
        if (own) {
            hb_stmt_int(st, 2, u->id);
            hb_stmt_text(st, 3, today);
            hb_stmt_text(st, 4, today);
        } else {
            hb_stmt_int(st, 2, ids[i]);
        }
        json_t *t =
            own ? json_pack("{s:s,s:s}", "name", "Team rundt én pasient", "kind", "micro")
                : json_pack("{s:o,s:s,s:s,s:s}", "id", hb__care_id(ids[i]), "name", names[i],
                            "kind", kinds[i], "kindLabel", hb__care_team_kind_label(kinds[i]));
        rc = plans_of(st, t, audits, &naudit, MAX_AUDIT, arena, err);
        if (own && json_array_size(json_object_get(t, "plans")) == 0)
            json_decref(t);
        else
            json_array_append_new(teams, t);
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(teams);
        return rc;
    }
    *out = json_pack("{s:o}", "teams", teams);
    return 0;
}

/* ---- replacing the membership (FHIR CareTeam update) ---- */
static const char SQL_ACTIVE_MEMBERS[] =
    "SELECT id, user_id, name, role, to_day FROM care_member WHERE team_id = ?"
    " AND (to_day IS NULL OR to_day >= ?) ORDER BY id";
static const char SQL_TEAM_VERSION[] = "SELECT version FROM care_team WHERE id = ?";

struct sync_tx {
    struct hb__tx tx;
    int64_t team_id;
    json_t *members;
    int if_version;
};

static void read_version(struct hb_stmt *st, void *arg)
{
    *(int *)arg = (int)hb_stmt_col_int(st, 0);
}

static int sync_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct sync_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct team t;
    struct hb__plan plan;
    struct hb__access acc;
    int version = 0;
    char today[16];
    hb__care_today(today);
    int rc = team_get(db, x->team_id, a, &t, err);
    if (rc == 0)
        rc = may_manage(db, &x->tx, &t, a, &plan, &acc, err);
    if (rc == 0 && (rc = hb_db_one(db, SQL_TEAM_VERSION, t.id, read_version, &version, err)) > 0)
        rc = 0;
    if (rc)
        goto out;
    if (x->if_version && x->if_version != version) {
        rc = hb_fail(err, HB_PRECONDITION, "If-Match", "Versjonen er %d, ikke %d", version,
                     x->if_version);
        goto out;
    }
    enum { MAX = 200 };
    struct {
        int64_t id, user_id;
        const char *name, *role, *to;
        bool seen;
    } cur[MAX];
    int n = 0;
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_ACTIVE_MEMBERS, &st, err)))
        goto out;
    hb_stmt_int(st, 1, t.id);
    hb_stmt_text(st, 2, today);
    while (n < MAX && (rc = hb_stmt_step(st, err)) == 1) {
        cur[n].id = hb_stmt_col_int(st, 0);
        cur[n].user_id = hb_stmt_col_int(st, 1);
        cur[n].name = hb_stmt_col_dup(st, 2, a);
        cur[n].role = hb_stmt_col_dup(st, 3, a);
        cur[n].to = hb_stmt_col_dup(st, 4, a);
        cur[n++].seen = false;
    }
    hb_stmt_done(st);
    if (rc < 0)
        goto out;
    size_t i;
    json_t *m;
    json_array_foreach(x->members, i, m)
    {
        int64_t uid = 0;
        const char *name = NULL, *role = NULL, *to = NULL;
        if ((rc = hb__in_id(m, "userId", &uid, err)) ||
            (rc = hb__in_str(m, "name", 200, &name, err)) ||
            (rc = hb__in_str(m, "role", 40, &role, err)) || (rc = hb__in_day(m, "to", &to, err)))
            goto out;
        int k = -1;
        for (int j = 0; j < n && k < 0; j++)
            if (!cur[j].seen && (uid ? cur[j].user_id == uid
                                     : !cur[j].user_id && name && !strcmp(cur[j].name, name)))
                k = j;
        if (k < 0) { /* a new member */
            struct member_tx mx = {.tx = x->tx, .team_id = t.id, .in = m};
            if ((rc = member_add_tx(db, &mx, err)))
                goto out;
            continue;
        }
        cur[k].seen = true;
        bool role_changes = role && strcmp(role, cur[k].role) != 0;
        bool to_changes = (to && *to) ? !cur[k].to || strcmp(to, cur[k].to) != 0 : false;
        if (role_changes || to_changes) {
            struct member_tx mx = {.tx = x->tx, .member_id = cur[k].id, .in = m};
            if ((rc = member_update_tx(db, &mx, err)))
                goto out;
        }
    }
    for (int j = 0; j < n; j++) { /* members left out: their membership ends today */
        if (cur[j].seen)
            continue;
        json_t *end = json_pack("{s:s}", "to", today);
        struct member_tx mx = {.tx = x->tx, .member_id = cur[j].id, .in = end};
        rc = member_update_tx(db, &mx, err);
        json_decref(end);
        if (rc)
            goto out;
    }
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_team_sync(struct hb_store *s, const struct hb_user *u, int64_t team_id, json_t *members,
                      int if_version, struct hb_error *err)
{
    if (!json_is_array(members) || json_array_size(members) > 200)
        return hb_fail(err, HB_INVALID, "members", "members er en liste med inntil 200");
    struct sync_tx x = {
        .tx = {.u = u}, .team_id = team_id, .members = members, .if_version = if_version};
    return hb__care_write(s, sync_tx, &x.tx, err);
}
