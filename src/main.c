/* helsebro: parses the command line and dispatches subcommands from a table. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/extra.h"
#include "analytics/risk.h"
#include "auth/auth.h"
#include "careplan/careplan.h"
#include "cli.h"
#include "org/org.h"
#include "seed/seed.h"
#include "server.h"
#include "store/store.h"

#include "core/banned.h"

static const struct hb_opt db_only[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {NULL, NULL, NULL},
};

/* Opens --db (required) and applies migrations. Returns 0 or prints and exits code. */
static int open_db(const struct hb_cli *cli, const char *cmd, struct hb_store **s, int *applied)
{
    const char *db = hb_cli_get(cli, "db", NULL);
    if (!db)
        return hb_cli_die("%s: --db is required (sqlite:PATH or postgresql://...)", cmd);
    struct hb_error err = {0};
    if (hb_store_open(db, 2, s, &err) || hb_store_migrate(*s, applied, &err)) {
        hb_store_free(*s);
        *s = NULL;
        return hb_cli_die("%s: %s", cmd, err.message);
    }
    return 0;
}

static int cmd_migrate(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "migrate", "Apply the database migrations not yet applied.", db_only,
                     argc, argv))
        return cli.exit_code;
    struct hb_store *s;
    int applied = 0;
    if (open_db(&cli, "migrate", &s, &applied))
        return 1;
    printf("%d migration(s) applied\n", applied);
    hb_store_free(s);
    return 0;
}

static void progress(int done, int count)
{
    fprintf(stderr, "\rpatients: %d/%d", done, count);
    if (done == count)
        fputc('\n', stderr);
}

static const struct hb_opt gen_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"count", "N", "how many synthetic patients (default 1000)"},
    {"municipality", "NR", "kommunenummer they live in (default 4631 Alver)"},
    {NULL, NULL, NULL},
};

static int cmd_seed(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "seed",
                     "seed demo: load the demo helsefellesskap (migrates first).\n"
                     "seed patients: add generated synthetic patients (for benchmarks).",
                     gen_opts, argc, argv))
        return cli.exit_code;
    const char *what = cli.npositional ? cli.positional[0] : NULL;
    if (!what || (strcmp(what, "demo") != 0 && strcmp(what, "patients") != 0))
        return hb_cli_die("seed: say what to seed: `seed demo` or `seed patients`");
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "seed", &s, &applied))
        return 1;
    struct hb_error err = {0};
    int rc;
    if (strcmp(what, "demo") == 0) {
        rc = hb_seed_demo(s, stdout, &err);
        if (rc == 1)
            printf("Databasen har allerede organisasjoner; demodata lastes ikke på nytt.\n");
    } else {
        int64_t count;
        if (hb_cli_int(&cli, "count", 1000, 1, 10000000, &count)) {
            hb_store_free(s);
            return 2;
        }
        rc =
            hb_seed_patients(s, (int)count, hb_cli_get(&cli, "municipality", NULL), progress, &err);
    }
    hb_store_free(s);
    if (rc < 0)
        return hb_cli_die("seed: %s", err.message);
    return 0;
}

static const struct hb_opt org_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"unit", "UNIT_ID", "serves: the shared unit (see `org list`)"},
    {"municipalities", "NR,NR,...",
     "serves: kommunenummer of every municipality it serves; empty: only its owner"},
    {NULL, NULL, NULL},
};

/* org serves --unit ID --municipalities NR,...: who a shared unit serves. */
static int org_serves(const struct hb_cli *cli, struct hb_store *s)
{
    struct hb_org_serves c = {0};
    if (!hb_cli_get(cli, "unit", NULL))
        return hb_cli_die("org serves: --unit is required (see `helsebro org list`)");
    if (hb_cli_int(cli, "unit", 0, 1, INT64_MAX, &c.unit))
        return 2;
    char list[HB_ORG_MAX_SERVED * 8];
    const char *given = hb_cli_get(cli, "municipalities", "");
    if (strlen(given) >= sizeof(list))
        return hb_cli_die("org serves: --municipalities is too long (at most %d)",
                          HB_ORG_MAX_SERVED);
    snprintf(list, sizeof(list), "%s", given);
    for (char *p = list, *next; *p; p = next) {
        next = p + strcspn(p, ",");
        if (*next)
            *next++ = '\0';
        if (*p && c.n == HB_ORG_MAX_SERVED)
            return hb_cli_die("org serves: at most %d municipalities", HB_ORG_MAX_SERVED);
        if (*p)
            c.nrs[c.n++] = p;
    }
    struct hb_error err = {0};
    if (hb_store_write(s, hb_org_serves_tx, &c, &err))
        return hb_cli_die("org serves: %s", err.message);
    if (c.n)
        printf("Enheten betjener %d kommuner; sengene fordeles etter innbyggertall.\n", c.n);
    else
        printf("Enheten betjener bare kommunen som eier den.\n");
    return 0;
}

