/* auth: HTTP handlers and the authorize hook. */
#include "auth_api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../app.h"
#include "../fhir/fhir.h"
#include "../patient/patient.h"

#include "../core/banned.h"

static bool state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

int hb_auth_authorize(struct hb_request *req, const struct hb_route *route, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_user *u = hb_arena_alloc(hb_req_arena(req), sizeof(*u));
    const char *authz = hb_req_header(req, "Authorization");
    int rc;
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        rc = hb_auth_bearer(s, authz + 7, hb_req_arena(req), u, err);
    } else {
        rc = hb_auth_session(s, hb_req_cookie(req, HB_SESSION_COOKIE), hb_req_arena(req), u, err);
        if (rc == 0 && state_changing(hb_req_method(req))) {
            const char *csrf = hb_req_header(req, "X-CSRF-Token");
            if (!csrf || strlen(csrf) != strlen(u->csrf) ||
                sodium_memcmp(csrf, u->csrf, strlen(u->csrf)) != 0)
                return hb_fail(err, HB_FORBIDDEN, "X-CSRF-Token",
                               "Mangler eller feil CSRF-nøkkel. Last siden på nytt og prøv igjen.");
        }
    }
    if (rc)
        return rc;
    if (route->roles && !(route->roles & HB_ROLE_BIT(u->role)))
        return hb_fail(err, HB_FORBIDDEN, NULL, "Rollen %s har ikke tilgang til dette",
                       hb_role_label(u->role));
    hb_req_set_user(req, u);
    return 0;
}

static json_t *user_json(const struct hb_user *u)
{
    char id[24], org[24], pat[24];
    snprintf(id, sizeof(id), "%lld", (long long)u->id);
    snprintf(org, sizeof(org), "%lld", (long long)u->org_id);
    snprintf(pat, sizeof(pat), "%lld", (long long)u->patient_id);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "username", u->username,
                          "name", u->name, "role", hb_role_name(u->role), "roleLabel",
                          hb_role_label(u->role), "orgId", org, "orgName", u->org_name);
    if (u->patient_id)
        json_object_set_new(j, "patientId", json_string(pat));
    if (u->csrf)
        json_object_set_new(j, "csrfToken", json_string(u->csrf));
    json_object_set_new(j, "orgIsUnit", json_boolean(u->org_is_unit));
    return j;
}

static void set_cookie(struct hb_request *req, const char *token, int64_t max_age_s)
{
    char c[200];
    snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
             HB_SESSION_COOKIE, token, (long long)max_age_s);
    hb_resp_header(req, "Set-Cookie", c);
}

int hb_api_login(struct hb_request *req, struct hb_error *err)
{
    const char *username = NULL, *password = NULL;
    json_error_t jerr;
    if (json_unpack_ex(hb_req_json(req), &jerr, 0, "{s?s,s?s}", "username", &username,
                       "password", &password) != 0)
        return hb_fail(err, HB_INVALID, "username", "username og password må være tekst");
    struct hb_store *s = hb_app_store(req);
    char token[64], csrf[64];
    int64_t uid;
    int rc = hb_auth_login(s, username, password, token, csrf, &uid, err);
    if (rc)
        return rc;
    struct hb_user u;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    rc = hb_auth_user_get(db, uid, hb_req_arena(req), &u, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    u.csrf = csrf;
    set_cookie(req, token, hb_auth_limits.session_max_us / 1000000);
    hb_resp_json(req, 200, user_json(&u));
    return 0;
}

int hb_api_logout(struct hb_request *req, struct hb_error *err)
{
    int rc = hb_auth_logout(hb_app_store(req), hb_req_cookie(req, HB_SESSION_COOKIE), err);
    if (rc)
        return rc;
    set_cookie(req, "", 0);
    hb_resp_json(req, 200, json_pack("{s:b}", "ok", 1));
    return 0;
}

int hb_api_me(struct hb_request *req, struct hb_error *err)
{
    (void)err;
    hb_resp_json(req, 200, user_json(hb_app_user(req)));
    return 0;
}

int hb_api_emergency(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const char *reason = json_string_value(json_object_get(hb_req_json(req), "reason"));
    if ((rc = hb_policy_emergency(hb_app_store(req), hb_app_user(req), id, reason, err)))
        return rc;
    hb_resp_json(req, 201, json_pack("{s:b,s:I}", "granted", 1, "validHours",
                                     (json_int_t)(HB_EMERGENCY_US / 3600000000LL)));
    return 0;
}

static const struct {
    const char *action, *label;
} action_labels[] = {
    {"read", "Åpnet journalen"},   {"search", "Fant i søk"},      {"create", "Registrerte"},
    {"update", "Endret"},          {"history", "Så historikk"},   {"emergency", "Nødtilgang"},
    {"access-log", "Så tilgangsloggen"},
};

static const char *action_label(const char *a)
{
    for (size_t i = 0; a && i < sizeof(action_labels) / sizeof(action_labels[0]); i++)
        if (strcmp(a, action_labels[i].action) == 0)
            return action_labels[i].label;
    return a ? a : "";
}

static json_t *entries_json(const struct hb_audit_row *rows, int n)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        char iso[32], no[32], pid[24];
        hb_time_iso(rows[i].at, iso, sizeof(iso));
        hb_time_no(rows[i].at, no, sizeof(no));
        snprintf(pid, sizeof(pid), "%lld", (long long)rows[i].patient_id);
        enum hb_role role;
        const char *role_label =
            rows[i].role && hb_role_parse(rows[i].role, &role) == 0 ? hb_role_label(role) : "";
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s?,s:s,s:s?,s:s,s:s,s:s?,s:s?,s:s}", "time", iso,
                            "timeLocal", no, "patientId", pid, "user", rows[i].user_name, "role",
                            role_label, "organisation", rows[i].org_name, "action",
                            rows[i].action, "actionLabel", action_label(rows[i].action),
                            "relation", rows[i].relation, "reason", rows[i].reason, "outcome",
                            rows[i].outcome));
    }
    return list;
}

