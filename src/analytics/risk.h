/* analytics: a transparent risk score for proactive team follow-up: points
 * per factor from the last twelve months in Helsebro, each factor's
 * contribution kept so the reasons can be shown. */
#ifndef HB_AN_RISK_H
#define HB_AN_RISK_H

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
    int admissions, emergency, discharge_ready, alerts, age;
    double bed_days;
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
 * (for the evaluation). *rows is malloc'ed. */
int hb_risk_compute(struct hb_db *db, int64_t at_us, bool next, struct hb_risk_row **rows, int *n,
                    double *next_total, struct hb_error *err);

/* The `helsebro risk` subcommand. */
int hb_cmd_risk(int argc, char **argv);
/* The `helsebro analytics` subcommand (bench.c). */
int hb_cmd_analytics(int argc, char **argv);

#endif
