/* org: the municipalities a shared unit serves (an inter-municipal KAD), and
 * how its beds count for each of them. The capacity overview and the
 * analytics engine both count KAD beds through here. */
#include "org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char SQL_KAD_UNITS[] = "SELECT id, COALESCE(parent_id, 0), COALESCE(beds, 0) FROM org"
                                    " WHERE type = 'unit' AND unit_type = 'kad' ORDER BY id";
static const char SQL_SERVES[] =
    "SELECT s.unit_id, s.municipality_id FROM unit_serves s JOIN org o ON o.id = s.unit_id"
    " WHERE o.unit_type = 'kad' ORDER BY s.unit_id, s.municipality_id";

int hb_org_kad_units(struct hb_db *db, struct hb_arena *arena, struct hb_kad_unit **out, int *n,
                     struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_KAD_UNITS, &st, err);
    if (rc)
        return rc;
    int cap = 16, count = 0;
    struct hb_kad_unit *u = hb_arena_alloc(arena, sizeof(*u) * (size_t)cap);
    while ((rc = hb_stmt_step(st, err)) == 1) {
        if (count == cap) {
            struct hb_kad_unit *more = hb_arena_alloc(arena, sizeof(*u) * (size_t)cap * 2);
            memcpy(more, u, sizeof(*u) * (size_t)count);
            u = more;
            cap *= 2;
        }
        u[count++] = (struct hb_kad_unit){.id = hb_stmt_col_int(st, 0),
                                          .owner_id = hb_stmt_col_int(st, 1),
                                          .beds = (int)hb_stmt_col_int(st, 2)};
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    /* The served municipalities come sorted by unit; units are sorted by id. */
    if ((rc = hb_db_stmt(db, SQL_SERVES, &st, err)))
        return rc;
    int k = 0, room = 0;
    while ((rc = hb_stmt_step(st, err)) == 1) {
        int64_t unit = hb_stmt_col_int(st, 0);
        while (k < count && u[k].id < unit) {
            k++;
            room = 0;
        }
        if (k == count || u[k].id != unit)
            continue;
        if (u[k].nserved == room) {
            room = room ? room * 2 : 8;
            int64_t *more = hb_arena_alloc(arena, sizeof(int64_t) * (size_t)room);
            if (u[k].nserved)
                memcpy(more, u[k].served, sizeof(int64_t) * (size_t)u[k].nserved);
            u[k].served = more;
        }
        ((int64_t *)u[k].served)[u[k].nserved++] = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    *out = u;
    *n = count;
    return 0;
}

double hb_org_bed_share(int beds, int64_t pop, int64_t served_pop, int nserved)
{
    if (served_pop > 0)
        return (double)beds * (double)pop / (double)served_pop;
    return nserved > 0 ? (double)beds / nserved : 0;
}

static const char SQL_MUNI_BY_NR[] =
    "SELECT id FROM org WHERE type = 'municipality' AND kommunenummer = ?";
static const char SQL_SERVES_DELETE[] = "DELETE FROM unit_serves WHERE unit_id = ?";
static const char SQL_SERVES_ADD[] =
    "INSERT INTO unit_serves (unit_id, municipality_id) VALUES (?, ?)";
static const char SQL_SERVES_VERSION[] =
    "SELECT COALESCE(MAX(version), 0) FROM change_log WHERE rtype = 'UnitServes' AND rid = ?";

static int one_int(struct hb_db *db, const char *sql, int64_t param, const char *text, int64_t *out,
                   struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    if (text)
        hb_stmt_text(st, 1, text);
    else
        hb_stmt_int(st, 1, param);
    rc = hb_stmt_step(st, err);
    *out = rc == 1 ? hb_stmt_col_int(st, 0) : 0;
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int hb_org_serves_set(struct hb_db *db, int64_t unit_id, const char *const *nrs, int n,
                      int64_t user_id, struct hb_error *err)
{
    struct hb_arena *a = hb_arena_new();
    struct hb_org unit;
    struct hb_buf res;
    hb_buf_init(&res, 64 * 1024);
    int64_t *ids = hb_arena_alloc(a, sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
    int rc = hb_org_get_unit(db, unit_id, a, &unit, "unit", err);
    if (rc == 0 && (!unit.unit_type || strcmp(unit.unit_type, "kad") != 0))
        rc = hb_fail(err, HB_INVALID, "unit",
                     "Bare en KAD kan betjene flere kommuner; %s er ikke en KAD", unit.name);
    for (int i = 0; rc == 0 && i < n; i++) {
        if ((rc = one_int(db, SQL_MUNI_BY_NR, 0, nrs[i], &ids[i], err)))
            break;
        if (!ids[i])
            rc = hb_fail(err, HB_NOT_FOUND, "municipality", "Ukjent kommunenummer: %.8s", nrs[i]);
    }
    struct hb_stmt *st;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_SERVES_DELETE, &st, err)) == 0) {
        hb_stmt_int(st, 1, unit_id);
        rc = hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
    }
    hb_buf_addf(&res, "{\"unit\":\"%lld\",\"municipalities\":[", (long long)unit_id);
    for (int i = 0; rc == 0 && i < n; i++) {
        bool again = false;
        for (int j = 0; j < i; j++)
            again = again || ids[j] == ids[i];
        if (again)
            continue;
        if ((rc = hb_db_stmt(db, SQL_SERVES_ADD, &st, err)))
            break;
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_int(st, 2, ids[i]);
        if (hb_stmt_run(st, err) < 0)
            rc = HB_INTERNAL;
        hb_buf_addf(&res, "%s\"%s\"", i ? "," : "", nrs[i]);
    }
    hb_buf_adds(&res, "]}");
    int64_t version = 0;
    if (rc == 0 && (rc = one_int(db, SQL_SERVES_VERSION, unit_id, NULL, &version, err)) == 0)
        rc = hb_store_change(db, "UnitServes", unit_id, (int)version + 1, user_id, "update",
                             res.ptr, res.len, err);
    hb_buf_release(&res);
    hb_arena_free(a);
    return rc;
}

int hb_org_serves_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct hb_org_serves *c = arg;
    return hb_org_serves_set(db, c->unit, c->nrs, c->n, c->user, err);
}

static const char SQL_SERVES_OF[] =
    "SELECT m.kommunenummer FROM unit_serves s JOIN org m ON m.id = s.municipality_id"
    " WHERE s.unit_id = ? ORDER BY m.kommunenummer";

int hb_org_serves_get(struct hb_db *db, int64_t unit_id, json_t **out, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_SERVES_OF, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, unit_id);
    json_t *nrs = json_array();
    while ((rc = hb_stmt_step(st, err)) == 1)
        json_array_append_new(nrs, json_string(hb_stmt_col(st, 0, NULL)));
    hb_stmt_done(st);
    if (rc < 0) {
        json_decref(nrs);
        return rc;
    }
    *out = nrs;
    return 0;
}
