/* monitor: FHIR Subscriptions (R4 rest-hook) for new alerts. A notification
 * is stored in the transaction that raises its alert; delivery claims due
 * notifications, posts them, and records the outcome, retrying with back-off
 * for up to three days; a subscription can be replayed from a time. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../patient/patient.h"
#include "monitor_int.h"

#include "../core/banned.h"

#define GIVE_UP_US (72LL * 3600 * 1000000)
#define LEASE_US (60LL * 1000000)

/* Back-off after the n-th failed attempt: 5 s, 10 s, 20 s ... at most 10 minutes. */
static int64_t backoff_us(int attempts)
{
    int64_t s = 5;
    for (int i = 1; i < attempts && s < 600; i++)
        s *= 2;
    return (s < 600 ? s : 600) * 1000000;
}

/* ---- creating ---- */
static const char SQL_SUB_ADD[] =
    "INSERT INTO subscription (id, status, criteria, patient_id, endpoint, header, payload,"
    " reason, owner_id, created_at, version) VALUES (?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, 1)";

struct sub_tx {
    const struct hb_user *u;
    int64_t id, patient_id;
    const char *criteria, *endpoint, *header, *payload, *reason;
};

static int sub_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct sub_tx *x = arg;
    int rc;
    if (x->patient_id) { /* a subscription for one patient needs a relation to them */
        struct hb_arena *a = hb_arena_new();
        struct hb_patient_ref ref;
        const char *relation, *reason;
        rc = hb_patient_ref(db, x->patient_id, &ref, err);
        if (rc == HB_NOT_FOUND)
            rc = hb_fail(err, HB_UNPROCESSABLE, "Subscription.criteria", "Ukjent pasient");
        if (rc == 0)
            rc = hb_policy_check(db, x->u, &ref, a, &relation, &reason, err);
        hb_arena_free(a);
        if (rc)
            return rc;
    }
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_SUB_ADD, &st, err)))
        return rc;
    x->id = hb_id_new();
    hb_stmt_int(st, 1, x->id);
    hb_stmt_text(st, 2, x->criteria);
    hb_stmt_int_or_null(st, 3, x->patient_id);
    hb_stmt_text(st, 4, x->endpoint);
    hb_stmt_text(st, 5, x->header);
    hb_stmt_text(st, 6, x->payload);
    hb_stmt_text(st, 7, x->reason);
    hb_stmt_int(st, 8, x->u->id);
    hb_stmt_int(st, 9, hb_now_us());
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

int hb_monitor_subscribe(struct hb_store *s, const struct hb_user *u, json_t *res, int64_t *id,
                         struct hb_error *err)
{
    struct sub_tx x = {.u = u};
    const char *rt = json_string_value(json_object_get(res, "resourceType"));
    if (!rt || strcmp(rt, "Subscription") != 0)
        return hb_fail(err, HB_UNPROCESSABLE, "resourceType", "resourceType må være Subscription");
    x.criteria = json_string_value(json_object_get(res, "criteria"));
    if (!x.criteria || strncmp(x.criteria, "Flag", 4) != 0 ||
        (x.criteria[4] && x.criteria[4] != '?') || strlen(x.criteria) > 200)
        return hb_fail(err, HB_UNPROCESSABLE, "Subscription.criteria",
                       "criteria er Flag?category=clinical (nye varsler), eventuelt "
                       "&patient=Patient/{id}");
    const char *p = strstr(x.criteria, "patient=");
    if (p) {
        p += 8;
        if (strncmp(p, "Patient/", 8) == 0)
            p += 8;
        size_t n = strcspn(p, "&");
        if (hb_parse_i64(p, n, 1, INT64_MAX, &x.patient_id) != 0)
            return hb_fail(err, HB_UNPROCESSABLE, "Subscription.criteria",
                           "patient må være Patient/{id}");
    }
    x.reason = json_string_value(json_object_get(res, "reason"));
    if (!x.reason || !*x.reason || strlen(x.reason) > 500)
        return hb_fail(err, HB_UNPROCESSABLE, "Subscription.reason", "Skriv hvorfor (reason)");
    json_t *ch = json_object_get(res, "channel");
    const char *type = json_string_value(json_object_get(ch, "type"));
    if (!type || strcmp(type, "rest-hook") != 0)
        return hb_fail(err, HB_UNPROCESSABLE, "Subscription.channel.type",
                       "Bare rest-hook støttes");
    x.endpoint = json_string_value(json_object_get(ch, "endpoint"));
    if (!x.endpoint || strlen(x.endpoint) > 500 ||
        (strncmp(x.endpoint, "https://", 8) != 0 && strncmp(x.endpoint, "http://", 7) != 0) ||
        strpbrk(x.endpoint, " \r\n"))
        return hb_fail(err, HB_UNPROCESSABLE, "Subscription.channel.endpoint",
                       "endpoint er en http(s)-adresse");
    x.payload = json_string_value(json_object_get(ch, "payload"));
    if (x.payload && strcmp(x.payload, "application/fhir+json") != 0 &&
        strcmp(x.payload, "application/json") != 0)
        return hb_fail(err, HB_UNPROCESSABLE, "Subscription.channel.payload",
                       "payload er application/fhir+json (eller utelatt: tomt innhold)");
    json_t *hdr = json_object_get(ch, "header");
    if (hdr) {
        x.header = json_string_value(json_array_get(hdr, 0));
        if (!json_is_array(hdr) || json_array_size(hdr) > 1 || !x.header ||
            !strchr(x.header, ':') || strpbrk(x.header, "\r\n") || strlen(x.header) > 500)
            return hb_fail(err, HB_UNPROCESSABLE, "Subscription.channel.header",
                           "header er én linje «Navn: verdi»");
    }
    int rc = hb_store_write(s, sub_tx, &x, err);
    if (rc == 0)
        *id = x.id;
    return rc;
}

