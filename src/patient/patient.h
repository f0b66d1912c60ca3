/* patient: patients, Norwegian national id validation, residence and GP, the
 * FHIR Patient they are served as, and every access to them checked by the
 * policy and audited. */
#ifndef HB_PATIENT_H
#define HB_PATIENT_H

#include <jansson.h>
#include <stdint.h>

#include "../auth/auth.h"
#include "../core/core.h"
#include "../store/store.h"

#define HB_OID_FNR "urn:oid:2.16.578.1.12.4.1.4.1"
#define HB_OID_DNR "urn:oid:2.16.578.1.12.4.1.4.2"
#define HB_EXT_MUNICIPALITY "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
#define HB_OID_KOMMUNE "urn:oid:2.16.578.1.12.4.1.1.3402"

/* ---- national ids ---- */
enum hb_nid_kind { HB_NID_FNR, HB_NID_DNR };
struct hb_nid {
    enum hb_nid_kind kind;
    bool synthetic; /* month + 80: test data */
    int year, month, day;
    bool female;
};
/* Validates an 11-digit fødselsnummer or D-number (synthetic month+80 allowed):
 * digits, date, century from the individual number, both mod-11 check digits.
 * On failure returns HB_INVALID with err->message (Norwegian) naming the rule. */
int hb_nid_parse(const char *s, struct hb_nid *out, struct hb_error *err);
/* Makes a valid synthetic (month+80) fødselsnummer for a birth date and sex;
 * seq picks among the individual numbers. out >= 12 bytes. Returns HB_INVALID
 * when no individual number fits (try another seq). */
int hb_nid_make_synthetic(int year, int month, int day, bool female, unsigned seq, char *out);

/* ---- patients ---- */
struct hb_patient {
    int64_t id;
    int version;
    int64_t updated_at;
    char nid[12];
    enum hb_nid_kind nid_kind;
    const char *family, *given;
    char birth_date[11];
    bool female;
    int64_t municipality_id; /* 0: unknown */
    const char *kommunenummer, *municipality_name; /* NULL when unknown */
    int64_t gp_user_id, gp_org_id;
    const char *resource; /* FHIR JSON as stored (read only) */
    size_t resource_len;
};

/* Parses a FHIR Patient into p (strings in arena) and checks it: national id,
 * that birthDate and gender agree with it, municipality and GP exist. Errors:
 * HB_UNPROCESSABLE with err->field a FHIRPath such as "Patient.identifier". */
int hb_patient_from_fhir(struct hb_db *db, json_t *res, struct hb_arena *arena,
                         struct hb_patient *p, struct hb_error *err);

/* Reads patient id with the policy check and one audit record (allowed or
 * denied) for action (read, vread, history, update...). HB_NOT_FOUND,
 * HB_FORBIDDEN. p's strings live in arena. */
int hb_patient_open(struct hb_store *s, const struct hb_user *u, int64_t id,
                    const char *action, struct hb_arena *arena, struct hb_patient *p,
                    const char **relation, struct hb_error *err);

/* What the policy needs of patient id. HB_NOT_FOUND when there is none. */
int hb_patient_ref(struct hb_db *db, int64_t id, struct hb_patient_ref *out,
                   struct hb_error *err);

/* Creates p (from hb_patient_from_fhir) when u has a relation to the result:
 * assigns id and version 1, stores the resource, the change record and the
 * audit record in one transaction. HB_CONFLICT for a known national id. */
int hb_patient_create(struct hb_store *s, const struct hb_user *u, struct hb_patient *p,
                      struct hb_arena *arena, struct hb_error *err);
/* Inserts p inside the caller's write without policy or audit: for loading
 * data as the system (seed, generator), never for a user's request. */
int hb_patient_insert(struct hb_db *db, struct hb_patient *p, struct hb_arena *arena,
                      struct hb_error *err);
/* Updates patient p->id to the content of p when its version is if_version (0:
 * any). HB_PRECONDITION when the version differs, HB_NOT_FOUND, HB_FORBIDDEN. */
int hb_patient_update(struct hb_store *s, const struct hb_user *u, struct hb_patient *p,
                      int if_version, struct hb_arena *arena, struct hb_error *err);

/* Search. name: prefix of given or family name (case-insensitive); nid: exact;
 * birthdate: YYYY-MM-DD. Only patients u has a relation to are returned, each
 * audited as a search hit. Results ordered by id after `after`; at most
 * count. *next_after is set when more may follow (0: none). */
struct hb_patient_query {
    const char *name, *nid, *birthdate;
    const char *words; /* optional: every word must start a given or family name */
    int64_t after;
    int count;
};
int hb_patient_search(struct hb_store *s, const struct hb_user *u,
                      const struct hb_patient_query *q, struct hb_arena *arena,
                      struct hb_patient **out, int *n, int64_t *next_after,
                      struct hb_error *err);

/* History of patient id, newest first (after the policy check, audited):
 * versions[i] is the FHIR JSON of version (n - i). */
struct hb_version {
    int version;
    int64_t at;
    const char *action;
    const char *resource;
};
int hb_patient_history(struct hb_store *s, const struct hb_user *u, int64_t id,
                       struct hb_arena *arena, struct hb_version **out, int *n,
                       struct hb_error *err);

#endif
