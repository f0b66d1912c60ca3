/* monitor internals shared by its files. */
#ifndef HB_MONITOR_INT_H
#define HB_MONITOR_INT_H

#include "monitor.h"

/* A set is complete when every NEWS2 parameter was measured within this
 * window before its newest measurement. */
#define HB__NEWS2_WINDOW_US (30LL * 60 * 1000000)
/* "Continuous" monitoring (NEWS2 7 or more): a set is expected this often. */
#define HB__CONTINUOUS_US (15LL * 60 * 1000000)

/* Raises an alert of kind for the patient inside the caller's write, routed to
 * whoever is responsible now (the unit of an open stay, else the team of the
 * active care plan, else the GP, else the municipality), at level 1, unless
 * an alert of that kind is still open for the patient. */
int hb__monitor_raise(struct hb_db *db, int64_t patient_id, const char *kind, const char *detail,
                      int64_t news2_id, int64_t observation_id, struct hb_error *err);
/* Stores a notification of alert_id for every active subscription whose
 * owner may see the patient, inside the caller's write. */
int hb__monitor_notify(struct hb_db *db, int64_t alert_id, int64_t patient_id, int64_t at,
                       struct hb_error *err);
/* The Norwegian name of an alert kind (news2-high, ...). */
const char *hb__monitor_alert_label(const char *kind);
/* When the next set is due after one at `at` that asked for `minutes` (0:
 * continuous), or (no set yet) 12 hours after monitoring started. */
int64_t hb__monitor_due(int64_t at, int64_t minutes, int64_t started_at);
/* Hundredths as Norwegians write them: 61,5 and 37,25 and 96. */
void hb__monitor_num_text(int64_t v, char *out, size_t n);

#endif
