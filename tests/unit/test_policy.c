/* The access policy on the demo data: each relation allows, its absence denies,
 * emergency access is reasoned, time-limited and audited. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "harness.h"
#include "seed/seed.h"

static struct hb_store *store;
static struct hb_arena *arena;

static int64_t scalar(const char *sql, const char *arg)
{
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(store, &err);
    struct hb_stmt *st;
    int64_t v = 0;
    if (db && hb_db_stmt(db, sql, &st, &err) == 0) {
        if (arg)
            hb_stmt_text(st, 1, arg);
        if (hb_stmt_step(st, &err) == 1)
            v = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
    }
    hb_store_release(store, db);
    return v;
}

static const char SQL_USER[] = "SELECT id FROM app_user WHERE username = ?";
static const char SQL_PAT_REF[] = "SELECT municipality_id, gp_user_id FROM patient WHERE id = ?";

static struct hb_user user(const char *name)
{
    struct hb_user u = {0};
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(store, &err);
    hb_auth_user_get(db, scalar(SQL_USER, name), arena, &u, &err);
    hb_store_release(store, db);
    return u;
}

static struct hb_patient_ref ref(int64_t id)
{
    struct hb_patient_ref r = {.id = id};
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(store, &err);
    struct hb_stmt *st;
    hb_db_stmt(db, SQL_PAT_REF, &st, &err);
    hb_stmt_int(st, 1, id);
    if (hb_stmt_step(st, &err) == 1) {
        r.municipality_id = hb_stmt_col_int(st, 0);
        r.gp_user_id = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    hb_store_release(store, db);
    return r;
}

/* Returns the relation name, or "denied". */
static const char *decide(const struct hb_user *u, int64_t patient)
{
    struct hb_error err = {0};
    struct hb_db *db = hb_store_acquire(store, &err);
    const char *rel = NULL, *reason = NULL;
    struct hb_patient_ref r = ref(patient);
    int rc = hb_policy_check(db, u, &r, arena, &rel, &reason, &err);
    hb_store_release(store, db);
    return rc == 0 ? rel : rc == HB_FORBIDDEN ? "denied" : "error";
}

static int add_stay(struct hb_db *db, void *arg, struct hb_error *err)
{
    int64_t *v = arg; /* patient, unit, ended (0/1) */
    static const char sql[] =
        "INSERT INTO stay (id, patient_id, unit_id, start_at, end_at) VALUES (?, ?, ?, ?, ?)";
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, v[0]);
    hb_stmt_int(st, 3, v[1]);
    hb_stmt_int(st, 4, hb_now_us() - 90LL * 86400 * 1000000);
    if (v[2])
        hb_stmt_int(st, 5, hb_now_us() - 60LL * 86400 * 1000000); /* ended 60 days ago */
    else
        hb_stmt_null(st, 5);
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

