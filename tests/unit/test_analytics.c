/* The analytics engine on hand-built data: every number below is worked out
 * by hand from the facts given to the engine. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/an_int.h"
#include "analytics/indicator.h"
#include "analytics/projection.h"
#include "analytics/risk.h"
#include "core/core.h"
#include "harness.h"

/* Local minutes of a wall-clock time. */
static int64_t at(int y, int mo, int d, int h, int mi)
{
    return hb_civil_days(y, mo, d) * 1440 + h * 60 + mi;
}

static int32_t birth(int y)
{
    return (int32_t)hb_civil_days(y, 6, 15);
}

enum { F = 1, A = 10, B = 11, C = 12 };

/* A helsefellesskap of three municipalities: A (7,000, 500 aged 80+, 1,000
 * aged 67+, 2 KAD beds), B (14,000), C (3,500). */
static struct hb_an *world(void)
{
    struct hb_an *an = hb_an_new();
    hb_an_add_fellesskap(an, F, "Testfellesskapet");
    hb_an_add_muni(an, A, "0001", "Aby", F);
    hb_an_add_muni(an, B, "0002", "Bby", F);
    hb_an_add_muni(an, C, "0003", "Cby", F);
    hb_an_add_population(an, A, 2026, 0, 6000);
    hb_an_add_population(an, A, 2026, 67, 500);
    hb_an_add_population(an, A, 2026, 80, 500);
    hb_an_add_population(an, B, 2026, 18, 14000);
    hb_an_add_population(an, C, 2026, 18, 3500);
    hb_an_add_kad_unit(an, A, 2, NULL, 0);
    for (int i = 1; i <= 9; i++)
        hb_an_add_patient(an, i, i <= 6 ? A : i <= 8 ? B : C, birth(i == 1 ? 1940 : 1975));
    return an;
}

static struct hb_an_period per(const char *s)
{
    struct hb_an_period p;
    hb_an_period_parse(s, &p);
    return p;
}

/* The value of one entity in one period. */
static struct hb_an_value val(struct hb_an *an, int entity, const char *period)
{
    struct hb_an_value v;
    struct hb_an_period p = per(period);
    hb_an_query(an, &entity, 1, &p, 1, &v);
    return v;
}

static struct hb_ind_result ind(struct hb_an *an, int entity, const char *period, const char *code)
{
    struct hb_an_value v = val(an, entity, period);
    struct hb_ind_result r;
    hb_indicator_eval(hb_indicator_find(code), &v, &r);
    return r;
}

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static void kad(struct hb_an *an, int64_t id, int64_t patient, int64_t start, int64_t end,
                bool home)
{
    struct hb_an_stay s = {.id = id,
                           .patient_id = patient,
                           .unit = HB_AN_KAD,
                           .start = start,
                           .end = end,
                           .emergency = true,
                           .home = home,
                           .index_end = end >= 0};
    hb_an_stay(an, &s);
}

static void hosp(struct hb_an *an, int64_t id, int64_t patient, int64_t start, int64_t end,
                 bool emergency, bool transfer_in, bool index_end)
{
    struct hb_an_stay s = {.id = id,
                           .patient_id = patient,
                           .unit = HB_AN_HOSPITAL,
                           .start = start,
                           .end = end,
                           .emergency = emergency,
                           .transfer_in = transfer_in,
                           .index_end = index_end};
    hb_an_stay(an, &s);
}

static void test_periods(void)
{
    subtest("periods");
    struct hb_an_period p;
    ok(hb_an_period_parse("2026-Q3", &p) == 0 && p.kind == HB_AN_QUARTER && p.n == 3, "quarter");
    ok(hb_an_period_parse("2026-02", &p) == 0 && p.kind == HB_AN_MONTH && p.n == 2, "month");
    ok(hb_an_period_parse("2026", &p) == 0 && p.kind == HB_AN_YEAR, "year");
    ok(hb_an_period_parse("2026-13", &p) != 0 && hb_an_period_parse("2026-Q5", &p) != 0 &&
           hb_an_period_parse("26", &p) != 0 && hb_an_period_parse("2026-02x", &p) != 0 &&
           hb_an_period_parse(NULL, &p) != 0,
       "bad periods refused");
    int64_t from, to;
    p = per("2026-02");
    hb_an_period_span(&p, &from, &to);
    ok(to - from == 28 * 1440, "February 2026 has 28 days");
    p = hb_an_period_next(per("2026-12"));
    ok(p.year == 2027 && p.n == 1, "the month after December");
    p = hb_an_period_next(per("2026-Q4"));
    ok(p.year == 2027 && p.n == 1 && p.kind == HB_AN_QUARTER, "the quarter after Q4");
}

/* KAD in A: five stays ending in February, one of them admitted on 30
 * January (the month boundary), lengths 3, 2, 4, 1 and 2 days; four go home.
 * Two beds. */
