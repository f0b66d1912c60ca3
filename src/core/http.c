/* http: libmicrohttpd server, route dispatch, per-request arena. */
#include "http.h"
#include "json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

enum { MAX_PARAMS = 6, MAX_HEADERS = 8 };

struct resp_header {
    const char *key, *value;
};

struct hb_request {
    struct hb_server *srv;
    struct MHD_Connection *conn;
    struct hb_arena *arena;
    const char *method, *path;
    int64_t started_us;
    struct hb_buf body;
    bool too_large;
    json_t *json;
    const char *params[MAX_PARAMS];
    int nparams;
    void *user;
    /* response */
    int status;
    const char *content_type;
    const char *json_type;
    char *resp;
    size_t resp_len;
    int resp_fd;
    struct resp_header headers[MAX_HEADERS];
    int nheaders;
};

struct hb_server {
    const struct hb_server_config *cfg;
    struct MHD_Daemon *d;
    int port;
    atomic_int in_flight;
    atomic_ulong next_id;
};

/* ---- request accessors ---- */
struct hb_arena *hb_req_arena(struct hb_request *req) { return req->arena; }
void *hb_req_app(struct hb_request *req) { return req->srv->cfg->app; }
const char *hb_req_method(const struct hb_request *req) { return req->method; }
json_t *hb_req_json(const struct hb_request *req) { return req->json; }
void hb_req_set_user(struct hb_request *req, void *user) { req->user = user; }
void *hb_req_user(const struct hb_request *req) { return req->user; }

const char *hb_req_param(const struct hb_request *req, int i)
{
    return i >= 0 && i < req->nparams ? req->params[i] : NULL;
}

const char *hb_req_query(struct hb_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *hb_req_header(struct hb_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key);
}

const char *hb_req_cookie(struct hb_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, key);
}

struct query_iter {
    int (*fn)(void *, const char *, const char *);
    void *arg;
};

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    struct query_iter *it = cls;
    return it->fn(it->arg, key, value ? value : "") ? MHD_NO : MHD_YES;
}

void hb_req_each_query(struct hb_request *req, int (*fn)(void *, const char *, const char *),
                       void *arg)
{
    struct query_iter it = {fn, arg};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_cb, &it);
}

/* ---- responses ---- */
static void set_body(struct hb_request *req, int status, const char *ctype, char *body,
                     size_t len)
{
    free(req->resp);
    req->resp = body;
    req->resp_len = len;
    req->status = status;
    req->content_type = ctype;
}

void hb_resp_raw(struct hb_request *req, int status, const char *content_type, char *body,
                 size_t len)
{
    set_body(req, status, content_type, body, len);
}

void hb_resp_content_type(struct hb_request *req, const char *content_type)
{
    req->json_type = content_type;
}

void hb_resp_json(struct hb_request *req, int status, json_t *body)
{
    if (!body) { /* a json_pack format mistake: a programmer error, answered as one */
        static const char msg[] = "{\"error\":{\"code\":\"internal\",\"message\":\"Intern feil\"}}";
        set_body(req, 500, "application/json; charset=utf-8", hb_xstrdup(msg), sizeof(msg) - 1);
        return;
    }
    /* One pass (json_dumpb sized first and then wrote: twice the encoding);
     * reals with 15 significant digits, so 0.83 is not 0.82999999999999996. */
    char *p = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!p) /* jansson fails only when malloc does: abort, as hb_xmalloc would */
        abort();
    size_t len = strlen(p);
    json_decref(body);
    set_body(req, status, req->json_type ? req->json_type : "application/json; charset=utf-8", p,
             len);
}

void hb_resp_header(struct hb_request *req, const char *key, const char *value)
{
    for (int i = 0; i < req->nheaders; i++) {
        if (strcasecmp(req->headers[i].key, key) == 0) {
            req->headers[i].value = hb_arena_strdup(req->arena, value);
            return;
        }
    }
    if (req->nheaders == MAX_HEADERS)
        return;
    req->headers[req->nheaders].key = hb_arena_strdup(req->arena, key);
    req->headers[req->nheaders].value = hb_arena_strdup(req->arena, value);
    req->nheaders++;
}

static void render_error(struct hb_request *req, const struct hb_error *err, bool fhir)
{
    if (req->srv->cfg->render_error) {
        req->srv->cfg->render_error(req, err, fhir);
        return;
    }
    json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", hb_err_code(err->code), "message",
                          err->message);
    hb_resp_json(req, hb_err_status(err->code), j);
}

static void fail(struct hb_request *req, bool fhir, int code, const char *field,
                 const char *msg)
{
    struct hb_error e = {0};
    hb_fail(&e, code, field, "%s", msg);
    render_error(req, &e, fhir);
}

