/* auth: users and roles, passwords (argon2id), sessions and CSRF, API tokens,
 * the access policy ("tjenstlig behov") and the append-only audit log. */
#ifndef HB_AUTH_H
#define HB_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/core.h"
#include "../store/store.h"

#define HB_ROLE_MAP(X)                                                            \
    X(ADMIN, "admin", "Administrator")                                            \
    X(HOSPITAL, "hospital-clinician", "Sykehuskliniker")                          \
    X(MUNICIPAL, "municipal-clinician", "Kommunal kliniker")                      \
    X(ALLOCATION, "allocation-office", "Tildelingskontor")                        \
    X(GP, "gp", "Fastlege")                                                       \
    X(ANALYST, "analyst", "Sekretariat/analytiker")                               \
    X(PATIENT, "patient", "Pasient")                                              \
    X(RELATIVE, "relative", "Pårørende")

enum hb_role {
#define HB_ROLE_ENUM(e, name, label) HB_ROLE_##e,
    HB_ROLE_MAP(HB_ROLE_ENUM)
#undef HB_ROLE_ENUM
    HB_ROLE__COUNT
};
#define HB_ROLE_BIT(r) (1u << (r))
#define HB_ROLES_STAFF                                                            \
    (HB_ROLE_BIT(HB_ROLE_HOSPITAL) | HB_ROLE_BIT(HB_ROLE_MUNICIPAL) |             \
     HB_ROLE_BIT(HB_ROLE_ALLOCATION) | HB_ROLE_BIT(HB_ROLE_GP))

const char *hb_role_name(enum hb_role r);
const char *hb_role_label(enum hb_role r); /* Norwegian */
int hb_role_parse(const char *s, enum hb_role *out); /* HB_INVALID if unknown */

/* The caller of a request. Strings live in the arena given to the lookup. */
struct hb_user {
    int64_t id;
    const char *username, *name;
    enum hb_role role;
    int64_t org_id;
    const char *org_name;
    int64_t municipality_id; /* the municipality the user works for, or 0 */
    bool org_is_unit;        /* the organisation is a unit (ward, KAD, ...) */
    int64_t patient_id;      /* role patient: their own record; relative: whose relative */
    bool via_token;          /* Authorization: Bearer */
    const char *csrf;        /* session's CSRF token (NULL for tokens) */
};

enum { HB_PASSWORD_MIN = 8, HB_PASSWORD_MAX = 256, HB_LOGIN_MAX_FAILURES = 5 };

/* Lifetimes, set once at start from the configuration (serve flags). */
struct hb_auth_limits {
    int64_t session_idle_us; /* default 30 minutes */
    int64_t session_max_us;  /* default 12 hours */
    int64_t lock_us;         /* default 15 minutes */
};
extern struct hb_auth_limits hb_auth_limits;

/* Adds a user; password is hashed with argon2id. *id (may be NULL) gets the id.
 * HB_CONFLICT when the username exists, HB_INVALID for bad fields. */
int hb_auth_user_add(struct hb_store *s, const char *username, const char *name,
                     enum hb_role role, int64_t org_id, int64_t patient_id,
                     const char *password, int64_t *id, struct hb_error *err);

/* Checks username and password; on success creates a session and writes its
 * token (base64url, 43 chars) and CSRF token to the out buffers (>= 64 bytes)
 * and the user id to *user_id. Five failures in a row lock the username (known
 * or not) for hb_auth_limits.lock_us: HB_LOCKED. Wrong credentials: HB_UNAUTHORIZED. */
int hb_auth_login(struct hb_store *s, const char *username, const char *password,
                  char *token, char *csrf, int64_t *user_id, struct hb_error *err);
int hb_auth_logout(struct hb_store *s, const char *token, struct hb_error *err);

/* Resolves a session token or an API bearer token to a user (strings in
 * arena). HB_UNAUTHORIZED when unknown or expired. Refreshes the idle timer. */
int hb_auth_session(struct hb_store *s, const char *token, struct hb_arena *arena,
                    struct hb_user *out, struct hb_error *err);
int hb_auth_bearer(struct hb_store *s, const char *token, struct hb_arena *arena,
                   struct hb_user *out, struct hb_error *err);
/* Loads a user by id (for `me`, CLI). */
int hb_auth_user_get(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_user *out,
                     struct hb_error *err);

/* Creates an API token for username; writes it (>= 64 bytes) once. Only its
 * hash is stored. */
int hb_auth_token_create(struct hb_store *s, const char *username, char *token,
                         struct hb_error *err);

/* ---- access policy ----
 * What the policy needs to know about a patient. */
struct hb_patient_ref {
    int64_t id;
    int64_t municipality_id;
    int64_t gp_user_id;
};

/* Decides whether u may access patient p. On 0, *relation names the relation
 * ("self", "municipality", "gp", "stay", "discharge-notice", "care-team",
 * "advice-request", "co-consultation", "emergency") and *reason the emergency
 * reason or NULL (both static or arena strings). HB_FORBIDDEN otherwise. */
int hb_policy_check(struct hb_db *db, const struct hb_user *u, const struct hb_patient_ref *p,
                    struct hb_arena *arena, const char **relation, const char **reason,
                    struct hb_error *err);

/* Records emergency access ("nødtilgang") for u to patient, valid four hours.
 * reason must be at least 10 characters. The grant is audited. */
int hb_policy_emergency(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                        const char *reason, struct hb_error *err);
#define HB_EMERGENCY_US (4LL * 3600 * 1000000)

/* ---- audit ---- */
struct hb_audit {
    int64_t patient_id; /* 0: none */
    const char *action; /* read, search, create, update, history, emergency, access-log */
    const char *what;   /* e.g. "Patient/123" */
    const char *relation, *reason;
    bool allowed;
};

/* Appends one record using db inside the caller's write transaction. */
int hb_audit_add(struct hb_db *db, const struct hb_user *u, const struct hb_audit *a,
                 struct hb_error *err);
/* Appends n records in a transaction of their own and returns once durable. */
int hb_audit_write(struct hb_store *s, const struct hb_user *u, const struct hb_audit *a,
                   size_t n, struct hb_error *err);

/* One audit record as listed for a patient or an administrator. */
struct hb_audit_row {
    int64_t id, at, user_id, patient_id;
    const char *user_name, *role, *org_name, *action, *what, *relation, *reason, *outcome;
};
/* Newest first: the records of patient_id, or (patient_id 0) of every patient
 * with the given action, or (action NULL too) all. Strings in arena. */
int hb_audit_list(struct hb_db *db, int64_t patient_id, const char *action, int limit,
                  struct hb_arena *arena, struct hb_audit_row **out, int *n,
                  struct hb_error *err);

#endif
