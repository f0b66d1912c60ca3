/* discharge: cases, messages, accrued days, statements. */
#include "discharge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../org/org.h"
#include "../patient/patient.h"
#include "../core/banned.h"

static const struct {
    const char *kind, *label;
    enum hb_dr_kind code;
    bool municipality; /* sent by the municipality, not the hospital */
} kinds[] = {
    {"admitted", "Melding om innlagt pasient", HB_DR_ADMITTED, false},
    {"ready", "Melding om utskrivningsklar pasient", HB_DR_READY, false},
    {"receive", "Kommunen tar imot pasienten", HB_DR_RECEIVE, true},
    {"cannot", "Kommunen kan ikke ta imot ennå", HB_DR_CANNOT, true},
    {"cancelled", "Avmelding av utskrivningsklar pasient", HB_DR_CANCELLED, false},
    {"readmitted", "Reinnlagt for ny sykdom", HB_DR_READMITTED, false},
    {"discharged", "Melding om utskrevet pasient", HB_DR_DISCHARGED, false},
};
enum { N_KINDS = sizeof(kinds) / sizeof(kinds[0]) };

static int kind_index(const char *k)
{
    for (int i = 0; k && i < N_KINDS; i++)
        if (strcmp(k, kinds[i].kind) == 0)
            return i;
    return -1;
}

int hb_discharge_kind(const char *kind)
{
    int k = kind_index(kind);
    return k < 0 ? -1 : (int)kinds[k].code;
}

static const struct {
    const char *status, *label;
} statuses[] = {{"admitted", "Innlagt, varslet kommunen"},
                {"ready", "Utskrivningsklar, venter på kommunen"},
                {"offered", "Kommunen har gitt tilbud"},
                {"closed", "Avsluttet"}};

static const char *status_label(const char *s)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (strcmp(s, statuses[i].status) == 0)
            return statuses[i].label;
    return s;
}

/* ---- loading ---- */
struct dcase {
    int64_t id, patient_id, unit_id, unit_parent, municipality_id, created_at;
    int version;
    char status[16];
    const char *unit_name, *municipality_name;
};

#define CASE_COLS                                                                          \
    "c.id, c.patient_id, c.unit_id, u.parent_id, c.municipality_id, c.status, c.version,"  \
    " c.created_at, u.name, m.name"
#define CASE_FROM                                                                          \
    " FROM discharge_case c JOIN org u ON u.id = c.unit_id JOIN org m ON m.id ="          \
    " c.municipality_id"

static const char SQL_CASE_GET[] = "SELECT " CASE_COLS CASE_FROM " WHERE c.id = ?";

static void read_case(struct hb_stmt *st, struct hb_arena *a, struct dcase *c)
{
    c->id = hb_stmt_col_int(st, 0);
    c->patient_id = hb_stmt_col_int(st, 1);
    c->unit_id = hb_stmt_col_int(st, 2);
    c->unit_parent = hb_stmt_col_int(st, 3);
    c->municipality_id = hb_stmt_col_int(st, 4);
    snprintf(c->status, sizeof(c->status), "%s", hb_stmt_col(st, 5, NULL));
    c->version = (int)hb_stmt_col_int(st, 6);
    c->created_at = hb_stmt_col_int(st, 7);
    c->unit_name = hb_arena_strdup(a, hb_stmt_col(st, 8, NULL));
    c->municipality_name = hb_arena_strdup(a, hb_stmt_col(st, 9, NULL));
}

struct case_read {
    struct hb_arena *a;
    struct dcase *c;
};

static void read_case_cb(struct hb_stmt *st, void *arg)
{
    struct case_read *r = arg;
    read_case(st, r->a, r->c);
}