static int org_list(struct hb_store *s)
{
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(s, &err);
    struct hb_arena *a = hb_arena_new();
    int rc = db ? 0 : HB_UNAVAILABLE;
    for (int units = 0; units < 2 && rc == 0; units++) {
        struct hb_org_query q = {.units = units, .count = 100000};
        struct hb_org *o;
        int n;
        if ((rc = hb_org_list(db, &q, a, &o, &n, &err)))
            break;
        for (int i = 0; i < n; i++)
            printf("%lld\t%s\t%s\n", (long long)o[i].id, units ? o[i].unit_type : o[i].type,
                   o[i].name);
    }
    hb_arena_free(a);
    hb_store_release(s, db);
    if (rc)
        return hb_cli_die("org list: %s", err.message);
    return 0;
}

static int cmd_org(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "org",
                     "org list: one organisation or unit a line: id, type, name.\n"
                     "org serves --unit ID --municipalities NR,NR,...: the municipalities a\n"
                     "shared unit (an inter-municipal KAD) serves; its beds count for each of\n"
                     "them by their share of the inhabitants.",
                     org_opts, argc, argv))
        return cli.exit_code;
    bool serves = cli.npositional == 1 && strcmp(cli.positional[0], "serves") == 0;
    if (cli.npositional != 1 || (!serves && strcmp(cli.positional[0], "list") != 0))
        return hb_cli_die("org: the subcommand is `org list` or `org serves`");
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "org", &s, &applied))
        return 1;
    int rc = serves ? org_serves(&cli, s) : org_list(s);
    hb_store_free(s);
    return rc;
}

static const struct hb_opt gen_flow_opts[] = {
    {"db", "URL", "a fresh database: sqlite:PATH or postgresql://... (required)"},
    {"municipalities", "N", "how many municipalities (1-999, default 80: about Helse Nord)"},
    {"days", "D", "how many days of stays up to today (1-366, default 30)"},
    {"seed", "S", "the same seed gives the same data (default 1)"},
    {"patients", "N", "monitoring: how many patients get vital signs (default 100)"},
    {"hours", "H", "monitoring: hours of vital signs up to now (default 24)"},
    {"every", "MINUTES", "monitoring: minutes between sets (default 240)"},
    {"scale", "F", "national: share of Norway's 5.5 million inhabitants (0.0001-2, default 1)"},
    {"years", "Y", "national: years of history up to today (1-20, default 10)"},
    {NULL, NULL, NULL},
};

static void gen_progress(const char *what, int done, int count)
{
    fprintf(stderr, "\r%s: %d/%d", what, done, count);
    if (done == count)
        fputc('\n', stderr);
}

/* gen monitoring: vital-sign streams for the patients in the database. */
static int gen_monitoring(const struct hb_cli *cli)
{
    int64_t patients, hours, every, seed;
    if (hb_cli_int(cli, "patients", 100, 1, 1000000, &patients) ||
        hb_cli_int(cli, "hours", 24, 1, 24 * 366, &hours) ||
        hb_cli_int(cli, "every", 240, 5, 1440, &every) ||
        hb_cli_int(cli, "seed", 1, 0, INT64_MAX, &seed))
        return 2;
    struct hb_store *s;
    int applied;
    if (open_db(cli, "gen monitoring", &s, &applied))
        return 1;
    struct hb_error err = {0};
    int sets = 0;
    int rc = hb_seed_monitoring(s, (int)patients, (int)hours, (int)every, (uint64_t)seed,
                                gen_progress, &sets, &err);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("gen monitoring: %s", err.message);
    printf("%lld patients, %d sets of vital signs\n", (long long)patients, sets);
    return 0;
}

