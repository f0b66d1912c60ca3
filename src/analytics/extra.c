/* analytics: the indicators the engine does not keep: the shared care plans
 * as they are now (counted for the period that includes today) and the
 * imported user-experience surveys (by the period's year), suppressed like
 * the engine's cells; and the survey import. The figures are read from the
 * database into a snapshot (hb_an_plans_read) that the live engine renews
 * when plans, stays or surveys change and every minute, so a request reads
 * no rows. */
#include "extra.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/core.h"
#include "an_int.h"

#include "../core/banned.h"

enum { MAX_SURVEY = 16, DISTINCT = 5 };

/* Per municipality: the plan counts and the survey answers of each year. */
struct muni_extra {
    double prio, prio_planned, plans, plans_own, overdue;
    int64_t overdue_patients[DISTINCT];
    int noverdue_patients;
    double score[AN_NYEARS][MAX_SURVEY], answers[AN_NYEARS][MAX_SURVEY];
};

struct hb_an_plans {
    int n;                 /* municipalities (the engine's indexes) when read */
    struct muni_extra *mx; /* [n] */
};

/* The patients with a stay in a priority group in the last twelve months
 * (through the partial index stay_priority), and whether each has a plan. */
static const char SQL_PRIO[] =
    "SELECT p.municipality_id, CASE WHEN EXISTS (SELECT 1 FROM care_plan cp WHERE"
    " cp.patient_id = p.id AND cp.status = 'active') THEN 1 ELSE 0 END FROM patient p"
    " WHERE p.id IN (SELECT s.patient_id FROM stay s WHERE s.priority_group IS NOT NULL"
    " AND (s.end_at IS NULL OR s.end_at >= ?))";
static const char SQL_PLANS[] =
    "SELECT p.municipality_id, CASE WHEN EXISTS (SELECT 1 FROM care_item i WHERE"
    " i.plan_id = cp.id AND i.kind = 'goal' AND i.expressed_by = 'patient') THEN 1 ELSE 0 END"
    " FROM care_plan cp JOIN patient p ON p.id = cp.patient_id WHERE cp.status = 'active'";
static const char SQL_OVERDUE[] =
    "SELECT p.municipality_id, i.patient_id FROM care_item i JOIN care_plan cp ON cp.id ="
    " i.plan_id JOIN patient p ON p.id = i.patient_id WHERE cp.status = 'active' AND i.kind ="
    " 'task' AND i.status IN ('requested', 'in-progress') AND i.day < ?";
static const char SQL_SURVEY[] =
    "SELECT municipality_id, year, survey, measure, value, respondents FROM survey_result";

/* The survey indicators in catalogue order (their index in muni_extra). */
static int survey_index(const char *survey, const char *measure)
{
    int k = 0;
    for (int i = 0; i < hb_nindicators && k < MAX_SURVEY; i++) {
        const struct hb_indicator *ind = &hb_indicators[i];
        if (ind->origin != HB_SRC_SURVEY)
            continue;
        if (!strcmp(ind->survey, survey) && !strcmp(ind->measure, measure))
            return k;
        k++;
    }
    return -1;
}