/* ---- static files ---- */
static const struct {
    const char *ext, *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(content_types) / sizeof(content_types[0]); i++)
        if (strcmp(dot, content_types[i].ext) == 0)
            return content_types[i].type;
    return NULL;
}

/* Paths are plain names under web_root: letters, digits, '-', '_', '.', '/', no
 * segment starting with '.', so neither ".." nor hidden files can be reached. */
static bool safe_path(const char *p)
{
    if (*p != '/')
        return false;
    for (const char *c = p; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' || *c == '/';
        if (!ok || (*c == '.' && c[-1] == '/') || (*c == '/' && c[1] == '/'))
            return false;
    }
    return strlen(p) < 200;
}

static void serve_static(struct hb_request *req)
{
    const char *p = req->path;
    if (strcmp(p, "/") == 0)
        p = "/index.html";
    const char *ctype = safe_path(p) ? content_type_of(p) : NULL;
    if (!ctype) {
        fail(req, false, HB_NOT_FOUND, NULL, "Siden finnes ikke");
        return;
    }
    char full[512];
    snprintf(full, sizeof(full), "%s%s", req->srv->cfg->web_root, p);
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        fail(req, false, HB_NOT_FOUND, NULL, "Siden finnes ikke");
        return;
    }
    set_body(req, 200, ctype, NULL, (size_t)st.st_size);
    req->resp_fd = fd;
    hb_resp_header(req, "Cache-Control", "no-cache");
}

/* ---- dispatch ---- */
static bool match(const char *pattern, const char *path, struct hb_request *req)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pe = strchr(p, '/'), *se = strchr(s, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p), sl = se ? (size_t)(se - s) : strlen(s);
        if (pl > 1 && p[0] == '{') {
            if (sl == 0 || n == MAX_PARAMS)
                return false;
            req->params[n++] = hb_arena_strndup(req->arena, s, sl);
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return false;
        }
        p += pl;
        s += sl;
    }
    if (*p || *s)
        return false;
    req->nparams = n;
    return true;
}

static bool has_json_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
           (n == 21 && strncasecmp(ct, "application/fhir+json", 21) == 0);
}

static void dispatch(struct hb_request *req)
{
    const struct hb_server_config *cfg = req->srv->cfg;
    /* HEAD is answered as GET; libmicrohttpd leaves the body out. */
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    bool fhir = strncmp(req->path, "/fhir/", 6) == 0 || strcmp(req->path, "/fhir") == 0;
    const struct hb_route *route = NULL;
    bool path_known = false;
    char allow[128] = "";
    for (size_t i = 0; i < cfg->nroutes; i++) {
        const struct hb_route *r = &cfg->routes[i];
        if (!match(r->pattern, req->path, req))
            continue;
        path_known = true;
        if (strcmp(r->method, method) == 0) {
            route = r;
            break;
        }
        size_t al = strlen(allow);
        snprintf(allow + al, sizeof(allow) - al, "%s%s", al ? ", " : "", r->method);
    }
    if (!route) {
        req->nparams = 0;
        if (path_known) {
            hb_resp_header(req, "Allow", allow);
            fail(req, fhir, HB_METHOD, NULL, "Metoden er ikke tillatt for denne adressen");
        } else if (strcmp(method, "GET") == 0 && !fhir &&
                   strncmp(req->path, "/api/", 5) != 0) {
            serve_static(req);
        } else {
            fail(req, fhir, HB_NOT_FOUND, NULL, "Ukjent adresse");
        }
        return;
    }
    fhir = route->flags & HB_ROUTE_FHIR;
    struct hb_error err = {0};
    int rc = 0;
    if (req->too_large)
        rc = hb_fail(&err, HB_TOO_LARGE, NULL, "Forespørselen er større enn %zu byte",
                     cfg->body_max);
    if (!rc && !(route->flags & HB_ROUTE_PUBLIC) && cfg->authorize)
        rc = cfg->authorize(req, route, &err);
    if (!rc && (route->flags & HB_ROUTE_JSON)) {
        if (!has_json_type(hb_req_header(req, "Content-Type"))) {
            rc = hb_fail(&err, HB_MEDIA_TYPE, "Content-Type",
                         "Innholdet må være JSON (Content-Type: application/json)");
        } else {
            json_error_t jerr;
            req->json = (route->flags & HB_ROUTE_EXACT)
                            ? hb_json_loadb_exact(req->body.ptr ? req->body.ptr : "",
                                                  req->body.len, JSON_REJECT_DUPLICATES, &jerr)
                            : json_loadb(req->body.ptr ? req->body.ptr : "", req->body.len,
                                         JSON_REJECT_DUPLICATES, &jerr);
            if (!req->json)
                rc = hb_fail(&err, HB_INVALID, NULL, "Ugyldig JSON (linje %d, kolonne %d): %s",
                             jerr.line, jerr.column, jerr.text);
            else if (!json_is_object(req->json))
                rc = hb_fail(&err, HB_INVALID, NULL, "JSON-innholdet må være et objekt");
        }
    }
    if (!rc)
        rc = route->handler(req, &err);
    if (rc) {
        if (!err.code)
            hb_fail(&err, rc, NULL, "%s", hb_err_text(rc));
        if (hb_err_status(err.code) >= 500)
            HB_LOG(HB_LOG_ERROR, "method=%s path=%s error=\"%s\"", req->method, req->path,
                   err.message);
        render_error(req, &err, fhir);
    } else if (!req->status) {
        hb_resp_raw(req, 204, NULL, NULL, 0);
    }
}

