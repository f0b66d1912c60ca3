/* http internals: route patterns, static paths, content types, JSON detection.
 * Includes the .c file to reach its static functions. */
#include "core/http.c"

#include "harness.h"

static bool matches(const char *pattern, const char *path, const char *want0, const char *want1)
{
    struct hb_request req = {0};
    req.arena = hb_arena_new();
    bool m = match(pattern, path, &req);
    bool ok_params = !m || ((want0 == NULL) == (req.nparams < 1) &&
                            (!want0 || strcmp(req.params[0], want0) == 0) &&
                            (!want1 || (req.nparams > 1 && strcmp(req.params[1], want1) == 0)));
    hb_arena_free(req.arena);
    return m && ok_params;
}

int main(void)
{
    subtest("route patterns");
    ok(matches("/healthz", "/healthz", NULL, NULL), "literal");
    ok(!matches("/healthz", "/healthz/", NULL, NULL), "trailing slash is another path");
    ok(!matches("/healthz", "/health", NULL, NULL), "prefix is not a match");
    ok(matches("/fhir/Patient/{id}", "/fhir/Patient/123", "123", NULL), "one parameter");
    ok(!matches("/fhir/Patient/{id}", "/fhir/Patient/", NULL, NULL), "empty parameter");
    ok(!matches("/fhir/Patient/{id}", "/fhir/Patient/1/2", NULL, NULL), "too many segments");
    ok(matches("/fhir/Patient/{id}/_history/{vid}", "/fhir/Patient/9/_history/2", "9", "2"),
       "two parameters");
    ok(!matches("/fhir/Patient/{id}/_history/{vid}", "/fhir/Patient/9/_history", NULL, NULL),
       "missing segment");

    subtest("static paths stay inside web/");
    ok(safe_path("/index.html") && safe_path("/app.js") && safe_path("/img/logo.svg"), "plain");
    ok(!safe_path("/../Makefile"), "dot-dot");
    ok(!safe_path("/img/../../etc/passwd"), "dot-dot inside");
    ok(!safe_path("/.git/config"), "hidden");
    ok(!safe_path("//etc/passwd"), "double slash");
    ok(!safe_path("/a b.html") && !safe_path("/a%2e.html") && !safe_path("/a\\b"), "odd bytes");
    ok(!safe_path("index.html"), "relative");

    subtest("content types");
    ok(strcmp(content_type_of("/a.html"), "text/html; charset=utf-8") == 0, "html");
    ok(strcmp(content_type_of("/a.js"), "text/javascript; charset=utf-8") == 0, "js");
    ok(content_type_of("/a.exe") == NULL && content_type_of("/noext") == NULL, "unknown refused");

    subtest("JSON bodies");
    ok(has_json_type("application/json"), "json");
    ok(has_json_type("application/json; charset=utf-8"), "with charset");
    ok(has_json_type("application/fhir+json"), "fhir+json");
    ok(has_json_type("Application/JSON"), "case-insensitive");
    ok(!has_json_type("application/jsonp") && !has_json_type("text/plain") && !has_json_type(NULL),
       "others refused");
    return done();
}
