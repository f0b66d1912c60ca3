/* flow: joint units (model B): who pays for each stay, and the "trekkspill"
 * settlement between the hospital trust and the municipalities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../org/org.h"
#include "flow.h"
#include "../core/banned.h"

/* ---- charging a stay to a party ---- */
static const char SQL_STAY_FOR_CHARGE[] =
    "SELECT s.unit_id, s.patient_id, u.unit_type, u.parent_id, p.municipality_id, s.version"
    " FROM stay s JOIN org u ON u.id = s.unit_id JOIN patient p ON p.id = s.patient_id"
    " WHERE s.id = ?";
static const char SQL_PARTY_TYPE[] = "SELECT type FROM org WHERE id = ?";
static const char SQL_STAY_CHARGE[] =
    "UPDATE stay SET charged_to = ?, charged_by = ?, charged_at = ?, version = version + 1"
    " WHERE id = ?";

struct charge {
    const struct hb_user *u;
    int64_t stay_id, party;
};

static int charge_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct charge *c = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_STAY_FOR_CHARGE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, c->stay_id);
    int64_t unit = 0, patient = 0, parent = 0, residence = 0;
    int version = 0;
    bool joint = false;
    if ((rc = hb_stmt_step(st, err)) == 1) {
        unit = hb_stmt_col_int(st, 0);
        patient = hb_stmt_col_int(st, 1);
        const char *t = hb_stmt_col(st, 2, NULL);
        joint = t && strcmp(t, "joint-unit") == 0;
        parent = hb_stmt_col_int(st, 3);
        residence = hb_stmt_col_int(st, 4);
        version = (int)hb_stmt_col_int(st, 5);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "stayId", "Oppholdet finnes ikke");
    if (!joint)
        return hb_fail(err, HB_CONFLICT, "stayId",
                       "Bare opphold i en felles enhet (modell B) fordeles mellom partene");
    bool clinician = c->u->role == HB_ROLE_HOSPITAL || c->u->role == HB_ROLE_MUNICIPAL;
    if (!clinician || (c->u->org_id != unit && c->u->org_id != parent))
        return hb_fail(err, HB_FORBIDDEN, NULL,
                       "Bare det felles teamet på enheten bestemmer hvem som betaler");
    if ((rc = hb_db_stmt(db, SQL_PARTY_TYPE, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c->party);
    bool hf = false;
    if ((rc = hb_stmt_step(st, err)) == 1)
        hf = strcmp(hb_stmt_col(st, 0, NULL), "hf") == 0;
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!hf && c->party != residence)
        return hb_fail(err, HB_INVALID, "party",
                       "Parten må være helseforetaket eller pasientens bostedskommune");
    if ((rc = hb_db_stmt(db, SQL_STAY_CHARGE, &st, err)))
        return rc;
    hb_stmt_int(st, 1, c->party);
    hb_stmt_int(st, 2, c->u->id);
    hb_stmt_int(st, 3, hb_now_us());
    hb_stmt_int(st, 4, c->stay_id);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    json_t *enc;
    int64_t pid;
    if ((rc = hb_flow_encounter(db, c->stay_id, &enc, &pid, err)))
        return rc;
    char payer[48];
    snprintf(payer, sizeof(payer), "Organization/%lld", (long long)c->party);
    json_object_set_new(enc, "serviceProvider", json_pack("{s:s}", "reference", payer));
    char *text = json_dumps(enc, JSON_COMPACT);
    json_decref(enc);
    rc = hb_store_change(db, "Encounter", c->stay_id, version + 1, c->u->id, "update", text,
                         strlen(text), err);
    free(text);
    if (rc)
        return rc;
    char what[40];
    snprintf(what, sizeof(what), "Encounter/%lld", (long long)c->stay_id);
    struct hb_audit a = {.patient_id = patient, .action = "update", .what = what,
                         .relation = "stay", .allowed = true};
    return hb_audit_add(db, c->u, &a, err);
}

int hb_flow_charge(struct hb_store *s, const struct hb_user *u, int64_t stay_id, int64_t party,
                   struct hb_error *err)
{
    struct charge c = {.u = u, .stay_id = stay_id, .party = party};
    return hb_store_write(s, charge_tx, &c, err);
}

