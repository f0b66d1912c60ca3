/* seed: the demo's monitoring: vital signs over the last day for the patients
 * in the KAD (one deteriorating, one with a single parameter scoring 3) and
 * for Ingrid at home, posted through the monitor module as the nurses who
 * measured them, so NEWS2 and alerts come out as they would. */
#include <stdio.h>
#include <string.h>

#include "../monitor/monitor.h"
#include "seed_int.h"

#include "../core/banned.h"

static const char SQL_USER_BY_NAME[] = "SELECT id FROM app_user WHERE username = ?";
static const char SQL_KAD_PATIENTS[] =
    "SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'"
    " AND s.end_at IS NULL ORDER BY s.patient_id DESC LIMIT 2";

static int load_user(struct hb_store *s, const char *username, struct hb_arena *a,
                     struct hb_user *u, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int64_t id = 0;
    int rc = hb_db_stmt(db, SQL_USER_BY_NAME, &st, err);
    if (rc == 0) {
        hb_stmt_text(st, 1, username);
        if ((rc = hb_stmt_step(st, err)) == 1)
            id = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = hb_auth_user_get(db, id, a, u, err);
    hb_store_release(s, db);
    return rc;
}

/* One set: rr, spo2, oxygen (L/min), sbp, pulse, acvpu, temperature. */
static int post_set(struct hb_store *s, const struct hb_user *u, int64_t pid, int64_t at,
                    const char *const v[7], const char *source, struct hb_error *err)
{
    static const char *const kinds[7] = {"rr",    "spo2",  "oxygen",     "sbp",
                                         "pulse", "acvpu", "temperature"};
    struct hb_obs obs[7];
    for (int i = 0; i < 7; i++) {
        memset(&obs[i], 0, sizeof(obs[i]));
        obs[i].patient_id = pid;
        obs[i].at = at;
        obs[i].source = source;
        int rc = hb_obs_value(hb_vital_by_kind(kinds[i]), v[i], kinds[i], &obs[i], err);
        if (rc)
            return rc;
    }
    return hb_monitor_ingest(s, u, obs, 7, err);
}

int hb__seed_monitor(struct hb_store *s, int64_t demo_patient, struct hb_error *err)
{
    struct hb_arena *a = hb_arena_new();
    struct hb_user kad, home;
    int rc = load_user(s, "sykepleier.kad", a, &kad, err);
    if (rc == 0)
        rc = load_user(s, "hjemmesykepleier", a, &home, err);
    int64_t pids[2];
    int n = 0;
    struct hb_db *db = rc == 0 ? hb_store_acquire(s, err) : NULL;
    if (rc == 0 && !db)
        rc = HB_UNAVAILABLE;
    struct hb_stmt *st;
    if (db && (rc = hb_db_stmt(db, SQL_KAD_PATIENTS, &st, err)) == 0) {
        while (n < 2 && (rc = hb_stmt_step(st, err)) == 1)
            pids[n++] = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (db)
        hb_store_release(s, db);
    int64_t now = hb_now_us(), hour = 3600LL * 1000000;
    static const char *const steady[7] = {"16", "96", "0", "132", "78", "A", "37.1"};
    static const char *const worse[4][7] = {
        {"18", "95", "0", "124", "88", "A", "37.8"},
        {"21", "94", "0", "112", "96", "A", "38.3"},
        {"23", "93", "2", "104", "108", "A", "38.7"},
        {"25", "92", "3", "100", "118", "A", "39.2"},
    };
    /* Two KAD patients measured every four hours: one deteriorates, the other
     * has a single parameter scoring 3 (the others are not monitored yet). */
    for (int i = 0; rc == 0 && i < n; i++) {
        for (int k = 0; rc == 0 && k < 4; k++) {
            const char *const *v = i == 0 ? worse[k] : steady;
            const char *single[7] = {"16", "96", "0", "132", "78", "A", "37.1"};
            if (i == 1 && k == 3) {
                single[0] = "8"; /* a respiration rate of 8 scores 3 on its own */
                v = single;
            }
            rc = post_set(s, &kad, pids[i], now - (int64_t)(12 - 4 * k) * hour - i * 60000000LL, v,
                          "unit", err);
        }
    }
    /* Ingrid at home: a set from the home-care nurse's visits, slowly worse. */
    static const char *const ingrid[3][7] = {
        {"17", "95", "0", "128", "84", "A", "37.4"},
        {"19", "94", "0", "122", "92", "A", "37.9"},
        {"22", "94", "0", "118", "98", "A", "38.2"},
    };
    for (int k = 0; rc == 0 && k < 3; k++)
        rc = post_set(s, &home, demo_patient, now - (int64_t)(26 - 12 * k) * hour, ingrid[k],
                      "home", err);
    hb_arena_free(a);
    return rc;
}
