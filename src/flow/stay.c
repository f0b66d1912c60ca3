/* flow: beds, stays (admit, move, discharge) and the bed board. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../org/org.h"
#include "flow.h"
#include "../core/banned.h"

#define DAY_US (86400LL * 1000000)

struct code_label {
    const char *code, *label;
};
#define HB_CL_ROW(code, label) {code, label},
static const struct code_label sources[] = {HB_STAY_SOURCES(HB_CL_ROW){NULL, NULL}};
static const struct code_label destinations[] = {HB_DISCHARGE_TO(HB_CL_ROW){NULL, NULL}};
static const struct code_label priority_groups[] = {HB_PRIORITY_GROUPS(HB_CL_ROW){NULL, NULL}};
static const struct code_label bed_states[] = {
    {"free", "Ledig"},         {"occupied", "Opptatt"}, {"reserved", "Reservert"},
    {"cleaning", "Vask/klargjøring"}, {"closed", "Stengt"}, {NULL, NULL}};
#undef HB_CL_ROW

static const char *label_of(const struct code_label *t, const char *code)
{
    for (; code && t->code; t++)
        if (strcmp(t->code, code) == 0)
            return t->label;
    return NULL;
}

/* ---- beds ---- */
static const char SQL_BED_ADD[] =
    "INSERT INTO bed (unit_id, number, state, version, updated_at) VALUES (?, ?, 'free', 1, ?)";
static const char SQL_BED_BUSY_ABOVE[] =
    "SELECT number FROM bed WHERE unit_id = ? AND number > ? AND (stay_id IS NOT NULL OR"
    " (state = 'reserved' AND reserved_until > ?)) ORDER BY number LIMIT 1";
static const char SQL_BED_DROP_ABOVE[] = "DELETE FROM bed WHERE unit_id = ? AND number > ?";

int hb_flow_beds_resize(struct hb_db *db, int64_t unit_id, int from, int to,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc;
    if (to < from) {
        if ((rc = hb_db_stmt(db, SQL_BED_BUSY_ABOVE, &st, err)))
            return rc;
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_int(st, 2, to);
        hb_stmt_int(st, 3, hb_now_us());
        rc = hb_stmt_step(st, err);
        int busy = rc == 1 ? (int)hb_stmt_col_int(st, 0) : 0;
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
        if (busy)
            return hb_fail(err, HB_CONFLICT, "beds",
                           "Seng %d har en pasient eller er reservert; flytt eller skriv ut "
                           "først, eller behold flere senger",
                           busy);
        if ((rc = hb_db_stmt(db, SQL_BED_DROP_ABOVE, &st, err)))
            return rc;
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_int(st, 2, to);
        return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
    }
    for (int n = from + 1; n <= to; n++) {
        if ((rc = hb_db_stmt(db, SQL_BED_ADD, &st, err)))
            return rc;
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_int(st, 2, n);
        hb_stmt_int(st, 3, hb_now_us());
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    return 0;
}

static const char SQL_BED_GET[] =
    "SELECT state, reserved_until, stay_id FROM bed WHERE unit_id = ? AND number = ?";
static const char SQL_BED_SET[] =
    "UPDATE bed SET state = ?, reason = ?, reserved_until = ?, stay_id = ?,"
    " version = version + 1, updated_at = ? WHERE unit_id = ? AND number = ?";

struct bed_row {
    char state[16];
    int64_t reserved_until, stay_id;
};

/* 1 found (b filled, an expired reservation read as free), 0 not, <0 error. */
static int bed_get(struct hb_db *db, int64_t unit_id, int bed, struct bed_row *b,
                   struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_BED_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, unit_id);
    hb_stmt_int(st, 2, bed);
    rc = hb_stmt_step(st, err);
    if (rc == 1) {
        snprintf(b->state, sizeof(b->state), "%s", hb_stmt_col(st, 0, NULL));
        b->reserved_until = hb_stmt_col_int(st, 1);
        b->stay_id = hb_stmt_col_int(st, 2);
        if (strcmp(b->state, "reserved") == 0 && b->reserved_until <= hb_now_us())
            snprintf(b->state, sizeof(b->state), "free");
    }
    hb_stmt_done(st);
    return rc;
}

