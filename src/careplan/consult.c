/* careplan: co-consultations (samkonsultasjon): booking from the plan, the
 * record of what was agreed, and the travel each one avoided. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_int.h"

#include "../core/banned.h"

struct hb_care_travel hb_care_travel_avoided(int64_t km_one_way, int64_t minutes_one_way,
                                             int64_t ore_per_km, int64_t co2_g_per_km)
{
    struct hb_care_travel t = {.km = 2 * km_one_way, .minutes = 2 * minutes_one_way};
    t.nok_ore = t.km * ore_per_km;
    t.co2_g = t.km * co2_g_per_km;
    return t;
}

/* ---- rates ---- */
static const char SQL_RATE_GET[] = "SELECT value FROM setting WHERE key = ?";
static const char SQL_RATE_SET[] = "UPDATE setting SET value = ? WHERE key = ?";

static int rate_get(struct hb_db *db, const char *key, int64_t *out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_RATE_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, key);
    *out = 0;
    if ((rc = hb_stmt_step(st, err)) == 1)
        *out = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

struct rates_tx {
    int64_t ore, co2;
};

static int rates_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct rates_tx *x = arg;
    const char *keys[2] = {"travel.ore_per_km", "travel.co2_g_per_km"};
    int64_t vals[2] = {x->ore, x->co2};
    for (int i = 0; i < 2; i++) {
        if (vals[i] <= 0)
            continue;
        struct hb_stmt *st;
        int rc = hb_db_stmt(db, SQL_RATE_SET, &st, err);
        if (rc)
            return rc;
        hb_stmt_int(st, 1, vals[i]);
        hb_stmt_text(st, 2, keys[i]);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    return 0;
}

int hb_care_rates(struct hb_store *s, int64_t ore_per_km, int64_t co2_g_per_km, int64_t *ore_out,
                  int64_t *co2_out, struct hb_error *err)
{
    struct rates_tx x = {ore_per_km, co2_g_per_km};
    int rc = (ore_per_km > 0 || co2_g_per_km > 0) ? hb_store_write(s, rates_tx, &x, err) : 0;
    if (rc)
        return rc;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    rc = rate_get(db, "travel.ore_per_km", ore_out, err);
    if (rc == 0)
        rc = rate_get(db, "travel.co2_g_per_km", co2_out, err);
    hb_store_release(s, db);
    return rc;
}

/* ---- booking ---- */
static const char SQL_CONSULT_ADD[] =
    "INSERT INTO consultation (id, plan_id, patient_id, start_at, minutes, purpose, video_url,"
    " status, hospital_id, version, created_at, created_by, updated_at, resource)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, 1, ?, ?, ?, '')";
static const char SQL_PART_ADD[] =
    "INSERT INTO consultation_participant (consultation_id, seq, user_id, name, role)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_USER[] =
    "SELECT u.name, u.role, u.org_id, o.unit_type, o.type FROM app_user u"
    " JOIN org o ON o.id = u.org_id WHERE u.id = ?";
static const char SQL_ANY_WARD[] =
    "SELECT id FROM org WHERE unit_type = 'hospital-ward' ORDER BY id LIMIT 1";

static const char *role_of_user(const char *urole)
{
    return strcmp(urole, "gp") == 0                   ? "gp"
           : strcmp(urole, "hospital-clinician") == 0 ? "specialist"
           : strcmp(urole, "patient") == 0            ? "patient"
           : strcmp(urole, "relative") == 0           ? "relative"
                                                      : "nurse";
}

struct book_tx {
    struct hb__tx tx;
    int64_t plan_id, id, start;
    int64_t minutes;
    const char *purpose, *video;
    json_t *parts;
};