static const char SQL_SUB_GET[] =
    "SELECT status, criteria, endpoint, header, payload, reason, owner_id, version,"
    " (SELECT COUNT(*) FROM notification n WHERE n.subscription_id = subscription.id AND"
    " n.status = 'delivered'), (SELECT COUNT(*) FROM notification n WHERE n.subscription_id ="
    " subscription.id AND n.status <> 'delivered') FROM subscription WHERE id = ?";

int hb_monitor_subscription_fhir(struct hb_db *db, int64_t id, json_t **out, int64_t *owner,
                                 struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_SUB_GET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    if ((rc = hb_stmt_step(st, err)) != 1) {
        hb_stmt_done(st);
        return rc < 0 ? rc
                      : hb_fail(err, HB_NOT_FOUND, "id", "Subscription/%lld finnes ikke",
                                (long long)id);
    }
    const char *status = hb_stmt_col(st, 0, NULL);
    json_t *ch = json_pack("{s:s,s:s}", "type", "rest-hook", "endpoint", hb_stmt_col(st, 2, NULL));
    if (hb_stmt_col(st, 3, NULL))
        json_object_set_new(ch, "header", json_pack("[s]", hb_stmt_col(st, 3, NULL)));
    if (hb_stmt_col(st, 4, NULL))
        json_object_set_new(ch, "payload", json_string(hb_stmt_col(st, 4, NULL)));
    *out = json_pack("{s:s,s:o,s:{s:o},s:s,s:s,s:s,s:o,s:[{s:s,s:I},{s:s,s:I}]}", "resourceType",
                     "Subscription", "id", json_sprintf("%lld", (long long)id), "meta", "versionId",
                     json_sprintf("%lld", (long long)hb_stmt_col_int(st, 7)), "status",
                     strcmp(status, "active") == 0 ? "active"
                     : strcmp(status, "off") == 0  ? "off"
                                                   : "error",
                     "reason", hb_stmt_col(st, 5, NULL), "criteria", hb_stmt_col(st, 1, NULL),
                     "channel", ch, "extension", "url",
                     "https://helsebro.no/fhir/StructureDefinition/notifications-delivered",
                     "valueInteger", (json_int_t)hb_stmt_col_int(st, 8), "url",
                     "https://helsebro.no/fhir/StructureDefinition/notifications-waiting",
                     "valueInteger", (json_int_t)hb_stmt_col_int(st, 9));
    *owner = hb_stmt_col_int(st, 6);
    hb_stmt_done(st);
    return 0;
}

