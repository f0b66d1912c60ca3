/* careplan: the plan's thread (messages, "ask the specialist", read
 * receipts), the patient's consent for relatives, and home measurements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../monitor/monitor.h"
#include "care_int.h"

#include "../core/banned.h"

static const char *const message_kinds[] = {"message", "question", "answer", NULL};

static const char SQL_MESSAGE_ADD[] =
    "INSERT INTO care_message (id, plan_id, patient_id, author_id, kind, body, to_org_id,"
    " reply_to, status, at, version, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '')";
static const char SQL_ADVICE_ORG[] =
    "SELECT name FROM org WHERE id = ? AND (type = 'hospital' OR unit_type = 'hospital-ward')";
static const char SQL_QUESTION[] =
    "SELECT m.to_org_id, o.parent_id FROM care_message m JOIN org o ON o.id = m.to_org_id"
    " WHERE m.id = ? AND m.plan_id = ? AND m.kind = 'question' AND m.status = 'in-progress'";
static const char SQL_QUESTION_DONE[] =
    "UPDATE care_message SET status = 'completed', version = version + 1 WHERE id = ?";
static const char SQL_READ_SET[] =
    "INSERT INTO care_read (plan_id, user_id, last_id, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (plan_id, user_id) DO UPDATE SET last_id = excluded.last_id, at = excluded.at"
    " WHERE care_read.last_id < excluded.last_id";

static int mark_read(struct hb_db *db, int64_t plan_id, int64_t user_id, int64_t last_id,
                     struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_READ_SET, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, plan_id);
    hb_stmt_int(st, 2, user_id);
    hb_stmt_int(st, 3, last_id);
    hb_stmt_int(st, 4, hb_now_us());
    rc = hb_stmt_run(st, err);
    return rc < 0 ? rc : 0;
}

struct msg_tx {
    struct hb__tx tx;
    int64_t plan_id, id;
    json_t *in;
};

static int message_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct msg_tx *x = arg;
    const struct hb_user *u = x->tx.u;
    struct hb_arena *a = hb_arena_new();
    struct hb__plan p;
    struct hb__access acc;
    const char *kind = "message", *body = NULL;
    int64_t to_org = 0, reply_to = 0;
    int rc = hb__care_open(db, &x->tx, x->plan_id, a, &p, &acc, err);
    if (rc || (rc = hb__in_str(x->in, "kind", 20, &kind, err)) ||
        (rc = hb__in_str(x->in, "body", 4000, &body, err)) ||
        (rc = hb__in_id(x->in, "toOrgId", &to_org, err)) ||
        (rc = hb__in_id(x->in, "replyTo", &reply_to, err)))
        goto out;
    int k = hb__in_list(kind, message_kinds);
    if (k < 0) {
        rc = hb_fail(err, HB_INVALID, "kind", "kind er message, question eller answer");
        goto out;
    }
    if (!body || !*body) {
        rc = hb_fail(err, HB_INVALID, "body", "Skriv en melding");
        goto out;
    }
    bool may_write = acc.staff_member || acc.is_patient ||
                     (acc.is_relative && (acc.scopes & HB__SCOPE_MESSAGES));
    const char *status = "completed";
    if (k == 0 && !may_write) {
        rc = acc.is_relative ? hb_fail(err, HB_FORBIDDEN, NULL,
                                       "Pasienten har ikke gitt deg samtykke til meldinger")
                             : hb__care_need_member(&acc, err);
        goto out;
    }
    if (k == 1) { /* ask the specialist */
        if ((rc = hb__care_need_member(&acc, err)))
            goto out;
        const char *org = NULL;
        struct hb_stmt *st;
        if (to_org) {
            if ((rc = hb_db_stmt(db, SQL_ADVICE_ORG, &st, err)))
                goto out;
            hb_stmt_int(st, 1, to_org);
            if ((rc = hb_stmt_step(st, err)) == 1)
                org = hb_stmt_col_dup(st, 0, a);
            hb_stmt_done(st);
            if (rc < 0)
                goto out;
        }
        if (!org) {
            rc = hb_fail(err, HB_INVALID, "toOrgId",
                         "Velg sykehuset eller avdelingen spørsmålet går til");
            goto out;
        }
        status = "in-progress";
        reply_to = 0;
    }
    if (k == 2) { /* the specialist's answer */
        struct hb_stmt *st;
        if (!reply_to) {
            rc = hb_fail(err, HB_INVALID, "replyTo", "Oppgi hvilket spørsmål du svarer på");
            goto out;
        }
        if ((rc = hb_db_stmt(db, SQL_QUESTION, &st, err)))
            goto out;
        hb_stmt_int(st, 1, reply_to);
        hb_stmt_int(st, 2, p.id);
        int64_t qorg = 0, qparent = 0;
        if ((rc = hb_stmt_step(st, err)) == 1) {
            qorg = hb_stmt_col_int(st, 0);
            qparent = hb_stmt_col_int(st, 1);
        }
        hb_stmt_done(st);
        if (rc < 0)
            goto out;
        if (!qorg) {
            rc = hb_fail(err, HB_CONFLICT, "replyTo", "Spørsmålet finnes ikke eller er besvart");
            goto out;
        }
        (void)qparent;
        static const char SQL_ORG_PARENT[] = "SELECT parent_id FROM org WHERE id = ?";
        int64_t my_parent = 0;
        if ((rc = hb_db_stmt(db, SQL_ORG_PARENT, &st, err)))
            goto out;
        hb_stmt_int(st, 1, u->org_id);
        if ((rc = hb_stmt_step(st, err)) == 1)
            my_parent = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        if (rc < 0)
            goto out;
        if (u->role != HB_ROLE_HOSPITAL || (u->org_id != qorg && my_parent != qorg)) {
            rc = hb_fail(err, HB_FORBIDDEN, NULL,
                         "Bare spesialisthelsetjenesten spørsmålet er sendt til kan svare");
            goto out;
        }
        to_org = 0;
        if ((rc = hb_db_stmt(db, SQL_QUESTION_DONE, &st, err)))
            goto out;
        hb_stmt_int(st, 1, reply_to);
        if ((rc = hb_stmt_run(st, err)) < 0 ||
            (rc = hb__care_commit(db, HB_CARE_COMMUNICATION, reply_to, u->id, "update", err)))
            goto out;
    } else {
        reply_to = 0;
    }
    if (k == 0)
        to_org = 0;
    x->id = hb_id_new();
    struct hb_stmt *st;
    if ((rc = hb_db_stmt(db, SQL_MESSAGE_ADD, &st, err)))
        goto out;
    hb_stmt_int(st, 1, x->id);
    hb_stmt_int(st, 2, p.id);
    hb_stmt_int(st, 3, p.patient_id);
    hb_stmt_int(st, 4, u->id);
    hb_stmt_text(st, 5, kind);
    hb_stmt_text(st, 6, body);
    hb_stmt_int_or_null(st, 7, to_org);
    hb_stmt_int_or_null(st, 8, reply_to);
    hb_stmt_text(st, 9, status);
    hb_stmt_int(st, 10, hb_now_us());
    if ((rc = hb_stmt_run(st, err)) < 0 ||
        (rc = hb__care_commit(db, HB_CARE_COMMUNICATION, x->id, u->id, "create", err)) ||
        (rc = mark_read(db, p.id, u->id, x->id, err)))
        goto out;
    if (k > 0 && (rc = hb__care_event(db, p.id, u->id, "Communication", x->id, 1, "",
                                      k == 1 ? "Spørsmål sendt til spesialisthelsetjenesten"
                                             : "Spesialisthelsetjenesten har svart på spørsmålet",
                                      err)))
        goto out;
    rc = hb__care_audit(db, u, p.patient_id, "create",
                        hb_arena_printf(a, "Communication/%lld", (long long)x->id), &acc, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_message_add(struct hb_store *s, const struct hb_user *u, int64_t plan_id, json_t *in,
                        int64_t *id, struct hb_error *err)
{
    struct msg_tx x = {.tx = {.u = u}, .plan_id = plan_id, .in = in};
    int rc = hb__care_write(s, message_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.id;
    return rc;
}

/* ---- reading the thread ---- */
static const char SQL_THREAD[] =
    "SELECT m.id, m.kind, m.body, m.at, m.status, m.reply_to, u.name, u.role, o.name,"
    " m.author_id FROM care_message m JOIN app_user u ON u.id = m.author_id"
    " LEFT JOIN org o ON o.id = m.to_org_id WHERE m.plan_id = ? ORDER BY m.id LIMIT 500";
static const char SQL_READERS[] =
    "SELECT r.user_id, u.name, r.last_id FROM care_read r JOIN app_user u ON u.id = r.user_id"
    " WHERE r.plan_id = ?";

struct read_tx {
    const struct hb_user *u;
    struct hb_audit audit;
    int64_t plan_id, last_id;
};

static int thread_read_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct read_tx *x = arg;
    int rc = hb_audit_add(db, x->u, &x->audit, err);
    if (rc == 0 && x->last_id)
        rc = mark_read(db, x->plan_id, x->u->id, x->last_id, err);
    return rc;
}

int hb_care_messages(struct hb_store *s, const struct hb_user *u, int64_t plan_id,
                     struct hb_arena *arena, json_t **out, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb__plan p;
    struct hb__access acc;
    struct hb__tx tx = {.u = u};
    json_t *list = NULL;
    int64_t last = 0;
    int rc = hb__care_open(db, &tx, plan_id, arena, &p, &acc, err);
    if (rc == 0 && acc.is_relative && !(acc.scopes & HB__SCOPE_MESSAGES))
        rc = hb_fail(err, HB_FORBIDDEN, NULL, "Pasienten har ikke gitt deg samtykke til meldinger");
    /* Readers and how far each has read, for the receipts. */
    enum { MAX_READERS = 64 };
    int64_t ruser[MAX_READERS], rlast[MAX_READERS];
    const char *rname[MAX_READERS];
    int nr = 0;
    struct hb_stmt *st;
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_READERS, &st, err)) == 0) {
        hb_stmt_int(st, 1, plan_id);
        while (nr < MAX_READERS && (rc = hb_stmt_step(st, err)) == 1) {
            ruser[nr] = hb_stmt_col_int(st, 0);
            rname[nr] = hb_stmt_col_dup(st, 1, arena);
            rlast[nr++] = hb_stmt_col_int(st, 2);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && (rc = hb_db_stmt(db, SQL_THREAD, &st, err)) == 0) {
        hb_stmt_int(st, 1, plan_id);
        list = json_array();
        int64_t mine = 0;
        for (int i = 0; i < nr; i++)
            if (ruser[i] == u->id)
                mine = rlast[i];
        while ((rc = hb_stmt_step(st, err)) == 1) {
            int64_t id = hb_stmt_col_int(st, 0), author = hb_stmt_col_int(st, 9);
            const char *kind = hb_stmt_col(st, 1, NULL), *urole = hb_stmt_col(st, 7, NULL);
            enum hb_role r;
            char local[32];
            hb_time_no(hb_stmt_col_int(st, 3), local, sizeof(local));
            json_t *readers = json_array();
            for (int i = 0; i < nr; i++)
                if (ruser[i] != author && rlast[i] >= id)
                    json_array_append_new(readers, json_string(rname[i]));
            json_t *m = json_pack(
                "{s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:b}", "id", hb__care_id(id), "kind", kind,
                "body", hb_stmt_col(st, 2, NULL), "atLocal", local, "status",
                hb_stmt_col(st, 4, NULL), "author", hb_stmt_col(st, 6, NULL), "authorRole",
                hb_role_parse(urole, &r) == 0 ? hb_role_label(r) : "", "readBy", readers, "mine",
                author == u->id, "unread", author != u->id && id > mine);
            if (hb_stmt_col_int(st, 5))
                json_object_set_new(m, "replyTo", hb__care_id(hb_stmt_col_int(st, 5)));
            if (hb_stmt_col(st, 8, NULL))
                json_object_set_new(m, "toOrg", json_string(hb_stmt_col(st, 8, NULL)));
            json_array_append_new(list, m);
            last = id;
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc == 0 || rc == HB_FORBIDDEN) {
        struct read_tx rx = {.u = u, .plan_id = plan_id, .last_id = rc == 0 ? last : 0};
        rx.audit = (struct hb_audit){
            .patient_id = p.patient_id,
            .action = "read",
            .what = hb_arena_printf(arena, "CarePlan/%lld/messages", (long long)plan_id),
            .relation = rc == 0 ? acc.relation : NULL,
            .reason = rc == 0 ? acc.reason : NULL,
            .allowed = rc == 0};
        struct hb_error aerr = {0};
        int arc = hb_store_write(s, thread_read_tx, &rx, &aerr);
        if (arc) {
            json_decref(list);
            *err = aerr;
            return arc;
        }
    }
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:b}", "messages", list, "canAsk", acc.staff_member);
    return 0;
}

