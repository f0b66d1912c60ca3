/* analytics: the engine. Facts add to (municipality, month) cells of counters
 * and small patient sets; nothing here knows the database. */
#include "an_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"

#include "../core/banned.h"

/* ---- id -> index maps: open addressing, 0 is the empty key ---- */
static void imap_grow(struct an_imap *m);

static size_t imap_slot(const struct an_imap *m, int64_t key)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 20) & (m->cap - 1);
}

int32_t hb__imap_get(const struct an_imap *m, int64_t key)
{
    if (!m->cap)
        return -1;
    for (size_t i = imap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->vals[i];
        if (m->keys[i] == 0)
            return -1;
    }
}

void hb__imap_put(struct an_imap *m, int64_t key, int32_t val)
{
    if ((m->n + 1) * 4 >= m->cap * 3)
        imap_grow(m);
    size_t i = imap_slot(m, key);
    while (m->keys[i] != 0 && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == 0)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* Removes key with backward-shift deletion (no tombstones). */
void hb__imap_del(struct an_imap *m, int64_t key)
{
    if (!m->cap)
        return;
    size_t i = imap_slot(m, key);
    while (m->keys[i] != key) {
        if (m->keys[i] == 0)
            return;
        i = (i + 1) & (m->cap - 1);
    }
    m->n--;
    for (size_t j = (i + 1) & (m->cap - 1); m->keys[j] != 0; j = (j + 1) & (m->cap - 1)) {
        size_t home = imap_slot(m, m->keys[j]);
        /* j's entry may move to the hole at i when its home is not in (i, j]. */
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = 0;
}

static void imap_grow(struct an_imap *m)
{
    struct an_imap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->keys = hb_xcalloc(m->cap, sizeof(*m->keys));
    m->vals = hb_xcalloc(m->cap, sizeof(*m->vals));
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i])
            hb__imap_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

void hb__imap_free(struct an_imap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* ---- calendar ---- */
int hb__an_month(int64_t minute)
{
    int64_t day = minute >= 0 ? minute / 1440 : -((-minute + 1439) / 1440);
    int y, m, d;
    hb_days_civil(day, &y, &m, &d);
    return y * 12 + m - 1;
}

int64_t hb__an_month_start(int month)
{
    return hb_civil_days(month / 12, month % 12 + 1, 1) * 1440;
}

/* ---- engine ---- */
struct hb_an *hb_an_new(void)
{
    struct hb_an *an = hb_xcalloc(1, sizeof(*an));
    an->now = -1;
    return an;
}

void hb_an_free(struct hb_an *an)
{
    if (!an)
        return;
    for (int i = 0; i < an->nmuni; i++)
        free(an->muni[i].name);
    for (int i = 0; i < an->nfs; i++)
        free(an->fs[i].name);
    for (int i = 0; i < an->nkads; i++)
        free(an->kads[i].served);
    free(an->kads);
    free(an->muni);
    free(an->fs);
    free(an->cells);
    free(an->use);
    free(an->patients);
    free(an->open);
    free(an->cases);
    free(an->alerts);
    free(an->applied);
    hb__imap_free(&an->patient_ix);
    hb__imap_free(&an->open_ix);
    hb__imap_free(&an->case_ix);
    hb__imap_free(&an->alert_ix);
    hb__imap_free(&an->consult_ix);
    hb__imap_free(&an->applied_ix);
    hb__imap_free(&an->observed);
    hb__imap_free(&an->units);
    hb_an_plans_free(an->plans);
    free(an);
}

uint64_t hb_an_generation(const struct hb_an *an)
{
    return an->generation;
}

int hb_an_add_fellesskap(struct hb_an *an, int64_t id, const char *name)
{
    for (int i = 0; i < an->nfs; i++)
        if (an->fs[i].id == id)
            return i;
    an->fs = hb_xrealloc(an->fs, (size_t)(an->nfs + 1) * sizeof(*an->fs));
    an->fs[an->nfs] = (struct an_fs){.id = id, .name = hb_xstrdup(name)};
    return an->nfs++;
}

int hb_an_muni_index(const struct hb_an *an, int64_t id)
{
    for (int i = 0; i < an->nmuni; i++)
        if (an->muni[i].id == id)
            return i;
    return -1;
}

/* Makes room for municipality index `need` and month `month` in the cells
 * (layout: month-major, muni_cap cells a month). */
static void cells_reserve(struct hb_an *an, int need_muni, int month)
{
    int cap = an->muni_cap, first = an->month0, count = an->nmonths;
    if (need_muni < an->nmuni - 1)
        need_muni = an->nmuni - 1; /* every municipality has its cell in a month */
    if (need_muni >= cap)
        cap = need_muni < 64 ? 64 : need_muni * 2;
    if (count == 0) {
        first = month;
        count = 1;
    }
    if (month < first) {
        count += first - month;
        first = month;
    } else if (month >= first + count) {
        count = month - first + 1;
    }
    if (cap == an->muni_cap && first == an->month0 && count <= an->month_cap) {
        an->nmonths = count; /* the cells past the old end are zero already */
        return;
    }
    int mcap = count > an->month_cap ? count + 24 : an->month_cap;
    if (first != an->month0 && an->nmonths)
        mcap = count + 24;
    struct an_cell *cells = hb_xcalloc((size_t)mcap * (size_t)cap, sizeof(*cells));
    struct an_use *use = hb_xcalloc((size_t)mcap * (size_t)cap, sizeof(*use));
    for (int mo = 0; mo < an->nmonths; mo++)
        for (int u = 0; u < an->nmuni; u++) {
            size_t to = (size_t)(mo + an->month0 - first) * (size_t)cap + (size_t)u,
                   from = (size_t)mo * (size_t)an->muni_cap + (size_t)u;
            cells[to] = an->cells[from];
            use[to] = an->use[from];
        }
    free(an->cells);
    free(an->use);
    an->cells = cells;
    an->use = use;
    an->muni_cap = cap;
    an->month_cap = mcap;
    an->month0 = first;
    an->nmonths = count;
}

int hb_an_add_muni(struct hb_an *an, int64_t id, const char *nr, const char *name,
                   int64_t fellesskap_id)
{
    int i = hb_an_muni_index(an, id);
    if (i >= 0)
        return i;
    int fs = -1;
    for (int k = 0; k < an->nfs; k++)
        if (an->fs[k].id == fellesskap_id)
            fs = k;
    if (fs < 0)
        fs = hb_an_add_fellesskap(an, fellesskap_id, "Uten helsefellesskap");
    if (an->nmonths)
        cells_reserve(an, an->nmuni, an->month0);
    an->muni = hb_xrealloc(an->muni, (size_t)(an->nmuni + 1) * sizeof(*an->muni));
    struct an_muni *m = &an->muni[an->nmuni];
    memset(m, 0, sizeof(*m));
    m->id = id;
    snprintf(m->nr, sizeof(m->nr), "%s", nr ? nr : "");
    m->name = hb_xstrdup(name);
    m->fs = fs;
    an->generation++;
    return an->nmuni++;
}

void hb_an_add_population(struct hb_an *an, int64_t muni_id, int year, int age_lo, int64_t n)
{
    int i = hb_an_muni_index(an, muni_id);
    if (i < 0 || year < AN_YEAR0 || year >= AN_YEAR0 + AN_NYEARS)
        return;
    int64_t *p = an->muni[i].pop[year - AN_YEAR0];
    p[0] += n;
    if (age_lo >= 67)
        p[1] += n;
    if (age_lo >= 80)
        p[2] += n;
    an->generation++;
}

void hb_an_add_kad_unit(struct hb_an *an, int64_t owner_id, int beds, const int64_t *served_ids,
                        int n)
{
    an->kads = hb_xrealloc(an->kads, (size_t)(an->nkads + 1) * sizeof(*an->kads));
    struct an_kad *k = &an->kads[an->nkads++];
    *k = (struct an_kad){.owner = hb_an_muni_index(an, owner_id), .beds = beds};
    k->served = n > 0 ? hb_xmalloc(sizeof(int) * (size_t)n) : NULL;
    for (int i = 0; i < n; i++) {
        int m = hb_an_muni_index(an, served_ids[i]);
        if (m >= 0)
            k->served[k->nserved++] = m;
    }
    an->generation++;
}

void hb_an_add_patient(struct hb_an *an, int64_t id, int64_t muni_id, int32_t birth_day)
{
    int32_t k = hb__imap_get(&an->patient_ix, id);
    if (k < 0) {
        if (an->npatients == an->patient_cap) {
            an->patient_cap = an->patient_cap ? an->patient_cap * 2 : 1024;
            an->patients =
                hb_xrealloc(an->patients, (size_t)an->patient_cap * sizeof(*an->patients));
        }
        k = an->npatients++;
        an->patients[k] = (struct an_patient){.last_index_end = -1};
        hb__imap_put(&an->patient_ix, id, k);
    }
    an->patients[k].muni = (int16_t)hb_an_muni_index(an, muni_id);
    an->patients[k].birth_day = birth_day;
}

/* The cell of a patient's municipality in the month of `minute`, or NULL when
 * the patient or their municipality is unknown. */
static struct an_cell *cell_of(struct hb_an *an, int muni, int month)
{
    if (muni < 0)
        return NULL;
    if (!an->nmonths || month < an->month0 || month >= an->month0 + an->nmonths ||
        an->muni_cap <= muni)
        cells_reserve(an, muni, month);
    return &an->cells[(size_t)(month - an->month0) * (size_t)an->muni_cap + (size_t)muni];
}

static void track(struct an_cell *c, int t, int32_t patient)
{
    uint8_t n = c->tn[t];
    if (n >= HB_AN_MIN_PATIENTS)
        return;
    for (uint8_t i = 0; i < n; i++)
        if (c->t[t][i] == patient)
            return;
    c->t[t][n] = patient;
    c->tn[t] = (uint8_t)(n + 1);
}

static void add(struct hb_an *an, int muni, int64_t minute, int counter, int64_t v, int t,
                int32_t patient)
{
    struct an_cell *c = cell_of(an, muni, hb__an_month(minute));
    if (!c)
        return;
    c->c[counter] += v;
    if (t >= 0 && v > 0)
        track(c, t, patient);
}

static int age_at(const struct an_patient *p, int64_t minute)
{
    int64_t days = minute / 1440 - p->birth_day;
    return days < 0 ? 0 : (int)(days * 4 / 1461);
}

static const int bed_counter[] = {[HB_AN_OTHER] = -1,
                                  [HB_AN_HOSPITAL] = HB_AN_H_BED_MIN,
                                  [HB_AN_KAD] = HB_AN_KAD_BED_MIN,
                                  [HB_AN_SYKESTUE] = HB_AN_SY_BED_MIN};
static const int unit_tracker[] = {[HB_AN_OTHER] = -1,
                                   [HB_AN_HOSPITAL] = HB_AN_T_HOSP,
                                   [HB_AN_KAD] = HB_AN_T_KAD,
                                   [HB_AN_SYKESTUE] = HB_AN_T_SY};
static const int use_kind[] = {
    [HB_AN_OTHER] = -1, [HB_AN_HOSPITAL] = 0, [HB_AN_KAD] = 1, [HB_AN_SYKESTUE] = 2};

static int age_band(int age)
{
    return age < 18 ? 0 : age < 50 ? 1 : age < 67 ? 2 : age < 80 ? 3 : age < 90 ? 4 : 5;
}

/* Adds sign * the minutes of [from, to) of stay s (of patient k) to the bed
 * counter of its kind of unit, and to today's use by the age band the
 * patient had at the stay's start, in each month they touch. */
static void bed_span(struct hb_an *an, int muni, const struct hb_an_stay *s, int64_t from,
                     int64_t to, int sign, int32_t k)
{
    int counter = bed_counter[s->unit], t = unit_tracker[s->unit], kind = use_kind[s->unit];
    if (counter < 0)
        return;
    int band = age_band(age_at(&an->patients[k], s->start));
    while (from < to) {
        int month = hb__an_month(from);
        int64_t next = hb__an_month_start(month + 1);
        int64_t upto = next < to ? next : to;
        struct an_cell *c = cell_of(an, muni, month);
        if (!c)
            return;
        c->c[counter] += sign * (upto - from);
        an->use[(size_t)(month - an->month0) * (size_t)an->muni_cap + (size_t)muni]
            .min[kind][band] += sign * (upto - from);
        if (sign > 0)
            track(c, t, k);
        from = upto;
    }
}

static void stay_admitted(struct hb_an *an, const struct hb_an_stay *s, int32_t k)
{
    struct an_patient *p = &an->patients[k];
    int mu = p->muni;
    bool old = age_at(p, s->start) >= 80;
    if (s->unit == HB_AN_KAD) {
        add(an, mu, s->start, HB_AN_KAD_ADM, 1, HB_AN_T_KAD, k);
        if (old)
            add(an, mu, s->start, HB_AN_KAD_ADM80, 1, HB_AN_T_KAD80, k);
    } else if (s->unit == HB_AN_HOSPITAL && !s->transfer_in) {
        add(an, mu, s->start, HB_AN_H_ADM, 1, HB_AN_T_HOSP, k);
        if (s->emergency) {
            add(an, mu, s->start, HB_AN_H_EMERG, 1, HB_AN_T_HOSP, k);
            if (old)
                add(an, mu, s->start, HB_AN_H_EMERG80, 1, HB_AN_T_EMERG80, k);
            /* A readmission of the latest index discharge within 30 days. */
            if (p->last_index_end >= 0 && s->start >= p->last_index_end &&
                s->start - p->last_index_end <= 30 * 1440) {
                add(an, mu, p->last_index_end, HB_AN_H_READMIT, 1, HB_AN_T_READMIT, k);
                p->last_index_end = -1;
            }
        }
    }
}

static void stay_ended(struct hb_an *an, const struct hb_an_stay *s, int32_t k)
{
    struct an_patient *p = &an->patients[k];
    int mu = p->muni;
    int64_t los = s->end - s->start;
    if (s->unit == HB_AN_KAD) {
        add(an, mu, s->end, HB_AN_KAD_END, 1, HB_AN_T_KAD, k);
        add(an, mu, s->end, HB_AN_KAD_LOS_MIN, los, HB_AN_T_KAD, k);
        if (s->home)
            add(an, mu, s->end, HB_AN_KAD_HOME, 1, HB_AN_T_KAD, k);
    } else if (s->unit == HB_AN_SYKESTUE) {
        add(an, mu, s->end, HB_AN_SY_END, 1, HB_AN_T_SY, k);
        add(an, mu, s->end, HB_AN_SY_LOS_MIN, los, HB_AN_T_SY, k);
        if (los > 14 * 1440)
            add(an, mu, s->end, HB_AN_SY_OVER14, 1, HB_AN_T_SY14, k);
    } else if (s->unit == HB_AN_HOSPITAL && s->index_end) {
        add(an, mu, s->end, HB_AN_H_INDEX, 1, HB_AN_T_HOSP, k);
        p->last_index_end = s->end;
    }
}

void hb_an_stay(struct hb_an *an, const struct hb_an_stay *s)
{
    int32_t k = hb__imap_get(&an->patient_ix, s->patient_id);
    if (k < 0)
        return;
    int mu = an->patients[k].muni;
    int32_t o = hb__imap_get(&an->open_ix, s->id);
    an->generation++;
    if (o < 0) {
        stay_admitted(an, s, k);
        if (s->end >= 0) {
            stay_ended(an, s, k);
            bed_span(an, mu, s, s->start, s->end, 1, k);
            return;
        }
        if (an->nopen == an->open_cap) {
            an->open_cap = an->open_cap ? an->open_cap * 2 : 256;
            an->open = hb_xrealloc(an->open, (size_t)an->open_cap * sizeof(*an->open));
        }
        o = an->nopen++;
        an->open[o] =
            (struct an_open){.s = *s, .upto = an->now > s->start ? an->now : s->start, .muni = mu};
        hb__imap_put(&an->open_ix, s->id, o);
        bed_span(an, mu, s, s->start, an->open[o].upto, 1, k);
        return;
    }
    if (s->end < 0)
        return;
    struct an_open *op = &an->open[o];
    bed_span(an, op->muni, &op->s, op->s.start, op->upto, -1, k);
    bed_span(an, op->muni, s, s->start, s->end, 1, k);
    stay_ended(an, s, k);
    hb__imap_del(&an->open_ix, s->id);
    int32_t last = --an->nopen;
    if (o != last) {
        an->open[o] = an->open[last];
        hb__imap_put(&an->open_ix, an->open[o].s.id, o);
    }
}

void hb_an_set_now(struct hb_an *an, int64_t now)
{
    if (now <= an->now)
        return;
    an->now = now;
    for (int32_t i = 0; i < an->nopen; i++) {
        struct an_open *op = &an->open[i];
        int32_t k = hb__imap_get(&an->patient_ix, op->s.patient_id);
        if (k >= 0 && now > op->upto)
            bed_span(an, op->muni, &op->s, op->upto, now, 1, k);
        if (now > op->upto)
            op->upto = now;
    }
    an->generation++;
}

/* Adds (sign 1) or takes away (sign -1) what a case counts. */
static void case_apply(struct hb_an *an, const struct an_case *c, int sign)
{
    int mu = c->muni;
    int32_t k = c->patient;
    if (c->notice >= 0)
        add(an, mu, c->notice, HB_AN_DR_NOTICES, sign, HB_AN_T_DR, k);
    if (c->notice >= 0 && c->answer >= 0) {
        add(an, mu, c->notice, HB_AN_DR_ANSWERED, sign, HB_AN_T_DR, k);
        add(an, mu, c->notice, HB_AN_DR_ANSWER_MIN, sign * (c->answer - c->notice), HB_AN_T_DR, k);
    }
    for (int64_t d = c->first_day; d < c->first_day + c->ndays; d++) {
        int y, m, dd;
        hb_days_civil(d, &y, &m, &dd);
        add(an, mu, d * 1440, HB_AN_DR_DAYS, sign, HB_AN_T_DR, k);
        add(an, mu, d * 1440, HB_AN_DR_NOK, sign * hb__an_rate(an, y), HB_AN_T_DR, k);
    }
}

void hb_an_case(struct hb_an *an, const struct hb_an_case *c)
{
    int32_t k = hb__imap_get(&an->patient_ix, c->patient_id);
    int mu = hb_an_muni_index(an, c->muni_id);
    if (k < 0 || mu < 0)
        return;
    struct an_case now = {.patient = k,
                          .muni = (int16_t)mu,
                          .notice = c->notice,
                          .answer = c->answer,
                          .first_day = c->first_day,
                          .ndays = c->ndays};
    int32_t i = hb__imap_get(&an->case_ix, c->id);
    if (i >= 0) {
        case_apply(an, &an->cases[i], -1);
    } else {
        if (an->ncases == an->case_cap) {
            an->case_cap = an->case_cap ? an->case_cap * 2 : 256;
            an->cases = hb_xrealloc(an->cases, (size_t)an->case_cap * sizeof(*an->cases));
        }
        i = an->ncases++;
        hb__imap_put(&an->case_ix, c->id, i);
    }
    an->cases[i] = now;
    case_apply(an, &now, 1);
    an->generation++;
}

void hb_an_set_rate(struct hb_an *an, int year, int64_t nok)
{
    if (year >= AN_YEAR0 && year < AN_YEAR0 + AN_NYEARS)
        an->rate[year - AN_YEAR0] = nok;
}

int64_t hb__an_rate(const struct hb_an *an, int year)
{
    /* A year without a rate uses the latest earlier one. */
    for (int y = year; y >= AN_YEAR0; y--)
        if (y < AN_YEAR0 + AN_NYEARS && an->rate[y - AN_YEAR0])
            return an->rate[y - AN_YEAR0];
    return 0;
}

void hb_an_observed(struct hb_an *an, int64_t patient_id, int64_t at)
{
    int32_t k = hb__imap_get(&an->patient_ix, patient_id);
    if (k < 0)
        return;
    int month = hb__an_month(at);
    if (month < 0 || month >= (1 << 20))
        return;
    int64_t key = ((int64_t)k + 1) << 20 | month;
    if (hb__imap_get(&an->observed, key) >= 0)
        return; /* this patient-month is counted; vital signs may come in any order */
    hb__imap_put(&an->observed, key, 1);
    add(an, an->patients[k].muni, at, HB_AN_MON_PATIENTS, 1, HB_AN_T_MON, k);
    an->generation++;
}

void hb_an_alert(struct hb_an *an, int64_t id, int64_t patient_id, int64_t raised, int64_t ack,
                 bool escalated)
{
    int32_t k = hb__imap_get(&an->patient_ix, patient_id);
    if (k < 0)
        return;
    int mu = an->patients[k].muni;
    int32_t i = hb__imap_get(&an->alert_ix, id);
    if (i < 0) {
        if (an->nalerts == an->alert_cap) {
            an->alert_cap = an->alert_cap ? an->alert_cap * 2 : 256;
            an->alerts = hb_xrealloc(an->alerts, (size_t)an->alert_cap * sizeof(*an->alerts));
        }
        i = an->nalerts++;
        an->alerts[i] = (struct an_alert){
            .month = hb__an_month(raised), .muni = (int16_t)mu, .ack_min = -1, .patient = k};
        hb__imap_put(&an->alert_ix, id, i);
        add(an, mu, raised, HB_AN_MON_ALERTS, 1, HB_AN_T_ALERT, k);
    }
    struct an_alert *a = &an->alerts[i];
    int64_t month_start = hb__an_month_start(a->month);
    if (a->ack_min < 0 && ack >= 0) {
        a->ack_min = (int32_t)(ack > raised ? ack - raised : 0);
        add(an, mu, month_start, HB_AN_MON_ACKED, 1, HB_AN_T_ALERT, k);
    }
    if (!a->escalated && escalated) {
        a->escalated = true;
        add(an, mu, month_start, HB_AN_MON_ESCALATED, 1, HB_AN_T_ALERT, k);
    }
    an->generation++;
}

void hb_an_consult(struct hb_an *an, int64_t id, int64_t patient_id, int64_t at, int64_t km,
                   int64_t nok_ore, int64_t co2_g)
{
    int32_t k = hb__imap_get(&an->patient_ix, patient_id);
    if (k < 0 || hb__imap_get(&an->consult_ix, id) >= 0)
        return;
    hb__imap_put(&an->consult_ix, id, 1);
    int mu = an->patients[k].muni;
    add(an, mu, at, HB_AN_CO_HELD, 1, HB_AN_T_CO, k);
    add(an, mu, at, HB_AN_CO_KM, km, HB_AN_T_CO, k);
    add(an, mu, at, HB_AN_CO_NOK_ORE, nok_ore, HB_AN_T_CO, k);
    add(an, mu, at, HB_AN_CO_CO2_G, co2_g, HB_AN_T_CO, k);
    an->generation++;
}

void hb_an_use_by_age(const struct hb_an *an, int muni, int first_month, int nmonths,
                      double days[3][6], int patients[3])
{
    static const int trackers[AN_KINDS] = {HB_AN_T_HOSP, HB_AN_T_KAD, HB_AN_T_SY};
    memset(days, 0, sizeof(double) * AN_KINDS * AN_BANDS);
    struct an_cell seen = {0}; /* the distinct patients of each kind, as in a cell */
    for (int m = first_month; m < first_month + nmonths; m++) {
        int i = m - an->month0;
        if (muni < 0 || muni >= an->nmuni || i < 0 || i >= an->nmonths)
            continue;
        size_t at = (size_t)i * (size_t)an->muni_cap + (size_t)muni;
        for (int k = 0; k < AN_KINDS; k++) {
            for (int b = 0; b < AN_BANDS; b++)
                days[k][b] += (double)an->use[at].min[k][b] / 1440.0;
            for (int j = 0; j < an->cells[at].tn[trackers[k]]; j++)
                track(&seen, trackers[k], an->cells[at].t[trackers[k]][j]);
        }
    }
    for (int k = 0; k < AN_KINDS; k++)
        patients[k] = seen.tn[trackers[k]];
}

void hb_an_set_plans(struct hb_an *an, struct hb_an_plans *p, int64_t now_us)
{
    hb_an_plans_free(an->plans);
    an->plans = p;
    an->plans_at = now_us;
    an->plans_changed = false;
    an->generation++;
}

bool hb_an_plans_due(const struct hb_an *an, int64_t now_us)
{
    int64_t age = now_us - an->plans_at;
    return !an->plans || age >= 60000000 || (an->plans_changed && age >= 5000000);
}