static int bed_set(struct hb_db *db, int64_t unit_id, int bed, const char *state,
                   const char *reason, int64_t until, int64_t stay_id, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_BED_SET, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, state);
    hb_stmt_text(st, 2, reason);
    hb_stmt_int_or_null(st, 3, until);
    hb_stmt_int_or_null(st, 4, stay_id);
    hb_stmt_int(st, 5, hb_now_us());
    hb_stmt_int(st, 6, unit_id);
    hb_stmt_int(st, 7, bed);
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

/* ---- units and permission ---- */
/* Loads unit_id (must be a unit) and checks that u works there or in the
 * organisation that owns it. */
static int unit_for(struct hb_db *db, const struct hb_user *u, int64_t unit_id,
                    struct hb_arena *a, struct hb_org *o, struct hb_error *err)
{
    int rc = hb_org_get_unit(db, unit_id, a, o, "unitId", err);
    if (rc)
        return rc;
    bool clinician = u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_MUNICIPAL;
    if (!clinician || (u->org_id != o->id && u->org_id != o->parent_id))
        return hb_fail(err, HB_FORBIDDEN, NULL,
                       "Bare klinikere som jobber på %s kan legge inn, flytte og skrive ut der",
                       o->name);
    return 0;
}

/* ---- stays ---- */
static const char SQL_PATIENT_REF[] =
    "SELECT municipality_id, gp_user_id FROM patient WHERE id = ?";
static const char SQL_OPEN_STAY_OF[] =
    "SELECT id FROM stay WHERE patient_id = ? AND end_at IS NULL";
static const char SQL_STAY_INSERT[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, version, bed_number, source,"
    " referred_by, priority_group) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)";
static const char SQL_STAY_GET[] =
    "SELECT patient_id, unit_id, start_at, end_at, version, bed_number, source, referred_by,"
    " priority_group, discharge_to FROM stay WHERE id = ?";
static const char SQL_STAY_MOVE_BED[] =
    "UPDATE stay SET bed_number = ?, version = version + 1 WHERE id = ?";
static const char SQL_STAY_END[] =
    "UPDATE stay SET end_at = ?, discharge_to = ?, version = version + 1 WHERE id = ?";

struct stay_row {
    int64_t id, patient_id, unit_id, start_at, end_at;
    int version, bed;
    char source[24], discharge_to[24], priority_group[24];
    char referred_by[101];
};

static int stay_get(struct hb_db *db, int64_t id, struct stay_row *s, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    rc = hb_stmt_step(st, err);
    if (rc == 1) {
        memset(s, 0, sizeof(*s));
        s->id = id;
        s->patient_id = hb_stmt_col_int(st, 0);
        s->unit_id = hb_stmt_col_int(st, 1);
        s->start_at = hb_stmt_col_int(st, 2);
        s->end_at = hb_stmt_col_int(st, 3);
        s->version = (int)hb_stmt_col_int(st, 4);
        s->bed = (int)hb_stmt_col_int(st, 5);
        const char *v;
        if ((v = hb_stmt_col(st, 6, NULL)))
            snprintf(s->source, sizeof(s->source), "%s", v);
        if ((v = hb_stmt_col(st, 7, NULL)))
            snprintf(s->referred_by, sizeof(s->referred_by), "%s", v);
        if ((v = hb_stmt_col(st, 8, NULL)))
            snprintf(s->priority_group, sizeof(s->priority_group), "%s", v);
        if ((v = hb_stmt_col(st, 9, NULL)))
            snprintf(s->discharge_to, sizeof(s->discharge_to), "%s", v);
    }
    hb_stmt_done(st);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "stayId", "Oppholdet finnes ikke");
    return rc < 0 ? rc : 0;
}

static json_t *encounter_of(const struct stay_row *s)
{
    char id[24], ver[16], start[32], end[32], subject[40], loc[48];
    snprintf(id, sizeof(id), "%lld", (long long)s->id);
    snprintf(ver, sizeof(ver), "%d", s->version);
    hb_time_iso(s->start_at, start, sizeof(start));
    snprintf(subject, sizeof(subject), "Patient/%lld", (long long)s->patient_id);
    snprintf(loc, sizeof(loc), "Location/%lld", (long long)s->unit_id);
    json_t *e = json_pack("{s:s,s:s,s:{s:s},s:s,s:{s:s,s:s,s:s},s:{s:s},s:{s:s},s:[{s:{s:s}}]}",
                          "resourceType", "Encounter", "id", id, "meta", "versionId", ver,
                          "status", s->end_at ? "finished" : "in-progress", "class", "system",
                          "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "IMP",
                          "display", "inpatient encounter", "subject", "reference", subject,
                          "period", "start", start, "location", "location", "reference", loc);
    if (s->end_at) {
        hb_time_iso(s->end_at, end, sizeof(end));
        json_object_set_new(json_object_get(e, "period"), "end", json_string(end));
    }
    json_t *hosp = json_object();
    if (s->source[0])
        json_object_set_new(hosp, "admitSource",
                            json_pack("{s:s}", "text", label_of(sources, s->source)));
    if (s->discharge_to[0])
        json_object_set_new(hosp, "dischargeDisposition",
                            json_pack("{s:s}", "text", label_of(destinations, s->discharge_to)));
    if (json_object_size(hosp))
        json_object_set_new(e, "hospitalization", hosp);
    else
        json_decref(hosp);
    return e;
}

