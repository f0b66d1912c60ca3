/* fhir internals shared by its files. */
#ifndef HB_FHIR_INT_H
#define HB_FHIR_INT_H

#include "fhir.h"

void hb__fhir_respond(struct hb_request *req, int status, json_t *res); /* steals res */
/* Sends stored resource JSON as it is, with its ETag. */
void hb__fhir_respond_stored(struct hb_request *req, int status, const char *json, size_t len,
                             int version);
const char *hb__fhir_base(struct hb_request *req); /* "http://host/fhir" in the arena */
json_t *hb__fhir_bundle(const char *type);

/* Search parameters: allowed names (NULL-terminated, at most 8); values[i] is
 * the value of allowed[i] or NULL. Unknown names are a 400 naming them;
 * _format and _pretty are accepted and ignored. */
struct hb__fhir_params {
    const char *const *allowed;
    const char *values[8];
    const char *bad;
};
int hb__fhir_params(struct hb_request *req, struct hb__fhir_params *p, struct hb_error *err);

#endif
