/* analytics: the engine of a running server, loaded by a thread of its own
 * when the server starts and kept up to date by it. Readers share a read
 * lock; a refresh takes the write lock only while it applies what changed.
 * The load builds its engine without the lock and installs it at the end, so
 * while a large database loads (tens of seconds at national scale) a request
 * waits a few seconds and then gets a 503 that says so, instead of hanging. */
#include "an_int.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "risk.h"

#include "../core/banned.h"

enum { WAIT_FOR_LOAD_S = 5 };

static struct {
    pthread_rwlock_t lock; /* the engine */
    pthread_mutex_t mu;    /* the rest */
    pthread_cond_t cv;     /* the thread's sleep, and the end of a load */
    struct hb_an *an;
    struct hb_store *s;
    pthread_t thread;
    bool running, stop;
    int interval_s;
} live = {.lock = PTHREAD_RWLOCK_INITIALIZER,
          .mu = PTHREAD_MUTEX_INITIALIZER,
          .cv = PTHREAD_COND_INITIALIZER};

static bool is_pg(struct hb_store *s)
{
    return strcmp(hb_store_backend(s), "postgresql") == 0;
}

/* Loads a new engine with its plan and survey snapshot (without the engine
 * lock) and installs it. */
static int load(struct hb_store *s, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int64_t t0 = hb_monotonic_us();
    struct hb_an *an = NULL;
    struct hb_an_plans *plans = NULL;
    int rc = hb_an_load(db, is_pg(s), &an, err);
    if (rc == 0 && (rc = hb_an_plans_read(db, an, &plans, err)) == 0)
        hb_an_set_plans(an, plans, hb_now_us());
    hb_store_release(s, db);
    if (rc) {
        hb_an_free(an);
        return rc;
    }
    HB_LOG(HB_LOG_INFO, "msg=\"analytics loaded\" ms=%lld patients=%d",
           (long long)((hb_monotonic_us() - t0) / 1000), an->npatients);
    pthread_rwlock_wrlock(&live.lock);
    struct hb_an *old = live.an;
    live.an = an;
    pthread_rwlock_unlock(&live.lock);
    hb_an_free(old);
    pthread_mutex_lock(&live.mu);
    pthread_cond_broadcast(&live.cv);
    pthread_mutex_unlock(&live.mu);
    return 0;
}

/* Applies what changed, under the write lock; 1 when there is no engine yet. */
static int refresh(struct hb_store *s, struct hb_error *err)
{
    pthread_rwlock_wrlock(&live.lock);
    int rc = 1;
    if (live.an) {
        struct hb_db *db = hb_store_acquire(s, err);
        rc = db ? hb_an_refresh(db, live.an, err) : HB_UNAVAILABLE;
        if (db)
            hb_store_release(s, db);
    }
    pthread_rwlock_unlock(&live.lock);
    return rc;
}

/* Reads the plan and survey snapshot again (under the read lock: requests go
 * on) and installs it; when due only, unless forced. */
static int renew_plans(struct hb_store *s, bool force, struct hb_error *err)
{
    pthread_rwlock_rdlock(&live.lock);
    int rc = 0;
    struct hb_an_plans *plans = NULL;
    if (live.an && (force || hb_an_plans_due(live.an, hb_now_us()))) {
        struct hb_db *db = hb_store_acquire(s, err);
        rc = db ? hb_an_plans_read(db, live.an, &plans, err) : HB_UNAVAILABLE;
        if (db)
            hb_store_release(s, db);
    }
    pthread_rwlock_unlock(&live.lock);
    if (plans) {
        pthread_rwlock_wrlock(&live.lock);
        if (live.an)
            hb_an_set_plans(live.an, plans, hb_now_us());
        else
            hb_an_plans_free(plans);
        pthread_rwlock_unlock(&live.lock);
    }
    return rc;
}

int hb_an_live_plans_refresh(struct hb_store *s, struct hb_error *err)
{
    return renew_plans(s, true, err);
}

/* With no engine yet: waits for the thread's load, or loads here when no
 * thread runs (a command, a test). */
static int await_engine(struct hb_store *s, struct hb_error *err)
{
    pthread_mutex_lock(&live.mu);
    bool threaded = live.running;
    if (threaded) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += WAIT_FOR_LOAD_S;
        int wait = 0;
        for (;;) {
            pthread_rwlock_rdlock(&live.lock);
            bool ready = live.an != NULL;
            pthread_rwlock_unlock(&live.lock);
            if (ready || wait == ETIMEDOUT)
                break;
            wait = pthread_cond_timedwait(&live.cv, &live.mu, &until);
        }
    }
    pthread_mutex_unlock(&live.mu);
    pthread_rwlock_rdlock(&live.lock);
    bool ready = live.an != NULL;
    pthread_rwlock_unlock(&live.lock);
    if (ready)
        return 0;
    if (threaded)
        return hb_fail(err, HB_UNAVAILABLE, NULL,
                       "Indikatorene lastes inn etter at tjenesten startet; prøv igjen om et "
                       "halvt minutt");
    return load(s, err);
}

struct hb_an *hb_an_live_read(struct hb_store *s, struct hb_error *err)
{
    for (;;) {
        pthread_rwlock_rdlock(&live.lock);
        if (live.an)
            return live.an;
        pthread_rwlock_unlock(&live.lock);
        if (await_engine(s, err))
            return NULL;
    }
}

void hb_an_live_done(void)
{
    pthread_rwlock_unlock(&live.lock);
}

int hb_an_live_refresh(struct hb_store *s, struct hb_error *err)
{
    int rc = refresh(s, err);
    if (rc == 1) /* nothing to refresh yet: the load brings everything */
        return await_engine(s, err);
    return rc ? rc : renew_plans(s, true, err); /* "now": the plans too */
}

static void *live_main(void *arg)
{
    (void)arg;
    bool loaded = false;
    pthread_mutex_lock(&live.mu);
    while (!live.stop) {
        pthread_mutex_unlock(&live.mu);
        struct hb_error err = {0};
        if (!loaded) {
            loaded = load(live.s, &err) == 0;
            if (loaded) /* then the high users' ranking, not competing with the load */
                hb_risk_live_start(live.s);
            else
                HB_LOG(HB_LOG_ERROR, "msg=\"analytics load failed\" error=\"%s\"", err.message);
        } else if (refresh(live.s, &err) < 0 || renew_plans(live.s, false, &err) < 0) {
            HB_LOG(HB_LOG_ERROR, "msg=\"analytics refresh failed\" error=\"%s\"", err.message);
        }
        pthread_mutex_lock(&live.mu);
        if (live.stop)
            break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += live.interval_s;
        /* Woken early by a load's broadcast too: then it just sleeps again. */
        while (!live.stop && pthread_cond_timedwait(&live.cv, &live.mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&live.mu);
    return NULL;
}

void hb_an_live_start(struct hb_store *s, int interval_s)
{
    pthread_mutex_lock(&live.mu);
    live.s = s;
    live.interval_s = interval_s;
    live.stop = false;
    live.running = pthread_create(&live.thread, NULL, live_main, NULL) == 0;
    pthread_mutex_unlock(&live.mu);
}

void hb_an_live_stop(void)
{
    pthread_mutex_lock(&live.mu);
    bool running = live.running;
    live.stop = true;
    pthread_cond_broadcast(&live.cv);
    pthread_mutex_unlock(&live.mu);
    if (running)
        pthread_join(live.thread, NULL);
    live.running = false;
    pthread_rwlock_wrlock(&live.lock);
    hb_an_free(live.an);
    live.an = NULL;
    pthread_rwlock_unlock(&live.lock);
}
