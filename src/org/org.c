/* org: organisations, units and population. */
#include "org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const struct {
    const char *type, *label;
} org_types[] = {
#define HB_ORG_ROW(t, l) {t, l},
    HB_ORG_TYPES(HB_ORG_ROW)
}, unit_types[] = {HB_UNIT_TYPES(HB_ORG_ROW)
#undef HB_ORG_ROW
};

const char *hb_org_type_label(const char *type)
{
    for (size_t i = 0; type && i < sizeof(org_types) / sizeof(org_types[0]); i++)
        if (strcmp(type, org_types[i].type) == 0)
            return org_types[i].label;
    return NULL;
}

const char *hb_unit_type_label(const char *unit_type)
{
    for (size_t i = 0; unit_type && i < sizeof(unit_types) / sizeof(unit_types[0]); i++)
        if (strcmp(unit_type, unit_types[i].type) == 0)
            return unit_types[i].label;
    return NULL;
}

static const char SQL_ORG_ADD[] =
    "INSERT INTO org (id, type, unit_type, name, name_lc, parent_id, kommunenummer, orgnr,"
    " site, beds, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)";

int hb_org_add(struct hb_db *db, struct hb_org *o, int64_t user_id, struct hb_error *err)
{
    if (!hb_org_type_label(o->type))
        return hb_fail(err, HB_INVALID, "type", "ukjent organisasjonstype %s", o->type);
    if (o->unit_type && !hb_unit_type_label(o->unit_type))
        return hb_fail(err, HB_INVALID, "unit_type", "ukjent enhetstype %s", o->unit_type);
    struct hb_arena *a = hb_arena_new();
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_ORG_ADD, &st, err);
    if (rc)
        goto out;
    if (!o->id)
        o->id = hb_id_new();
    o->version = 1;
    o->updated_at = hb_now_us();
    hb_stmt_int(st, 1, o->id);
    hb_stmt_text(st, 2, o->type);
    hb_stmt_text(st, 3, o->unit_type);
    hb_stmt_text(st, 4, o->name);
    hb_stmt_text(st, 5, hb_fold(a, o->name));
    hb_stmt_int_or_null(st, 6, o->parent_id);
    hb_stmt_text(st, 7, o->kommunenummer);
    hb_stmt_text(st, 8, o->orgnr);
    hb_stmt_text(st, 9, o->site);
    hb_stmt_int_or_null(st, 10, o->beds);
    hb_stmt_int(st, 11, o->updated_at);
    if ((rc = hb_stmt_run(st, err)) < 0)
        goto out;
    json_t *j = hb_org_fhir(o);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    rc = hb_store_change(db, o->unit_type ? "Location" : "Organization", o->id, 1, user_id,
                         "create", s, strlen(s), err);
    free(s);
out:
    hb_arena_free(a);
    return rc < 0 ? rc : 0;
}

static const char SQL_POP_ADD[] =
    "INSERT INTO population (municipality_id, year, sex, age_band, count) VALUES (?, ?, ?, ?, ?)";

int hb_org_population_add(struct hb_db *db, int64_t municipality_id, int year, const char *sex,
                          const char *age_band, int count, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_POP_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, municipality_id);
    hb_stmt_int(st, 2, year);
    hb_stmt_text(st, 3, sex);
    hb_stmt_text(st, 4, age_band);
    hb_stmt_int(st, 5, count);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

#define ORG_COLS                                                                           \
    "o.id, o.type, o.unit_type, o.name, o.kommunenummer, o.orgnr, o.site, o.parent_id,"    \
    " p.name, o.beds, o.version, o.updated_at"
#define ORG_FROM " FROM org o LEFT JOIN org p ON p.id = o.parent_id"

static const char SQL_ORG_GET[] = "SELECT " ORG_COLS ORG_FROM " WHERE o.id = ?";
/* Parameters: units flag (1/0), type (or NULL), name prefix (or NULL),
 * identifier (or NULL), limit. */
static const char SQL_ORG_LIST[] =
    "SELECT " ORG_COLS ORG_FROM
    " WHERE (CASE WHEN o.type = 'unit' THEN 1 ELSE 0 END) = CAST(? AS INTEGER)"
    " AND (CAST(? AS TEXT) IS NULL OR o.type = CAST(? AS TEXT) OR o.unit_type = CAST(? AS TEXT))"
    " AND (CAST(? AS TEXT) IS NULL OR o.name_lc LIKE CAST(? AS TEXT) ESCAPE '!')"
    " AND (CAST(? AS TEXT) IS NULL OR o.kommunenummer = CAST(? AS TEXT)"
    " OR o.orgnr = CAST(? AS TEXT))"
    " ORDER BY o.type, o.name LIMIT ?";

