/* analytics: the risk ranking of a running server (see risk.h). One thread at
 * a time computes a snapshot on a connection of its own; requests hold a
 * reference to the snapshot they read, so a new one can be installed while
 * they list from the old one, which is freed by the last to let it go. */
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "risk.h"

#include "../core/banned.h"

enum { WAIT_FOR_FIRST_S = 5 };
static const int64_t FRESH_MIN_US = 5LL * 1000000, FRESH_MAX_US = 600LL * 1000000;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a snapshot was installed, or a computation ended */
    struct hb_risk_snap *cur;
    struct hb_store *s;
    pthread_t thread;
    bool busy;     /* the thread computes */
    bool joinable; /* a thread was started and not joined */
    bool stop;
    atomic_bool cancel;
} rl = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void snap_free(struct hb_risk_snap *p)
{
    if (!p)
        return;
    free(p->rows);
    free(p->by_muni);
    free(p->by_gp);
    free(p->ids);
    free(p->id_pos);
    free(p);
}

/* ---- building: positions ordered by a key, then by position ---- */
static int cmp_key(int64_t ka, int64_t kb, int32_t a, int32_t b)
{
    return ka != kb ? (ka > kb) - (ka < kb) : (a > b) - (a < b);
}

static int by_muni(const void *x, const void *y, void *arg)
{
    const struct hb_risk_ranked *rows = arg;
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return cmp_key(rows[a].municipality_id, rows[b].municipality_id, a, b);
}

static int by_gp(const void *x, const void *y, void *arg)
{
    const struct hb_risk_ranked *rows = arg;
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return cmp_key(rows[a].gp_user_id, rows[b].gp_user_id, a, b);
}

static int by_id(const void *x, const void *y, void *arg)
{
    const struct hb_risk_ranked *rows = arg;
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return cmp_key(rows[a].patient_id, rows[b].patient_id, a, b);
}

static int32_t *positions(const struct hb_risk_ranked *rows, int n,
                          int (*cmp)(const void *, const void *, void *))
{
    int32_t *p = hb_xmalloc(sizeof(*p) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        p[i] = i;
    if (n)
        qsort_r(p, (size_t)n, sizeof(*p), cmp, (void *)rows);
    return p;
}

/* Scores everyone now; keeps those above 0 who are not in a team. */
static int build(struct hb_store *s, const atomic_bool *cancel, struct hb_risk_snap **out,
                 struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t t0 = hb_monotonic_us(), at = hb_now_us();
    struct hb_risk_row *rows = NULL;
    int n = 0;
    int rc = hb_risk_compute(db, at, false, cancel, &rows, &n, NULL, err);
    hb_store_release(s, db);
    if (rc)
        return rc;
    int kept = 0;
    for (int i = 0; i < n; i++)
        kept += !rows[i].in_team && rows[i].risk.total > 0;
    struct hb_risk_snap *p = hb_xcalloc(1, sizeof(*p));
    p->rows = hb_xmalloc(sizeof(*p->rows) * (size_t)(kept ? kept : 1));
    for (int i = 0, k = 0; i < n; i++)
        if (!rows[i].in_team && rows[i].risk.total > 0)
            p->rows[k++] = (struct hb_risk_ranked){.patient_id = rows[i].patient_id,
                                                   .municipality_id = rows[i].municipality_id,
                                                   .gp_user_id = rows[i].gp_user_id,
                                                   .facts = rows[i].facts,
                                                   .total = rows[i].risk.total};
    free(rows);
    p->n = kept;
    p->scored = n;
    p->by_muni = positions(p->rows, kept, by_muni);
    p->by_gp = positions(p->rows, kept, by_gp);
    p->id_pos = positions(p->rows, kept, by_id);
    p->ids = hb_xmalloc(sizeof(*p->ids) * (size_t)(kept ? kept : 1));
    for (int i = 0; i < kept; i++)
        p->ids[i] = p->rows[p->id_pos[i]].patient_id;
    p->at_us = at;
    p->took_us = hb_monotonic_us() - t0;
    HB_LOG(HB_LOG_INFO, "msg=\"risk ranking computed\" ms=%lld scored=%d listed=%d",
           (long long)(p->took_us / 1000), n, kept);
    *out = p;
    return 0;
}

/* Makes p current (when it is newer) and frees the one before once no request holds it. */
static void install(struct hb_risk_snap *p)
{
    pthread_mutex_lock(&rl.mu);
    struct hb_risk_snap *old = NULL;
    if (rl.cur && rl.cur->at_us > p->at_us) {
        old = p; /* a later one was installed while this was computed */
    } else {
        old = rl.cur;
        rl.cur = p;
    }
    if (old && old->refs > 0)
        old = NULL; /* the last release frees it */
    pthread_cond_broadcast(&rl.cv);
    pthread_mutex_unlock(&rl.mu);
    snap_free(old);
}

static void *worker(void *arg)
{
    (void)arg;
    /* Behind the requests: Linux gives each thread its own nice value. */
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), 10) != 0)
        HB_LOG(HB_LOG_WARN, "msg=\"risk ranking keeps normal priority\"");
    struct hb_error err = {0};
    struct hb_risk_snap *p = NULL;
    if (build(rl.s, &rl.cancel, &p, &err) == 0)
        install(p);
    else if (!atomic_load(&rl.cancel))
        HB_LOG(HB_LOG_ERROR, "msg=\"risk ranking failed\" error=\"%s\"", err.message);
    pthread_mutex_lock(&rl.mu);
    rl.busy = false;
    pthread_cond_broadcast(&rl.cv);
    pthread_mutex_unlock(&rl.mu);
    return NULL;
}

