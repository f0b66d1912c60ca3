/* National id rules: fødselsnummer, D-number, synthetic (month + 80). */
#include <string.h>

#include "harness.h"
#include "patient/patient.h"

static const struct {
    const char *id;
    int ok;
    const char *why; /* a word the error must contain */
} cases[] = {
    /* Valid ids computed by the mod-11 rules (synthetic, as the demo uses). */
    {"14834101204", 1, NULL},   /* 14.03.1941, female */
    {"", 0, "11 sifre"},
    {"1483410120", 0, "11 sifre"},
    {"148341012045", 0, "11 sifre"},
    {"1483410120a", 0, "bare sifre"},
    {"14834101214", 0, "Første kontrollsiffer"},
    {"14834101205", 0, "Andre kontrollsiffer"},
};

static void check_generated(int year, int month, int day, bool female)
{
    char id[12];
    int rc = hb_nid_make_synthetic(year, month, day, female, 3, id);
    ok(rc == 0, "make synthetic %04d-%02d-%02d", year, month, day);
    struct hb_nid n;
    struct hb_error err = {0};
    rc = hb_nid_parse(id, &n, &err);
    ok(rc == 0, "generated %s parses (%s)", id, err.message);
    ok(n.synthetic && n.kind == HB_NID_FNR, "%s is a synthetic fødselsnummer", id);
    ok(n.year == year && n.month == month && n.day == day, "%s date %d-%d-%d", id, n.year,
       n.month, n.day);
    ok(n.female == female, "%s sex", id);
    /* Changing any one digit must break a check digit (or another rule). */
    for (int i = 0; i < 11; i++) {
        char bad[12];
        memcpy(bad, id, sizeof(bad));
        bad[i] = (char)('0' + (bad[i] - '0' + 1) % 10);
        struct hb_nid m;
        ok(hb_nid_parse(bad, &m, NULL) != 0 || memcmp(&m, &n, sizeof(m)) != 0,
           "changing digit %d of %s is caught", i, id);
    }
}

/* Builds an id from its first nine digits with correct check digits. */
static void with_checks(const char *nine, char out[12])
{
    static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int d[11], s = 0;
    for (int i = 0; i < 9; i++)
        d[i] = nine[i] - '0';
    for (int i = 0; i < 9; i++)
        s += d[i] * w1[i];
    d[9] = (11 - s % 11) % 11;
    s = 0;
    for (int i = 0; i < 10; i++)
        s += d[i] * w2[i];
    d[10] = (11 - s % 11) % 11;
    for (int i = 0; i < 11; i++)
        out[i] = (char)('0' + d[i]);
    out[11] = '\0';
}

int main(void)
{
    subtest("table of cases");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct hb_nid n;
        struct hb_error err = {0};
        int rc = hb_nid_parse(cases[i].id, &n, &err);
        ok((rc == 0) == cases[i].ok, "case %s: rc %d (%s)", cases[i].id, rc, err.message);
        if (cases[i].why)
            ok(strstr(err.message, cases[i].why) != NULL, "case %s: message '%s' names '%s'",
               cases[i].id, err.message, cases[i].why);
    }

    subtest("generated synthetic ids round-trip");
    check_generated(1941, 3, 14, true);
    check_generated(1999, 12, 31, false);
    check_generated(2024, 2, 29, true);
    check_generated(1900, 1, 1, false);

    subtest("D-number, H-number, real fødselsnummer, dates and centuries");
    char id[12];
    struct hb_nid n;
    struct hb_error err = {0};
    int found = 0;
    /* Find a D-number whose check digits are both valid, by individual number. */
    for (int ind = 0; ind < 500 && !found; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "410170%03d", ind);
        with_checks(nine, id);
        if (hb_nid_parse(id, &n, NULL) == 0) {
            found = 1;
            ok(n.kind == HB_NID_DNR && n.day == 1 && n.month == 1 && n.year == 1970,
               "D-number %s parsed as 01.01.1970", id);
        }
    }
    ok(found, "some D-number for 01.01.1970 is valid");
    found = 0;
    for (int ind = 0; ind < 500 && !found; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "014170%03d", ind); /* month 41: H-number, January */
        with_checks(nine, id);
        if (id[9] > '9' || id[10] > '9')
            continue;
        memset(&err, 0, sizeof(err));
        int rc = hb_nid_parse(id, &n, &err);
        if (strstr(err.message, "kontrollsiffer"))
            continue;
        found = 1;
        ok(rc != 0 && strstr(err.message, "H-nummer") != NULL, "H-number %s refused: %s", id,
           err.message);
    }
    ok(found, "an H-number with valid check digits was tried");
    found = 0;
    for (int ind = 0; ind < 500 && !found; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "310285%03d", ind); /* 31.02.1985 */
        with_checks(nine, id);
        if (id[9] > '9' || id[10] > '9')
            continue;
        memset(&err, 0, sizeof(err));
        if (hb_nid_parse(id, &n, &err) != 0 && strstr(err.message, "kontrollsiffer"))
            continue;
        found = 1;
        ok(strstr(err.message, "finnes ikke") != NULL, "31.02 refused: %s", err.message);
    }
    ok(found, "an impossible date with valid check digits was tried");
    found = 0;
    for (int ind = 500; ind < 750 && !found; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "010150%03d", ind); /* yy 50, ind 500-749: no century */
        with_checks(nine, id);
        if (id[9] > '9' || id[10] > '9')
            continue;
        memset(&err, 0, sizeof(err));
        if (hb_nid_parse(id, &n, &err) != 0 && strstr(err.message, "kontrollsiffer"))
            continue;
        found = 1;
        ok(strstr(err.message, "Individnummeret") != NULL, "century rule: %s", err.message);
    }
    ok(found, "an id with no valid century was tried");
    found = 0;
    for (int ind = 0; ind < 500 && !found; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "150385%03d", ind); /* a plain fødselsnummer, 1985 */
        with_checks(nine, id);
        if (hb_nid_parse(id, &n, NULL) == 0) {
            found = 1;
            ok(!n.synthetic && n.kind == HB_NID_FNR && n.year == 1985, "real form %s", id);
        }
    }
    ok(found, "a plain fødselsnummer parses");
    return done();
}
