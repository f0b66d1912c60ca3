/* flow: unit capabilities and bed counts, the capacity overview. */
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../org/org.h"
#include "../core/banned.h"

static const struct {
    const char *code, *label;
} capabilities[] = {
#define HB_CAP_ROW(code, label) {code, label},
    HB_CAPABILITIES(HB_CAP_ROW)
#undef HB_CAP_ROW
};
enum { N_CAPS = sizeof(capabilities) / sizeof(capabilities[0]) };

static int cap_index(const char *code)
{
    for (int i = 0; code && i < N_CAPS; i++)
        if (strcmp(code, capabilities[i].code) == 0)
            return i;
    return -1;
}

const char *hb_capability_label(const char *code)
{
    int i = cap_index(code);
    return i < 0 ? NULL : capabilities[i].label;
}

json_t *hb_capability_list(void)
{
    json_t *a = json_array();
    for (int i = 0; i < N_CAPS; i++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "code", capabilities[i].code, "label",
                                           capabilities[i].label));
    return a;
}

/* ---- reading ---- */
static const char SQL_UNIT_CAPS[] = "SELECT code FROM unit_capability WHERE unit_id = ?";

/* Fills has[] (N_CAPS flags) from the database. */
static int caps_of(struct hb_db *db, int64_t unit_id, bool has[N_CAPS], struct hb_error *err)
{
    memset(has, 0, sizeof(bool) * N_CAPS);
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_UNIT_CAPS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, unit_id);
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int i = cap_index(hb_stmt_col(st, 0, NULL));
        if (i >= 0)
            has[i] = true;
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int hb_flow_unit_capabilities(struct hb_db *db, int64_t unit_id, json_t **out,
                              struct hb_error *err)
{
    bool has[N_CAPS];
    int rc = caps_of(db, unit_id, has, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (int i = 0; i < N_CAPS; i++)
        if (has[i])
            json_array_append_new(a, json_string(capabilities[i].code));
    *out = a;
    return 0;
}

static void extend(json_t *location, const bool has[N_CAPS])
{
    json_t *ext = json_array();
    for (int i = 0; i < N_CAPS; i++)
        if (has[i])
            json_array_append_new(
                ext, json_pack("{s:s,s:{s:s,s:s,s:s}}", "url", HB_EXT_CAPABILITY, "valueCoding",
                               "system", HB_CAPABILITY_SYSTEM, "code", capabilities[i].code,
                               "display", capabilities[i].label));
    if (json_array_size(ext))
        json_object_set_new(location, "extension", ext);
    else
        json_decref(ext);
}

int hb_flow_location_extend(struct hb_db *db, int64_t unit_id, json_t *location,
                            struct hb_error *err)
{
    bool has[N_CAPS];
    int rc = caps_of(db, unit_id, has, err);
    if (rc == 0)
        extend(location, has);
    return rc;
}

/* ---- updating a unit ---- */
static const char SQL_UNIT_SET[] =
    "UPDATE org SET beds = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?";
static const char SQL_CAPS_CLEAR[] = "DELETE FROM unit_capability WHERE unit_id = ?";
static const char SQL_CAPS_ADD[] = "INSERT INTO unit_capability (unit_id, code) VALUES (?, ?)";

struct unit_update {
    const struct hb_user *u;
    int64_t unit_id;
    int beds, version;
    bool has[N_CAPS];
    int new_version;
};

/* Replaces the stored capabilities of unit_id with has[], inside a write. */
static int caps_write(struct hb_db *db, int64_t unit_id, const bool has[N_CAPS],
                      struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_CAPS_CLEAR, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, unit_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    for (int i = 0; i < N_CAPS; i++) {
        if (!has[i])
            continue;
        if ((rc = hb_db_stmt(db, SQL_CAPS_ADD, &st, err)))
            return rc;
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_text(st, 2, capabilities[i].code);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    return 0;
}

int hb_flow_capabilities_set(struct hb_db *db, int64_t unit_id, const char *const *codes,
                             size_t n, struct hb_error *err)
{
    bool has[N_CAPS] = {false};
    for (size_t i = 0; i < n; i++) {
        int k = cap_index(codes[i]);
        if (k < 0)
            return hb_fail(err, HB_INVALID, "capabilities", "Ukjent kode for behandling: %s",
                           codes[i]);
        has[k] = true;
    }
    return caps_write(db, unit_id, has, err);
}

static bool may_edit(const struct hb_user *u, const struct hb_org *unit)
{
    return u->role == HB_ROLE_ADMIN || u->org_id == unit->id;
}

static int unit_update_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct unit_update *w = arg;
    struct hb_arena *a = hb_arena_new();
    struct hb_org o;
    struct hb_stmt *st;
    int rc = hb_org_get_unit(db, w->unit_id, a, &o, "id", err);
    if (rc == 0 && !may_edit(w->u, &o))
        rc = hb_fail(err, HB_FORBIDDEN, NULL,
                     "Bare de som jobber på %s kan endre senger og hva enheten kan behandle",
                     o.name);
    if (rc == 0 && o.version != w->version)
        rc = hb_fail(err, HB_CONFLICT, "version",
                     "Enheten er endret av en annen siden du hentet den (nå versjon %d, du "
                     "hadde %d). Last siden på nytt og gjør endringen igjen.",
                     o.version, w->version);
    if (rc)
        goto out;
    int old_beds = o.beds;
    o.beds = w->beds;
    o.version = w->version + 1;
    o.updated_at = hb_now_us();
    if ((rc = hb_db_stmt(db, SQL_UNIT_SET, &st, err)))
        goto out;
    hb_stmt_int(st, 1, o.beds);
    hb_stmt_int(st, 2, o.version);
    hb_stmt_int(st, 3, o.updated_at);
    hb_stmt_int(st, 4, o.id);
    hb_stmt_int(st, 5, w->version);
    if ((rc = hb_stmt_run(st, err)) < 0 || (rc = caps_write(db, o.id, w->has, err)) ||
        (rc = hb_flow_beds_resize(db, o.id, old_beds, o.beds, err)))
        goto out;
    json_t *loc = hb_org_fhir(&o);
    extend(loc, w->has);
    char *text = json_dumps(loc, JSON_COMPACT);
    json_decref(loc);
    rc = hb_store_change(db, "Location", o.id, o.version, w->u->id, "update", text, strlen(text),
                         err);
    free(text);
    w->new_version = o.version;
out:
    hb_arena_free(a);
    return rc < 0 ? rc : 0;
}

int hb_flow_unit_update(struct hb_store *s, const struct hb_user *u, int64_t unit_id, int beds,
                        json_t *codes, int version, int *new_version, struct hb_error *err)
{
    struct unit_update w = {.u = u, .unit_id = unit_id, .beds = beds, .version = version};
    if (beds < 0 || beds > 500)
        return hb_fail(err, HB_INVALID, "beds", "Antall senger må være fra 0 til 500");
    if (!json_is_array(codes))
        return hb_fail(err, HB_INVALID, "capabilities",
                       "capabilities må være en liste med koder");
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c)
    {
        int k = cap_index(json_string_value(c));
        if (k < 0)
            return hb_fail(err, HB_INVALID, "capabilities", "Ukjent kode for behandling: %.60s",
                           json_is_string(c) ? json_string_value(c) : "(ikke tekst)");
        if (w.has[k])
            return hb_fail(err, HB_INVALID, "capabilities", "Koden %s står der to ganger",
                           capabilities[k].code);
        w.has[k] = true;
    }
    int rc = hb_store_write(s, unit_update_tx, &w, err);
    if (rc == 0)
        *new_version = w.new_version;
    return rc;
}