/* ---- questions to the specialist ---- */
static const char SQL_QUESTIONS[] =
    "SELECT m.id, m.plan_id, m.patient_id, m.body, m.at, a.name, p.given || ' ' || p.family,"
    " o.name FROM care_message m JOIN app_user a ON a.id = m.author_id"
    " JOIN patient p ON p.id = m.patient_id JOIN org o ON o.id = m.to_org_id"
    " WHERE m.kind = 'question' AND m.status = 'in-progress'"
    " AND (m.to_org_id = ? OR m.to_org_id = (SELECT parent_id FROM org WHERE id = ?))"
    " ORDER BY m.id LIMIT 200";

int hb_care_questions(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                      json_t **out, struct hb_error *err)
{
    json_t *list = json_array();
    if (u->role != HB_ROLE_HOSPITAL) {
        *out = json_pack("{s:o}", "questions", list);
        return 0;
    }
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        json_decref(list);
        return HB_UNAVAILABLE;
    }
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * 200);
    int n = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_QUESTIONS, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, u->org_id);
        hb_stmt_int(st, 2, u->org_id);
        while ((rc = hb_stmt_step(st, err)) == 1 && n < 200) {
            char local[32];
            hb_time_no(hb_stmt_col_int(st, 4), local, sizeof(local));
            int64_t pid = hb_stmt_col_int(st, 2);
            json_array_append_new(
                list, json_pack("{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "id",
                                hb__care_id(hb_stmt_col_int(st, 0)), "planId",
                                hb__care_id(hb_stmt_col_int(st, 1)), "patientId", hb__care_id(pid),
                                "body", hb_stmt_col(st, 3, NULL), "atLocal", local, "from",
                                hb_stmt_col(st, 5, NULL), "patientName", hb_stmt_col(st, 6, NULL),
                                "toOrg", hb_stmt_col(st, 7, NULL)));
            audits[n++] =
                (struct hb_audit){.patient_id = pid,
                                  .action = "search",
                                  .what = hb_arena_printf(arena, "Communication/%lld",
                                                          (long long)hb_stmt_col_int(st, 0)),
                                  .relation = "advice-request",
                                  .allowed = true};
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc == 0)
        rc = hb_audit_write(s, u, audits, (size_t)n, err);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "questions", list);
    return 0;
}

