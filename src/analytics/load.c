/* analytics: filling the engine from the database, and keeping it up to date.
 *
 * The load reads every fact in one read transaction. A refresh then applies
 * what changed: stays and discharge-ready cases through the change log (a
 * stay change is applied only when the stay still has that version, so a
 * stay created and ended between two refreshes counts once, ended), vital
 * signs, alerts and co-consultations by their time-ordered ids. Ids are taken
 * before commit, so a refresh looks a window back and skips what it applied
 * (the facts other than stays and cases count once however often they are
 * read). On PostgreSQL several processes take ids and commit in any order:
 * the window is ten seconds. On SQLite every write holds the database's one
 * write lock from before its ids are taken until its commit, so commits come
 * in id order: the window is one second, for clock jitter, which keeps the
 * rows read again per refresh small at high ingestion rates. */
#include "an_int.h"

#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../discharge/discharge.h"
#include "../discharge/payment.h"
#include "../org/org.h"

#include "../core/banned.h"

#define WINDOW_PG_MS 10000
#define WINDOW_SQLITE_MS 1000

static int64_t col_min(struct hb_stmt *st, int i)
{
    return hb_stmt_col(st, i, NULL) ? hb_local_minutes(hb_stmt_col_int(st, i)) : -1;
}

static bool is(const char *v, const char *a, const char *b, const char *c)
{
    return v && ((a && !strcmp(v, a)) || (b && !strcmp(v, b)) || (c && !strcmp(v, c)));
}

static enum hb_an_unit unit_kind(const char *type)
{
    return is(type, "hospital-ward", NULL, NULL) ? HB_AN_HOSPITAL
           : is(type, "kad", NULL, NULL)         ? HB_AN_KAD
           : is(type, "sykestue", NULL, NULL)    ? HB_AN_SYKESTUE
                                                 : HB_AN_OTHER;
}

/* A stay row: patient_id, unit_id, start_at, end_at, source, discharge_to. */
void hb__an_stay_row(const struct hb_an *an, struct hb_stmt *st, int64_t id, struct hb_an_stay *s)
{
    const char *src = hb_stmt_col(st, 4, NULL), *to = hb_stmt_col(st, 5, NULL);
    int32_t kind = hb__imap_get(&an->units, hb_stmt_col_int(st, 1));
    *s = (struct hb_an_stay){
        .id = id,
        .patient_id = hb_stmt_col_int(st, 0),
        .unit = kind < 0 ? HB_AN_OTHER : (enum hb_an_unit)kind,
        .start = col_min(st, 2),
        .end = col_min(st, 3),
        .emergency = is(src, "home", "gp", "legevakt"),
        .transfer_in = is(src, "hospital-ward", "other-unit", NULL),
        .home = is(to, "home", "home-care", NULL),
    };
    s->index_end = s->end >= 0 && !is(to, "deceased", "hospital", "other-unit");
}

/* Runs sql (one optional int parameter) and calls fn for each row. */
static int rows(struct hb_db *db, const char *sql, const int64_t *param,
                void (*fn)(struct hb_an *, struct hb_stmt *, void *), struct hb_an *an, void *ctx,
                struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    if (param)
        hb_stmt_int(st, 1, *param);
    while ((rc = hb_stmt_step(st, err)) == 1)
        fn(an, st, ctx);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static void fs_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    hb_an_add_fellesskap(an, hb_stmt_col_int(st, 0), hb_stmt_col(st, 1, NULL));
}

static void muni_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    hb_an_add_muni(an, hb_stmt_col_int(st, 0), hb_stmt_col(st, 1, NULL), hb_stmt_col(st, 2, NULL),
                   hb_stmt_col_int(st, 3));
}

static void pop_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    const char *band = hb_stmt_col(st, 2, NULL);
    int64_t lo = 0;
    if (band)
        hb_parse_i64(band, strspn(band, "0123456789"), 0, 200, &lo);
    hb_an_add_population(an, hb_stmt_col_int(st, 0), (int)hb_stmt_col_int(st, 1), (int)lo,
                         hb_stmt_col_int(st, 3));
}

static const char SQL_UNITS[] = "SELECT id, unit_type FROM org WHERE type = 'unit'";

static void unit_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    hb__imap_put(&an->units, hb_stmt_col_int(st, 0), (int32_t)unit_kind(hb_stmt_col(st, 1, NULL)));
}

