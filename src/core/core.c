/* core: errors, strings, buffers, memory, logging, time and ids. */
#include "core.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

/* ---- errors ---- */
static const struct {
    int code, status;
    const char *name, *text;
} err_table[] = {
#define HB_ERR_ROW(name, status, code, text) {HB_##name, status, code, text},
    HB_ERR_MAP(HB_ERR_ROW)
#undef HB_ERR_ROW
};

static int err_index(int code)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].code == code)
            return (int)i;
    return -1;
}

int hb_err_status(int code)
{
    int i = err_index(code);
    return i < 0 ? 500 : err_table[i].status;
}

const char *hb_err_code(int code)
{
    int i = err_index(code);
    return i < 0 ? "internal" : err_table[i].name;
}

const char *hb_err_text(int code)
{
    int i = err_index(code);
    return i < 0 ? "Intern feil" : err_table[i].text;
}

int hb_fail(struct hb_error *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

/* ---- numbers ---- */
int hb_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    char tmp[32];
    if (!s || len == 0 || len >= sizeof(tmp))
        return HB_INVALID;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    if (!((tmp[0] >= '0' && tmp[0] <= '9') || (tmp[0] == '-' && len > 1)))
        return HB_INVALID;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return HB_INVALID;
    *out = v;
    return 0;
}

/* ---- memory ---- */
static void oom(void)
{
    fputs("level=error msg=\"out of memory\"\n", stderr);
    abort();
}

void *hb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *hb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *hb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *hb_xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = hb_xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

