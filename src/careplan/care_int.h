/* careplan internals shared by its files. */
#ifndef HB_CARE_INT_H
#define HB_CARE_INT_H

#include "careplan.h"

/* What a relative may see, as the patient consented. */
enum {
    HB__SCOPE_PLAN = 1 << 0,
    HB__SCOPE_MESSAGES = 1 << 1,
    HB__SCOPE_APPOINTMENTS = 1 << 2,
    HB__SCOPE_MEASUREMENTS = 1 << 3,
    HB__SCOPE_ALL = 0xf,
};
/* Parses a JSON array of scope names into bits; HB_INVALID naming "scopes". */
int hb__care_scopes_parse(json_t *a, unsigned *out, struct hb_error *err);
json_t *hb__care_scopes_json(unsigned scopes);

/* A plan row. Strings live in the arena it was loaded with. */
struct hb__plan {
    int64_t id, patient_id, team_id, parent_team_id, coordinator_id;
    int64_t created_at, updated_at, updated_by;
    int version;
    bool individual_plan;
    const char *status, *title, *what_matters, *crisis_signs, *crisis_actions, *weight, *screening,
        *nutrition_notes, *contacts;
};
int hb__care_plan_load(struct hb_db *db, int64_t plan_id, struct hb_arena *a, struct hb__plan *p,
                       struct hb_error *err);
/* The id of the patient's active plan, 0 when none. */
int hb__care_active_plan(struct hb_db *db, int64_t patient_id, int64_t *plan_id,
                         struct hb_error *err);

/* What u may do with a patient's plan. */
struct hb__access {
    const char *relation, *reason; /* for the audit record */
    unsigned scopes;               /* what may be seen: all, or a relative's consent */
    bool staff_member;             /* clinical staff and a member of the plan's team today */
    bool is_patient;               /* the patient themself */
    bool is_relative;
};
/* Checks u against patient_id (the policy, or for a relative the consent) and,
 * when plan is not NULL, whether u is a member of its team. HB_FORBIDDEN when
 * u may see nothing. */
int hb__care_access(struct hb_db *db, const struct hb_user *u, int64_t patient_id,
                    const struct hb__plan *plan, struct hb_arena *a, struct hb__access *acc,
                    struct hb_error *err);
/* Whether user_id is a member today of team_id or of its parent team. */
int hb__care_member_today(struct hb_db *db, int64_t team_id, int64_t user_id, bool *out,
                          struct hb_error *err);
/* HB_FORBIDDEN unless acc allows changing the plan (a staff member). */
int hb__care_need_member(const struct hb__access *acc, struct hb_error *err);

/* A write on behalf of a user. A transaction function sets denied_patient
 * when it refuses for want of a relation; hb__care_write then audits the
 * denial in a transaction of its own (the refused one is rolled back). */
struct hb__tx {
    const struct hb_user *u;
    int64_t denied_patient;
    char denied_what[64]; /* outlives the transaction function's arena */
};
int hb__care_write(struct hb_store *s, hb_write_fn fn, struct hb__tx *tx, struct hb_error *err);
/* Loads plan_id and u's access to it inside a write; on HB_FORBIDDEN fills
 * tx's denial. */
int hb__care_open(struct hb_db *db, struct hb__tx *tx, int64_t plan_id, struct hb_arena *a,
                  struct hb__plan *p, struct hb__access *acc, struct hb_error *err);
/* Appends the audit record of a write to the patient's data. */
int hb__care_audit(struct hb_db *db, const struct hb_user *u, int64_t patient_id,
                   const char *action, const char *what, const struct hb__access *acc,
                   struct hb_error *err);

/* Records a change in words for the plan's history: rtype/rid/version name
 * the resource, fields the comma-separated fields changed. */
int hb__care_event(struct hb_db *db, int64_t plan_id, int64_t user_id, const char *rtype,
                   int64_t rid, int version, const char *fields, const char *summary,
                   struct hb_error *err);
/* The newer changes of a resource (version > since) touching any of fields
 * (NULL: any), as JSON [{by, at, atLocal, summary, fields}]; *hit says
 * whether any touched them. */
int hb__care_changes_since(struct hb_db *db, const char *rtype, int64_t rid, int since,
                           const char *fields, json_t **out, bool *hit, struct hb_error *err);

/* Rebuilds the stored FHIR resource of a row from its columns, stores it and
 * appends the version to the change log. */
int hb__care_commit(struct hb_db *db, enum hb_care_type t, int64_t id, int64_t user_id,
                    const char *action, struct hb_error *err);

