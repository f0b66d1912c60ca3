/* analytics: a transparent risk score for proactive team follow-up: points
 * per factor from the last twelve months in Helsebro, each factor's
 * contribution kept so the reasons can be shown. */
#ifndef HB_AN_RISK_H
#define HB_AN_RISK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

/* clang-format off */
#define HB_RISK_FACTORS(X)                                                                   \
    X(ADMISSIONS, "admissions", "Innleggelser i sykehus", 2, 10)                             \
    X(EMERGENCY, "emergency", "Øyeblikkelig hjelp-innleggelser", 1, 5)                       \
    X(BED_DAYS, "bedDays", "Liggedøgn i sykehus, KAD og sykestue (1 poeng per 5)", 1, 20)    \
    X(DISCHARGE_READY, "dischargeReady", "Perioder som utskrivningsklar", 2, 4)              \
    X(PRIORITY, "priorityGroup", "I en prioritert gruppe", 3, 3)                             \
    X(AGE, "age", "Alder (67–79: 2, 80+: 3)", 1, 3)                                          \
    X(ALERTS, "alerts", "Varsler fra hjemmeoppfølging", 1, 4)
/* clang-format on */

enum hb_risk_factor {
#define HB_RISK_ENUM(e, code, label, points, max) HB_RISK_##e,
    HB_RISK_FACTORS(HB_RISK_ENUM) HB_RISK_NFACTORS
#undef HB_RISK_ENUM
};

struct hb_risk_facts {
    double bed_days;
    int admissions, emergency, discharge_ready, alerts, age;
    bool priority_group;
};

struct hb_risk {
    int total;
    int part[HB_RISK_NFACTORS];
};

extern const char *const hb_risk_codes[HB_RISK_NFACTORS];
extern const char *const hb_risk_labels[HB_RISK_NFACTORS];

/* Points: admissions 2 each (at most 10); emergency admissions 1 each (5);
 * bed-days 1 per whole 5 (6); discharge-ready periods 2 each (4); a
 * priority group 3; age 67-79 2, 80+ 3; alerts 1 each (4). */
void hb_risk_score(const struct hb_risk_facts *f, struct hb_risk *out);

struct hb_risk_row {
    int64_t patient_id, municipality_id, gp_user_id;
    struct hb_risk_facts facts;
    struct hb_risk risk;
    bool in_team;         /* has an active shared care plan */
    double next_bed_days; /* bed-days in the twelve months after `at` (evaluation) */
};

/* Scores every patient with a stay, a discharge-ready case or an alert in
 * the twelve months before at_us, highest first; with `next`, also counts
 * each one's bed-days in the twelve months after and (next_total) everyone's
 * (for the evaluation). *rows is malloc'ed. When *cancel (may be NULL) turns
 * true, gives up with HB_UNAVAILABLE. */
int hb_risk_compute(struct hb_db *db, int64_t at_us, bool next, const atomic_bool *cancel,
                    struct hb_risk_row **rows, int *n, double *next_total, struct hb_error *err);

/* ---- the ranking of a running server (risk_live.c) ----
 * Scoring everyone reads a year of stays, cases and alerts (seconds to tens
 * of seconds for a whole country), so a server keeps a snapshot: computed by
 * a thread of its own, renewed in the background when it is older than 30
 * times what it took to compute (at least 5 s, at most 10 minutes), and read
 * by requests as it is. */
/* A row of the snapshot: the facts (the points are worked out again when
 * listed) and the total ranked by. */
struct hb_risk_ranked {
    int64_t patient_id, municipality_id, gp_user_id;
    struct hb_risk_facts facts;
    int total;
};
struct hb_risk_snap {
    struct hb_risk_ranked *rows; /* scored above 0 and not in a team then, highest first */
    int n, scored;            /* rows kept, and patients scored */
    int32_t *by_muni, *by_gp; /* positions in rows, ordered by (municipality or GP, position) */
    int64_t *ids;             /* patient ids sorted, with */
    int32_t *id_pos;          /* the position of each */
    int64_t at_us, took_us;   /* when it was computed, and how long it took */
    int refs;                 /* requests holding it (under risk_live.c's lock) */
};
/* The current snapshot, held until hb_risk_live_release; starts a renewal
 * when it is due. While the first one is computed, waits a few seconds, then
 * NULL with err (HB_UNAVAILABLE). */
const struct hb_risk_snap *hb_risk_live_get(struct hb_store *s, struct hb_error *err);
void hb_risk_live_release(const struct hb_risk_snap *snap);
/* Computes a snapshot now, in the caller's thread, and installs it. */
int hb_risk_live_refresh(struct hb_store *s, struct hb_error *err);
/* Starts computing the first snapshot in the background: the live engine's
 * thread calls it once the engine has loaded, so the two do not compete. */
void hb_risk_live_start(struct hb_store *s);
/* Stops a computation under way and frees the snapshot. */
void hb_risk_live_stop(void);

/* Positions of the rows of a municipality or a GP's list, highest first
 * (*pos points into the snapshot); how many. */
int hb_risk_snap_muni(const struct hb_risk_snap *snap, int64_t muni_id, const int32_t **pos);
int hb_risk_snap_gp(const struct hb_risk_snap *snap, int64_t gp_user_id, const int32_t **pos);
/* The position of a patient's row, or -1. */
int32_t hb_risk_snap_find(const struct hb_risk_snap *snap, int64_t patient_id);

/* The `helsebro risk` subcommand. */
int hb_cmd_risk(int argc, char **argv);
/* The `helsebro analytics` subcommand (bench.c). */
int hb_cmd_analytics(int argc, char **argv);

#endif