int hb_api_access_log(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    const struct hb_user *u = hb_app_user(req);
    struct hb_store *s = hb_app_store(req);
    struct hb_arena *a = hb_req_arena(req);
    bool own = u->role == HB_ROLE_PATIENT && u->patient_id == id;
    if (!own && u->role != HB_ROLE_ADMIN) {
        /* Staff see the log of patients they have a relation to; that is audited. */
        struct hb_patient p;
        const char *relation;
        if ((rc = hb_patient_open(s, u, id, "access-log", a, &p, &relation, err)))
            return rc;
    }
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_audit_row *rows;
    int n;
    rc = hb_audit_list(db, id, NULL, 200, a, &rows, &n, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    json_t *list = entries_json(rows, n);
    hb_resp_json(req, 200, json_pack("{s:o}", "entries", list));
    return 0;
}

/* Emergency access grants, newest first, for administrators to follow up. */
int hb_api_emergency_report(struct hb_request *req, struct hb_error *err)
{
    struct hb_store *s = hb_app_store(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_audit_row *rows;
    int n;
    int rc = hb_audit_list(db, 0, "emergency", 500, hb_req_arena(req), &rows, &n, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    hb_resp_json(req, 200, json_pack("{s:o}", "entries", entries_json(rows, n)));
    return 0;
}

/* FHIR AuditEvent for administrators. */
static json_t *audit_event(const struct hb_audit_row *r, struct hb_arena *a)
{
    static const struct {
        const char *action, *code;
    } codes[] = {{"create", "C"}, {"update", "U"}, {"read", "R"}, {"search", "E"},
                 {"history", "R"}, {"access-log", "R"}, {"emergency", "E"}};
    const char *code = "E";
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (r->action && strcmp(r->action, codes[i].action) == 0)
            code = codes[i].code;
    char ts[32];
    hb_time_iso(r->at, ts, sizeof(ts));
    bool allowed = r->outcome && strcmp(r->outcome, "allowed") == 0;
    json_t *agent = json_pack("{s:{s:s,s:s?},s:b}", "who", "reference",
                              hb_arena_printf(a, "Practitioner/%lld", (long long)r->user_id),
                              "display", r->user_name, "requestor", 1);
    if (r->role)
        json_object_set_new(agent, "role", json_pack("[{s:s}]", "text", r->role));
    json_t *ev = json_pack(
        "{s:s,s:s,s:{s:s,s:s,s:s},s:[{s:s,s:s}],s:s,s:s,s:s,s:[o],s:{s:{s:s}},s:[{s:{s:s}}]}",
        "resourceType", "AuditEvent", "id", hb_arena_printf(a, "%lld", (long long)r->id), "type",
        "system", "http://terminology.hl7.org/CodeSystem/audit-event-type", "code", "rest",
        "display", "RESTful Operation", "subtype", "system", "https://helsebro.no/fhir/CodeSystem/audit-action",
        "code", r->action ? r->action : "unknown", "action", code, "recorded", ts, "outcome",
        allowed ? "0" : "4", "agent", agent, "source", "observer", "display", "Helsebro",
        "entity", "what", "reference", r->what ? r->what : "unknown");
    if (r->relation || r->reason)
        json_object_set_new(ev, "purposeOfEvent",
                            json_pack("[{s:s}]", "text",
                                      r->reason ? hb_arena_printf(a, "emergency: %s", r->reason)
                                                : r->relation));
    return ev;
}

int hb_fhir_audit_search(struct hb_request *req, struct hb_error *err)
{
    const char *patient = hb_req_query(req, "patient");
    const char *count = hb_req_query(req, "_count");
    int64_t pid = 0, limit = 50;
    if (patient) {
        const char *p = strncmp(patient, "Patient/", 8) == 0 ? patient + 8 : patient;
        if (hb_parse_i64(p, strlen(p), 1, INT64_MAX, &pid) != 0)
            return hb_fail(err, HB_INVALID, "patient", "patient må være Patient/{id}");
    }
    if (count && hb_parse_i64(count, strlen(count), 1, 200, &limit) != 0)
        return hb_fail(err, HB_INVALID, "_count", "_count må være 1-200");
    struct hb_store *s = hb_app_store(req);
    struct hb_arena *a = hb_req_arena(req);
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_audit_row *rows;
    int n;
    int rc = hb_audit_list(db, pid, NULL, (int)limit, a, &rows, &n, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    json_t *b = json_pack("{s:s,s:s,s:[]}", "resourceType", "Bundle", "type", "searchset",
                          "entry");
    json_t *entries = json_object_get(b, "entry");
    for (int i = 0; i < n; i++)
        json_array_append_new(entries, json_pack("{s:o,s:{s:s}}", "resource",
                                                 audit_event(&rows[i], a), "search", "mode",
                                                 "match"));
    hb_resp_content_type(req, HB_FHIR_TYPE);
    hb_resp_json(req, 200, b);
    return 0;
}
