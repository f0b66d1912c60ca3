/* A tiny test harness: ok(cond, name), subtest(name), and done() printing the
 * totals as "N passed, N failed" and returning the exit status. */
#ifndef HB_HARNESS_H
#define HB_HARNESS_H

#include <stdio.h>

static int hb_t_pass, hb_t_fail;

#define ok(cond, ...)                                                                      \
    do {                                                                                   \
        if (cond) {                                                                        \
            hb_t_pass++;                                                                   \
        } else {                                                                           \
            hb_t_fail++;                                                                   \
            printf("not ok %s:%d: ", __FILE__, __LINE__);                                  \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
    } while (0)

#define subtest(name) printf("# %s\n", (name))

static inline int done(void)
{
    printf("%d passed, %d failed\n", hb_t_pass, hb_t_fail);
    return hb_t_fail ? 1 : 0;
}

#endif
