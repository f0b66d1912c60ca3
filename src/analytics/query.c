/* analytics: reading the engine. Months sum into quarters and years,
 * municipalities into helsefellesskap and country; cells built from fewer
 * than five patients are suppressed, and so are as many more as it takes
 * that no suppressed cell can be worked out by subtracting shown ones from a
 * shown total. */
#include "an_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../org/org.h"

#include "../core/banned.h"

/* ---- periods ---- */
int hb_an_period_parse(const char *s, struct hb_an_period *p)
{
    int64_t y, n;
    size_t len = s ? strlen(s) : 0;
    if (len < 4 || hb_parse_i64(s, 4, 2000, 2060, &y))
        return HB_INVALID;
    *p = (struct hb_an_period){.kind = HB_AN_YEAR, .year = (int)y};
    if (len == 4)
        return 0;
    if (len == 7 && s[4] == '-' && s[5] == 'Q' && hb_parse_i64(s + 6, 1, 1, 4, &n) == 0) {
        p->kind = HB_AN_QUARTER;
        p->n = (int)n;
        return 0;
    }
    if (len == 7 && s[4] == '-' && hb_parse_i64(s + 5, 2, 1, 12, &n) == 0) {
        p->kind = HB_AN_MONTH;
        p->n = (int)n;
        return 0;
    }
    return HB_INVALID;
}

void hb_an_period_text(const struct hb_an_period *p, char *out, size_t outlen)
{
    if (p->kind == HB_AN_YEAR)
        snprintf(out, outlen, "%04d", p->year);
    else if (p->kind == HB_AN_QUARTER)
        snprintf(out, outlen, "%04d-Q%d", p->year, p->n);
    else
        snprintf(out, outlen, "%04d-%02d", p->year, p->n);
}

/* First absolute month and number of months of a period. */
static void period_months(const struct hb_an_period *p, int *first, int *count)
{
    int base = p->year * 12;
    if (p->kind == HB_AN_YEAR) {
        *first = base;
        *count = 12;
    } else if (p->kind == HB_AN_QUARTER) {
        *first = base + (p->n - 1) * 3;
        *count = 3;
    } else {
        *first = base + p->n - 1;
        *count = 1;
    }
}

void hb_an_period_span(const struct hb_an_period *p, int64_t *from, int64_t *to)
{
    int first, count;
    period_months(p, &first, &count);
    *from = hb__an_month_start(first);
    *to = hb__an_month_start(first + count);
}

struct hb_an_period hb_an_period_next(struct hb_an_period p)
{
    int per_year = p.kind == HB_AN_YEAR ? 1 : p.kind == HB_AN_QUARTER ? 4 : 12;
    if (p.kind == HB_AN_YEAR || p.n == per_year) {
        p.year++;
        p.n = p.kind == HB_AN_YEAR ? 0 : 1;
    } else {
        p.n++;
    }
    return p;
}

/* The slot of a period in a year view: months 0-11, quarters 12-15, year 16. */
static int period_slot(const struct hb_an_period *p)
{
    return p->kind == HB_AN_MONTH ? p->n - 1 : p->kind == HB_AN_QUARTER ? 11 + p->n : 16;
}
#define SLOTS 17

/* ---- entities ---- */
int hb_an_nmuni(const struct hb_an *an)
{
    return an->nmuni;
}

int hb_an_nfellesskap(const struct hb_an *an)
{
    return an->nfs;
}

int hb_an_nentity(const struct hb_an *an)
{
    return an->nmuni + an->nfs + 1;
}

void hb_an_entity(const struct hb_an *an, int e, struct hb_an_entity *out)
{
    if (e < an->nmuni) {
        *out = (struct hb_an_entity){"municipality", an->muni[e].id, an->muni[e].nr,
                                     an->muni[e].name, an->nmuni + an->muni[e].fs};
    } else if (e < an->nmuni + an->nfs) {
        const struct an_fs *f = &an->fs[e - an->nmuni];
        *out = (struct hb_an_entity){"helsefellesskap", f->id, "", f->name, an->nmuni + an->nfs};
    } else {
        *out = (struct hb_an_entity){"country", 0, "", "Hele landet", -1};
    }
}

/* ---- year views ---- */
static void merge(struct an_cell *into, const struct an_cell *c)
{
    for (int i = 0; i < HB_AN_NCOUNTER; i++)
        into->c[i] += c->c[i];
    for (int t = 0; t < HB_AN_NTRACKER; t++)
        for (int i = 0; i < c->tn[t] && into->tn[t] < HB_AN_MIN_PATIENTS; i++) {
            bool seen = false;
            for (int j = 0; j < into->tn[t] && !seen; j++)
                seen = into->t[t][j] == c->t[t][i];
            if (!seen)
                into->t[t][into->tn[t]++] = c->t[t][i];
        }
}

