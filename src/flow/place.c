/* flow: finding a place: which units can take a patient now, nearest first,
 * and why the others cannot. */
#include <stdio.h>
#include <string.h>

#include "../org/org.h"
#include "flow.h"
#include "../core/banned.h"

static const char SQL_TRAVEL_ADD[] =
    "INSERT INTO travel_time (municipality_id, site, minutes, km) VALUES (?, ?, ?, ?)";

int hb_flow_travel_add(struct hb_db *db, int64_t municipality_id, const char *site, int minutes,
                       int km, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_TRAVEL_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, municipality_id);
    hb_stmt_text(st, 2, site);
    hb_stmt_int(st, 3, minutes);
    hb_stmt_int(st, 4, km);
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

static const char SQL_MUNI[] =
    "SELECT id, name FROM org WHERE type = 'municipality' AND kommunenummer = ?";
/* Every unit with beds: free beds now (expired reservations count as free),
 * travel time from the municipality (NULL when unknown). */
static const char SQL_PLACES[] =
    "SELECT o.id, o.name, o.unit_type, o.site, p.name,"
    " (SELECT COUNT(*) FROM bed b WHERE b.unit_id = o.id AND (b.state = 'free' OR"
    " (b.state = 'reserved' AND b.reserved_until <= ?))), t.minutes, t.km"
    " FROM org o LEFT JOIN org p ON p.id = o.parent_id"
    " LEFT JOIN travel_time t ON t.site = o.site AND t.municipality_id = ?"
    " WHERE o.type = 'unit' AND o.beds > 0 ORDER BY o.name";
static const char SQL_HAS_CAP[] =
    "SELECT 1 FROM unit_capability WHERE unit_id = ? AND code = ?";

int hb_flow_find_place(struct hb_db *db, const char *kommunenummer, json_t *needs,
                       int max_minutes, struct hb_arena *arena, json_t **out,
                       struct hb_error *err)
{
    if (max_minutes < 1 || max_minutes > 600)
        return hb_fail(err, HB_INVALID, "maxMinutes", "Lengste reisetid må være 1-600 minutter");
    if (!json_is_array(needs) || json_array_size(needs) > 18)
        return hb_fail(err, HB_INVALID, "needs", "needs må være en liste med koder");
    size_t i;
    json_t *n;
    json_array_foreach(needs, i, n)
    {
        if (!hb_capability_label(json_string_value(n)))
            return hb_fail(err, HB_INVALID, "needs", "Ukjent behov: %.60s",
                           json_is_string(n) ? json_string_value(n) : "(ikke tekst)");
    }
    struct hb_stmt *st;
    int64_t muni = 0;
    const char *muni_name = NULL;
    int rc = hb_db_stmt(db, SQL_MUNI, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, kommunenummer ? kommunenummer : "");
    if ((rc = hb_stmt_step(st, err)) == 1) {
        muni = hb_stmt_col_int(st, 0);
        muni_name = hb_arena_strdup(arena, hb_stmt_col(st, 1, NULL));
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!muni)
        return hb_fail(err, HB_INVALID, "municipality",
                       "Oppgi bostedskommunen med kommunenummer (fire sifre)");
    struct place {
        int64_t id;
        const char *name, *type, *site, *owner;
        int free, minutes, km;
        bool known;
    } places[256];
    int np = 0;
    if ((rc = hb_db_stmt(db, SQL_PLACES, &st, err)))
        return rc;
    hb_stmt_int(st, 1, hb_now_us());
    hb_stmt_int(st, 2, muni);
    while (np < 256 && (rc = hb_stmt_step(st, err)) == 1) {
        struct place *p = &places[np++];
        p->id = hb_stmt_col_int(st, 0);
        p->name = hb_arena_strdup(arena, hb_stmt_col(st, 1, NULL));
        p->type = hb_arena_strdup(arena, hb_stmt_col(st, 2, NULL));
        const char *site = hb_stmt_col(st, 3, NULL), *owner = hb_stmt_col(st, 4, NULL);
        p->site = site ? hb_arena_strdup(arena, site) : NULL;
        p->owner = owner ? hb_arena_strdup(arena, owner) : NULL;
        p->free = (int)hb_stmt_col_int(st, 5);
        p->known = hb_stmt_col(st, 6, NULL) != NULL;
        p->minutes = (int)hb_stmt_col_int(st, 6);
        p->km = (int)hb_stmt_col_int(st, 7);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    /* Nearest first (unknown travel times last), then by name. */
    for (int a = 1; a < np; a++) {
        struct place t = places[a];
        int b = a - 1;
        while (b >= 0 && (places[b].known < t.known ||
                          (places[b].known == t.known && places[b].minutes > t.minutes))) {
            places[b + 1] = places[b];
            b--;
        }
        places[b + 1] = t;
    }
    json_t *ok = json_array(), *left = json_array();
    for (int k = 0; k < np && rc == 0; k++) {
        struct place *p = &places[k];
        json_t *reasons = json_array();
        if (p->free == 0)
            json_array_append_new(reasons, json_string("Ingen ledig seng"));
        json_array_foreach(needs, i, n)
        {
            if ((rc = hb_db_stmt(db, SQL_HAS_CAP, &st, err)))
                break;
            hb_stmt_int(st, 1, p->id);
            hb_stmt_text(st, 2, json_string_value(n));
            rc = hb_stmt_step(st, err);
            hb_stmt_done(st);
            if (rc < 0)
                break;
            if (rc == 0)
                json_array_append_new(reasons,
                                      json_string(hb_arena_printf(arena, "Mangler: %s",
                                                                  hb_capability_label(
                                                                      json_string_value(n)))));
            rc = 0;
        }
        if (!p->known)
            json_array_append_new(reasons, json_string("Reisetiden er ukjent"));
        else if (p->minutes > max_minutes)
            json_array_append_new(reasons, json_string(hb_arena_printf(
                                               arena, "For langt unna (%d min, grensen er %d)",
                                               p->minutes, max_minutes)));
        json_t *u = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:i}", "id",
                              hb_arena_printf(arena, "%lld", (long long)p->id), "name", p->name,
                              "unitTypeLabel", hb_unit_type_label(p->type), "site", p->site,
                              "owner", p->owner, "free", p->free);
        if (p->known) {
            json_object_set_new(u, "minutes", json_integer(p->minutes));
            json_object_set_new(u, "km", json_integer(p->km));
        }
        if (json_array_size(reasons)) {
            json_object_set_new(u, "reasons", reasons);
            json_array_append_new(left, u);
        } else {
            json_decref(reasons);
            json_array_append_new(ok, u);
        }
    }
    if (rc < 0) {
        json_decref(ok);
        json_decref(left);
        return rc;
    }
    *out = json_pack("{s:s,s:o,s:o}", "municipality", muni_name, "candidates", ok, "excluded",
                     left);
    return 0;
}
