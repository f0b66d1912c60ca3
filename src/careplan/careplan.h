/* careplan: shared care (model D). Care teams across organisations (standing
 * teams such as PSHT and FACT, and the micro-team around one patient), one
 * active plan per patient owned by its team (the patient's own words, goals,
 * health issues, tasks, crisis plan, nutrition, contacts), the plan's message
 * thread with read receipts and "ask the specialist", relatives' consent,
 * home measurements, co-consultations with the travel they avoided, and each
 * user's worklist.
 *
 * Inputs are JSON objects shaped like the JSON API's bodies (documented in
 * docs/usage.md); the FHIR layer translates FHIR resources into the same
 * shapes, so both paths share one validation. Every write is one transaction
 * with its change records, its plan event and its audit record. Errors name
 * the field; HB_FORBIDDEN denials are audited. Returned JSON is a new
 * reference for the caller. */
#ifndef HB_CAREPLAN_H
#define HB_CAREPLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../auth/auth.h"
#include "../core/core.h"
#include "../store/store.h"

/* ---- plans ---- */

/* Creates the patient's plan and its micro-team, with u as its first member.
 * in: {title, individualPlan, standingTeamId, role, whatMatters}. HB_CONFLICT
 * when the patient has an active plan already. */
int hb_care_plan_create(struct hb_store *s, const struct hb_user *u, int64_t patient_id, json_t *in,
                        int64_t *plan_id, struct hb_error *err);

/* The patient's active plan as the plan page shows it (null "plan" when there
 * is none), what changed since u last looked (then marked seen), and what u
 * may do. Audited; a relative sees only what the patient consented to. */
int hb_care_plan_get(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err);

/* Changes the plan's fields given in in: title, status, individualPlan,
 * coordinatorId (a member id), whatMatters, crisisSigns, crisisActions,
 * nutritionWeight (kg as written), nutritionScreening (not-at-risk, at-risk,
 * malnourished), nutritionNotes, contacts [{name, relation, phone}]. The
 * patient may change whatMatters only. if_version is the
 * version the editor saw (0: none). When strict, any newer version is a
 * conflict (HB_PRECONDITION, FHIR If-Match); otherwise only a newer change
 * of a field being changed is (HB_CONFLICT), and *conflict (may be NULL)
 * gets {current, changes} to show the editor. */
int hb_care_plan_update(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                        int if_version, bool strict, json_t **conflict, struct hb_error *err);

/* ---- goals, health issues and tasks ---- */

/* in: {kind: goal|issue|task, text, status, day, expressedBy (goal: patient
 * or team), codeSystem (issue: icpc2|icd10), code, assignee {kind: user|org|
 * patient, id}, recurrence (task: daily|weekly|monthly)}. */
int hb_care_item_add(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                     int64_t *id, struct hb_error *err);
/* Changes the fields given; conflicts as hb_care_plan_update. Completing a
 * recurring task adds its next occurrence. */
int hb_care_item_update(struct hb_store *s, const struct hb_user *u, int64_t id, json_t *in,
                        int if_version, bool strict, json_t **conflict, struct hb_error *err);

/* ---- teams ---- */

/* Standing teams u may see (all, for staff), with members and patient counts. */
int hb_care_teams(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena, json_t **out,
                  struct hb_error *err);
/* A standing team: in {kind: psht|fact|home-care, name, members [member
 * inputs]}; u becomes a member. */
int hb_care_team_create(struct hb_store *s, const struct hb_user *u, json_t *in, int64_t *id,
                        struct hb_error *err);
/* A member of team_id: in {userId | name, role, orgId, contact, from, to}. */
int hb_care_member_add(struct hb_store *s, const struct hb_user *u, int64_t team_id, json_t *in,
                       int64_t *id, struct hb_error *err);
/* Changes a membership: in {role, contact, to}. Ending the coordinator's
 * membership of an individual plan is HB_CONFLICT until it is handed over. */
int hb_care_member_update(struct hb_store *s, const struct hb_user *u, int64_t member_id,
                          json_t *in, struct hb_error *err);
/* Replaces team_id's membership by members (member inputs; FHIR CareTeam
 * update): a member matched by userId (or by name, without one) is updated,
 * a new one added, one left out ends today. if_version must match (0: any). */
int hb_care_team_sync(struct hb_store *s, const struct hb_user *u, int64_t team_id, json_t *members,
                      int if_version, struct hb_error *err);
/* Teams overview for team leaders: per team its patients, plans without a goal
 * in the patient's words, overdue tasks and days since the last contact. */
int hb_care_overview(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err);

/* ---- the thread ---- */

/* in: {kind: message|question|answer, body, toOrgId (question), replyTo
 * (answer)}. A question asks a hospital organisation for advice; a clinician
 * there answers it. */
int hb_care_message_add(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                        int64_t *id, struct hb_error *err);
/* The thread, oldest first, with who has read each message. Marks it read by
 * u up to the newest. */
int hb_care_messages(struct hb_store *s, const struct hb_user *u, int64_t plan_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err);
/* Open questions addressed to u's organisation (hospital clinicians). */
int hb_care_questions(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                      json_t **out, struct hb_error *err);

/* ---- the patient as partner ---- */