/* ---- consent ---- */
static const char SQL_RELATIVE[] =
    "SELECT id FROM app_user WHERE username = ? AND role = 'relative' AND patient_id = ?";
static const char SQL_CONSENT_END[] =
    "UPDATE care_consent SET withdrawn_at = ? WHERE patient_id = ? AND relative_user_id = ?"
    " AND withdrawn_at IS NULL";
static const char SQL_CONSENT_ADD[] =
    "INSERT INTO care_consent (id, patient_id, relative_user_id, scopes, given_at, given_by)"
    " VALUES (?, ?, ?, ?, ?, ?)";

struct consent_tx {
    const struct hb_user *u;
    const char *username;
    unsigned scopes;
};

static int consent_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct consent_tx *x = arg;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_RELATIVE, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, x->username);
    hb_stmt_int(st, 2, x->u->patient_id);
    int64_t rel = 0;
    if ((rc = hb_stmt_step(st, err)) == 1)
        rel = hb_stmt_col_int(st, 0);
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!rel)
        return hb_fail(err, HB_INVALID, "username",
                       "Finner ingen pårørende med det brukernavnet knyttet til deg");
    int64_t now = hb_now_us();
    if ((rc = hb_db_stmt(db, SQL_CONSENT_END, &st, err)))
        return rc;
    hb_stmt_int(st, 1, now);
    hb_stmt_int(st, 2, x->u->patient_id);
    hb_stmt_int(st, 3, rel);
    if ((rc = hb_stmt_run(st, err)) < 0)
        return rc;
    if (x->scopes) {
        if ((rc = hb_db_stmt(db, SQL_CONSENT_ADD, &st, err)))
            return rc;
        hb_stmt_int(st, 1, hb_id_new());
        hb_stmt_int(st, 2, x->u->patient_id);
        hb_stmt_int(st, 3, rel);
        hb_stmt_int(st, 4, x->scopes);
        hb_stmt_int(st, 5, now);
        hb_stmt_int(st, 6, x->u->id);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    char what[64];
    snprintf(what, sizeof(what), "Consent/relative/%lld", (long long)rel);
    struct hb_audit a = {.patient_id = x->u->patient_id,
                         .action = "update",
                         .what = what,
                         .relation = "self",
                         .allowed = true};
    return hb_audit_add(db, x->u, &a, err);
}

