/* analytics internals shared by the engine's files (not a public header). */
#ifndef HB_AN_INT_H
#define HB_AN_INT_H

#include "analytics.h"

#define AN_YEAR0 2000
#define AN_NYEARS 61 /* population and rates 2000-2060 */

struct an_imap {
    int64_t *keys;
    int32_t *vals;
    size_t cap, n;
};
int32_t hb__imap_get(const struct an_imap *m, int64_t key); /* -1 when absent */
void hb__imap_put(struct an_imap *m, int64_t key, int32_t val);
void hb__imap_del(struct an_imap *m, int64_t key);
void hb__imap_free(struct an_imap *m);

struct an_cell {
    int64_t c[HB_AN_NCOUNTER];
    int32_t t[HB_AN_NTRACKER][HB_AN_MIN_PATIENTS];
    uint8_t tn[HB_AN_NTRACKER];
};

/* Bed minutes of a (municipality, month) by kind of unit (hospital, KAD,
 * sykestue) and the patient's age band at the stay's start (0-17, 18-49,
 * 50-66, 67-79, 80-89, 90+): today's use for the projections. */
enum { AN_KINDS = 3, AN_BANDS = 6 };
struct an_use {
    int64_t min[AN_KINDS][AN_BANDS];
};

struct an_muni {
    int64_t id;
    char nr[8];
    char *name;
    int fs;
    int64_t pop[AN_NYEARS][3]; /* all, 67+, 80+ */
};

/* A KAD unit: its beds count for its owner, or are shared by the
 * municipalities it serves by their inhabitants in each year. */
struct an_kad {
    int owner; /* municipality index, -1 when the owner is not one */
    int beds;
    int *served; /* municipality indexes */
    int nserved;
};

struct an_fs {
    int64_t id;
    char *name;
};

struct an_patient {
    int16_t muni;
    int32_t birth_day;
    int64_t last_index_end; /* latest index discharge not yet readmitted, or -1 */
};

struct an_open {
    struct hb_an_stay s;
    int64_t upto; /* bed minutes counted up to here */
    int muni;     /* where they were counted: the residence at admission */
};

struct an_case {
    int32_t patient;
    int16_t muni;
    int64_t notice, answer, first_day, ndays;
};

struct an_alert {
    int32_t month; /* absolute month raised */
    int16_t muni;
    bool escalated;
    int32_t ack_min; /* -1: not acknowledged */
    int32_t patient;
};

struct hb_an {
    struct an_fs *fs;
    int nfs;
    struct an_muni *muni;
    int nmuni;
    struct an_kad *kads;
    int nkads;
    /* cells[(month - month0) * muni_cap + muni], and use[] alike */
    struct an_cell *cells;
    struct an_use *use;
    int muni_cap, month0, nmonths, month_cap;
    struct an_patient *patients;
    int32_t npatients, patient_cap;
    struct an_imap patient_ix;
    struct an_open *open;
    int32_t nopen, open_cap;
    struct an_imap open_ix;
    struct an_case *cases;
    int32_t ncases, case_cap;
    struct an_imap case_ix;
    struct an_alert *alerts;
    int32_t nalerts, alert_cap;
    struct an_imap alert_ix, consult_ix;
    struct an_imap observed; /* (patient index + 1) << 20 | month: months with vital signs */
    struct an_imap units;    /* unit id -> enum hb_an_unit */
    int64_t rate[AN_NYEARS];
    int64_t now;
    uint64_t generation;
    /* refresh state (load.c) */
    int64_t seen_change, seen_obs, seen_alert, seen_alert_event, seen_consult;
    int64_t case_day;          /* the day open cases were last counted up to */
    int64_t window_ms;         /* how far back a refresh looks for late commits (load.c) */
    struct hb_an_plans *plans; /* the plan and survey snapshot (extra.c) */
    int64_t plans_at;          /* when it was read (us) */
    bool plans_changed;        /* the refresh saw a change it may not show */
    int64_t *applied;          /* change-log seqs applied inside the window, oldest first */
    int napplied, applied_cap;
    struct an_imap applied_ix; /* the same seqs, for skipping them */
};

/* A group whose total equals the sum of its n parts (size: patients in each;
 * hidden: suppressed). When exactly one member (a part or the total) is
 * hidden, it could be worked out from the rest: hides the smallest part with
 * patients (the total when no part has any). True when it hid one. */
bool hb__an_protect(int n, const int *size, bool *hidden, int parent_size, bool *parent_hidden);

/* A stay from a row of (patient_id, unit_id, start_at, end_at, source,
 * discharge_to): flags and local minutes as the engine counts them, the kind
 * of unit from the engine's map of units. */
void hb__an_stay_row(const struct hb_an *an, struct hb_stmt *st, int64_t id, struct hb_an_stay *s);

int hb__an_month(int64_t minute); /* absolute month: year * 12 + month - 1 */
int64_t hb__an_month_start(int month);
int64_t hb__an_rate(const struct hb_an *an, int year);
void hb_an_set_rate(struct hb_an *an, int year, int64_t nok);

#endif
