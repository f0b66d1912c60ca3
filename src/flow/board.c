/* flow: the bed board of one unit. Occupants' name and age only where the
 * viewer has a relation to them, and each such view is audited. */
#include <stdio.h>
#include <string.h>

#include "../org/org.h"
#include "flow.h"
#include "../core/banned.h"

#define DAY_US (86400LL * 1000000)

/* Rules flagged on the board, each with its source. */
static const struct {
    const char *unit_type, *code, *label, *source;
    int days; /* flagged when the stay has lasted longer than this */
} rules[] = {
    {"kad", "kad-over-3-days", "Over 3 døgn i KAD",
     "KAD/ØHD: gjennomsnittlig liggetid bør ikke overstige 3 døgn (Helse Nord 2023)", 3},
    {"joint-unit", "evaluate-10-days", "Evaluer: over 10 døgn",
     "Modell B og C: oppholdet evalueres etter høyst 10 døgn (Helse Nord 2023)", 10},
    {"sykestue", "sykestue-over-14-days", "Over 14 døgn: vurder med spesialist",
     "Sykestue: opphold over 14 døgn vurderes med spesialist ved sykehuset", 14},
};

static const char *state_label(const char *state)
{
    static const struct {
        const char *state, *label;
    } labels[] = {{"free", "Ledig"},   {"occupied", "Opptatt"}, {"reserved", "Reservert"},
                  {"cleaning", "Vask/klargjøring"}, {"closed", "Stengt"}};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(state, labels[i].state) == 0)
            return labels[i].label;
    return state;
}

static const char SQL_BOARD_BEDS[] =
    "SELECT number, state, reason, reserved_until, stay_id FROM bed WHERE unit_id = ?"
    " ORDER BY number";
static const char SQL_BOARD_STAYS[] =
    "SELECT s.id, s.bed_number, s.start_at, s.patient_id, p.family, p.given, p.birth_date,"
    " p.municipality_id, p.gp_user_id FROM stay s JOIN patient p ON p.id = s.patient_id"
    " WHERE s.unit_id = ? AND s.end_at IS NULL ORDER BY s.start_at";

struct occupant {
    int64_t stay_id, start_at, patient_id, municipality_id, gp_user_id;
    int bed;
    const char *family, *given, *birth_date;
    bool shown;
    const char *relation, *reason;
};

static json_t *stay_json(const struct occupant *o, const char *unit_type, int64_t now,
                         struct hb_arena *a)
{
    int days = (int)((now - o->start_at) / DAY_US);
    char since[32];
    hb_time_no(o->start_at, since, sizeof(since));
    json_t *flags = json_array();
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (unit_type && strcmp(unit_type, rules[i].unit_type) == 0 &&
            now - o->start_at > rules[i].days * DAY_US)
            json_array_append_new(flags, json_pack("{s:s,s:s,s:s}", "code", rules[i].code,
                                                   "label", rules[i].label, "source",
                                                   rules[i].source));
    /* A sykestue stay still within its first day after three hours: a day stay. */
    if (unit_type && strcmp(unit_type, "sykestue") == 0 && now - o->start_at > 3 * 3600000000LL &&
        hb_local_day(now) == hb_local_day(o->start_at))
        json_array_append_new(
            flags, json_pack("{s:s,s:s,s:s}", "code", "sykestue-day-stay", "label",
                             "Dagopphold over 3 timer",
                             "source",
                             "Sykestue: dagopphold over 3 timer registreres som dagopphold "
                             "(Helse Nord 2023)"));
    json_t *j = json_pack("{s:s,s:s,s:i,s:o}", "id", hb_arena_printf(a, "%lld", (long long)o->stay_id),
                          "sinceLocal", since, "days", days, "flags", flags);
    if (o->shown)
        json_object_set_new(j, "patient",
                            json_pack("{s:s,s:s,s:i,s:s}", "id",
                                      hb_arena_printf(a, "%lld", (long long)o->patient_id),
                                      "name", hb_arena_printf(a, "%s %s", o->given, o->family),
                                      "age", hb_age(o->birth_date), "relation", o->relation));
    return j;
}

