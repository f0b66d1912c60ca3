/* analytics: indicators of quality, capacity and use per municipality,
 * helsefellesskap and period, kept by an in-memory engine of monthly
 * aggregates over the facts in the database (stays, discharge-ready cases,
 * vital signs, alerts, co-consultations), small-cell suppression, projections
 * of bed-days to 2040 and a transparent risk score.
 *
 * The engine (struct hb_an) is built once from the database and then kept up
 * to date by applying each new or changed fact: every fact adds to the cell
 * of its municipality and month, so an update touches a handful of cells and
 * a query sums months into quarters and years and municipalities into
 * helsefellesskap and country. Times are local (Europe/Oslo) minutes since
 * 1970 (hb_local_minutes); months are calendar months of local time. */
#ifndef HB_ANALYTICS_H
#define HB_ANALYTICS_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

/* Additive counters of a (municipality, month) cell. */
/* clang-format off */
#define HB_AN_COUNTERS(X)                                                                \
    X(KAD_ADM)       /* admissions to KAD units, by admission month */                   \
    X(KAD_ADM80)     /* of those, patients aged 80 or more at admission */               \
    X(KAD_END)       /* KAD stays ended, by discharge month */                           \
    X(KAD_LOS_MIN)   /* their summed length in minutes */                                \
    X(KAD_HOME)      /* of the ended stays, those discharged home (with or without care) */ \
    X(KAD_BED_MIN)   /* minutes of KAD stays inside the month (a stay crossing months splits) */ \
    X(SY_END)        /* sykestue stays ended */                                          \
    X(SY_LOS_MIN)                                                                        \
    X(SY_OVER14)     /* ended sykestue stays longer than 14 days */                      \
    X(SY_BED_MIN)                                                                        \
    X(H_ADM)         /* hospital admissions (not transfers between units) */             \
    X(H_EMERG)       /* of those, emergency: from home, GP or legevakt */                \
    X(H_EMERG80)     /* emergency admissions of patients aged 80+ */                     \
    X(H_INDEX)       /* hospital stays ended alive and not by transfer (index discharges) */ \
    X(H_READMIT)     /* index discharges followed by an emergency admission in 30 days */ \
    X(H_BED_MIN)                                                                         \
    X(DR_NOTICES)    /* discharge-ready notices sent to the municipality */              \
    X(DR_ANSWERED)   /* notices answered (receive or cannot yet) */                      \
    X(DR_ANSWER_MIN) /* minutes from notice to first answer, summed */                   \
    X(DR_DAYS)       /* days the municipality pays for, on their calendar day */         \
    X(DR_NOK)        /* NOK for those days at each year's rate */                        \
    X(MON_PATIENTS)  /* patients with vital signs in the month (patient-months) */       \
    X(MON_ALERTS)    /* alerts raised */                                                 \
    X(MON_ACKED)     /* of those, acknowledged */                                        \
    X(MON_ESCALATED) /* of those, escalated past the first level */                      \
    X(CO_HELD)       /* co-consultations held */                                         \
    X(CO_KM)         /* km of travel avoided */                                          \
    X(CO_NOK_ORE)                                                                        \
    X(CO_CO2_G)

/* Patient sets of a cell: the patients a number is built from. Each keeps at
 * most five distinct patients: enough to tell "fewer than five". */
#define HB_AN_TRACKERS(X)                                                                \
    X(T_KAD) X(T_KAD80) X(T_SY) X(T_SY14) X(T_HOSP) X(T_EMERG80) X(T_READMIT) X(T_DR)     \
    X(T_MON) X(T_ALERT) X(T_CO)
/* clang-format on */

enum hb_an_counter {
#define HB_AN_ENUM(x) HB_AN_##x,
    HB_AN_COUNTERS(HB_AN_ENUM) HB_AN_NCOUNTER
};
enum hb_an_tracker { HB_AN_TRACKERS(HB_AN_ENUM) HB_AN_NTRACKER };
#undef HB_AN_ENUM

#define HB_AN_MIN_PATIENTS 5

enum hb_an_unit { HB_AN_OTHER, HB_AN_HOSPITAL, HB_AN_KAD, HB_AN_SYKESTUE };

