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
int hb_fhir_observation_create(struct hb_request *req, struct hb_error *err);
int hb_fhir_observation_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_observation_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_bundle_post(struct hb_request *req, struct hb_error *err);
int hb_fhir_measure_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_measure_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_measurereport_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_measurereport_search(struct hb_request *req, struct hb_error *err);
int hb_fhir_subscription_create(struct hb_request *req, struct hb_error *err);
int hb_fhir_subscription_read(struct hb_request *req, struct hb_error *err);
int hb_fhir_subscription_replay(struct hb_request *req, struct hb_error *err);

/* The shared-care resources (careplan module): name for the handlers, and the
 * careplan type. Each gets _read, _vread, _history, _search, _create, _update. */
#define HB_FHIR_CARE_TYPES(X)                                                      \
    X(careteam, HB_CARE_TEAM)                                                      \
    X(careplan, HB_CARE_PLAN)                                                      \
    X(goal, HB_CARE_GOAL)                                                          \
    X(condition, HB_CARE_CONDITION)                                                \
    X(task, HB_CARE_TASK)                                                          \
    X(communication, HB_CARE_COMMUNICATION)                                        \
    X(appointment, HB_CARE_APPOINTMENT)
#define HB_FHIR_CARE_DECL(name, type)                                              \
    int hb_fhir_##name##_read(struct hb_request *req, struct hb_error *err);      \
    int hb_fhir_##name##_vread(struct hb_request *req, struct hb_error *err);     \
    int hb_fhir_##name##_history(struct hb_request *req, struct hb_error *err);   \
    int hb_fhir_##name##_search(struct hb_request *req, struct hb_error *err);    \
    int hb_fhir_##name##_create(struct hb_request *req, struct hb_error *err);    \
    int hb_fhir_##name##_update(struct hb_request *req, struct hb_error *err);
HB_FHIR_CARE_TYPES(HB_FHIR_CARE_DECL)

#endif