/* ---- the capacity overview ---- */
static const char SQL_CAP_UNITS[] =
    "SELECT o.id, o.name, o.unit_type, COALESCE(o.beds, 0), o.site, o.parent_id, p.name,"
    " p.type, (SELECT COUNT(*) FROM stay s WHERE s.unit_id = o.id AND s.end_at IS NULL),"
    " o.version FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.type = 'unit'"
    " ORDER BY p.name, o.name";
static const char SQL_CAP_CODES[] = "SELECT unit_id, code FROM unit_capability";
static const char SQL_CAP_MUNIS[] =
    "SELECT id, name, kommunenummer FROM org WHERE type = 'municipality' ORDER BY name";
static const char SQL_KAD_RESIDENTS[] =
    "SELECT p.municipality_id, COUNT(*) FROM stay s JOIN org u ON u.id = s.unit_id"
    " JOIN patient p ON p.id = s.patient_id WHERE u.unit_type = 'kad' AND s.end_at IS NULL"
    " GROUP BY p.municipality_id";

static const char *id_str(struct hb_arena *a, int64_t id)
{
    return hb_arena_printf(a, "%lld", (long long)id);
}

/* Runs a two-column (id, text or count) query into a JSON object keyed by id:
 * arrays of text when as_list, else integers. */