int hb_flow_encounter(struct hb_db *db, int64_t stay_id, json_t **out, int64_t *patient_id,
                      struct hb_error *err)
{
    struct stay_row s;
    int rc = stay_get(db, stay_id, &s, err);
    if (rc)
        return rc;
    *out = encounter_of(&s);
    *patient_id = s.patient_id;
    return 0;
}

/* The stay as a FHIR Encounter, appended to the change log with an audit record. */
static int stay_record(struct hb_db *db, const struct hb_user *u, const struct stay_row *s,
                       const char *action, struct hb_error *err)
{
    json_t *e = encounter_of(s);
    char *text = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    int rc = hb_store_change(db, "Encounter", s->id, s->version, u->id, action, text,
                             strlen(text), err);
    free(text);
    if (rc)
        return rc;
    char what[40];
    snprintf(what, sizeof(what), "Encounter/%lld", (long long)s->id);
    struct hb_audit a = {.patient_id = s->patient_id, .action = action, .what = what,
                         .relation = "stay", .allowed = true};
    return hb_audit_add(db, u, &a, err);
}

/* ---- searching stays ---- */
static const char SQL_STAY_SEARCH[] =
    "SELECT id FROM stay WHERE id > ?"
    " AND (CAST(? AS BIGINT) IS NULL OR patient_id = CAST(? AS BIGINT))"
    " AND (CAST(? AS BIGINT) IS NULL OR unit_id = CAST(? AS BIGINT))"
    " AND (CAST(? AS INTEGER) IS NULL OR (CASE WHEN end_at IS NULL THEN 1 ELSE 0 END)"
    " = CAST(? AS INTEGER))"
    " AND (CAST(? AS BIGINT) IS NULL OR (start_at < CAST(? AS BIGINT) AND (end_at IS NULL"
    " OR end_at >= CAST(? AS BIGINT))))"
    " ORDER BY id LIMIT ?";

static void bind_opt_int(struct hb_stmt *st, int i, int64_t v, bool set)
{
    if (set)
        hb_stmt_int(st, i, v);
    else
        hb_stmt_null(st, i);
}

int hb_flow_stay_search(struct hb_db *db, const struct hb_stay_query *q, int64_t *ids, int *n,
                        struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY_SEARCH, &st, err);
    if (rc)
        return rc;
    int open = q->status && strcmp(q->status, "in-progress") == 0;
    hb_stmt_int(st, 1, q->after);
    bind_opt_int(st, 2, q->patient_id, q->patient_id);
    bind_opt_int(st, 3, q->patient_id, q->patient_id);
    bind_opt_int(st, 4, q->unit_id, q->unit_id);
    bind_opt_int(st, 5, q->unit_id, q->unit_id);
    bind_opt_int(st, 6, open, q->status != NULL);
    bind_opt_int(st, 7, open, q->status != NULL);
    bind_opt_int(st, 8, q->day_start, q->day_start);
    bind_opt_int(st, 9, q->day_start + DAY_US, q->day_start);
    bind_opt_int(st, 10, q->day_start, q->day_start);
    hb_stmt_int(st, 11, q->count);
    int k = 0;
    while (k < q->count && (rc = hb_stmt_step(st, err)) == 1)
        ids[k++] = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    *n = k;
    return 0;
}

static int check_bed_free(struct hb_db *db, int64_t unit_id, int bed, struct hb_error *err)
{
    struct bed_row b;
    int rc = bed_get(db, unit_id, bed, &b, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "bed", "Enheten har ingen seng %d", bed);
    if (strcmp(b.state, "free") != 0 && strcmp(b.state, "reserved") != 0)
        return hb_fail(err, HB_CONFLICT, "bed", "Seng %d er ikke ledig (%s)", bed,
                       label_of(bed_states, b.state));
    return 0;
}