static void test_kad(void)
{
    subtest("KAD: length of stay, home share, occupancy across a month boundary");
    struct hb_an *an = world();
    kad(an, 101, 1, at(2026, 1, 30, 12, 0), at(2026, 2, 2, 12, 0), true);
    kad(an, 102, 2, at(2026, 2, 1, 0, 0), at(2026, 2, 3, 0, 0), true);
    kad(an, 103, 3, at(2026, 2, 5, 0, 0), at(2026, 2, 9, 0, 0), false);
    kad(an, 104, 4, at(2026, 2, 10, 0, 0), at(2026, 2, 11, 0, 0), true);
    kad(an, 105, 5, at(2026, 2, 12, 0, 0), at(2026, 2, 14, 0, 0), true);
    struct hb_an_value jan = val(an, 0, "2026-01"), feb = val(an, 0, "2026-02"),
                       q1 = val(an, 0, "2026-Q1");
    ok(jan.c[HB_AN_KAD_ADM] == 1 && jan.c[HB_AN_KAD_ADM80] == 1 && jan.c[HB_AN_KAD_END] == 0,
       "January: one admission (aged 85), nothing ended");
    ok(jan.c[HB_AN_KAD_BED_MIN] == 36 * 60, "January holds 1.5 days of the crossing stay: %lld",
       (long long)jan.c[HB_AN_KAD_BED_MIN]);
    ok(feb.c[HB_AN_KAD_BED_MIN] == (int64_t)(10.5 * 1440), "February holds 10.5 bed-days");
    ok(feb.c[HB_AN_KAD_END] == 5 && feb.c[HB_AN_KAD_LOS_MIN] == 12 * 1440 &&
           feb.c[HB_AN_KAD_HOME] == 4,
       "February: five ended, 12 days, four home");
    ok(q1.c[HB_AN_KAD_BED_MIN] == 12 * 1440 && q1.c[HB_AN_KAD_ADM] == 5, "Q1 sums its months");
    struct hb_ind_result r = ind(an, 0, "2026-Q1", "kad_los");
    ok(!r.suppressed && r.has_value && near(r.value, 2.4) && r.status == HB_STATUS_GREEN,
       "Q1 KAD average stay 2.4 days, green: %g", r.value);
    r = ind(an, 0, "2026-Q1", "kad_home_share");
    ok(near(r.value, 80) && r.status == HB_STATUS_GREEN, "80 %% went home");
    r = ind(an, 0, "2026-Q1", "kad_occupancy");
    ok(near(r.value, 100.0 * 12 / (2 * 90)), "occupancy: 12 bed-days of 2 beds x 90 days");
    r = ind(an, 0, "2026", "kad_beds_per_7000");
    ok(near(r.value, 2) && r.status == HB_STATUS_GREEN && !r.suppressed,
       "2 beds per 7,000 in A, green, never suppressed");
    r = ind(an, 1, "2026", "kad_beds_per_7000");
    ok(near(r.value, 0) && r.status == HB_STATUS_RED, "no beds in B: red");
    r = ind(an, 3, "2026", "kad_beds_per_7000");
    ok(near(r.value, 2.0 * 7000 / 24500) && r.status == HB_STATUS_RED,
       "helsefellesskap: 2 beds for 24,500: %g", r.value);
    r = ind(an, 0, "2026-03", "kad_los");
    ok(!r.has_value && !r.suppressed, "an empty month has no value and hides nothing");
    struct hb_an_value mar = val(an, 0, "2026-03");
    ok(mar.c[HB_AN_KAD_BED_MIN] == 0 && mar.pop == 7000, "empty month: zero, population known");
    /* Suppression: January is one patient; February then has to go too,
     * or Q1 minus February would give January. */
    ok(jan.suppressed[HB_AN_T_KAD] && feb.suppressed[HB_AN_T_KAD] && !q1.suppressed[HB_AN_T_KAD],
       "January (1 patient) and February (its complement in Q1) hidden, Q1 shown");
    r = ind(an, 0, "2026-02", "kad_los");
    ok(r.suppressed, "February's length of stay shows as <5");
    r = ind(an, 0, "2026-Q1", "kad_adm80_per_1000");
    ok(r.suppressed, "one admission aged 80+: suppressed");
    hb_an_free(an);
}

/* Complement across municipalities: A has five KAD patients in March, B one.
 * The helsefellesskap total (six) is shown, so A must be hidden with B. */
