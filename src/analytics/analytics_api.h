/* analytics: JSON and CSV API handlers. */
#ifndef HB_ANALYTICS_API_H
#define HB_ANALYTICS_API_H

#include "../core/http.h"

int hb_api_indicators(struct hb_request *req, struct hb_error *err);
int hb_api_public_indicators(struct hb_request *req, struct hb_error *err);
int hb_api_projections(struct hb_request *req, struct hb_error *err);
int hb_api_high_users(struct hb_request *req, struct hb_error *err);
int hb_api_indicator_stays(struct hb_request *req, struct hb_error *err);
int hb_api_survey_import(struct hb_request *req, struct hb_error *err);
int hb_api_analytics_refresh(struct hb_request *req, struct hb_error *err);

#endif
