/* server: routes, error rendering, and the serve command. */
#include "server.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/analytics.h"
#include "analytics/analytics_api.h"
#include "analytics/risk.h"
#include "app.h"
#include "auth/auth_api.h"
#include "careplan/careplan_api.h"
#include "cli.h"
#include "discharge/discharge_api.h"
#include "fhir/fhir.h"
#include "flow/flow_api.h"
#include "monitor/monitor.h"
#include "monitor/monitor_api.h"
#include "org/org_api.h"
#include "patient/patient_api.h"

#include "core/banned.h"

static int healthz(struct hb_request *req, struct hb_error *err)
{
    (void)err;
    static const char ok[] = "{\"status\":\"ok\"}";
    char *body = hb_xmalloc(sizeof(ok));
    memcpy(body, ok, sizeof(ok));
    hb_resp_raw(req, 200, "application/json", body, sizeof(ok) - 1);
    return 0;
}

#define PUB HB_ROUTE_PUBLIC
#define JSON HB_ROUTE_JSON
#define FHIR HB_ROUTE_FHIR
#define EXACT HB_ROUTE_EXACT
#define STAFF HB_ROLES_STAFF
#define NOT_ANALYST (STAFF | HB_ROLE_BIT(HB_ROLE_PATIENT) | HB_ROLE_BIT(HB_ROLE_ADMIN))
#define ADMIN HB_ROLE_BIT(HB_ROLE_ADMIN)
#define NOT_PATIENT (STAFF | HB_ROLE_BIT(HB_ROLE_ANALYST) | ADMIN)
#define CLINICIAN (HB_ROLE_BIT(HB_ROLE_HOSPITAL) | HB_ROLE_BIT(HB_ROLE_MUNICIPAL))
#define CARE (CLINICIAN | HB_ROLE_BIT(HB_ROLE_GP))
#define PERSON (HB_ROLE_BIT(HB_ROLE_PATIENT) | HB_ROLE_BIT(HB_ROLE_RELATIVE))
#define CARE_OR_PATIENT (CARE | HB_ROLE_BIT(HB_ROLE_PATIENT))
#define CARE_OR_PERSON (CARE | PERSON)
#define NOT_PERSON (STAFF | HB_ROLE_BIT(HB_ROLE_ANALYST) | ADMIN)