static void test_complement(void)
{
    subtest("suppression cannot be undone by subtracting totals");
    struct hb_an *an = world();
    for (int i = 1; i <= 5; i++)
        kad(an, 200 + i, i, at(2026, 3, 2 * i, 8, 0), at(2026, 3, 2 * i + 1, 8, 0), true);
    kad(an, 210, 7, at(2026, 3, 20, 8, 0), at(2026, 3, 22, 8, 0), true);
    struct hb_an_value a = val(an, 0, "2026-03"), b = val(an, 1, "2026-03"),
                       c = val(an, 2, "2026-03"), fs = val(an, 3, "2026-03");
    ok(b.patients[HB_AN_T_KAD] == 1 && b.suppressed[HB_AN_T_KAD], "B: one patient, hidden");
    ok(a.patients[HB_AN_T_KAD] == 5 && a.suppressed[HB_AN_T_KAD],
       "A: five patients, hidden too (total minus A would give B)");
    ok(!c.suppressed[HB_AN_T_KAD] && c.patients[HB_AN_T_KAD] == 0, "C: nobody, shown as 0");
    ok(!fs.suppressed[HB_AN_T_KAD] && fs.c[HB_AN_KAD_END] == 6, "helsefellesskap: 6 shown");
    /* The year: A and B are still the only ones, so the same holds, and
     * the quarter and the year of each hide together with their months. */
    struct hb_an_value ay = val(an, 0, "2026"), aq = val(an, 0, "2026-Q1");
    ok(ay.suppressed[HB_AN_T_KAD] && aq.suppressed[HB_AN_T_KAD], "A's Q1 and year hidden");
    /* Whatever is asked for together, the same cells hide. */
    int ents[2] = {1, 0};
    struct hb_an_period p = per("2026-03");
    struct hb_an_value two[2];
    hb_an_query(an, ents, 2, &p, 1, two);
    ok(two[0].suppressed[HB_AN_T_KAD] && two[1].suppressed[HB_AN_T_KAD],
       "asked together: the same cells hidden");
    /* With a sixth patient in B... still fewer than five: nothing changes. */
    /* Four more patients in B make it five: now both show. */
    for (int i = 0; i < 4; i++) {
        hb_an_add_patient(an, 50 + i, B, birth(1950));
        kad(an, 300 + i, 50 + i, at(2026, 3, 3, 8, 0), at(2026, 3, 4, 8, 0), false);
    }
    a = val(an, 0, "2026-03");
    b = val(an, 1, "2026-03");
    ok(!a.suppressed[HB_AN_T_KAD] && !b.suppressed[HB_AN_T_KAD] && b.c[HB_AN_KAD_END] == 5,
       "five in each: both shown");
    hb_an_free(an);
}

static void test_readmission(void)
{
    subtest("readmissions within 30 days and emergency admissions 80+");
    struct hb_an *an = world();
    /* Patient 6: discharged home 5 March, emergency admission 20 March
     * (15 days: a readmission of the 5 March discharge), out 22 March,
     * emergency again 1 May (40 days: not a readmission). A transfer
     * between wards is neither an admission nor an index discharge. */
    hosp(an, 401, 6, at(2026, 3, 1, 10, 0), at(2026, 3, 5, 10, 0), true, false, true);
    hosp(an, 402, 6, at(2026, 3, 20, 10, 0), at(2026, 3, 21, 10, 0), true, false, false);
    hosp(an, 403, 6, at(2026, 3, 21, 10, 0), at(2026, 3, 22, 10, 0), false, true, true);
    hosp(an, 404, 6, at(2026, 5, 1, 10, 0), at(2026, 5, 3, 10, 0), true, false, true);
    /* Patient 1 (aged 85): discharged 30 April, emergency 30 May = 30 days:
     * a readmission counted in April; a second one in June is not. */
    hosp(an, 405, 1, at(2026, 4, 20, 10, 0), at(2026, 4, 30, 10, 0), false, false, true);
    hosp(an, 406, 1, at(2026, 5, 30, 10, 0), at(2026, 6, 2, 10, 0), true, false, false);
    hosp(an, 407, 1, at(2026, 6, 10, 10, 0), at(2026, 6, 12, 10, 0), true, false, true);
    struct hb_an_value mar = val(an, 0, "2026-03"), apr = val(an, 0, "2026-04"),
                       may = val(an, 0, "2026-05"), year = val(an, 0, "2026");
    ok(mar.c[HB_AN_H_ADM] == 2 && mar.c[HB_AN_H_EMERG] == 2, "March: two admissions, transfer not");
    ok(mar.c[HB_AN_H_INDEX] == 2 && mar.c[HB_AN_H_READMIT] == 1,
       "March: two index discharges (5 and 22), one readmitted");
    ok(apr.c[HB_AN_H_INDEX] == 1 && apr.c[HB_AN_H_READMIT] == 1,
       "April: the 30 April discharge readmitted on day 30");
    ok(may.c[HB_AN_H_READMIT] == 0 && may.c[HB_AN_H_INDEX] == 1, "May's discharge: not readmitted");
    ok(year.c[HB_AN_H_INDEX] == 5 && year.c[HB_AN_H_READMIT] == 2, "the year: 2 of 5");
    ok(year.c[HB_AN_H_EMERG80] == 2, "patient 1 aged 85: two emergency admissions 80+");
    struct hb_ind_result r = ind(an, 0, "2026", "readmit30");
    ok(r.suppressed, "two patients: the readmission share is suppressed");
    hb_an_free(an);
}