/* Starts the thread unless it runs; the caller holds rl.mu. */
static void kick_locked(struct hb_store *s)
{
    if (rl.busy || rl.stop)
        return;
    if (rl.joinable) /* it has ended (not busy): joining does not wait */
        pthread_join(rl.thread, NULL);
    rl.s = s;
    rl.busy = true;
    rl.joinable = pthread_create(&rl.thread, NULL, worker, NULL) == 0;
    if (!rl.joinable)
        rl.busy = false;
}

static bool due(const struct hb_risk_snap *p, int64_t now)
{
    int64_t fresh = p->took_us * 30;
    if (fresh < FRESH_MIN_US)
        fresh = FRESH_MIN_US;
    if (fresh > FRESH_MAX_US)
        fresh = FRESH_MAX_US;
    return now - p->at_us >= fresh;
}

const struct hb_risk_snap *hb_risk_live_get(struct hb_store *s, struct hb_error *err)
{
    pthread_mutex_lock(&rl.mu);
    if (!rl.cur) {
        kick_locked(s);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += WAIT_FOR_FIRST_S;
        while (!rl.cur && rl.busy && pthread_cond_timedwait(&rl.cv, &rl.mu, &until) != ETIMEDOUT)
            ;
    } else if (due(rl.cur, hb_now_us())) {
        kick_locked(s);
    }
    struct hb_risk_snap *p = rl.cur;
    if (p)
        p->refs++;
    pthread_mutex_unlock(&rl.mu);
    if (!p)
        hb_fail(err, HB_UNAVAILABLE, NULL,
                "Risikoskåren beregnes for alle pasienter; prøv igjen om et halvt minutt");
    return p;
}

void hb_risk_live_release(const struct hb_risk_snap *snap)
{
    if (!snap)
        return;
    struct hb_risk_snap *p = (struct hb_risk_snap *)snap; /* ours: cast back to count */
    pthread_mutex_lock(&rl.mu);
    bool last = --p->refs == 0 && p != rl.cur;
    pthread_mutex_unlock(&rl.mu);
    if (last)
        snap_free(p);
}

int hb_risk_live_refresh(struct hb_store *s, struct hb_error *err)
{
    struct hb_risk_snap *p = NULL;
    int rc = build(s, NULL, &p, err);
    if (rc == 0)
        install(p);
    return rc;
}

void hb_risk_live_start(struct hb_store *s)
{
    pthread_mutex_lock(&rl.mu);
    rl.stop = false;
    atomic_store(&rl.cancel, false);
    kick_locked(s);
    pthread_mutex_unlock(&rl.mu);
}

void hb_risk_live_stop(void)
{
    pthread_mutex_lock(&rl.mu);
    rl.stop = true;
    atomic_store(&rl.cancel, true);
    bool joinable = rl.joinable;
    rl.joinable = false;
    pthread_mutex_unlock(&rl.mu);
    if (joinable)
        pthread_join(rl.thread, NULL);
    pthread_mutex_lock(&rl.mu);
    struct hb_risk_snap *p = rl.cur;
    rl.cur = NULL;
    if (p && p->refs > 0)
        p = NULL; /* still held: its last release frees it */
    rl.busy = false;
    pthread_mutex_unlock(&rl.mu);
    snap_free(p);
}

/* ---- reading ---- */
/* The first of perm[0..n) whose row has key >= k (key(row) is nondecreasing along perm). */
static int lower(const struct hb_risk_snap *p, const int32_t *perm, bool gp, int64_t k)
{
    int lo = 0, hi = p->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        const struct hb_risk_ranked *r = &p->rows[perm[mid]];
        if ((gp ? r->gp_user_id : r->municipality_id) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int range(const struct hb_risk_snap *p, const int32_t *perm, bool gp, int64_t k,
                 const int32_t **pos)
{
    if (!k) {
        *pos = perm;
        return 0;
    }
    int a = lower(p, perm, gp, k), b = lower(p, perm, gp, k + 1);
    *pos = perm + a;
    return b - a;
}

int hb_risk_snap_muni(const struct hb_risk_snap *snap, int64_t muni_id, const int32_t **pos)
{
    return range(snap, snap->by_muni, false, muni_id, pos);
}

int hb_risk_snap_gp(const struct hb_risk_snap *snap, int64_t gp_user_id, const int32_t **pos)
{
    return range(snap, snap->by_gp, true, gp_user_id, pos);
}

int32_t hb_risk_snap_find(const struct hb_risk_snap *snap, int64_t patient_id)
{
    int lo = 0, hi = snap->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (snap->ids[mid] < patient_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < snap->n && snap->ids[lo] == patient_id ? snap->id_pos[lo] : -1;
}
