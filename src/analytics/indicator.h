/* analytics: the indicator catalogue: each indicator with its definition,
 * numerator, denominator, source and norm, and how its value and its
 * green/amber/red status follow from an aggregated cell. */
#ifndef HB_AN_INDICATOR_H
#define HB_AN_INDICATOR_H

#include "analytics.h"

enum hb_ind_norm { HB_NORM_NONE, HB_NORM_AT_LEAST, HB_NORM_AT_MOST, HB_NORM_RANGE };
enum hb_ind_status { HB_STATUS_NONE, HB_STATUS_GREEN, HB_STATUS_AMBER, HB_STATUS_RED };
/* Where a value comes from: the engine's cells, the shared care plans as they
 * are now, or an imported user-experience survey (survey code in `tn`...). */
enum hb_ind_source { HB_SRC_ENGINE, HB_SRC_PLANS, HB_SRC_SURVEY };

struct hb_indicator {
    const char *code, *group, *name, *unit;
    const char *definition, *numerator, *denominator, *source, *norm_text;
    int decimals;
    enum hb_ind_norm norm;
    double lo, hi;             /* the norm: at least lo / at most hi / lo..hi */
    double amber_lo, amber_hi; /* amber band around it; beyond is red */
    int tn, td;                /* trackers of numerator and denominator (-1: not patients) */
    enum hb_ind_source origin;
    const char *survey, *measure; /* HB_SRC_SURVEY: survey_result.survey and .measure */
    /* HB_SRC_ENGINE: value = (num / num_div) x scale / den, num and den each a
     * counter of the cell (enum hb_an_counter) or an enum hb_ind_quantity;
     * den HB_Q_NONE makes the value a plain count. */
    int num, den;
    double num_div, scale;
};
/* What a formula may use besides the cell's counters. */
enum hb_ind_quantity {
    HB_Q_NONE = -1,
    HB_Q_KAD_BEDS = HB_AN_NCOUNTER,
    HB_Q_POP,
    HB_Q_POP67,
    HB_Q_POP80,
    HB_Q_BED_CAPACITY, /* KAD beds x minutes of the period */
    HB_Q_ACK_MEDIAN,   /* median minutes to acknowledge; no value when none */
};

extern const struct hb_indicator hb_indicators[];
extern const int hb_nindicators;
const struct hb_indicator *hb_indicator_find(const char *code);

struct hb_ind_result {
    bool has_value;  /* false: nothing to divide by (no stays, no population) */
    bool suppressed; /* built from fewer than five patients, or hidden to protect one */
    double value;
    double num, den; /* value = num x scale / den; den < 0 for a plain count */
    enum hb_ind_status status;
};
void hb_indicator_eval(const struct hb_indicator *ind, const struct hb_an_value *v,
                       struct hb_ind_result *out);

/* A value of an indicator the engine does not keep (see extra.h). */
struct hb_an_extra {
    bool has, suppressed;
    double value, num, den; /* den < 0: a count */
};
/* Any indicator's result: from the engine's cell v or, for plans and
 * surveys, from x. */
void hb_indicator_result(const struct hb_indicator *ind, const struct hb_an_value *v,
                         const struct hb_an_extra *x, struct hb_ind_result *out);
const char *hb_ind_status_code(enum hb_ind_status s); /* green, amber, red or NULL */
/* The FHIR measure-scoring code: proportion, ratio, continuous-variable or cohort. */
const char *hb_indicator_scoring(const struct hb_indicator *ind);

#endif