static void test_discharge_ready(void)
{
    subtest("discharge-ready days, NOK, answer time");
    struct hb_an *an = world();
    hb_an_set_rate(an, 2024, 5745);
    /* B pays 4 days from 10 April; answered after six hours. */
    struct hb_an_case c = {.id = 501,
                           .patient_id = 7,
                           .muni_id = B,
                           .notice = at(2026, 4, 10, 8, 0),
                           .answer = at(2026, 4, 10, 14, 0),
                           .first_day = hb_civil_days(2026, 4, 10),
                           .ndays = 4};
    hb_an_case(an, &c);
    struct hb_an_value apr = val(an, 1, "2026-04");
    ok(apr.c[HB_AN_DR_DAYS] == 4 && apr.c[HB_AN_DR_NOK] == 4 * 5745,
       "4 days at the 2024 rate (no 2026 rate yet): %lld", (long long)apr.c[HB_AN_DR_NOK]);
    ok(apr.c[HB_AN_DR_ANSWERED] == 1 && apr.c[HB_AN_DR_ANSWER_MIN] == 360, "answered in 6 h");
    /* The case changes: it now runs 28 April - 2 May (5 days across May). */
    c.first_day = hb_civil_days(2026, 4, 28);
    c.ndays = 5;
    hb_an_case(an, &c);
    apr = val(an, 1, "2026-04");
    struct hb_an_value may = val(an, 1, "2026-05");
    ok(apr.c[HB_AN_DR_DAYS] == 3 && may.c[HB_AN_DR_DAYS] == 2 && apr.c[HB_AN_DR_NOTICES] == 1,
       "replaced, not added: 3 days in April, 2 in May, one notice");
    struct hb_an_value y = val(an, 1, "2026");
    ok(y.c[HB_AN_DR_DAYS] == 5, "the year: 5 days");
    struct hb_ind_result r = ind(an, 1, "2026", "dr_days_per_1000");
    ok(r.suppressed, "one patient: suppressed");
    hb_an_free(an);
}

static void test_monitoring(void)
{
    subtest("monitoring: patient-months, alerts, median time to acknowledge");
    struct hb_an *an = world();
    hb_an_observed(an, 1, at(2026, 6, 1, 8, 0));
    hb_an_observed(an, 1, at(2026, 6, 15, 8, 0));
    hb_an_observed(an, 1, at(2026, 7, 1, 8, 0));
    hb_an_observed(an, 2, at(2026, 6, 3, 8, 0));
    hb_an_alert(an, 601, 1, at(2026, 6, 1, 10, 0), at(2026, 6, 1, 10, 12), false);
    hb_an_alert(an, 602, 2, at(2026, 6, 2, 10, 0), at(2026, 6, 2, 10, 20), true);
    hb_an_alert(an, 603, 3, at(2026, 6, 3, 10, 0), -1, false);
    hb_an_alert(an, 604, 4, at(2026, 6, 4, 10, 0), at(2026, 6, 4, 10, 4), false);
    struct hb_an_value jun = val(an, 0, "2026-06"), jul = val(an, 0, "2026-07");
    ok(jun.c[HB_AN_MON_PATIENTS] == 2 && jul.c[HB_AN_MON_PATIENTS] == 1,
       "patient 1 counts once in June and once in July");
    /* A measurement from May reported after July's: May counts too, once. */
    hb_an_observed(an, 1, at(2026, 5, 20, 8, 0));
    hb_an_observed(an, 1, at(2026, 5, 21, 8, 0));
    ok(val(an, 0, "2026-05").c[HB_AN_MON_PATIENTS] == 1 &&
           val(an, 0, "2026-07").c[HB_AN_MON_PATIENTS] == 1,
       "vital signs arriving late count in their own month, once");
    ok(jun.c[HB_AN_MON_ALERTS] == 4 && jun.c[HB_AN_MON_ACKED] == 3 &&
           jun.c[HB_AN_MON_ESCALATED] == 1,
       "four alerts, three acknowledged, one escalated");
    ok(near(jun.ack_median_min, 12), "median of 4, 12, 20 minutes is 12: %g", jun.ack_median_min);
    /* The open alert is acknowledged after 30 minutes; applying it twice
     * changes nothing more. */
    hb_an_alert(an, 603, 3, at(2026, 6, 3, 10, 0), at(2026, 6, 3, 10, 30), false);
    hb_an_alert(an, 603, 3, at(2026, 6, 3, 10, 0), at(2026, 6, 3, 10, 30), false);
    jun = val(an, 0, "2026-06");
    ok(jun.c[HB_AN_MON_ACKED] == 4 && near(jun.ack_median_min, 16),
       "median of 4, 12, 20, 30 is 16: %g", jun.ack_median_min);
    struct hb_an_value fs = val(an, 3, "2026-Q2");
    ok(near(fs.ack_median_min, 16) && fs.c[HB_AN_MON_ALERTS] == 4,
       "the helsefellesskap's quarter has the same alerts");
    struct hb_ind_result r = ind(an, 0, "2026-06", "mon_escalated_share");
    ok(r.suppressed, "four patients: suppressed");
    hb_an_free(an);
}

