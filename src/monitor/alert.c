/* monitor: alerts: raised and routed to whoever is responsible now,
 * acknowledged, escalated and resolved; the periodic pass that escalates
 * alerts nobody acknowledged and raises missed measurements; alerts as FHIR
 * Flags. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../patient/patient.h"
#include "monitor_int.h"

#include "../core/banned.h"

static const struct {
    const char *kind, *label;
} kinds[] = {
    {"news2-high", "NEWS2 7 eller mer"},     {"news2-medium", "NEWS2 5-6"},
    {"single-3", "3 poeng på én parameter"}, {"threshold", "Personlig grense passert"},
    {"missed", "Måling uteblitt"},
};

const char *hb__monitor_alert_label(const char *kind)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kind, kinds[i].kind) == 0)
            return kinds[i].label;
    return kind;
}

/* ---- raising ---- */
static const char SQL_OPEN_OF_KIND[] =
    "SELECT 1 FROM alert WHERE patient_id = ? AND kind = ? AND status <> 'resolved'";
static const char SQL_ROUTE_STAY[] =
    "SELECT unit_id FROM stay WHERE patient_id = ? AND end_at IS NULL";
static const char SQL_ROUTE_PLAN[] =
    "SELECT team_id FROM care_plan WHERE patient_id = ? AND status = 'active'";
static const char SQL_ROUTE_GP[] = "SELECT gp_user_id FROM patient WHERE id = ?";
static const char SQL_ROUTE_MUNI[] = "SELECT municipality_id FROM patient WHERE id = ?";
static const char SQL_LEVEL[] = "SELECT ack_minutes FROM escalation_level WHERE level = ?";
static const char SQL_ALERT_ADD[] =
    "INSERT INTO alert (id, patient_id, kind, detail, route, route_id, level, status,"
    " raised_at, escalate_at, news2_id, observation_id, version)"
    " VALUES (?, ?, ?, ?, ?, ?, 1, 'open', ?, ?, ?, ?, 1)";
static const char SQL_EVENT_ADD[] =
    "INSERT INTO alert_event (id, alert_id, at, user_id, kind, level, note)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

static void read_id(struct hb_stmt *st, void *arg)
{
    *(int64_t *)arg = hb_stmt_col_int(st, 0);
}

/* Minutes to acknowledge at level; 0 when there is no such level. */
static int ack_minutes(struct hb_db *db, int level, int64_t *minutes, struct hb_error *err)
{
    *minutes = 0;
    int rc = hb_db_one(db, SQL_LEVEL, level, read_id, minutes, err);
    return rc < 0 ? rc : 0;
}

static int event_add(struct hb_db *db, int64_t alert_id, int64_t at, int64_t user_id,
                     const char *kind, int level, const char *note, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_EVENT_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, alert_id);
    hb_stmt_int(st, 3, at);
    hb_stmt_int_or_null(st, 4, user_id);
    hb_stmt_text(st, 5, kind);
    hb_stmt_int(st, 6, level);
    hb_stmt_text(st, 7, note);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

static int raise_at(struct hb_db *db, int64_t patient_id, const char *kind, const char *detail,
                    int64_t news2_id, int64_t observation_id, int64_t at, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_OPEN_OF_KIND, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, patient_id);
    hb_stmt_text(st, 2, kind);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    if (rc)
        return rc < 0 ? rc : 0; /* still open: the team knows */
    /* Whoever is responsible now: the unit, the care team, the GP, the municipality. */
    static const struct {
        const char *route, *sql;
    } routes[] = {{"unit", SQL_ROUTE_STAY},
                  {"team", SQL_ROUTE_PLAN},
                  {"gp", SQL_ROUTE_GP},
                  {"municipality", SQL_ROUTE_MUNI}};
    const char *route = "none";
    int64_t route_id = 0;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]) && !route_id; i++) {
        if ((rc = hb_db_one(db, routes[i].sql, patient_id, read_id, &route_id, err)) < 0)
            return rc;
        if (route_id)
            route = routes[i].route;
    }
    int64_t minutes, id = hb_id_new();
    if ((rc = ack_minutes(db, 1, &minutes, err)) || (rc = hb_db_stmt(db, SQL_ALERT_ADD, &st, err)))
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, patient_id);
    hb_stmt_text(st, 3, kind);
    hb_stmt_text(st, 4, detail);
    hb_stmt_text(st, 5, route);
    hb_stmt_int(st, 6, route_id);
    hb_stmt_int(st, 7, at);
    hb_stmt_int(st, 8, at + minutes * 60 * 1000000);
    hb_stmt_int_or_null(st, 9, news2_id);
    hb_stmt_int_or_null(st, 10, observation_id);
    if ((rc = hb_stmt_run(st, err)) < 0 ||
        (rc = event_add(db, id, at, 0, "raised", 1, detail, err)))
        return rc;
    return hb__monitor_notify(db, id, patient_id, at, err);
}