/* ---- storing notifications with their alert ---- */
static const char SQL_SUBS_FOR[] = "SELECT id, owner_id FROM subscription WHERE status = 'active'"
                                   " AND (patient_id IS NULL OR patient_id = ?) LIMIT 100";
static const char SQL_NOTE_ADD[] =
    "INSERT INTO notification (id, subscription_id, alert_id, created_at, status, attempts,"
    " next_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)";

int hb__monitor_notify(struct hb_db *db, int64_t alert_id, int64_t patient_id, int64_t at,
                       struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_SUBS_FOR, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, patient_id);
    int64_t subs[100][2];
    int n = 0;
    while (n < 100 && (rc = hb_stmt_step(st, err)) == 1) {
        subs[n][0] = hb_stmt_col_int(st, 0);
        subs[n++][1] = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0 || !n)
        return rc < 0 ? rc : 0;
    struct hb_arena *a = hb_arena_new();
    struct hb_patient_ref ref;
    rc = hb_patient_ref(db, patient_id, &ref, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        /* Only what the subscriber may see: its owner's relation, now. */
        struct hb_user owner;
        const char *relation, *reason;
        struct hb_error e = {0};
        if ((rc = hb_auth_user_get(db, subs[i][1], a, &owner, err)))
            break;
        int prc = hb_policy_check(db, &owner, &ref, a, &relation, &reason, &e);
        if (prc == HB_FORBIDDEN)
            continue;
        if (prc) {
            *err = e;
            rc = prc;
            break;
        }
        if ((rc = hb_db_stmt(db, SQL_NOTE_ADD, &st, err)))
            break;
        hb_stmt_int(st, 1, hb_id_new());
        hb_stmt_int(st, 2, subs[i][0]);
        hb_stmt_int(st, 3, alert_id);
        hb_stmt_int(st, 4, at);
        hb_stmt_int(st, 5, at);
        rc = hb_stmt_run(st, err);
        rc = rc < 0 ? rc : 0;
    }
    hb_arena_free(a);
    return rc;
}

/* ---- replay ---- */
static const char SQL_REPLAY[] =
    "UPDATE notification SET status = 'pending', next_at = ?, attempts = 0"
    " WHERE subscription_id = ? AND created_at >= ?";

struct replay_tx {
    int64_t id, since, now;
};

static int replay_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct replay_tx *x = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_REPLAY, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, x->now);
    hb_stmt_int(st, 2, x->id);
    hb_stmt_int(st, 3, x->since);
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

int hb_monitor_replay(struct hb_store *s, const struct hb_user *u, int64_t id, int64_t since,
                      struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    json_t *res = NULL;
    int64_t owner = 0;
    int rc = hb_monitor_subscription_fhir(db, id, &res, &owner, err);
    hb_store_release(s, db);
    json_decref(res);
    if (rc)
        return rc;
    if (owner != u->id)
        return hb_fail(err, HB_FORBIDDEN, NULL,
                       "Bare den som opprettet abonnementet kan spille av");
    struct replay_tx x = {.id = id, .since = since, .now = hb_now_us()};
    return hb_store_write(s, replay_tx, &x, err);
}

/* ---- delivery ---- */
static const char SQL_DUE[] =
    "SELECT id FROM notification WHERE status IN ('pending', 'sending') AND next_at <= ?"
    " ORDER BY next_at LIMIT 20";
static const char SQL_CLAIM[] =
    "UPDATE notification SET status = 'sending', next_at = ? WHERE id = ?";
static const char SQL_NOTE_GET[] =
    "SELECT n.alert_id, n.attempts, n.created_at, s.endpoint, s.header, s.payload"
    " FROM notification n JOIN subscription s ON s.id = n.subscription_id WHERE n.id = ?";
static const char SQL_DONE[] =
    "UPDATE notification SET status = 'delivered', delivered_at = ?, attempts = attempts + 1,"
    " last_error = NULL WHERE id = ?";
static const char SQL_RETRY[] =
    "UPDATE notification SET status = ?, next_at = ?, attempts = attempts + 1, last_error = ?"
    " WHERE id = ?";

struct claim_tx {
    int64_t now;
    int64_t ids[20];
    int n;
};

