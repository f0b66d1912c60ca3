/* discharge: JSON API handlers. */
#ifndef HB_DISCHARGE_API_H
#define HB_DISCHARGE_API_H

#include "../core/http.h"

int hb_api_discharge_open(struct hb_request *req, struct hb_error *err);
int hb_api_discharge_message(struct hb_request *req, struct hb_error *err);
int hb_api_discharge_list(struct hb_request *req, struct hb_error *err);
int hb_api_discharge_get(struct hb_request *req, struct hb_error *err);
int hb_api_discharge_statement(struct hb_request *req, struct hb_error *err);

#endif
