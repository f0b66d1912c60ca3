/* patient: storage, FHIR mapping, policy-checked and audited access. */
#include "patient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* ---- FHIR -> patient ---- */
static const char SQL_MUNICIPALITY_BY_CODE[] =
    "SELECT id, name FROM org WHERE type = 'municipality' AND kommunenummer = ?";
static const char SQL_GP_USER[] = "SELECT 1 FROM app_user WHERE id = ? AND role = 'gp'";
static const char SQL_GP_ORG[] = "SELECT 1 FROM org WHERE id = ? AND type = 'gp-office'";

static int bad(struct hb_error *err, const char *field, const char *msg)
{
    return hb_fail(err, HB_UNPROCESSABLE, field, "%s", msg);
}

static int parse_reference(const char *ref, const char *type, int64_t *id)
{
    size_t tl = strlen(type);
    if (strncmp(ref, type, tl) != 0 || ref[tl] != '/')
        return HB_INVALID;
    return hb_parse_i64(ref + tl + 1, strlen(ref + tl + 1), 1, INT64_MAX, id);
}

static int parse_identifier(json_t *res, struct hb_patient *p, struct hb_error *err)
{
    json_t *ids = json_object_get(res, "identifier");
    if (!json_is_array(ids) || json_array_size(ids) == 0)
        return bad(err, "Patient.identifier",
                   "Pasienten må ha fødselsnummer eller D-nummer i identifier");
    size_t i;
    json_t *idv;
    json_array_foreach(ids, i, idv)
    {
        const char *system = json_string_value(json_object_get(idv, "system"));
        const char *value = json_string_value(json_object_get(idv, "value"));
        if (!system || (strcmp(system, HB_OID_FNR) != 0 && strcmp(system, HB_OID_DNR) != 0))
            continue;
        struct hb_nid nid;
        struct hb_error e = {0};
        if (hb_nid_parse(value, &nid, &e) != 0) {
            return hb_fail(err, HB_UNPROCESSABLE, "Patient.identifier.value", "%s", e.message);
        }
        bool want_dnr = strcmp(system, HB_OID_DNR) == 0;
        if (want_dnr != (nid.kind == HB_NID_DNR))
            return bad(err, "Patient.identifier.system",
                       want_dnr ? "Verdien er et fødselsnummer, men system er D-nummer"
                                : "Verdien er et D-nummer, men system er fødselsnummer");
        snprintf(p->nid, sizeof(p->nid), "%s", value);
        p->nid_kind = nid.kind;
        snprintf(p->birth_date, sizeof(p->birth_date), "%04d-%02d-%02d", nid.year, nid.month,
                 nid.day);
        p->female = nid.female;
        return 0;
    }
    return bad(err, "Patient.identifier.system",
               "Ingen identifier med system " HB_OID_FNR " (fødselsnummer) eller " HB_OID_DNR
               " (D-nummer)");
}

static int parse_name(json_t *res, struct hb_arena *a, struct hb_patient *p,
                      struct hb_error *err)
{
    json_t *names = json_object_get(res, "name");
    json_t *n0 = json_array_get(names, 0);
    const char *family = json_string_value(json_object_get(n0, "family"));
    json_t *given = json_object_get(n0, "given");
    if (!family || !*family || strlen(family) > 100)
        return bad(err, "Patient.name.family", "Etternavn (name[0].family) mangler");
    if (!json_is_array(given) || json_array_size(given) == 0 || json_array_size(given) > 5)
        return bad(err, "Patient.name.given", "Fornavn (name[0].given) mangler");
    struct hb_buf b;
    hb_buf_init(&b, 200);
    size_t i;
    json_t *g;
    json_array_foreach(given, i, g)
    {
        const char *gs = json_string_value(g);
        if (!gs || !*gs || (i && hb_buf_add(&b, " ", 1)) || hb_buf_adds(&b, gs)) {
            hb_buf_release(&b);
            return bad(err, "Patient.name.given", "Fornavn må være tekst, høyst 200 tegn");
        }
    }
    p->given = hb_arena_strndup(a, b.ptr, b.len);
    hb_buf_release(&b);
    p->family = hb_arena_strdup(a, family);
    return 0;
}