int hb_care_consent_set(struct hb_store *s, const struct hb_user *u, json_t *in,
                        struct hb_error *err)
{
    if (u->role != HB_ROLE_PATIENT)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Bare pasienten selv kan gi samtykke");
    struct consent_tx x = {.u = u};
    int rc = hb__in_str(in, "username", 64, &x.username, err);
    if (rc)
        return rc;
    if (!x.username || !*x.username)
        return hb_fail(err, HB_INVALID, "username", "Oppgi brukernavnet til den pårørende");
    if ((rc = hb__care_scopes_parse(json_object_get(in, "scopes"), &x.scopes, err)))
        return rc;
    return hb_store_write(s, consent_tx, &x, err);
}

static const char SQL_CONSENTS_GIVEN[] =
    "SELECT u.username, u.name, c.scopes, c.given_at FROM app_user u"
    " LEFT JOIN care_consent c ON c.relative_user_id = u.id AND c.patient_id = u.patient_id"
    " AND c.withdrawn_at IS NULL WHERE u.role = 'relative' AND u.patient_id = ? ORDER BY u.name";

int hb_care_consents(struct hb_store *s, const struct hb_user *u, struct hb_arena *arena,
                     json_t **out, struct hb_error *err)
{
    (void)arena;
    if (u->role != HB_ROLE_PATIENT && u->role != HB_ROLE_RELATIVE)
        return hb_fail(err, HB_FORBIDDEN, NULL, "Samtykker gjelder pasienter og pårørende");
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    json_t *list = json_array();
    int rc = hb_db_stmt(db, SQL_CONSENTS_GIVEN, &st, err);
    if (rc == 0) {
        hb_stmt_int(st, 1, u->patient_id);
        while ((rc = hb_stmt_step(st, err)) == 1) {
            if (u->role == HB_ROLE_RELATIVE && strcmp(hb_stmt_col(st, 0, NULL), u->username) != 0)
                continue; /* a relative sees their own consent only */
            json_t *c = json_pack("{s:s,s:s,s:o}", "username", hb_stmt_col(st, 0, NULL), "name",
                                  hb_stmt_col(st, 1, NULL), "scopes",
                                  hb__care_scopes_json((unsigned)hb_stmt_col_int(st, 2)));
            if (hb_stmt_col_int(st, 3)) {
                char local[32];
                hb_time_no(hb_stmt_col_int(st, 3), local, sizeof(local));
                json_object_set_new(c, "givenLocal", json_string(local));
            }
            json_array_append_new(list, c);
        }
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    const char *pname = rc == 0 ? hb__care_patient_name(db, u->patient_id, arena, err) : NULL;
    hb_store_release(s, db);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:o,s:s?}", "relatives", list, "patientId", hb__care_id(u->patient_id),
                     "patientName", pname);
    return 0;
}