static int case_get(struct hb_db *db, int64_t id, struct hb_arena *a, struct dcase *c,
                    struct hb_error *err)
{
    struct case_read r = {a, c};
    int rc = hb_db_one(db, SQL_CASE_GET, id, read_case_cb, &r, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Saken finnes ikke");
    return rc < 0 ? rc : 0;
}

static const char SQL_EVENTS[] =
    "SELECT e.kind, e.at, e.day, e.place, e.note, u.name FROM discharge_event e"
    " LEFT JOIN app_user u ON u.id = e.user_id WHERE e.case_id = ? ORDER BY e.id";

enum { MAX_EVENTS = 64 };

/* Loads a case's events for the payment rule and, when timeline is not NULL,
 * as JSON. Returns the count or <0. */
static int events_of(struct hb_db *db, int64_t case_id, struct hb_dr_event *ev,
                     json_t *timeline, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_EVENTS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, case_id);
    int n = 0;
    while (n < MAX_EVENTS && (rc = hb_stmt_step(st, err)) == 1) {
        int k = kind_index(hb_stmt_col(st, 0, NULL));
        if (k < 0)
            continue;
        const char *day = hb_stmt_col(st, 2, NULL);
        ev[n].kind = kinds[k].code;
        ev[n].at = hb_stmt_col_int(st, 1);
        ev[n].date = 0;
        if (day)
            hb_date_days(day, &ev[n].date);
        if (timeline) {
            char when[32];
            hb_time_no(ev[n].at, when, sizeof(when));
            json_t *e = json_pack("{s:s,s:s,s:s,s:b}", "kind", kinds[k].kind, "label",
                                  kinds[k].label, "timeLocal", when, "fromMunicipality",
                                  kinds[k].municipality);
            const char *place = hb_stmt_col(st, 3, NULL), *note = hb_stmt_col(st, 4, NULL),
                       *by = hb_stmt_col(st, 5, NULL);
            if (day)
                json_object_set_new(e, "day", json_string(day));
            if (place)
                json_object_set_new(e, "place", json_string(place));
            if (note)
                json_object_set_new(e, "note", json_string(note));
            if (by)
                json_object_set_new(e, "by", json_string(by));
            json_array_append_new(timeline, e);
        }
        n++;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : n;
}

static const char SQL_RATES[] = "SELECT year, nok_per_day FROM discharge_rate ORDER BY year";
enum { MAX_RATES = 64 };

static int rates_of(struct hb_db *db, struct hb_dr_rate *r, int *n, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_RATES, &st, err);
    if (rc)
        return rc;
    *n = 0;
    while (*n < MAX_RATES && (rc = hb_stmt_step(st, err)) == 1) {
        r[*n].year = (int)hb_stmt_col_int(st, 0);
        r[*n].nok = (int)hb_stmt_col_int(st, 1);
        (*n)++;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int64_t today(void)
{
    return hb_local_day(hb_now_us());
}

/* ---- who may do what ---- */
static bool hospital_side(const struct hb_user *u, const struct dcase *c)
{
    return u->role == HB_ROLE_HOSPITAL && (u->org_id == c->unit_id || u->org_id == c->unit_parent);
}

static bool municipality_side(const struct hb_user *u, const struct dcase *c)
{
    return (u->role == HB_ROLE_ALLOCATION || u->role == HB_ROLE_MUNICIPAL) &&
           u->municipality_id == c->municipality_id;
}

/* ---- opening a case ---- */
static const char SQL_WARD_STAY[] =
    "SELECT s.unit_id FROM stay s JOIN org u ON u.id = s.unit_id WHERE s.patient_id = ?"
    " AND s.end_at IS NULL AND u.unit_type = 'hospital-ward' AND (u.id = ? OR u.parent_id = ?)";
static const char SQL_OPEN_CASE_OF[] =
    "SELECT id FROM discharge_case WHERE patient_id = ? AND status <> 'closed'";
static const char SQL_MUNI_BY_NR[] =
    "SELECT id FROM org WHERE type = 'municipality' AND kommunenummer = ?";
static const char SQL_RESIDENCE[] = "SELECT municipality_id FROM patient WHERE id = ?";
static const char SQL_CASE_ADD[] =
    "INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version,"
    " created_at) VALUES (?, ?, ?, ?, 'admitted', 1, ?)";
static const char SQL_EVENT_ADD[] =
    "INSERT INTO discharge_event (id, case_id, kind, at, day, place, note, user_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CASE_SET[] =
    "UPDATE discharge_case SET status = ?, version = version + 1 WHERE id = ? AND version = ?";

struct msg {
    const struct hb_user *u;
    int64_t case_id, patient_id, at;
    const char *kommunenummer, *kind, *day, *place, *note;
};

static int first_id(struct hb_db *db, const char *sql, int64_t a, int64_t b, int64_t c,
                    int nparams, int64_t *out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    int64_t v[3] = {a, b, c};
    for (int i = 0; i < nparams; i++)
        hb_stmt_int(st, i + 1, v[i]);
    *out = 0;
    if ((rc = hb_stmt_step(st, err)) == 1)
        *out = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int event_add(struct hb_db *db, const struct msg *m, const struct dcase *c,
                     const char *new_status, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_EVENT_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, c->id);
    hb_stmt_text(st, 3, m->kind);
    hb_stmt_int(st, 4, m->at);
    hb_stmt_text(st, 5, m->day);
    hb_stmt_text(st, 6, m->place);
    hb_stmt_text(st, 7, m->note);
    hb_stmt_int(st, 8, m->u->id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    if (new_status) {
        if ((rc = hb_db_stmt(db, SQL_CASE_SET, &st, err)))
            return rc;
        hb_stmt_text(st, 1, new_status);
        hb_stmt_int(st, 2, c->id);
        hb_stmt_int(st, 3, c->version);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)c->id);
    json_t *r = json_pack("{s:s,s:s,s:I,s:I,s:s,s:s}", "type", "DischargeReadyCase", "id", id,
                          "patient", (json_int_t)c->patient_id, "municipality",
                          (json_int_t)c->municipality_id, "status",
                          new_status ? new_status : c->status, "message", m->kind);
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    rc = hb_store_change(db, "DischargeReadyCase", c->id, c->version + (new_status ? 1 : 0),
                         m->u->id, strcmp(m->kind, "admitted") == 0 ? "create" : "update", text,
                         strlen(text), err);
    free(text);
    if (rc)
        return rc;
    char what[48];
    snprintf(what, sizeof(what), "DischargeReadyCase/%lld", (long long)c->id);
    struct hb_audit a = {.patient_id = c->patient_id,
                         .action = strcmp(m->kind, "admitted") == 0 ? "create" : "update",
                         .what = what,
                         .relation = hospital_side(m->u, c) ? "stay" : "discharge-notice",
                         .allowed = true};
    return hb_audit_add(db, m->u, &a, err);
}

static int open_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct msg *m = arg;
    int64_t ward, open, muni;
    struct hb_stmt *st;
    int rc = first_id(db, SQL_WARD_STAY, m->patient_id, m->u->org_id, m->u->org_id, 3, &ward, err);
    if (rc)
        return rc;
    if (!ward)
        return hb_fail(err, HB_CONFLICT, "patientId",
                       "Pasienten er ikke innlagt på en avdeling der du jobber");
    if ((rc = first_id(db, SQL_OPEN_CASE_OF, m->patient_id, 0, 0, 1, &open, err)))
        return rc;
    if (open)
        return hb_fail(err, HB_CONFLICT, "patientId",
                       "Pasienten har allerede en åpen sak om utskrivningsklar pasient");
    if (m->kommunenummer) {
        if ((rc = hb_db_stmt(db, SQL_MUNI_BY_NR, &st, err)))
            return rc;
        hb_stmt_text(st, 1, m->kommunenummer);
        muni = 0;
        if ((rc = hb_stmt_step(st, err)) == 1)
            muni = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
    } else if ((rc = first_id(db, SQL_RESIDENCE, m->patient_id, 0, 0, 1, &muni, err))) {
        return rc;
    }
    if (!muni)
        return hb_fail(err, HB_INVALID, "municipality",
                       "Oppgi kommunen pasienten oppholder seg i (kommunenummer)");
    struct dcase c = {.id = hb_id_new(), .patient_id = m->patient_id, .unit_id = ward,
                      .municipality_id = muni, .version = 0};
    snprintf(c.status, sizeof(c.status), "admitted");
    if ((rc = hb_db_stmt(db, SQL_CASE_ADD, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c.id);
    hb_stmt_int(st, 2, c.patient_id);
    hb_stmt_int(st, 3, c.unit_id);
    hb_stmt_int(st, 4, c.municipality_id);
    hb_stmt_int(st, 5, m->at);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    c.version = 1;
    c.unit_parent = m->u->org_id; /* hospital side by construction */
    m->case_id = c.id;
    return event_add(db, m, &c, NULL, err);
}

/* A message's time: now, or when it was sent if given, which is not in the future. */
static int message_time(int64_t at, int64_t *out, struct hb_error *err)
{
    int64_t now = hb_now_us();
    if (at > now + 60LL * 1000000)
        return hb_fail(err, HB_INVALID, "at", "Tidspunktet kan ikke ligge fram i tid");
    *out = at ? at : now;
    return 0;
}

int hb_discharge_open(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                      const char *kommunenummer, int64_t at, int64_t *case_id,
                      struct hb_error *err)
{
    if (u->role != HB_ROLE_HOSPITAL)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Bare sykehusets klinikere melder innlagte pasienter");
    if (kommunenummer && strlen(kommunenummer) != 4)
        return hb_fail(err, HB_INVALID, "municipality", "Kommunenummer har fire sifre");
    struct msg m = {.u = u, .patient_id = patient_id, .kommunenummer = kommunenummer,
                    .kind = "admitted"};
    int rc = message_time(at, &m.at, err);
    if (rc)
        return rc;
    rc = hb_store_write(s, open_tx, &m, err);
    if (rc == 0)
        *case_id = m.case_id;
    return rc;
}

/* ---- messages ---- */
static int add_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct msg *m = arg;
    struct hb_arena *a = hb_arena_new();
    struct dcase c;
    int rc = case_get(db, m->case_id, a, &c, err);
    int k = kind_index(m->kind);
    const char *next = NULL;
    if (rc)
        goto out;
    if (kinds[k].municipality ? !municipality_side(m->u, &c) : !hospital_side(m->u, &c)) {
        rc = hb_fail(err, HB_FORBIDDEN, NULL,
                     kinds[k].municipality
                         ? "Bare kommunen saken er sendt til kan svare"
                         : "Bare avdelingen der pasienten ligger kan sende denne meldingen");
        goto out;
    }
    bool waiting = strcmp(c.status, "ready") == 0 || strcmp(c.status, "offered") == 0;
    if (strcmp(c.status, "closed") == 0)
        rc = hb_fail(err, HB_CONFLICT, "kind", "Saken er avsluttet");
    else if (strcmp(m->kind, "ready") == 0)
        rc = strcmp(c.status, "admitted") == 0
                 ? 0
                 : hb_fail(err, HB_CONFLICT, "kind", "Pasienten er allerede meldt utskrivningsklar");
    else if ((strcmp(m->kind, "receive") == 0 || strcmp(m->kind, "cannot") == 0 ||
              strcmp(m->kind, "cancelled") == 0 || strcmp(m->kind, "readmitted") == 0) &&
             !waiting)
        rc = hb_fail(err, HB_CONFLICT, "kind", "Pasienten er ikke meldt utskrivningsklar ennå");
    if (rc)
        goto out;
    static const char SQL_LAST_AT[] = "SELECT MAX(at) FROM discharge_event WHERE case_id = ?";
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_LAST_AT, &st, err)))
        goto out;
    hb_stmt_int(st, 1, c.id);
    int64_t last = (rc = hb_stmt_step(st, err)) == 1 ? hb_stmt_col_int(st, 0) : 0;
    hb_stmt_done(st);
    if (rc < 0)
        goto out;
    if (m->at < last) {
        rc = hb_fail(err, HB_CONFLICT, "at",
                     "Meldingen kan ikke være sendt før sakens forrige melding");
        goto out;
    }
    next = strcmp(m->kind, "ready") == 0 || strcmp(m->kind, "cannot") == 0 ? "ready"
           : strcmp(m->kind, "receive") == 0                             ? "offered"
                                                                         : "closed";
    rc = event_add(db, m, &c, next, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_discharge_add(struct hb_store *s, const struct hb_user *u, int64_t case_id,
                     const char *kind, const char *day, const char *place, const char *note,
                     int64_t at, struct hb_error *err)
{
    int k = kind_index(kind);
    if (k < 0 || strcmp(kind, "admitted") == 0)
        return hb_fail(err, HB_INVALID, "kind",
                       "kind må være ready, receive, cannot, cancelled, readmitted eller "
                       "discharged");
    int64_t d;
    if (day && hb_date_days(day, &d) != 0)
        return hb_fail(err, HB_INVALID, "day", "Datoen må være ÅÅÅÅ-MM-DD");
    if (strcmp(kind, "receive") == 0 && !day)
        return hb_fail(err, HB_INVALID, "day", "Skriv hvilken dag kommunen tar imot pasienten");
    if (strcmp(kind, "receive") == 0 && (!place || strlen(place) < 2))
        return hb_fail(err, HB_INVALID, "place", "Skriv hvor pasienten skal (tilbudet)");
    if ((place && strlen(place) > 200) || (note && strlen(note) > 1000))
        return hb_fail(err, HB_INVALID, place && strlen(place) > 200 ? "place" : "note",
                       "For lang tekst");
    struct msg m = {.u = u, .case_id = case_id, .kind = kind,
                    .day = strcmp(kind, "receive") == 0 || strcmp(kind, "cannot") == 0 ? day
                                                                                       : NULL,
                    .place = strcmp(kind, "receive") == 0 ? place : NULL, .note = note};
    int rc = message_time(at, &m.at, err);
    return rc ? rc : hb_store_write(s, add_tx, &m, err);
}

/* ---- reading ---- */
static const char SQL_CASES_HOSPITAL[] =
    "SELECT " CASE_COLS CASE_FROM
    " WHERE (u.id = ? OR u.parent_id = ?) ORDER BY c.created_at LIMIT 500";
static const char SQL_CASES_MUNICIPALITY[] =
    "SELECT " CASE_COLS CASE_FROM " WHERE c.municipality_id = ? ORDER BY c.created_at LIMIT 500";

/* Fills the JSON summary of a case: status, days and NOK accrued. */
static int case_json(struct hb_db *db, const struct dcase *c, const struct hb_dr_rate *rates,
                     int nrates, json_t *timeline, struct hb_arena *a, json_t **out,
                     struct hb_error *err)
{
    struct hb_dr_event ev[MAX_EVENTS];
    int n = events_of(db, c->id, ev, timeline, err);
    if (n < 0)
        return n;
    int64_t first, end;
    int days = hb_dr_paid_days(ev, n, today(), &first, &end);
    bool provisional = false;
    int64_t nok = hb_dr_amount(first, end, rates, nrates, &provisional);
    char since[32], from[16] = "";
    hb_time_no(c->created_at, since, sizeof(since));
    if (days)
        hb_days_date(first, from, sizeof(from));
    *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:b,s:s?}", "id",
                     hb_arena_printf(a, "%lld", (long long)c->id), "status", c->status,
                     "statusLabel", status_label(c->status), "ward", c->unit_name,
                     "municipality", c->municipality_name, "openedLocal", since, "paidDays",
                     days, "amountNok", (json_int_t)nok, "provisionalRate", provisional,
                     "paidFrom", days ? from : NULL);
    return 0;
}