static int parse_address(struct hb_db *db, json_t *res, struct hb_arena *a,
                         struct hb_patient *p, struct hb_error *err)
{
    json_t *addr = json_array_get(json_object_get(res, "address"), 0);
    json_t *exts = json_object_get(addr, "extension");
    size_t i;
    json_t *ext;
    json_array_foreach(exts, i, ext)
    {
        const char *url = json_string_value(json_object_get(ext, "url"));
        if (!url || strcmp(url, HB_EXT_MUNICIPALITY) != 0)
            continue;
        const char *code =
            json_string_value(json_object_get(json_object_get(ext, "valueCoding"), "code"));
        if (!code || strlen(code) != 4)
            return bad(err, "Patient.address.extension.valueCoding.code",
                       "Kommunenummer må ha fire sifre");
        struct hb_stmt *st;
        int rc = hb_db_stmt(db, SQL_MUNICIPALITY_BY_CODE, &st, err);
        if (rc)
            return rc;
        hb_stmt_text(st, 1, code);
        rc = hb_stmt_step(st, err);
        if (rc == 1) {
            p->municipality_id = hb_stmt_col_int(st, 0);
            p->municipality_name = hb_arena_strdup(a, hb_stmt_col(st, 1, NULL));
            p->kommunenummer = hb_arena_strdup(a, code);
        }
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return hb_fail(err, HB_UNPROCESSABLE, "Patient.address.extension.valueCoding.code",
                           "Kommunenummer %s er ikke en kommune i helsefellesskapet", code);
        return 0;
    }
    return 0;
}

static int parse_gp(struct hb_db *db, json_t *res, struct hb_patient *p, struct hb_error *err)
{
    json_t *gps = json_object_get(res, "generalPractitioner");
    size_t i;
    json_t *gp;
    json_array_foreach(gps, i, gp)
    {
        const char *ref = json_string_value(json_object_get(gp, "reference"));
        int64_t id;
        int rc;
        if (ref && parse_reference(ref, "Practitioner", &id) == 0) {
            if ((rc = hb_db_one(db, SQL_GP_USER, id, NULL, NULL, err)) < 0)
                return rc;
            if (rc == 0)
                return bad(err, "Patient.generalPractitioner",
                           "Practitioner-referansen er ikke en fastlege i Helsebro");
            p->gp_user_id = id;
        } else if (ref && parse_reference(ref, "Organization", &id) == 0) {
            if ((rc = hb_db_one(db, SQL_GP_ORG, id, NULL, NULL, err)) < 0)
                return rc;
            if (rc == 0)
                return bad(err, "Patient.generalPractitioner",
                           "Organization-referansen er ikke et fastlegekontor");
            p->gp_org_id = id;
        } else {
            return bad(err, "Patient.generalPractitioner",
                       "Fastlege må være Practitioner/{id} eller Organization/{id}");
        }
    }
    return 0;
}

int hb_patient_from_fhir(struct hb_db *db, json_t *res, struct hb_arena *arena,
                         struct hb_patient *p, struct hb_error *err)
{
    static const char *known[] = {"resourceType", "id",       "meta",
                                  "text",         "identifier", "active",
                                  "name",         "gender",   "birthDate",
                                  "address",      "generalPractitioner"};
    memset(p, 0, sizeof(*p));
    const char *rt = json_string_value(json_object_get(res, "resourceType"));
    if (!rt || strcmp(rt, "Patient") != 0)
        return bad(err, "Patient.resourceType", "resourceType må være Patient");
    const char *key;
    json_t *v;
    json_object_foreach(res, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok)
            return hb_fail(err, HB_UNPROCESSABLE, key,
                           "Elementet Patient.%s støttes ikke av Helsebro", key);
    }
    int rc;
    if ((rc = parse_identifier(res, p, err)) || (rc = parse_name(res, arena, p, err)))
        return rc;
    const char *gender = json_string_value(json_object_get(res, "gender"));
    if (json_object_get(res, "gender") &&
        (!gender || strcmp(gender, p->female ? "female" : "male") != 0))
        return bad(err, "Patient.gender",
                   p->female ? "Kjønn stemmer ikke med fødselsnummeret (skal være female)"
                             : "Kjønn stemmer ikke med fødselsnummeret (skal være male)");
    const char *birth = json_string_value(json_object_get(res, "birthDate"));
    if (json_object_get(res, "birthDate") && (!birth || strcmp(birth, p->birth_date) != 0))
        return hb_fail(err, HB_UNPROCESSABLE, "Patient.birthDate",
                       "Fødselsdato stemmer ikke med fødselsnummeret (skal være %s)",
                       p->birth_date);
    if ((rc = parse_address(db, res, arena, p, err)) || (rc = parse_gp(db, res, p, err)))
        return rc;
    return 0;
}

