/* cli: option parsing shared by the subcommands. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

#include "core/banned.h"

static void usage(const char *cmd, const char *summary, const struct hb_opt *opts, FILE *f)
{
    fprintf(f, "Usage: helsebro %s [options]\n\n%s\n\nOptions:\n", cmd, summary);
    for (int i = 0; opts[i].name; i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(f, "  %-26s %s\n", left, opts[i].help);
    }
    fprintf(f, "  %-26s %s\n", "--help", "show this help");
}

int hb_cli_parse(struct hb_cli *cli, const char *cmd, const char *summary,
                 const struct hb_opt *opts, int argc, char **argv)
{
    memset(cli, 0, sizeof(*cli));
    cli->opts = opts;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(cmd, summary, opts, stdout);
            cli->exit_code = 0;
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (cli->npositional == 4)
                goto bad;
            cli->positional[cli->npositional++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        int k = -1;
        for (int j = 0; opts[j].name && j < HB_CLI_MAX; j++)
            if (strlen(opts[j].name) == nl && strncmp(opts[j].name, name, nl) == 0)
                k = j;
        if (k < 0) {
            fprintf(stderr, "helsebro %s: unknown option %s (see --help)\n", cmd, a);
            cli->exit_code = 2;
            return 1;
        }
        if (!opts[k].arg) {
            cli->values[k] = "1";
        } else if (eq) {
            cli->values[k] = eq + 1;
        } else if (i + 1 < argc) {
            cli->values[k] = argv[++i];
        } else {
            fprintf(stderr, "helsebro %s: --%s needs a value %s\n", cmd, opts[k].name,
                    opts[k].arg);
            cli->exit_code = 2;
            return 1;
        }
    }
    return 0;
bad:
    fprintf(stderr, "helsebro %s: too many arguments (see --help)\n", cmd);
    cli->exit_code = 2;
    return 1;
}

const char *hb_cli_get(const struct hb_cli *cli, const char *name, const char *def)
{
    for (int j = 0; cli->opts[j].name && j < HB_CLI_MAX; j++)
        if (strcmp(cli->opts[j].name, name) == 0)
            return cli->values[j] ? cli->values[j] : def;
    return def;
}

int hb_cli_int(const struct hb_cli *cli, const char *name, int64_t def, int64_t min,
               int64_t max, int64_t *out)
{
    const char *v = hb_cli_get(cli, name, NULL);
    *out = def;
    if (v && hb_parse_i64(v, strlen(v), min, max, out) != 0) {
        fprintf(stderr, "helsebro: --%s must be a whole number from %lld to %lld\n", name,
                (long long)min, (long long)max);
        return 2;
    }
    return 0;
}

int hb_cli_die(const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    line[strcspn(line, "\n")] = '\0';
    fprintf(stderr, "helsebro: %s\n", line);
    return 1;
}
