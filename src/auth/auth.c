/* auth: users, passwords, login with lock-out, sessions, API tokens. */
#include "auth.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct hb_auth_limits hb_auth_limits = {
    .session_idle_us = 30LL * 60 * 1000000,
    .session_max_us = 12LL * 3600 * 1000000,
    .lock_us = 15LL * 60 * 1000000,
};

static const struct {
    const char *name, *label;
} roles[] = {
#define HB_ROLE_ROW(e, name, label) {name, label},
    HB_ROLE_MAP(HB_ROLE_ROW)
#undef HB_ROLE_ROW
};

const char *hb_role_name(enum hb_role r)
{
    return r < HB_ROLE__COUNT ? roles[r].name : "unknown";
}

const char *hb_role_label(enum hb_role r)
{
    return r < HB_ROLE__COUNT ? roles[r].label : "Ukjent";
}

int hb_role_parse(const char *s, enum hb_role *out)
{
    for (int i = 0; s && i < HB_ROLE__COUNT; i++) {
        if (strcmp(s, roles[i].name) == 0) {
            *out = (enum hb_role)i;
            return 0;
        }
    }
    return HB_INVALID;
}

/* ---- users ---- */
static const char SQL_USER_ADD[] =
    "INSERT INTO app_user (id, username, name, role, org_id, patient_id, password_hash,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_ORG_EXISTS[] = "SELECT type FROM org WHERE id = ?";
static const char SQL_PATIENT_EXISTS[] = "SELECT 1 FROM patient WHERE id = ?";

struct user_add {
    const char *username, *name, *hash;
    enum hb_role role;
    int64_t org_id, patient_id, id;
};

static int user_add_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct user_add *u = arg;
    int rc = hb_db_one(db, SQL_ORG_EXISTS, u->org_id, NULL, NULL, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_INVALID, "org", "organisation %lld finnes ikke",
                       (long long)u->org_id);
    if (u->patient_id) {
        rc = hb_db_one(db, SQL_PATIENT_EXISTS, u->patient_id, NULL, NULL, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return hb_fail(err, HB_INVALID, "patient", "pasient %lld finnes ikke",
                           (long long)u->patient_id);
    }
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_USER_ADD, &st, err)))
        return rc;
    u->id = hb_id_new();
    hb_stmt_int(st, 1, u->id);
    hb_stmt_text(st, 2, u->username);
    hb_stmt_text(st, 3, u->name);
    hb_stmt_text(st, 4, hb_role_name(u->role));
    hb_stmt_int(st, 5, u->org_id);
    hb_stmt_int_or_null(st, 6, u->patient_id);
    hb_stmt_text(st, 7, u->hash);
    hb_stmt_int(st, 8, hb_now_us());
    rc = hb_stmt_run(st, err);
    if (rc == HB_CONFLICT)
        return hb_fail(err, HB_CONFLICT, "username", "brukernavnet %s finnes allerede",
                       u->username);
    if (rc < 0)
        return rc;
    /* The practitioner as a versioned resource (never the password hash). */
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)u->id);
    json_t *r = json_pack("{s:s,s:s,s:b,s:[{s:s,s:s}],s:[{s:s}]}", "resourceType",
                          "Practitioner", "id", id, "active", 1, "identifier", "system",
                          "https://helsebro.no/fhir/NamingSystem/username", "value", u->username,
                          "name", "text", u->name);
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    rc = hb_store_change(db, "Practitioner", u->id, 1, 0, "create", text, strlen(text), err);
    free(text);
    return rc;
}

static bool valid_username(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
              *s == '_'))
            return false;
    return true;
}

int hb_auth_user_add(struct hb_store *s, const char *username, const char *name,
                     enum hb_role role, int64_t org_id, int64_t patient_id,
                     const char *password, int64_t *id, struct hb_error *err)
{
    if (!username || !valid_username(username))
        return hb_fail(err, HB_INVALID, "username",
                       "brukernavn må være 2-64 tegn: små bokstaver, sifre, . - _");
    if (!name || !*name || strlen(name) > 200)
        return hb_fail(err, HB_INVALID, "name", "navn må være 1-200 tegn");
    size_t pl = password ? strlen(password) : 0;
    if (pl < HB_PASSWORD_MIN || pl > HB_PASSWORD_MAX)
        return hb_fail(err, HB_INVALID, "password", "passordet må være %d-%d tegn",
                       HB_PASSWORD_MIN, HB_PASSWORD_MAX);
    if ((role == HB_ROLE_PATIENT || role == HB_ROLE_RELATIVE) != (patient_id != 0))
        return hb_fail(err, HB_INVALID, "patient",
                       "pasienter og pårørende trenger --patient, andre roller ikke");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, pl, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return hb_fail(err, HB_INTERNAL, NULL, "password hashing ran out of memory");
    struct user_add u = {.username = username, .name = name, .hash = hash, .role = role,
                         .org_id = org_id, .patient_id = patient_id};
    int rc = hb_store_write(s, user_add_tx, &u, err);
    if (rc == 0 && id)
        *id = u.id;
    return rc;
}

