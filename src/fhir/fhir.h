/* fhir: the FHIR R4 REST layer: CapabilityStatement, OperationOutcome, Bundles,
 * versions and ETags, and the handlers that map Patient, Organization, Location
 * and AuditEvent onto the domain modules. */
#ifndef HB_FHIR_H
#define HB_FHIR_H

#include "../core/http.h"

#define HB_FHIR_TYPE "application/fhir+json; charset=utf-8"

/* Renders err as an OperationOutcome with its HTTP status. */
void hb_fhir_render_error(struct hb_request *req, const struct hb_error *err);

int hb_fhir_metadata(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_vread(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_history(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_create(struct hb_request *req, struct hb_error *err);
int hb_fhir_patient_update(struct hb_request *req, struct hb_error *err);
int hb_fhir_org_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_org_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_location_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_location_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_encounter_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_encounter_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_flag_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_flag_search(struct hb_request *req, struct hb_error *err);

#endif
