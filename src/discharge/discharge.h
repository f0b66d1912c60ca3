/* discharge: discharge-ready patients (utskrivningsklare) between a hospital
 * ward and the municipality: the messages, the municipality's answers, the
 * days it pays for, and the monthly statement. */
#ifndef HB_DISCHARGE_H
#define HB_DISCHARGE_H

#include <jansson.h>

#include "../auth/auth.h"
#include "../core/core.h"
#include "../store/store.h"
#include "payment.h"

/* Opens a case for a patient in a ward of the user's hospital (the
 * "Melding om innlagt pasient" to the municipality). kommunenummer NULL: the
 * patient's municipality of residence. One open case per patient. at: when
 * the message was sent, 0 for now (not in the future). */
int hb_discharge_open(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                      const char *kommunenummer, int64_t at, int64_t *case_id,
                      struct hb_error *err);

/* Adds a message to a case. kind: "ready", "cancelled", "readmitted",
 * "discharged" (the hospital ward) or "receive" (day and place required),
 * "cannot" (day expected, optional) (the municipality). day is "YYYY-MM-DD"
 * or NULL. at: when the message was sent (UTC microseconds), for messages
 * registered after the fact; 0 for now. It may not lie in the future nor
 * before the case's last message (HB_CONFLICT, field "at"). Errors name the
 * field; messages out of order are HB_CONFLICT. */
int hb_discharge_add(struct hb_store *s, const struct hb_user *u, int64_t case_id,
                     const char *kind, const char *day, const char *place, const char *note,
                     int64_t at, struct hb_error *err);

/* The cases the user's side works with (the hospital's or the municipality's),
 * oldest first, with status and the days and NOK accrued; each audited. */
int hb_discharge_list(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                      json_t **out, struct hb_error *err);
/* One case with its whole timeline (audited). */
int hb_discharge_get(struct hb_store *s, const struct hb_user *u, int64_t case_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err);
/* The monthly statement ("YYYY-MM") for a municipality: each case's paid
 * days in the month, the amount at the year's rate, and the totals. Staff of
 * that municipality or of the hospital trust's units only. */
int hb_discharge_statement(struct hb_store *s, const struct hb_user *u,
                           const char *kommunenummer, const char *month, struct hb_arena *arena,
                           json_t **out, struct hb_error *err);

/* A case as a FHIR Flag (status active while open; the code says where it
 * stands; the days paid so far as an extension) and whose case it is. */
int hb_discharge_flag(struct hb_db *db, int64_t case_id, json_t **out, int64_t *patient_id,
                      struct hb_error *err);
/* The case ids of a patient, newest first (at most max). */
int hb_discharge_cases_of(struct hb_db *db, int64_t patient_id, int64_t *ids, int max, int *n,
                          struct hb_error *err);

/* The payment-rule kind (enum hb_dr_kind) of a stored event kind, or -1. */
int hb_discharge_kind(const char *kind);

#endif