/* Adds the patient's name where u has a relation, and an audit record. */
static int with_patient(struct hb_db *db, const struct hb_user *u, const struct dcase *c,
                        json_t *j, struct hb_audit *audit, struct hb_arena *a,
                        struct hb_error *err)
{
    struct hb_patient_ref ref;
    const char *relation = NULL, *reason = NULL;
    int rc = hb_patient_ref(db, c->patient_id, &ref, err);
    if (rc == 0)
        rc = hb_policy_check(db, u, &ref, a, &relation, &reason, err);
    if (rc == HB_FORBIDDEN) {
        audit->action = NULL;
        return 0;
    }
    if (rc)
        return rc;
    static const char SQL_NAME[] = "SELECT given || ' ' || family, birth_date FROM patient WHERE id = ?";
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_NAME, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c->patient_id);
    if ((rc = hb_stmt_step(st, err)) == 1)
        json_object_set_new(j, "patient",
                            json_pack("{s:s,s:s,s:s}", "id",
                                      hb_arena_printf(a, "%lld", (long long)c->patient_id),
                                      "name", hb_stmt_col(st, 0, NULL), "birthDate",
                                      hb_stmt_col(st, 1, NULL)));
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    *audit = (struct hb_audit){.patient_id = c->patient_id, .action = "read",
                               .what = hb_arena_printf(a, "DischargeReadyCase/%lld",
                                                       (long long)c->id),
                               .relation = relation, .reason = reason, .allowed = true};
    return 0;
}

