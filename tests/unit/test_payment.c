/* The payment-day rule for discharge-ready patients, over its edge cases. */
#include <string.h>

#include "discharge/payment.h"
#include "core/core.h"
#include "harness.h"

/* UTC microseconds of a Norwegian local time "YYYY-MM-DD HH:MM" (winter +1, summer +2). */
static int64_t at(const char *date, int hour, int minute, int utc_offset_hours)
{
    int64_t d = 0;
    hb_date_days(date, &d);
    return ((d * 86400) + (hour - utc_offset_hours) * 3600 + minute * 60) * 1000000LL;
}

static int64_t day(const char *date)
{
    int64_t d = 0;
    hb_date_days(date, &d);
    return d;
}

static int days(const struct hb_dr_event *ev, int n, const char *today, char *from, char *to)
{
    int64_t f, e;
    int count = hb_dr_paid_days(ev, n, day(today), &f, &e);
    hb_days_date(f, from, 11);
    hb_days_date(e, to, 11);
    return count;
}

int main(void)
{
    char f[11], t[11];
    subtest("declared and answered the same day");
    {
        struct hb_dr_event ev[] = {
            {HB_DR_READY, at("2026-02-10", 9, 0, 1), 0},
            {HB_DR_RECEIVE, at("2026-02-10", 14, 0, 1), day("2026-02-10")},
        };
        ok(days(ev, 2, "2026-02-20", f, t) == 0, "receive the same day: nothing to pay");
    }
    subtest("never answered: accrues to today");
    {
        struct hb_dr_event ev[] = {{HB_DR_READY, at("2026-02-10", 9, 0, 1), 0}};
        ok(days(ev, 1, "2026-02-12", f, t) == 3, "10th, 11th, 12th (%s..%s)", f, t);
        ok(strcmp(f, "2026-02-10") == 0, "from the notice day");
    }
    subtest("answered: pays up to the day offered");
    {
        struct hb_dr_event ev[] = {
            {HB_DR_READY, at("2026-02-10", 9, 0, 1), 0},
            {HB_DR_CANNOT, at("2026-02-10", 15, 0, 1), day("2026-02-14")},
            {HB_DR_RECEIVE, at("2026-02-12", 10, 0, 1), day("2026-02-15")},
            {HB_DR_DISCHARGED, at("2026-02-15", 11, 0, 1), 0},
        };
        ok(days(ev, 4, "2026-03-01", f, t) == 5, "10th-14th: 5 days");
        ok(strcmp(t, "2026-02-15") == 0, "up to the offered day %s", t);
    }
    subtest("the answer revised: the latest counts");
    {
        struct hb_dr_event ev[] = {
            {HB_DR_READY, at("2026-03-02", 8, 0, 1), 0},
            {HB_DR_RECEIVE, at("2026-03-02", 12, 0, 1), day("2026-03-04")},
            {HB_DR_CANNOT, at("2026-03-03", 12, 0, 1), day("2026-03-09")},
            {HB_DR_RECEIVE, at("2026-03-06", 12, 0, 1), day("2026-03-08")},
        };
        ok(days(ev, 4, "2026-03-20", f, t) == 6, "2nd-7th once the offer of the 4th was withdrawn");
        ok(days(ev, 2, "2026-03-20", f, t) == 2, "only the first offer: 2nd and 3rd");
        ok(days(ev, 3, "2026-03-05", f, t) == 4, "withdrawn and no new offer yet: to today");
    }
    subtest("readmitted for a new illness, cancelled");
    {
        struct hb_dr_event ev[] = {
            {HB_DR_READY, at("2026-04-01", 10, 0, 2), 0},
            {HB_DR_READMITTED, at("2026-04-04", 3, 0, 2), 0},
        };
        ok(days(ev, 2, "2026-04-30", f, t) == 3, "1st-3rd paid, not from the 4th");
        struct hb_dr_event c[] = {
            {HB_DR_READY, at("2026-04-01", 10, 0, 2), 0},
            {HB_DR_CANCELLED, at("2026-04-01", 16, 0, 2), 0},
        };
        ok(days(c, 2, "2026-04-30", f, t) == 0, "cancelled the same day: nothing");
    }
    subtest("across a year boundary");
    {
        struct hb_dr_event ev[] = {
            {HB_DR_READY, at("2025-12-30", 13, 0, 1), 0},
            {HB_DR_RECEIVE, at("2025-12-31", 9, 0, 1), day("2026-01-03")},
        };
        ok(days(ev, 2, "2026-02-01", f, t) == 4, "30th, 31st, 1st, 2nd");
        ok(strcmp(f, "2025-12-30") == 0 && strcmp(t, "2026-01-03") == 0, "%s..%s", f, t);
    }
    subtest("daylight saving time: local calendar days");
    {
        /* Notified at 00:30 local on 29 March 2026, the night summer time starts (22:30 UTC
         * the 28th): the local day is the 29th, not the 28th. */
        struct hb_dr_event ev[] = {{HB_DR_READY, at("2026-03-29", 0, 30, 1), 0}};
        ok(days(ev, 1, "2026-03-30", f, t) == 2, "29th and 30th (%s..%s)", f, t);
        ok(strcmp(f, "2026-03-29") == 0, "the local day");
        /* 23:30 local on 24 October (summer, 21:30 UTC) is still the 24th. */
        struct hb_dr_event ev2[] = {
            {HB_DR_READY, at("2026-10-24", 23, 30, 2), 0},
            {HB_DR_RECEIVE, at("2026-10-25", 10, 0, 1), day("2026-10-26")},
        };
        ok(days(ev2, 2, "2026-11-01", f, t) == 2, "24th and 25th, the 25-hour day counts once");
    }
    subtest("no notice, an offer before the notice day");
    {
        struct hb_dr_event ev[] = {{HB_DR_ADMITTED, at("2026-05-01", 9, 0, 2), 0}};
        ok(days(ev, 1, "2026-05-20", f, t) == 0, "admission notice alone owes nothing");
        struct hb_dr_event ev2[] = {
            {HB_DR_READY, at("2026-05-10", 9, 0, 2), 0},
            {HB_DR_RECEIVE, at("2026-05-10", 10, 0, 2), day("2026-05-08")},
        };
        ok(days(ev2, 2, "2026-05-20", f, t) == 0, "an offer dated before the notice");
    }
    subtest("amounts at each year's rate");
    {
        static const struct hb_dr_rate rates[] = {{2023, 5508}, {2024, 5745}};
        bool prov = true;
        ok(hb_dr_amount(day("2023-12-30"), day("2024-01-03"), rates, 2, &prov) ==
               2 * 5508 + 2 * 5745,
           "two days at 2023's rate, two at 2024's");
        ok(!prov, "both rates known");
        ok(hb_dr_amount(day("2025-06-01"), day("2025-06-04"), rates, 2, &prov) == 3 * 5745 && prov,
           "2025 has no rate here: 2024's, marked provisional");
        ok(hb_dr_amount(day("2024-05-01"), day("2024-05-01"), rates, 2, &prov) == 0,
           "no days, no amount");
    }
    subtest("dates");
    int64_t d;
    ok(hb_date_days("2026-02-29", &d) == HB_INVALID, "29 February 2026 does not exist");
    ok(hb_date_days("2024-02-29", &d) == 0, "2024 was a leap year");
    char back[11];
    hb_days_date(day("2000-03-01"), back, sizeof(back));
    ok(strcmp(back, "2000-03-01") == 0, "round trip %s", back);
    hb_local_date(at("2026-07-01", 23, 59, 2), back, sizeof(back));
    ok(strcmp(back, "2026-07-01") == 0, "local date in summer %s", back);
    return done();
}