static void read_org(struct hb_stmt *st, struct hb_arena *a, struct hb_org *o)
{
    memset(o, 0, sizeof(*o));
    o->id = hb_stmt_col_int(st, 0);
    o->type = hb_stmt_col_dup(st, 1, a);
    o->unit_type = hb_stmt_col_dup(st, 2, a);
    o->name = hb_stmt_col_dup(st, 3, a);
    o->kommunenummer = hb_stmt_col_dup(st, 4, a);
    o->orgnr = hb_stmt_col_dup(st, 5, a);
    o->site = hb_stmt_col_dup(st, 6, a);
    o->parent_id = hb_stmt_col_int(st, 7);
    o->parent_name = hb_stmt_col_dup(st, 8, a);
    o->beds = (int)hb_stmt_col_int(st, 9);
    o->version = (int)hb_stmt_col_int(st, 10);
    o->updated_at = hb_stmt_col_int(st, 11);
}

struct org_read {
    struct hb_arena *arena;
    struct hb_org *out;
};

static void read_org_cb(struct hb_stmt *st, void *arg)
{
    struct org_read *r = arg;
    read_org(st, r->arena, r->out);
}

int hb_org_get(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_org *out,
               struct hb_error *err)
{
    struct org_read r = {arena, out};
    int rc = hb_db_one(db, SQL_ORG_GET, id, read_org_cb, &r, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Organisasjon %lld finnes ikke", (long long)id);
    return rc < 0 ? rc : 0;
}

int hb_org_get_unit(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_org *out,
                    const char *field, struct hb_error *err)
{
    int rc = hb_org_get(db, id, arena, out, err);
    if (rc == HB_NOT_FOUND || (rc == 0 && !out->unit_type))
        return hb_fail(err, HB_NOT_FOUND, field, "Enheten finnes ikke");
    return rc;
}

int hb_org_list(struct hb_db *db, const struct hb_org_query *q, struct hb_arena *arena,
                struct hb_org **out, int *n, struct hb_error *err)
{
    int count = q->count > 0 ? q->count : 100;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_ORG_LIST, &st, err);
    if (rc)
        return rc;
    char *like = q->name ? hb_like_prefix(arena, q->name) : NULL;
    hb_stmt_int(st, 1, q->units ? 1 : 0);
    hb_stmt_text(st, 2, q->type);
    hb_stmt_text(st, 3, q->type);
    hb_stmt_text(st, 4, q->type);
    hb_stmt_text(st, 5, like);
    hb_stmt_text(st, 6, like);
    hb_stmt_text(st, 7, q->ident);
    hb_stmt_text(st, 8, q->ident);
    hb_stmt_text(st, 9, q->ident);
    hb_stmt_int(st, 10, count);
    struct hb_org *res = hb_arena_alloc(arena, sizeof(*res) * (size_t)count);
    int k = 0;
    while (k < count && (rc = hb_stmt_step(st, err)) == 1)
        read_org(st, arena, &res[k++]);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    *out = res;
    *n = k;
    return 0;
}

static const char SQL_POP_TOTALS[] =
    "SELECT municipality_id, year, SUM(count), SUM(CASE WHEN age_band IN ('80-89', '90+')"
    " THEN count ELSE 0 END) FROM population p WHERE year = COALESCE("
    "(SELECT MAX(year) FROM population q WHERE q.municipality_id = p.municipality_id"
    " AND q.year <= ?), (SELECT MIN(year) FROM population q"
    " WHERE q.municipality_id = p.municipality_id)) GROUP BY municipality_id, year";

int hb_org_population(struct hb_db *db, json_t **out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_POP_TOTALS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_local_year(hb_now_us()));
    json_t *pop = json_object();
    while ((rc = hb_stmt_step(st, err)) == 1) {
        char key[24];
        snprintf(key, sizeof(key), "%lld", (long long)hb_stmt_col_int(st, 0));
        json_object_set_new(pop, key,
                            json_pack("{s:I,s:I,s:I}", "year", (json_int_t)hb_stmt_col_int(st, 1),
                                      "total", (json_int_t)hb_stmt_col_int(st, 2), "age80",
                                      (json_int_t)hb_stmt_col_int(st, 3)));
    }
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(pop);
        return rc;
    }
    *out = pop;
    return 0;
}

