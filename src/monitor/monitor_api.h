/* monitor: JSON API handlers (FHIR Observation is in fhir/). */
#ifndef HB_MONITOR_API_H
#define HB_MONITOR_API_H

#include "../core/http.h"

int hb_api_vitals_add(struct hb_request *req, struct hb_error *err);
int hb_api_vitals_chart(struct hb_request *req, struct hb_error *err);
int hb_api_monitoring_set(struct hb_request *req, struct hb_error *err);
int hb_api_monitor_dashboard(struct hb_request *req, struct hb_error *err);
int hb_api_alert_act(struct hb_request *req, struct hb_error *err);
int hb_api_monitor_tick(struct hb_request *req, struct hb_error *err);

#endif
