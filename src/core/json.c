/* Exact JSON numbers: see json.h. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#include "banned.h"

#define MARK '\x01'

int hb_json_is_number_text(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len)
        return 0;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return 0;
    }
    if (i < len && s[i] == '.') {
        size_t d = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == len;
}

json_t *hb_json_loadb_exact(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    struct hb_buf out;
    hb_buf_init(&out, 0);
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\' && i + 1 < len) {
                /* \u0001 would forge a marked number: refuse it. */
                if (buf[i + 1] == 'u' && i + 5 < len && buf[i + 2] == '0' && buf[i + 3] == '0' &&
                    buf[i + 4] == '0' && buf[i + 5] == '1') {
                    hb_buf_release(&out);
                    if (err)
                        snprintf(err->text, sizeof(err->text), "control character U+0001");
                    return NULL;
                }
                hb_buf_add(&out, buf + i, 2);
                i += 2;
                continue;
            }
            if (c == '"')
                in_string = false;
            hb_buf_add(&out, &c, 1);
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            hb_buf_add(&out, &c, 1);
            i++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < len && strchr("+-.eE0123456789", buf[j]))
                j++;
            if (hb_json_is_number_text(buf + i, j - i)) {
                hb_buf_adds(&out, "\"\\u0001");
                hb_buf_add(&out, buf + i, j - i);
                hb_buf_add(&out, "\"", 1);
            } else {
                hb_buf_add(&out, buf + i, j - i); /* let the parser name the error */
            }
            i = j;
            continue;
        }
        hb_buf_add(&out, &c, 1);
        i++;
    }
    json_t *j = json_loadb(out.ptr ? out.ptr : "", out.len, flags, err);
    hb_buf_release(&out);
    return j;
}

const char *hb_json_number(const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || s[0] != MARK || !hb_json_is_number_text(s + 1, json_string_length(v) - 1))
        return NULL;
    return s + 1;
}

json_t *hb_json_number_new(const char *text)
{
    size_t n = strlen(text);
    if (!hb_json_is_number_text(text, n))
        return NULL;
    char *s = hb_xmalloc(n + 2);
    s[0] = MARK;
    memcpy(s + 1, text, n + 1);
    json_t *j = json_string(s);
    free(s);
    return j;
}

char *hb_json_dumps_exact(const json_t *j, size_t flags)
{
    char *text = json_dumps(j, flags);
    if (!text)
        return NULL;
    /* Unquote "\u0001<number>" where what follows the marker is a number. */
    static const char pat[] = "\"\\u0001";
    struct hb_buf out;
    hb_buf_init(&out, 0);
    const char *p = text;
    for (const char *m; (m = strstr(p, pat));) {
        const char *num = m + sizeof(pat) - 1, *end = strchr(num, '"');
        hb_buf_add(&out, p, (size_t)(m - p));
        if (end && hb_json_is_number_text(num, (size_t)(end - num))) {
            hb_buf_add(&out, num, (size_t)(end - num));
            p = end + 1;
        } else {
            hb_buf_add(&out, m, sizeof(pat) - 1);
            p = num;
        }
    }
    hb_buf_adds(&out, p);
    free(text);
    size_t n;
    return hb_buf_detach(&out, &n);
}