/* Every indicator the engine keeps, from one hand-built month: five patients
 * aged 85 in A (7,000 inhabitants, 1,000 aged 67+, 500 aged 80+, 2 KAD
 * beds), March 2026 (31 days). */
static void test_every_indicator(void)
{
    subtest("every engine indicator's value, worked out by hand");
    struct hb_an *an = hb_an_new();
    hb_an_add_fellesskap(an, F, "Testfellesskapet");
    hb_an_add_muni(an, A, "0001", "Aby", F);
    hb_an_add_population(an, A, 2026, 0, 6000);
    hb_an_add_population(an, A, 2026, 67, 500);
    hb_an_add_population(an, A, 2026, 80, 500);
    hb_an_add_kad_unit(an, A, 2, NULL, 0);
    hb_an_set_rate(an, 2026, 6000);
    static const int sy_days[5] = {4, 5, 6, 16, 3};
    for (int p = 1; p <= 5; p++) {
        hb_an_add_patient(an, p, A, birth(1940));
        /* KAD: 2 days from the p-th, home but for patient 5. */
        kad(an, 100 + p, p, at(2026, 3, p, 12, 0), at(2026, 3, p + 2, 12, 0), p != 5);
        /* Sykestue, ended 28 March. */
        struct hb_an_stay sy = {.id = 200 + p,
                                .patient_id = p,
                                .unit = HB_AN_SYKESTUE,
                                .start = at(2026, 3, 28, 10, 0) - sy_days[p - 1] * 1440,
                                .end = at(2026, 3, 28, 10, 0),
                                .home = true,
                                .index_end = true};
        hb_an_stay(an, &sy);
        /* Hospital: in 10-12 March, back as an emergency 20-22 March. */
        hosp(an, 300 + p, p, at(2026, 3, 10, 8, 0), at(2026, 3, 12, 8, 0), true, false, true);
        hosp(an, 400 + p, p, at(2026, 3, 20, 8, 0), at(2026, 3, 22, 8, 0), true, false, true);
        /* Discharge-ready from 5 March 08:00, answered at 20:00, 2 days paid. */
        int64_t nok[2] = {6000, 6000};
        struct hb_an_case c = {.id = 500 + p,
                               .patient_id = p,
                               .muni_id = A,
                               .notice = at(2026, 3, 5, 8, 0),
                               .answer = at(2026, 3, 5, 20, 0),
                               .first_day = hb_civil_days(2026, 3, 6),
                               .ndays = 2,
                               .day_nok = nok};
        hb_an_case(an, &c);
        /* Home monitoring: vital signs twice, two alerts acknowledged after
         * 2p and 2p + 10 minutes, the second of patients 1 and 2 escalated. */
        hb_an_observed(an, p, at(2026, 3, 3, 9, 0));
        hb_an_observed(an, p, at(2026, 3, 25, 9, 0));
        hb_an_alert(an, 600 + p, p, at(2026, 3, 3, 9, 0), at(2026, 3, 3, 9, 2 * p), false);
        hb_an_alert(an, 700 + p, p, at(2026, 3, 25, 9, 0), at(2026, 3, 25, 9, 2 * p + 10), p <= 2);
        /* A co-consultation: 100 km, 350 kr and 12 kg CO2 saved. */
        hb_an_consult(an, 800 + p, p, at(2026, 3, 15, 13, 0), 100, 35000, 12000);
    }
    static const struct {
        const char *code;
        double value;
        bool suppressed;
    } want[] = {
        {"kad_beds_per_7000", 2, false},                           /* 2 beds x 7,000 / 7,000 */
        {"kad_occupancy", 14400.0 * 100 / (2 * 31 * 1440), false}, /* 5 x 2 days of 2 x 31 */
        {"kad_los", 2, false},
        {"kad_home_share", 80, false},     /* 4 of 5 */
        {"kad_adm80_per_1000", 10, false}, /* 5 / 500 */
        {"sy_los", 34.0 / 5, false},       /* (4 + 5 + 6 + 16 + 3) / 5 */
        {"sy_over14", 1, true},            /* one patient: hidden */
        {"dr_days_per_1000", 10.0 * 1000 / 7000, false},
        {"dr_days_per_1000_67", 10, false}, /* 10 / 1,000 */
        {"dr_nok", 60000, false},           /* 10 days at 6,000 */
        {"dr_answer_days", 0.5, false},
        {"readmit30", 50, false},         /* 5 of 10 index discharges */
        {"emerg80_per_1000", 20, false},  /* 10 / 500 */
        {"mon_patient_months", 5, false}, /* twice in March: once each */
        {"mon_alerts_per_pm", 2, false},
        {"mon_ack_median", 11, false},      /* 2..10 and 12..20: (10 + 12) / 2 */
        {"mon_escalated_share", 20, false}, /* 2 of 10 */
        {"co_held", 5, false},
        {"co_km", 500, false},
        {"co_nok", 1750, false},
        {"co_co2_kg", 60, false},
    };
    int engine = 0;
    for (int i = 0; i < hb_nindicators; i++)
        engine += hb_indicators[i].origin == HB_SRC_ENGINE;
    ok(engine == (int)(sizeof(want) / sizeof(want[0])), "every engine indicator is below: %d",
       engine);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct hb_ind_result r = ind(an, 0, "2026-03", want[i].code);
        ok(r.has_value && r.suppressed == want[i].suppressed && near(r.value, want[i].value),
           "%s: %g (want %g%s)", want[i].code, r.value, want[i].value,
           want[i].suppressed ? ", hidden" : "");
    }
    struct hb_ind_result jan = ind(an, 0, "2026-01", "kad_los");
    ok(!jan.has_value && !jan.suppressed, "January: nothing to divide by, nothing hidden");
    hb_an_free(an);
}