/* ---- home measurements ---- */
/* The monitor module owns the vital signs: what they are, their ranges, and
 * what storing one sets off (NEWS2, alerts). */
const char *hb__care_measure_label(const char *code)
{
    const struct hb_vital *v = hb_vital_by_code(code);
    return v ? v->label : code;
}

struct measure_tx {
    struct hb__tx tx;
    struct hb_obs obs;
};

static int measure_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct measure_tx *x = arg;
    struct hb_arena *a = hb_arena_new();
    struct hb__access acc;
    int64_t plan_id = 0, pid = x->obs.patient_id;
    x->tx.denied_patient = 0;
    int rc = hb__care_active_plan(db, pid, &plan_id, err);
    struct hb__plan p;
    if (rc == 0 && plan_id)
        rc = hb__care_plan_load(db, plan_id, a, &p, err);
    if (rc == 0)
        rc = hb__care_access(db, x->tx.u, pid, plan_id ? &p : NULL, a, &acc, err);
    if (rc == HB_FORBIDDEN) {
        x->tx.denied_patient = pid;
        snprintf(x->tx.denied_what, sizeof(x->tx.denied_what), "Observation");
    }
    if (rc)
        goto out;
    if (!acc.is_patient && !acc.staff_member) {
        rc = hb_fail(err, HB_FORBIDDEN, NULL,
                     "Målinger hjemmefra registreres av pasienten eller teamet");
        goto out;
    }
    x->obs.source = acc.is_patient ? "home" : "unit";
    if ((rc = hb_monitor_ingest_in(db, x->tx.u, &x->obs, 1, err)))
        goto out;
    const struct hb_vital *v = x->obs.vital;
    if (plan_id &&
        (rc = hb__care_event(db, plan_id, x->tx.u->id, "Observation", x->obs.id, 1, "",
                             hb_arena_printf(a, "Ny måling hjemmefra: %s %s %s", v->label,
                                             x->obs.value,
                                             strcmp(v->unit, "Cel") == 0 ? "°C" : v->unit),
                             err)))
        goto out;
    rc = hb__care_audit(db, x->tx.u, pid, "create",
                        hb_arena_printf(a, "Observation/%lld", (long long)x->obs.id), &acc, err);