/* Builds the board; the audit records of the names shown go to *audits for
 * the caller to write before anything leaves. */
static int board_build(struct hb_store *s, const struct hb_user *u, int64_t unit_id,
                       struct hb_arena *arena, json_t **out, struct hb_audit **audits_out,
                       int *naudit_out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_org unit;
    struct hb_stmt *st;
    struct occupant *occ = NULL;
    int nocc = 0, cap = 0;
    int rc = hb_org_get_unit(db, unit_id, arena, &unit, "id", err);
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_BOARD_STAYS, &st, err)) == 0) {
        hb_stmt_int(st, 1, unit_id);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            if (nocc == cap) {
                cap = cap ? cap * 2 : 16;
                struct occupant *n = hb_arena_alloc(arena, sizeof(*n) * (size_t)cap);
                if (nocc)
                    memcpy(n, occ, sizeof(*n) * (size_t)nocc);
                occ = n;
            }
            struct occupant *o = &occ[nocc++];
            o->stay_id = hb_stmt_col_int(st, 0);
            o->bed = (int)hb_stmt_col_int(st, 1);
            o->start_at = hb_stmt_col_int(st, 2);
            o->patient_id = hb_stmt_col_int(st, 3);
            o->family = hb_arena_strdup(arena, hb_stmt_col(st, 4, NULL));
            o->given = hb_arena_strdup(arena, hb_stmt_col(st, 5, NULL));
            o->birth_date = hb_arena_strdup(arena, hb_stmt_col(st, 6, NULL));
            o->municipality_id = hb_stmt_col_int(st, 7);
            o->gp_user_id = hb_stmt_col_int(st, 8);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    /* Who may see whom: the same policy as everywhere. */
    for (int i = 0; rc == 0 && i < nocc; i++) {
        struct hb_patient_ref ref = {occ[i].patient_id, occ[i].municipality_id,
                                     occ[i].gp_user_id};
        int prc = hb_policy_check(db, u, &ref, arena, &occ[i].relation, &occ[i].reason, err);
        if (prc == 0)
            occ[i].shown = true;
        else if (prc != HB_FORBIDDEN)
            rc = prc;
    }
    json_t *beds = json_array();
    int totals[5] = {0}; /* free, occupied, reserved, cleaning, closed */
    static const char *const states[5] = {"free", "occupied", "reserved", "cleaning", "closed"};
    int64_t now = hb_now_us();
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_BOARD_BEDS, &st, err)) == 0) {
        hb_stmt_int(st, 1, unit_id);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            int number = (int)hb_stmt_col_int(st, 0);
            const char *state = hb_stmt_col(st, 1, NULL);
            int64_t until = hb_stmt_col_int(st, 3), stay_id = hb_stmt_col_int(st, 4);
            if (strcmp(state, "reserved") == 0 && until <= now)
                state = "free"; /* the reservation ran out */
            json_t *b = json_pack("{s:i,s:s,s:s}", "number", number, "state", state,
                                  "stateLabel", state_label(state));
            const char *reason = hb_stmt_col(st, 2, NULL);
            if (reason && strcmp(state, "free") != 0)
                json_object_set_new(b, "reason", json_string(reason));
            if (strcmp(state, "reserved") == 0) {
                char t[32];
                hb_time_no(until, t, sizeof(t));
                json_object_set_new(b, "reservedUntilLocal", json_string(t));
            }
            for (int i = 0; i < nocc; i++)
                if (occ[i].stay_id == stay_id)
                    json_object_set_new(b, "stay", stay_json(&occ[i], unit.unit_type, now, arena));
            for (int k = 0; k < 5; k++)
                if (strcmp(state, states[k]) == 0)
                    totals[k]++;
            json_array_append_new(beds, b);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    /* Stays with no bed (from before beds were numbered) are still shown. */
    json_t *unplaced = json_array();
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)(nocc ? nocc : 1));
    int naudit = 0;
    for (int i = 0; rc == 0 && i < nocc; i++) {
        if (!occ[i].bed)
            json_array_append_new(unplaced, stay_json(&occ[i], unit.unit_type, now, arena));
        if (occ[i].shown)
            audits[naudit++] = (struct hb_audit){
                .patient_id = occ[i].patient_id, .action = "board",
                .what = hb_arena_printf(arena, "Encounter/%lld", (long long)occ[i].stay_id),
                .relation = occ[i].relation, .reason = occ[i].reason, .allowed = true};
    }
    if (rc) {
        json_decref(beds);
        json_decref(unplaced);
        return rc;
    }
    *audits_out = audits;
    *naudit_out = naudit;
    *out = json_pack("{s:{s:s,s:s,s:s,s:s?,s:s,s:i},s:o,s:o,s:{s:i,s:i,s:i,s:i,s:i,s:i}}",
                     "unit", "id", hb_arena_printf(arena, "%lld", (long long)unit.id), "name",
                     unit.name, "unitType", unit.unit_type, "owner", unit.parent_name, "ownerId",
                     hb_arena_printf(arena, "%lld", (long long)unit.parent_id), "version",
                     unit.version, "beds", beds, "unplaced", unplaced, "totals", "beds",
                     (int)json_array_size(beds), "free", totals[0], "occupied", totals[1],
                     "reserved", totals[2], "cleaning", totals[3], "closed", totals[4]);
    return 0;
}

