/* careplan: HTTP handlers of the JSON API (see docs/usage.md). */
#ifndef HB_CAREPLAN_API_H
#define HB_CAREPLAN_API_H

#include "../core/http.h"

int hb_api_plan_get(struct hb_request *req, struct hb_error *err);
int hb_api_plan_create(struct hb_request *req, struct hb_error *err);
int hb_api_plan_update(struct hb_request *req, struct hb_error *err);
int hb_api_item_add(struct hb_request *req, struct hb_error *err);
int hb_api_item_update(struct hb_request *req, struct hb_error *err);
int hb_api_messages(struct hb_request *req, struct hb_error *err);
int hb_api_message_add(struct hb_request *req, struct hb_error *err);
int hb_api_questions(struct hb_request *req, struct hb_error *err);
int hb_api_teams(struct hb_request *req, struct hb_error *err);
int hb_api_team_create(struct hb_request *req, struct hb_error *err);
int hb_api_teams_overview(struct hb_request *req, struct hb_error *err);
int hb_api_member_add(struct hb_request *req, struct hb_error *err);
int hb_api_member_update(struct hb_request *req, struct hb_error *err);
int hb_api_consult_book(struct hb_request *req, struct hb_error *err);
int hb_api_consult_record(struct hb_request *req, struct hb_error *err);
int hb_api_consult_totals(struct hb_request *req, struct hb_error *err);
int hb_api_consents(struct hb_request *req, struct hb_error *err);
int hb_api_consent_set(struct hb_request *req, struct hb_error *err);
int hb_api_measure_add(struct hb_request *req, struct hb_error *err);
int hb_api_my_work(struct hb_request *req, struct hb_error *err);

#endif
