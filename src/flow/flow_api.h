/* flow: JSON API handlers for units and capacity. */
#ifndef HB_FLOW_API_H
#define HB_FLOW_API_H

#include "../core/http.h"

int hb_api_capacity(struct hb_request *req, struct hb_error *err);
int hb_api_unit_get(struct hb_request *req, struct hb_error *err);
int hb_api_unit_put(struct hb_request *req, struct hb_error *err);
int hb_api_unit_serves_put(struct hb_request *req, struct hb_error *err);
int hb_api_board(struct hb_request *req, struct hb_error *err);
int hb_api_admit(struct hb_request *req, struct hb_error *err);
int hb_api_move(struct hb_request *req, struct hb_error *err);
int hb_api_discharge(struct hb_request *req, struct hb_error *err);
int hb_api_bed_put(struct hb_request *req, struct hb_error *err);
int hb_api_find_place(struct hb_request *req, struct hb_error *err);
int hb_api_charge(struct hb_request *req, struct hb_error *err);
int hb_api_settlement(struct hb_request *req, struct hb_error *err);
int hb_api_worklist(struct hb_request *req, struct hb_error *err);

#endif