/* ---- user lookup ---- */
#define USER_COLS                                                                        \
    "u.id, u.username, u.name, u.role, u.org_id, o.name, u.patient_id,"                  \
    " CASE WHEN o.type = 'municipality' THEN o.id"                                       \
    " WHEN po.type = 'municipality' THEN po.id ELSE NULL END, o.type"
#define USER_JOIN " JOIN org o ON o.id = u.org_id LEFT JOIN org po ON po.id = o.parent_id"

static const char SQL_USER_BY_ID[] =
    "SELECT " USER_COLS " FROM app_user u" USER_JOIN " WHERE u.id = ?";
static const char SQL_USER_BY_SESSION[] =
    "SELECT " USER_COLS ", s.csrf, s.created_at, s.last_seen_at FROM session s"
    " JOIN app_user u ON u.id = s.user_id" USER_JOIN " WHERE s.token_hash = ?";
static const char SQL_USER_BY_TOKEN[] = "SELECT " USER_COLS " FROM api_token t"
                                        " JOIN app_user u ON u.id = t.user_id" USER_JOIN
                                        " WHERE t.token_hash = ?";

static void read_user(struct hb_stmt *st, struct hb_arena *a, struct hb_user *u)
{
    memset(u, 0, sizeof(*u));
    u->id = hb_stmt_col_int(st, 0);
    u->username = hb_arena_strdup(a, hb_stmt_col(st, 1, NULL));
    u->name = hb_arena_strdup(a, hb_stmt_col(st, 2, NULL));
    if (hb_role_parse(hb_stmt_col(st, 3, NULL), &u->role) != 0)
        u->role = HB_ROLE_PATIENT; /* least privilege for a role this build does not know */
    u->org_id = hb_stmt_col_int(st, 4);
    u->org_name = hb_arena_strdup(a, hb_stmt_col(st, 5, NULL));
    u->patient_id = hb_stmt_col_int(st, 6);
    u->municipality_id = hb_stmt_col_int(st, 7);
    const char *org_type = hb_stmt_col(st, 8, NULL);
    u->org_is_unit = org_type && strcmp(org_type, "unit") == 0;
}

/* Runs a one-key user query on a read connection. Returns 1 found, 0 not, <0. */
static int lookup(struct hb_store *s, const char *sql, const char *key, int64_t id,
                  struct hb_arena *a, struct hb_user *u, int64_t extra[2], struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, sql, &st, err);
    if (rc == 0) {
        if (key)
            hb_stmt_text(st, 1, key);
        else
            hb_stmt_int(st, 1, id);
        rc = hb_stmt_step(st, err);
        if (rc == 1) {
            read_user(st, a, u);
            if (extra) {
                u->csrf = hb_arena_strdup(a, hb_stmt_col(st, 9, NULL));
                extra[0] = hb_stmt_col_int(st, 10);
                extra[1] = hb_stmt_col_int(st, 11);
            }
        }
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    return rc;
}

struct user_read {
    struct hb_arena *arena;
    struct hb_user *out;
};

static void read_user_cb(struct hb_stmt *st, void *arg)
{
    struct user_read *r = arg;
    read_user(st, r->arena, r->out);
}

int hb_auth_user_get(struct hb_db *db, int64_t id, struct hb_arena *arena, struct hb_user *out,
                     struct hb_error *err)
{
    struct user_read r = {arena, out};
    int rc = hb_db_one(db, SQL_USER_BY_ID, id, read_user_cb, &r, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "user", "brukeren finnes ikke");
    return rc < 0 ? rc : 0;
}

/* ---- sessions ---- */
static const char SQL_SESSION_TOUCH[] =
    "UPDATE session SET last_seen_at = ? WHERE token_hash = ?";
static const char SQL_SESSION_DELETE[] = "DELETE FROM session WHERE token_hash = ?";

struct touch {
    const char *hash;
    int64_t now;
    bool remove;
};

