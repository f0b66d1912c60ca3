/* analytics: `helsebro risk evaluate`: how well the risk score finds the
 * patients who will use the most: score everyone on the twelve months before
 * a day, then measure the share of the next twelve months' bed-days used by
 * the top 5 % by score (and, for comparison, by last year's bed-days alone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli.h"
#include "../core/core.h"
#include "risk.h"

#include "../core/banned.h"

static const struct hb_opt opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"at", "YYYY-MM-DD", "score on the year before this day (default: a year ago)"},
    {NULL, NULL, NULL},
};

static int by_last_year(const void *x, const void *y)
{
    const struct hb_risk_row *a = x, *b = y;
    return (a->facts.bed_days < b->facts.bed_days) - (a->facts.bed_days > b->facts.bed_days);
}

static int by_next_year(const void *x, const void *y)
{
    const struct hb_risk_row *a = x, *b = y;
    return (a->next_bed_days < b->next_bed_days) - (a->next_bed_days > b->next_bed_days);
}

static double top_share(const struct hb_risk_row *rows, int n, int top, double total)
{
    double sum = 0;
    for (int i = 0; i < top && i < n; i++)
        sum += rows[i].next_bed_days;
    return total > 0 ? 100 * sum / total : 0;
}

int hb_cmd_risk(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "risk",
                     "risk evaluate: score every patient on the year before --at and report the\n"
                     "share of the next year's bed-days used by the top 5 % by score.",
                     opts, argc, argv))
        return cli.exit_code;
    if (cli.npositional != 1 || strcmp(cli.positional[0], "evaluate") != 0)
        return hb_cli_die("risk: the subcommand is `risk evaluate`");
    const char *url = hb_cli_get(&cli, "db", NULL), *at_s = hb_cli_get(&cli, "at", NULL);
    if (!url)
        return hb_cli_die("risk evaluate: --db is required");
    int64_t at = hb_now_us() - 365LL * 86400 * 1000000, day;
    if (at_s) {
        if (hb_date_days(at_s, &day))
            return hb_cli_die("risk evaluate: --at must be a date YYYY-MM-DD");
        at = day * 86400LL * 1000000;
    }
    struct hb_store *s;
    struct hb_error err = {0};
    if (hb_store_open(url, 1, &s, &err))
        return hb_cli_die("risk evaluate: %s", err.message);
    struct hb_db *db = hb_store_acquire(s, &err);
    struct hb_risk_row *rows = NULL;
    int n = 0;
    double total = 0;
    int rc = db ? hb_risk_compute(db, at, true, NULL, &rows, &n, &total, &err) : HB_UNAVAILABLE;
    if (db)
        hb_store_release(s, db);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("risk evaluate: %s", err.message);
    int top = (n + 19) / 20;
    char when[16];
    hb_days_date(at / (86400LL * 1000000), when, sizeof(when));
    double by_score = top_share(rows, n, top, total);
    qsort(rows, (size_t)n, sizeof(*rows), by_last_year);
    double by_days = top_share(rows, n, top, total);
    qsort(rows, (size_t)n, sizeof(*rows), by_next_year);
    double ceiling = top_share(rows, n, top, total);
    printf("Scored on the year before %s: %d patients with activity\n", when, n);
    printf("Bed-days (hospital, KAD, sykestue) in the year after: %.0f\n", total);
    printf("Top 5 %% by risk score (%d patients): %.1f %% of them\n", top, by_score);
    printf("Top 5 %% by last year's bed-days alone: %.1f %% of them\n", by_days);
    printf("Top 5 %% by the next year's own bed-days (what no score can beat): %.1f %% of them\n",
           ceiling);
    free(rows);
    return 0;
}