/* ---- buffers ---- */
void hb_buf_init(struct hb_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void hb_buf_release(struct hb_buf *b)
{
    free(b->ptr);
    hb_buf_init(b, b->max);
}

static int buf_grow(struct hb_buf *b, size_t extra)
{
    if (b->max && b->len + extra > b->max)
        return HB_TOO_LARGE;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->ptr = hb_xrealloc(b->ptr, cap);
    b->cap = cap;
    return 0;
}

int hb_buf_add(struct hb_buf *b, const void *p, size_t n)
{
    int rc = buf_grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
}

int hb_buf_adds(struct hb_buf *b, const char *s)
{
    return hb_buf_add(b, s, strlen(s));
}

int hb_buf_addf(struct hb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return HB_INTERNAL;
    int rc = buf_grow(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *hb_buf_detach(struct hb_buf *b, size_t *len)
{
    if (!b->ptr)
        hb_buf_add(b, "", 0);
    char *p = b->ptr;
    if (len)
        *len = b->len;
    hb_buf_init(b, b->max);
    return p;
}

/* ---- arena ---- */
struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

struct arena_defer {
    struct arena_defer *next;
    void (*fn)(void *);
    void *p;
};

struct hb_arena {
    struct arena_chunk *chunks;
    struct arena_defer *defers;
};

struct hb_arena *hb_arena_new(void)
{
    return hb_xcalloc(1, sizeof(struct hb_arena));
}

void *hb_arena_alloc(struct hb_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct arena_chunk *c = a->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 8192 ? n : 8192;
        c = hb_xmalloc(sizeof(*c) + cap);
        c->cap = cap;
        c->used = 0;
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *hb_arena_strndup(struct hb_arena *a, const char *s, size_t n)
{
    char *p = hb_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *hb_arena_strdup(struct hb_arena *a, const char *s)
{
    return hb_arena_strndup(a, s, strlen(s));
}

char *hb_arena_printf(struct hb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = hb_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void hb_arena_defer(struct hb_arena *a, void (*fn)(void *), void *p)
{
    struct arena_defer *d = hb_arena_alloc(a, sizeof(*d));
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
}

void hb_arena_free(struct hb_arena *a)
{
    if (!a)
        return;
    for (struct arena_defer *d = a->defers; d; d = d->next)
        d->fn(d->p);
    struct arena_chunk *c = a->chunks;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

/* ---- logging ---- */
enum hb_log_level hb_log_level = HB_LOG_INFO;

void hb_log(enum hb_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char line[1024];
    char ts[32];
    hb_time_iso(hb_now_us(), ts, sizeof(ts));
    int n = snprintf(line, sizeof(line), "time=%s level=%s ", ts, names[level]);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}

/* ---- time ---- */
int64_t hb_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t hb_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void hb_time_iso(int64_t us, char *out, size_t outlen)
{
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)((us / 1000) % 1000));
}

/* Unix time of the last Sunday of month (3 or 10) in year at 01:00 UTC: the
 * EU switch. Pure arithmetic on day numbers (the analytics engine converts
 * every fact's time, tens of millions at a load). */
static int64_t eu_switch(int64_t year, int month)
{
    int64_t first_next = hb_civil_days(year, month + 1, 1); /* 1 April or 1 November */
    int64_t wday = ((first_next % 7) + 11) % 7;            /* 1970-01-01 was a Thursday */
    int64_t back = wday == 0 ? 7 : wday;                    /* days back to the last Sunday */
    return (first_next - back) * 86400 + 3600;
}

/* Seconds Norway is ahead of UTC at unix time s: 7200 in summer, else 3600. */
static int64_t oslo_offset(int64_t s)
{
    int64_t day = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int y, m, d;
    hb_days_civil(day, &y, &m, &d);
    if (m < 3 || m > 10)
        return 3600;
    if (m > 3 && m < 10)
        return 7200;
    return s >= eu_switch(y, 3) && s < eu_switch(y, 10) ? 7200 : 3600;
}

/* Europe/Oslo broken-down local time of an instant. */
static void oslo_tm(int64_t us, struct tm *tm)
{
    int64_t s = us / 1000000;
    time_t t = (time_t)(s + oslo_offset(s));
    gmtime_r(&t, tm);
}

int64_t hb_local_minutes(int64_t us)
{
    int64_t s = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    int64_t m = us >= 0 ? us / 60000000 : -((-us + 59999999) / 60000000);
    return m + oslo_offset(s) / 60;
}

int64_t hb_local_minutes_us(int64_t minutes)
{
    /* Norway is UTC+2 in summer, else UTC+1: the earlier instant that shows
     * this minute, or (in the spring's missing hour) the winter reading. */
    for (int off = 120; off >= 60; off -= 60) {
        int64_t us = (minutes - off) * 60000000;
        if (hb_local_minutes(us) == minutes)
            return us;
    }
    return (minutes - 60) * 60000000;
}

void hb_local_date(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    oslo_tm(us, &tm);
    snprintf(out, outlen, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Howard Hinnant's days-from-civil and its inverse: exact for the Gregorian calendar. */
int64_t hb_civil_days(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int hb_date_days(const char *date, int64_t *days)
{
    int64_t y, m, d;
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
        hb_parse_i64(date, 4, 1900, 2200, &y) || hb_parse_i64(date + 5, 2, 1, 12, &m) ||
        hb_parse_i64(date + 8, 2, 1, 31, &d))
        return HB_INVALID;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return HB_INVALID;
    *days = hb_civil_days(y, m, d);
    return 0;
}

int hb_parse_instant(const char *s, int64_t *us)
{
    char date[11];
    int64_t days, hh, mm, ss = 0, frac = 0, oh = 0, om = 0;
    size_t n = s ? strlen(s) : 0;
    if (n < 17 || s[10] != 'T' || s[13] != ':')
        return HB_INVALID;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (hb_date_days(date, &days) || hb_parse_i64(s + 11, 2, 0, 23, &hh) ||
        hb_parse_i64(s + 14, 2, 0, 59, &mm))
        return HB_INVALID;
    const char *p = s + 16;
    if (*p == ':') {
        if (hb_parse_i64(p + 1, 2, 0, 60, &ss))
            return HB_INVALID;
        p += 3;
        if (*p == '.') {
            size_t k = strspn(p + 1, "0123456789");
            if (k == 0 || k > 6 || hb_parse_i64(p + 1, k, 0, 999999, &frac))
                return HB_INVALID;
            for (size_t z = k; z < 6; z++)
                frac *= 10;
            p += 1 + k;
        }
    }
    if (*p == 'Z' && p[1] == '\0') {
        oh = om = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
               hb_parse_i64(p + 1, 2, 0, 14, &oh) == 0 && hb_parse_i64(p + 4, 2, 0, 59, &om) == 0) {
        if (*p == '-') {
            oh = -oh;
            om = -om;
        }
    } else {
        return HB_INVALID;
    }
    *us = ((days * 86400 + hh * 3600 + mm * 60 + ss) - (oh * 3600 + om * 60)) * 1000000 + frac;
    return 0;
}

int hb_local_year(int64_t us)
{
    struct tm tm;
    oslo_tm(us, &tm);
    return tm.tm_year + 1900;
}

int64_t hb_local_day(int64_t us)
{
    char d[48];
    int64_t days = 0;
    hb_local_date(us, d, sizeof(d));
    hb_date_days(d, &days);
    return days;
}

int hb_age(const char *birth_date)
{
    int64_t y, m, d;
    if (!birth_date || strlen(birth_date) != 10 || hb_parse_i64(birth_date, 4, 1800, 2200, &y) ||
        hb_parse_i64(birth_date + 5, 2, 1, 12, &m) || hb_parse_i64(birth_date + 8, 2, 1, 31, &d))
        return 0;
    struct tm tm;
    oslo_tm(hb_now_us(), &tm);
    int age = tm.tm_year + 1900 - (int)y;
    if (tm.tm_mon + 1 < m || (tm.tm_mon + 1 == m && tm.tm_mday < d))
        age--;
    return age;
}

void hb_days_civil(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

void hb_days_date(int64_t z, char *out, size_t outlen)
{
    int y, m, d;
    hb_days_civil(z, &y, &m, &d);
    snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
}

void hb_time_no(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    oslo_tm(us, &tm);
    snprintf(out, outlen, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* Ids: 41 bits of milliseconds since 2024-01-01, 8 bits of random node, 14 bits of
 * sequence. Time-ordered keys keep B-tree inserts at the right edge. */
int64_t hb_id_new(void)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static int64_t last_ms = -1, seq = 0, node = -1;
    const int64_t epoch_ms = 1704067200000LL;
    pthread_mutex_lock(&mu);
    if (node < 0)
        node = (int64_t)randombytes_uniform(256);
    int64_t ms = hb_now_us() / 1000 - epoch_ms;
    if (ms < last_ms)
        ms = last_ms; /* clock stepped back: keep increasing */
    if (ms == last_ms) {
        if (++seq >= (1 << 14)) {
            ms = ++last_ms;
            seq = 0;
        }
    } else {
        seq = 0;
    }
    last_ms = ms;
    int64_t id = (ms << 22) | (node << 14) | seq;
    pthread_mutex_unlock(&mu);
    return id;
}

void hb_random(void *p, size_t n)
{
    randombytes_buf(p, n);
}

void hb_hex(const unsigned char *p, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, p, n);
}

void hb_token_hash(const char *token, size_t len, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, len, NULL, 0);
    hb_hex(h, sizeof(h), out);
}

void hb_token_new(char *out, size_t outlen)
{
    unsigned char raw[32];
    hb_random(raw, sizeof(raw));
    sodium_bin2base64(out, outlen, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- text folding ---- */
char *hb_fold(struct hb_arena *arena, const char *s)
{
    size_t n = strlen(s);
    char *out = hb_arena_alloc(arena, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') {
            out[i] = (char)(c + 32);
        } else if (c == 0xC3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0x9E && (unsigned char)s[i + 1] != 0x97) {
            out[i] = (char)c; /* Latin-1 capitals À..Þ (not ×) fold to à..þ */
            out[i + 1] = (char)((unsigned char)s[i + 1] + 0x20);
            i++;
        } else {
            out[i] = (char)c;
        }
    }
    return out;
}

char *hb_like_prefix(struct hb_arena *a, const char *s)
{
    const char *f = hb_fold(a, s);
    size_t n = strlen(f);
    char *out = hb_arena_alloc(a, n * 2 + 2), *o = out;
    for (; *f; f++) {
        if (*f == '!' || *f == '%' || *f == '_')
            *o++ = '!';
        *o++ = *f;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}


/* ---- CSV ---- */
int hb_csv_split(char *line, char sep, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        f[n++] = out;
        if (*p == '"') {
            p++;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"')
                    p++; /* "" inside quotes */
                *out++ = *p++;
            }
            if (*p == '"')
                p++;
            while (*p && *p != sep)
                p++;
        } else {
            while (*p && *p != sep)
                *out++ = *p++;
        }
        char *next = *p ? p + 1 : NULL;
        *out = '\0';
        if (!next)
            break;
        p = next;
    }
    return n;
}