/* gen national: a synthetic country for the analytics benchmarks. */
static int gen_national(const struct hb_cli *cli)
{
    int64_t years, seed;
    const char *scale_s = hb_cli_get(cli, "scale", "1");
    char *end;
    double scale = strtod(scale_s, &end);
    if (end == scale_s || *end || scale < 0.0001 || scale > 2)
        return hb_cli_die("gen national: --scale must be a number from 0.0001 to 2");
    if (hb_cli_int(cli, "years", 10, 1, 20, &years) ||
        hb_cli_int(cli, "seed", 1, 0, INT64_MAX, &seed))
        return 2;
    struct hb_store *s;
    int applied;
    if (open_db(cli, "gen national", &s, &applied))
        return 1;
    struct hb_error err = {0};
    struct hb_seed_national_counts c;
    int64_t t0 = hb_monotonic_us();
    int rc = hb_seed_national(s, scale, (int)years, (uint64_t)seed, gen_progress, &c, &err);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("gen national: %s", err.message);
    printf("%lld inhabitants, %lld patients, %lld stays, %lld discharge-ready cases, %lld "
           "observations, %lld alerts in %.0f s\n",
           c.inhabitants, c.patients, c.stays, c.cases, c.observations, c.alerts,
           (double)(hb_monotonic_us() - t0) / 1e6);
    return 0;
}

static int cmd_gen(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "gen",
                     "gen flow: synthetic patient flow at scale; gen monitoring: vital-sign "
                     "streams for the patients in the database; gen national: a synthetic\n"
                     "country (356 municipalities, years of stays, cases, vital signs) for the\n"
                     "analytics benchmarks.",
                     gen_flow_opts, argc, argv))
        return cli.exit_code;
    if (cli.npositional == 1 && strcmp(cli.positional[0], "monitoring") == 0)
        return gen_monitoring(&cli);
    if (cli.npositional == 1 && strcmp(cli.positional[0], "national") == 0)
        return gen_national(&cli);
    if (cli.npositional != 1 || strcmp(cli.positional[0], "flow") != 0)
        return hb_cli_die("gen: the subcommand is `gen flow`, `gen monitoring` or `gen national`");
    int64_t n, days, seed;
    if (hb_cli_int(&cli, "municipalities", 80, 1, 999, &n) ||
        hb_cli_int(&cli, "days", 30, 1, 366, &days) ||
        hb_cli_int(&cli, "seed", 1, 0, INT64_MAX, &seed))
        return 2;
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "gen flow", &s, &applied))
        return 1;
    struct hb_error err = {0};
    int stays = 0, open = 0;
    int rc = hb_seed_flow(s, (int)n, (int)days, (uint64_t)seed, gen_progress, &stays, &open, &err);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("gen flow: %s", err.message);
    printf("%lld municipalities, %d stays, %d open now\n", (long long)n, stays, open);
    return 0;
}

static const struct hb_opt user_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"username", "U", "login name: lowercase letters, digits, . - _"},
    {"name", "\"Full Name\"", "the person's full name"},
    {"role", "ROLE",
     "admin, hospital-clinician, municipal-clinician, allocation-office, gp, analyst, patient "
     "or relative"},
    {"org", "ORG_ID", "the organisation the user works for (see `org list`)"},
    {"patient", "PATIENT_ID",
     "roles patient and relative only: the user's own patient record, or whose relative"},
    {NULL, NULL, NULL},
};

static const struct hb_opt import_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"file", "PATH", "the CSV file (required); - reads standard input"},
    {NULL, NULL, NULL},
};

struct import_ctx {
    bool survey;
    const char *csv;
    size_t len;
    struct hb_pop_import res;
    int survey_rows;
};

static int import_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct import_ctx *c = arg;
    if (c->survey)
        return hb_an_survey_import(db, c->csv, c->len, 0, &c->survey_rows, err);
    return hb_org_population_import(db, c->csv, c->len, &c->res, err);
}