int hb_discharge_list(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                      json_t **out, struct hb_error *err)
{
    bool hospital = u->role == HB_ROLE_HOSPITAL;
    bool municipal = (u->role == HB_ROLE_ALLOCATION || u->role == HB_ROLE_MUNICIPAL) &&
                     u->municipality_id;
    if (!hospital && !municipal)
        return hb_fail(err, HB_FORBIDDEN, NULL,
                       "Listen er for sykehusets avdelinger og kommunens tildelingskontor");
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_dr_rate rates[MAX_RATES];
    int nrates = 0, rc = rates_of(db, rates, &nrates, err);
    struct dcase *cases = hb_arena_alloc(arena, sizeof(*cases) * 500);
    int n = 0;
    struct hb_stmt *st;
    if (rc == 0 && (rc = hb_db_stmt(db, hospital ? SQL_CASES_HOSPITAL : SQL_CASES_MUNICIPALITY,
                                    &st, err)) == 0) {
        hb_stmt_int(st, 1, hospital ? u->org_id : u->municipality_id);
        if (hospital)
            hb_stmt_int(st, 2, u->org_id);
        while (n < 500 && (rc = hb_stmt_step(st, err)) == 1)
            read_case(st, arena, &cases[n++]);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_t *list = json_array();
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)(n ? n : 1));
    int naudit = 0;
    json_int_t days_total = 0, nok_total = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *j;
        if ((rc = case_json(db, &cases[i], rates, nrates, NULL, arena, &j, err)))
            break;
        struct hb_audit au = {0};
        if ((rc = with_patient(db, u, &cases[i], j, &au, arena, err))) {
            json_decref(j);
            break;
        }
        if (au.action)
            audits[naudit++] = au;
        days_total += json_integer_value(json_object_get(j, "paidDays"));
        nok_total += json_integer_value(json_object_get(j, "amountNok"));
        json_array_append_new(list, j);
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:s,s:o,s:{s:I,s:I}}", "side", hospital ? "hospital" : "municipality",
                     "cases", list, "totals", "paidDays", days_total, "amountNok", nok_total);
    return 0;
}

