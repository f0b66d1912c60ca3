/* careplan: the JSON API (/api/patients/{id}/plan, /api/plans, /api/items,
 * /api/teams, /api/members, /api/consultations, /api/consents, /api/my-work). */
#include "careplan_api.h"

#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "careplan.h"

#include "../core/banned.h"

/* Answers 200 with j, or the error. */
static int respond(struct hb_request *req, int rc, json_t *j)
{
    if (rc)
        return rc;
    hb_resp_json(req, 200, j);
    return 0;
}

/* The version the editor saw: body member "version" (0 when absent). */
static int body_version(struct hb_request *req, int *out, struct hb_error *err)
{
    json_t *v = json_object_get(hb_req_json(req), "version");
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000000)
        return hb_fail(err, HB_INVALID, "version", "version er versjonen du endret fra");
    *out = (int)json_integer_value(v);
    return 0;
}

/* A 409 that shows the other person's change next to the error. */
static int conflict_or(struct hb_request *req, int rc, json_t *conflict, struct hb_error *err)
{
    if (rc == HB_CONFLICT && conflict) {
        json_object_set_new(conflict, "error",
                            json_pack("{s:s,s:s,s:s}", "code", hb_err_code(rc), "message",
                                      err->message, "field", err->field));
        hb_resp_json(req, 409, conflict);
        return 0;
    }
    json_decref(conflict);
    return rc;
}

/* The shape of every "add X under {id}" operation of the module. */
typedef int (*add_fn)(struct hb_store *s, const struct hb_user *u, int64_t parent, json_t *in,
                      int64_t *id, struct hb_error *err);

/* Parses path id 0, runs add with the body and answers 201 {"id"}. */
static int add_under(struct hb_request *req, add_fn add, struct hb_error *err)
{
    int64_t parent, id;
    int rc = hb_app_id_param(req, 0, &parent, err);
    if (rc || (rc = add(hb_app_store(req), hb_app_user(req), parent, hb_req_json(req), &id, err)))
        return rc;
    hb_app_respond_id(req, 201, id);
    return 0;
}

/* The shape of every "change X {id} from the version I saw" operation. */
typedef int (*update_fn)(struct hb_store *s, const struct hb_user *u, int64_t id, json_t *in,
                         int if_version, bool strict, json_t **conflict, struct hb_error *err);

/* Parses path id 0 and body "version", runs update with the rest of the body
 * and answers 200 {"id"}, or 409 with the other person's change. */
static int update_versioned(struct hb_request *req, update_fn update, struct hb_error *err)
{
    int64_t id;
    int version;
    json_t *conflict = NULL;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc || (rc = body_version(req, &version, err)))
        return rc;
    json_t *in = json_deep_copy(hb_req_json(req));
    json_object_del(in, "version");
    rc = update(hb_app_store(req), hb_app_user(req), id, in, version, false, &conflict, err);
    json_decref(in);
    if (rc)
        return conflict_or(req, rc, conflict, err);
    hb_app_respond_id(req, 200, id);
    return 0;
}

int hb_api_plan_get(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    json_t *j = NULL;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc == 0)
        rc = hb_care_plan_get(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_plan_create(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_plan_create, err);
}

int hb_api_plan_update(struct hb_request *req, struct hb_error *err)
{
    return update_versioned(req, hb_care_plan_update, err);
}

int hb_api_item_add(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_item_add, err);
}

int hb_api_item_update(struct hb_request *req, struct hb_error *err)
{
    return update_versioned(req, hb_care_item_update, err);
}

int hb_api_messages(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    json_t *j = NULL;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc == 0)
        rc = hb_care_messages(hb_app_store(req), hb_app_user(req), id, hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_message_add(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_message_add, err);
}

int hb_api_questions(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_questions(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_teams(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_teams(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_team_create(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_care_team_create(hb_app_store(req), hb_app_user(req), hb_req_json(req), &id, err);
    if (rc)
        return rc;
    hb_app_respond_id(req, 201, id);
    return 0;
}

int hb_api_teams_overview(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_overview(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_member_add(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_member_add, err);
}

int hb_api_member_update(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc || (rc = hb_care_member_update(hb_app_store(req), hb_app_user(req), id, hb_req_json(req),
                                          err)))
        return rc;
    hb_app_respond_id(req, 200, id);
    return 0;
}

int hb_api_consult_book(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_consult_book, err);
}

int hb_api_consult_record(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int version;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc || (rc = body_version(req, &version, err)) ||
        (rc = hb_care_consult_record(hb_app_store(req), hb_app_user(req), id, hb_req_json(req),
                                     version, err)))
        return rc;
    hb_app_respond_id(req, 200, id);
    return 0;
}

int hb_api_consult_totals(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_consult_totals(hb_app_store(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_consents(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_consents(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}

int hb_api_consent_set(struct hb_request *req, struct hb_error *err)
{
    int rc = hb_care_consent_set(hb_app_store(req), hb_app_user(req), hb_req_json(req), err);
    return rc ? rc : hb_api_consents(req, err);
}

int hb_api_measure_add(struct hb_request *req, struct hb_error *err)
{
    return add_under(req, hb_care_measure_add, err);
}

int hb_api_my_work(struct hb_request *req, struct hb_error *err)
{
    json_t *j = NULL;
    int rc = hb_care_work(hb_app_store(req), hb_app_user(req), hb_req_arena(req), &j, err);
    return respond(req, rc, j);
}