static void test_use_by_age(void)
{
    subtest("today's use by kind of unit and age band, for the projections");
    struct hb_an *an = world();
    hb_an_set_now(an, at(2026, 3, 1, 0, 0));
    /* Patient 1 (85) in hospital 31 January 12:00 - 2 February 12:00, then in
     * KAD from 20 February, still there; patient 2 (50) in sykestue 10-15 February. */
    hosp(an, 1, 1, at(2026, 1, 31, 12, 0), at(2026, 2, 2, 12, 0), true, false, true);
    kad(an, 2, 1, at(2026, 2, 20, 0, 0), -1, false);
    struct hb_an_stay sy = {.id = 3,
                            .patient_id = 2,
                            .unit = HB_AN_SYKESTUE,
                            .start = at(2026, 2, 10, 0, 0),
                            .end = at(2026, 2, 15, 0, 0)};
    hb_an_stay(an, &sy);
    double d[3][6];
    int n[3];
    hb_an_use_by_age(an, 0, 2026 * 12 + 1, 1, d, n);
    ok(near(d[0][4], 1.5) && near(d[1][4], 9) && near(d[2][2], 5) && n[0] == 1 && n[1] == 1 &&
           n[2] == 1,
       "February: 1.5 hospital days at 80-89, 9 KAD days open to now, 5 sykestue days at 50-66");
    double all = 0;
    for (int k = 0; k < 3; k++)
        for (int b = 0; b < 6; b++)
            all += d[k][b];
    ok(near(all, 15.5), "nothing else: %g", all);
    hb_an_use_by_age(an, 0, 2026 * 12, 2, d, n);
    ok(near(d[0][4], 2), "January and February: the whole hospital stay");
    /* The KAD stay ends 2 March: February keeps its 9 days. */
    kad(an, 2, 1, at(2026, 2, 20, 0, 0), at(2026, 3, 2, 0, 0), true);
    hb_an_use_by_age(an, 0, 2026 * 12 + 1, 1, d, n);
    ok(near(d[1][4], 9), "February after the end: %g", d[1][4]);
    hb_an_use_by_age(an, 0, 2026 * 12 + 2, 1, d, n);
    ok(near(d[1][4], 1) && n[1] == 1 && n[0] == 0, "March: one KAD day, no hospital patient");
    hb_an_free(an);
}

static void test_shared_kad(void)
{
    subtest("a shared KAD counts for each municipality it serves by its inhabitants");
    struct hb_an *an = world();
    /* 7 beds serving A (7,000) and B (14,000): 7 x 7,000 / 21,000 = 2 1/3 for
     * A, 4 2/3 for B; with A's own 2 beds A has 4 1/3; C has none. */
    const int64_t served[] = {A, B, 999};
    hb_an_add_kad_unit(an, B, 7, served, 3);
    struct hb_an_value a = val(an, 0, "2026"), b = val(an, 1, "2026"), c = val(an, 2, "2026"),
                       fs = val(an, 3, "2026");
    ok(near(a.kad_beds, 2 + 7.0 / 3) && near(b.kad_beds, 14.0 / 3) && near(c.kad_beds, 0),
       "A %g, B %g, C %g beds", a.kad_beds, b.kad_beds, c.kad_beds);
    ok(near(fs.kad_beds, 9), "the helsefellesskap has all 9 beds: %g", fs.kad_beds);
    struct hb_ind_result r = ind(an, 1, "2026", "kad_beds_per_7000");
    ok(near(r.value, 14.0 / 3 * 7000 / 14000) && r.status == HB_STATUS_GREEN,
       "B: 2 1/3 beds per 7,000, within the norm: %g", r.value);
    /* B grows to 28,000 by 2030: its share grows with it (7 x 28/35). */
    hb_an_add_population(an, A, 2030, 0, 7000);
    hb_an_add_population(an, B, 2030, 0, 28000);
    hb_an_add_population(an, C, 2030, 0, 3500);
    b = val(an, 1, "2030");
    ok(near(b.kad_beds, 7.0 * 28 / 35), "B in 2030: %g", b.kad_beds);
    hb_an_free(an);
}