/* The kind of every unit, and the KAD units, their beds and whom they serve,
 * replacing those known. */
static int load_units(struct hb_db *db, struct hb_an *an, struct hb_error *err)
{
    int rc = rows(db, SQL_UNITS, NULL, unit_row, an, NULL, err);
    if (rc)
        return rc;
    struct hb_arena *a = hb_arena_new();
    struct hb_kad_unit *u;
    int n;
    rc = hb_org_kad_units(db, a, &u, &n, err);
    if (rc == 0) {
        for (int i = 0; i < an->nkads; i++)
            free(an->kads[i].served);
        an->nkads = 0;
        for (int i = 0; i < n; i++)
            hb_an_add_kad_unit(an, u[i].owner_id, u[i].beds, u[i].served, u[i].nserved);
    }
    hb_arena_free(a);
    return rc;
}

static void rate_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    hb_an_set_rate(an, (int)hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1));
}

static void patient_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    int64_t day = 0;
    hb_date_days(hb_stmt_col(st, 2, NULL), &day);
    hb_an_add_patient(an, hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), (int32_t)day);
}

static void stay_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)ctx;
    struct hb_an_stay s;
    int64_t id = hb_stmt_col_int(st, 6);
    hb__an_stay_row(an, st, id, &s);
    hb_an_stay(an, &s);
}

static void obs_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    int64_t *high = ctx;
    int64_t id = hb_stmt_col_int(st, 0);
    hb_an_observed(an, hb_stmt_col_int(st, 1), hb_local_minutes(hb_stmt_col_int(st, 2)));
    if (id > *high)
        *high = id;
}

/* alert id, patient_id, raised_at, ack_at, level[, the row's own id for the high mark] */
static void alert_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    int64_t *high = ctx;
    hb_an_alert(an, hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), col_min(st, 2), col_min(st, 3),
                hb_stmt_col_int(st, 4) > 1);
    int64_t id = hb_stmt_col_int(st, 5);
    if (id > *high)
        *high = id;
}

static void consult_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    int64_t *high = ctx;
    hb_an_consult(an, hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), col_min(st, 2),
                  hb_stmt_col_int(st, 3), hb_stmt_col_int(st, 4), hb_stmt_col_int(st, 5));
    if (hb_stmt_col_int(st, 6) > *high)
        *high = hb_stmt_col_int(st, 6);
}

/* ---- discharge-ready cases: rows of (case, patient, municipality, event) ---- */
enum { CASE_EVENTS = 64 };
struct case_acc {
    int64_t id, patient_id, muni_id, today;
    struct hb_dr_event ev[CASE_EVENTS];
    int n;
};

static void case_flush(struct hb_an *an, struct case_acc *c)
{
    if (!c->id)
        return;
    int64_t first = 0, end = 0, notice, answer;
    int days = hb_dr_paid_days(c->ev, c->n, c->today, &first, &end);
    hb_dr_notice_answer(c->ev, c->n, &notice, &answer);
    struct hb_an_case f = {.id = c->id,
                           .patient_id = c->patient_id,
                           .muni_id = c->muni_id,
                           .notice = notice >= 0 ? hb_local_minutes(notice) : -1,
                           .answer = answer >= 0 ? hb_local_minutes(answer) : -1,
                           .first_day = first,
                           .ndays = days > 0 ? end - first : 0};
    hb_an_case(an, &f);
    c->id = 0;
    c->n = 0;
}

/* c.id, c.patient_id, c.municipality_id, e.kind, e.at, e.day ordered by case and event. */
static void case_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    struct case_acc *c = ctx;
    int64_t id = hb_stmt_col_int(st, 0);
    if (id != c->id) {
        case_flush(an, c);
        c->id = id;
        c->patient_id = hb_stmt_col_int(st, 1);
        c->muni_id = hb_stmt_col_int(st, 2);
    }
    int kind = hb_discharge_kind(hb_stmt_col(st, 3, NULL));
    if (kind < 0 || c->n == CASE_EVENTS)
        return;
    struct hb_dr_event *e = &c->ev[c->n++];
    e->kind = (enum hb_dr_kind)kind;
    e->at = hb_stmt_col_int(st, 4);
    e->date = 0;
    const char *day = hb_stmt_col(st, 5, NULL);
    if (day)
        hb_date_days(day, &e->date);
}

