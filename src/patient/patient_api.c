/* patient: /api/patients for the web UI. */
#include "patient_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "patient.h"

#include "../core/banned.h"

static json_t *summary(const struct hb_patient *p, const char *relation, struct hb_arena *a)
{
    char bd[11];
    /* Norwegian date form dd.mm.åååå */
    snprintf(bd, sizeof(bd), "%.2s.%.2s.%.4s", p->birth_date + 8, p->birth_date + 5,
             p->birth_date);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s?,s:s?}", "id",
                          hb_arena_printf(a, "%lld", (long long)p->id), "nid", p->nid, "family",
                          p->family, "given", p->given, "birthDate", p->birth_date,
                          "birthDateLocal", bd, "age", hb_age(p->birth_date), "sex",
                          p->female ? "kvinne" : "mann", "municipality", p->municipality_name,
                          "relation", relation);
    return j;
}

struct sort_row {
    const char *key;
    const struct hb_patient *p;
};

/* A folded name as a sort key in Norwegian order: æ, ø, å come after z (in
 * UTF-8 bytes å would sort before æ and ø), and "aa" sorts as å (Aasheim under Å),
 * as Norwegian collation has it. */
static char *nb_key(struct hb_arena *a, const char *folded)
{
    size_t n = strlen(folded);
    char *k = hb_arena_alloc(a, n + 1), *o = k;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)folded[i], d = (unsigned char)folded[i + 1];
        if (c == 0xC3 && (d == 0xA6 || d == 0xB8 || d == 0xA5)) {
            *o++ = d == 0xA6 ? '{' : d == 0xB8 ? '|' : '}';
            i++;
        } else if (c == 'a' && d == 'a') {
            *o++ = '}';
            i++;
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return k;
}

static int by_key(const void *x, const void *y)
{
    const struct sort_row *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->p->id > b->p->id) - (a->p->id < b->p->id);
}

int hb_api_patient_search(struct hb_request *req, struct hb_error *err)
{
    const char *q = hb_req_query(req, "q");
    const char *sort = hb_req_query(req, "sort");
    struct hb_arena *a = hb_req_arena(req);
    if (!q || !*q || strlen(q) > 100)
        return hb_fail(err, HB_INVALID, "q", "Skriv navn eller fødselsnummer (1-100 tegn)");
    if (sort && strcmp(sort, "name") != 0 && strcmp(sort, "birthDate") != 0)
        return hb_fail(err, HB_INVALID, "sort", "sort må være name eller birthDate");
    struct hb_patient_query pq = {.count = 50};
    bool digits = strspn(q, "0123456789") == strlen(q);
    if (digits) {
        struct hb_nid nid;
        struct hb_error e = {0};
        if (hb_nid_parse(q, &nid, &e) != 0)
            return hb_fail(err, HB_INVALID, "q", "%s", e.message);
        pq.nid = q;
    } else {
        const char *w = q;
        while (*w == ' ')
            w++;
        pq.name = hb_arena_strndup(a, w, strcspn(w, " "));
        pq.words = q;
        if (!*pq.name)
            return hb_fail(err, HB_INVALID, "q", "Skriv navn eller fødselsnummer");
    }
    struct hb_store *s = hb_app_store(req);
    const struct hb_user *u = hb_app_user(req);
    struct hb_patient *res;
    int n;
    int64_t next;
    int rc = hb_patient_search(s, u, &pq, a, &res, &n, &next, err);
    if (rc)
        return rc;
    json_t *list = json_array();
    int keep = n;
    /* Sort by family and given name (default) or birth date, keys folded once. */
    bool by_birth = sort && strcmp(sort, "birthDate") == 0;
    struct sort_row *rows = hb_arena_alloc(a, sizeof(*rows) * (size_t)(keep ? keep : 1));
    for (int i = 0; i < keep; i++) {
        rows[i].p = &res[i];
        rows[i].key = by_birth ? res[i].birth_date
                               : nb_key(a, hb_fold(a, hb_arena_printf(a, "%s %s", res[i].family,
                                                                      res[i].given)));
    }
    qsort(rows, (size_t)keep, sizeof(*rows), by_key);
    for (int i = 0; i < keep; i++)
        json_array_append_new(list, summary(rows[i].p, NULL, a));
    json_t *out = json_pack("{s:o,s:b}", "results", list, "more", next != 0);
    /* An exact national id the user has no relation to: say so, so the UI can
     * offer emergency access. The denial is audited. */
    if (digits && n == 0) {
        struct hb_patient_query exact = {.nid = q, .count = 1};
        struct hb_db *db = hb_store_acquire(s, err);
        if (!db) {
            json_decref(out);
            return HB_UNAVAILABLE;
        }
        static const char SQL_ID_BY_NID[] = "SELECT id FROM patient WHERE nid = ?";
        struct hb_stmt *st;
        int64_t pid = 0;
        if ((rc = hb_db_stmt(db, SQL_ID_BY_NID, &st, err)) == 0) {
            hb_stmt_text(st, 1, exact.nid);
            if ((rc = hb_stmt_step(st, err)) == 1)
                pid = hb_stmt_col_int(st, 0);
            hb_stmt_done(st);
        }
        hb_store_release(s, db);
        if (rc < 0) {
            json_decref(out);
            return rc;
        }
        if (pid) {
            struct hb_audit au = {.patient_id = pid, .action = "search",
                                  .what = hb_arena_printf(a, "Patient/%lld", (long long)pid),
                                  .allowed = false};
            if ((rc = hb_audit_write(s, u, &au, 1, err))) {
                json_decref(out);
                return rc;
            }
            json_object_set_new(out, "restricted",
                                json_pack("{s:s}", "id", hb_arena_printf(a, "%lld", (long long)pid)));
        }
    }
    hb_resp_json(req, 200, out);
    return 0;
}

int hb_api_patient_get(struct hb_request *req, struct hb_error *err)
{
    int64_t id;
    int rc = hb_app_id_param(req, 0, &id, err);
    if (rc)
        return rc;
    struct hb_patient p;
    const char *relation;
    struct hb_arena *a = hb_req_arena(req);
    if ((rc = hb_patient_open(hb_app_store(req), hb_app_user(req), id, "read", a, &p, &relation,
                              err)))
        return rc;
    json_t *j = summary(&p, relation, a);
    json_object_set_new(j, "version", json_integer(p.version));
    char no[32];
    hb_time_no(p.updated_at, no, sizeof(no));
    json_object_set_new(j, "updatedLocal", json_string(no));
    json_object_set_new(j, "kommunenummer",
                        p.kommunenummer ? json_string(p.kommunenummer) : json_null());
    hb_resp_json(req, 200, j);
    return 0;
}