/* ---- patient -> FHIR ---- */
static void build_resource(struct hb_patient *p, struct hb_arena *a)
{
    char id[24], ver[16], ts[32];
    snprintf(id, sizeof(id), "%lld", (long long)p->id);
    snprintf(ver, sizeof(ver), "%d", p->version);
    hb_time_iso(p->updated_at, ts, sizeof(ts));
    json_t *given = json_array();
    const char *g = p->given;
    while (*g) {
        size_t n = strcspn(g, " ");
        if (n)
            json_array_append_new(given, json_stringn(g, n));
        g += n;
        while (*g == ' ')
            g++;
    }
    json_t *r = json_pack(
        "{s:s,s:s,s:{s:s,s:s},s:[{s:s,s:s}],s:b,s:[{s:s,s:s,s:o}],s:s,s:s}", "resourceType",
        "Patient", "id", id, "meta", "versionId", ver, "lastUpdated", ts, "identifier", "system",
        p->nid_kind == HB_NID_DNR ? HB_OID_DNR : HB_OID_FNR, "value", p->nid, "active", 1,
        "name", "use", "official", "family", p->family, "given", given, "gender",
        p->female ? "female" : "male", "birthDate", p->birth_date);
    if (p->municipality_id && p->kommunenummer) {
        json_object_set_new(
            r, "address",
            json_pack("[{s:s,s:s,s:[{s:s,s:{s:s,s:s,s:s}}]}]", "use", "home", "district",
                      p->municipality_name, "extension", "url", HB_EXT_MUNICIPALITY,
                      "valueCoding", "system", HB_OID_KOMMUNE, "code", p->kommunenummer,
                      "display", p->municipality_name));
    }
    json_t *gps = json_array();
    if (p->gp_user_id)
        json_array_append_new(gps, json_pack("{s:s+}", "reference", "Practitioner/",
                                             hb_arena_printf(a, "%lld", (long long)p->gp_user_id)));
    if (p->gp_org_id)
        json_array_append_new(gps, json_pack("{s:s+}", "reference", "Organization/",
                                             hb_arena_printf(a, "%lld", (long long)p->gp_org_id)));
    if (json_array_size(gps))
        json_object_set_new(r, "generalPractitioner", gps);
    else
        json_decref(gps);
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    p->resource = hb_arena_strdup(a, s);
    p->resource_len = strlen(s);
    free(s);
}

/* ---- reading ---- */
#define PATIENT_COLS                                                                      \
    "p.id, p.version, p.updated_at, p.nid, p.nid_kind, p.family, p.given, p.birth_date,"  \
    " p.sex, p.municipality_id, p.gp_user_id, p.gp_org_id, p.resource, m.kommunenummer," \
    " m.name"
#define PATIENT_FROM " FROM patient p LEFT JOIN org m ON m.id = p.municipality_id"

static const char SQL_PATIENT_GET[] = "SELECT " PATIENT_COLS PATIENT_FROM " WHERE p.id = ?";

static void read_patient(struct hb_stmt *st, struct hb_arena *a, struct hb_patient *p)
{
    memset(p, 0, sizeof(*p));
    p->id = hb_stmt_col_int(st, 0);
    p->version = (int)hb_stmt_col_int(st, 1);
    p->updated_at = hb_stmt_col_int(st, 2);
    snprintf(p->nid, sizeof(p->nid), "%s", hb_stmt_col(st, 3, NULL));
    const char *kind = hb_stmt_col(st, 4, NULL);
    p->nid_kind = kind && strcmp(kind, "dnr") == 0 ? HB_NID_DNR : HB_NID_FNR;
    p->family = hb_stmt_col_dup(st, 5, a);
    p->given = hb_stmt_col_dup(st, 6, a);
    snprintf(p->birth_date, sizeof(p->birth_date), "%s", hb_stmt_col(st, 7, NULL));
    const char *sex = hb_stmt_col(st, 8, NULL);
    p->female = sex && strcmp(sex, "female") == 0;
    p->municipality_id = hb_stmt_col_int(st, 9);
    p->gp_user_id = hb_stmt_col_int(st, 10);
    p->gp_org_id = hb_stmt_col_int(st, 11);
    p->resource = hb_stmt_col(st, 12, &p->resource_len);
    p->resource = hb_arena_strndup(a, p->resource, p->resource_len);
    p->kommunenummer = hb_stmt_col_dup(st, 13, a);
    p->municipality_name = hb_stmt_col_dup(st, 14, a);
}