struct admit_ctx {
    const struct hb_user *u;
    const struct hb_admission *a;
    int64_t stay_id;
};

/* Starts a stay inside a write (the checks on the unit's staff done by the caller). */
static int start_stay(struct hb_db *db, const struct hb_user *u, const struct hb_admission *a,
                      int64_t *stay_id, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_one(db, SQL_PATIENT_REF, a->patient_id, NULL, NULL, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "patientId", "Pasienten finnes ikke");
    int64_t open = 0;
    if ((rc = hb_db_stmt(db, SQL_OPEN_STAY_OF, &st, err)))
        return rc;
    hb_stmt_int(st, 1, a->patient_id);
    if ((rc = hb_stmt_step(st, err)) == 1)
        open = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (open)
        return hb_fail(err, HB_CONFLICT, "patientId",
                       "Pasienten har allerede et åpent opphold; skriv ut eller flytt det først");
    if ((rc = check_bed_free(db, a->unit_id, a->bed, err)))
        return rc;
    struct stay_row s = {.id = hb_id_new(), .patient_id = a->patient_id, .unit_id = a->unit_id,
                         .start_at = hb_now_us(), .version = 1, .bed = a->bed};
    snprintf(s.source, sizeof(s.source), "%s", a->source);
    snprintf(s.referred_by, sizeof(s.referred_by), "%s", a->referred_by ? a->referred_by : "");
    if ((rc = hb_db_stmt(db, SQL_STAY_INSERT, &st, err)))
        return rc;
    hb_stmt_int(st, 1, s.id);
    hb_stmt_int(st, 2, s.patient_id);
    hb_stmt_int(st, 3, s.unit_id);
    hb_stmt_int(st, 4, s.start_at);
    hb_stmt_int(st, 5, s.bed);
    hb_stmt_text(st, 6, a->source);
    hb_stmt_text(st, 7, a->referred_by);
    hb_stmt_text(st, 8, a->priority_group);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    if ((rc = bed_set(db, a->unit_id, a->bed, "occupied", NULL, 0, s.id, err)) ||
        (rc = stay_record(db, u, &s, "create", err)))
        return rc;
    *stay_id = s.id;
    return 0;
}

static int admit_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct admit_ctx *c = arg;
    struct hb_arena *ar = hb_arena_new();
    struct hb_org o;
    int rc = unit_for(db, c->u, c->a->unit_id, ar, &o, err);
    if (rc == 0)
        rc = start_stay(db, c->u, c->a, &c->stay_id, err);
    hb_arena_free(ar);
    return rc;
}

int hb_flow_admit(struct hb_store *s, const struct hb_user *u, const struct hb_admission *a,
                  int64_t *stay_id, struct hb_error *err)
{
    if (!label_of(sources, a->source))
        return hb_fail(err, HB_INVALID, "source",
                       "Kommer fra må være home, gp, legevakt, hospital-ward eller other-unit");
    if (a->priority_group && !label_of(priority_groups, a->priority_group))
        return hb_fail(err, HB_INVALID, "priorityGroup", "Ukjent prioritert gruppe");
    if (a->referred_by && strlen(a->referred_by) > 100)
        return hb_fail(err, HB_INVALID, "referredBy", "Henvist av: høyst 100 tegn");
    if (a->bed < 1)
        return hb_fail(err, HB_INVALID, "bed", "Velg en seng (nummer 1 eller høyere)");
    struct admit_ctx c = {.u = u, .a = a};
    int rc = hb_store_write(s, admit_tx, &c, err);
    if (rc == 0)
        *stay_id = c.stay_id;
    return rc;
}

struct move_ctx {
    const struct hb_user *u;
    int64_t stay_id, unit_id, new_stay_id;
    int bed;
    const char *to; /* discharge: destination; NULL for a move */
};

static int end_stay(struct hb_db *db, const struct hb_user *u, struct stay_row *s,
                    const char *to, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY_END, &st, err);
    if (rc)
        return rc;
    s->end_at = hb_now_us();
    snprintf(s->discharge_to, sizeof(s->discharge_to), "%s", to);
    s->version++;
    hb_stmt_int(st, 1, s->end_at);
    hb_stmt_text(st, 2, to);
    hb_stmt_int(st, 3, s->id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    if (s->bed && (rc = bed_set(db, s->unit_id, s->bed, "cleaning", NULL, 0, 0, err)))
        return rc;
    return stay_record(db, u, s, "update", err);
}