static void test_open_and_consult(void)
{
    subtest("open stays count up to now; co-consultations count once");
    struct hb_an *an = world();
    hb_an_set_now(an, at(2026, 11, 2, 0, 0));
    hosp(an, 701, 9, at(2026, 10, 30, 0, 0), -1, true, false, false);
    ok(val(an, 2, "2026-10").c[HB_AN_H_BED_MIN] == 2 * 1440 &&
           val(an, 2, "2026-11").c[HB_AN_H_BED_MIN] == 1440,
       "open since 30 October: 2 days in October, 1 in November");
    hb_an_set_now(an, at(2026, 11, 3, 0, 0));
    ok(val(an, 2, "2026-11").c[HB_AN_H_BED_MIN] == 2 * 1440, "a day later: 2 in November");
    hosp(an, 701, 9, at(2026, 10, 30, 0, 0), at(2026, 11, 2, 12, 0), true, false, true);
    struct hb_an_value nov = val(an, 2, "2026-11");
    ok(nov.c[HB_AN_H_BED_MIN] == 36 * 60 && nov.c[HB_AN_H_INDEX] == 1 && nov.c[HB_AN_H_ADM] == 0,
       "ended 2 November 12:00: 1.5 days in November, one discharge, admission in October");
    ok(val(an, 2, "2026-10").c[HB_AN_H_ADM] == 1, "admitted in October");
    hb_an_consult(an, 801, 8, at(2026, 9, 10, 9, 0), 80, 28000, 9600);
    hb_an_consult(an, 801, 8, at(2026, 9, 10, 9, 0), 80, 28000, 9600);
    struct hb_an_value sep = val(an, 1, "2026-09");
    ok(sep.c[HB_AN_CO_HELD] == 1 && sep.c[HB_AN_CO_KM] == 80 && sep.c[HB_AN_CO_CO2_G] == 9600,
       "one co-consultation, 80 km, 9.6 kg CO2");
    hb_an_free(an);
}

/* Many municipalities, the first stay in the first one, then one in each:
 * every municipality keeps its own cell (a layout sized by the first stay
 * would overlap them). */
static void test_many_munis(void)
{
    subtest("300 municipalities, months added on both sides");
    struct hb_an *an = hb_an_new();
    hb_an_add_fellesskap(an, 1, "F");
    for (int i = 0; i < 300; i++) {
        char nr[8];
        snprintf(nr, sizeof(nr), "%04d", (1000 + i) % 10000);
        hb_an_add_muni(an, 100 + i, nr, nr, 1);
        hb_an_add_patient(an, 5000 + i, 100 + i, birth(1950));
    }
    for (int i = 0; i < 300; i++)
        kad(an, 9000 + i, 5000 + i, at(2026, 3 + i % 2 * 4, 1, 0, 0),
            at(2026, 3 + i % 2 * 4, 1, 0, 0) + (i + 1) * 60, true);
    kad(an, 9999, 5000, at(2020, 1, 1, 0, 0), at(2020, 1, 2, 0, 0), true); /* an earlier month */
    bool good = true;
    for (int i = 0; i < 300; i++) {
        struct hb_an_value v = val(an, i, "2026");
        good = good && v.c[HB_AN_KAD_END] == 1 && v.c[HB_AN_KAD_LOS_MIN] == (i + 1) * 60;
    }
    ok(good, "each municipality's stay in its own cell");
    ok(val(an, 0, "2020").c[HB_AN_KAD_END] == 1, "and the month added before the first");
    hb_an_free(an);
}

static void test_imap(void)
{
    subtest("id map with deletion");
    struct an_imap m = {0};
    for (int64_t i = 1; i <= 5000; i++)
        hb__imap_put(&m, i * 7919, (int32_t)i);
    for (int64_t i = 1; i <= 5000; i += 2)
        hb__imap_del(&m, i * 7919);
    bool good = m.n == 2500;
    for (int64_t i = 1; i <= 5000; i++)
        good = good && hb__imap_get(&m, i * 7919) == (i % 2 ? -1 : (int32_t)i);
    ok(good, "half deleted, the other half still found");
    hb__imap_free(&m);
}

/* The projection on a case worked by hand: hospital use 1 bed-day a year per
 * inhabitant aged 67-79 and 2 per inhabitant 80-89; 100 and 50 of them in
 * 2026, 110 and 60 in 2030; healthier ageing 2 years by 2030, efficiency 1 %
 * a year, 80 % occupancy.
 * 2026: 100 x 1 + 50 x 2 = 200 bed-days; 200 / (365 x 0.8) = 0.6849 beds.
 * 2030: shift 2 years: 2/13 of 67-79 use like 50-66 (0), 2/10 of 80-89 like
 * 67-79: rates 11/13 and 1.8; (110 x 11/13 + 60 x 1.8) x 0.99^4
 * = 201.0769 x 0.96059601 = 193.1536 bed-days. */
