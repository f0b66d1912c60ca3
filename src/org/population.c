/* org: importing population figures and projections in the long CSV layout
 * Statistics Norway's StatBank exports (one line per region, sex, age and
 * year): a header naming the columns "region", "kjønn", "alder" and "år",
 * the count in the last column, ';' or ',' between fields, fields quoted or
 * not, an optional title line above the header. Regions are "4631 Alver" or
 * "K-4631 Alver"; regions that are not municipalities (the country,
 * counties) are skipped. Ages are single years ("80 år"), ranges ("80-84 år")
 * or open ("105 år eller eldre"); they are summed into Helsebro's age bands.
 * The figures of each municipality and year in the file replace the ones
 * stored. */
#include "org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/banned.h"

static const struct {
    const char *band;
    int lo, hi;
} bands[] = {{"0-17", 0, 17},  {"18-49", 18, 49}, {"50-66", 50, 66},
             {"67-79", 67, 79}, {"80-89", 80, 89}, {"90+", 90, 200}};
enum { NBANDS = 6, YEAR0 = 2000, NYEARS = 61, MAX_FIELDS = 12, MAX_MUNI = 2000 };

static int band_of(int age)
{
    for (int b = 0; b < NBANDS; b++)
        if (age >= bands[b].lo && age <= bands[b].hi)
            return b;
    return -1;
}

static bool starts(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

struct import {
    int64_t muni_id[MAX_MUNI];
    char muni_nr[MAX_MUNI][5];
    int nmuni;
    int64_t *count; /* [muni][year][sex][band] */
    bool *seen;     /* [muni][year] */
    struct hb_pop_import *res;
};

static const char SQL_MUNIS[] =
    "SELECT id, kommunenummer FROM org WHERE type = 'municipality' AND kommunenummer IS NOT NULL";
static const char SQL_DELETE[] = "DELETE FROM population WHERE municipality_id = ? AND year = ?";

static size_t at(int m, int y, int sex, int b)
{
    return (((size_t)m * NYEARS + (size_t)y) * 2 + (size_t)sex) * NBANDS + (size_t)b;
}

static int load_munis(struct hb_db *db, struct import *im, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MUNIS, &st, err);
    if (rc)
        return rc;
    while (im->nmuni < MAX_MUNI && (rc = hb_stmt_step(st, err)) == 1) {
        const char *nr = hb_stmt_col(st, 1, NULL);
        if (!nr || strlen(nr) != 4)
            continue;
        im->muni_id[im->nmuni] = hb_stmt_col_int(st, 0);
        memcpy(im->muni_nr[im->nmuni++], nr, 5);
    }
    hb_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int line_error(struct hb_error *err, int line, const char *what, const char *value)
{
    return hb_fail(err, HB_INVALID, "csv", "Linje %d: %s «%.40s»", line, what, value);
}

/* Parses one data line into the import's counts. */
static int parse_line(struct import *im, char **f, int n, const int col[4], int line,
                      struct hb_error *err)
{
    const char *region = f[col[0]], *sex = f[col[1]], *age = f[col[2]], *year = f[col[3]],
               *value = f[n - 1];
    if (starts(region, "K-"))
        region += 2;
    size_t digits = strspn(region, "0123456789");
    if (digits != 4) {
        im->res->skipped++;
        return 0; /* the country, a county: not a municipality */
    }
    int m = -1;
    for (int i = 0; i < im->nmuni && m < 0; i++)
        if (strncmp(im->muni_nr[i], region, 4) == 0)
            m = i;
    if (m < 0)
        return line_error(err, line, "ukjent kommunenummer", region);
    int s = starts(sex, "menn") || starts(sex, "mann") || !strcmp(sex, "1")      ? 1
            : starts(sex, "kvinne") || !strcmp(sex, "2") ? 0
                                                         : -1;
    if (s < 0)
        return line_error(err, line, "kjønn må være Menn eller Kvinner (tall per kjønn)", sex);
    int64_t lo, hi, y, v;
    size_t a = strspn(age, "0123456789");
    if (a == 0 || hb_parse_i64(age, a, 0, 200, &lo))
        return line_error(err, line, "ukjent alder", age);
    hi = lo;
    if (age[a] == '-') {
        size_t b = strspn(age + a + 1, "0123456789");
        if (b == 0 || hb_parse_i64(age + a + 1, b, lo, 200, &hi))
            return line_error(err, line, "ukjent aldersgruppe", age);
    } else if (strstr(age, "eldre") || age[a] == '+') {
        hi = 200;
    }
    int band = band_of((int)lo);
    if (band < 0 || band != band_of((int)(hi > 200 ? 200 : hi)))
        return line_error(err, line,
                          "aldersgruppen går over Helsebros grupper (0-17, 18-49, 50-66, 67-79, "
                          "80-89, 90+); bruk ettårig alder eller disse gruppene",
                          age);
    if (strlen(year) != 4 || hb_parse_i64(year, 4, YEAR0, YEAR0 + NYEARS - 1, &y))
        return line_error(err, line, "året må være fra 2000 til 2060", year);
    while (*value == ' ')
        value++;
    if (hb_parse_i64(value, strlen(value), 0, 100000000, &v))
        return line_error(err, line, "antallet må være et helt tall", value);
    im->count[at(m, (int)(y - YEAR0), s, band)] += v;
    im->seen[(size_t)m * NYEARS + (size_t)(y - YEAR0)] = true;
    im->res->rows++;
    return 0;
}

static int parse(struct import *im, char *text, struct hb_error *err)
{
    if (!strncmp(text, "\xEF\xBB\xBF", 3))
        text += 3;
    int col[4] = {-1, -1, -1, -1}, line = 0, nfields = 0;
    char sep = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n'), *next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = '\0';
        line++;
        char *f[MAX_FIELDS];
        if (len == 0) {
            p = next;
            continue;
        }
        if (!sep) {
            /* Looking for the header; a title line above it is skipped. */
            char s = strchr(p, ';') ? ';' : ',';
            int n = hb_csv_split(p, s, f, MAX_FIELDS);
            for (int i = 0; i < n; i++) {
                col[0] = starts(f[i], "region") ? i : col[0];
                col[1] = starts(f[i], "kjønn") ? i : col[1];
                col[2] = starts(f[i], "alder") ? i : col[2];
                col[3] = starts(f[i], "år") || starts(f[i], "År") || starts(f[i], "tid") ? i : col[3];
            }
            if (col[0] >= 0 && col[1] >= 0 && col[2] >= 0 && col[3] >= 0) {
                sep = s;
                nfields = n;
            } else if (line > 3) {
                return hb_fail(err, HB_INVALID, "csv",
                               "Fant ikke overskriften: kolonnene region, kjønn, alder og år "
                               "må stå i en av de tre første linjene");
            } else {
                col[0] = col[1] = col[2] = col[3] = -1;
            }
            p = next;
            continue;
        }
        int n = hb_csv_split(p, sep, f, MAX_FIELDS);
        if (n != nfields)
            return hb_fail(err, HB_INVALID, "csv", "Linje %d har %d felt, overskriften %d", line,
                           n, nfields);
        int rc = parse_line(im, f, n, col, line, err);
        if (rc)
            return rc;
        p = next;
    }
    if (!sep)
        return hb_fail(err, HB_INVALID, "csv", "Filen er tom eller mangler overskrift");
    if (!im->res->rows)
        return hb_fail(err, HB_INVALID, "csv", "Ingen linjer for kommuner i filen");
    return 0;
}

