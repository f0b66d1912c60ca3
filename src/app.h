/* The application context handed to every handler, and small helpers shared by
 * the API handlers of all modules. */
#ifndef HB_APP_H
#define HB_APP_H

#include "auth/auth.h"
#include "core/http.h"
#include "store/store.h"

struct hb_app {
    struct hb_store *store;
    bool test_clock; /* serve --test-clock: the monitor pass may be run "as of" a time */
};

static inline struct hb_store *hb_app_store(struct hb_request *req)
{
    return ((struct hb_app *)hb_req_app(req))->store;
}

static inline const struct hb_user *hb_app_user(struct hb_request *req)
{
    return hb_req_user(req);
}

/* Parses path parameter i as a positive id; HB_NOT_FOUND when it is not one. */
int hb_app_id_param(struct hb_request *req, int i, int64_t *id, struct hb_error *err);
/* Answers {"id": "<id>"} with status. */
void hb_app_respond_id(struct hb_request *req, int status, int64_t id);

#endif
