/* flow: patient flow across hospital and municipal units. This part: what each
 * unit can treat (its capabilities), its bed count, and the capacity overview
 * of the whole helsefellesskap (no patient data). */
#ifndef HB_FLOW_H
#define HB_FLOW_H

#include <jansson.h>

#include "../auth/auth.h"
#include "../core/core.h"
#include "../store/store.h"

/* The coded list of what a unit can treat, kept here and nowhere else. */
#define HB_CAPABILITIES(X)                                                         \
    X("iv-antibiotics", "Intravenøs antibiotika")                                  \
    X("iv-fluids", "Intravenøs væske")                                             \
    X("oxygen", "Oksygen")                                                         \
    X("high-flow-oxygen", "High-flow oksygen")                                     \
    X("cpap-bipap", "CPAP/BiPAP")                                                  \
    X("infusion-pump", "Infusjonspumper")                                          \
    X("telemetry", "Telemetri")                                                    \
    X("blood-gas", "Blodgass")                                                     \
    X("lab-crp", "Lab: CRP")                                                       \
    X("lab-hb", "Lab: hemoglobin")                                                 \
    X("lab-glucose", "Lab: glukose")                                               \
    X("lab-urine-stix", "Lab: urinstiks")                                          \
    X("x-ray", "Røntgen")                                                          \
    X("ct-remote", "CT med fjerntolkning")                                         \
    X("palliative", "Palliativ behandling")                                        \
    X("dementia-safe", "Demenstilpasset avdeling")                                 \
    X("physiotherapy", "Fysioterapi")                                              \
    X("psychiatric", "Psykiatrisk kompetanse")

#define HB_CAPABILITY_SYSTEM "https://helsebro.no/fhir/CodeSystem/unit-capability"
#define HB_EXT_CAPABILITY "https://helsebro.no/fhir/StructureDefinition/unit-capability"

/* The Norwegian label of a capability code, or NULL when the code is unknown. */
const char *hb_capability_label(const char *code);
/* All capabilities as a new JSON array of {"code", "label"}. */
json_t *hb_capability_list(void);

/* The capability codes of unit_id, in the list's order, as a new JSON array of
 * codes. */
int hb_flow_unit_capabilities(struct hb_db *db, int64_t unit_id, json_t **out,
                              struct hb_error *err);
/* Adds the capabilities of unit_id to a FHIR Location as extensions. */
int hb_flow_location_extend(struct hb_db *db, int64_t unit_id, json_t *location,
                            struct hb_error *err);

/* Replaces the capabilities of unit_id with codes (inside a write; for loading
 * data such as the demo). HB_INVALID for an unknown code. */
int hb_flow_capabilities_set(struct hb_db *db, int64_t unit_id, const char *const *codes,
                             size_t n, struct hb_error *err);

/* Sets a unit's bed count and capabilities (codes: a JSON array of strings).
 * Only staff of the unit itself or an administrator may. version must be the
 * unit's current version (HB_CONFLICT otherwise, someone else changed it).
 * Errors name the field: beds (0-500), capabilities (known codes, no repeats).
 * On success *new_version is set. */
int hb_flow_unit_update(struct hb_store *s, const struct hb_user *u, int64_t unit_id, int beds,
                        json_t *codes, int version, int *new_version, struct hb_error *err);

/* The capacity overview (no patient data): every unit with beds, occupied and
 * free beds and capabilities, totals, and per municipality population, the
 * KAD norm (1 bed per 7,000 inhabitants), KAD beds and residents in KAD now. */
int hb_flow_capacity(struct hb_db *db, struct hb_arena *arena, json_t **out,
                     struct hb_error *err);

/* ---- beds and stays (stay.c) ----------------------------------------------- */

/* Where a patient comes from, goes to, and the priority groups, with labels. */
#define HB_STAY_SOURCES(X)                                                         \
    X("home", "Hjemmet")                                                           \
    X("gp", "Fastlege")                                                            \
    X("legevakt", "Legevakt")                                                      \
    X("hospital-ward", "Sykehusavdeling")                                          \
    X("other-unit", "Annen enhet")
#define HB_DISCHARGE_TO(X)                                                         \
    X("home", "Hjem")                                                              \
    X("home-care", "Hjem med hjemmetjenester")                                     \
    X("nursing-home", "Sykehjem")                                                  \
    X("hospital", "Sykehus")                                                       \
    X("other-unit", "Annen enhet")                                                 \
    X("deceased", "Død")
#define HB_PRIORITY_GROUPS(X)                                                      \
    X("children-complex", "Barn og unge med sammensatte behov")                    \
    X("mental-substance", "Alvorlig psykisk lidelse og rus")                       \
    X("frail-elderly", "Skrøpelige eldre")                                         \
    X("multimorbid", "Flere kroniske lidelser")

/* Makes the unit's numbered beds match its bed count, inside a write: adds free
 * beds, or removes the highest-numbered ones when none of them holds or
 * expects a patient (HB_CONFLICT naming the bed otherwise). */
