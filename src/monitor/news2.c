/* NEWS2 scoring as in the RCP chart (2017). Each parameter is a table of
 * bands: the score applies up to and including the band's upper bound (in
 * hundredths), the last band having no bound. */
#include "news2.h"

#include <stddef.h>
#include <stdint.h>

#include "../core/banned.h"

#define band hb_news2_band /* upto: inclusive upper bound in hundredths; INT64_MAX: the rest */

static const struct band rr_bands[] = {{800, 3}, {1100, 1}, {2000, 0}, {2400, 2}, {INT64_MAX, 3}};
static const struct band spo2_scale1[] = {{9100, 3}, {9300, 2}, {9500, 1}, {INT64_MAX, 0}};
/* Scale 2 below 93 %; from 93 % the score depends on air or oxygen. */
static const struct band spo2_scale2_low[] = {{8300, 3}, {8500, 2}, {8700, 1}, {INT64_MAX, 0}};
static const struct band spo2_scale2_oxygen[] = {{9400, 1}, {9600, 2}, {INT64_MAX, 3}};
static const struct band sbp_bands[] = {
    {9000, 3}, {10000, 2}, {11000, 1}, {21900, 0}, {INT64_MAX, 3}};
static const struct band pulse_bands[] = {{4000, 3},  {5000, 1},  {9000, 0},
                                          {11000, 1}, {13000, 2}, {INT64_MAX, 3}};
static const struct band temp_bands[] = {
    {3500, 3}, {3600, 1}, {3800, 0}, {3900, 1}, {INT64_MAX, 2}};

/* Band boundaries are whole units (or tenths for temperature): a value between
 * two bounds, such as 8.5 breaths, belongs to the band above the lower one. */
static int band_score(const struct band *b, int64_t v)
{
    for (;; b++)
        if (v <= b->upto)
            return b->score;
}

static int spo2_score(int64_t v, bool oxygen, bool scale2)
{
    if (!scale2)
        return band_score(spo2_scale1, v);
    if (v < 9300 || !oxygen)
        return band_score(spo2_scale2_low, v);
    return band_score(spo2_scale2_oxygen, v);
}

void hb_news2_score(const struct hb_news2_in *in, struct hb_news2 *out)
{
    out->sub[HB_NEWS2_RR] = band_score(rr_bands, in->rr);
    out->sub[HB_NEWS2_SPO2] = spo2_score(in->spo2, in->oxygen, in->scale2);
    out->sub[HB_NEWS2_AIR] = in->oxygen ? 2 : 0;
    out->sub[HB_NEWS2_SBP] = band_score(sbp_bands, in->sbp);
    out->sub[HB_NEWS2_PULSE] = band_score(pulse_bands, in->pulse);
    out->sub[HB_NEWS2_ACVPU] = in->acvpu ? 3 : 0;
    out->sub[HB_NEWS2_TEMP] = band_score(temp_bands, in->temp);
    out->total = 0;
    out->single3 = false;
    for (int i = 0; i < HB_NEWS2__PARAMS; i++) {
        out->total += out->sub[i];
        out->single3 |= out->sub[i] == 3;
    }
    /* The clinical response and the minimum monitoring frequency. */
    if (out->total >= 7) {
        out->risk = HB_NEWS2_HIGH;
        out->monitor_minutes = 0;
    } else if (out->total >= 5) {
        out->risk = HB_NEWS2_MEDIUM;
        out->monitor_minutes = 60;
    } else if (out->single3) {
        out->risk = HB_NEWS2_LOW_MEDIUM;
        out->monitor_minutes = 60;
    } else if (out->total >= 1) {
        out->risk = HB_NEWS2_LOW;
        out->monitor_minutes = 4 * 60; /* "minimum 4-6 hourly": the stricter end */
    } else {
        out->risk = HB_NEWS2_LOW;
        out->monitor_minutes = 12 * 60;
    }
}

int hb_news2_bands(enum hb_news2_param p, const struct hb_news2_band **out)
{
    static const struct {
        const struct band *b;
        int n;
    } t[HB_NEWS2__PARAMS] = {
        [HB_NEWS2_RR] = {rr_bands, 5},     [HB_NEWS2_SPO2] = {spo2_scale1, 4},
        [HB_NEWS2_SBP] = {sbp_bands, 5},   [HB_NEWS2_PULSE] = {pulse_bands, 6},
        [HB_NEWS2_TEMP] = {temp_bands, 5},
    };
    *out = t[p].b;
    return t[p].n;
}

const char *hb_news2_risk_name(enum hb_news2_risk r)
{
    static const char *const names[] = {"low", "low-medium", "medium", "high"};
    return names[r];
}

const char *hb_news2_risk_label(enum hb_news2_risk r)
{
    static const char *const labels[] = {"Lav", "Lav-middels", "Middels", "Høy"};
    return labels[r];
}