static int session_touch_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct touch *t = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, t->remove ? SQL_SESSION_DELETE : SQL_SESSION_TOUCH, &st, err);
    if (rc)
        return rc;
    if (t->remove) {
        hb_stmt_text(st, 1, t->hash);
    } else {
        hb_stmt_int(st, 1, t->now);
        hb_stmt_text(st, 2, t->hash);
    }
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

int hb_auth_session(struct hb_store *s, const char *token, struct hb_arena *arena,
                    struct hb_user *out, struct hb_error *err)
{
    if (!token || strlen(token) > 128)
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Du må logge inn");
    char hash[65];
    hb_token_hash(token, strlen(token), hash);
    int64_t times[2] = {0, 0}; /* created, last seen */
    int rc = lookup(s, SQL_USER_BY_SESSION, hash, 0, arena, out, times, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Du må logge inn");
    int64_t now = hb_now_us();
    struct touch t = {.hash = hash, .now = now};
    if (now - times[1] > hb_auth_limits.session_idle_us ||
        now - times[0] > hb_auth_limits.session_max_us) {
        t.remove = true;
        hb_store_write(s, session_touch_tx, &t, NULL);
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Økten er utløpt. Logg inn på nytt.");
    }
    /* Refresh the idle timer at most every 30 seconds: one write, not one a request. */
    if (now - times[1] > 30LL * 1000000)
        hb_store_write(s, session_touch_tx, &t, NULL);
    return 0;
}

int hb_auth_bearer(struct hb_store *s, const char *token, struct hb_arena *arena,
                   struct hb_user *out, struct hb_error *err)
{
    if (!token || strlen(token) > 128)
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Ugyldig API-nøkkel");
    char hash[65];
    hb_token_hash(token, strlen(token), hash);
    int rc = lookup(s, SQL_USER_BY_TOKEN, hash, 0, arena, out, NULL, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Ugyldig API-nøkkel");
    out->via_token = true;
    return 0;
}

/* ---- login ---- */
static const char SQL_LOGIN_USER[] = "SELECT id, password_hash FROM app_user WHERE username = ?";
static const char SQL_FAILURE_GET[] =
    "SELECT failures, locked_until FROM login_failure WHERE username = ?";
static const char SQL_FAILURE_SET[] =
    "INSERT INTO login_failure (username, failures, locked_until) VALUES (?, ?, ?)"
    " ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,"
    " locked_until = excluded.locked_until";
static const char SQL_FAILURE_CLEAR[] = "DELETE FROM login_failure WHERE username = ?";
static const char SQL_SESSION_ADD[] =
    "INSERT INTO session (token_hash, user_id, csrf, created_at, last_seen_at)"
    " VALUES (?, ?, ?, ?, ?)";

struct login {
    const char *username;
    bool password_ok;
    int64_t user_id, now;
    char hash[65];
    const char *csrf;
};

/* Reads the failure row: returns 1 and fills failures/locked_until, 0 if none. */
static int failures_get(struct hb_db *db, const char *username, int64_t *failures,
                        int64_t *locked_until, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_FAILURE_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, username);
    rc = hb_stmt_step(st, err);
    if (rc == 1) {
        *failures = hb_stmt_col_int(st, 0);
        *locked_until = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    return rc;
}

static int login_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct login *l = arg;
    int64_t failures = 0, locked_until = 0;
    int rc = failures_get(db, l->username, &failures, &locked_until, err);
    if (rc < 0)
        return rc;
    if (locked_until > l->now)
        return 1; /* locked: the caller answers HB_LOCKED, nothing to change */
    struct hb_stmt *st;
    if (l->password_ok) {
        if ((rc = hb_db_stmt(db, SQL_FAILURE_CLEAR, &st, err)))
            return rc;
        hb_stmt_text(st, 1, l->username);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
        if ((rc = hb_db_stmt(db, SQL_SESSION_ADD, &st, err)))
            return rc;
        hb_stmt_text(st, 1, l->hash);
        hb_stmt_int(st, 2, l->user_id);
        hb_stmt_text(st, 3, l->csrf);
        hb_stmt_int(st, 4, l->now);
        hb_stmt_int(st, 5, l->now);
        rc = hb_stmt_run(st, err);
        return rc < 0 ? rc : 0;
    }
    if (locked_until)
        failures = 0; /* an expired lock starts a new count */
    failures++;
    if ((rc = hb_db_stmt(db, SQL_FAILURE_SET, &st, err)))
        return rc;
    hb_stmt_text(st, 1, l->username);
    hb_stmt_int(st, 2, failures);
    hb_stmt_int(st, 3, failures >= HB_LOGIN_MAX_FAILURES ? l->now + hb_auth_limits.lock_us : 0);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy_hash(void)
{
    static const char pw[] = "no such user, same cost";
    if (crypto_pwhash_str(dummy_hash, pw, sizeof(pw) - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* verify then fails at once; the answer stays the same */
}

static int fail_locked(struct hb_error *err)
{
    long long minutes = (long long)((hb_auth_limits.lock_us + 59999999) / 60000000);
    return hb_fail(err, HB_LOCKED, NULL,
                   "For mange mislykkede forsøk. Vent %lld minutt(er) og prøv igjen, eller "
                   "kontakt administrator.",
                   minutes);
}

int hb_auth_login(struct hb_store *s, const char *username, const char *password,
                  char *token, char *csrf, int64_t *user_id, struct hb_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!username || !*username || strlen(username) > 64)
        return hb_fail(err, HB_INVALID, "username", "Skriv inn brukernavn");
    if (!password || !*password || strlen(password) > HB_PASSWORD_MAX)
        return hb_fail(err, HB_INVALID, "password", "Skriv inn passord");
    struct login l = {.username = username, .now = hb_now_us()};
    char stored[crypto_pwhash_STRBYTES] = "";
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t failures = 0, locked_until = 0;
    int rc = failures_get(db, username, &failures, &locked_until, err);
    struct hb_stmt *st;
    if (rc >= 0 && (rc = hb_db_stmt(db, SQL_LOGIN_USER, &st, err)) == 0) {
        hb_stmt_text(st, 1, username);
        rc = hb_stmt_step(st, err);
        if (rc == 1) {
            l.user_id = hb_stmt_col_int(st, 0);
            snprintf(stored, sizeof(stored), "%s", hb_stmt_col(st, 1, NULL));
        }
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    if (rc < 0)
        return rc;
    if (locked_until > l.now)
        return fail_locked(err);
    /* Unknown users cost the same as known ones. */
    if (!l.user_id) {
        pthread_once(&once, make_dummy_hash);
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            HB_LOG(HB_LOG_WARN, "msg=\"login matched the dummy hash\"");
    } else {
        l.password_ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    }
    if (l.password_ok) {
        hb_token_new(token, 64);
        hb_token_hash(token, strlen(token), l.hash);
        hb_token_new(csrf, 64);
        l.csrf = csrf;
    }
    rc = hb_store_write(s, login_tx, &l, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return fail_locked(err);
    if (!l.password_ok)
        return hb_fail(err, HB_UNAUTHORIZED, NULL, "Feil brukernavn eller passord");
    *user_id = l.user_id;
    return 0;
}

int hb_auth_logout(struct hb_store *s, const char *token, struct hb_error *err)
{
    if (!token)
        return 0;
    struct touch t = {.remove = true};
    char hash[65];
    hb_token_hash(token, strlen(token), hash);
    t.hash = hash;
    return hb_store_write(s, session_touch_tx, &t, err);
}

/* ---- API tokens ---- */
static const char SQL_TOKEN_ADD[] =
    "INSERT INTO api_token (token_hash, user_id, created_at)"
    " SELECT ?, id, ? FROM app_user WHERE username = ?";

struct token_add {
    const char *hash, *username;
};

static int token_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct token_add *t = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_TOKEN_ADD, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, t->hash);
    hb_stmt_int(st, 2, hb_now_us());
    hb_stmt_text(st, 3, t->username);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    /* Check that the row went in: the SELECT finds nothing for an unknown user. */
    struct hb_stmt *chk;
    static const char SQL_TOKEN_HAS[] = "SELECT 1 FROM api_token WHERE token_hash = ?";
    if ((rc = hb_db_stmt(db, SQL_TOKEN_HAS, &chk, err)))
        return rc;
    hb_stmt_text(chk, 1, t->hash);
    rc = hb_stmt_step(chk, err);
    hb_stmt_done(chk);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "username", "brukeren %s finnes ikke", t->username);
    return rc < 0 ? rc : 0;
}

int hb_auth_token_create(struct hb_store *s, const char *username, char *token,
                         struct hb_error *err)
{
    if (!username || !*username)
        return hb_fail(err, HB_INVALID, "username", "--username mangler");
    hb_token_new(token, 64);
    char hash[65];
    hb_token_hash(token, strlen(token), hash);
    struct token_add t = {.hash = hash, .username = username};
    return hb_store_write(s, token_tx, &t, err);
}
