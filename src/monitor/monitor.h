/* monitor: vital signs from units, homes and devices; NEWS2 of every complete
 * set; alerts routed to the team responsible for the patient at that moment,
 * stored in the same transaction as the observations that raised them, and
 * escalated when nobody acknowledges them in time; the monitoring dashboard. */
#ifndef HB_MONITOR_H
#define HB_MONITOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../auth/auth.h"
#include "../core/core.h"
#include "../store/store.h"
#include "news2.h"

/* ---- the vital signs Helsebro knows ---- */
struct hb_vital {
    const char *kind; /* rr, spo2, oxygen, fio2, sbp, dbp, pulse, acvpu, temperature, weight,
                         glucose */
    const char *loinc, *unit, *label; /* LOINC code, UCUM unit, Norwegian name */
    int64_t lo, hi;                   /* what is physiologically possible, in hundredths */
    int news2;                        /* the NEWS2 parameter it feeds, or -1 */
};
const struct hb_vital *hb_vital_by_kind(const char *kind); /* NULL when unknown */
const struct hb_vital *hb_vital_by_code(const char *loinc);
const struct hb_vital *hb_vitals(int *n); /* the whole table */

/* One measurement to store. value holds the text as written (decimal point). */
struct hb_obs {
    int64_t id, patient_id, at;
    const struct hb_vital *vital;
    char value[24];
    int64_t num;        /* hundredths; ACVPU 0 (alert) to 4 (unresponsive) */
    const char *source; /* unit, home, device */
};

/* Checks value (decimal comma or point; ACVPU as A, C, V, P or U) for vital
 * and fills o->value and o->num. HB_INVALID naming field with the accepted
 * range when the value is not possible. */
int hb_obs_value(const struct hb_vital *vital, const char *value, const char *field,
                 struct hb_obs *o, struct hb_error *err);

/* Stores n observations as u in one durable transaction: every patient must be
 * reachable by u (HB_FORBIDDEN, audited, nothing stored), each patient's new
 * NEWS2 sets are scored and their alerts raised in the same transaction. Ids
 * and times are assigned into obs (at 0: now; never in the future). */
int hb_monitor_ingest(struct hb_store *s, const struct hb_user *u, struct hb_obs *obs, int n,
                      struct hb_error *err);
/* The same inside the caller's write, without the policy check (the caller
 * has checked and audits). */
int hb_monitor_ingest_in(struct hb_db *db, const struct hb_user *u, struct hb_obs *obs, int n,
                         struct hb_error *err);

/* Configuration: whether ingestion scores NEWS2 and raises alerts (default
 * true; `serve --no-scoring` turns it off to measure what scoring costs). */
extern bool hb_monitor_scoring;

/* ---- monitoring a patient ---- */
/* Starts or changes monitoring: in {active, scale (1|2), thresholds {kind:
 * {min, max}}}; who and when are recorded. Clinicians with a relation. */
int hb_monitor_set(struct hb_store *s, const struct hb_user *u, int64_t patient_id, json_t *in,
                   struct hb_error *err);
/* The patient's vital signs over the last days, each series with its NEWS2
 * bands, the NEWS2 scores and the alerts (audited). */
int hb_monitor_chart(struct hb_store *s, const struct hb_user *u, int64_t patient_id, int days,
                     struct hb_arena *arena, json_t **out, struct hb_error *err);

/* ---- alerts ---- */
/* The dashboard: the monitored patients u is responsible for, riskiest first
 * (open alerts first), with their latest NEWS2 and sub-scores, a trend, open
 * alerts and whether a measurement is overdue. Audited. now: the clock. */
int hb_monitor_dashboard(struct hb_store *s, const struct hb_user *u, int64_t now,
                         struct hb_arena *arena, json_t **out, struct hb_error *err);
/* action: acknowledge, escalate or resolve (note required). HB_CONFLICT when
 * the alert is past that. */
int hb_monitor_alert_act(struct hb_store *s, const struct hb_user *u, int64_t alert_id,
                         const char *action, const char *note, struct hb_error *err);
/* One pass as of now: alerts not acknowledged in time climb a level; patients
 * whose next measurement is overdue get a "missed" alert. Counts out. */
int hb_monitor_tick(struct hb_store *s, int64_t now, int *escalated, int *missed,
                    struct hb_error *err);
/* Runs hb_monitor_tick every interval_s seconds and hb_monitor_deliver every
 * notify_s seconds on a thread of its own until hb_monitor_ticker_stop. */
struct hb_monitor_ticker;
struct hb_monitor_ticker *hb_monitor_ticker_start(struct hb_store *s, int interval_s, int notify_s);
void hb_monitor_ticker_stop(struct hb_monitor_ticker *t); /* NULL allowed */

/* ---- FHIR ---- */
/* A vital sign (vital-signs profile, LOINC, UCUM, the value as written) or a
 * NEWS2 score (SNOMED CT 1104051000000101 with a component per parameter and
 * derivedFrom the measurements) as FHIR Observation text (malloc'd), and its
 * patient. HB_NOT_FOUND. */
int hb_monitor_observation_fhir(struct hb_db *db, int64_t id, char **json, int64_t *patient_id,
                                struct hb_error *err);
/* Observation ids of a patient, newest first: code (LOINC, or the NEWS2
 * SNOMED code; NULL any), effective time in [from, to), _lastUpdated in
 * [ufrom, uto) (0: open), ids below before (0: none). */
int hb_monitor_observation_search(struct hb_db *db, int64_t patient_id, const char *code,
                                  int64_t from, int64_t to, int64_t ufrom, int64_t uto,
                                  int64_t before, int64_t *ids, int max, int *n,
                                  struct hb_error *err);
/* An alert as a FHIR Flag (a new reference) and its patient. HB_NOT_FOUND. */
int hb_monitor_alert_flag(struct hb_db *db, int64_t alert_id, json_t **out, int64_t *patient_id,
                          struct hb_error *err);
/* Alert ids of a patient, newest first. */
int hb_monitor_alerts_of(struct hb_db *db, int64_t patient_id, int64_t *ids, int max, int *n,
                         struct hb_error *err);

/* ---- subscriptions (FHIR R4 rest-hook) for new alerts ---- */
/* Creates one from a FHIR Subscription: criteria Flag?category=clinical
 * [&patient=Patient/N], channel rest-hook with an http(s) endpoint, payload
 * application/fhir+json (the Flag) or none, one header. u owns it and gets
 * only alerts about patients u has a relation to. HB_UNPROCESSABLE naming the
 * FHIRPath. */
int hb_monitor_subscribe(struct hb_store *s, const struct hb_user *u, json_t *res, int64_t *id,
                         struct hb_error *err);
/* The subscription as FHIR (a new reference) and its owner. HB_NOT_FOUND. */
int hb_monitor_subscription_fhir(struct hb_db *db, int64_t id, json_t **out, int64_t *owner,
                                 struct hb_error *err);
/* Sends again every notification of subscription id stored since `since`
 * (its owner only). */
int hb_monitor_replay(struct hb_store *s, const struct hb_user *u, int64_t id, int64_t since,
                      struct hb_error *err);
/* One delivery pass as of now: posts the due notifications (at most 20) and
 * records each outcome; failures are retried with back-off (5 s doubling to
 * 10 minutes) for three days. Counts out. */
int hb_monitor_deliver(struct hb_store *s, int64_t now, int *sent, int *failed,
                       struct hb_error *err);

#define HB_SNOMED_NEWS2 "1104051000000101"

#endif