struct hb_an;

struct hb_an *hb_an_new(void);
void hb_an_free(struct hb_an *an);

/* ---- building and updating (the caller holds the engine's write lock) ---- */
int hb_an_add_fellesskap(struct hb_an *an, int64_t id, const char *name);
/* A municipality of a helsefellesskap (added first); returns its index. */
int hb_an_add_muni(struct hb_an *an, int64_t id, const char *nr, const char *name,
                   int64_t fellesskap_id);
int hb_an_muni_index(const struct hb_an *an, int64_t id); /* -1 when unknown */
/* Inhabitants of a municipality in a year and age band (lowest age of the band). */
void hb_an_add_population(struct hb_an *an, int64_t muni_id, int year, int age_lo, int64_t n);
/* A KAD unit of owner_id with beds; when it serves several municipalities
 * (served_ids, n), its beds count for each by its share of their inhabitants
 * in the year asked about. Unknown municipalities are left out. */
void hb_an_add_kad_unit(struct hb_an *an, int64_t owner_id, int beds, const int64_t *served_ids,
                        int n);
/* A patient: residence and birth day (days since 1970). Again: updates them. */
void hb_an_add_patient(struct hb_an *an, int64_t id, int64_t muni_id, int32_t birth_day);

struct hb_an_stay {
    int64_t id, patient_id;
    enum hb_an_unit unit;
    int64_t start, end; /* local minutes; end < 0 while open */
    bool emergency;     /* came from home, GP or legevakt */
    bool transfer_in;   /* came from another unit or ward */
    bool home;          /* discharged home (with or without home care) */
    bool index_end;     /* ended alive and not by transfer to another unit */
};
/* A stay as it is now (new, or changed: an end was set). Stays of one patient
 * must arrive in the order they started. */
void hb_an_stay(struct hb_an *an, const struct hb_an_stay *s);

struct hb_an_case {
    int64_t id, patient_id, muni_id;
    int64_t notice;           /* local minutes of the discharge-ready notice, < 0: none */
    int64_t answer;           /* first answer, < 0: none yet */
    int64_t first_day, ndays; /* paid days [first_day, first_day + ndays) */
    const int64_t *day_nok;   /* the rate of each of those days, ndays long */
};
/* A discharge-ready case as it is now; replaces what it counted before. */
void hb_an_case(struct hb_an *an, const struct hb_an_case *c);
/* Vital signs of a patient at a time (local minutes), in any order: each
 * patient-month counts once. */
void hb_an_observed(struct hb_an *an, int64_t patient_id, int64_t at);
/* An alert as it is now: raised, and acknowledged (ack >= 0) and escalated. */
void hb_an_alert(struct hb_an *an, int64_t id, int64_t patient_id, int64_t raised, int64_t ack,
                 bool escalated);
/* A co-consultation held. */
void hb_an_consult(struct hb_an *an, int64_t id, int64_t patient_id, int64_t at, int64_t km,
                   int64_t nok_ore, int64_t co2_g);
/* Sets the time open stays and open cases are counted up to (local minutes). */
void hb_an_set_now(struct hb_an *an, int64_t now);
uint64_t hb_an_generation(const struct hb_an *an);

/* ---- reading ---- */
enum hb_an_period_kind { HB_AN_MONTH, HB_AN_QUARTER, HB_AN_YEAR };
struct hb_an_period {
    enum hb_an_period_kind kind;
    int year, n; /* n: month 1-12, quarter 1-4, 0 for a year */
};
/* Parses "2026", "2026-Q3" or "2026-09"; HB_INVALID otherwise. */
int hb_an_period_parse(const char *s, struct hb_an_period *p);
void hb_an_period_text(const struct hb_an_period *p, char *out, size_t outlen);
/* First and one-past-last local minute of a period. */
void hb_an_period_span(const struct hb_an_period *p, int64_t *from, int64_t *to);
/* The next period of the same kind. */
struct hb_an_period hb_an_period_next(struct hb_an_period p);