#define CASE_COLS                                                                                  \
    "SELECT c.id, c.patient_id, c.municipality_id, e.kind, e.at, e.day FROM discharge_case c"      \
    " JOIN discharge_event e ON e.case_id = c.id"

static const char SQL_FS[] = "SELECT id, name FROM org WHERE type = 'helsefellesskap' ORDER BY id";
static const char SQL_MUNI[] = "SELECT id, kommunenummer, name, COALESCE(parent_id, 0) FROM org"
                               " WHERE type = 'municipality' ORDER BY kommunenummer";
static const char SQL_POP[] = "SELECT municipality_id, year, age_band, count FROM population";
static const char SQL_RATES[] = "SELECT year, nok_per_day FROM discharge_rate";
static const char SQL_PATIENTS[] =
    "SELECT id, COALESCE(municipality_id, 0), birth_date FROM patient";
/* Without a join: the kind of each unit comes from the engine's map. */
#define STAY_COLS                                                                                  \
    "SELECT patient_id, unit_id, start_at, end_at, source, discharge_to, id, version FROM stay"
/* In time order, which is each patient's order (readmissions need it), and
 * reads the table front to back instead of by the patient index. */
static const char SQL_STAYS[] = STAY_COLS " ORDER BY start_at, id";
static const char SQL_STAY[] = STAY_COLS " WHERE id = ?";
static const char SQL_CASES[] = CASE_COLS " ORDER BY c.id, e.id";
static const char SQL_CASE[] = CASE_COLS " WHERE c.id = ? ORDER BY e.id";
static const char SQL_OPEN_CASES[] = "SELECT id FROM discharge_case WHERE status <> 'closed'";
static const char SQL_OBS[] = "SELECT id, patient_id, effective_at FROM observation";
static const char SQL_OBS_NEW[] =
    "SELECT id, patient_id, effective_at FROM observation WHERE id > ? ORDER BY id";
static const char SQL_ALERTS[] =
    "SELECT id, patient_id, raised_at, ack_at, level, id FROM alert WHERE id > ? ORDER BY id";
static const char SQL_ALERT_EVENTS[] =
    "SELECT a.id, a.patient_id, a.raised_at, a.ack_at, a.level, e.id FROM alert_event e"
    " JOIN alert a ON a.id = e.alert_id WHERE e.id > ? AND e.kind IN ('acknowledged', 'escalated')";
static const char SQL_CONSULTS[] =
    "SELECT id, patient_id, start_at, COALESCE(km, 0), COALESCE(nok_ore, 0), COALESCE(co2_g, 0),"
    " updated_at FROM consultation WHERE status = 'fulfilled' AND updated_at > ?";
/* By seq alone, the kinds picked in change_row: with the kinds in the WHERE,
 * SQLite walks the (rtype, rid, version) index over every change of them. */
static const char SQL_CHANGES[] =
    "SELECT seq, rtype, rid, version FROM change_log WHERE seq > ? ORDER BY seq";
static const char SQL_PATIENT[] =
    "SELECT id, COALESCE(municipality_id, 0), birth_date FROM patient WHERE id = ?";
static const char SQL_HIGH[] = "SELECT COALESCE(MAX(seq), 0) FROM change_log";

