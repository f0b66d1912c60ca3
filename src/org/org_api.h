/* org: JSON API handlers. */
#ifndef HB_ORG_API_H
#define HB_ORG_API_H

#include "../core/http.h"

int hb_api_org_overview(struct hb_request *req, struct hb_error *err);

#endif