static int read_db(struct hb_db *db, const struct hb_an *an, struct muni_extra *mx,
                   struct hb_error *err)
{
    /* one read transaction: the four counts from one moment */
    int64_t now = hb_now_us(), year_ago = now - 365LL * 86400 * 1000000;
    char today[16];
    hb_local_date(now, today, sizeof(today));
    const char *sql[] = {SQL_PRIO, SQL_PLANS, SQL_OVERDUE, SQL_SURVEY};
    for (int q = 0; q < 4; q++) {
        struct hb_stmt *st;
        int rc = hb_db_stmt(db, sql[q], &st, err);
        if (rc)
            return rc;
        if (q == 0)
            hb_stmt_int(st, 1, year_ago);
        if (q == 2)
            hb_stmt_text(st, 1, today);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            int m = hb_an_muni_index(an, hb_stmt_col_int(st, 0));
            if (m < 0)
                continue;
            struct muni_extra *x = &mx[m];
            int64_t v = hb_stmt_col_int(st, 1);
            if (q == 0) {
                x->prio++;
                x->prio_planned += (double)v;
            } else if (q == 1) {
                x->plans++;
                x->plans_own += (double)v;
            } else if (q == 2) {
                x->overdue++;
                bool seen = false;
                for (int i = 0; i < x->noverdue_patients; i++)
                    seen = seen || x->overdue_patients[i] == v;
                if (!seen && x->noverdue_patients < DISTINCT)
                    x->overdue_patients[x->noverdue_patients++] = v;
            } else {
                int y = (int)v - AN_YEAR0;
                int k = survey_index(hb_stmt_col(st, 2, NULL), hb_stmt_col(st, 3, NULL));
                if (y < 0 || y >= AN_NYEARS || k < 0)
                    continue;
                double n = (double)hb_stmt_col_int(st, 5);
                x->score[y][k] = strtod(hb_stmt_col(st, 4, NULL), NULL) * n;
                x->answers[y][k] = n;
            }
        }
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int hb_an_plans_read(struct hb_db *db, const struct hb_an *an, struct hb_an_plans **out,
                     struct hb_error *err)
{
    struct hb_an_plans *p = hb_xcalloc(1, sizeof(*p));
    p->n = hb_an_nmuni(an);
    p->mx = hb_xcalloc((size_t)(p->n ? p->n : 1), sizeof(*p->mx));
    int rc = hb_db_exec(db, "BEGIN", err);
    if (rc == 0) {
        rc = read_db(db, an, p->mx, err);
        struct hb_error ignore = {0};
        hb_db_exec(db, rc ? "ROLLBACK" : "COMMIT", rc ? &ignore : err);
    }
    if (rc) {
        hb_an_plans_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void hb_an_plans_free(struct hb_an_plans *p)
{
    if (!p)
        return;
    free(p->mx);
    free(p);
}

/* Sums municipality m's figures into the cell of entity e. */
static void add(struct muni_extra *into, const struct muni_extra *x)
{
    into->prio += x->prio;
    into->prio_planned += x->prio_planned;
    into->plans += x->plans;
    into->plans_own += x->plans_own;
    into->overdue += x->overdue;
    for (int i = 0; i < x->noverdue_patients && into->noverdue_patients < DISTINCT; i++)
        into->overdue_patients[into->noverdue_patients++] = x->overdue_patients[i];
    for (int y = 0; y < AN_NYEARS; y++)
        for (int k = 0; k < MAX_SURVEY; k++) {
            into->score[y][k] += x->score[y][k];
            into->answers[y][k] += x->answers[y][k];
        }
}

/* The size (patients or respondents) of indicator k for entity figures x in year y. */
static int size_of(const struct hb_indicator *ind, int survey_k, const struct muni_extra *x, int y)
{
    if (ind->origin == HB_SRC_SURVEY)
        return (int)x->answers[y][survey_k];
    if (!strcmp(ind->code, "plan_priority_share"))
        return (int)x->prio;
    if (!strcmp(ind->code, "plan_own_words"))
        return (int)x->plans;
    return x->noverdue_patients;
}

void hb_an_extras(const struct hb_an *an, const int *ents, int n,
                  const struct hb_an_period *periods, int np, struct hb_an_extra *out)
{
    int nm = hb_an_nmuni(an), nf = hb_an_nfellesskap(an), ne = hb_an_nentity(an);
    struct muni_extra *mx = hb_xcalloc((size_t)ne, sizeof(*mx));
    const struct hb_an_plans *snap = an->plans;
    for (int m = 0; snap && m < nm && m < snap->n; m++)
        mx[m] = snap->mx[m];
    for (int m = 0; m < nm; m++) {
        struct hb_an_entity e;
        hb_an_entity(an, m, &e);
        add(&mx[e.parent], &mx[m]);
    }
    for (int f = nm; f < nm + nf; f++)
        add(&mx[ne - 1], &mx[f]);
    int64_t today = hb_local_minutes(hb_now_us());
    int *size = hb_xcalloc((size_t)ne, sizeof(int));
    bool *hidden = hb_xcalloc((size_t)ne, sizeof(bool));
    int *kids = hb_xcalloc((size_t)ne, sizeof(int));
    int sk = 0;
    for (int k = 0; k < hb_nindicators; k++) {
        const struct hb_indicator *ind = &hb_indicators[k];
        if (ind->origin == HB_SRC_ENGINE)
            continue;
        int survey_k = ind->origin == HB_SRC_SURVEY ? sk++ : -1;
        for (int p = 0; p < np; p++) {
            int y = periods[p].year - AN_YEAR0;
            int64_t from, to;
            hb_an_period_span(&periods[p], &from, &to);
            bool applies = ind->origin == HB_SRC_SURVEY || (today >= from && today < to);
            /* Suppression over every entity, then protection of the groups. */
            for (int e = 0; e < ne; e++) {
                size[e] = applies ? size_of(ind, survey_k, &mx[e], y) : 0;
                hidden[e] = size[e] > 0 && size[e] < HB_AN_MIN_PATIENTS;
            }
            for (bool changed = true; changed;) {
                changed = false;
                for (int f = nm; f < nm + nf; f++) {
                    int c = 0;
                    for (int m = 0; m < nm; m++) {
                        struct hb_an_entity e;
                        hb_an_entity(an, m, &e);
                        if (e.parent == f)
                            kids[c++] = m;
                    }
                    int *ks = hb_xcalloc((size_t)c + 1, sizeof(int));
                    bool *kh = hb_xcalloc((size_t)c + 1, sizeof(bool));
                    for (int i = 0; i < c; i++) {
                        ks[i] = size[kids[i]];
                        kh[i] = hidden[kids[i]];
                    }
                    if (hb__an_protect(c, ks, kh, size[f], &hidden[f])) {
                        changed = true;
                        for (int i = 0; i < c; i++)
                            hidden[kids[i]] = kh[i];
                    }
                    free(ks);
                    free(kh);
                }
                changed |=
                    hb__an_protect(nf, size + nm, hidden + nm, size[ne - 1], &hidden[ne - 1]);
            }
            for (int i = 0; i < n; i++) {
                const struct muni_extra *x = &mx[ents[i]];
                struct hb_an_extra *o =
                    &out[((size_t)i * (size_t)np + (size_t)p) * (size_t)hb_nindicators + (size_t)k];
                memset(o, 0, sizeof(*o));
                if (!applies || y < 0 || y >= AN_NYEARS)
                    continue;
                o->suppressed = hidden[ents[i]];
                if (ind->origin == HB_SRC_SURVEY) {
                    o->den = x->answers[y][survey_k];
                    o->has = o->den > 0;
                    o->num = x->score[y][survey_k] / (o->has ? o->den : 1);
                    o->value = o->num;
                } else if (!strcmp(ind->code, "plan_priority_share")) {
                    o->num = x->prio_planned;
                    o->den = x->prio;
                    o->has = o->den > 0;
                    o->value = o->has ? 100 * o->num / o->den : 0;
                } else if (!strcmp(ind->code, "plan_own_words")) {
                    o->num = x->plans_own;
                    o->den = x->plans;
                    o->has = o->den > 0;
                    o->value = o->has ? 100 * o->num / o->den : 0;
                } else {
                    o->num = o->value = x->overdue;
                    o->den = -1;
                    o->has = true;
                }
            }
        }
    }
    free(size);
    free(hidden);
    free(kids);
    free(mx);
}

/* ---- import ---- */
static bool starts(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static const char SQL_MUNI[] =
    "SELECT id FROM org WHERE type = 'municipality' AND kommunenummer = ?";
static const char SQL_DEL[] = "DELETE FROM survey_result WHERE municipality_id = ? AND year = ?"
                              " AND survey = ? AND measure = ?";
static const char SQL_ADD[] = "INSERT INTO survey_result (municipality_id, year, survey, measure,"
                              " value, respondents) VALUES (?, ?, ?, ?, ?, ?)";

static int bad(struct hb_error *err, int line, const char *what, const char *v)
{
    return hb_fail(err, HB_INVALID, "csv", "Linje %d: %s «%.40s»", line, what, v);
}

static int import_line(struct hb_db *db, char **f, const int col[6], int line, struct hb_error *err)
{
    const char *nr = f[col[0]], *year = f[col[1]], *survey = f[col[2]], *measure = f[col[3]],
               *value = f[col[4]], *answers = f[col[5]];
    int64_t y, n, id = 0;
    if (hb_parse_i64(year, strlen(year), 2000, 2060, &y))
        return bad(err, line, "året må være fra 2000 til 2060", year);
    if (survey_index(survey, measure) < 0)
        return bad(err, line,
                   "ukjent undersøkelse eller indikator (fastlege: fastlegen, organisering, "
                   "samhandling, mestring, tilgjengelighet, kontinuitet; paris: personsentrert, "
                   "koordinering, tillit, egenmestring, livskvalitet)",
                   measure);
    char num[32];
    snprintf(num, sizeof(num), "%s", value);
    for (char *p = num; *p; p++)
        if (*p == ',')
            *p = '.';
    char *end;
    double v = strtod(num, &end);
    if (end == num || *end || strlen(value) >= sizeof(num) || v < 0 || v > 100)
        return bad(err, line, "verdien må være et tall fra 0 til 100", value);
    if (hb_parse_i64(answers, strlen(answers), 0, 10000000, &n))
        return bad(err, line, "antall svar må være et helt tall", answers);
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MUNI, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, nr);
    if ((rc = hb_stmt_step(st, err)) == 1)
        id = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!id)
        return bad(err, line, "ukjent kommunenummer", nr);
    for (int q = 0; q < 2; q++) {
        if ((rc = hb_db_stmt(db, q ? SQL_ADD : SQL_DEL, &st, err)))
            return rc;
        hb_stmt_int(st, 1, id);
        hb_stmt_int(st, 2, y);
        hb_stmt_text(st, 3, survey);
        hb_stmt_text(st, 4, measure);
        if (q) {
            hb_stmt_text(st, 5, num);
            hb_stmt_int(st, 6, n);
        }
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    return 0;
}

int hb_an_survey_import(struct hb_db *db, const char *csv, size_t len, int64_t user_id, int *rows,
                        struct hb_error *err)
{
    char *text = hb_xmalloc(len + 1);
    memcpy(text, csv, len);
    text[len] = '\0';
    char *p = text;
    if (!strncmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    int col[6] = {-1, -1, -1, -1, -1, -1}, line = 0, nf = 0, rc = 0;
    char sep = 0;
    *rows = 0;
    while (p && *p && rc == 0) {
        char *nl = strchr(p, '\n'), *next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[--l] = '\0';
        line++;
        char *f[8];
        if (l == 0) {
            p = next;
            continue;
        }
        if (!sep) {
            sep = strchr(p, ';') ? ';' : ',';
            nf = hb_csv_split(p, sep, f, 8);
            for (int i = 0; i < nf; i++) {
                col[0] = starts(f[i], "kommune") ? i : col[0];
                col[1] = starts(f[i], "år") || starts(f[i], "År") ? i : col[1];
                col[2] = starts(f[i], "undersøkelse") ? i : col[2];
                col[3] = starts(f[i], "indikator") ? i : col[3];
                col[4] = starts(f[i], "verdi") ? i : col[4];
                col[5] = starts(f[i], "antall") ? i : col[5];
            }
            for (int i = 0; i < 6 && rc == 0; i++)
                if (col[i] < 0)
                    rc = hb_fail(err, HB_INVALID, "csv",
                                 "Første linje må ha kolonnene kommunenummer, år, undersøkelse, "
                                 "indikator, verdi og antall_svar");
        } else if (hb_csv_split(p, sep, f, 8) != nf) {
            rc = hb_fail(err, HB_INVALID, "csv", "Linje %d har ikke %d felt", line, nf);
        } else if ((rc = import_line(db, f, col, line, err)) == 0) {
            (*rows)++;
        }
        p = next;
    }
    if (rc == 0 && !*rows)
        rc = hb_fail(err, HB_INVALID, "csv", "Ingen resultater i filen");
    if (rc == 0) { /* the import's change record: history, and a sign to the engine */
        char what[48];
        int n = snprintf(what, sizeof(what), "{\"rows\":%d}", *rows);
        rc = hb_store_change(db, "SurveyResults", hb_id_new(), 1, user_id, "create", what,
                             (size_t)n, err);
    }
    free(text);
    return rc;
}