int hb_flow_beds_resize(struct hb_db *db, int64_t unit_id, int from, int to,
                        struct hb_error *err);

struct hb_admission {
    int64_t patient_id, unit_id;
    int bed;
    const char *source, *referred_by, *priority_group; /* priority_group may be NULL */
};
/* Admits a patient to a free bed (or one reserved for them) of a unit. The user
 * must work in the unit or the organisation owning it. One open stay per
 * patient, one stay per bed: HB_CONFLICT otherwise. *stay_id gets the new id. */
int hb_flow_admit(struct hb_store *s, const struct hb_user *u, const struct hb_admission *a,
                  int64_t *stay_id, struct hb_error *err);
/* Moves an open stay to another free bed of the same unit; to another unit it
 * ends this stay ("other-unit") and starts one there. *stay_id: the stay the
 * patient now has. */
int hb_flow_move(struct hb_store *s, const struct hb_user *u, int64_t stay_id, int64_t unit_id,
                 int bed, int64_t *new_stay_id, struct hb_error *err);
/* Ends an open stay; its bed goes to cleaning. */
int hb_flow_discharge(struct hb_store *s, const struct hb_user *u, int64_t stay_id,
                      const char *to, struct hb_error *err);
/* Sets a bed without a patient to free, cleaning, closed (reason needed) or
 * reserved (reason: for whom; until: expiry, in the future). */
int hb_flow_bed_set(struct hb_store *s, const struct hb_user *u, int64_t unit_id, int bed,
                    const char *state, const char *reason, int64_t until, struct hb_error *err);
/* The beds of a unit as FHIR Locations (physicalType bd, partOf the unit,
 * operationalStatus from v2-0116), appended to out; bed 0: every bed.
 * HB_NOT_FOUND when the unit or the bed does not exist. */
int hb_flow_bed_locations(struct hb_db *db, int64_t unit_id, int bed, json_t *out,
                          struct hb_error *err);

/* The stay as a FHIR Encounter (a new reference) and whose stay it is. */
int hb_flow_encounter(struct hb_db *db, int64_t stay_id, json_t **out, int64_t *patient_id,
                      struct hb_error *err);
/* Ids of stays matching every given filter (0/NULL: any), ordered by id after
 * `after`, at most count. status: "in-progress" or "finished"; day_start: the
 * stays that overlap the day starting then (UTC microseconds). */
struct hb_stay_query {
    int64_t patient_id, unit_id, day_start, after;
    const char *status;
    int count;
};
int hb_flow_stay_search(struct hb_db *db, const struct hb_stay_query *q, int64_t *ids, int *n,
                        struct hb_error *err);

/* The bed board of a unit: every bed with its state; occupants' name and age
 * only where u has a relation (each such view audited), otherwise "occupied";
 * days in stay, flags with their source, totals. */
int hb_flow_board(struct hb_store *s, const struct hb_user *u, int64_t unit_id,
                  struct hb_arena *arena, json_t **out, struct hb_error *err);

/* The worklist of flagged stays (rules on the board, each with its source) in
 * the units the user works in or whose organisation owns them: a new JSON
 * array of {unit, bed, stay...}. Names only with a relation, audited as on
 * the board. */
int hb_flow_worklist(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err);

/* ---- finding a place (place.c) --------------------------------------------- */

/* Adds a travel time from a municipality to a unit site, inside a write. */
int hb_flow_travel_add(struct hb_db *db, int64_t municipality_id, const char *site, int minutes,
                       int km, struct hb_error *err);

/* Units that can take a patient from the municipality with kommunenummer now:
 * a free bed, every needed capability (codes: a JSON array) and at most
 * max_minutes away, nearest first; and every other unit with the reasons it
 * was left out. No patient data. Errors name the field (municipality, needs,
 * maxMinutes). */
int hb_flow_find_place(struct hb_db *db, const char *kommunenummer, json_t *needs,
                       int max_minutes, struct hb_arena *arena, json_t **out,
                       struct hb_error *err);

/* ---- joint units and their settlement (joint.c) ------------------------------ */

/* Records which party pays for a stay in a joint unit: the hospital trust or
 * the patient's municipality (party: its organisation id), decided by the
 * joint team (clinicians of the unit), with who decided and when. */
int hb_flow_charge(struct hb_store *s, const struct hb_user *u, int64_t stay_id, int64_t party,
                   struct hb_error *err);

/* The "trekkspill" settlement of a joint unit for the days [from, to]
 * (YYYY-MM-DD, inclusive): each party's bed-days and cost at the unit's day
 * price, its prepayment (the hospital trust its share, the municipalities the
 * rest by population), and the balance, in øre so the sums balance exactly;
 * stays not yet charged are listed apart. */
int hb_flow_settlement(struct hb_store *s, const struct hb_user *u, int64_t unit_id,
                       const char *from, const char *to, struct hb_arena *arena, json_t **out,
                       struct hb_error *err);

#endif