int main(int argc, char **argv)
{
    char path[128];
    const char *url = argc > 1 ? argv[1] : NULL;
    if (!url) {
        snprintf(path, sizeof(path), "sqlite:/tmp/hb-test-policy-%d.db", (int)getpid());
        unlink(path + 7);
        url = path;
    }
    struct hb_error err = {0};
    if (hb_store_open(url, 4, &store, &err) || hb_store_migrate(store, NULL, &err) ||
        hb_seed_demo(store, NULL, &err)) {
        ok(0, "setup: %s", err.message);
        return done();
    }
    arena = hb_arena_new();
    struct hb_user patient = user("pasient"), gp = user("fastlege"), alloc = user("tildeling.alver"),
                   ward = user("sykepleier.haukeland"), kad = user("sykepleier.kad"),
                   analyst = user("analytiker"), admin = user("admin");
    int64_t own = patient.patient_id;
    ok(own != 0, "demo patient user has a record");
    int64_t alver = scalar("SELECT id FROM org WHERE kommunenummer = ?", "4631");
    ok(alver == alloc.municipality_id && alver == kad.municipality_id,
       "municipality of staff derived from their organisation (unit under Alver too)");
    int64_t osteroy_patient =
        scalar("SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id"
               " WHERE o.kommunenummer = ? AND NOT EXISTS (SELECT 1 FROM stay s"
               " WHERE s.patient_id = p.id) ORDER BY p.id LIMIT 1", "4630");
    int64_t other_alver = scalar("SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id"
                                 " WHERE o.kommunenummer = ? AND p.gp_user_id <> (SELECT id FROM"
                                 " app_user WHERE username = 'fastlege') AND NOT EXISTS (SELECT 1 FROM"
                                 " stay s WHERE s.patient_id = p.id) ORDER BY p.id LIMIT 1",
                                 "4631");
    ok(osteroy_patient && other_alver, "test patients found");

    subtest("self");
    ok(strcmp(decide(&patient, own), "self") == 0, "patient reads own record");
    ok(strcmp(decide(&patient, other_alver), "denied") == 0, "patient cannot read another");

    subtest("municipality");
    ok(strcmp(decide(&alloc, other_alver), "municipality") == 0, "allocation office, resident");
    ok(strcmp(decide(&alloc, osteroy_patient), "denied") == 0, "other municipality denied");

    subtest("GP list");
    ok(strcmp(decide(&gp, own), "gp") == 0, "GP reads listed patient");
    ok(strcmp(decide(&gp, other_alver), "denied") == 0, "GP denied for another GP's patient");

    subtest("stays");
    int64_t med = ward.org_id;
    ok(strcmp(decide(&ward, osteroy_patient), "denied") == 0, "ward nurse, no stay: denied");
    int64_t s1[3] = {osteroy_patient, med, 0};
    ok(hb_store_write(store, add_stay, s1, &err) == 0, "open stay in the ward");
    ok(strcmp(decide(&ward, osteroy_patient), "stay") == 0, "ward nurse, current stay: allowed");
    int64_t s2[3] = {other_alver, scalar("SELECT id FROM org WHERE unit_type = ?", "kad"), 1};
    ok(hb_store_write(store, add_stay, s2, &err) == 0, "old stay in the KAD");
    ok(strcmp(decide(&kad, osteroy_patient), "denied") == 0, "KAD nurse: other municipality");
    ok(strcmp(decide(&ward, other_alver), "denied") == 0, "stay in another unit: denied");

    subtest("roles without patient access");
    ok(strcmp(decide(&analyst, own), "denied") == 0, "analyst denied");
    ok(strcmp(decide(&admin, own), "denied") == 0, "admin denied patient data");
    ok(hb_policy_emergency(store, &analyst, own, "need to see it now please", &err) ==
           HB_FORBIDDEN,
       "analyst cannot use emergency access");

    subtest("emergency access");
    ok(hb_policy_emergency(store, &gp, osteroy_patient, "kort", &err) == HB_INVALID &&
           strcmp(err.field, "reason") == 0,
       "a short reason is refused, naming the field");
    ok(strcmp(decide(&gp, osteroy_patient), "denied") == 0, "still denied");
    ok(hb_policy_emergency(store, &gp, 999, "pasienten er bevisstløs på legekontoret", &err) ==
           HB_NOT_FOUND,
       "unknown patient");
    ok(hb_policy_emergency(store, &gp, osteroy_patient, "pasienten er bevisstløs på legekontoret",
                           &err) == 0,
       "granted with a reason");
    ok(strcmp(decide(&gp, osteroy_patient), "emergency") == 0, "now allowed as emergency");
    ok(strcmp(decide(&ward, osteroy_patient), "stay") == 0, "other users unaffected");
    char q[160];
    snprintf(q, sizeof(q), "%lld", (long long)osteroy_patient);
    ok(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'emergency' AND relation = "
              "'emergency' AND reason IS NOT NULL AND CAST(patient_id AS TEXT) = ?", q) == 1,
       "the grant is in the audit log with its reason");

    hb_arena_free(arena);
    hb_store_free(store);
    if (url == path)
        unlink(path + 7);
    return done();
}
