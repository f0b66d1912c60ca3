/* NEWS2 at every band edge of every parameter, scale 2 on air and oxygen, the
 * aggregate, the clinical response and the monitoring frequency. */
#include <string.h>

#include "harness.h"
#include "monitor/news2.h"

/* A set scoring 0 everywhere, to vary one parameter at a time. */
static struct hb_news2_in normal(void)
{
    return (struct hb_news2_in){.rr = 1600,
                                .spo2 = 9700,
                                .sbp = 12000,
                                .pulse = 7000,
                                .temp = 3700,
                                .oxygen = false,
                                .acvpu = 0};
}

int main(void)
{
    static const struct {
        enum hb_news2_param p;
        int64_t value; /* hundredths */
        int score;
    } edges[] = {
        /* respiration rate: <=8 3, 9-11 1, 12-20 0, 21-24 2, >=25 3 */
        {HB_NEWS2_RR, 0, 3},
        {HB_NEWS2_RR, 800, 3},
        {HB_NEWS2_RR, 900, 1},
        {HB_NEWS2_RR, 1100, 1},
        {HB_NEWS2_RR, 1200, 0},
        {HB_NEWS2_RR, 2000, 0},
        {HB_NEWS2_RR, 2100, 2},
        {HB_NEWS2_RR, 2400, 2},
        {HB_NEWS2_RR, 2500, 3},
        {HB_NEWS2_RR, 6000, 3},
        /* SpO2 scale 1: <=91 3, 92-93 2, 94-95 1, >=96 0 */
        {HB_NEWS2_SPO2, 9100, 3},
        {HB_NEWS2_SPO2, 9200, 2},
        {HB_NEWS2_SPO2, 9300, 2},
        {HB_NEWS2_SPO2, 9400, 1},
        {HB_NEWS2_SPO2, 9500, 1},
        {HB_NEWS2_SPO2, 9600, 0},
        {HB_NEWS2_SPO2, 10000, 0},
        {HB_NEWS2_SPO2, 7000, 3},
        /* systolic: <=90 3, 91-100 2, 101-110 1, 111-219 0, >=220 3 */
        {HB_NEWS2_SBP, 9000, 3},
        {HB_NEWS2_SBP, 9100, 2},
        {HB_NEWS2_SBP, 10000, 2},
        {HB_NEWS2_SBP, 10100, 1},
        {HB_NEWS2_SBP, 11000, 1},
        {HB_NEWS2_SBP, 11100, 0},
        {HB_NEWS2_SBP, 21900, 0},
        {HB_NEWS2_SBP, 22000, 3},
        /* pulse: <=40 3, 41-50 1, 51-90 0, 91-110 1, 111-130 2, >=131 3 */
        {HB_NEWS2_PULSE, 4000, 3},
        {HB_NEWS2_PULSE, 4100, 1},
        {HB_NEWS2_PULSE, 5000, 1},
        {HB_NEWS2_PULSE, 5100, 0},
        {HB_NEWS2_PULSE, 9000, 0},
        {HB_NEWS2_PULSE, 9100, 1},
        {HB_NEWS2_PULSE, 11000, 1},
        {HB_NEWS2_PULSE, 11100, 2},
        {HB_NEWS2_PULSE, 13000, 2},
        {HB_NEWS2_PULSE, 13100, 3},
        /* temperature: <=35.0 3, 35.1-36.0 1, 36.1-38.0 0, 38.1-39.0 1, >=39.1 2 */
        {HB_NEWS2_TEMP, 3500, 3},
        {HB_NEWS2_TEMP, 3510, 1},
        {HB_NEWS2_TEMP, 3600, 1},
        {HB_NEWS2_TEMP, 3610, 0},
        {HB_NEWS2_TEMP, 3800, 0},
        {HB_NEWS2_TEMP, 3810, 1},
        {HB_NEWS2_TEMP, 3900, 1},
        {HB_NEWS2_TEMP, 3910, 2},
        {HB_NEWS2_TEMP, 4200, 2},
        /* consciousness: alert 0; new confusion, voice, pain, unresponsive 3 */
        {HB_NEWS2_ACVPU, 0, 0},
        {HB_NEWS2_ACVPU, 1, 3},
        {HB_NEWS2_ACVPU, 2, 3},
        {HB_NEWS2_ACVPU, 3, 3},
        {HB_NEWS2_ACVPU, 4, 3},
        /* air 0, oxygen 2 */
        {HB_NEWS2_AIR, 0, 0},
        {HB_NEWS2_AIR, 1, 2},
    };
    subtest("every band edge of every parameter");
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        struct hb_news2_in in = normal();
        switch (edges[i].p) {
        case HB_NEWS2_RR:
            in.rr = edges[i].value;
            break;
        case HB_NEWS2_SPO2:
            in.spo2 = edges[i].value;
            break;
        case HB_NEWS2_AIR:
            in.oxygen = edges[i].value != 0;
            break;
        case HB_NEWS2_SBP:
            in.sbp = edges[i].value;
            break;
        case HB_NEWS2_PULSE:
            in.pulse = edges[i].value;
            break;
        case HB_NEWS2_ACVPU:
            in.acvpu = (int)edges[i].value;
            break;
        case HB_NEWS2_TEMP:
            in.temp = edges[i].value;
            break;
        default:
            break;
        }
        struct hb_news2 out;
        hb_news2_score(&in, &out);
        ok(out.sub[edges[i].p] == edges[i].score, "parameter %d at %lld: %d (got %d)", edges[i].p,
           (long long)edges[i].value, edges[i].score, out.sub[edges[i].p]);
        int others = out.total - out.sub[edges[i].p];
        ok(others == 0, "only that parameter scores (others %d)", others);
    }
    subtest("between whole numbers: the band above the lower bound");
    {
        struct hb_news2_in in = normal();
        struct hb_news2 out;
        in.rr = 850;
        hb_news2_score(&in, &out);
        ok(out.sub[HB_NEWS2_RR] == 1, "8.5 breaths is above 8: 1");
        in = normal();
        in.temp = 3605;
        hb_news2_score(&in, &out);
        ok(out.sub[HB_NEWS2_TEMP] == 0, "36.05 degrees is above 36.0: 0");
    }
    subtest("SpO2 scale 2 (hypercapnic target 88-92 %)");
    {
        static const struct {
            int64_t spo2;
            bool oxygen;
            int score;
        } s2[] = {
            {8300, false, 3},  {8400, false, 2}, {8500, false, 2}, {8600, false, 1},
            {8700, false, 1},  {8800, false, 0}, {9200, false, 0}, {9300, false, 0},
            {10000, false, 0}, {8800, true, 0},  {9200, true, 0},  {9300, true, 1},
            {9400, true, 1},   {9500, true, 2},  {9600, true, 2},  {9700, true, 3},
            {10000, true, 3},  {8300, true, 3},
        };
        for (size_t i = 0; i < sizeof(s2) / sizeof(s2[0]); i++) {
            struct hb_news2_in in = normal();
            in.scale2 = true;
            in.spo2 = s2[i].spo2;
            in.oxygen = s2[i].oxygen;
            struct hb_news2 out;
            hb_news2_score(&in, &out);
            ok(out.sub[HB_NEWS2_SPO2] == s2[i].score, "scale 2, %lld on %s: %d (got %d)",
               (long long)s2[i].spo2 / 100, s2[i].oxygen ? "oxygen" : "air", s2[i].score,
               out.sub[HB_NEWS2_SPO2]);
        }
        struct hb_news2_in in = normal();
        in.spo2 = 8900;
        struct hb_news2 out;
        hb_news2_score(&in, &out);
        ok(out.sub[HB_NEWS2_SPO2] == 3, "89 %% on scale 1 scores 3, on scale 2 0");
    }
    subtest("aggregate, clinical response and monitoring frequency");
    {
        struct hb_news2_in in = normal();
        struct hb_news2 out;
        hb_news2_score(&in, &out);
        ok(out.total == 0 && out.risk == HB_NEWS2_LOW && out.monitor_minutes == 720,
           "0: low, at least every 12 hours");
        in.pulse = 9500; /* 1 */
        in.temp = 3850;  /* 1 */
        hb_news2_score(&in, &out);
        ok(out.total == 2 && out.risk == HB_NEWS2_LOW && out.monitor_minutes == 240,
           "1-4: low, at least every 4 hours");
        in = normal();
        in.acvpu = 1; /* new confusion: 3 */
        hb_news2_score(&in, &out);
        ok(out.total == 3 && out.single3 && out.risk == HB_NEWS2_LOW_MEDIUM &&
               out.monitor_minutes == 60,
           "a single 3: low-medium, hourly");
        in = normal();
        in.oxygen = true; /* 2 */
        in.rr = 2200;     /* 2 */
        in.pulse = 9500;  /* 1 */
        hb_news2_score(&in, &out);
        ok(out.total == 5 && !out.single3 && out.risk == HB_NEWS2_MEDIUM &&
               out.monitor_minutes == 60,
           "5: medium, hourly");
        in.sbp = 10500; /* +1: 6 */
        hb_news2_score(&in, &out);
        ok(out.total == 6 && out.risk == HB_NEWS2_MEDIUM, "6: medium");
        in.temp = 3950; /* +2: 8 */
        hb_news2_score(&in, &out);
        ok(out.total == 8 && out.risk == HB_NEWS2_HIGH && out.monitor_minutes == 0,
           "7 or more: high, continuous");
        in = (struct hb_news2_in){.rr = 3000,
                                  .spo2 = 8000,
                                  .oxygen = true,
                                  .sbp = 8000,
                                  .pulse = 14000,
                                  .acvpu = 4,
                                  .temp = 3400};
        hb_news2_score(&in, &out);
        ok(out.total == 20, "the most a set can score is 20 (got %d)", out.total);
        ok(strcmp(hb_news2_risk_name(HB_NEWS2_LOW_MEDIUM), "low-medium") == 0 &&
               strcmp(hb_news2_risk_label(HB_NEWS2_HIGH), "Høy") == 0,
           "risk names");
    }
    return done();
}