static struct hb_patient_ref ref_of(const struct hb_patient *p)
{
    return (struct hb_patient_ref){p->id, p->municipality_id, p->gp_user_id};
}

struct patient_read {
    struct hb_arena *arena;
    struct hb_patient *p;
};

static void read_patient_cb(struct hb_stmt *st, void *arg)
{
    struct patient_read *r = arg;
    read_patient(st, r->arena, r->p);
}

static int get_patient(struct hb_db *db, int64_t id, struct hb_arena *a, struct hb_patient *p,
                       struct hb_error *err)
{
    struct patient_read r = {a, p};
    int rc = hb_db_one(db, SQL_PATIENT_GET, id, read_patient_cb, &r, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "id", "Pasient %lld finnes ikke", (long long)id);
    return rc < 0 ? rc : 0;
}

static const char SQL_PATIENT_REF[] =
    "SELECT municipality_id, gp_user_id FROM patient WHERE id = ?";

static void read_ref(struct hb_stmt *st, void *arg)
{
    struct hb_patient_ref *r = arg;
    r->municipality_id = hb_stmt_col_int(st, 0);
    r->gp_user_id = hb_stmt_col_int(st, 1);
}

int hb_patient_ref(struct hb_db *db, int64_t id, struct hb_patient_ref *out,
                   struct hb_error *err)
{
    *out = (struct hb_patient_ref){.id = id};
    int rc = hb_db_one(db, SQL_PATIENT_REF, id, read_ref, out, err);
    if (rc == 0)
        return hb_fail(err, HB_NOT_FOUND, "patient", "Pasienten finnes ikke");
    return rc < 0 ? rc : 0;
}

static const char *what_of(struct hb_arena *a, int64_t id)
{
    return hb_arena_printf(a, "Patient/%lld", (long long)id);
}

/* Loads patient id and checks u's relation on a read connection. A denial is
 * audited here (as action); an allowed access is audited by the caller, as a
 * read or inside the write it leads to. */
static int load_checked(struct hb_store *s, const struct hb_user *u, int64_t id,
                        const char *action, struct hb_arena *arena, struct hb_patient *p,
                        const char **relation, const char **reason, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    *relation = *reason = NULL;
    int rc = get_patient(db, id, arena, p, err);
    if (rc == 0) {
        struct hb_patient_ref ref = ref_of(p);
        rc = hb_policy_check(db, u, &ref, arena, relation, reason, err);
    }
    hb_store_release(s, db);
    if (rc == HB_FORBIDDEN) {
        struct hb_audit a = {.patient_id = id, .action = action, .what = what_of(arena, id)};
        struct hb_error aerr = {0};
        int arc = hb_audit_write(s, u, &a, 1, &aerr);
        if (arc) {
            *err = aerr;
            return arc;
        }
    }
    return rc;
}

int hb_patient_open(struct hb_store *s, const struct hb_user *u, int64_t id,
                    const char *action, struct hb_arena *arena, struct hb_patient *p,
                    const char **relation, struct hb_error *err)
{
    const char *reason;
    int rc = load_checked(s, u, id, action, arena, p, relation, &reason, err);
    if (rc)
        return rc;
    struct hb_audit a = {.patient_id = id, .action = action, .what = what_of(arena, id),
                         .relation = *relation, .reason = reason, .allowed = true};
    return hb_audit_write(s, u, &a, 1, err); /* no audit record, no data */
}

/* ---- writing ---- */
static const char SQL_PATIENT_ADD[] =
    "INSERT INTO patient (id, nid, nid_kind, family, given, family_lc, given_lc, birth_date,"
    " sex, municipality_id, gp_user_id, gp_org_id, version, updated_at, resource)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PATIENT_SET[] =
    "UPDATE patient SET nid = ?, nid_kind = ?, family = ?, given = ?, family_lc = ?,"
    " given_lc = ?, birth_date = ?, sex = ?, municipality_id = ?, gp_user_id = ?,"
    " gp_org_id = ?, version = ?, updated_at = ?, resource = ? WHERE id = ? AND version = ?";