int hb__monitor_raise(struct hb_db *db, int64_t patient_id, const char *kind, const char *detail,
                      int64_t news2_id, int64_t observation_id, struct hb_error *err)
{
    return raise_at(db, patient_id, kind, detail, news2_id, observation_id, hb_now_us(), err);
}

/* ---- acting on an alert ---- */
static const char SQL_ALERT_GET[] =
    "SELECT patient_id, status, level, raised_at FROM alert WHERE id = ?";
static const char SQL_ACK[] =
    "UPDATE alert SET status = 'acknowledged', ack_at = ?, ack_by = ?, escalate_at = NULL,"
    " note = COALESCE(?, note), version = version + 1 WHERE id = ?";
static const char SQL_ESCALATE[] =
    "UPDATE alert SET status = 'open', level = ?, escalate_at = ?, version = version + 1"
    " WHERE id = ?";
static const char SQL_RESOLVE[] =
    "UPDATE alert SET status = 'resolved', resolved_at = ?, resolved_by = ?, note = ?,"
    " escalate_at = NULL, version = version + 1 WHERE id = ?";

struct act_tx {
    const struct hb_user *u;
    int64_t id, denied;
    const char *action, *note;
};

/* Climbs one level at now: HB_CONFLICT at the top of the ladder. */
static int climb(struct hb_db *db, int64_t id, int level, int64_t now, int64_t user_id,
                 const char *note, struct hb_error *err)
{
    int64_t minutes;
    int rc = ack_minutes(db, level + 1, &minutes, err);
    if (rc)
        return rc;
    if (!minutes)
        return hb_fail(err, HB_CONFLICT, "level", "Varselet er allerede på øverste nivå");
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_ESCALATE, &st, err)))
        return rc;
    hb_stmt_int(st, 1, level + 1);
    hb_stmt_int(st, 2, now + minutes * 60 * 1000000);
    hb_stmt_int(st, 3, id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    return event_add(db, id, now, user_id, "escalated", level + 1, note, err);
}

