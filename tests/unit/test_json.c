/* Exact JSON numbers: decoded as written, encoded back unchanged, forgeries
 * refused. */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "harness.h"

int main(void)
{
    subtest("number grammar");
    static const struct {
        const char *s;
        int ok;
    } nums[] = {{"0", 1},   {"37.50", 1}, {"-1", 1},  {"1e5", 1},   {"1.0E-3", 1},
                {"01", 0},  {"1.", 0},    {".5", 0},  {"+1", 0},    {"1e", 0},
                {"--1", 0}, {"", 0},      {"12a", 0}, {"1.2.3", 0}, {"-0.0", 1}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        ok(hb_json_is_number_text(nums[i].s, strlen(nums[i].s)) == nums[i].ok, "%s", nums[i].s);

    subtest("decode keeps the text of every number");
    const char *in = "{\"value\": 37.50, \"list\": [1, -0.10, 2e3], \"s\": \"37.50 \\\"x\\\"\", "
                     "\"t\": true, \"n\": null}";
    json_error_t err;
    json_t *j = hb_json_loadb_exact(in, strlen(in), 0, &err);
    ok(j != NULL, "parses");
    ok(strcmp(hb_json_number(json_object_get(j, "value")), "37.50") == 0, "37.50 stays 37.50");
    ok(strcmp(hb_json_number(json_array_get(json_object_get(j, "list"), 1)), "-0.10") == 0,
       "in arrays too");
    ok(hb_json_number(json_object_get(j, "s")) == NULL, "a string is not a number");
    ok(strcmp(json_string_value(json_object_get(j, "s")), "37.50 \"x\"") == 0,
       "strings untouched, escapes and all");
    ok(json_is_true(json_object_get(j, "t")) && json_is_null(json_object_get(j, "n")),
       "literals untouched");

    subtest("encode writes them back as numbers");
    json_object_set_new(j, "made", hb_json_number_new("120.0"));
    char *out = hb_json_dumps_exact(j, JSON_COMPACT | JSON_SORT_KEYS);
    ok(out && strstr(out, "\"value\":37.50") && strstr(out, "[1,-0.10,2e3]") &&
           strstr(out, "\"made\":120.0") && strstr(out, "\"s\":\"37.50 \\\"x\\\"\""),
       "round trip: %s", out ? out : "(null)");
    json_t *back = json_loads(out, 0, NULL);
    ok(back != NULL, "the output is valid JSON");
    json_decref(back);
    free(out);
    json_decref(j);
    ok(hb_json_number_new("1.2.3") == NULL, "no marked number from a non-number");

    subtest("malformed input and forgeries are refused");
    ok(hb_json_loadb_exact("{\"v\": 1.2.3}", 12, 0, &err) == NULL, "a bad number");
    ok(hb_json_loadb_exact("{\"v\": \"\\u0001\"}", 15, 0, &err) == NULL, "the marker in input");
    ok(hb_json_loadb_exact("{\"v\": ", 6, 0, &err) == NULL, "truncated");
    return done();
}
