/* analytics: the engine of a running server, loaded on first use and kept up
 * to date by a thread of its own. Readers share a read lock; a refresh takes
 * the write lock only while it applies what changed. */
#include "an_int.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"

#include "../core/banned.h"

static struct {
    pthread_rwlock_t lock;
    pthread_mutex_t mu; /* thread start/stop */
    pthread_cond_t cv;
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

/* With the write lock held: loads when there is no engine yet, else refreshes. */
static int update_locked(struct hb_store *s, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int rc;
    if (!live.an) {
        int64_t t0 = hb_monotonic_us();
        rc = hb_an_load(db, is_pg(s), &live.an, err);
        if (rc == 0)
            HB_LOG(HB_LOG_INFO, "msg=\"analytics loaded\" ms=%lld patients=%d",
                   (long long)((hb_monotonic_us() - t0) / 1000), live.an->npatients);
    } else {
        rc = hb_an_refresh(db, live.an, err);
    }
    hb_store_release(s, db);
    return rc;
}

struct hb_an *hb_an_live_read(struct hb_store *s, struct hb_error *err)
{
    pthread_rwlock_rdlock(&live.lock);
    if (live.an)
        return live.an;
    pthread_rwlock_unlock(&live.lock);
    pthread_rwlock_wrlock(&live.lock);
    int rc = live.an ? 0 : update_locked(s, err);
    pthread_rwlock_unlock(&live.lock);
    if (rc)
        return NULL;
    pthread_rwlock_rdlock(&live.lock);
    return live.an;
}

void hb_an_live_done(void)
{
    pthread_rwlock_unlock(&live.lock);
}

int hb_an_live_refresh(struct hb_store *s, struct hb_error *err)
{
    pthread_rwlock_wrlock(&live.lock);
    int rc = update_locked(s, err);
    pthread_rwlock_unlock(&live.lock);
    return rc;
}

static void *live_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&live.mu);
    while (!live.stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += live.interval_s;
        pthread_cond_timedwait(&live.cv, &live.mu, &until);
        if (live.stop)
            break;
        pthread_mutex_unlock(&live.mu);
        struct hb_error err = {0};
        if (hb_an_live_refresh(live.s, &err))
            HB_LOG(HB_LOG_ERROR, "msg=\"analytics refresh failed\" error=\"%s\"", err.message);
        pthread_mutex_lock(&live.mu);
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
    pthread_cond_signal(&live.cv);
    pthread_mutex_unlock(&live.mu);
    if (running)
        pthread_join(live.thread, NULL);
    live.running = false;
    pthread_rwlock_wrlock(&live.lock);
    hb_an_free(live.an);
    live.an = NULL;
    pthread_rwlock_unlock(&live.lock);
}