static int book_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct book_tx *x = arg;
    const struct hb_user *u = x->tx.u;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    struct hb__access acc;
    int rc = hb__care_open(db, &x->tx, x->plan_id, a, &p, &acc, err);
    if (rc || (rc = hb__care_need_member(&acc, err)))
        goto out;
    if (strcmp(p.status, "active") != 0) {
        rc = hb_fail(err, HB_CONFLICT, "status", "Planen er ikke aktiv");
        goto out;
    }
    x->id = hb_id_new();
    int64_t hospital = 0, now = hb_now_us();
    struct hb_stmt *st;
    size_t i;
    json_t *v;
    /* Participants first: they pick the hospital whose travel is avoided. */
    enum { MAX_PARTS = 20 };
    struct {
        int64_t uid;
        const char *name, *role;
    } part[MAX_PARTS];
    int np = 0;
    json_array_foreach(x->parts, i, v)
    {
        int64_t uid = 0;
        const char *name = NULL, *role = NULL;
        if (np == MAX_PARTS)
            break;
        if ((rc = hb__in_id(v, "userId", &uid, err)) ||
            (rc = hb__in_str(v, "name", 200, &name, err)) ||
            (rc = hb__in_str(v, "role", 40, &role, err))) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err->message);
            hb_fail(err, HB_INVALID, "participants", "Deltaker %zu: %s", i + 1, msg);
            goto out;
        }
        if (uid) {
            if ((rc = hb_db_stmt(db, SQL_USER, &st, err)))
                goto out;
            hb_stmt_int(st, 1, uid);
            bool found = (rc = hb_stmt_step(st, err)) == 1;
            if (found) {
                if (!name || !*name)
                    name = hb_stmt_col_dup(st, 0, a);
                if (!role)
                    role = role_of_user(hb_stmt_col(st, 1, NULL));
                const char *ut = hb_stmt_col(st, 3, NULL), *ot = hb_stmt_col(st, 4, NULL);
                if (!hospital && ((ut && strcmp(ut, "hospital-ward") == 0) ||
                                  (ot && strcmp(ot, "hospital") == 0)))
                    hospital = hb_stmt_col_int(st, 2);
            }
            hb_stmt_done(st);
            if (rc < 0)
                goto out;
            if (!found) {
                rc = hb_fail(err, HB_INVALID, "participants", "Deltaker %zu: ukjent bruker", i + 1);
                goto out;
            }
        }
        if (!name || !*name || !role || !hb__care_role_label(role)) {
            rc = hb_fail(err, HB_INVALID, "participants",
                         "Deltaker %zu: oppgi en bruker (userId) eller navn og rolle", i + 1);
            goto out;
        }
        part[np].uid = uid;
        part[np].name = name;
        part[np++].role = role;
    }
    if (!hospital) {
        if ((rc = hb_db_stmt(db, SQL_ANY_WARD, &st, err)))
            goto out;
        if ((rc = hb_stmt_step(st, err)) == 1)
            hospital = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        if (rc < 0)
            goto out;
        if (!hospital) {
            rc =
                hb_fail(err, HB_CONFLICT, "participants", "Helsefellesskapet har ikke noe sykehus");
            goto out;
        }
    }
    if ((rc = hb_db_stmt(db, SQL_CONSULT_ADD, &st, err)))
        goto out;
    hb_stmt_int(st, 1, x->id);
    hb_stmt_int(st, 2, p.id);
    hb_stmt_int(st, 3, p.patient_id);
    hb_stmt_int(st, 4, x->start);
    hb_stmt_int(st, 5, x->minutes);
    hb_stmt_text(st, 6, x->purpose);
    hb_stmt_text(st, 7, x->video && *x->video ? x->video : NULL);
    hb_stmt_int(st, 8, hospital);
    hb_stmt_int(st, 9, now);
    hb_stmt_int(st, 10, u->id);
    hb_stmt_int(st, 11, now);
    if ((rc = hb_stmt_run(st, err)) < 0)
        goto out;
    for (int k = 0; k < np; k++) {
        if ((rc = hb_db_stmt(db, SQL_PART_ADD, &st, err)))
            goto out;
        hb_stmt_int(st, 1, x->id);
        hb_stmt_int(st, 2, k + 1);
        hb_stmt_int_or_null(st, 3, part[k].uid);
        hb_stmt_text(st, 4, part[k].name);
        hb_stmt_text(st, 5, part[k].role);
        if ((rc = hb_stmt_run(st, err)) < 0)
            goto out;
    }
    if ((rc = hb__care_commit(db, HB_CARE_APPOINTMENT, x->id, u->id, "create", err)))
        goto out;
    char when[32];
    hb_time_no(x->start, when, sizeof(when));
    if ((rc = hb__care_event(db, p.id, u->id, "Appointment", x->id, 1, "",
                             hb_arena_printf(a, "Samkonsultasjon avtalt %s: %s", when, x->purpose),
                             err)))
        goto out;
    rc = hb__care_audit(db, u, p.patient_id, "create",
                        hb_arena_printf(a, "Appointment/%lld", (long long)x->id), &acc, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_consult_book(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                         int64_t *id, struct hb_error *err)
{
    struct book_tx x = {.tx = {.u = u}, .plan_id = plan_id, .minutes = 30};
    const char *start = NULL;
    int rc;
    if ((rc = hb__in_str(in, "start", 40, &start, err)) ||
        (rc = hb__in_int(in, "minutes", 10, 240, &x.minutes, err)) ||
        (rc = hb__in_str(in, "purpose", 1000, &x.purpose, err)) ||
        (rc = hb__in_str(in, "videoUrl", 500, &x.video, err)))
        return rc;
    int64_t now = hb_now_us(), year = 365LL * 86400 * 1000000;
    if (!start || hb_parse_instant(start, &x.start) != 0)
        return hb_fail(err, HB_INVALID, "start",
                       "start er tidspunktet, som 2026-12-01T10:00:00+01:00");
    if (x.start < now - year || x.start > now + 2 * year)
        return hb_fail(err, HB_INVALID, "start",
                       "Tidspunktet må ligge innen ett år tilbake og to år fram");
    if (!x.purpose || !*x.purpose)
        return hb_fail(err, HB_INVALID, "purpose", "Skriv hva samkonsultasjonen skal avklare");
    if (x.video && *x.video && strncmp(x.video, "https://", 8) != 0)
        return hb_fail(err, HB_INVALID, "videoUrl",
                       "Lenken til videorommet må starte med https://");
    x.parts = json_object_get(in, "participants");
    if (!json_is_array(x.parts) || json_array_size(x.parts) < 2 || json_array_size(x.parts) > 20)
        return hb_fail(err, HB_INVALID, "participants",
                       "En samkonsultasjon har 2-20 deltakere (spesialist, fastlege, pasient "
                       "...)");
    rc = hb__care_write(s, book_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.id;
    return rc;
}

/* ---- the record ---- */
static const char SQL_CONSULT_GET[] =
    "SELECT plan_id, status, version, hospital_id FROM consultation WHERE id = ?";
static const char SQL_IS_PARTICIPANT[] =
    "SELECT 1 FROM consultation_participant WHERE consultation_id = ? AND user_id = ?";
static const char SQL_TRAVEL[] =
    "SELECT t.km, t.minutes FROM travel_time t JOIN org h ON h.site = t.site"
    " JOIN patient p ON p.municipality_id = t.municipality_id WHERE p.id = ? AND h.id = ?";
static const char SQL_CONSULT_SET[] =
    "UPDATE consultation SET status = ?, record = ?, km = ?, travel_minutes = ?, nok_ore = ?,"
    " co2_g = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

struct record_tx {
    struct hb__tx tx;
    int64_t id;
    int if_version;
    const char *status, *record;
    json_t *tasks;
};

static int record_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct record_tx *x = arg;
    const struct hb_user *u = x->tx.u;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    struct hb__access acc;
    struct hb_stmt *st;
    int64_t plan_id = 0, hospital = 0;
    int version = 0;
    const char *status = NULL;
    int rc = hb_db_stmt(db, SQL_CONSULT_GET, &st, err);
    if (rc)
        goto out;
    hb_stmt_int(st, 1, x->id);
    if ((rc = hb_stmt_step(st, err)) == 1) {
        plan_id = hb_stmt_col_int(st, 0);
        status = hb_stmt_col_dup(st, 1, a);
        version = (int)hb_stmt_col_int(st, 2);
        hospital = hb_stmt_col_int(st, 3);
    }
    hb_stmt_done(st);
    if (rc <= 0) {
        rc = rc < 0 ? rc : hb_fail(err, HB_NOT_FOUND, "id", "Samkonsultasjonen finnes ikke");
        goto out;
    }
    if ((rc = hb__care_open(db, &x->tx, plan_id, a, &p, &acc, err)))
        goto out;
    if (!acc.staff_member) {
        int part = hb_db_stmt(db, SQL_IS_PARTICIPANT, &st, err);
        if (part == 0) {
            hb_stmt_int(st, 1, x->id);
            hb_stmt_int(st, 2, u->id);
            part = hb_stmt_step(st, err);
            hb_stmt_done(st);
        }
        bool clinical =
            u->role == HB_ROLE_GP || u->role == HB_ROLE_HOSPITAL || u->role == HB_ROLE_MUNICIPAL;
        if (part < 0 || part == 0 || !clinical) {
            rc = part < 0 ? part
                          : hb_fail(err, HB_FORBIDDEN, NULL,
                                    "Referatet skrives av teamet eller en av deltakerne");
            goto out;
        }
    }
    if (strcmp(status, "booked") != 0) {
        rc = hb_fail(err, HB_CONFLICT, "status", "Samkonsultasjonen er allerede %s",
                     strcmp(status, "fulfilled") == 0 ? "gjennomført" : "avlyst");
        goto out;
    }
    if (x->if_version && x->if_version != version) {
        rc = hb_fail(err, HB_CONFLICT, "version", "Noen andre har endret samkonsultasjonen");
        goto out;
    }
    bool held = strcmp(x->status, "fulfilled") == 0;
    struct hb_care_travel t = {0};
    bool travel = false;
    if (held) {
        int64_t ore = 0, co2 = 0;
        if ((rc = rate_get(db, "travel.ore_per_km", &ore, err)) ||
            (rc = rate_get(db, "travel.co2_g_per_km", &co2, err)) ||
            (rc = hb_db_stmt(db, SQL_TRAVEL, &st, err)))
            goto out;
        hb_stmt_int(st, 1, p.patient_id);
        hb_stmt_int(st, 2, hospital);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            t = hb_care_travel_avoided(hb_stmt_col_int(st, 0), hb_stmt_col_int(st, 1), ore, co2);
            travel = true;
        }
        hb_stmt_done(st);
        if (rc < 0)
            goto out;
    }
    if ((rc = hb_db_stmt(db, SQL_CONSULT_SET, &st, err)))
        goto out;
    hb_stmt_text(st, 1, x->status);
    hb_stmt_text(st, 2, x->record && *x->record ? x->record : NULL);
    int64_t vals[4] = {t.km, t.minutes, t.nok_ore, t.co2_g};
    for (int i = 0; i < 4; i++) {
        if (travel)
            hb_stmt_int(st, 3 + i, vals[i]);
        else
            hb_stmt_null(st, 3 + i);
    }
    hb_stmt_int(st, 7, hb_now_us());
    hb_stmt_int(st, 8, x->id);
    hb_stmt_int(st, 9, version);
    if ((rc = hb_stmt_run(st, err)) < 0 ||
        (rc = hb__care_commit(db, HB_CARE_APPOINTMENT, x->id, u->id, "update", err)))
        goto out;
    if ((rc = hb__care_event(
             db, p.id, u->id, "Appointment", x->id, version + 1, "status",
             held ? hb_arena_printf(a, "Samkonsultasjon gjennomført. Avtalt: %s", x->record)
                  : "Samkonsultasjon avlyst",
             err)))
        goto out;
    /* What was agreed becomes tasks in the plan, as the team's own. */
    size_t i;
    json_t *task;
    struct hb__access team = acc;
    team.staff_member = true;
    json_array_foreach(x->tasks, i, task)
    {
        int64_t tid;
        if (!json_is_object(task)) {
            rc = hb_fail(err, HB_INVALID, "tasks", "Oppgave %zu er ikke et objekt", i + 1);
            goto out;
        }
        json_object_set_new(task, "kind", json_string("task"));
        if ((rc = hb__care_item_create(db, u, &p, &team, task, a, &tid, err))) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err->message);
            hb_fail(err, rc, "tasks", "Oppgave %zu: %s", i + 1, msg);
            goto out;
        }
    }
    rc = hb__care_audit(db, u, p.patient_id, "update",
                        hb_arena_printf(a, "Appointment/%lld", (long long)x->id), &acc, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_consult_record(struct hb_store *s, const struct hb_user *u, int64_t id, json_t *in,
                           int if_version, struct hb_error *err)
{
    struct record_tx x = {.tx = {.u = u}, .id = id, .if_version = if_version};
    int rc;
    if ((rc = hb__in_str(in, "status", 20, &x.status, err)) ||
        (rc = hb__in_str(in, "record", 4000, &x.record, err)))
        return rc;
    if (!x.status || (strcmp(x.status, "fulfilled") != 0 && strcmp(x.status, "cancelled") != 0))
        return hb_fail(err, HB_INVALID, "status", "status er fulfilled eller cancelled");
    if (strcmp(x.status, "fulfilled") == 0 && (!x.record || !*x.record))
        return hb_fail(err, HB_INVALID, "record", "Skriv kort hva dere ble enige om");
    x.tasks = json_object_get(in, "tasks");
    if (x.tasks && (!json_is_array(x.tasks) || json_array_size(x.tasks) > 20))
        return hb_fail(err, HB_INVALID, "tasks", "tasks er en liste med inntil 20 oppgaver");
    return hb__care_write(s, record_tx, &x.tx, err);
}

/* ---- reading ---- */
static const char SQL_CONSULTS[] =
    "SELECT c.id, c.start_at, c.minutes, c.purpose, c.video_url, c.status, c.record, c.km,"
    " c.travel_minutes, c.nok_ore, c.co2_g, c.version FROM consultation c WHERE c.plan_id = ?"
    " ORDER BY c.start_at DESC LIMIT 100";
static const char SQL_PARTS[] =
    "SELECT name, role, user_id FROM consultation_participant WHERE consultation_id = ?"
    " ORDER BY seq";

static json_t *travel_json(int64_t km, int64_t minutes, int64_t nok_ore, int64_t co2_g)
{
    return json_pack("{s:I,s:I,s:I,s:I}", "km", (json_int_t)km, "minutes", (json_int_t)minutes,
                     "nokOre", (json_int_t)nok_ore, "co2Grams", (json_int_t)co2_g);
}

int hb__care_consults_json(struct hb_db *db, int64_t plan_id, json_t **out, struct hb_error *err)
{
    struct hb_stmt *st, *ps;
    int rc = hb_db_stmt(db, SQL_CONSULTS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, plan_id);
    json_t *list = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int64_t id = hb_stmt_col_int(st, 0);
        char local[32];
        hb_time_no(hb_stmt_col_int(st, 1), local, sizeof(local));
        const char *status = hb_stmt_col(st, 5, NULL);
        json_t *c = json_pack("{s:o,s:s,s:I,s:s,s:s,s:s,s:i}", "id", hb__care_id(id), "startLocal",
                              local, "minutes", (json_int_t)hb_stmt_col_int(st, 2), "purpose",
                              hb_stmt_col(st, 3, NULL), "status", status, "statusLabel",
                              hb__care_status_label("consult", status), "version",
                              (int)hb_stmt_col_int(st, 11));
        if (hb_stmt_col(st, 4, NULL))
            json_object_set_new(c, "videoUrl", json_string(hb_stmt_col(st, 4, NULL)));
        if (hb_stmt_col(st, 6, NULL))
            json_object_set_new(c, "record", json_string(hb_stmt_col(st, 6, NULL)));
        if (hb_stmt_col(st, 7, NULL))
            json_object_set_new(c, "travelAvoided",
                                travel_json(hb_stmt_col_int(st, 7), hb_stmt_col_int(st, 8),
                                                     hb_stmt_col_int(st, 9),
                                                     hb_stmt_col_int(st, 10)));
        json_t *parts = json_array();
        int prc = hb_db_stmt(db, SQL_PARTS, &ps, err);
        if (prc == 0) {
            hb_stmt_int(ps, 1, id);
            while ((prc = hb_stmt_step(ps, err)) == 1) {
                const char *role = hb_stmt_col(ps, 1, NULL);
                json_t *pj =
                    json_pack("{s:s,s:s}", "name", hb_stmt_col(ps, 0, NULL), "role",
                              hb__care_role_label(role) ? hb__care_role_label(role) : role);
                if (hb_stmt_col_int(ps, 2))
                    json_object_set_new(pj, "userId", hb__care_id(hb_stmt_col_int(ps, 2)));
                json_array_append_new(parts, pj);
            }
            hb_stmt_done(ps);
        }
        json_object_set_new(c, "participants", parts);
        json_array_append_new(list, c);
        if (prc < 0) {
            rc = prc;
            break;
        }
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

static const char SQL_TOTALS[] =
    "SELECT COUNT(*), COALESCE(SUM(km), 0), COALESCE(SUM(travel_minutes), 0),"
    " COALESCE(SUM(nok_ore), 0), COALESCE(SUM(co2_g), 0) FROM consultation"
    " WHERE status = 'fulfilled'";
static const char SQL_BOOKED[] =
    "SELECT COUNT(*) FROM consultation WHERE status = 'booked' AND start_at > ?";

int hb_care_consult_totals(struct hb_store *s, struct hb_arena *arena, json_t **out,
                           struct hb_error *err)
{
    (void)arena;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int64_t v[5] = {0}, coming = 0, ore = 0, co2 = 0;
    int rc = hb_db_stmt(db, SQL_TOTALS, &st, err);
    if (rc == 0) {
        if ((rc = hb_stmt_step(st, err)) == 1)
            for (int i = 0; i < 5; i++)
                v[i] = hb_stmt_col_int(st, i);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_BOOKED, &st, err)) == 0) {
        hb_stmt_int(st, 1, hb_now_us());
        if ((rc = hb_stmt_step(st, err)) == 1)
            coming = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = rate_get(db, "travel.ore_per_km", &ore, err);
    if (rc == 0)
        rc = rate_get(db, "travel.co2_g_per_km", &co2, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    *out =
        json_pack("{s:I,s:I,s:o,s:{s:I,s:I}}", "held", (json_int_t)v[0], "coming",
                  (json_int_t)coming, "travelAvoided", travel_json(v[1], v[2], v[3], v[4]),
                  "rates", "orePerKm", (json_int_t)ore, "co2GramsPerKm", (json_int_t)co2);
    return 0;
}