static int act_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct act_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct hb_stmt *st;
    int64_t pid = 0, now = hb_now_us();
    int level = 0;
    const char *status = NULL;
    x->denied = 0;
    int rc = hb_db_stmt(db, SQL_ALERT_GET, &st, err);
    if (rc)
        goto out;
    hb_stmt_int(st, 1, x->id);
    if ((rc = hb_stmt_step(st, err)) == 1) {
        pid = hb_stmt_col_int(st, 0);
        status = hb_stmt_col_dup(st, 1, a);
        level = (int)hb_stmt_col_int(st, 2);
    }
    hb_stmt_done(st);
    if (rc <= 0) {
        rc = rc < 0 ? rc : hb_fail(err, HB_NOT_FOUND, "id", "Varselet finnes ikke");
        goto out;
    }
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    if ((rc = hb_patient_ref(db, pid, &ref, err)) ||
        (rc = hb_policy_check(db, x->u, &ref, a, &relation, &reason, err))) {
        if (rc == HB_FORBIDDEN)
            x->denied = pid;
        goto out;
    }
    if (strcmp(status, "resolved") == 0) {
        rc = hb_fail(err, HB_CONFLICT, "status", "Varselet er allerede avsluttet");
        goto out;
    }
    if (strcmp(x->action, "acknowledge") == 0) {
        if (strcmp(status, "acknowledged") == 0) {
            rc = hb_fail(err, HB_CONFLICT, "status", "Varselet er allerede kvittert");
            goto out;
        }
        if ((rc = hb_db_stmt(db, SQL_ACK, &st, err)))
            goto out;
        hb_stmt_int(st, 1, now);
        hb_stmt_int(st, 2, x->u->id);
        hb_stmt_text(st, 3, x->note);
        hb_stmt_int(st, 4, x->id);
        if ((rc = hb_stmt_run(st, err)) < 0 ||
            (rc = event_add(db, x->id, now, x->u->id, "acknowledged", level, x->note, err)))
            goto out;
    } else if (strcmp(x->action, "escalate") == 0) {
        if ((rc = climb(db, x->id, level, now, x->u->id, x->note, err)))
            goto out;
    } else {
        if ((rc = hb_db_stmt(db, SQL_RESOLVE, &st, err)))
            goto out;
        hb_stmt_int(st, 1, now);
        hb_stmt_int(st, 2, x->u->id);
        hb_stmt_text(st, 3, x->note);
        hb_stmt_int(st, 4, x->id);
        if ((rc = hb_stmt_run(st, err)) < 0 ||
            (rc = event_add(db, x->id, now, x->u->id, "resolved", level, x->note, err)))
            goto out;
    }
    struct hb_audit au = {.patient_id = pid,
                          .action = "update",
                          .what = hb_arena_printf(a, "Flag/%lld", (long long)x->id),
                          .relation = relation,
                          .reason = reason,
                          .allowed = true};
    rc = hb_audit_add(db, x->u, &au, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_monitor_alert_act(struct hb_store *s, const struct hb_user *u, int64_t alert_id,
                         const char *action, const char *note, struct hb_error *err)
{
    if (u->role != HB_ROLE_HOSPITAL && u->role != HB_ROLE_MUNICIPAL && u->role != HB_ROLE_GP)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Varsler følges opp av klinikere");
    if (!action || (strcmp(action, "acknowledge") != 0 && strcmp(action, "escalate") != 0 &&
                    strcmp(action, "resolve") != 0))
        return hb_fail(err, HB_INVALID, "action", "action er acknowledge, escalate eller resolve");
    if (note && strlen(note) > 2000)
        return hb_fail(err, HB_INVALID, "note", "Notatet kan være høyst 2000 tegn");
    if (strcmp(action, "resolve") == 0 && (!note || strlen(note) < 3))
        return hb_fail(err, HB_INVALID, "note",
                       "Skriv kort hva som ble gjort før varselet avsluttes");
    struct act_tx x = {
        .u = u, .id = alert_id, .action = action, .note = note && *note ? note : NULL};
    int rc = hb_store_write(s, act_tx, &x, err);
    if (rc == HB_FORBIDDEN && x.denied) {
        char what[48];
        snprintf(what, sizeof(what), "Flag/%lld", (long long)alert_id);
        struct hb_audit au = {.patient_id = x.denied, .action = "update", .what = what};
        struct hb_error aerr = {0};
        if (hb_audit_write(s, u, &au, 1, &aerr)) {
            *err = aerr;
            return aerr.code;
        }
    }
    return rc;
}

/* ---- the periodic pass ---- */
static const char SQL_DUE[] =
    "SELECT id, level FROM alert WHERE status = 'open' AND escalate_at <= ? ORDER BY id"
    " LIMIT 1000";
static const char SQL_TOP[] = "UPDATE alert SET escalate_at = NULL WHERE id = ?";
static const char SQL_MONITORED[] =
    "SELECT m.patient_id, m.started_at, (SELECT n.at FROM news2 n WHERE n.patient_id ="
    " m.patient_id ORDER BY n.at DESC LIMIT 1), (SELECT n.monitor_minutes FROM news2 n"
    " WHERE n.patient_id = m.patient_id ORDER BY n.at DESC LIMIT 1) FROM monitoring m"
    " WHERE m.active = 1 AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.patient_id ="
    " m.patient_id AND a.kind = 'missed' AND a.status <> 'resolved') LIMIT 5000";

struct tick_tx {
    int64_t now;
    int escalated, missed;
};

int64_t hb__monitor_due(int64_t at, int64_t minutes, int64_t started_at)
{
    if (!at)
        return started_at + 12LL * 3600 * 1000000;
    return at + (minutes ? minutes * 60 * 1000000 : HB__CONTINUOUS_US);
}

static int tick_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct tick_tx *x = arg;
    x->escalated = x->missed = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_DUE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, x->now);
    int64_t ids[1000];
    int levels[1000], n = 0;
    while (n < 1000 && (rc = hb_stmt_step(st, err)) == 1) {
        ids[n] = hb_stmt_col_int(st, 0);
        levels[n++] = (int)hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        struct hb_error e = {0};
        rc = climb(db, ids[i], levels[i], x->now, 0, "Ikke kvittert i tide", &e);
        if (rc == HB_CONFLICT) { /* the top: it stays there, open */
            if ((rc = hb_db_stmt(db, SQL_TOP, &st, err)))
                return rc;
            hb_stmt_int(st, 1, ids[i]);
            if ((rc = hb_stmt_run(st, err)) < 0)
                return rc;
            continue;
        }
        if (rc) {
            *err = e;
            return rc;
        }
        x->escalated++;
    }
    if ((rc = hb_db_stmt(db, SQL_MONITORED, &st, err)))
        return rc;
    struct {
        int64_t patient, due;
    } *late = hb_xmalloc(sizeof(*late) * 5000);
    int nl = 0;
    while (nl < 5000 && (rc = hb_stmt_step(st, err)) == 1) {
        int64_t due =
            hb__monitor_due(hb_stmt_col_int(st, 2), hb_stmt_col_int(st, 3), hb_stmt_col_int(st, 1));
        if (x->now > due) {
            late[nl].patient = hb_stmt_col_int(st, 0);
            late[nl++].due = due;
        }
    }
    hb_stmt_done(st);
    for (int i = 0; rc >= 0 && i < nl; i++) {
        char when[32], detail[96];
        hb_time_no(late[i].due, when, sizeof(when));
        snprintf(detail, sizeof(detail), "Ny måling skulle vært tatt innen %s", when);
        rc = raise_at(db, late[i].patient, "missed", detail, 0, 0, x->now, err);
        x->missed += rc == 0;
    }
    free(late);
    return rc < 0 ? rc : 0;
}