static const char SQL_PATIENT_VERSION[] = "SELECT version FROM patient WHERE id = ?";

struct patient_write {
    const struct hb_user *u;
    struct hb_patient *p;
    struct hb_arena *a;
    int if_version;
    const char *relation, *reason;
    bool update;
};

static void bind_fields(struct hb_stmt *st, int i, struct hb_patient *p, struct hb_arena *a)
{
    hb_stmt_text(st, i++, p->nid);
    hb_stmt_text(st, i++, p->nid_kind == HB_NID_DNR ? "dnr" : "fnr");
    hb_stmt_text(st, i++, p->family);
    hb_stmt_text(st, i++, p->given);
    hb_stmt_text(st, i++, hb_fold(a, p->family));
    hb_stmt_text(st, i++, hb_fold(a, p->given));
    hb_stmt_text(st, i++, p->birth_date);
    hb_stmt_text(st, i++, p->female ? "female" : "male");
    hb_stmt_int_or_null(st, i++, p->municipality_id);
    hb_stmt_int_or_null(st, i++, p->gp_user_id);
    hb_stmt_int_or_null(st, i, p->gp_org_id);
}

static int patient_write_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct patient_write *w = arg;
    struct hb_patient *p = w->p;
    struct hb_stmt *st;
    int rc;
    if (w->update) {
        if ((rc = hb_db_stmt(db, SQL_PATIENT_VERSION, &st, err)))
            return rc;
        hb_stmt_int(st, 1, p->id);
        rc = hb_stmt_step(st, err);
        int current = rc == 1 ? (int)hb_stmt_col_int(st, 0) : 0;
        hb_stmt_done(st);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return hb_fail(err, HB_NOT_FOUND, "id", "Pasienten finnes ikke");
        if (w->if_version && w->if_version != current)
            return hb_fail(err, HB_PRECONDITION, "If-Match",
                           "Pasienten er endret av en annen (versjon %d, du sendte %d). Hent "
                           "siste versjon og prøv igjen.",
                           current, w->if_version);
        p->version = current + 1;
    } else {
        p->id = hb_id_new();
        p->version = 1;
    }
    p->updated_at = hb_now_us();
    build_resource(p, w->a);
    if (w->update) {
        if ((rc = hb_db_stmt(db, SQL_PATIENT_SET, &st, err)))
            return rc;
        bind_fields(st, 1, p, w->a);
        hb_stmt_int(st, 12, p->version);
        hb_stmt_int(st, 13, p->updated_at);
        hb_stmt_textn(st, 14, p->resource, p->resource_len);
        hb_stmt_int(st, 15, p->id);
        hb_stmt_int(st, 16, p->version - 1);
    } else {
        if ((rc = hb_db_stmt(db, SQL_PATIENT_ADD, &st, err)))
            return rc;
        hb_stmt_int(st, 1, p->id);
        bind_fields(st, 2, p, w->a);
        hb_stmt_int(st, 13, p->version);
        hb_stmt_int(st, 14, p->updated_at);
        hb_stmt_textn(st, 15, p->resource, p->resource_len);
    }
    rc = hb_stmt_run(st, err);
    if (rc == HB_CONFLICT)
        return hb_fail(err, HB_CONFLICT, "Patient.identifier",
                       "En pasient med dette fødselsnummeret/D-nummeret finnes allerede");
    if (rc < 0)
        return rc;
    const char *action = w->update ? "update" : "create";
    if ((rc = hb_store_change(db, "Patient", p->id, p->version, w->u ? w->u->id : 0, action,
                              p->resource, p->resource_len, err)))
        return rc;
    if (!w->u)
        return 0; /* system load (seed, generator): no user access to audit */
    struct hb_audit a = {.patient_id = p->id, .action = action, .what = what_of(w->a, p->id),
                         .relation = w->relation, .reason = w->reason, .allowed = true};
    return hb_audit_add(db, w->u, &a, err);
}

int hb_patient_insert(struct hb_db *db, struct hb_patient *p, struct hb_arena *arena,
                      struct hb_error *err)
{
    struct patient_write w = {.p = p, .a = arena};
    return patient_write_tx(db, &w, err);
}

