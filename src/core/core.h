/* core: errors, strings, buffers, the request arena, logging, time and ids.
 * Knows nothing of the domain. */
#ifndef HB_CORE_H
#define HB_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors ---------------------------------------------------------------
 * Every fallible function returns 0 or a negative enum hb_err. The HTTP status and
 * the default text come from this one list. */
#define HB_ERR_MAP(X)                                                              \
    X(INVALID, 400, "invalid", "Ugyldig forespørsel")                              \
    X(UNAUTHORIZED, 401, "unauthorized", "Du må logge inn")                        \
    X(FORBIDDEN, 403, "forbidden", "Ingen tilgang")                                \
    X(NOT_FOUND, 404, "not-found", "Finnes ikke")                                  \
    X(METHOD, 405, "method-not-allowed", "Metoden er ikke tillatt her")            \
    X(CONFLICT, 409, "conflict", "Konflikt med en annen endring")                  \
    X(PRECONDITION, 412, "precondition-failed", "Versjonen stemmer ikke")          \
    X(TOO_LARGE, 413, "too-large", "Forespørselen er for stor")                    \
    X(MEDIA_TYPE, 415, "unsupported-media-type", "Ukjent innholdstype")            \
    X(UNPROCESSABLE, 422, "unprocessable", "Innholdet er ikke gyldig")             \
    X(LOCKED, 429, "locked", "For mange forsøk")                                   \
    X(INTERNAL, 500, "internal", "Intern feil")                                    \
    X(UNAVAILABLE, 503, "unavailable", "Tjenesten er ikke tilgjengelig")

enum hb_err {
    HB_OK = 0,
#define HB_ERR_ENUM(name, status, code, text) HB_##name,
    HB__ERR_FIRST = -100,
    HB_ERR_MAP(HB_ERR_ENUM)
#undef HB_ERR_ENUM
};

/* Detail of a failure; filled by hb_fail. message is a NUL-terminated copy. */
struct hb_error {
    int code;
    char field[64];
    char message[512];
};

