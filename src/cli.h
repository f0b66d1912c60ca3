/* cli: option parsing and one-line failures for the subcommands. */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <stdint.h>

struct hb_opt {
    const char *name; /* without "--" */
    const char *arg;  /* NULL for a flag without value */
    const char *help;
};

enum { HB_CLI_MAX = 16 };
struct hb_cli {
    const struct hb_opt *opts;
    const char *values[HB_CLI_MAX];
    const char *positional[4];
    int npositional;
    int exit_code; /* when hb_cli_parse returns non-zero: 0 after --help, 2 on error */
};

/* Parses argv (argv[0] is the subcommand) against opts ({NULL} terminated).
 * Prints help for --help. Returns 0 to go on, non-zero to exit with
 * cli->exit_code. */
int hb_cli_parse(struct hb_cli *cli, const char *cmd, const char *summary,
                 const struct hb_opt *opts, int argc, char **argv);
const char *hb_cli_get(const struct hb_cli *cli, const char *name, const char *def);
/* Parses an integer option within [min, max]; prints and returns 2 if bad. */
int hb_cli_int(const struct hb_cli *cli, const char *name, int64_t def, int64_t min,
               int64_t max, int64_t *out);
/* Prints "helsebro: <message>" on stderr; returns 1. */
int hb_cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