/* The policy for a write: the user must have a relation to the patient as it
 * will be. Denials are audited. */
static int check_write(struct hb_store *s, const struct hb_user *u, struct hb_patient *p,
                       const char *action, struct hb_arena *a, const char **relation,
                       struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    const char *reason;
    struct hb_patient_ref ref = ref_of(p);
    int rc = hb_policy_check(db, u, &ref, a, relation, &reason, err);
    hb_store_release(s, db);
    if (rc == HB_FORBIDDEN) {
        struct hb_audit au = {.patient_id = p->id, .action = action,
                              .what = p->id ? what_of(a, p->id) : "Patient", .allowed = false};
        hb_audit_write(s, u, &au, 1, NULL);
        hb_fail(err, HB_FORBIDDEN, NULL,
                "Du kan bare registrere pasienter du har en tjenstlig relasjon til (bosted i "
                "din kommune, på din liste eller i din enhet)");
    }
    return rc;
}

int hb_patient_create(struct hb_store *s, const struct hb_user *u, struct hb_patient *p,
                      struct hb_arena *arena, struct hb_error *err)
{
    const char *relation = NULL;
    p->id = 0;
    int rc = check_write(s, u, p, "create", arena, &relation, err);
    if (rc)
        return rc;
    struct patient_write w = {.u = u, .p = p, .a = arena, .relation = relation};
    return hb_store_write(s, patient_write_tx, &w, err);
}

int hb_patient_update(struct hb_store *s, const struct hb_user *u, struct hb_patient *p,
                      int if_version, struct hb_arena *arena, struct hb_error *err)
{
    struct hb_patient cur;
    const char *relation, *reason;
    int rc = load_checked(s, u, p->id, "update", arena, &cur, &relation, &reason, err);
    if (rc)
        return rc;
    struct patient_write w = {.u = u, .p = p, .a = arena, .if_version = if_version,
                              .relation = relation, .reason = reason, .update = true};
    return hb_store_write(s, patient_write_tx, &w, err);
}

/* ---- search ---- */
static const char SQL_SEARCH_ALL[] =
    "SELECT " PATIENT_COLS PATIENT_FROM " WHERE p.id > ? ORDER BY p.id LIMIT ?";
static const char SQL_SEARCH_NID[] =
    "SELECT " PATIENT_COLS PATIENT_FROM " WHERE p.nid = ? AND p.id > ? ORDER BY p.id LIMIT ?";
/* Name prefixes as ranges [prefix, prefix + U+FFFF): both backends use the name
 * indexes (PostgreSQL compares these columns bytewise, COLLATE "C"). */
static const char SQL_SEARCH_NAME[] =
    "SELECT " PATIENT_COLS PATIENT_FROM
    " WHERE ((p.family_lc >= ? AND p.family_lc < ?) OR (p.given_lc >= ? AND p.given_lc < ?))"
    " AND p.id > ? ORDER BY p.id LIMIT ?";
static const char SQL_SEARCH_BIRTH[] = "SELECT " PATIENT_COLS PATIENT_FROM
                                       " WHERE p.birth_date = ? AND p.id > ? ORDER BY p.id LIMIT ?";

/* Every word of q must start one of the patient's names. */
static bool words_match(struct hb_arena *a, const char *q, const struct hb_patient *p)
{
    const char *names = hb_fold(a, hb_arena_printf(a, "%s %s", p->given, p->family));
    const char *w = hb_fold(a, q);
    while (*w) {
        while (*w == ' ')
            w++;
        size_t n = strcspn(w, " ");
        if (!n)
            break;
        bool found = false;
        for (const char *s = names; *s && !found; s += strcspn(s, " "), s += *s == ' ')
            found = strncmp(s, w, n) == 0;
        if (!found)
            return false;
        w += n;
    }
    return true;
}

enum { SEARCH_SCAN_MAX = 5000 };