int hb_discharge_get(struct hb_store *s, const struct hb_user *u, int64_t case_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct dcase c;
    struct hb_dr_rate rates[MAX_RATES];
    int nrates = 0;
    json_t *j = NULL, *timeline = json_array();
    struct hb_audit au = {0};
    int rc = case_get(db, case_id, arena, &c, err);
    if (rc == 0 && !hospital_side(u, &c) && !municipality_side(u, &c))
        rc = hb_fail(err, HB_FORBIDDEN, NULL, "Saken gjelder ikke din avdeling eller kommune");
    if (rc == 0)
        rc = rates_of(db, rates, &nrates, err);
    if (rc == 0)
        rc = case_json(db, &c, rates, nrates, timeline, arena, &j, err);
    if (rc == 0)
        rc = with_patient(db, u, &c, j, &au, arena, err);
    hb_store_release(s, db);
    if (rc == 0 && au.action)
        rc = hb_audit_write(s, u, &au, 1, err);
    if (rc) {
        json_decref(j);
        json_decref(timeline);
        return rc;
    }
    json_object_set_new(j, "timeline", timeline);
    json_object_set_new(j, "canAnswer", json_boolean(municipality_side(u, &c)));
    json_object_set_new(j, "canNotify", json_boolean(hospital_side(u, &c)));
    *out = j;
    return 0;
}