static int keyed(struct hb_db *db, const char *sql, bool as_list, struct hb_arena *a,
                 json_t **out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    json_t *o = json_object();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *key = id_str(a, hb_stmt_col_int(st, 0));
        if (as_list) {
            json_t *l = json_object_get(o, key);
            if (!l)
                json_object_set_new(o, key, l = json_array());
            json_array_append_new(l, json_string(hb_stmt_col(st, 1, NULL)));
        } else {
            json_object_set_new(o, key, json_integer(hb_stmt_col_int(st, 1)));
        }
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

static json_t *unit_json(struct hb_stmt *st, json_t *codes, struct hb_arena *a, int *beds,
                         int *occupied)
{
    *beds = (int)hb_stmt_col_int(st, 3);
    *occupied = (int)hb_stmt_col_int(st, 8);
    const char *type = hb_stmt_col(st, 2, NULL);
    json_t *caps = json_array();
    for (int i = 0; i < N_CAPS; i++) {
        size_t k;
        json_t *c;
        json_array_foreach(codes, k, c)
        {
            if (strcmp(json_string_value(c), capabilities[i].code) == 0)
                json_array_append_new(caps, json_pack("{s:s,s:s}", "code", capabilities[i].code,
                                                      "label", capabilities[i].label));
        }
    }
    return json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s,s:s?,s:s?,s:i,s:i,s:i,s:b,s:I,s:o}", "id",
                     id_str(a, hb_stmt_col_int(st, 0)), "name", hb_stmt_col(st, 1, NULL),
                     "unitType", type, "unitTypeLabel", hb_unit_type_label(type), "site",
                     hb_stmt_col(st, 4, NULL), "ownerId", id_str(a, hb_stmt_col_int(st, 5)),
                     "owner", hb_stmt_col(st, 6, NULL), "ownerType", hb_stmt_col(st, 7, NULL),
                     "beds", *beds, "occupied", *occupied, "free",
                     *occupied < *beds ? *beds - *occupied : 0, "overbooked", *occupied > *beds,
                     "version", (json_int_t)hb_stmt_col_int(st, 9), "capabilities", caps);
}

/* KAD beds per municipality id into beds (numbers): a unit's own for its
 * owning municipality, or its share by inhabitants (pop, as from
 * hb_org_population) when it serves several. */