static int high_of(struct hb_db *db, const char *sql, int64_t *out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    rc = hb_stmt_step(st, err);
    *out = rc == 1 ? hb_stmt_col_int(st, 0) : 0;
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int load_all(struct hb_db *db, struct hb_an *an, struct hb_error *err)
{
    int64_t zero = 0, now = hb_now_us();
    struct case_acc *acc = hb_xcalloc(1, sizeof(*acc));
    acc->today = hb_local_day(now);
    an->case_day = acc->today;
    hb_an_set_now(an, hb_local_minutes(now));
    int rc;
    if ((rc = high_of(db, SQL_HIGH, &an->seen_change, err)) ||
        (rc = rows(db, SQL_FS, NULL, fs_row, an, NULL, err)) ||
        (rc = rows(db, SQL_MUNI, NULL, muni_row, an, NULL, err)) ||
        (rc = rows(db, SQL_POP, NULL, pop_row, an, NULL, err)) || (rc = load_units(db, an, err)) ||
        (rc = rows(db, SQL_RATES, NULL, rate_row, an, NULL, err)) ||
        (rc = rows(db, SQL_PATIENTS, NULL, patient_row, an, NULL, err)) ||
        (rc = rows(db, SQL_STAYS, NULL, stay_row, an, NULL, err)) ||
        (rc = rows(db, SQL_CASES, NULL, case_row, an, acc, err)) ||
        (rc = rows(db, SQL_OBS, NULL, obs_row, an, &an->seen_obs, err)) ||
        (rc = rows(db, SQL_ALERTS, &zero, alert_row, an, &an->seen_alert, err)) ||
        (rc = rows(db, SQL_ALERT_EVENTS, &zero, alert_row, an, &an->seen_alert_event, err)) ||
        (rc = rows(db, SQL_CONSULTS, &zero, consult_row, an, &an->seen_consult, err))) {
        free(acc);
        return rc;
    }
    case_flush(an, acc);
    free(acc);
    return 0;
}

int hb_an_load(struct hb_db *db, bool postgres, struct hb_an **out, struct hb_error *err)
{
    struct hb_an *an = hb_an_new();
    an->window_ms = postgres ? WINDOW_PG_MS : WINDOW_SQLITE_MS;
    /* SQLite sorts the stays by time in files, not in memory: at national
     * scale (17 million stays) that was 200 MB of peak memory instead of 1.7 GB,
     * and faster than reading them by the patient index. */
    struct hb_error ignore = {0};
    if (!postgres)
        hb_db_exec(db, "PRAGMA temp_store=FILE", &ignore);
    /* One snapshot: a change committed during the load is either in it or
     * after the change-log mark taken inside it. */
    int rc =
        hb_db_exec(db, postgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", err);
    if (rc == 0) {
        rc = load_all(db, an, err);
        hb_db_exec(db, rc ? "ROLLBACK" : "COMMIT", rc ? &ignore : err);
    }
    if (!postgres)
        hb_db_exec(db, "PRAGMA temp_store=MEMORY", &ignore);
    if (rc) {
        hb_an_free(an);
        return rc;
    }
    *out = an;
    return 0;
}

/* ---- refresh ---- */
static int case_refresh(struct hb_db *db, struct hb_an *an, int64_t id, int64_t today,
                        struct hb_error *err)
{
    struct case_acc *acc = hb_xcalloc(1, sizeof(*acc));
    acc->today = today;
    int rc = rows(db, SQL_CASE, &id, case_row, an, acc, err);
    if (rc == 0)
        case_flush(an, acc);
    free(acc);
    return rc;
}

/* A change the refresh applies after its scan of the change log. */
enum change_kind { CH_PATIENT, CH_STAY, CH_CASE, CH_UNITS /* units, beds, catchment */ };
struct change {
    int64_t seq, rid, version;
    enum change_kind kind;
};

struct change_ctx {
    const struct an_imap *applied; /* seqs applied inside the window, for skipping */
    struct change *todo;
    int ntodo, todo_cap;
    bool units; /* a CH_UNITS among them */
};

static void push(struct change_ctx *c, struct change ch)
{
    if (c->ntodo == c->todo_cap) {
        c->todo_cap = c->todo_cap ? c->todo_cap * 2 : 64;
        c->todo = hb_xrealloc(c->todo, (size_t)c->todo_cap * sizeof(*c->todo));
    }
    c->todo[c->ntodo++] = ch;
    c->units = c->units || ch.kind == CH_UNITS;
}

static void change_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    struct change_ctx *c = ctx;
    int64_t seq = hb_stmt_col_int(st, 0);
    if (hb__imap_get(c->applied, seq) >= 0)
        return;
    const char *rt = hb_stmt_col(st, 1, NULL);
    bool stay = is(rt, "Encounter", NULL, NULL);
    /* What the plan and survey snapshot counts: plans, their goals and tasks,
     * stays (priority groups) and survey imports. */
    if (stay || is(rt, "CarePlan", "Goal", "Task") || is(rt, "SurveyResults", NULL, NULL))
        an->plans_changed = true;
    struct change ch = {
        .seq = seq, .rid = hb_stmt_col_int(st, 2), .version = hb_stmt_col_int(st, 3)};
    if (is(rt, "Patient", NULL, NULL))
        ch.kind = CH_PATIENT;
    else if (stay)
        ch.kind = CH_STAY;
    else if (is(rt, "DischargeReadyCase", NULL, NULL))
        ch.kind = CH_CASE;
    else if (is(rt, "Location", "UnitServes", NULL))
        ch.kind = CH_UNITS;
    else
        return;
    push(c, ch);
}

static void stay_change(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    const int64_t *version = ctx;
    if (hb_stmt_col_int(st, 7) != *version)
        return; /* a later change of this stay follows: apply that one */
    stay_row(an, st, NULL);
}

/* CH_UNITS is applied once for all, before the rest (load_units). */
static int apply_change(struct hb_db *db, struct hb_an *an, const struct change *ch, int64_t today,
                        struct hb_error *err)
{
    switch (ch->kind) {
    case CH_PATIENT:
        return rows(db, SQL_PATIENT, &ch->rid, patient_row, an, NULL, err);
    case CH_STAY:
        return rows(db, SQL_STAY, &ch->rid, stay_change, an, (void *)&ch->version, err);
    case CH_CASE:
        return case_refresh(db, an, ch->rid, today, err);
    case CH_UNITS:
        break;
    }
    return 0;
}

static void open_case_row(struct hb_an *an, struct hb_stmt *st, void *ctx)
{
    (void)an;
    push(ctx, (struct change){.rid = hb_stmt_col_int(st, 0), .kind = CH_CASE});
}

int hb_an_refresh(struct hb_db *db, struct hb_an *an, struct hb_error *err)
{
    int64_t now = hb_now_us(), today = hb_local_day(now);
    struct change_ctx c = {.applied = &an->applied_ix};
    const int64_t window_id = an->window_ms << 22; /* ids are ms << 22 */
    int64_t from = an->seen_change - window_id;
    int rc = rows(db, SQL_CHANGES, &from, change_row, an, &c, err);
    /* A unit, its beds or catchment changed: read the units again, before
     * the stays (a new unit's first stay may be among them). */
    if (rc == 0 && c.units)
        rc = load_units(db, an, err);
    for (int i = 0; rc == 0 && i < c.ntodo; i++) {
        const struct change *ch = &c.todo[i];
        if ((rc = apply_change(db, an, ch, today, err)))
            break;
        if (ch->seq > an->seen_change)
            an->seen_change = ch->seq;
        if (an->napplied == an->applied_cap) {
            an->applied_cap = an->applied_cap ? an->applied_cap * 2 : 256;
            an->applied = hb_xrealloc(an->applied, (size_t)an->applied_cap * sizeof(int64_t));
        }
        an->applied[an->napplied++] = ch->seq;
        hb__imap_put(&an->applied_ix, ch->seq, 1);
    }
    free(c.todo);
    if (rc)
        return rc;
    /* Forget applied seqs that fell out of the window. */
    int keep = 0;
    for (int i = 0; i < an->napplied; i++) {
        if (an->applied[i] > an->seen_change - window_id)
            an->applied[keep++] = an->applied[i];
        else
            hb__imap_del(&an->applied_ix, an->applied[i]);
    }
    an->napplied = keep;

    int64_t obs_from = an->seen_obs - window_id, alert_from = an->seen_alert - window_id,
            event_from = an->seen_alert_event - window_id,
            consult_from = an->seen_consult - an->window_ms * 1000;
    if ((rc = rows(db, SQL_OBS_NEW, &obs_from, obs_row, an, &an->seen_obs, err)) ||
        (rc = rows(db, SQL_ALERTS, &alert_from, alert_row, an, &an->seen_alert, err)) ||
        (rc = rows(db, SQL_ALERT_EVENTS, &event_from, alert_row, an, &an->seen_alert_event, err)) ||
        (rc = rows(db, SQL_CONSULTS, &consult_from, consult_row, an, &an->seen_consult, err)))
        return rc;
    /* A new day: open cases owe one more day. */
    if (today != an->case_day) {
        struct change_ctx open = {0};
        rc = rows(db, SQL_OPEN_CASES, NULL, open_case_row, an, &open, err);
        for (int i = 0; rc == 0 && i < open.ntodo; i++)
            rc = apply_change(db, an, &open.todo[i], today, err);
        free(open.todo);
        if (rc)
            return rc;
        an->case_day = today;
    }
    hb_an_set_now(an, hb_local_minutes(now));
    return 0;
}