/* ---- the monthly statement ---- */
static const char SQL_CASES_STATEMENT[] =
    "SELECT " CASE_COLS CASE_FROM " WHERE c.municipality_id = ? ORDER BY c.created_at";

int hb_discharge_statement(struct hb_store *s, const struct hb_user *u,
                           const char *kommunenummer, const char *month, struct hb_arena *arena,
                           json_t **out, struct hb_error *err)
{
    int64_t m_first, m_end;
    char buf[16];
    snprintf(buf, sizeof(buf), "%.7s-01", month ? month : "");
    if (!month || strlen(month) != 7 || hb_date_days(buf, &m_first) != 0)
        return hb_fail(err, HB_INVALID, "month", "Måneden må være ÅÅÅÅ-MM");
    int64_t y = 0, mo = 0;
    hb_parse_i64(month, 4, 1900, 2200, &y);
    hb_parse_i64(month + 5, 2, 1, 12, &mo);
    snprintf(buf, sizeof(buf), "%04d-%02d-01", (int)(mo == 12 ? y + 1 : y) % 10000,
             (int)(mo == 12 ? 1 : mo + 1) % 100);
    hb_date_days(buf, &m_end);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t muni = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MUNI_BY_NR, &st, err);
    if (rc == 0) {
        hb_stmt_text(st, 1, kommunenummer ? kommunenummer : "");
        if ((rc = hb_stmt_step(st, err)) == 1)
            muni = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && !muni)
        rc = hb_fail(err, HB_INVALID, "municipality", "Ukjent kommunenummer");
    bool allowed = u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_ANALYST ||
                   u->role == HB_ROLE_ADMIN ||
                   ((u->role == HB_ROLE_ALLOCATION || u->role == HB_ROLE_MUNICIPAL) &&
                    u->municipality_id == muni);
    if (rc == 0 && !allowed)
        rc = hb_fail(err, HB_FORBIDDEN, NULL, "Oppgjøret gjelder en annen kommune");
    struct hb_dr_rate rates[MAX_RATES];
    int nrates = 0;
    if (rc == 0)
        rc = rates_of(db, rates, &nrates, err);
    struct dcase *cases = hb_arena_alloc(arena, sizeof(*cases) * 2000);
    int n = 0;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_CASES_STATEMENT, &st, err)) == 0) {
        hb_stmt_int(st, 1, muni);
        while (n < 2000 && (rc = hb_stmt_step(st, err)) == 1)
            read_case(st, arena, &cases[n++]);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    json_t *lines = json_array();
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)(n ? n : 1));
    int naudit = 0;
    json_int_t days_total = 0, nok_total = 0;
    bool any_provisional = false;
    for (int i = 0; rc == 0 && i < n; i++) {
        struct hb_dr_event ev[MAX_EVENTS];
        int ne = events_of(db, cases[i].id, ev, NULL, err);
        if (ne < 0) {
            rc = ne;
            break;
        }
        int64_t first, end;
        hb_dr_paid_days(ev, ne, today(), &first, &end);
        if (first < m_first)
            first = m_first;
        if (end > m_end)
            end = m_end;
        if (end <= first)
            continue;
        bool prov = false;
        int64_t nok = hb_dr_amount(first, end, rates, nrates, &prov);
        any_provisional |= prov;
        char from[16], to[16];
        hb_days_date(first, from, sizeof(from));
        hb_days_date(end - 1, to, sizeof(to));
        json_t *line = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:b}", "caseId",
                                 hb_arena_printf(arena, "%lld", (long long)cases[i].id), "ward",
                                 cases[i].unit_name, "from", from, "to", to, "days",
                                 (json_int_t)(end - first), "amountNok", (json_int_t)nok,
                                 "provisionalRate", prov);
        struct hb_audit au = {0};
        if ((rc = with_patient(db, u, &cases[i], line, &au, arena, err))) {
            json_decref(line);
            break;
        }
        if (au.action)
            audits[naudit++] = au;
        days_total += end - first;
        nok_total += nok;
        json_array_append_new(lines, line);
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)naudit, err);
    if (rc) {
        json_decref(lines);
        return rc;
    }
    *out = json_pack("{s:s,s:s,s:o,s:{s:I,s:I},s:b}", "municipality", kommunenummer, "month",
                     month, "lines", lines, "totals", "days", days_total, "amountNok",
                     nok_total, "provisionalRate", any_provisional);
    return 0;
}