/* Entities: municipalities 0..nmuni-1, then helsefellesskap, then the country. */
int hb_an_nmuni(const struct hb_an *an);
int hb_an_nfellesskap(const struct hb_an *an);
int hb_an_nentity(const struct hb_an *an);
struct hb_an_entity {
    const char *kind; /* municipality, helsefellesskap, country */
    int64_t id;       /* 0 for the country */
    const char *nr, *name;
    int parent; /* entity index of the helsefellesskap or country; -1 for the country */
};
void hb_an_entity(const struct hb_an *an, int e, struct hb_an_entity *out);

/* One aggregated cell with its suppression: the counters, the patients in
 * each tracker (0-5, 5 meaning five or more), whether each tracker is
 * suppressed (fewer than five patients, or hidden so that it cannot be
 * worked out from totals), and the denominators. */
struct hb_an_value {
    int64_t c[HB_AN_NCOUNTER];
    uint8_t patients[HB_AN_NTRACKER];
    bool suppressed[HB_AN_NTRACKER];
    int64_t pop, pop67, pop80;
    double kad_beds;       /* owned, or this entity's share of shared units */
    int64_t minutes;       /* length of the period */
    double ack_median_min; /* median minutes to acknowledge; < 0 when none */
};
/* Computes the cells of the entities `ents` (n of them) for `periods` (np):
 * out[e * np + p]. Suppression is decided over whole calendar years of every
 * entity, so the same cell is hidden whatever is asked alongside it. */
void hb_an_query(struct hb_an *an, const int *ents, int n, const struct hb_an_period *periods,
                 int np, struct hb_an_value *out);

/* Bed-days of municipality muni's residents in the months [first_month,
 * first_month + nmonths) (absolute: year * 12 + month - 1) by kind of unit
 * (hospital, KAD, sykestue) and age band at the stay's start (0-17, 18-49,
 * 50-66, 67-79, 80-89, 90+), and how many distinct patients each kind's
 * days come from (0-5, 5 meaning five or more). */
void hb_an_use_by_age(const struct hb_an *an, int muni, int first_month, int nmonths,
                      double days[3][6], int patients[3]);

/* The shared care plans and user-experience surveys as they are now, per
 * municipality (extra.c): read from the database outside the engine's lock,
 * then installed. */
struct hb_an_plans;
int hb_an_plans_read(struct hb_db *db, const struct hb_an *an, struct hb_an_plans **out,
                     struct hb_error *err);
void hb_an_plans_free(struct hb_an_plans *p);
/* Installs p (the engine owns it then) and frees the one before; the caller
 * holds the write lock. */
void hb_an_set_plans(struct hb_an *an, struct hb_an_plans *p, int64_t now_us);
/* Whether the snapshot is due: plans, stays or surveys changed since it was
 * read (at most every 5 s), or it is a minute old. */
bool hb_an_plans_due(const struct hb_an *an, int64_t now_us);

/* ---- the live engine of a server ---- */
/* Loads every fact from the database into a new engine, in one snapshot. */
int hb_an_load(struct hb_db *db, bool postgres, struct hb_an **out, struct hb_error *err);
/* Applies what changed in the database since the last load or refresh. */
int hb_an_refresh(struct hb_db *db, struct hb_an *an, struct hb_error *err);
/* The process's engine: loaded by hb_an_live_start's thread when the server
 * starts (or on first use when no thread runs) and refreshed by it every few
 * seconds. hb_an_live_read locks it for reading (unlock with
 * hb_an_live_done); NULL with err (HB_UNAVAILABLE) when it is still loading
 * after a few seconds' wait or cannot be loaded. */
struct hb_an *hb_an_live_read(struct hb_store *s, struct hb_error *err);
void hb_an_live_done(void);
/* Applies changes now, and reads the plan and survey snapshot again (a test
 * or a write that wants its change shown at once). */
int hb_an_live_refresh(struct hb_store *s, struct hb_error *err);
/* Reads the plan and survey snapshot again now (after an import). */
int hb_an_live_plans_refresh(struct hb_store *s, struct hb_error *err);
/* Starts the thread that loads the engine and refreshes it every interval_s. */
void hb_an_live_start(struct hb_store *s, int interval_s);
void hb_an_live_stop(void);

#endif
