/* careplan's pure rules: health-issue codes, the next day of a recurring task,
 * which edits conflict, relatives' consent scopes, and the travel a
 * co-consultation avoids. */
#include <string.h>

#include "careplan/access.c"
#include "careplan/item.c"
#include "harness.h"

static const char *next(const char *day, const char *rec)
{
    static char out[16];
    next_day(day, rec, out);
    return out;
}

int main(void)
{
    subtest("ICPC-2 and ICD-10 codes");
    {
        static const struct {
            const char *system, *code;
            bool valid;
        } cases[] = {
            {"icpc2", "T90", true},      {"icpc2", "K77", true},    {"icpc2", "T9", false},
            {"icpc2", "T900", false},    {"icpc2", "t90", false},   {"icpc2", "90T", false},
            {"icd10", "E11", true},      {"icd10", "E119", true},   {"icd10", "E11.9", true},
            {"icd10", "J44.9", true},    {"icd10", "S72.00", true}, {"icd10", "E11.", false},
            {"icd10", "E11.999", false}, {"icd10", "E1", false},    {"icd10", "E11-9", false},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            ok(code_ok(cases[i].system, cases[i].code) == cases[i].valid, "%s %s is %s",
               cases[i].system, cases[i].code, cases[i].valid ? "valid" : "invalid");
    }
    subtest("the next occurrence of a recurring task");
    ok(strcmp(next("2026-11-25", "daily"), "2026-11-26") == 0, "daily");
    ok(strcmp(next("2026-12-31", "daily"), "2027-01-01") == 0, "daily over the new year");
    ok(strcmp(next("2026-11-25", "weekly"), "2026-12-02") == 0, "weekly");
    ok(strcmp(next("2026-12-28", "weekly"), "2027-01-04") == 0, "weekly over the new year");
    ok(strcmp(next("2026-01-15", "monthly"), "2026-02-15") == 0, "monthly");
    ok(strcmp(next("2026-01-31", "monthly"), "2026-02-28") == 0, "31 January: end of February");
    ok(strcmp(next("2028-01-31", "monthly"), "2028-02-29") == 0, "a leap year");
    ok(strcmp(next("2026-03-31", "monthly"), "2026-04-30") == 0, "31 March: 30 April");
    ok(strcmp(next("2026-12-15", "monthly"), "2027-01-15") == 0, "December to January");
    subtest("edits conflict only where they touch the same field");
    ok(fields_overlap("crisisSigns", "crisisSigns"), "the same field");
    ok(fields_overlap("title,crisisSigns", "nutritionNotes,crisisSigns"), "one shared in lists");
    ok(!fields_overlap("crisisSigns", "crisisActions"), "different fields");
    ok(!fields_overlap("status", "statusLabel"), "a prefix is not the field");
    ok(!fields_overlap("text", "textual,context"), "nor a part");
    subtest("consent scopes");
    {
        unsigned s = 0;
        json_t *a = json_pack("[s,s]", "plan", "messages");
        ok(hb__care_scopes_parse(a, &s, NULL) == 0 && s == (HB__SCOPE_PLAN | HB__SCOPE_MESSAGES),
           "plan and messages");
        json_decref(a);
        a = json_pack("[s]", "everything");
        ok(hb__care_scopes_parse(a, &s, NULL) == HB_INVALID, "unknown scope refused");
        json_decref(a);
        a = json_array();
        ok(hb__care_scopes_parse(a, &s, NULL) == 0 && s == 0, "none: withdrawn");
        json_decref(a);
        a = json_string("plan");
        ok(hb__care_scopes_parse(a, &s, NULL) == HB_INVALID, "not a list");
        json_decref(a);
        json_t *j = hb__care_scopes_json(HB__SCOPE_APPOINTMENTS | HB__SCOPE_MEASUREMENTS);
        ok(json_array_size(j) == 2 &&
               strcmp(json_string_value(json_array_get(j, 0)), "appointments") == 0,
           "bits back to names");
        json_decref(j);
    }
    subtest("travel avoided: a round trip priced at the rates");
    {
        struct hb_care_travel t = hb_care_travel_avoided(45, 40, 350, 120);
        ok(t.km == 90 && t.minutes == 80, "there and back: 90 km, 80 minutes");
        ok(t.nok_ore == 31500, "90 km at 3.50 NOK: 315.00 NOK (%lld øre)", (long long)t.nok_ore);
        ok(t.co2_g == 10800, "90 km at 120 g: 10.8 kg CO2");
        t = hb_care_travel_avoided(0, 0, 350, 120);
        ok(t.km == 0 && t.nok_ore == 0 && t.co2_g == 0, "no travel, nothing avoided");
    }
    subtest("labels");
    ok(strcmp(hb__care_role_label("home-care-nurse"), "Hjemmesykepleier") == 0, "role label");
    ok(hb__care_role_label("wizard") == NULL, "unknown role");
    ok(strcmp(hb__care_status_label("task", "completed"), "Utført") == 0, "task status label");
    ok(strcmp(hb__care_status_label("goal", "completed"), "Nådd") == 0, "goal status label");
    return done();
}