static int cmd_import(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "import",
                     "import population --file F: population figures or a projection by\n"
                     "municipality, sex, age and year, in the long CSV layout Statistics Norway's\n"
                     "StatBank exports (columns region;kjønn;alder;år;count). The figures of each\n"
                     "municipality and year in the file replace those stored.\n"
                     "import survey --file F: user-experience results per municipality and year\n"
                     "(columns kommunenummer;år;undersøkelse;indikator;verdi;antall_svar; the GP\n"
                     "patient survey's six indicators and PaRIS measures, see docs/analytics.md).",
                     import_opts, argc, argv))
        return cli.exit_code;
    bool survey = cli.npositional == 1 && strcmp(cli.positional[0], "survey") == 0;
    if (cli.npositional != 1 || (!survey && strcmp(cli.positional[0], "population") != 0))
        return hb_cli_die("import: say what to import: `import population --file F` or "
                          "`import survey --file F`");
    const char *path = hb_cli_get(&cli, "file", NULL);
    if (!path)
        return hb_cli_die("import: --file is required");
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return hb_cli_die("import: cannot open %s", path);
    struct hb_buf b;
    hb_buf_init(&b, (size_t)512 << 20);
    char chunk[65536];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !too_big)
        too_big = hb_buf_add(&b, chunk, n) != 0;
    if (f != stdin)
        fclose(f);
    if (too_big) {
        hb_buf_release(&b);
        return hb_cli_die("import: %s is larger than 512 MB", path);
    }
    struct import_ctx c = {.survey = survey};
    char *csv = hb_buf_detach(&b, &c.len);
    c.csv = csv ? csv : "";
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "import", &s, &applied)) {
        free(csv);
        return 1;
    }
    struct hb_error err = {0};
    int rc = hb_store_write(s, import_tx, &c, &err);
    hb_store_free(s);
    free(csv);
    if (rc)
        return hb_cli_die("import: %s", err.message);
    if (survey) {
        printf("%d resultater lest\n", c.survey_rows);
        return 0;
    }
    printf("%d linjer lest, %d kommuner, år %d-%d%s\n", c.res.rows, c.res.municipalities,
           c.res.first_year, c.res.last_year,
           c.res.skipped ? " (linjer for fylker og hele landet hoppet over)" : "");
    return 0;
}

static int cmd_user(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "user",
                     "user add: add a user; the password is read from standard input.", user_opts,
                     argc, argv))
        return cli.exit_code;
    if (cli.npositional != 1 || strcmp(cli.positional[0], "add") != 0)
        return hb_cli_die("user: the subcommand is `user add`");
    enum hb_role role;
    if (hb_role_parse(hb_cli_get(&cli, "role", NULL), &role) != 0)
        return hb_cli_die("user add: --role must be one of admin, hospital-clinician, "
                          "municipal-clinician, allocation-office, gp, analyst, patient, "
                          "relative");
    int64_t org, patient;
    if (!hb_cli_get(&cli, "org", NULL))
        return hb_cli_die("user add: --org is required (see `helsebro org list`)");
    if (hb_cli_int(&cli, "org", 0, 1, INT64_MAX, &org) ||
        hb_cli_int(&cli, "patient", 0, 1, INT64_MAX, &patient))
        return 2;
    char pw[HB_PASSWORD_MAX + 2] = "";
    if (!fgets(pw, sizeof(pw), stdin))
        return hb_cli_die("user add: give the password on standard input");
    pw[strcspn(pw, "\r\n")] = '\0';
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "user add", &s, &applied)) {
        sodium_memzero(pw, sizeof(pw));
        return 1;
    }
    struct hb_error err = {0};
    int64_t id = 0;
    int rc = hb_auth_user_add(s, hb_cli_get(&cli, "username", NULL), hb_cli_get(&cli, "name", NULL),
                              role, org, patient, pw, &id, &err);
    sodium_memzero(pw, sizeof(pw));
    hb_store_free(s);
    if (rc)
        return hb_cli_die("user add: %s%s%s", err.field[0] ? err.field : "",
                          err.field[0] ? ": " : "", err.message);
    printf("%lld\n", (long long)id);
    return 0;
}

static const struct hb_opt token_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"username", "U", "the user the integration acts as"},
    {NULL, NULL, NULL},
};