static int store(struct hb_db *db, struct import *im, struct hb_error *err)
{
    for (int m = 0; m < im->nmuni; m++) {
        bool any = false;
        for (int y = 0; y < NYEARS; y++) {
            if (!im->seen[(size_t)m * NYEARS + (size_t)y])
                continue;
            any = true;
            struct hb_stmt *st;
            int rc = hb_db_stmt(db, SQL_DELETE, &st, err);
            if (rc)
                return rc;
            hb_stmt_int(st, 1, im->muni_id[m]);
            hb_stmt_int(st, 2, YEAR0 + y);
            if ((rc = hb_stmt_run(st, err)) < 0)
                return rc;
            for (int s = 0; s < 2; s++)
                for (int b = 0; b < NBANDS; b++)
                    if ((rc = hb_org_population_add(db, im->muni_id[m], YEAR0 + y,
                                                    s ? "male" : "female", bands[b].band,
                                                    (int)im->count[at(m, y, s, b)], err)))
                        return rc;
            if (!im->res->first_year || YEAR0 + y < im->res->first_year)
                im->res->first_year = YEAR0 + y;
            if (YEAR0 + y > im->res->last_year)
                im->res->last_year = YEAR0 + y;
        }
        im->res->municipalities += any;
    }
    return 0;
}

int hb_org_population_import(struct hb_db *db, const char *csv, size_t len,
                             struct hb_pop_import *res, struct hb_error *err)
{
    memset(res, 0, sizeof(*res));
    struct import *im = hb_xcalloc(1, sizeof(*im));
    im->res = res;
    char *text = hb_xmalloc(len + 1);
    memcpy(text, csv, len);
    text[len] = '\0';
    int rc = load_munis(db, im, err);
    if (rc == 0) {
        im->count = hb_xcalloc((size_t)im->nmuni * NYEARS * 2 * NBANDS + 1, sizeof(int64_t));
        im->seen = hb_xcalloc((size_t)im->nmuni * NYEARS + 1, sizeof(bool));
        rc = parse(im, text, err);
    }
    if (rc == 0)
        rc = store(db, im, err);
    free(im->count);
    free(im->seen);
    free(im);
    free(text);
    return rc;
}
