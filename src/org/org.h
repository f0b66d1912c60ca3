/* org: the helsefellesskap, hospital trust, hospitals, municipalities with
 * population by sex and age band, units and GP offices. */
#ifndef HB_ORG_H
#define HB_ORG_H

#include <jansson.h>
#include <stdint.h>

#include "../core/core.h"
#include "../store/store.h"

/* Organisation types and unit types, with Norwegian labels. */
#define HB_ORG_TYPES(X)                                                                            \
    X("helsefellesskap", "Helsefellesskap")                                                        \
    X("hf", "Helseforetak")                                                                        \
    X("hospital", "Sykehus")                                                                       \
    X("municipality", "Kommune")                                                                   \
    X("unit", "Enhet")                                                                             \
    X("gp-office", "Fastlegekontor")
#define HB_UNIT_TYPES(X)                                                                           \
    X("hospital-ward", "Sykehusavdeling")                                                          \
    X("kad", "KAD/ØHD")                                                                            \
    X("sykestue", "Sykestue")                                                                      \
    X("joint-unit", "Felles enhet")                                                                \
    X("short-term-nursing-home", "Korttidsplass sykehjem")                                         \
    X("home-care", "Hjemmetjeneste")

/* Returns the Norwegian label of an org or unit type, or NULL when unknown. */
const char *hb_org_type_label(const char *type);
const char *hb_unit_type_label(const char *unit_type);

struct hb_org {
    int64_t id, parent_id;
    const char *type, *unit_type, *name, *kommunenummer, *orgnr, *site, *parent_name;
    int beds, version;
    int64_t updated_at;
};

/* Inserts o inside a write (id assigned when 0) with its change record. */
int hb_org_add(struct hb_db *db, struct hb_org *o, int64_t user_id, struct hb_error *err);
/* Adds population rows for a municipality inside a write. */
int hb_org_population_add(struct hb_db *db, int64_t municipality_id, int year, const char *sex,
                          const char *age_band, int count, struct hb_error *err);

struct hb_org_query {
    bool units;        /* units (Location) instead of organisations */
    const char *type;  /* org type or unit type; NULL: any */
    const char *name;  /* case-insensitive prefix of the name; NULL: any */
    const char *ident; /* kommunenummer or orgnr; NULL: any */
    int count;
};
/* Lists matching organisations ordered by type and name; strings in arena. */
int hb_org_list(struct hb_db *db, const struct hb_org_query *q, struct hb_arena *arena,
                struct hb_org **out, int *n, struct hb_error *err);
int hb_org_get(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_org *out,
               struct hb_error *err);
/* Like hb_org_get, but the organisation must be a unit: HB_NOT_FOUND naming
 * field otherwise. */
int hb_org_get_unit(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_org *out,
                    const char *field, struct hb_error *err);
/* What an import of population figures did. */
struct hb_pop_import {
    int rows, skipped;         /* lines read; lines for regions that are not municipalities */
    int municipalities;        /* municipalities with figures */
    int first_year, last_year; /* the years they cover */
};
/* Imports population figures or a projection in Statistics Norway's long CSV
 * layout (see population.c) inside a write; the figures of each municipality
 * and year in it replace those stored. HB_INVALID with field "csv" and the
 * line number when a line cannot be read; nothing is stored then. */
int hb_org_population_import(struct hb_db *db, const char *csv, size_t len,
                             struct hb_pop_import *res, struct hb_error *err);
/* Population of each municipality in its latest year up to this one (a
 * projection's later years are left out; a municipality with only later
 * figures shows its earliest): a new JSON object keyed
 * by municipality id, each {"year", "total", "age80"}. */
int hb_org_population(struct hb_db *db, json_t **out, struct hb_error *err);
/* The organisation overview for the UI: municipalities with population in the
 * latest year and their units, hospitals with their wards, GP offices. */
int hb_org_overview(struct hb_db *db, struct hb_arena *arena, json_t **out, struct hb_error *err);

/* ---- shared units (catchment.c) ---- */
/* A KAD unit, its beds and who they count for. */
struct hb_kad_unit {
    int64_t id, owner_id; /* owner: the unit's parent, normally a municipality */
    int beds;
    const int64_t *served; /* the municipalities it serves, ascending; none: the owner */
    int nserved;
};
/* Every KAD unit with the municipalities it serves; arrays in arena. */
int hb_org_kad_units(struct hb_db *db, struct hb_arena *arena, struct hb_kad_unit **out, int *n,
                     struct hb_error *err);
/* The beds of a unit serving several municipalities that count for one of
 * them: beds x its inhabitants / the inhabitants of all it serves, or an
 * equal share when none of them has figures. */
double hb_org_bed_share(int beds, int64_t pop, int64_t served_pop, int nserved);
/* Sets the municipalities (by kommunenummer, n of them; none: only its
 * owner) a unit serves, inside a write, with a change record (rtype
 * UnitServes). HB_NOT_FOUND naming "unit" or "municipality" when one is
 * unknown, HB_INVALID naming "unit" when it is not a KAD; nothing is changed
 * then. */
int hb_org_serves_set(struct hb_db *db, int64_t unit_id, const char *const *nrs, int n,
                      int64_t user_id, struct hb_error *err);
/* hb_org_serves_set as the callback of hb_store_write. */
enum { HB_ORG_MAX_SERVED = 64 };
struct hb_org_serves {
    int64_t unit, user;
    const char *nrs[HB_ORG_MAX_SERVED];
    int n;
};
int hb_org_serves_tx(struct hb_db *db, void *arg, struct hb_error *err);
/* The kommunenummer of the municipalities a unit serves, ascending: a new
 * JSON array (empty: only its owner). */
int hb_org_serves_get(struct hb_db *db, int64_t unit_id, json_t **out, struct hb_error *err);

/* FHIR Organization (non-units) or Location (units) for o. New reference. */
json_t *hb_org_fhir(const struct hb_org *o);

#endif