int hb_patient_search(struct hb_store *s, const struct hb_user *u,
                      const struct hb_patient_query *q, struct hb_arena *arena,
                      struct hb_patient **out, int *n, int64_t *next_after,
                      struct hb_error *err)
{
    int count = q->count > 0 ? q->count : 20;
    struct hb_patient *res = hb_arena_alloc(arena, sizeof(*res) * (size_t)count);
    struct hb_audit *audits = hb_arena_alloc(arena, sizeof(*audits) * (size_t)count);
    const char *sql = q->nid ? SQL_SEARCH_NID
                      : q->name ? SQL_SEARCH_NAME
                      : q->birthdate ? SQL_SEARCH_BIRTH
                                     : SQL_SEARCH_ALL;
    const char *lo = q->name ? hb_fold(arena, q->name) : NULL;
    const char *hi = lo ? hb_arena_printf(arena, "%s\xEF\xBF\xBF", lo) : NULL;
    int found = 0, scanned = 0, batch = count * 2 + 10;
    int64_t after = q->after;
    bool more = true;
    *next_after = 0;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    int rc = 0;
    while (found < count && more && scanned < SEARCH_SCAN_MAX) {
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, sql, &st, err)))
            break;
        int i = 1;
        if (q->nid)
            hb_stmt_text(st, i++, q->nid);
        else if (lo) {
            hb_stmt_text(st, i++, lo);
            hb_stmt_text(st, i++, hi);
            hb_stmt_text(st, i++, lo);
            hb_stmt_text(st, i++, hi);
        } else if (q->birthdate)
            hb_stmt_text(st, i++, q->birthdate);
        hb_stmt_int(st, i++, after);
        hb_stmt_int(st, i, batch);
        /* Read the batch first: the policy check uses the same connection. */
        struct hb_patient *rows = hb_arena_alloc(arena, sizeof(*rows) * (size_t)batch);
        int nrows = 0;
        while ((rc = hb_stmt_step(st, err)) == 1)
            read_patient(st, arena, &rows[nrows++]);
        hb_stmt_done(st);
        if (rc < 0)
            break;
        rc = 0;
        more = nrows == batch;
        for (int r = 0; r < nrows; r++) {
            after = rows[r].id;
            scanned++;
            /* Filters beyond what the SQL selected. */
            if (q->birthdate && (q->name || q->nid) &&
                strcmp(rows[r].birth_date, q->birthdate) != 0)
                continue;
            if (q->words && !words_match(arena, q->words, &rows[r]))
                continue;
            const char *rel, *reason;
            struct hb_patient_ref ref = ref_of(&rows[r]);
            int prc = hb_policy_check(db, u, &ref, arena, &rel, &reason, err);
            if (prc == HB_FORBIDDEN)
                continue;
            if (prc) {
                rc = prc;
                break;
            }
            audits[found] = (struct hb_audit){.patient_id = rows[r].id, .action = "search",
                                              .what = what_of(arena, rows[r].id),
                                              .relation = rel, .reason = reason,
                                              .allowed = true};
            res[found++] = rows[r];
            if (found == count) {
                if (r + 1 < nrows || more)
                    *next_after = after;
                break;
            }
        }
        if (rc)
            break;
    }
    hb_store_release(s, db);
    if (rc)
        return rc;
    if (found < count && more && scanned >= SEARCH_SCAN_MAX)
        *next_after = after; /* bounded work: the next page continues the scan */
    if ((rc = hb_audit_write(s, u, audits, (size_t)found, err)))
        return rc;
    *out = res;
    *n = found;
    return 0;
}

/* ---- history ---- */
static const char SQL_HISTORY[] =
    "SELECT version, at, action, resource FROM change_log WHERE rtype = 'Patient'"
    " AND rid = ? ORDER BY version DESC LIMIT 100";

int hb_patient_history(struct hb_store *s, const struct hb_user *u, int64_t id,
                       struct hb_arena *arena, struct hb_version **out, int *n,
                       struct hb_error *err)
{
    struct hb_patient p;
    const char *relation;
    int rc = hb_patient_open(s, u, id, "history", arena, &p, &relation, err);
    if (rc)
        return rc;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int cap = p.version < 100 ? p.version : 100;
    struct hb_version *v = hb_arena_alloc(arena, sizeof(*v) * (size_t)(cap + 1));
    int k = 0;
    if ((rc = hb_db_stmt(db, SQL_HISTORY, &st, err)) == 0) {
        hb_stmt_int(st, 1, id);
        while (k <= cap && (rc = hb_stmt_step(st, err)) == 1) {
            v[k].version = (int)hb_stmt_col_int(st, 0);
            v[k].at = hb_stmt_col_int(st, 1);
            v[k].action = hb_stmt_col_dup(st, 2, arena);
            v[k].resource = hb_stmt_col_dup(st, 3, arena);
            k++;
        }
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}
