/* fhir internals shared by its files. */
#ifndef HB_FHIR_INT_H
#define HB_FHIR_INT_H

#include "../auth/auth.h"
#include "../store/store.h"
#include "fhir.h"

void hb__fhir_respond(struct hb_request *req, int status, json_t *res); /* steals res */
/* Sends stored resource JSON as it is, with its ETag. */
void hb__fhir_respond_stored(struct hb_request *req, int status, const char *json, size_t len,
                             int version);
const char *hb__fhir_base(struct hb_request *req); /* "http://host/fhir" in the arena */
json_t *hb__fhir_bundle(const char *type);
/* Appends one version of rtype/id (its stored JSON; skipped if unreadable) to
 * a history Bundle's entries, with its request and response. */
void hb__fhir_history_entry(json_t *entries, const char *base, const char *rtype, int64_t id,
                            const char *action, const char *resource, int version,
                            struct hb_arena *a);

/* Search parameters: allowed names (NULL-terminated, at most 8); values[i] is
 * the value of allowed[i] or NULL. Unknown names are a 400 naming them;
 * _format and _pretty are accepted and ignored. */
struct hb__fhir_params {
    const char *const *allowed;
    const char *values[8];
    const char *bad;
};
int hb__fhir_params(struct hb_request *req, struct hb__fhir_params *p, struct hb_error *err);

/* Loads resource id of another module as FHIR (a new reference) and the
 * patient it is about. */
typedef int (*hb__fhir_loader)(struct hb_db *db, int64_t id, json_t **out, int64_t *patient_id,
                               struct hb_error *err);
/* Loads id and checks u's relation to its patient: 1 and *out when allowed, 0
 * when not (nothing in *out), <0 on errors (HB_NOT_FOUND). *audit is filled
 * either way for the caller to write. */
int hb__fhir_policed(struct hb_db *db, const struct hb_user *u, hb__fhir_loader load,
                     const char *rtype, int64_t id, struct hb_arena *a, json_t **out,
                     struct hb_audit *audit, const char *action, struct hb_error *err);
/* The read interaction for such a resource: 404, 403 (audited) or the resource. */
int hb__fhir_read_policed(struct hb_request *req, hb__fhir_loader load, const char *rtype,
                          struct hb_error *err);

/* Loads resource id as its stored JSON text (in the arena), its version and
 * the patient it is about (0: none, shown to staff only). ctx is the
 * loader's own. HB_NOT_FOUND. */
typedef int (*hb__fhir_text_loader)(struct hb_db *db, void *ctx, int64_t id, struct hb_arena *a,
                                    const char **json, size_t *len, int *version,
                                    int64_t *patient_id, struct hb_error *err);
/* The read interaction for stored JSON: the policy, the audit record (durable
 * before any data leaves, a denial too), then the text as it is with its
 * ETag. rtype names it in errors and the audit log. */
int hb__fhir_read_stored(struct hb_request *req, const char *rtype, hb__fhir_text_loader load,
                         void *ctx, struct hb_error *err);

/* Appends the shared-care resources to the CapabilityStatement's rest.resource. */
void hb__fhir_care_capabilities(json_t *rest);
/* Appends Measure and MeasureReport. */
void hb__fhir_measure_capabilities(json_t *rest);

#endif