/* clang-format off */
static const struct hb_route routes[] = {
    {"GET",  "/healthz",                           healthz,                  PUB, 0},
    {"POST", "/api/login",                         hb_api_login,             PUB | JSON, 0},
    {"POST", "/api/logout",                        hb_api_logout,            0, 0},
    {"GET",  "/api/me",                            hb_api_me,                0, 0},
    {"GET",  "/api/orgs",                          hb_api_org_overview,      0, 0},
    {"GET",  "/api/patients",                      hb_api_patient_search,    0, STAFF},
    {"GET",  "/api/patients/{id}",                 hb_api_patient_get,       0, NOT_ANALYST},
    {"POST", "/api/patients/{id}/emergency-access", hb_api_emergency,        JSON, STAFF},
    {"GET",  "/api/patients/{id}/access-log",      hb_api_access_log,        0, NOT_ANALYST},
    {"GET",  "/api/capacity",                      hb_api_capacity,          0, NOT_PATIENT},
    {"GET",  "/api/units/{id}",                    hb_api_unit_get,          0, NOT_PATIENT},
    {"GET",  "/api/worklist",                      hb_api_worklist,          0, STAFF},
    {"GET",  "/api/placement",                     hb_api_find_place,        0, NOT_PATIENT},
    {"PUT",  "/api/units/{id}",                    hb_api_unit_put,          JSON, STAFF | ADMIN},
    {"PUT",  "/api/units/{id}/serves",             hb_api_unit_serves_put,   JSON, ADMIN},
    {"GET",  "/api/units/{id}/board",              hb_api_board,             0, NOT_PATIENT},
    {"PUT",  "/api/units/{id}/beds/{bed}",         hb_api_bed_put,           JSON, CLINICIAN},
    {"POST", "/api/stays",                         hb_api_admit,             JSON, CLINICIAN},
    {"POST", "/api/stays/{id}/move",               hb_api_move,              JSON, CLINICIAN},
    {"POST", "/api/stays/{id}/discharge",          hb_api_discharge,         JSON, CLINICIAN},
    {"PUT",  "/api/stays/{id}/charge",             hb_api_charge,            JSON, CLINICIAN},
    {"GET",  "/api/units/{id}/settlement",         hb_api_settlement,        0, NOT_PATIENT},
    {"GET",  "/api/discharge-ready",               hb_api_discharge_list,    0, STAFF},
    {"POST", "/api/discharge-ready",               hb_api_discharge_open,    JSON, CLINICIAN},
    {"GET",  "/api/discharge-ready/statement",     hb_api_discharge_statement, 0, NOT_PATIENT},
    {"GET",  "/api/discharge-ready/{id}",          hb_api_discharge_get,     0, STAFF},
    {"POST", "/api/discharge-ready/{id}/messages", hb_api_discharge_message, JSON, STAFF},
    {"GET",  "/api/audit/emergency",               hb_api_emergency_report,  0, ADMIN},
    {"GET",  "/api/patients/{id}/plan",            hb_api_plan_get,          0, STAFF | PERSON},
    {"POST", "/api/patients/{id}/plan",            hb_api_plan_create,       JSON, CARE},
    {"POST", "/api/patients/{id}/measurements",    hb_api_measure_add,       JSON, CARE_OR_PATIENT},
    {"PUT",  "/api/plans/{id}",                    hb_api_plan_update,       JSON, CARE_OR_PATIENT},
    {"POST", "/api/plans/{id}/items",              hb_api_item_add,          JSON, CARE_OR_PATIENT},
    {"PUT",  "/api/items/{id}",                    hb_api_item_update,       JSON, CARE_OR_PATIENT},
    {"GET",  "/api/plans/{id}/messages",           hb_api_messages,          0, CARE_OR_PERSON},
    {"POST", "/api/plans/{id}/messages",           hb_api_message_add,       JSON, CARE_OR_PERSON},
    {"POST", "/api/plans/{id}/consultations",      hb_api_consult_book,      JSON, CARE},
    {"GET",  "/api/consultations/totals",          hb_api_consult_totals,    0, 0},
    {"PUT",  "/api/consultations/{id}",            hb_api_consult_record,    JSON, CARE},
    {"GET",  "/api/questions",                     hb_api_questions,         0, CARE},
    {"GET",  "/api/teams",                         hb_api_teams,             0, NOT_PERSON},
    {"POST", "/api/teams",                         hb_api_team_create,       JSON, CARE | ADMIN},
    {"GET",  "/api/teams/overview",                hb_api_teams_overview,    0, NOT_PERSON},
    {"POST", "/api/teams/{id}/members",            hb_api_member_add,        JSON, CARE | ADMIN},
    {"PUT",  "/api/members/{id}",                  hb_api_member_update,     JSON, CARE | ADMIN},
    {"GET",  "/api/consents",                      hb_api_consents,          0, PERSON},
    {"PUT",  "/api/consents",                      hb_api_consent_set,       JSON, HB_ROLE_BIT(HB_ROLE_PATIENT)},
    {"GET",  "/api/my-work",                       hb_api_my_work,           0, 0},
    {"POST", "/api/patients/{id}/vitals",          hb_api_vitals_add,        JSON | EXACT, CARE_OR_PATIENT},
    {"GET",  "/api/patients/{id}/vitals",          hb_api_vitals_chart,      0, CARE_OR_PATIENT},
    {"PUT",  "/api/patients/{id}/monitoring",      hb_api_monitoring_set,    JSON, CARE},
    {"GET",  "/api/monitor",                       hb_api_monitor_dashboard, 0, CARE},
    {"POST", "/api/monitor/tick",                  hb_api_monitor_tick,      JSON, ADMIN},
    {"POST", "/api/alerts/{id}/{action}",          hb_api_alert_act,         JSON, CARE},
    {"GET",  "/api/indicators",                    hb_api_indicators,        0, NOT_PERSON},
    {"GET",  "/api/indicators/stays",              hb_api_indicator_stays,   0, NOT_PERSON},
    {"GET",  "/api/high-users",                    hb_api_high_users,        0, CARE},
    {"GET",  "/api/projections",                   hb_api_projections,       0, NOT_PERSON},
    {"POST", "/api/surveys",                       hb_api_survey_import,     JSON, ADMIN | HB_ROLE_BIT(HB_ROLE_ANALYST)},
    {"POST", "/api/indicators/refresh",            hb_api_analytics_refresh, 0, ADMIN},
    {"GET",  "/api/public/indicators",             hb_api_public_indicators, PUB, 0},
    {"GET",  "/fhir/metadata",                     hb_fhir_metadata,         PUB | FHIR, 0},
    {"GET",  "/fhir/Patient",                      hb_fhir_patient_search,   FHIR, NOT_ANALYST},
    {"POST", "/fhir/Patient",                      hb_fhir_patient_create,   FHIR | JSON, STAFF},
    {"GET",  "/fhir/Patient/{id}",                 hb_fhir_patient_read,     FHIR, NOT_ANALYST},
    {"PUT",  "/fhir/Patient/{id}",                 hb_fhir_patient_update,   FHIR | JSON, STAFF},
    {"GET",  "/fhir/Patient/{id}/_history",        hb_fhir_patient_history,  FHIR, NOT_ANALYST},
    {"GET",  "/fhir/Patient/{id}/_history/{vid}",  hb_fhir_patient_vread,    FHIR, NOT_ANALYST},
    {"GET",  "/fhir/Organization",                 hb_fhir_org_search,       FHIR, 0},
    {"GET",  "/fhir/Organization/{id}",            hb_fhir_org_read,         FHIR, 0},
    {"GET",  "/fhir/Location",                     hb_fhir_location_search,  FHIR, 0},
    {"GET",  "/fhir/Location/{id}",                hb_fhir_location_read,    FHIR, 0},
    {"GET",  "/fhir/Encounter",                    hb_fhir_encounter_search, FHIR, NOT_ANALYST},
    {"GET",  "/fhir/Encounter/{id}",               hb_fhir_encounter_read,   FHIR, NOT_ANALYST},
    {"GET",  "/fhir/Flag",                         hb_fhir_flag_search,      FHIR, STAFF},
    {"GET",  "/fhir/Flag/{id}",                    hb_fhir_flag_read,        FHIR, STAFF},
    {"GET",  "/fhir/AuditEvent",                   hb_fhir_audit_search,     FHIR, ADMIN},
    {"POST", "/fhir",                              hb_fhir_bundle_post,      FHIR | JSON | EXACT, CARE_OR_PATIENT},
    {"POST", "/fhir/",                             hb_fhir_bundle_post,      FHIR | JSON | EXACT, CARE_OR_PATIENT},
    {"POST", "/fhir/Observation",                  hb_fhir_observation_create, FHIR | JSON | EXACT, CARE_OR_PATIENT},
    {"GET",  "/fhir/Observation",                  hb_fhir_observation_search, FHIR, CARE_OR_PATIENT},
    {"GET",  "/fhir/Observation/{id}",             hb_fhir_observation_read, FHIR, CARE_OR_PATIENT},
    {"GET",  "/fhir/Measure",                      hb_fhir_measure_search,   FHIR, 0},
    {"GET",  "/fhir/Measure/{id}",                 hb_fhir_measure_read,     FHIR, 0},
    {"GET",  "/fhir/MeasureReport",                hb_fhir_measurereport_search, FHIR, 0},
    {"GET",  "/fhir/MeasureReport/{id}",           hb_fhir_measurereport_read, FHIR, 0},
    {"POST", "/fhir/Subscription",                 hb_fhir_subscription_create, FHIR | JSON, CARE},
    {"GET",  "/fhir/Subscription/{id}",            hb_fhir_subscription_read, FHIR, CARE},
    {"POST", "/fhir/Subscription/{id}/$replay",    hb_fhir_subscription_replay, FHIR, CARE},
#define CARE_ROUTES(name, path)                                                              \
    {"GET",  "/fhir/" path,                        hb_fhir_##name##_search,  FHIR, NOT_ANALYST}, \
    {"POST", "/fhir/" path,                        hb_fhir_##name##_create,  FHIR | JSON, CARE}, \
    {"GET",  "/fhir/" path "/{id}",                hb_fhir_##name##_read,    FHIR, NOT_ANALYST}, \
    {"PUT",  "/fhir/" path "/{id}",                hb_fhir_##name##_update,  FHIR | JSON, CARE}, \
    {"GET",  "/fhir/" path "/{id}/_history",       hb_fhir_##name##_history, FHIR, NOT_ANALYST}, \
    {"GET",  "/fhir/" path "/{id}/_history/{vid}", hb_fhir_##name##_vread,   FHIR, NOT_ANALYST},
    CARE_ROUTES(careteam, "CareTeam")
    CARE_ROUTES(careplan, "CarePlan")
    CARE_ROUTES(goal, "Goal")
    CARE_ROUTES(condition, "Condition")
    CARE_ROUTES(task, "Task")
    CARE_ROUTES(communication, "Communication")
    CARE_ROUTES(appointment, "Appointment")
#undef CARE_ROUTES
};
/* clang-format on */

static void render_error(struct hb_request *req, const struct hb_error *err, bool fhir)
{
    if (fhir) {
        hb_fhir_render_error(req, err);
        return;
    }
    json_t *e = json_pack("{s:s,s:s}", "code", hb_err_code(err->code), "message", err->message);
    if (err->field[0])
        json_object_set_new(e, "field", json_string(err->field));
    hb_resp_json(req, hb_err_status(err->code), json_pack("{s:o}", "error", e));
}

static const struct hb_opt serve_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0: any free)"},
    {"web", "DIR", "folder with the web UI (default: web)"},
    {"body-max", "BYTES", "largest request body accepted (default 1048576)"},
    {"pool", "N", "read connections to the database (default 16)"},
    {"session-idle", "SECONDS", "log out after this long without use (default 1800)"},
    {"lock-seconds", "SECONDS", "how long five failed logins lock a username (default 900)"},
    {"monitor-interval", "SECONDS",
     "how often alerts are escalated and missed measurements looked for (default 30)"},
    {"notify-interval", "SECONDS", "how often subscription notifications are sent (default 2)"},
    {"analytics-interval", "SECONDS",
     "how often the dashboard's indicators take in new data (default 2)"},
    {"test-clock", NULL, "for tests: POST /api/monitor/tick may name the time it runs as of"},
    {"no-scoring", NULL, "for benchmarks: store vital signs without NEWS2 and alerts"},
    {NULL, NULL, NULL},
};

int hb_cmd_serve(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "serve", "Serve the web UI, the JSON API and the FHIR API.",
                     serve_opts, argc, argv))
        return cli.exit_code;
    const char *db = hb_cli_get(&cli, "db", NULL);
    const char *listen = hb_cli_get(&cli, "listen", "127.0.0.1:8080");
    int64_t body_max, pool, idle, lock, interval, notify, an_interval;
    if (!db)
        return hb_cli_die("serve: --db is required (sqlite:PATH or postgresql://...)");
    if (hb_cli_int(&cli, "body-max", 1048576, 1024, 64 << 20, &body_max) ||
        hb_cli_int(&cli, "pool", 16, 1, 256, &pool) ||
        hb_cli_int(&cli, "session-idle", 1800, 1, 86400, &idle) ||
        hb_cli_int(&cli, "lock-seconds", 900, 1, 86400, &lock) ||
        hb_cli_int(&cli, "monitor-interval", 30, 1, 86400, &interval) ||
        hb_cli_int(&cli, "notify-interval", 2, 1, 86400, &notify) ||
        hb_cli_int(&cli, "analytics-interval", 2, 1, 86400, &an_interval))
        return 2;
    const char *colon = strrchr(listen, ':');
    int64_t port;
    if (!colon || colon == listen || hb_parse_i64(colon + 1, strlen(colon + 1), 0, 65535, &port))
        return hb_cli_die("serve: --listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    char host[64];
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    hb_auth_limits.session_idle_us = idle * 1000000;
    hb_auth_limits.lock_us = lock * 1000000;

    /* Signals are taken by this thread alone, with sigwait below. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread: notifications use libcurl */

    struct hb_error err = {0};
    struct hb_app app = {0};
    int applied = 0;
    if (hb_store_open(db, (int)pool, &app.store, &err) ||
        hb_store_migrate(app.store, &applied, &err)) {
        hb_store_free(app.store);
        return hb_cli_die("serve: %s", err.message);
    }
    struct hb_server_config cfg = {
        .host = host,
        .port = (int)port,
        .web_root = hb_cli_get(&cli, "web", "web"),
        .body_max = (size_t)body_max,
        .routes = routes,
        .nroutes = sizeof(routes) / sizeof(routes[0]),
        .app = &app,
        .authorize = hb_auth_authorize,
        .render_error = render_error,
    };
    app.test_clock = hb_cli_get(&cli, "test-clock", NULL) != NULL;
    hb_monitor_scoring = hb_cli_get(&cli, "no-scoring", NULL) == NULL;
    struct hb_server *srv;
    if (hb_server_start(&cfg, &srv, &err)) {
        hb_store_free(app.store);
        return hb_cli_die("serve: %s", err.message);
    }
    printf("Helsebro lytter på http://%s:%d (database: %s, %d migreringer brukt)\n", host,
           hb_server_port(srv), hb_store_backend(app.store), applied);
    fflush(stdout);
    HB_LOG(HB_LOG_INFO, "msg=listening port=%d backend=%s", hb_server_port(srv),
           hb_store_backend(app.store));
    struct hb_monitor_ticker *ticker =
        hb_monitor_ticker_start(app.store, (int)interval, (int)notify);
    hb_an_live_start(app.store, (int)an_interval);
    int sig = 0;
    sigwait(&sigs, &sig);
    HB_LOG(HB_LOG_INFO, "msg=\"stopping\" signal=%d", sig);
    hb_server_stop(srv, 10000);
    hb_monitor_ticker_stop(ticker);
    hb_an_live_stop();
    hb_risk_live_stop();
    hb_store_free(app.store);
    HB_LOG(HB_LOG_INFO, "msg=stopped");
    return 0;
}