int hb_flow_board(struct hb_store *s, const struct hb_user *u, int64_t unit_id,
                  struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_audit *audits;
    int naudit;
    int rc = board_build(s, u, unit_id, arena, out, &audits, &naudit, err);
    if (rc == 0 && (rc = hb_audit_write(s, u, audits, (size_t)naudit, err))) {
        json_decref(*out); /* no audit record, no names */
        *out = NULL;
    }
    return rc;
}

static const char SQL_MY_UNITS[] =
    "SELECT id FROM org WHERE type = 'unit' AND beds > 0 AND (id = ? OR parent_id = ?)"
    " ORDER BY name LIMIT 64";

int hb_flow_worklist(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err)
{
    int64_t units[64];
    int n = 0;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MY_UNITS, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, u->org_id);
        hb_stmt_int(st, 2, u->org_id);
        while (n < 64 && (rc = hb_stmt_step(st, err)) == 1)
            units[n++] = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc)
        return rc;
    json_t *list = json_array();
    /* Only the stays the worklist shows are audited, all in one write. */
    struct hb_audit *shown = hb_arena_alloc(arena, sizeof(*shown) * 64);
    int nshown = 0, cap = 64;
    for (int i = 0; i < n; i++) {
        json_t *board;
        struct hb_audit *audits;
        int naudit;
        if ((rc = board_build(s, u, units[i], arena, &board, &audits, &naudit, err))) {
            json_decref(list);
            return rc;
        }
        json_t *unit = json_object_get(board, "unit");
        size_t k;
        json_t *bed;
        json_array_foreach(json_object_get(board, "beds"), k, bed)
        {
            json_t *stay = json_object_get(bed, "stay");
            if (!stay || !json_array_size(json_object_get(stay, "flags")))
                continue;
            json_array_append_new(list, json_pack("{s:O,s:O,s:O}", "unit", unit, "bed",
                                                  json_object_get(bed, "number"), "stay", stay));
            const char *what = hb_arena_printf(arena, "Encounter/%s",
                                               json_string_value(json_object_get(stay, "id")));
            for (int a = 0; a < naudit; a++) {
                if (strcmp(audits[a].what, what) != 0)
                    continue;
                if (nshown == cap) {
                    struct hb_audit *more = hb_arena_alloc(arena, sizeof(*more) * (size_t)cap * 2);
                    memcpy(more, shown, sizeof(*more) * (size_t)cap);
                    shown = more;
                    cap *= 2;
                }
                shown[nshown++] = audits[a];
            }
        }
        json_decref(board);
    }
    if ((rc = hb_audit_write(s, u, shown, (size_t)nshown, err))) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}