static int move_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct move_ctx *c = arg;
    struct hb_arena *ar = hb_arena_new();
    struct stay_row s;
    struct hb_org from, to;
    struct hb_stmt *st;
    int rc = stay_get(db, c->stay_id, &s, err);
    if (rc == 0 && s.end_at)
        rc = hb_fail(err, HB_CONFLICT, "stayId", "Oppholdet er allerede avsluttet");
    if (rc == 0)
        rc = unit_for(db, c->u, s.unit_id, ar, &from, err);
    if (rc)
        goto out;
    if (c->to) { /* discharge */
        rc = end_stay(db, c->u, &s, c->to, err);
        goto out;
    }
    if ((rc = unit_for(db, c->u, c->unit_id, ar, &to, err)))
        goto out;
    if (c->unit_id == s.unit_id) {
        if (c->bed == s.bed) {
            rc = hb_fail(err, HB_INVALID, "bed", "Pasienten ligger allerede i seng %d", c->bed);
            goto out;
        }
        if ((rc = check_bed_free(db, c->unit_id, c->bed, err)))
            goto out;
        if (s.bed && (rc = bed_set(db, s.unit_id, s.bed, "cleaning", NULL, 0, 0, err)))
            goto out;
        if ((rc = bed_set(db, s.unit_id, c->bed, "occupied", NULL, 0, s.id, err)) ||
            (rc = hb_db_stmt(db, SQL_STAY_MOVE_BED, &st, err)))
            goto out;
        hb_stmt_int(st, 1, c->bed);
        hb_stmt_int(st, 2, s.id);
        if ((rc = hb_stmt_run(st, err)) < 0)
            goto out;
        s.bed = c->bed;
        s.version++;
        rc = stay_record(db, c->u, &s, "update", err);
        c->new_stay_id = s.id;
        goto out;
    }
    /* Another unit: this stay ends here and a new one starts there. */
    if ((rc = check_bed_free(db, c->unit_id, c->bed, err)) ||
        (rc = end_stay(db, c->u, &s, "other-unit", err)))
        goto out;
    struct hb_admission a = {.patient_id = s.patient_id, .unit_id = c->unit_id, .bed = c->bed,
                             .source = "other-unit", .referred_by = from.name,
                             .priority_group = s.priority_group[0] ? s.priority_group : NULL};
    rc = start_stay(db, c->u, &a, &c->new_stay_id, err);
out:
    hb_arena_free(ar);
    return rc < 0 ? rc : 0;
}

int hb_flow_move(struct hb_store *s, const struct hb_user *u, int64_t stay_id, int64_t unit_id,
                 int bed, int64_t *new_stay_id, struct hb_error *err)
{
    if (bed < 1)
        return hb_fail(err, HB_INVALID, "bed", "Velg en seng (nummer 1 eller høyere)");
    struct move_ctx c = {.u = u, .stay_id = stay_id, .unit_id = unit_id, .bed = bed};
    int rc = hb_store_write(s, move_tx, &c, err);
    if (rc == 0)
        *new_stay_id = c.new_stay_id;
    return rc;
}

int hb_flow_discharge(struct hb_store *s, const struct hb_user *u, int64_t stay_id,
                      const char *to, struct hb_error *err)
{
    if (!label_of(destinations, to))
        return hb_fail(err, HB_INVALID, "to",
                       "Utskrevet til må være home, home-care, nursing-home, hospital, "
                       "other-unit eller deceased");
    struct move_ctx c = {.u = u, .stay_id = stay_id, .to = to};
    return hb_store_write(s, move_tx, &c, err);
}

struct bed_ctx {
    const struct hb_user *u;
    int64_t unit_id, until;
    int bed;
    const char *state, *reason;
};

static int bed_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct bed_ctx *c = arg;
    struct hb_arena *ar = hb_arena_new();
    struct hb_org o;
    struct bed_row b;
    int rc = unit_for(db, c->u, c->unit_id, ar, &o, err);
    hb_arena_free(ar);
    if (rc)
        return rc;
    if ((rc = bed_get(db, c->unit_id, c->bed, &b, err)) < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "bed", "Enheten har ingen seng %d", c->bed);
    if (b.stay_id)
        return hb_fail(err, HB_CONFLICT, "state",
                       "Seng %d har en pasient; skriv ut eller flytt pasienten først", c->bed);
    return bed_set(db, c->unit_id, c->bed, c->state, c->reason, c->until, 0, err);
}