static int claim_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct claim_tx *x = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_DUE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, x->now);
    x->n = 0;
    while (x->n < 20 && (rc = hb_stmt_step(st, err)) == 1)
        x->ids[x->n++] = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    for (int i = 0; rc >= 0 && i < x->n; i++) {
        if ((rc = hb_db_stmt(db, SQL_CLAIM, &st, err)))
            break;
        hb_stmt_int(st, 1, x->now + LEASE_US); /* a crashed sender's claim runs out */
        hb_stmt_int(st, 2, x->ids[i]);
        rc = hb_stmt_run(st, err);
    }
    return rc < 0 ? rc : 0;
}

struct outcome_tx {
    int64_t id, now, created_at;
    int attempts;
    bool ok;
    char error[200];
};

static int outcome_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct outcome_tx *x = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, x->ok ? SQL_DONE : SQL_RETRY, &st, err);
    if (rc)
        return rc;
    if (x->ok) {
        hb_stmt_int(st, 1, x->now);
        hb_stmt_int(st, 2, x->id);
    } else {
        bool give_up = x->now - x->created_at > GIVE_UP_US;
        hb_stmt_text(st, 1, give_up ? "failed" : "pending");
        hb_stmt_int(st, 2, x->now + backoff_us(x->attempts + 1));
        hb_stmt_text(st, 3, x->error);
        hb_stmt_int(st, 4, x->id);
    }
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* Posts one notification; 0 delivered, else the failure in error. */
static int post(const char *endpoint, const char *header, const char *payload, const char *body,
                char *error, size_t errlen)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(error, errlen, "curl init failed");
        return -1;
    }
    struct curl_slist *h = NULL;
    char ctype[128];
    snprintf(ctype, sizeof(ctype), "Content-Type: %s", payload ? payload : "application/fhir+json");
    h = curl_slist_append(h, ctype);
    if (header)
        h = curl_slist_append(h, header);
    curl_easy_setopt(c, CURLOPT_URL, endpoint);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload ? body : "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK) {
        snprintf(error, errlen, "%s", curl_easy_strerror(cc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(error, errlen, "HTTP %ld", status);
        return -1;
    }
    return 0;
}

int hb_monitor_deliver(struct hb_store *s, int64_t now, int *sent, int *failed,
                       struct hb_error *err)
{
    struct claim_tx claim = {.now = now};
    int rc = hb_store_write(s, claim_tx, &claim, err);
    *sent = *failed = 0;
    for (int i = 0; rc == 0 && i < claim.n; i++) {
        struct hb_db *db = hb_store_acquire(s, err);
        if (!db)
            return HB_UNAVAILABLE;
        struct hb_stmt *st;
        struct outcome_tx out = {.id = claim.ids[i], .now = now};
        char endpoint[512] = "", header[512] = "", payload[64] = "";
        int64_t alert_id = 0;
        json_t *flag = NULL;
        int64_t pid;
        if ((rc = hb_db_stmt(db, SQL_NOTE_GET, &st, err)) == 0) {
            hb_stmt_int(st, 1, claim.ids[i]);
            if ((rc = hb_stmt_step(st, err)) == 1) {
                alert_id = hb_stmt_col_int(st, 0);
                out.attempts = (int)hb_stmt_col_int(st, 1);
                out.created_at = hb_stmt_col_int(st, 2);
                snprintf(endpoint, sizeof(endpoint), "%s", hb_stmt_col(st, 3, NULL));
                if (hb_stmt_col(st, 4, NULL))
                    snprintf(header, sizeof(header), "%s", hb_stmt_col(st, 4, NULL));
                if (hb_stmt_col(st, 5, NULL))
                    snprintf(payload, sizeof(payload), "%s", hb_stmt_col(st, 5, NULL));
            }
            hb_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        if (rc == 0 && alert_id)
            rc = hb_monitor_alert_flag(db, alert_id, &flag, &pid, err);
        hb_store_release(s, db);
        if (rc)
            break;
        char *body = flag ? json_dumps(flag, JSON_COMPACT) : NULL;
        json_decref(flag);
        out.ok = post(endpoint, header[0] ? header : NULL, payload[0] ? payload : NULL,
                      body ? body : "", out.error, sizeof(out.error)) == 0;
        free(body);
        if (out.ok)
            (*sent)++;
        else
            (*failed)++;
        rc = hb_store_write(s, outcome_tx, &out, err);
    }
    return rc;
}
