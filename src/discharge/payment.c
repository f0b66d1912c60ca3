/* discharge: the payment-day rule. */
#include "payment.h"

#include "../core/core.h"
#include "../core/banned.h"

int hb_dr_paid_days(const struct hb_dr_event *ev, int n, int64_t today, int64_t *first,
                    int64_t *end)
{
    int64_t start = 0, stop = today + 1, offer = 0;
    bool ready = false, offered = false;
    for (int i = 0; i < n; i++) {
        switch (ev[i].kind) {
        case HB_DR_READY:
            if (!ready) {
                ready = true;
                start = hb_local_day(ev[i].at);
            }
            break;
        case HB_DR_RECEIVE:
            offered = true;
            offer = ev[i].date;
            break;
        case HB_DR_CANNOT:
            offered = false;
            break;
        case HB_DR_CANCELLED:
        case HB_DR_READMITTED:
        case HB_DR_DISCHARGED: {
            int64_t d = hb_local_day(ev[i].at);
            if (d < stop)
                stop = d;
            break;
        }
        case HB_DR_ADMITTED:
            break;
        }
    }
    if (offered && offer < stop)
        stop = offer;
    *first = start;
    *end = ready && stop > start ? stop : start;
    return (int)(*end - *first);
}

int64_t hb_dr_amount(int64_t first, int64_t end, const struct hb_dr_rate *rates, int nrates,
                     bool *provisional)
{
    int64_t total = 0;
    bool guess = false;
    char date[16];
    for (int64_t d = first; d < end; d++) {
        hb_days_date(d, date, sizeof(date));
        int64_t year = 0;
        hb_parse_i64(date, 4, 1900, 2200, &year);
        int nok = 0, best = -1;
        for (int i = 0; i < nrates; i++)
            if (rates[i].year <= year)
                best = i;
        if (best < 0 || rates[best].year != year)
            guess = true;
        if (best >= 0)
            nok = rates[best].nok;
        total += nok;
    }
    if (provisional)
        *provisional = guess;
    return total;
}

void hb_dr_notice_answer(const struct hb_dr_event *ev, int n, int64_t *notice, int64_t *answer)
{
    *notice = *answer = -1;
    for (int i = 0; i < n; i++) {
        if (ev[i].kind == HB_DR_READY && *notice < 0)
            *notice = ev[i].at;
        else if ((ev[i].kind == HB_DR_RECEIVE || ev[i].kind == HB_DR_CANNOT) && *notice >= 0 &&
                 *answer < 0)
            *answer = ev[i].at;
    }
}