/* ---- reading JSON input ----
 * Each reads one optional member of in; absent: *out untouched and 0.
 * Errors are HB_INVALID naming the member. */
int hb__in_str(json_t *in, const char *name, size_t max, const char **out, struct hb_error *err);
int hb__in_day(json_t *in, const char *name, const char **out, struct hb_error *err);
int hb__in_id(json_t *in, const char *name, int64_t *out, struct hb_error *err);
int hb__in_int(json_t *in, const char *name, int64_t min, int64_t max, int64_t *out,
               struct hb_error *err);
int hb__in_bool(json_t *in, const char *name, bool *out, struct hb_error *err);
/* The value of s in a NULL-terminated list, or -1. */
int hb__in_list(const char *s, const char *const *list);

/* A goal, health issue or task. Strings in the arena it was loaded with. */
struct hb__item {
    int64_t id, plan_id, patient_id, assignee_user_id, assignee_org_id, updated_at;
    int version;
    bool assignee_patient;
    const char *kind, *text, *status, *day, *expressed_by, *code_system, *code, *recurrence;
    const char *assignee_name, *updated_by_name, *patient_name;
};
/* Loads the items a query selects: sql is "SELECT " HB__ITEM_COLS " FROM "
 * HB__ITEM_FROM " WHERE ..." with nparams integer parameters. At most max. */
#define HB__ITEM_COLS                                                                              \
    "i.id, i.plan_id, i.patient_id, i.assignee_user_id, i.assignee_org_id, i.updated_at,"          \
    " i.version, i.assignee_patient, i.kind, i.text, i.status, i.day, i.expressed_by,"             \
    " i.code_system, i.code, i.recurrence, COALESCE(au.name, ao.name), ub.name,"                   \
    " p.given || ' ' || p.family"
#define HB__ITEM_FROM                                                                              \
    " care_item i LEFT JOIN app_user au ON au.id = i.assignee_user_id"                             \
    " LEFT JOIN org ao ON ao.id = i.assignee_org_id"                                               \
    " LEFT JOIN app_user ub ON ub.id = i.updated_by JOIN patient p ON p.id = i.patient_id"
int hb__care_items_load(struct hb_db *db, const char *sql, const int64_t *params, int nparams,
                        int max, struct hb_arena *a, struct hb__item **out, int *n,
                        struct hb_error *err);
/* Adds an item (input as hb_care_item_add) to plan p inside a write, as u
 * with access acc: the rules, the plan's history and the audit record. */
int hb__care_item_create(struct hb_db *db, const struct hb_user *u, const struct hb__plan *p,
                         const struct hb__access *acc, json_t *in, struct hb_arena *a, int64_t *id,
                         struct hb_error *err);
/* An item as the UI shows it (labels, overdue). */
json_t *hb__care_item_json(const struct hb__item *it);

/* Rows written by several files; resources are committed by the caller. */
int hb__care_team_insert(struct hb_db *db, int64_t id, const char *kind, const char *name,
                         int64_t org_id, int64_t patient_id, int64_t parent_id,
                         struct hb_error *err);
int hb__care_member_insert(struct hb_db *db, int64_t id, int64_t team_id, int64_t user_id,
                           const char *name, const char *role, int64_t org_id, const char *contact,
                           const char *from, const char *to, struct hb_error *err);

/* The plan's own fields as the UI shows them. */
json_t *hb__care_plan_fields_json(const struct hb__plan *p);
/* The co-consultations of a plan, newest first. */
int hb__care_consults_json(struct hb_db *db, int64_t plan_id, json_t **out, struct hb_error *err);
/* The Norwegian name of a measurement's LOINC code. */
const char *hb__care_measure_label(const char *code);

/* Norwegian labels. */
const char *hb__care_role_label(const char *role); /* NULL: unknown */
const char *hb__care_status_label(const char *kind, const char *status);
const char *hb__care_team_kind_label(const char *kind); /* NULL: unknown */
extern const char *const hb__care_roles[];

/* Today's Norwegian date, "YYYY-MM-DD". */
void hb__care_today(char out[16]);
/* A patient's display name "Given Family" into the arena, or NULL. */
const char *hb__care_patient_name(struct hb_db *db, int64_t patient_id, struct hb_arena *a,
                                  struct hb_error *err);
/* A user's name into the arena, or NULL. */
const char *hb__care_user_name(struct hb_db *db, int64_t user_id, struct hb_arena *a,
                               struct hb_error *err);
/* An id as a JSON string. */
json_t *hb__care_id(int64_t id);

#endif
