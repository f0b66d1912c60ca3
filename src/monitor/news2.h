/* NEWS2 (Royal College of Physicians, 2017): the score of one complete set of
 * vital signs, the clinical risk it implies and the minimum monitoring
 * frequency. Pure: no clock, no database. */
#ifndef HB_NEWS2_H
#define HB_NEWS2_H

#include <stdbool.h>
#include <stdint.h>

/* The parameters, in the order of the sub-scores. */
enum hb_news2_param {
    HB_NEWS2_RR,    /* respiration rate, per minute */
    HB_NEWS2_SPO2,  /* oxygen saturation, % */
    HB_NEWS2_AIR,   /* on air (0) or supplemental oxygen (1) */
    HB_NEWS2_SBP,   /* systolic blood pressure, mmHg */
    HB_NEWS2_PULSE, /* per minute */
    HB_NEWS2_ACVPU, /* 0 alert; 1 new confusion, 2 voice, 3 pain, 4 unresponsive */
    HB_NEWS2_TEMP,  /* °C */
    HB_NEWS2__PARAMS
};

enum hb_news2_risk { HB_NEWS2_LOW, HB_NEWS2_LOW_MEDIUM, HB_NEWS2_MEDIUM, HB_NEWS2_HIGH };

/* One complete set. Measured values are in hundredths (37.5 °C is 3750,
 * 96 % is 9600), so values written with decimals are banded exactly. */
struct hb_news2_in {
    int64_t rr, spo2, sbp, pulse, temp;
    bool oxygen;
    int acvpu;
    bool scale2; /* SpO2 scale 2: a clinician set a hypercapnic target (88-92 %) */
};

struct hb_news2 {
    int sub[HB_NEWS2__PARAMS];
    int total;
    bool single3; /* some parameter scored 3 */
    enum hb_news2_risk risk;
    int monitor_minutes; /* minimum monitoring frequency; 0: continuous */
};

void hb_news2_score(const struct hb_news2_in *in, struct hb_news2 *out);

/* The bands of parameter p on scale 1 (for drawing charts): each scores
 * `score` up to and including `upto` (hundredths; the last is open). */
struct hb_news2_band {
    int64_t upto;
    int score;
};
int hb_news2_bands(enum hb_news2_param p, const struct hb_news2_band **out);

/* "low", "low-medium", "medium", "high" and their Norwegian labels. */
const char *hb_news2_risk_name(enum hb_news2_risk r);
const char *hb_news2_risk_label(enum hb_news2_risk r);

#endif
