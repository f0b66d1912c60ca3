/* patient: JSON API handlers used by the web UI. */
#ifndef HB_PATIENT_API_H
#define HB_PATIENT_API_H

#include "../core/http.h"

int hb_api_patient_search(struct hb_request *req, struct hb_error *err);
int hb_api_patient_get(struct hb_request *req, struct hb_error *err);

#endif