static void test_projection(void)
{
    subtest("projection arithmetic");
    struct hb_proj_input in = {0};
    in.rate[0][3] = 1;
    in.rate[0][4] = 2;
    in.rate[1][4] = 0.5;
    for (int t = 0; t <= 4; t++) {
        in.pop[t][3] = 100 + 2.5 * t;
        in.pop[t][4] = 50 + 2.5 * t;
    }
    struct hb_proj_assume a = {.shift_years = 2,
                               .efficiency_pct = 1,
                               .collaboration_pct = 0,
                               .occupancy_pct = 80,
                               .base_year = 2026,
                               .to_year = 2030};
    struct hb_proj_year y[5];
    hb_projection(&in, &a, y);
    ok(y[0].year == 2026 && near(y[0].bed_days[0], 200), "2026: 200 bed-days");
    ok(fabs(y[0].beds[0] - 200 / (365 * 0.8)) < 1e-9, "2026: 0.6849 beds");
    double expect = (110 * 11.0 / 13 + 60 * 1.8) * pow(0.99, 4);
    ok(y[4].year == 2030 && fabs(y[4].bed_days[0] - expect) < 1e-9 &&
           fabs(y[4].bed_days[0] - 193.1536) < 1e-4,
       "2030: 193.1536 bed-days: %.4f", y[4].bed_days[0]);
    ok(fabs(y[4].beds[0] - expect / 292) < 1e-9, "2030 beds at 80 %%");
    /* KAD: only 80-89 uses it (0.5); the shift moves 2/10 of them to the
     * 67-79 rate (0): 60 x 0.4 x 0.99^4. */
    ok(fabs(y[4].bed_days[1] - 60 * 0.4 * pow(0.99, 4)) < 1e-9, "KAD with the shift");
    /* Collaboration compounds like efficiency. */
    a.collaboration_pct = 2;
    hb_projection(&in, &a, y);
    ok(fabs(y[4].bed_days[0] - expect * pow(0.98, 4)) < 1e-9, "collaboration 2 %% a year");
    /* Without adjustments the projection follows the population alone. */
    a = (struct hb_proj_assume){.occupancy_pct = 100, .base_year = 2026, .to_year = 2030};
    hb_projection(&in, &a, y);
    ok(near(y[4].bed_days[0], 110 + 60 * 2), "no assumptions: 230 bed-days in 2030");
}

static void test_risk(void)
{
    subtest("risk score: each factor's points and its cap");
    struct hb_risk r;
    struct hb_risk_facts f = {.admissions = 3,
                              .emergency = 2,
                              .bed_days = 14.9,
                              .discharge_ready = 1,
                              .priority_group = true,
                              .age = 79,
                              .alerts = 2};
    hb_risk_score(&f, &r);
    ok(r.part[HB_RISK_ADMISSIONS] == 6 && r.part[HB_RISK_EMERGENCY] == 2 &&
           r.part[HB_RISK_BED_DAYS] == 2 && r.part[HB_RISK_DISCHARGE_READY] == 2 &&
           r.part[HB_RISK_PRIORITY] == 3 && r.part[HB_RISK_AGE] == 2 && r.part[HB_RISK_ALERTS] == 2,
       "3 admissions 6, 2 emergency 2, 14.9 days 2, 1 discharge-ready 2, group 3, 79 years 2, "
       "2 alerts 2");
    ok(r.total == 19, "total 19: %d", r.total);
    f = (struct hb_risk_facts){.admissions = 9,
                               .emergency = 9,
                               .bed_days = 99.9,
                               .discharge_ready = 5,
                               .age = 80,
                               .alerts = 10};
    hb_risk_score(&f, &r);
    ok(r.part[HB_RISK_BED_DAYS] == 19, "99.9 days: 19 whole fives");
    f.bed_days = 250;
    hb_risk_score(&f, &r);
    ok(r.part[HB_RISK_ADMISSIONS] == 10 && r.part[HB_RISK_EMERGENCY] == 5 &&
           r.part[HB_RISK_BED_DAYS] == 20 && r.part[HB_RISK_DISCHARGE_READY] == 4 &&
           r.part[HB_RISK_PRIORITY] == 0 && r.part[HB_RISK_AGE] == 3 && r.part[HB_RISK_ALERTS] == 4,
       "every factor capped (bed-days at 100 days); 80 years 3");
    ok(r.total == 46, "the highest possible without a group: %d", r.total);
    f = (struct hb_risk_facts){.age = 66};
    hb_risk_score(&f, &r);
    ok(r.total == 0, "66 and nothing else: 0");
}

int main(void)
{
    test_risk();
    test_projection();
    test_periods();
    test_kad();
    test_complement();
    test_readmission();
    test_discharge_ready();
    test_monitoring();
    test_every_indicator();
    test_use_by_age();
    test_shared_kad();
    test_open_and_consult();
    test_many_munis();
    test_imap();
    return done();
}