static int count_kad_beds(struct hb_db *db, struct hb_arena *arena, json_t *pop, json_t *beds,
                          struct hb_error *err)
{
    struct hb_kad_unit *u;
    int n;
    int rc = hb_org_kad_units(db, arena, &u, &n, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        const int64_t *who = u[i].nserved ? u[i].served : &u[i].owner_id;
        int nwho = u[i].nserved ? u[i].nserved : 1;
        json_int_t served_pop = 0;
        for (int j = 0; j < nwho; j++)
            served_pop += json_integer_value(
                json_object_get(json_object_get(pop, id_str(arena, who[j])), "total"));
        for (int j = 0; j < nwho; j++) {
            const char *id = id_str(arena, who[j]);
            json_int_t people =
                json_integer_value(json_object_get(json_object_get(pop, id), "total"));
            double share = u[i].nserved ? hb_org_bed_share(u[i].beds, people, served_pop, nwho)
                                        : u[i].beds;
            json_object_set_new(beds, id,
                                json_real(json_number_value(json_object_get(beds, id)) + share));
        }
    }
    return rc;
}

int hb_flow_capacity(struct hb_db *db, struct hb_arena *arena, json_t **out,
                     struct hb_error *err)
{
    json_t *codes = NULL, *kad_res = NULL, *pop = NULL, *units = json_array(),
           *munis = json_array();
    int rc;
    if ((rc = keyed(db, SQL_CAP_CODES, true, arena, &codes, err)) ||
        (rc = keyed(db, SQL_KAD_RESIDENTS, false, arena, &kad_res, err)) ||
        (rc = hb_org_population(db, &pop, err)))
        goto out;
    struct hb_stmt *st;
    int beds_total = 0, occupied_total = 0, free_total = 0;
    json_t *kad_beds = json_object(); /* municipality id -> KAD beds, own or shared */
    json_t *none = json_array();      /* the codes of a unit without any */
    if ((rc = hb_db_stmt(db, SQL_CAP_UNITS, &st, err)))
        goto out_kad;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *id = id_str(arena, hb_stmt_col_int(st, 0));
        json_t *c = json_object_get(codes, id);
        int beds, occupied;
        json_array_append_new(units, unit_json(st, c ? c : none, arena, &beds, &occupied));
        beds_total += beds;
        occupied_total += occupied;
        free_total += occupied < beds ? beds - occupied : 0;
    }
    hb_stmt_done(st);
    if (rc < 0 || (rc = count_kad_beds(db, arena, pop, kad_beds, err)))
        goto out_kad;
    json_int_t pop_total = 0, res_total = 0;
    double kad_total = 0;
    if ((rc = hb_db_stmt(db, SQL_CAP_MUNIS, &st, err)))
        goto out_kad;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        const char *id = id_str(arena, hb_stmt_col_int(st, 0));
        json_int_t people = json_integer_value(json_object_get(json_object_get(pop, id), "total"));
        double kad = json_number_value(json_object_get(kad_beds, id));
        json_int_t residents = json_integer_value(json_object_get(kad_res, id));
        pop_total += people;
        kad_total += kad;
        res_total += residents;
        json_array_append_new(
            munis, json_pack("{s:s,s:s,s:s?,s:I,s:f,s:f,s:I}", "id", id, "name",
                             hb_stmt_col(st, 1, NULL), "kommunenummer", hb_stmt_col(st, 2, NULL),
                             "population", people, "normBeds", (double)people / 7000.0,
                             "kadBeds", kad, "kadResidentsNow", residents));
    }
    hb_stmt_done(st);
    if (rc < 0)
        goto out_kad;
    rc = 0;
    *out = json_pack("{s:o,s:{s:i,s:i,s:i},s:o,s:{s:I,s:f,s:f,s:I},s:o}", "units", units,
                     "totals", "beds", beds_total, "occupied", occupied_total, "free", free_total,
                     "municipalities", munis, "municipalityTotals", "population", pop_total,
                     "normBeds", (double)pop_total / 7000.0, "kadBeds", kad_total,
                     "kadResidentsNow", res_total, "capabilities", hb_capability_list());
    units = munis = NULL; /* stolen */
out_kad:
    json_decref(kad_beds);
    json_decref(none);
out:
    json_decref(units);
    json_decref(munis);
    json_decref(codes);
    json_decref(kad_res);
    json_decref(pop);
    return rc < 0 ? rc : 0;
}