out:
    hb_arena_free(a);
    return rc;
}

int hb_care_measure_add(struct hb_store *s, const struct hb_user *u, int64_t patient_id,
                        json_t *in, int64_t *id, struct hb_error *err)
{
    struct measure_tx x = {.tx = {.u = u}, .obs = {.patient_id = patient_id}};
    const struct hb_vital *v = hb_vital_by_kind(json_string_value(json_object_get(in, "kind")));
    if (!v)
        return hb_fail(err, HB_INVALID, "kind",
                       "kind er weight, pulse, sbp, dbp, glucose, temperature, spo2, rr eller "
                       "acvpu");
    int rc = hb_obs_value(v, json_string_value(json_object_get(in, "value")), "value", &x.obs, err);
    if (rc)
        return rc;
    json_t *at = json_object_get(in, "at");
    x.obs.at = hb_now_us();
    if (at && (!json_is_string(at) || hb_parse_instant(json_string_value(at), &x.obs.at) != 0 ||
               x.obs.at > hb_now_us() + 60LL * 1000000))
        return hb_fail(err, HB_INVALID, "at", "at er tidspunktet for målingen, ikke fram i tid");
    rc = hb__care_write(s, measure_tx, &x.tx, err);
    if (rc == 0 && id)
        *id = x.obs.id;
    return rc;
}