struct view {
    int year;
    struct an_cell *cells; /* [entity][SLOTS] */
    uint8_t *supp;         /* [entity][SLOTS][tracker]: 0 shown, 1 fewer than 5, 2 hidden too */
    int64_t (*pop)[3];     /* [entity]: inhabitants, 67+, 80+ */
    double *beds;          /* [entity]: KAD beds owned or shared */
};

bool hb__an_protect(int n, const int *size, bool *hidden, int parent_size, bool *parent_hidden)
{
    int count = *parent_hidden ? 1 : 0, best = -1;
    for (int i = 0; i < n; i++) {
        if (hidden[i])
            count++;
        else if (size[i] > 0 && (best < 0 || size[i] < size[best]))
            best = i;
    }
    if (count != 1)
        return false;
    if (best >= 0) {
        hidden[best] = true;
        return true;
    }
    if (!*parent_hidden && parent_size > 0) {
        *parent_hidden = true;
        return true;
    }
    return false;
}

/* Protects one group of a year view for tracker t: parent and its children
 * as (entity, slot) cells. Hidden cells made here are marked 2. */
struct scratch {
    int *kids, *size;
    bool *hidden;
};

static bool protect(struct view *v, int t, int parent, struct scratch *x, int nkids)
{
    const int *kids = x->kids;
    int *size = x->size;
    bool *hidden = x->hidden;
#define SUPP(cell) v->supp[(size_t)(cell)*HB_AN_NTRACKER + (size_t)t]
    for (int i = 0; i < nkids; i++) {
        size[i] = v->cells[kids[i]].tn[t];
        hidden[i] = SUPP(kids[i]) != 0;
    }
    bool parent_hidden = SUPP(parent) != 0;
    if (!hb__an_protect(nkids, size, hidden, v->cells[parent].tn[t], &parent_hidden))
        return false;
    for (int i = 0; i < nkids; i++)
        if (hidden[i] && !SUPP(kids[i]))
            SUPP(kids[i]) = 2;
    if (parent_hidden && !SUPP(parent))
        SUPP(parent) = 2;
    return true;
#undef SUPP
}

/* Inhabitants of a municipality in a year (all, 67+, 80+): that year's
 * figures, else the nearest earlier year with figures, else the nearest
 * later one. */
static void muni_population(const struct an_muni *m, int year, int64_t out[3])
{
    int y = year - AN_YEAR0;
    if (y < 0)
        y = 0;
    if (y >= AN_NYEARS)
        y = AN_NYEARS - 1;
    int found = -1;
    for (int k = y; k >= 0 && found < 0; k--)
        if (m->pop[k][0])
            found = k;
    for (int k = y + 1; k < AN_NYEARS && found < 0; k++)
        if (m->pop[k][0])
            found = k;
    for (int i = 0; i < 3; i++)
        out[i] = found >= 0 ? m->pop[found][i] : 0;
}

/* KAD beds of each municipality in the view's year: a unit's own, or its
 * share of the units serving several (hb_org_bed_share). */
static void kad_beds(const struct hb_an *an, struct view *v)
{
    for (int i = 0; i < an->nkads; i++) {
        const struct an_kad *k = &an->kads[i];
        if (!k->nserved) {
            if (k->owner >= 0)
                v->beds[k->owner] += k->beds;
            continue;
        }
        int64_t served_pop = 0;
        for (int j = 0; j < k->nserved; j++)
            served_pop += v->pop[k->served[j]][0];
        for (int j = 0; j < k->nserved; j++)
            v->beds[k->served[j]] +=
                hb_org_bed_share(k->beds, v->pop[k->served[j]][0], served_pop, k->nserved);
    }
}