/* Fills err (when not NULL) and returns code. field may be NULL. */
int hb_fail(struct hb_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int hb_err_status(int code);
const char *hb_err_code(int code);
const char *hb_err_text(int code);

/* ---- buffers --------------------------------------------------------------- */

/* A growable byte buffer holding at most max bytes (0: no limit beyond memory).
 * Always NUL-terminated after its content. Allocation failure aborts. */
struct hb_buf {
    char *ptr;
    size_t len, cap, max;
};
void hb_buf_init(struct hb_buf *b, size_t max);
void hb_buf_release(struct hb_buf *b);
/* Return HB_TOO_LARGE (and leave b unchanged) when max would be exceeded. */
int hb_buf_add(struct hb_buf *b, const void *p, size_t n);
int hb_buf_adds(struct hb_buf *b, const char *s);
int hb_buf_addf(struct hb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the content to the caller (free()) and re-initialises b. */
char *hb_buf_detach(struct hb_buf *b, size_t *len);

/* Parse all of s as a base-10 integer in [min, max]; HB_INVALID otherwise. */
int hb_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/* ---- memory ---------------------------------------------------------------- */
void *hb_xmalloc(size_t n);  /* aborts on failure */
void *hb_xcalloc(size_t n, size_t size);
void *hb_xrealloc(void *p, size_t n);
char *hb_xstrdup(const char *s);

/* A bump allocator whose memory and deferred cleanups are all released by
 * hb_arena_free. Allocations never fail (abort on out-of-memory). */
struct hb_arena;
struct hb_arena *hb_arena_new(void);
void *hb_arena_alloc(struct hb_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *hb_arena_strndup(struct hb_arena *a, const char *s, size_t n);
char *hb_arena_strdup(struct hb_arena *a, const char *s);
char *hb_arena_printf(struct hb_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* fn(p) runs at hb_arena_free, last registered first. */
void hb_arena_defer(struct hb_arena *a, void (*fn)(void *), void *p);
void hb_arena_free(struct hb_arena *a); /* NULL allowed */

/* Lowercases ASCII and the UTF-8 Latin-1 capitals (Æ Ø Å ...) into arena: the
 * folding used for case-insensitive name search on both backends. */
char *hb_fold(struct hb_arena *arena, const char *s);
/* A LIKE prefix pattern for s, folded, with ! % _ escaped by '!' (use ESCAPE '!'). */
char *hb_like_prefix(struct hb_arena *arena, const char *s);

/* ---- logging --------------------------------------------------------------
 * key=value lines on stderr. Never pass names, national ids, tokens or passwords. */
enum hb_log_level { HB_LOG_DEBUG, HB_LOG_INFO, HB_LOG_WARN, HB_LOG_ERROR };
extern enum hb_log_level hb_log_level;
void hb_log(enum hb_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define HB_LOG(level, ...)                                                          \
    do {                                                                           \
        if ((level) >= hb_log_level)                                               \
            hb_log((level), __VA_ARGS__);                                          \
    } while (0)

/* ---- time and ids ---------------------------------------------------------- */
int64_t hb_now_us(void);      /* UTC, microseconds since the epoch */
int64_t hb_monotonic_us(void);
/* Writes an ISO 8601 UTC instant "2026-11-24T18:35:59.123Z" (out >= 32 bytes). */
void hb_time_iso(int64_t us, char *out, size_t outlen);
/* Norwegian local time "24.11.2026 19:35" (Europe/Oslo rules). out >= 32 bytes. */
void hb_time_no(int64_t us, char *out, size_t outlen);
/* The Norwegian local calendar date of an instant, "YYYY-MM-DD" (out >= 11). */
void hb_local_date(int64_t us, char *out, size_t outlen);
/* Days since 1970-01-01 of a "YYYY-MM-DD" date; HB_INVALID (and *days
 * untouched) when it is not a real date. */
int hb_date_days(const char *date, int64_t *days);
/* Minutes since 1970-01-01 00:00 on the Norwegian wall clock (Europe/Oslo):
 * calendar arithmetic on the result gives local days and months. */
int64_t hb_local_minutes(int64_t us);
/* The UTC microseconds of a Norwegian wall-clock minute (inverse of
 * hb_local_minutes; in the autumn's repeated hour, the first). */
int64_t hb_local_minutes_us(int64_t minutes);
/* The Norwegian local calendar year of an instant. */
int hb_local_year(int64_t us);
/* The Norwegian local calendar day of an instant as a day number. */
int64_t hb_local_day(int64_t us);
/* Age in whole years today (Norwegian date) of someone born on "YYYY-MM-DD";
 * 0 when the date is not one. */
int hb_age(const char *birth_date);
/* Parses an ISO 8601 instant "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or
 * "+HH:MM"/"-HH:MM" into UTC microseconds; HB_INVALID otherwise. */
int hb_parse_instant(const char *s, int64_t *us);
/* Day number of a Gregorian date, and its inverse (no checks). */
int64_t hb_civil_days(int64_t y, int64_t m, int64_t d);
void hb_days_civil(int64_t days, int *year, int *month, int *day);
/* The "YYYY-MM-DD" date of a day number (inverse of hb_date_days). */
void hb_days_date(int64_t days, char *out, size_t outlen);
/* A new id, unique and increasing with time within this process and, with a
 * random node part, unique across processes. Always > 0 and < 2^63. */
int64_t hb_id_new(void);

/* Random bytes from libsodium; hex and base64url helpers. out sizes: 2n+1 / 4n/3+3. */
void hb_random(void *p, size_t n);
void hb_hex(const unsigned char *p, size_t n, char *out);
/* Hash a secret token for storage: hex of BLAKE2b-256 (65 bytes out). */
void hb_token_hash(const char *token, size_t len, char out[65]);
/* New random 256-bit token as base64url (out >= 48 bytes). */
void hb_token_new(char *out, size_t outlen);

/* Splits one CSV line (no line break) into at most max fields, in place:
 * fields may be quoted ("" is a quote inside quotes). Returns the count. */
int hb_csv_split(char *line, char sep, char **fields, int max);

#endif