/* Security headers on every response. */
static const struct resp_header security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
     "frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
};

static enum MHD_Result send_response(struct hb_request *req)
{
    struct MHD_Response *r;
    if (req->resp_fd > 0) {
        r = MHD_create_response_from_fd(req->resp_len, req->resp_fd);
        req->resp_fd = 0;
    } else {
        r = MHD_create_response_from_buffer(req->resp_len, req->resp ? req->resp : (char *)"",
                                            req->resp ? MHD_RESPMEM_MUST_FREE
                                                      : MHD_RESPMEM_PERSISTENT);
        req->resp = NULL;
    }
    if (!r)
        return MHD_NO;
    if (req->content_type)
        MHD_add_response_header(r, "Content-Type", req->content_type);
    for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
        MHD_add_response_header(r, security_headers[i].key, security_headers[i].value);
    for (int i = 0; i < req->nheaders; i++)
        MHD_add_response_header(r, req->headers[i].key, req->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)req->status, r);
    MHD_destroy_response(r);
    return ret;
}

enum { DRAIN_FACTOR = 16 };

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    struct hb_server *srv = cls;
    struct hb_request *req = *con_cls;
    if (!req) {
        struct hb_arena *a = hb_arena_new();
        req = hb_arena_alloc(a, sizeof(*req));
        req->arena = a;
        req->srv = srv;
        req->conn = conn;
        req->method = method;
        req->path = url;
        req->started_us = hb_monotonic_us();
        hb_buf_init(&req->body, srv->cfg->body_max);
        *con_cls = req;
        atomic_fetch_add(&srv->in_flight, 1);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int64_t n = 0;
        if (cl && hb_parse_i64(cl, strlen(cl), 0, INT64_MAX, &n) == 0 &&
            (uint64_t)n > srv->cfg->body_max) {
            req->too_large = true;
            /* A body up to DRAIN_FACTOR times the limit is read and dropped so
             * the client, still sending, reliably gets the 413 instead of a
             * reset connection; a larger one is refused before it is read
             * (and the connection closed). */
            if ((uint64_t)n / DRAIN_FACTOR > srv->cfg->body_max) {
                dispatch(req);
                return send_response(req);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->too_large && hb_buf_add(&req->body, upload_data, *upload_data_size) != 0)
            req->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->status)
        return MHD_YES; /* already answered (early 413) */
    dispatch(req);
    return send_response(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct hb_server *srv = cls;
    struct hb_request *req = *con_cls;
    if (!req)
        return;
    *con_cls = NULL;
    unsigned long id = atomic_fetch_add(&srv->next_id, 1) + 1;
    fprintf(stderr, "level=info rid=%lu method=%s path=%s status=%d us=%lld\n", id, req->method,
            req->path, req->status, (long long)(hb_monotonic_us() - req->started_us));
    if (req->json)
        json_decref(req->json);
    free(req->resp);
    if (req->resp_fd > 0)
        close(req->resp_fd);
    hb_buf_release(&req->body);
    hb_arena_free(req->arena);
    atomic_fetch_sub(&srv->in_flight, 1);
}

int hb_server_start(const struct hb_server_config *cfg, struct hb_server **out,
                    struct hb_error *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1)
        return hb_fail(err, HB_INVALID, "listen", "not an IPv4 address: %s", cfg->host);
    struct hb_server *srv = hb_xcalloc(1, sizeof(*srv));
    srv->cfg = cfg;
    srv->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
            MHD_USE_ERROR_LOG,
        (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!srv->d) {
        free(srv);
        return hb_fail(err, HB_UNAVAILABLE, "listen", "cannot listen on %s:%d: %s", cfg->host,
                       cfg->port, strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return 0;
}

int hb_server_port(const struct hb_server *srv)
{
    return srv->port;
}

void hb_server_stop(struct hb_server *srv, int wait_ms)
{
    if (!srv)
        return;
    MHD_socket fd = MHD_quiesce_daemon(srv->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (int waited = 0; atomic_load(&srv->in_flight) > 0 && waited < wait_ms; waited += 10)
        usleep(10000);
    MHD_stop_daemon(srv->d);
    free(srv);
}
