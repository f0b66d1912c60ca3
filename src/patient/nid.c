/* Norwegian national ids: fødselsnummer, D-number and synthetic test ids. */
#include <stdio.h>
#include <string.h>

#include "patient.h"

#include "../core/banned.h"

static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};

/* Mod-11 check digit over d[0..n-1] with weights w; -1 when it would be 10. */
static int check_digit(const int *d, const int *w, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += d[i] * w[i];
    int k = 11 - sum % 11;
    if (k == 11)
        k = 0;
    return k == 10 ? -1 : k;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* The century from the individual number (Skatteetaten's table); 0 if none. */
static int century_year(int yy, int ind)
{
    if (ind <= 499)
        return 1900 + yy;
    if (ind <= 749 && yy >= 54)
        return 1800 + yy;
    if (yy <= 39)
        return 2000 + yy;
    if (ind >= 900)
        return 1900 + yy;
    return 0;
}

int hb_nid_parse(const char *s, struct hb_nid *out, struct hb_error *err)
{
    int d[11];
    if (!s || strlen(s) != 11)
        return hb_fail(err, HB_INVALID, "identifier",
                       "Fødselsnummer og D-nummer har 11 sifre");
    for (int i = 0; i < 11; i++) {
        if (s[i] < '0' || s[i] > '9')
            return hb_fail(err, HB_INVALID, "identifier",
                           "Fødselsnummer og D-nummer har bare sifre");
        d[i] = s[i] - '0';
    }
    struct hb_nid n = {.kind = HB_NID_FNR};
    int day = d[0] * 10 + d[1], month = d[2] * 10 + d[3], yy = d[4] * 10 + d[5];
    int ind = d[6] * 100 + d[7] * 10 + d[8];
    if (day > 40) {
        n.kind = HB_NID_DNR;
        day -= 40;
    }
    if (month > 80) {
        n.synthetic = true;
        month -= 80;
    } else if (month > 40) {
        return hb_fail(err, HB_INVALID, "identifier",
                       "H-nummer (måned + 40) tas ikke imot; bruk fødselsnummer eller "
                       "D-nummer");
    }
    int k1 = check_digit(d, w1, 9);
    if (k1 < 0 || k1 != d[9])
        return hb_fail(err, HB_INVALID, "identifier",
                       "Første kontrollsiffer (siffer 10) stemmer ikke (mod 11)");
    int k2 = check_digit(d, w2, 10);
    if (k2 < 0 || k2 != d[10])
        return hb_fail(err, HB_INVALID, "identifier",
                       "Andre kontrollsiffer (siffer 11) stemmer ikke (mod 11)");
    int year = century_year(yy, ind);
    if (!year)
        return hb_fail(err, HB_INVALID, "identifier",
                       "Individnummeret %03d passer ikke med fødselsår %02d", ind, yy);
    if (month < 1 || month > 12)
        return hb_fail(err, HB_INVALID, "identifier", "Måneden %02d finnes ikke", month);
    if (day < 1 || day > days_in(year, month))
        return hb_fail(err, HB_INVALID, "identifier", "Dagen %02d.%02d.%04d finnes ikke", day,
                       month, year);
    n.year = year;
    n.month = month;
    n.day = day;
    n.female = d[8] % 2 == 0;
    *out = n;
    return 0;
}

int hb_nid_make_synthetic(int year, int month, int day, bool female, unsigned seq, char *out)
{
    int lo, hi;
    if (year >= 1900 && year <= 1999) {
        lo = 0;
        hi = 499;
    } else if (year >= 2000 && year <= 2039) {
        lo = 500;
        hi = 999;
    } else {
        return HB_INVALID;
    }
    int span = hi - lo + 1;
    for (int t = 0; t < span; t++) {
        int ind = lo + (int)((seq + (unsigned)t) % (unsigned)span);
        if ((ind % 2 == 0) != female)
            continue;
        int d[11] = {day / 10, day % 10, (month + 80) / 10, (month + 80) % 10,
                     (year % 100) / 10, year % 10, ind / 100, (ind / 10) % 10, ind % 10};
        int k1 = check_digit(d, w1, 9);
        if (k1 < 0)
            continue;
        d[9] = k1;
        int k2 = check_digit(d, w2, 10);
        if (k2 < 0)
            continue;
        d[10] = k2;
        for (int i = 0; i < 11; i++)
            out[i] = (char)('0' + d[i]);
        out[11] = '\0';
        return 0;
    }
    return HB_INVALID;
}