/* ---- the settlement ---- */
static const char SQL_JOINT_UNIT[] =
    "SELECT name, COALESCE(beds, 0), day_price_nok, COALESCE(hf_share_percent, 50) FROM org"
    " WHERE id = ? AND unit_type = 'joint-unit'";
static const char SQL_HF[] = "SELECT id, name FROM org WHERE type = 'hf' ORDER BY id LIMIT 1";
static const char SQL_MUNIS[] =
    "SELECT id, name, kommunenummer FROM org WHERE type = 'municipality' ORDER BY name";
static const char SQL_JOINT_STAYS[] =
    "SELECT id, start_at, end_at, charged_to FROM stay WHERE unit_id = ? AND start_at < ?"
    " AND (end_at IS NULL OR end_at >= ?) ORDER BY start_at";

enum { MAX_PARTIES = 64 };

struct party {
    int64_t id;
    const char *name, *nr;
    int64_t population, days, cost, prepaid, rem; /* øre; rem: remainder for the split */
};

int hb_flow_settlement(struct hb_store *s, const struct hb_user *u, int64_t unit_id,
                       const char *from, const char *to, struct hb_arena *arena, json_t **out,
                       struct hb_error *err)
{
    (void)u; /* no patient data here: every staff role may see the settlement */
    int64_t d0, d1;
    if (hb_date_days(from, &d0) != 0)
        return hb_fail(err, HB_INVALID, "from", "from må være en dato ÅÅÅÅ-MM-DD");
    if (hb_date_days(to, &d1) != 0 || d1 < d0 || d1 - d0 > 366)
        return hb_fail(err, HB_INVALID, "to", "to må være en dato ÅÅÅÅ-MM-DD, etter from, "
                                              "høyst ett år senere");
    d1++; /* half-open [d0, d1) */
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct party parties[MAX_PARTIES];
    int np = 0, beds = 0, share = 50;
    int64_t price = 0;
    const char *unit_name = NULL;
    json_t *pop = NULL, *unassigned = json_array();
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_JOINT_UNIT, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, unit_id);
        if ((rc = hb_stmt_step(st, err)) == 1) {
            unit_name = hb_arena_strdup(arena, hb_stmt_col(st, 0, NULL));
            beds = (int)hb_stmt_col_int(st, 1);
            price = hb_stmt_col_int(st, 2);
            share = (int)hb_stmt_col_int(st, 3);
        }
        hb_stmt_done(st);
        if (rc == 0)
            rc = hb_fail(err, HB_NOT_FOUND, "id", "Finner ingen felles enhet med denne id-en");
        rc = rc < 0 ? rc : (rc == 1 ? 0 : rc);
    }
    if (rc == 0 && price <= 0)
        rc = hb_fail(err, HB_CONFLICT, "dayPrice", "Enheten har ingen døgnpris ennå");
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_HF, &st, err)) == 0) {
        if ((rc = hb_stmt_step(st, err)) == 1) {
            parties[np++] = (struct party){.id = hb_stmt_col_int(st, 0),
                                           .name = hb_arena_strdup(arena, hb_stmt_col(st, 1, NULL))};
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = hb_org_population(db, &pop, err);
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_MUNIS, &st, err)) == 0) {
        while (np < MAX_PARTIES && (rc = hb_stmt_step(st, err)) == 1) {
            struct party *p = &parties[np++];
            *p = (struct party){.id = hb_stmt_col_int(st, 0),
                                .name = hb_arena_strdup(arena, hb_stmt_col(st, 1, NULL)),
                                .nr = hb_arena_strdup(arena, hb_stmt_col(st, 2, NULL))};
            char key[24];
            snprintf(key, sizeof(key), "%lld", (long long)p->id);
            p->population = json_integer_value(json_object_get(json_object_get(pop, key), "total"));
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    /* Bed-days: each local calendar day a stay covers, within the period. */
    int64_t today_end = hb_local_day(hb_now_us()) + 1, unassigned_days = 0;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_JOINT_STAYS, &st, err)) == 0) {
        /* A day either side of the period in UTC; the local days are clipped below. */
        hb_stmt_int(st, 1, unit_id);
        hb_stmt_int(st, 2, (d1 + 1) * 86400 * 1000000LL);
        hb_stmt_int(st, 3, (d0 - 1) * 86400 * 1000000LL);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            int64_t a = hb_local_day(hb_stmt_col_int(st, 1));
            int64_t b = hb_stmt_col_int(st, 2) ? hb_local_day(hb_stmt_col_int(st, 2)) : today_end;
            if (a < d0)
                a = d0;
            if (b > d1)
                b = d1;
            if (b <= a)
                continue;
            int64_t charged = hb_stmt_col_int(st, 3);
            int k = -1;
            for (int i = 0; i < np; i++)
                if (parties[i].id == charged)
                    k = i;
            if (k >= 0) {
                parties[k].days += b - a;
            } else {
                unassigned_days += b - a;
                json_array_append_new(unassigned,
                                      json_pack("{s:s,s:I}", "stayId",
                                                hb_arena_printf(arena, "%lld",
                                                                (long long)hb_stmt_col_int(st, 0)),
                                                "days", (json_int_t)(b - a)));
            }
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    json_decref(pop);
    if (rc) {
        json_decref(unassigned);
        return rc;
    }
    /* Prepayment: the budget for the period (every bed, every day, at the day
     * price); the trust pays its share, the municipalities the rest by
     * population, split to the øre by largest remainder so the parts add up. */
    int64_t ndays = d1 - d0, budget = (int64_t)beds * ndays * price * 100;
    int64_t hf_part = budget * share / 100, rest = budget - hf_part, total_pop = 0, given = 0;
    if (np > 0 && parties[0].nr == NULL)
        parties[0].prepaid = hf_part;
    for (int i = 0; i < np; i++)
        if (parties[i].nr)
            total_pop += parties[i].population;
    for (int i = 0; i < np && total_pop > 0; i++) {
        if (!parties[i].nr)
            continue;
        __int128 x = (__int128)rest * parties[i].population;
        parties[i].prepaid = (int64_t)(x / total_pop);
        parties[i].rem = (int64_t)(x % total_pop);
        given += parties[i].prepaid;
    }
    for (int64_t left = rest - given; left > 0 && total_pop > 0; left--) {
        int best = -1;
        for (int i = 0; i < np; i++)
            if (parties[i].nr && (best < 0 || parties[i].rem > parties[best].rem))
                best = i;
        parties[best].prepaid++;
        parties[best].rem = -1;
    }
    json_t *rows = json_array();
    int64_t sum_days = 0, sum_cost = 0, sum_pre = 0;
    for (int i = 0; i < np; i++) {
        struct party *p = &parties[i];
        p->cost = p->days * price * 100;
        sum_days += p->days;
        sum_cost += p->cost;
        sum_pre += p->prepaid;
        json_array_append_new(
            rows, json_pack("{s:s,s:s,s:s?,s:I,s:I,s:I,s:I}", "partyId",
                            hb_arena_printf(arena, "%lld", (long long)p->id), "party", p->name,
                            "kommunenummer", p->nr, "bedDays", (json_int_t)p->days, "costOre",
                            (json_int_t)p->cost, "prepaidOre", (json_int_t)p->prepaid,
                            "balanceOre", (json_int_t)(p->cost - p->prepaid)));
    }
    *out = json_pack("{s:{s:s,s:s,s:i,s:I,s:i},s:s,s:s,s:o,s:{s:I,s:I,s:I,s:I},s:o,s:I}",
                     "unit", "id", hb_arena_printf(arena, "%lld", (long long)unit_id), "name",
                     unit_name, "beds", beds, "dayPriceNok", (json_int_t)price, "hfSharePercent",
                     share, "from", from, "to", to, "parties", rows, "totals", "bedDays",
                     (json_int_t)sum_days, "costOre", (json_int_t)sum_cost, "prepaidOre",
                     (json_int_t)sum_pre, "balanceOre", (json_int_t)(sum_cost - sum_pre),
                     "unassigned", unassigned, "unassignedBedDays", (json_int_t)unassigned_days);
    return 0;
}
