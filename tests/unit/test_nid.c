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

/* The first id six + individual number in [lo, hi) whose two check digits are
 * digits (a check digit of 10 makes no valid id). */
static bool first_with_checks(const char *six, int lo, int hi, char id[12])
{
    for (int ind = lo; ind < hi; ind++) {
        char nine[24];
        snprintf(nine, sizeof(nine), "%s%03d", six, ind);
        with_checks(nine, id);
        if (id[9] <= '9' && id[10] <= '9')
            return true;
    }
    return false;
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
    static const struct {
        const char *six; /* ddmmyy */
        int lo, hi;      /* individual numbers to try */
        const char *why; /* NULL: valid; else a word of the refusal */
        const char *what;
    } rules[] = {
        {"410170", 0, 500, NULL, "D-number (day + 40), 01.01.1970"},
        {"150385", 0, 500, NULL, "plain fødselsnummer, 15.03.1985"},
        {"014170", 0, 500, "H-nummer", "H-number (month + 40) refused"},
        {"310285", 0, 500, "finnes ikke", "31.02.1985 refused"},
        {"010150", 500, 750, "Individnummeret", "individual number 500-749 with yy 50: no century"},
    };
    for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
        char id[12];
        ok(first_with_checks(rules[r].six, rules[r].lo, rules[r].hi, id), "%s: an id exists",
           rules[r].what);
        struct hb_nid n;
        struct hb_error err = {0};
        int rc = hb_nid_parse(id, &n, &err);
        if (!rules[r].why)
            ok(rc == 0 && !n.synthetic, "%s: %s parses (%s)", rules[r].what, id, err.message);
        else
            ok(rc != 0 && strstr(err.message, rules[r].why), "%s: %s (%s)", rules[r].what, id,
               err.message);
    }
    struct hb_nid d;
    char did[12];
    first_with_checks("410170", 0, 500, did);
    ok(hb_nid_parse(did, &d, NULL) == 0 && d.kind == HB_NID_DNR && d.day == 1 && d.month == 1 &&
           d.year == 1970,
       "D-number %s read as 01.01.1970", did);
    return done();
}