/* The patient (u) lets a relative see parts of the plan. in: {username,
 * scopes: [plan, messages, appointments, measurements]}; empty scopes withdraw. */
int hb_care_consent_set(struct hb_store *s, const struct hb_user *u, json_t *in,
                        struct hb_error *err);
/* The consents the patient has given (patient) or received (relative). */
int hb_care_consents(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err);
/* A home measurement by the patient (or the team): in {kind (a vital sign
 * of the monitor module: weight, pulse, sbp, dbp, glucose, temperature, spo2,
 * ...), value (as written), at}. It counts for NEWS2 and alerts like any. */
int hb_care_measure_add(struct hb_store *s, const struct hb_user *u, int64_t patient_id, json_t *in,
                        int64_t *id, struct hb_error *err);

/* ---- co-consultations ---- */

/* in: {start, minutes, purpose, videoUrl, participants [{userId} | {name,
 * role}]}. Invitations show in each invited user's worklist. */
int hb_care_consult_book(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                         int64_t *id, struct hb_error *err);
/* Records the outcome: in {status: fulfilled|cancelled, record, tasks [item
 * inputs]}. Held: the record goes into the plan's history, the tasks into
 * the plan, and the travel avoided is priced at today's rates. */
int hb_care_consult_record(struct hb_store *s, const struct hb_user *u, int64_t id, json_t *in,
                           int if_version, struct hb_error *err);
/* Running totals of travel avoided for the helsefellesskap. */
int hb_care_consult_totals(struct hb_store *s, struct hb_arena *arena, json_t **out,
                           struct hb_error *err);
/* The travel rates (øre per km, grams CO2 per km): read, or set when > 0. */
int hb_care_rates(struct hb_store *s, int64_t ore_per_km, int64_t co2_g_per_km, int64_t *ore_out,
                  int64_t *co2_out, struct hb_error *err);

/* Travel avoided by one co-consultation: a round trip of km_one_way and
 * minutes_one_way, priced at the rates. Pure. */
struct hb_care_travel {
    int64_t km, minutes, nok_ore, co2_g;
};
struct hb_care_travel hb_care_travel_avoided(int64_t km_one_way, int64_t minutes_one_way,
                                             int64_t ore_per_km, int64_t co2_g_per_km);

/* ---- my worklist ---- */

/* Tasks assigned to u or u's organisation (overdue first), unread messages,
 * plans changed since u last looked, coming co-consultations, open questions
 * to u's organisation. Audited for the patients shown. */
int hb_care_work(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena, json_t **out,
                 struct hb_error *err);

/* ---- FHIR ---- */

/* The FHIR resource types this module serves. */
enum hb_care_type {
    HB_CARE_TEAM,
    HB_CARE_PLAN,
    HB_CARE_GOAL,
    HB_CARE_CONDITION,
    HB_CARE_TASK,
    HB_CARE_COMMUNICATION,
    HB_CARE_APPOINTMENT,
    HB_CARE__TYPES
};
const char *hb_care_type_name(enum hb_care_type t);
int hb_care_type_parse(const char *name, enum hb_care_type *out);

/* The stored resource id of type t (a new reference) and its patient (0 for a
 * standing team, which has none). HB_NOT_FOUND. */
int hb_care_fhir_load(struct hb_db *db, enum hb_care_type t, int64_t id, json_t **out,
                      int64_t *patient_id, struct hb_error *err);

/* The stored resource id of type t as its JSON text (in arena, served as it
 * is), its version and its patient (0 for a standing team). HB_NOT_FOUND. */
int hb_care_fhir_stored(struct hb_db *db, enum hb_care_type t, int64_t id, struct hb_arena *a,
                        const char **json, size_t *len, int *version, int64_t *patient_id,
                        struct hb_error *err);

/* Search: ids of type t, newest first, matching the filters (0/NULL:
 * any). date filters the type's date (plan: created; goal: target; task: due;
 * communication: sent; appointment: start; condition: onset) as a day range
 * [from, to). */
struct hb_care_query {
    int64_t patient_id, plan_id;
    const char *status;
    const char *date_from, *date_to;  /* "YYYY-MM-DD" or NULL */
    int64_t updated_from, updated_to; /* _lastUpdated, microseconds (0: none) */
    int64_t before;                   /* ids below this only (paging; 0: none) */
    int count;
};
int hb_care_fhir_search(struct hb_db *db, enum hb_care_type t, const struct hb_care_query *q,
                        int64_t *ids, int *n, struct hb_error *err);

/* Versions of a resource, newest first, each the FHIR JSON of that version. */
struct hb_care_version {
    int version;
    const char *action, *resource;
};
int hb_care_fhir_history(struct hb_db *db, enum hb_care_type t, int64_t id, struct hb_arena *arena,
                         struct hb_care_version **out, int *n, struct hb_error *err);

/* Creates or (id > 0) updates a resource from FHIR JSON through the same rules
 * as the JSON API; if_version (update) must match the current version when
 * given (HB_PRECONDITION). *out_id gets the id. Errors name a FHIRPath. */
int hb_care_fhir_write(struct hb_store *s, const struct hb_user *u, enum hb_care_type t, int64_t id,
                       json_t *res, int if_version, int64_t *out_id, struct hb_error *err);

#endif