/* ---- FHIR Flag ---- */
static const char SQL_CASES_OF[] =
    "SELECT id FROM discharge_case WHERE patient_id = ? ORDER BY id DESC LIMIT ?";

int hb_discharge_cases_of(struct hb_db *db, int64_t patient_id, int64_t *ids, int max, int *n,
                          struct hb_error *err)
{
    return hb_db_ids(db, SQL_CASES_OF, patient_id, ids, max, n, err);
}

int hb_discharge_flag(struct hb_db *db, int64_t case_id, json_t **out, int64_t *patient_id,
                      struct hb_error *err)
{
    struct hb_arena *a = hb_arena_new();
    struct dcase c;
    struct hb_dr_event ev[MAX_EVENTS];
    int rc = case_get(db, case_id, a, &c, err);
    int n = rc == 0 ? events_of(db, case_id, ev, NULL, err) : 0;
    if (rc == 0 && n < 0)
        rc = n;
    if (rc) {
        hb_arena_free(a);
        return rc;
    }
    int64_t first, end, start = c.created_at;
    int days = hb_dr_paid_days(ev, n, today(), &first, &end);
    for (int i = 0; i < n; i++)
        if (ev[i].kind == HB_DR_READY)
            start = ev[i].at;
    char id[24], when[32], subject[40], author[48];
    snprintf(id, sizeof(id), "%lld", (long long)c.id);
    hb_time_iso(start, when, sizeof(when));
    snprintf(subject, sizeof(subject), "Patient/%lld", (long long)c.patient_id);
    snprintf(author, sizeof(author), "Location/%lld", (long long)c.unit_id);
    *out = json_pack(
        "{s:s,s:s,s:s,s:[{s:[{s:s,s:s,s:s}]}],s:{s:[{s:s,s:s,s:s}],s:s},s:{s:s},s:{s:s},"
        "s:{s:s},s:[{s:s,s:i}]}",
        "resourceType", "Flag", "id", id, "status",
        strcmp(c.status, "closed") == 0 ? "inactive" : "active", "category", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/flag-category", "code", "admin", "display",
        "Administrative", "code", "coding", "system",
        "https://helsebro.no/fhir/CodeSystem/discharge-ready-status", "code", c.status, "display",
        status_label(c.status), "text",
        hb_arena_printf(a, "Utskrivningsklar pasient: %s", status_label(c.status)), "subject",
        "reference", subject, "period", "start", when, "author", "reference", author,
        "extension", "url", "https://helsebro.no/fhir/StructureDefinition/discharge-paid-days",
        "valueInteger", days);
    *patient_id = c.patient_id;
    hb_arena_free(a);
    return 0;
}