static void view_build(const struct hb_an *an, int year, struct view *v)
{
    int ne = an->nmuni + an->nfs + 1, country = ne - 1;
    v->year = year;
    v->cells = hb_xcalloc((size_t)ne * SLOTS, sizeof(*v->cells));
    v->supp = hb_xcalloc((size_t)ne * SLOTS * HB_AN_NTRACKER, 1);
    v->pop = hb_xcalloc((size_t)ne, sizeof(*v->pop));
    v->beds = hb_xcalloc((size_t)ne, sizeof(*v->beds));
    for (int u = 0; u < an->nmuni; u++)
        muni_population(&an->muni[u], year, v->pop[u]);
    kad_beds(an, v);
    for (int u = 0; u < an->nmuni; u++) {
        int f = an->nmuni + an->muni[u].fs;
        for (int i = 0; i < 3; i++) {
            v->pop[f][i] += v->pop[u][i];
            v->pop[country][i] += v->pop[u][i];
        }
        v->beds[f] += v->beds[u];
        v->beds[country] += v->beds[u];
    }
    for (int u = 0; u < an->nmuni; u++) {
        struct an_cell *row = &v->cells[(size_t)u * SLOTS];
        for (int m = 0; m < 12; m++) {
            int month = year * 12 + m - an->month0;
            if (month < 0 || month >= an->nmonths)
                continue;
            const struct an_cell *c = &an->cells[(size_t)month * (size_t)an->muni_cap + (size_t)u];
            merge(&row[m], c);
            merge(&row[12 + m / 3], c);
            merge(&row[16], c);
        }
        int f = an->nmuni + an->muni[u].fs;
        for (int sl = 0; sl < SLOTS; sl++)
            merge(&v->cells[(size_t)f * SLOTS + (size_t)sl], &row[sl]);
    }
    for (int f = an->nmuni; f < country; f++)
        for (int sl = 0; sl < SLOTS; sl++)
            merge(&v->cells[(size_t)country * SLOTS + (size_t)sl],
                  &v->cells[(size_t)f * SLOTS + (size_t)sl]);
    for (size_t i = 0; i < (size_t)ne * SLOTS; i++)
        for (int t = 0; t < HB_AN_NTRACKER; t++)
            if (v->cells[i].tn[t] > 0 && v->cells[i].tn[t] < HB_AN_MIN_PATIENTS)
                v->supp[i * HB_AN_NTRACKER + (size_t)t] = 1;
    /* Secondary suppression until no group has a lone hidden child. */
    size_t room = (size_t)(ne > 12 ? ne : 12);
    struct scratch x = {.kids = hb_xmalloc(sizeof(int) * room),
                        .size = hb_xmalloc(sizeof(int) * room),
                        .hidden = hb_xmalloc(sizeof(bool) * room)};
    int *kids = x.kids;
    /* The municipalities of each helsefellesskap, in one list:
     * by_fs[fs_start[f] .. fs_start[f + 1]). */
    int *by_fs = hb_xmalloc(sizeof(int) * (size_t)(an->nmuni + 1));
    int *fs_start = hb_xcalloc((size_t)an->nfs + 2, sizeof(int));
    for (int u = 0; u < an->nmuni; u++)
        fs_start[an->muni[u].fs + 2]++;
    for (int f = 0; f < an->nfs; f++)
        fs_start[f + 2] += fs_start[f + 1];
    for (int u = 0; u < an->nmuni; u++)
        by_fs[fs_start[an->muni[u].fs + 1]++] = u;
    for (bool changed = true; changed;) {
        changed = false;
        for (int t = 0; t < HB_AN_NTRACKER; t++) {
            for (int e = 0; e < ne; e++) {
                int base = e * SLOTS;
                for (int q = 0; q < 4; q++) {
                    for (int i = 0; i < 3; i++)
                        kids[i] = base + q * 3 + i;
                    changed |= protect(v, t, base + 12 + q, &x, 3);
                }
                for (int q = 0; q < 4; q++)
                    kids[q] = base + 12 + q;
                changed |= protect(v, t, base + 16, &x, 4);
            }
            for (int sl = 0; sl < SLOTS; sl++) {
                for (int f = 0, i = 0; f < an->nfs; f++) {
                    int n = 0;
                    for (; i < fs_start[f + 1]; i++)
                        kids[n++] = by_fs[i] * SLOTS + sl;
                    changed |= protect(v, t, (an->nmuni + f) * SLOTS + sl, &x, n);
                }
                int n = 0;
                for (int f = 0; f < an->nfs; f++)
                    kids[n++] = (an->nmuni + f) * SLOTS + sl;
                changed |= protect(v, t, country * SLOTS + sl, &x, n);
            }
        }
    }
    free(x.kids);
    free(x.size);
    free(x.hidden);
    free(by_fs);
    free(fs_start);
}