int hb_flow_bed_set(struct hb_store *s, const struct hb_user *u, int64_t unit_id, int bed,
                    const char *state, const char *reason, int64_t until, struct hb_error *err)
{
    if (!state || !label_of(bed_states, state) || strcmp(state, "occupied") == 0)
        return hb_fail(err, HB_INVALID, "state",
                       "Status må være free, cleaning, closed eller reserved (opptatt blir en "
                       "seng ved innleggelse)");
    size_t rl = reason ? strlen(reason) : 0;
    if (rl > 200)
        return hb_fail(err, HB_INVALID, "reason", "Årsak: høyst 200 tegn");
    if (strcmp(state, "closed") == 0 && rl < 3)
        return hb_fail(err, HB_INVALID, "reason", "Skriv hvorfor sengen stenges");
    if (strcmp(state, "reserved") == 0) {
        if (rl < 3)
            return hb_fail(err, HB_INVALID, "reason", "Skriv hvem sengen holdes av for");
        if (until <= hb_now_us())
            return hb_fail(err, HB_INVALID, "until", "Reservasjonen må gjelde til et tidspunkt "
                                                      "fram i tid");
    } else {
        until = 0;
    }
    if (strcmp(state, "free") == 0 || strcmp(state, "cleaning") == 0)
        reason = NULL;
    struct bed_ctx c = {.u = u, .unit_id = unit_id, .bed = bed, .state = state,
                        .reason = reason, .until = until};
    return hb_store_write(s, bed_tx, &c, err);
}

/* ---- beds as FHIR Locations ---- */
static const char SQL_BEDS_OF[] =
    "SELECT b.number, b.state, b.reason, b.reserved_until FROM bed b JOIN org u ON u.id ="
    " b.unit_id WHERE b.unit_id = ? AND u.type = 'unit' ORDER BY b.number";

int hb_flow_bed_locations(struct hb_db *db, int64_t unit_id, int bed, json_t *out,
                          struct hb_error *err)
{
    static const struct {
        const char *state, *code, *display;
    } v2_0116[] = {{"free", "U", "Unoccupied"},   {"reserved", "U", "Unoccupied"},
                   {"occupied", "O", "Occupied"}, {"cleaning", "H", "Housekeeping"},
                   {"closed", "C", "Closed"}};
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_BEDS_OF, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, unit_id);
    int found = 0;
    int64_t now = hb_now_us();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int number = (int)hb_stmt_col_int(st, 0);
        if (bed && number != bed)
            continue;
        const char *state = hb_stmt_col(st, 1, NULL), *reason = hb_stmt_col(st, 2, NULL);
        if (strcmp(state, "reserved") == 0 && hb_stmt_col_int(st, 3) <= now)
            state = "free";
        const char *code = "U", *display = "Unoccupied";
        for (size_t i = 0; i < sizeof(v2_0116) / sizeof(v2_0116[0]); i++)
            if (strcmp(state, v2_0116[i].state) == 0) {
                code = v2_0116[i].code;
                display = v2_0116[i].display;
            }
        char id[48], name[32], part[48];
        snprintf(id, sizeof(id), "%lld-%d", (long long)unit_id, number);
        snprintf(name, sizeof(name), "Seng %d", number);
        snprintf(part, sizeof(part), "Location/%lld", (long long)unit_id);
        json_t *loc = json_pack(
            "{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:{s:[{s:s,s:s,s:s}]},s:{s:s}}",
            "resourceType", "Location", "id", id, "status",
            strcmp(state, "closed") == 0 ? "suspended" : "active", "operationalStatus",
            "system", "http://terminology.hl7.org/CodeSystem/v2-0116", "code", code, "display",
            display, "name", name, "mode", "instance", "physicalType", "coding", "system",
            "http://terminology.hl7.org/CodeSystem/location-physical-type", "code", "bd",
            "display", "Bed", "partOf", "reference", part);
        const char *label = label_of(bed_states, state);
        json_object_set_new(loc, "description",
                            json_string(reason && strcmp(state, "free") != 0
                                            ? hb_stmt_col(st, 2, NULL)
                                            : label));
        json_array_append_new(out, loc);
        found++;
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!found)
        return hb_fail(err, HB_NOT_FOUND, "id", bed ? "Sengen finnes ikke" : "Enheten har ingen senger");
    return 0;
}
