/* auth: HTTP handlers for login, sessions, emergency access and the access log. */
#ifndef HB_AUTH_API_H
#define HB_AUTH_API_H

#include "../core/http.h"

#define HB_SESSION_COOKIE "hb_session"

int hb_api_login(struct hb_request *req, struct hb_error *err);
int hb_api_logout(struct hb_request *req, struct hb_error *err);
int hb_api_me(struct hb_request *req, struct hb_error *err);
int hb_api_emergency(struct hb_request *req, struct hb_error *err);
int hb_api_access_log(struct hb_request *req, struct hb_error *err);
int hb_api_emergency_report(struct hb_request *req, struct hb_error *err);
int hb_fhir_audit_search(struct hb_request *req, struct hb_error *err);

/* The authorize hook for the server: session cookie (with CSRF on state
 * changes) or bearer token, then the route's roles. */
int hb_auth_authorize(struct hb_request *req, const struct hb_route *route, struct hb_error *err);

#endif