static void view_free(struct view *v)
{
    free(v->cells);
    free(v->supp);
    free(v->pop);
    free(v->beds);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Median minutes to acknowledge for each requested cell. */
static void ack_medians(const struct hb_an *an, const int *ents, int n,
                        const struct hb_an_period *periods, int np, struct hb_an_value *out)
{
    size_t cells = (size_t)n * (size_t)np;
    int32_t **vals = hb_xcalloc(cells, sizeof(*vals));
    size_t *len = hb_xcalloc(cells, sizeof(*len)), *cap = hb_xcalloc(cells, sizeof(*cap));
    int ne = hb_an_nentity(an);
    int *slot_of = hb_xmalloc(sizeof(int) * (size_t)ne);
    for (int e = 0; e < ne; e++)
        slot_of[e] = -1;
    for (int i = 0; i < n; i++)
        slot_of[ents[i]] = i;
    /* The acknowledged alerts by month (a counting sort), so each period
     * visits only its own months' alerts. */
    int nm = an->nmonths;
    int32_t *start = hb_xcalloc((size_t)nm + 1, sizeof(int32_t));
    int32_t *by_month = hb_xmalloc(sizeof(int32_t) * (size_t)(an->nalerts ? an->nalerts : 1));
    for (int32_t a = 0; a < an->nalerts; a++) {
        const struct an_alert *al = &an->alerts[a];
        int m = al->month - an->month0;
        if (al->ack_min >= 0 && al->muni >= 0 && m >= 0 && m < nm)
            start[m + 1]++;
    }
    for (int m = 0; m < nm; m++)
        start[m + 1] += start[m];
    int32_t *fill = hb_xmalloc(sizeof(int32_t) * (size_t)(nm ? nm : 1));
    memcpy(fill, start, sizeof(int32_t) * (size_t)nm);
    for (int32_t a = 0; a < an->nalerts; a++) {
        const struct an_alert *al = &an->alerts[a];
        int m = al->month - an->month0;
        if (al->ack_min >= 0 && al->muni >= 0 && m >= 0 && m < nm)
            by_month[fill[m]++] = a;
    }
    free(fill);
    for (int p = 0; p < np; p++) {
        int first, count;
        period_months(&periods[p], &first, &count);
        for (int m = first - an->month0; m < first - an->month0 + count; m++) {
            if (m < 0 || m >= nm)
                continue;
            for (int32_t j = start[m]; j < start[m + 1]; j++) {
                const struct an_alert *al = &an->alerts[by_month[j]];
                int chain[3] = {al->muni, an->nmuni + an->muni[al->muni].fs, ne - 1};
                for (int c = 0; c < 3; c++) {
                    int i = slot_of[chain[c]];
                    if (i < 0)
                        continue;
                    size_t k = (size_t)i * (size_t)np + (size_t)p;
                    if (len[k] == cap[k]) {
                        cap[k] = cap[k] ? cap[k] * 2 : 16;
                        vals[k] = hb_xrealloc(vals[k], cap[k] * sizeof(int32_t));
                    }
                    vals[k][len[k]++] = al->ack_min;
                }
            }
        }
    }
    free(start);
    free(by_month);
    for (size_t k = 0; k < cells; k++) {
        out[k].ack_median_min = -1;
        if (!len[k])
            continue;
        qsort(vals[k], len[k], sizeof(int32_t), cmp_i32);
        size_t h = len[k] / 2;
        out[k].ack_median_min =
            len[k] % 2 ? vals[k][h] : (vals[k][h - 1] + (double)vals[k][h]) / 2.0;
        free(vals[k]);
    }
    free(vals);
    free(len);
    free(cap);
    free(slot_of);
}

void hb_an_query(struct hb_an *an, const int *ents, int n, const struct hb_an_period *periods,
                 int np, struct hb_an_value *out)
{
    /* Year views for the years asked about, built once each. */
    struct view *views = NULL;
    int nviews = 0;
    for (int p = 0; p < np; p++) {
        bool have = false;
        for (int i = 0; i < nviews && !have; i++)
            have = views[i].year == periods[p].year;
        if (have)
            continue;
        views = hb_xrealloc(views, (size_t)(nviews + 1) * sizeof(*views));
        view_build(an, periods[p].year, &views[nviews++]);
    }
    for (int i = 0; i < n; i++)
        for (int p = 0; p < np; p++) {
            struct view *v = NULL;
            for (int k = 0; k < nviews && !v; k++)
                if (views[k].year == periods[p].year)
                    v = &views[k];
            size_t cell = (size_t)ents[i] * SLOTS + (size_t)period_slot(&periods[p]);
            struct hb_an_value *o = &out[(size_t)i * (size_t)np + (size_t)p];
            memset(o, 0, sizeof(*o));
            memcpy(o->c, v->cells[cell].c, sizeof(o->c));
            for (int t = 0; t < HB_AN_NTRACKER; t++) {
                o->patients[t] = v->cells[cell].tn[t];
                o->suppressed[t] = v->supp[cell * HB_AN_NTRACKER + (size_t)t] != 0;
            }
            const int64_t *pop = v->pop[ents[i]];
            o->pop = pop[0];
            o->pop67 = pop[1];
            o->pop80 = pop[2];
            o->kad_beds = v->beds[ents[i]];
            int64_t from, to;
            hb_an_period_span(&periods[p], &from, &to);
            o->minutes = to - from;
        }
    ack_medians(an, ents, n, periods, np, out);
    for (int i = 0; i < nviews; i++)
        view_free(&views[i]);
    free(views);
}
