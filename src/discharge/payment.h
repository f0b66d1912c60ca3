/* discharge: the payment-day rule for discharge-ready patients, as a pure
 * function over a case's events (no database, no clock of its own). */
#ifndef HB_DISCHARGE_PAYMENT_H
#define HB_DISCHARGE_PAYMENT_H

#include <stdbool.h>
#include <stdint.h>

enum hb_dr_kind {
    HB_DR_ADMITTED,   /* Melding om innlagt pasient */
    HB_DR_READY,      /* Melding om utskrivningsklar pasient (declared and notified) */
    HB_DR_RECEIVE,    /* the municipality: we receive the patient on `date` */
    HB_DR_CANNOT,     /* the municipality: we cannot yet (expected `date`, optional) */
    HB_DR_CANCELLED,  /* Avmelding av utskrivningsklar pasient */
    HB_DR_READMITTED, /* readmitted for a new illness: no longer discharge-ready */
    HB_DR_DISCHARGED, /* Melding om utskrevet pasient */
};

struct hb_dr_event {
    enum hb_dr_kind kind;
    int64_t at;   /* when it was sent, UTC microseconds */
    int64_t date; /* RECEIVE: the day offered; CANNOT: expected day or 0 (day numbers) */
};

/* The days the municipality pays for, as a half-open range of local calendar
 * days [*first, *end) (day numbers from hb_date_days). Events must be in the
 * order they happened.
 *
 * The rule: payment runs from the day the patient was declared discharge-ready
 * and the municipality notified (the READY event's local date), for each day
 * while the municipality has said it cannot receive the patient or has not
 * answered, up to (not including) the day it says it receives the patient
 * (the latest answer counts: a later CANNOT withdraws an earlier offer, a later
 * RECEIVE replaces it). It stops on the day of a cancellation, a readmission
 * for new illness or discharge (days before are still paid), and an open case
 * accrues up to and including `today`. Returns the number of days (0 when no
 * READY event or nothing is owed). */
int hb_dr_paid_days(const struct hb_dr_event *ev, int n, int64_t today, int64_t *first,
                    int64_t *end);

/* The day rate of a year (NOK per day, Helsedirektoratet). */
struct hb_dr_rate {
    int year, nok;
};

/* The amount in NOK for the days [first, end), each at the rate of its year.
 * rates must be sorted by year. A year without a rate uses the latest earlier
 * one and sets *provisional (may be NULL); days before the first rate cost 0
 * and set it too. */
int64_t hb_dr_amount(int64_t first, int64_t end, const struct hb_dr_rate *rates, int nrates,
                     bool *provisional);

/* The time of the notice (the first READY event) and of the municipality's
 * first answer after it (RECEIVE or CANNOT); -1 for what has not happened. */
void hb_dr_notice_answer(const struct hb_dr_event *ev, int n, int64_t *notice, int64_t *answer);

#endif
