/* http: the HTTP server on libmicrohttpd, the route table dispatcher, the
 * request arena and response helpers. Knows nothing of the domain: who may call
 * a route is decided by the authorize hook the application passes in. */
#ifndef HB_HTTP_H
#define HB_HTTP_H

#include <jansson.h>

#include "core.h"

struct hb_request;
struct hb_server;

/* A handler fills the response with hb_resp_* and returns 0, or returns an
 * error code with err filled; the dispatcher then renders the error. */
typedef int (*hb_handler)(struct hb_request *req, struct hb_error *err);

enum hb_route_flags {
    HB_ROUTE_PUBLIC = 1 << 0, /* no login needed */
    HB_ROUTE_JSON = 1 << 1,   /* takes a JSON body, parsed before the handler */
    HB_ROUTE_FHIR = 1 << 2,   /* FHIR: errors as OperationOutcome */
    HB_ROUTE_EXACT = 1 << 3,  /* with JSON: numbers kept as written (core/json.h) */
};

/* One line of the API's table of contents. pattern segments "{x}" match one
 * path segment and are available through hb_req_param in order. roles is a
 * bit mask interpreted by the authorize hook (0: any authenticated caller). */
struct hb_route {
    const char *method;
    const char *pattern;
    hb_handler handler;
    unsigned flags;
    unsigned roles;
};

struct hb_server_config {
    const char *host; /* numeric IPv4 address to listen on */
    int port;         /* 0: any free port, see hb_server_port */
    const char *web_root;
    size_t body_max;
    const struct hb_route *routes;
    size_t nroutes;
    void *app; /* handed to handlers through hb_req_app */
    /* Called before every non-public handler: authenticate the caller, check
     * route->roles and CSRF. Return 0 or an error code with err filled. */
    int (*authorize)(struct hb_request *req, const struct hb_route *route,
                     struct hb_error *err);
    /* Renders err as the response; fhir tells OperationOutcome from JSON. */
    void (*render_error)(struct hb_request *req, const struct hb_error *err, bool fhir);
};

/* Starts listening; the config and its route table must outlive the server. */
int hb_server_start(const struct hb_server_config *cfg, struct hb_server **out,
                    struct hb_error *err);
int hb_server_port(const struct hb_server *srv);
/* Stops accepting, waits (at most wait_ms) for requests in flight, then stops. */
void hb_server_stop(struct hb_server *srv, int wait_ms);

/* ---- the request ---- */
struct hb_arena *hb_req_arena(struct hb_request *req);
void *hb_req_app(struct hb_request *req);
const char *hb_req_method(const struct hb_request *req);
const char *hb_req_param(const struct hb_request *req, int i); /* NULL when absent */
const char *hb_req_query(struct hb_request *req, const char *key);
const char *hb_req_header(struct hb_request *req, const char *key);
const char *hb_req_cookie(struct hb_request *req, const char *key);
json_t *hb_req_json(const struct hb_request *req); /* borrowed; NULL unless HB_ROUTE_JSON */
void hb_req_set_user(struct hb_request *req, void *user);
void *hb_req_user(const struct hb_request *req);
/* Calls fn(arg, key, value) for every query argument; stops when fn returns non-zero. */
void hb_req_each_query(struct hb_request *req, int (*fn)(void *, const char *, const char *),
                       void *arg);

/* ---- the response (the last call wins) ---- */
void hb_resp_json(struct hb_request *req, int status, json_t *body); /* steals body */
/* Takes ownership of body (malloc'd). */
void hb_resp_raw(struct hb_request *req, int status, const char *content_type, char *body,
                 size_t len);
void hb_resp_header(struct hb_request *req, const char *key, const char *value); /* copied */
/* Sets the JSON content type used by hb_resp_json (default application/json). */
void hb_resp_content_type(struct hb_request *req, const char *content_type);

#endif