static int cmd_token(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "token",
                     "token create: print a new API bearer token for a system integration.\n"
                     "It is shown once; only its hash is stored.",
                     token_opts, argc, argv))
        return cli.exit_code;
    if (cli.npositional != 1 || strcmp(cli.positional[0], "create") != 0)
        return hb_cli_die("token: the subcommand is `token create`");
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "token create", &s, &applied))
        return 1;
    struct hb_error err = {0};
    char token[64];
    int rc = hb_auth_token_create(s, hb_cli_get(&cli, "username", NULL), token, &err);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("token create: %s", err.message);
    printf("%s\n", token);
    return 0;
}

static const struct hb_opt rates_opts[] = {
    {"db", "URL", "database: sqlite:PATH or postgresql://... (required)"},
    {"nok-per-km", "NOK", "price of a km of travel avoided, e.g. 3.50 (default: unchanged)"},
    {"co2-g-per-km", "GRAMS", "grams of CO2 per km avoided (default: unchanged)"},
    {NULL, NULL, NULL},
};

/* "3.50" or "3,5" kroner into øre; -1 when it is not an amount. */
static int64_t parse_ore(const char *s)
{
    size_t whole = strspn(s, "0123456789"), dec = 0;
    int64_t kr = 0, ore = 0;
    if (!whole || whole > 4 || hb_parse_i64(s, whole, 0, 9999, &kr) != 0)
        return -1;
    if (s[whole] == '.' || s[whole] == ',') {
        dec = strspn(s + whole + 1, "0123456789");
        if (dec < 1 || dec > 2 || s[whole + 1 + dec] ||
            hb_parse_i64(s + whole + 1, dec, 0, 99, &ore) != 0)
            return -1;
        if (dec == 1)
            ore *= 10;
    } else if (s[whole]) {
        return -1;
    }
    return kr * 100 + ore;
}

static int cmd_rates(int argc, char **argv)
{
    struct hb_cli cli;
    if (hb_cli_parse(&cli, "rates",
                     "Show or set the rates that price the travel a co-consultation avoids.",
                     rates_opts, argc, argv))
        return cli.exit_code;
    int64_t ore = 0, co2 = 0;
    const char *nok = hb_cli_get(&cli, "nok-per-km", NULL);
    if (nok && ((ore = parse_ore(nok)) <= 0))
        return hb_cli_die("rates: --nok-per-km must be an amount in NOK such as 3.50");
    if (hb_cli_int(&cli, "co2-g-per-km", 0, 1, 10000, &co2))
        return 2;
    struct hb_store *s;
    int applied;
    if (open_db(&cli, "rates", &s, &applied))
        return 1;
    struct hb_error err = {0};
    int64_t ore_now = 0, co2_now = 0;
    int rc = hb_care_rates(s, ore, co2, &ore_now, &co2_now, &err);
    hb_store_free(s);
    if (rc)
        return hb_cli_die("rates: %s", err.message);
    printf("Reisesatser: %lld,%02lld kr per km, %lld g CO2 per km\n", (long long)(ore_now / 100),
           (long long)(ore_now % 100), (long long)co2_now);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"serve", hb_cmd_serve, "serve the web UI, JSON API and FHIR API"},
    {"migrate", cmd_migrate, "apply database migrations"},
    {"seed", cmd_seed, "load demo data (seed demo) or generated patients (seed patients)"},
    {"org", cmd_org, "list organisations and units (org list), who a shared unit serves"},
    {"gen", cmd_gen,
     "generate synthetic data for benchmarks (gen flow, gen monitoring, gen national)"},
    {"import", cmd_import,
     "import population figures, projections or survey results (import population|survey)"},
    {"analytics", hb_cmd_analytics,
     "benchmark the indicator engine, export its facts (analytics bench|export)"},
    {"risk", hb_cmd_risk, "evaluate the risk score for proactive follow-up (risk evaluate)"},
    {"user", cmd_user, "add a user (user add), password on standard input"},
    {"token", cmd_token, "create an API bearer token (token create)"},
    {"rates", cmd_rates, "show or set the travel rates for co-consultations"},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: helsebro COMMAND [options]\n\n"
               "Helsebro: one place for a helsefellesskap's shared care.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nRun `helsebro COMMAND --help` for the options of one command.\n");
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("helsebro: libsodium could not start\n", stderr);
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "helsebro: unknown command %s (see helsebro --help)\n", argv[1]);
    return 2;
}