int hb_org_overview(struct hb_db *db, struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_org_query q = {.count = 1000};
    struct hb_org *orgs, *units;
    int n, nu, rc;
    if ((rc = hb_org_list(db, &q, arena, &orgs, &n, err)))
        return rc;
    q.units = true;
    if ((rc = hb_org_list(db, &q, arena, &units, &nu, err)))
        return rc;
    json_t *pop;
    if ((rc = hb_org_population(db, &pop, err)))
        return rc;
    json_t *root = json_object(), *munis = json_array(), *others = json_array();
    for (int i = 0; i < n; i++) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)orgs[i].id);
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type", orgs[i].type, "typeLabel",
                              hb_org_type_label(orgs[i].type), "name", orgs[i].name);
        if (orgs[i].kommunenummer)
            json_object_set_new(o, "kommunenummer", json_string(orgs[i].kommunenummer));
        if (orgs[i].parent_name)
            json_object_set_new(o, "parent", json_string(orgs[i].parent_name));
        json_t *p = json_object_get(pop, id);
        if (p)
            json_object_set(o, "population", p);
        json_t *ulist = json_array();
        for (int k = 0; k < nu; k++) {
            if (units[k].parent_id != orgs[i].id)
                continue;
            json_t *u = json_pack("{s:s,s:s,s:s,s:s?,s:i}", "id",
                                  hb_arena_printf(arena, "%lld", (long long)units[k].id), "name",
                                  units[k].name, "unitType", units[k].unit_type, "site",
                                  units[k].site, "beds", units[k].beds);
            json_object_set_new(u, "unitTypeLabel",
                                json_string(hb_unit_type_label(units[k].unit_type)));
            json_array_append_new(ulist, u);
        }
        json_object_set_new(o, "units", ulist);
        json_array_append_new(strcmp(orgs[i].type, "municipality") == 0 ? munis : others, o);
    }
    json_decref(pop);
    json_object_set_new(root, "municipalities", munis);
    json_object_set_new(root, "organisations", others);
    *out = root;
    return 0;
}

/* ---- FHIR ---- */
json_t *hb_org_fhir(const struct hb_org *o)
{
    char id[24], ver[16], ts[32], parent[48];
    snprintf(id, sizeof(id), "%lld", (long long)o->id);
    snprintf(ver, sizeof(ver), "%d", o->version ? o->version : 1);
    hb_time_iso(o->updated_at, ts, sizeof(ts));
    snprintf(parent, sizeof(parent), "Organization/%lld", (long long)o->parent_id);
    bool unit = o->unit_type != NULL;
    json_t *r = json_pack("{s:s,s:s,s:{s:s,s:s},s:s}", "resourceType",
                          unit ? "Location" : "Organization", "id", id, "meta", "versionId", ver,
                          "lastUpdated", ts, "name", o->name);
    json_t *ids = json_array();
    if (o->kommunenummer)
        json_array_append_new(ids, json_pack("{s:s,s:s}", "system",
                                             "urn:oid:2.16.578.1.12.4.1.1.3402", "value",
                                             o->kommunenummer));
    if (o->orgnr)
        json_array_append_new(ids, json_pack("{s:s,s:s}", "system",
                                             "urn:oid:2.16.578.1.12.4.1.4.101", "value",
                                             o->orgnr));
    if (json_array_size(ids))
        json_object_set_new(r, "identifier", ids);
    else
        json_decref(ids);
    const char *code = unit ? o->unit_type : o->type;
    const char *label = unit ? hb_unit_type_label(code) : hb_org_type_label(code);
    json_object_set_new(
        r, "type",
        json_pack("[{s:[{s:s,s:s,s:s}],s:s}]", "coding", "system",
                  unit ? "https://helsebro.no/fhir/CodeSystem/unit-type"
                       : "https://helsebro.no/fhir/CodeSystem/organization-type",
                  "code", code, "display", label, "text", label));
    if (unit) {
        json_object_set_new(r, "status", json_string("active"));
        json_object_set_new(r, "mode", json_string("instance"));
        if (o->parent_id)
            json_object_set_new(r, "managingOrganization", json_pack("{s:s}", "reference", parent));
        if (o->site)
            json_object_set_new(r, "address", json_pack("{s:s}", "city", o->site));
    } else {
        json_object_set_new(r, "active", json_true());
        if (o->parent_id)
            json_object_set_new(r, "partOf", json_pack("{s:s}", "reference", parent));
    }
    return r;
}