int hb_monitor_tick(struct hb_store *s, int64_t now, int *escalated, int *missed,
                    struct hb_error *err)
{
    struct tick_tx x = {.now = now};
    int rc = hb_store_write(s, tick_tx, &x, err);
    if (rc == 0) {
        if (escalated)
            *escalated = x.escalated;
        if (missed)
            *missed = x.missed;
    }
    return rc;
}

struct hb_monitor_ticker {
    struct hb_store *s;
    int interval_s, notify_s;
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

static void *ticker_main(void *arg)
{
    struct hb_monitor_ticker *t = arg;
    int64_t next_tick = hb_monotonic_us() + (int64_t)t->interval_s * 1000000;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += t->notify_s;
        pthread_cond_timedwait(&t->cv, &t->mu, &until);
        if (t->stop)
            break;
        pthread_mutex_unlock(&t->mu);
        struct hb_error err = {0};
        int sent = 0, failed = 0;
        if (hb_monitor_deliver(t->s, hb_now_us(), &sent, &failed, &err))
            HB_LOG(HB_LOG_ERROR, "msg=\"delivery failed\" error=\"%s\"", err.message);
        else if (sent || failed)
            HB_LOG(HB_LOG_INFO, "msg=\"notifications\" sent=%d failed=%d", sent, failed);
        if (hb_monotonic_us() >= next_tick) {
            int escalated = 0, missed = 0;
            next_tick = hb_monotonic_us() + (int64_t)t->interval_s * 1000000;
            if (hb_monitor_tick(t->s, hb_now_us(), &escalated, &missed, &err))
                HB_LOG(HB_LOG_ERROR, "msg=\"monitor pass failed\" error=\"%s\"", err.message);
            else if (escalated || missed)
                HB_LOG(HB_LOG_INFO, "msg=\"monitor pass\" escalated=%d missed=%d", escalated,
                       missed);
        }
        pthread_mutex_lock(&t->mu);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

struct hb_monitor_ticker *hb_monitor_ticker_start(struct hb_store *s, int interval_s, int notify_s)
{
    struct hb_monitor_ticker *t = hb_xcalloc(1, sizeof(*t));
    t->s = s;
    t->interval_s = interval_s;
    t->notify_s = notify_s;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void hb_monitor_ticker_stop(struct hb_monitor_ticker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}

/* ---- FHIR Flag ---- */
static const char SQL_ALERT_FLAG[] =
    "SELECT a.patient_id, a.kind, a.detail, a.status, a.level, a.raised_at, a.ack_at,"
    " a.resolved_at, a.version, l.name FROM alert a LEFT JOIN escalation_level l"
    " ON l.level = a.level WHERE a.id = ?";
static const char SQL_ALERTS_OF[] =
    "SELECT id FROM alert WHERE patient_id = ? ORDER BY id DESC LIMIT ?";

int hb_monitor_alert_flag(struct hb_db *db, int64_t alert_id, json_t **out, int64_t *patient_id,
                          struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_ALERT_FLAG, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, alert_id);
    if ((rc = hb_stmt_step(st, err)) != 1) {
        hb_stmt_done(st);
        return rc < 0 ? rc : hb_fail(err, HB_NOT_FOUND, "id", "Varselet finnes ikke");
    }
    char id[24], subject[48], start[32], end[32], ver[16];
    *patient_id = hb_stmt_col_int(st, 0);
    snprintf(id, sizeof(id), "%lld", (long long)alert_id);
    snprintf(subject, sizeof(subject), "Patient/%lld", (long long)*patient_id);
    snprintf(ver, sizeof(ver), "%lld", (long long)hb_stmt_col_int(st, 8));
    hb_time_iso(hb_stmt_col_int(st, 5), start, sizeof(start));
    const char *kind = hb_stmt_col(st, 1, NULL), *status = hb_stmt_col(st, 3, NULL);
    json_t *f = json_pack(
        "{s:s,s:s,s:{s:s},s:s,s:[{s:[{s:s,s:s,s:s}]}],s:{s:[{s:s,s:s,s:s}],s:s},s:{s:s},"
        "s:{s:s},s:[{s:s,s:s},{s:s,s:i}]}",
        "resourceType", "Flag", "id", id, "meta", "versionId", ver, "status",
        strcmp(status, "resolved") == 0 ? "inactive" : "active", "category", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/flag-category", "code", "clinical", "display",
        "Clinical", "code", "coding", "system", "https://helsebro.no/fhir/CodeSystem/monitor-alert",
        "code", kind, "display", hb__monitor_alert_label(kind), "text", hb_stmt_col(st, 2, NULL),
        "subject", "reference", subject, "period", "start", start, "extension", "url",
        "https://helsebro.no/fhir/StructureDefinition/alert-state", "valueCode", status, "url",
        "https://helsebro.no/fhir/StructureDefinition/escalation-level", "valueInteger",
        (int)hb_stmt_col_int(st, 4));
    if (hb_stmt_col_int(st, 7)) {
        hb_time_iso(hb_stmt_col_int(st, 7), end, sizeof(end));
        json_object_set_new(json_object_get(f, "period"), "end", json_string(end));
    }
    hb_stmt_done(st);
    *out = f;
    return 0;
}

int hb_monitor_alerts_of(struct hb_db *db, int64_t patient_id, int64_t *ids, int max, int *n,
                         struct hb_error *err)
{
    return hb_db_ids(db, SQL_ALERTS_OF, patient_id, ids, max, n, err);
}
