/* core: buffers, numbers, arena, time, ids, text folding, error table. */
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "harness.h"

static int deferred;
static void bump(void *p)
{
    deferred += *(int *)p;
}

int main(void)
{
    subtest("buffer limits");
    struct hb_buf b;
    hb_buf_init(&b, 8);
    ok(hb_buf_adds(&b, "12345") == 0 && b.len == 5, "add within max");
    ok(hb_buf_adds(&b, "6789") == HB_TOO_LARGE && b.len == 5, "over max refused, unchanged");
    ok(strcmp(b.ptr, "12345") == 0, "content kept and terminated");
    ok(hb_buf_addf(&b, "%d", 678) == 0 && strcmp(b.ptr, "12345678") == 0, "addf to exactly max");
    hb_buf_release(&b);
    ok(b.ptr == NULL && b.len == 0, "release empties");

    subtest("integers");
    int64_t v;
    ok(hb_parse_i64("42", 2, 0, 100, &v) == 0 && v == 42, "42");
    ok(hb_parse_i64("-7", 2, -10, 10, &v) == 0 && v == -7, "-7");
    ok(hb_parse_i64("101", 3, 0, 100, &v) == HB_INVALID, "above max");
    ok(hb_parse_i64("4x", 2, 0, 100, &v) == HB_INVALID, "trailing junk");
    ok(hb_parse_i64(" 4", 2, 0, 100, &v) == HB_INVALID, "leading space");
    ok(hb_parse_i64("", 0, 0, 100, &v) == HB_INVALID, "empty");
    ok(hb_parse_i64("99999999999999999999", 20, 0, INT64_MAX, &v) == HB_INVALID, "overflow");
    ok(hb_parse_i64("123", 2, 0, 100, &v) == 0 && v == 12, "length bounds the parse");

    subtest("arena");
    struct hb_arena *a = hb_arena_new();
    int one = 1, two = 2;
    hb_arena_defer(a, bump, &one);
    hb_arena_defer(a, bump, &two);
    char *s = hb_arena_printf(a, "%s-%d", "x", 5);
    ok(strcmp(s, "x-5") == 0, "printf");
    char *big = hb_arena_alloc(a, 100000);
    ok(big && big[99999] == 0, "large zeroed allocation");
    ok(((uintptr_t)hb_arena_alloc(a, 3) & 15) == 0, "aligned");
    hb_arena_free(a);
    ok(deferred == 3, "defers ran once each (%d)", deferred);
    hb_arena_free(NULL);

    subtest("time in Norway");
    char t[32];
    /* 2026-01-15 12:00 UTC is 13:00 in winter. */
    hb_time_no(1768478400LL * 1000000, t, sizeof(t));
    ok(strcmp(t, "15.01.2026 13:00") == 0, "winter: %s", t);
    /* 2026-07-01 12:00 UTC is 14:00 in summer. */
    hb_time_no(1782907200LL * 1000000, t, sizeof(t));
    ok(strcmp(t, "01.07.2026 14:00") == 0, "summer: %s", t);
    /* Summer time starts 2026-03-29 01:00 UTC. */
    hb_time_no(1774745940LL * 1000000, t, sizeof(t)); /* 00:59 UTC */
    ok(strcmp(t, "29.03.2026 01:59") == 0, "just before the switch: %s", t);
    hb_time_no(1774746000LL * 1000000, t, sizeof(t)); /* 01:00 UTC */
    ok(strcmp(t, "29.03.2026 03:00") == 0, "at the switch: %s", t);
    /* and ends 2026-10-25 01:00 UTC. */
    hb_time_no(1792890000LL * 1000000, t, sizeof(t));
    ok(strcmp(t, "25.10.2026 02:00") == 0, "back to winter: %s", t);
    hb_time_iso(1768478400123456LL, t, sizeof(t));
    ok(strcmp(t, "2026-01-15T12:00:00.123Z") == 0, "iso: %s", t);
    /* Wall-clock minutes and back. */
    ok(hb_local_minutes(1768478400LL * 1000000) == 1768478400LL / 60 + 60, "winter: UTC+1");
    ok(hb_local_minutes(1782907200LL * 1000000) == 1782907200LL / 60 + 120, "summer: UTC+2");
    bool round = true;
    for (int64_t u = 1767225600; u < 1767225600 + 366 * 86400LL; u += 17 * 60) {
        int64_t m = hb_local_minutes(u * 1000000);
        round = round && hb_local_minutes(hb_local_minutes_us(m)) == m;
    }
    ok(round, "every wall-clock minute of 2026 back to UTC and again");
    /* The switch instants worked out by arithmetic, against libc's timegm
     * doing the same (the last Sunday of March and October, 01:00 UTC), at
     * every hour either side of every switch from 1980 to 2060. */
    bool same = true;
    for (int y = 1980; y <= 2060 && same; y++)
        for (int mo = 3; mo <= 10; mo += 7) {
            struct tm tm = {.tm_year = y - 1900, .tm_mon = mo, .tm_mday = 1, .tm_hour = 1};
            time_t first_next = timegm(&tm), sw;
            struct tm g;
            gmtime_r(&first_next, &g);
            sw = first_next - (time_t)(g.tm_wday == 0 ? 7 : g.tm_wday) * 86400;
            for (int64_t h = -48; h <= 48; h++) {
                int64_t at = (int64_t)sw + h * 3600 - (h < 0 ? 1 : 0);
                bool summer_after = mo == 3;
                int64_t want = at / 60 + ((at >= sw) == summer_after ? 120 : 60);
                if (hb_local_minutes(at * 1000000) != want) {
                    same = false;
                    printf("# %d-%02d at %lld: %lld, want %lld\n", y, mo, (long long)at,
                           (long long)hb_local_minutes(at * 1000000), (long long)want);
                }
            }
        }
    ok(same, "summer time from the last Sunday of March to that of October, 1980-2060");
    /* 25 October 2026 02:30 happens twice: the first (summer time) is meant. */
    ok(hb_local_minutes_us(hb_civil_days(2026, 10, 25) * 1440 + 150) == 1792888200LL * 1000000,
       "the repeated hour: the first 02:30");
    ok(hb_local_minutes_us(hb_civil_days(2026, 7, 1) * 1440) == 1782856800LL * 1000000,
       "midnight 1 July 2026 in Norway is 22:00 UTC the day before");

    subtest("instants");
    int64_t us;
    ok(hb_parse_instant("2026-01-15T12:00:00Z", &us) == 0 && us == 1768478400LL * 1000000, "Z");
    ok(hb_parse_instant("2026-01-15T13:00+01:00", &us) == 0 && us == 1768478400LL * 1000000,
       "offset, no seconds");
    ok(hb_parse_instant("2026-01-15T12:00:00.5Z", &us) == 0 && us == 1768478400500000LL,
       "fraction");
    ok(hb_parse_instant("2026-01-15T12:00:00", &us) == HB_INVALID, "no zone refused");
    ok(hb_parse_instant("2026-02-30T12:00Z", &us) == HB_INVALID, "no such day");
    ok(hb_parse_instant("2026-01-15 12:00Z", &us) == HB_INVALID, "space refused");

    subtest("ids");
    int64_t prev = hb_id_new(), increasing = 1;
    for (int i = 0; i < 50000; i++) {
        int64_t id = hb_id_new();
        if (id <= prev)
            increasing = 0;
        prev = id;
    }
    ok(increasing && prev > 0, "50,000 ids strictly increase");

    subtest("folding");
    a = hb_arena_new();
    ok(strcmp(hb_fold(a, "ØSTERØY Åse Ærlig"), "østerøy åse ærlig") == 0, "Norwegian letters");
    ok(strcmp(hb_like_prefix(a, "50%_a!"), "50!%!_a!!%") == 0, "LIKE escaping");
    hb_arena_free(a);

    subtest("errors");
    ok(hb_err_status(HB_NOT_FOUND) == 404 && hb_err_status(HB_PRECONDITION) == 412 &&
           hb_err_status(HB_TOO_LARGE) == 413 && hb_err_status(HB_UNPROCESSABLE) == 422,
       "statuses");
    struct hb_error e;
    ok(hb_fail(&e, HB_INVALID, "name", "bad %d", 3) == HB_INVALID &&
           strcmp(e.field, "name") == 0 && strcmp(e.message, "bad 3") == 0,
       "hb_fail fills");
    ok(hb_fail(NULL, HB_CONFLICT, NULL, "x") == HB_CONFLICT, "hb_fail without err");
    char tok[64], h1[65], h2[65];
    hb_token_new(tok, sizeof(tok));
    ok(strlen(tok) == 43, "token is 256 bits base64url");
    hb_token_hash(tok, strlen(tok), h1);
    hb_token_hash(tok, strlen(tok), h2);
    ok(strcmp(h1, h2) == 0 && strlen(h1) == 64 && strcmp(h1, tok) != 0, "token hash");
    return done();
}
