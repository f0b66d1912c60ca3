/* seed: demo data for Helsefellesskap Helse Bergen and Region Nordhordland.
 * Every national id is synthetic (month + 80). */
#include "seed.h"
#include "seed_int.h"

#include <stdlib.h>
#include <string.h>

#include "../auth/auth.h"
#include "../flow/flow.h"
#include "../org/org.h"
#include "../patient/patient.h"

#include "../core/banned.h"

/* Population of the Nordhordland municipalities, approximately (2025). */
static const struct {
    const char *nr, *name;
    int population;
} municipalities[] = {
    {"4631", "Alver", 30200},    {"4630", "Osterøy", 8200},  {"4628", "Vaksdal", 3950},
    {"4632", "Austrheim", 2900}, {"4635", "Gulen", 2300},    {"4634", "Masfjorden", 1640},
    {"4633", "Fedje", 510},      {"4629", "Modalen", 390},
};
enum { N_MUNI = sizeof(municipalities) / sizeof(municipalities[0]) };

/* Age bands with their share of the population (per mille) and of patients
 * using health services (per mille, weighted towards the old). */
const struct hb__band hb__bands[] = {
    {"0-17", 0, 17, 210, 60},   {"18-49", 18, 49, 370, 150}, {"50-66", 50, 66, 210, 180},
    {"67-79", 67, 79, 130, 270}, {"80-89", 80, 89, 60, 250},  {"90+", 90, 99, 20, 90},
};
const int hb__nbands = sizeof(hb__bands) / sizeof(hb__bands[0]);

static const char *const female_names[] = {"Kari", "Ingrid", "Anne", "Marit", "Liv", "Solveig",
                                           "Astrid", "Berit", "Randi", "Gunn", "Nora", "Emma",
                                           "Sigrid", "Åse", "Ragnhild", "Synnøve", "Ida", "Maja"};
static const char *const male_names[] = {"Ola", "Nils", "Lars", "Knut", "Per", "Arne", "Olav",
                                         "Johannes", "Bjørn", "Magnus", "Sverre", "Jakob",
                                         "Tore", "Øystein", "Håkon", "Leif", "Emil", "Kristian"};
static const char *const family_names[] = {
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Nilsen", "Haugland", "Mjøs",
    "Knarvik", "Lygre", "Hope", "Brekke", "Sæbø", "Fosse", "Vik", "Myking", "Hjelmtveit",
    "Rossland", "Solheim", "Øvretveit", "Instanes", "Hosøy", "Aasheim", "Frøyset"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *hb__given_name(struct hb__rng *r, bool female)
{
    return female ? female_names[hb__rnd(r, COUNT(female_names))]
                  : male_names[hb__rnd(r, COUNT(male_names))];
}

const char *hb__family_name(struct hb__rng *r)
{
    return family_names[hb__rnd(r, COUNT(family_names))];
}

unsigned hb__rnd(struct hb__rng *r, unsigned n)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((r->s >> 33) % n);
}

/* ---- organisations ---- */
struct demo {
    int64_t hf_fellesskap, hf, hospital, ward_med, ward_geri, muni[N_MUNI], kad, kort_alver,
        home_alver, joint, gp_office[5], gp_user[5];
    int64_t patient_demo;
    int beds_used[3]; /* demo stays placed in: geriatric ward, KAD, medical ward */
    int discharge_cases;
    struct hb__rng rng;
};

static int add(struct hb_db *db, int64_t *id, const char *type, const char *unit_type,
               const char *name, int64_t parent, const char *nr, const char *orgnr,
               const char *site, int beds, struct hb_error *err)
{
    struct hb_org o = {.type = type, .unit_type = unit_type, .name = name, .parent_id = parent,
                       .kommunenummer = nr, .orgnr = orgnr, .site = site, .beds = beds};
    int rc = hb_org_add(db, &o, 0, err);
    if (rc == 0 && id)
        *id = o.id;
    return rc;
}

static int orgs_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct demo *d = arg;
    int rc;
#define TRY(x)                                                                                 \
    if ((rc = (x)))                                                                            \
        return rc;
    TRY(add(db, &d->hf_fellesskap, "helsefellesskap", NULL, "Helsefellesskap Helse Bergen", 0,
            NULL, NULL, NULL, 0, err));
    TRY(add(db, &d->hf, "hf", NULL, "Helse Bergen HF", d->hf_fellesskap, NULL, "983974724",
            NULL, 0, err));
    TRY(add(db, &d->hospital, "hospital", NULL, "Haukeland universitetssjukehus", d->hf, NULL,
            NULL, "Bergen", 0, err));
    TRY(add(db, &d->ward_med, "unit", "hospital-ward", "Medisinsk avdeling", d->hospital, NULL,
            NULL, "Haukeland", 32, err));
    TRY(add(db, &d->ward_geri, "unit", "hospital-ward", "Geriatrisk seksjon", d->hospital, NULL,
            NULL, "Haukeland", 16, err));
    int64_t ortho, lung, osteroy_short;
    TRY(add(db, &ortho, "unit", "hospital-ward", "Ortopedisk avdeling", d->hospital, NULL, NULL,
            "Haukeland", 24, err));
    TRY(add(db, &lung, "unit", "hospital-ward", "Lungeavdelingen", d->hospital, NULL, NULL,
            "Haukeland", 20, err));
    for (int i = 0; i < N_MUNI; i++) {
        TRY(add(db, &d->muni[i], "municipality", NULL, municipalities[i].name, d->hf_fellesskap,
                municipalities[i].nr, NULL, NULL, 0, err));
        for (int b = 0; b < hb__nbands; b++) {
            int total = municipalities[i].population * hb__bands[b].pop_pm / 1000;
            int women = hb__bands[b].lo >= 80 ? total * 6 / 10 : total / 2;
            TRY(hb_org_population_add(db, d->muni[i], 2025, "female", hb__bands[b].band, women, err));
            TRY(hb_org_population_add(db, d->muni[i], 2025, "male", hb__bands[b].band, total - women,
                                      err));
        }
    }
    /* Minutes and km by road (Fedje with the ferry) to the unit sites. */
    static const int travel[N_MUNI][3][2] = {
        {{10, 8}, {35, 30}, {40, 35}},    {{45, 45}, {35, 30}, {10, 8}},
        {{70, 75}, {40, 40}, {45, 45}},   {{40, 40}, {75, 70}, {80, 75}},
        {{60, 60}, {95, 90}, {100, 95}},  {{45, 45}, {80, 75}, {85, 80}},
        {{75, 45}, {110, 75}, {115, 80}}, {{60, 55}, {80, 75}, {60, 50}},
    };
    static const char *const sites[3] = {"Knarvik", "Haukeland", "Lonevåg"};
    for (int i = 0; i < N_MUNI; i++)
        for (int k = 0; k < 3; k++)
            TRY(hb_flow_travel_add(db, d->muni[i], sites[k], travel[i][k][0], travel[i][k][1],
                                   err));
    TRY(add(db, &d->kad, "unit", "kad", "KAD Region Nordhordland Helsehus", d->muni[0], NULL,
            NULL, "Knarvik", 8, err));
    {
        /* The KAD in Knarvik is inter-municipal: it serves the whole region. */
        const char *nrs[N_MUNI];
        for (int i = 0; i < N_MUNI; i++)
            nrs[i] = municipalities[i].nr;
        TRY(hb_org_serves_set(db, d->kad, nrs, N_MUNI, 0, err));
    }
    /* A joint unit (model B) shared by the trust and the municipalities. */
    TRY(add(db, &d->joint, "unit", "joint-unit", "Felles akuttenhet Nordhordland",
            d->hf_fellesskap, NULL, NULL, "Knarvik", 6, err));
    {
        static const char SQL_PRICE[] =
            "UPDATE org SET day_price_nok = 9800, hf_share_percent = 50 WHERE id = ?";
        struct hb_stmt *st;
        TRY(hb_db_stmt(db, SQL_PRICE, &st, err));
        hb_stmt_int(st, 1, d->joint);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    TRY(add(db, &d->kort_alver, "unit", "short-term-nursing-home", "Korttidsavdeling Alver",
            d->muni[0], NULL, NULL, "Knarvik", 12, err));
    TRY(add(db, &d->home_alver, "unit", "home-care", "Heimetenesta Alver", d->muni[0], NULL,
            NULL, "Knarvik", 0, err));
    TRY(add(db, &osteroy_short, "unit", "short-term-nursing-home", "Osterøy korttidsavdeling",
            d->muni[1], NULL, NULL, "Lonevåg", 8, err));
    static const struct {
        const char *name;
        int muni;
    } offices[5] = {{"Knarvik legesenter", 0},
                    {"Lindås legekontor", 0},
                    {"Osterøy legekontor", 1},
                    {"Vaksdal legekontor", 2},
                    {"Nordhordland vest legekontor", 3}};
    for (int i = 0; i < 5; i++)
        TRY(add(db, &d->gp_office[i], "gp-office", NULL, offices[i].name, d->muni[offices[i].muni],
                NULL, NULL, NULL, 0, err));
    /* What each unit can treat (the hospital wards: the medical ward's list). */
    static const char *const kad_caps[] = {
        "iv-antibiotics", "iv-fluids", "oxygen",       "infusion-pump", "lab-crp",
        "lab-hb",         "lab-glucose", "lab-urine-stix", "x-ray",       "palliative",
        "dementia-safe",  "physiotherapy"};
    static const char *const short_caps[] = {"iv-fluids",      "oxygen",     "lab-crp",
                                             "lab-glucose",    "lab-urine-stix", "palliative",
                                             "dementia-safe", "physiotherapy"};
    static const char *const ward_caps[] = {
        "iv-antibiotics", "iv-fluids", "oxygen",      "high-flow-oxygen", "cpap-bipap",
        "infusion-pump",  "telemetry", "blood-gas",   "lab-crp",          "lab-hb",
        "lab-glucose",    "lab-urine-stix", "x-ray",  "ct-remote",        "palliative",
        "physiotherapy"};
#define CAPS(unit, list) hb_flow_capabilities_set(db, unit, list, COUNT(list), err)
    TRY(CAPS(d->kad, kad_caps));
    TRY(CAPS(d->kort_alver, short_caps));
    TRY(CAPS(d->ward_med, ward_caps));
    TRY(CAPS(d->ward_geri, ward_caps));
    TRY(CAPS(d->joint, kad_caps));
    TRY(CAPS(lung, ward_caps));
    TRY(CAPS(osteroy_short, short_caps));
    static const char *const ortho_caps[] = {"iv-antibiotics", "iv-fluids",   "oxygen",
                                             "infusion-pump",  "lab-crp",     "lab-hb",
                                             "x-ray",          "ct-remote",   "physiotherapy"};
    TRY(CAPS(ortho, ortho_caps));
#undef CAPS
    static const char SQL_UNITS[] = "SELECT id, beds FROM org WHERE type = 'unit' AND beds > 0";
    struct hb_stmt *st;
    int64_t units[32][2];
    int nunits = 0;
    TRY(hb_db_stmt(db, SQL_UNITS, &st, err));
    while (nunits < 32 && (rc = hb_stmt_step(st, err)) == 1) {
        units[nunits][0] = hb_stmt_col_int(st, 0);
        units[nunits++][1] = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    for (int i = 0; i < nunits; i++)
        TRY(hb_flow_beds_resize(db, units[i][0], 0, (int)units[i][1], err));
    return 0;
#undef TRY
}

/* ---- patients ---- */
static const char SQL_NID_USED[] = "SELECT 1 FROM patient WHERE nid = ?";
static const char SQL_STAY_ADD[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, bed_number, source, referred_by,"
    " priority_group) VALUES (?, ?, ?, ?, ?, ?, ?, 'frail-elderly')";
static const char SQL_BED_TAKE[] =
    "UPDATE bed SET state = 'occupied', stay_id = ?, version = version + 1"
    " WHERE unit_id = ? AND number = ?";

struct patients {
    struct demo *d;
    int muni;   /* index, or -1: spread by population */
    int count;  /* in this transaction */
    int64_t muni_id, gp_user, gp_office; /* for the generator (muni_id != 0) */
    int stays;  /* demo: open stays to create */
    bool demo_patient;
    unsigned seq;
};

static const char SQL_DR_CASE[] =
    "INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version,"
    " created_at) VALUES (?, ?, ?, ?, ?, 1, ?)";
static const char SQL_DR_EVENT[] =
    "INSERT INTO discharge_event (id, case_id, kind, at, day, place) VALUES (?, ?, ?, ?, ?, ?)";

int hb__dr_event(struct hb_db *db, int64_t case_id, const char *kind, int64_t at,
                 const char *day, const char *place, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_DR_EVENT, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, hb_id_new());
    hb_stmt_int(st, 2, case_id);
    hb_stmt_text(st, 3, kind);
    hb_stmt_int(st, 4, at);
    hb_stmt_text(st, 5, day);
    hb_stmt_text(st, 6, place);
    return hb_stmt_run(st, err) < 0 ? HB_INTERNAL : 0;
}

static int demo_discharge(struct hb_db *db, struct demo *d, int64_t patient, int64_t unit,
                          int64_t municipality, struct hb_error *err)
{
    static const int64_t H = 3600LL * 1000000;
    int variant = d->discharge_cases++ % 3;
    int64_t now = hb_now_us(), id = hb_id_new(), admitted = now - 5 * 24 * H,
            ready = now - (variant == 2 ? 2 : 3) * 24 * H;
    char day[16];
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_DR_CASE, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, id);
    hb_stmt_int(st, 2, patient);
    hb_stmt_int(st, 3, unit);
    hb_stmt_int(st, 4, municipality);
    hb_stmt_text(st, 5, variant == 0 ? "offered" : "ready");
    hb_stmt_int(st, 6, admitted);
    if ((rc = hb_stmt_run(st, err)) < 0 || (rc = hb__dr_event(db, id, "admitted", admitted, NULL, NULL, err)) ||
        (rc = hb__dr_event(db, id, "ready", ready, NULL, NULL, err)))
        return rc < 0 ? HB_INTERNAL : rc;
    if (variant == 0) { /* on time: received the next day */
        hb_local_date(ready + 24 * H, day, sizeof(day));
        return hb__dr_event(db, id, "receive", ready + 2 * H, day, "Korttidsavdeling Alver", err);
    }
    if (variant == 1) { /* late: cannot yet, expected in two days */
        hb_local_date(now + 2 * 24 * H, day, sizeof(day));
        return hb__dr_event(db, id, "cannot", ready + 20 * H, day, NULL, err);
    }
    return 0; /* not answered */
}

static int pick_band(struct hb__rng *r)
{
    unsigned x = hb__rnd(r, 1000), acc = 0;
    for (int b = 0; b < hb__nbands; b++) {
        acc += (unsigned)hb__bands[b].patient_pm;
        if (x < acc)
            return b;
    }
    return hb__nbands - 1;
}

static int pick_muni(struct hb__rng *r)
{
    int total = 0;
    for (int i = 0; i < N_MUNI; i++)
        total += municipalities[i].population;
    int x = (int)hb__rnd(r, (unsigned)total);
    for (int i = 0; i < N_MUNI; i++) {
        if (x < municipalities[i].population)
            return i;
        x -= municipalities[i].population;
    }
    return 0;
}

static int nid_used(struct hb_db *db, const char *nid, struct hb_error *err)
{
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_NID_USED, &st, err);
    if (rc)
        return rc;
    hb_stmt_text(st, 1, nid);
    rc = hb_stmt_step(st, err);
    hb_stmt_done(st);
    return rc;
}

static int one_patient(struct hb_db *db, struct patients *ps, int index, struct hb_arena *a,
                       struct hb_error *err)
{
    struct demo *d = ps->d;
    struct hb__rng *r = &d->rng;
    struct hb_patient p = {0};
    bool female = hb__rnd(r, 2) == 0;
    int band = pick_band(r);
    int age = hb__bands[band].lo + (int)hb__rnd(r, (unsigned)(hb__bands[band].hi - hb__bands[band].lo + 1));
    int year = 2026 - age, month = 1 + (int)hb__rnd(r, 12), day = 1 + (int)hb__rnd(r, 28);
    if (ps->demo_patient && index == 0) {
        female = true;
        year = 1941;
        month = 3;
        day = 14;
    }
    int rc;
    for (int tries = 0;; tries++) {
        if (tries > 50)
            return hb_fail(err, HB_INTERNAL, NULL, "no free synthetic id");
        if (hb_nid_make_synthetic(year, month, day, female, ps->seq, p.nid) != 0)
            return hb_fail(err, HB_INTERNAL, NULL, "cannot make a synthetic id");
        ps->seq += 7;
        if ((rc = nid_used(db, p.nid, err)) < 0)
            return rc;
        if (rc == 0)
            break;
    }
    p.nid_kind = HB_NID_FNR;
    p.female = female;
    snprintf(p.birth_date, sizeof(p.birth_date), "%04u-%02u-%02u", (unsigned)year % 10000,
             (unsigned)month % 100, (unsigned)day % 100);
    if (ps->demo_patient && index == 0) {
        p.given = "Ingrid Marie";
        p.family = "Haugland";
    } else {
        p.given = female ? female_names[hb__rnd(r, COUNT(female_names))]
                         : male_names[hb__rnd(r, COUNT(male_names))];
        p.family = family_names[hb__rnd(r, COUNT(family_names))];
    }
    int m = ps->muni >= 0 ? ps->muni : pick_muni(r);
    if (ps->demo_patient && index == 0)
        m = 0; /* the demo patient lives in Alver */
    if (ps->muni_id) {
        p.municipality_id = ps->muni_id;
        p.gp_user_id = ps->gp_user;
        p.gp_org_id = ps->gp_office;
    } else {
        p.municipality_id = d->muni[m];
        int gp = m == 0 ? (int)hb__rnd(r, 2) : m == 1 ? 2 : m == 2 ? 3 : 4;
        if (ps->demo_patient && index == 0)
            gp = 0;
        p.gp_user_id = d->gp_user[gp];
        p.gp_org_id = d->gp_office[gp];
    }
    p.kommunenummer = municipalities[m].nr;
    p.municipality_name = municipalities[m].name;
    if ((rc = hb_patient_insert(db, &p, a, err)))
        return rc;
    if (ps->demo_patient && index == 0)
        d->patient_demo = p.id;
    /* Demo stays: the first patients aged 67+ stay in the KAD or a hospital ward. */
    if (ps->stays > 0 && age >= 67 && !(ps->demo_patient && index == 0)) {
        int which = ps->stays % 3 == 0 ? 0 : ps->stays % 2 ? 1 : 2;
        int64_t unit = which == 0 ? d->ward_geri : which == 1 ? d->kad : d->ward_med;
        static const char *const from[3] = {"hospital-ward", "legevakt", "gp"};
        int bed = ++d->beds_used[which];
        int64_t stay = hb_id_new();
        struct hb_stmt *st;
        if ((rc = hb_db_stmt(db, SQL_STAY_ADD, &st, err)))
            return rc;
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, p.id);
        hb_stmt_int(st, 3, unit);
        /* From an hour to five days ago: some KAD stays pass the 3-day norm. */
        hb_stmt_int(st, 4, hb_now_us() - (int64_t)(1 + hb__rnd(r, 120)) * 3600 * 1000000);
        hb_stmt_int(st, 5, bed);
        hb_stmt_text(st, 6, from[which]);
        hb_stmt_text(st, 7, which == 0 ? "Akuttmottaket" : "Legevakten i Nordhordland");
        if ((rc = hb_stmt_run(st, err)) < 0 || (rc = hb_db_stmt(db, SQL_BED_TAKE, &st, err)))
            return rc < 0 ? rc : HB_INTERNAL;
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, unit);
        hb_stmt_int(st, 3, bed);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
        /* Every demo hospital stay has a discharge-ready case, answered in turn on
         * time, late, and not at all. */
        if (which != 1 && (rc = demo_discharge(db, ps->d, p.id, unit, p.municipality_id, err)))
            return rc;
        ps->stays--;
    }
    return 0;
}

static int patients_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct patients *ps = arg;
    struct hb_arena *a = hb_arena_new();
    int rc = 0;
    for (int i = 0; i < ps->count && rc == 0; i++)
        rc = one_patient(db, ps, i, a, err);
    hb_arena_free(a);
    return rc;
}

/* ---- users ---- */
/* Four stays in the joint unit: two charged to the patients' municipalities,
 * one to the hospital trust, one not yet decided. */
static const char SQL_FREE_PATIENTS[] =
    "SELECT p.id, p.municipality_id FROM patient p WHERE p.birth_date < '1950-01-01' AND NOT"
    " EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) AND p.id <> ? ORDER BY p.id"
    " LIMIT 4";
static const char SQL_JOINT_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, bed_number, source, charged_to,"
    " charged_at) VALUES (?, ?, ?, ?, ?, 'legevakt', ?, ?)";

static int joint_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct demo *d = arg;
    int64_t who[4][2];
    int n = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_FREE_PATIENTS, &st, err);
    if (rc)
        return rc;
    hb_stmt_int(st, 1, d->patient_demo); /* Ingrid lives at home, followed by her team */
    while (n < 4 && (rc = hb_stmt_step(st, err)) == 1) {
        who[n][0] = hb_stmt_col_int(st, 0);
        who[n++][1] = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    int64_t now = hb_now_us();
    for (int i = 0; i < n; i++) {
        int64_t stay = hb_id_new(), payer = i < 2 ? who[i][1] : i == 2 ? d->hf : 0;
        if ((rc = hb_db_stmt(db, SQL_JOINT_STAY, &st, err)))
            return rc;
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, who[i][0]);
        hb_stmt_int(st, 3, d->joint);
        hb_stmt_int(st, 4, now - (int64_t)(2 + i) * 86400 * 1000000);
        hb_stmt_int(st, 5, i + 1);
        if (payer) {
            hb_stmt_int(st, 6, payer);
            hb_stmt_int(st, 7, now);
        } else {
            hb_stmt_null(st, 6);
            hb_stmt_null(st, 7);
        }
        if ((rc = hb_stmt_run(st, err)) < 0 || (rc = hb_db_stmt(db, SQL_BED_TAKE, &st, err)))
            return rc < 0 ? rc : HB_INTERNAL;
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, d->joint);
        hb_stmt_int(st, 3, i + 1);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
    }
    return 0;
}

/* The past month: ended KAD and ward stays from 30 to 6 days ago (the current
 * stays began later), and for the ward stays a discharge-ready case each,
 * answered on time, late or only after a reminder. */
static const char SQL_HISTORY_PATIENTS[] =
    "SELECT p.id, p.municipality_id FROM patient p WHERE p.birth_date < '1960-01-01' AND NOT"
    " EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) ORDER BY p.id DESC LIMIT 120";
static const char SQL_HISTORY_STAY[] =
    "INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, bed_number, source,"
    " discharge_to, priority_group) VALUES (?, ?, ?, ?, ?, ?, ?, 'home', 'frail-elderly')";

static int history_tx(struct hb_db *db, void *arg, struct hb_error *err)
{
    struct demo *d = arg;
    static const int64_t H = 3600LL * 1000000, D = 24 * 3600LL * 1000000;
    int64_t who[120][2];
    int n = 0;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_HISTORY_PATIENTS, &st, err);
    if (rc)
        return rc;
    while (n < 120 && (rc = hb_stmt_step(st, err)) == 1) {
        who[n][0] = hb_stmt_col_int(st, 0);
        who[n++][1] = hb_stmt_col_int(st, 1);
    }
    hb_stmt_done(st);
    if (rc < 0)
        return rc;
    int64_t now = hb_now_us(), limit = now - 6 * D;
    int64_t kad_free[8] = {0}, ward_free[32] = {0};
    for (int i = 0; i < n; i++) {
        bool kad = i % 2 == 0;
        int64_t start = now - (30 - (int64_t)(i * 24 / n)) * D + (8 + hb__rnd(&d->rng, 10)) * H;
        int64_t end = start + (kad ? 1 + hb__rnd(&d->rng, 4) : 2 + hb__rnd(&d->rng, 6)) * D;
        if (end > limit)
            end = limit;
        if (end <= start)
            continue;
        int64_t *freeat = kad ? kad_free : ward_free;
        int beds = kad ? 8 : 32, bed = -1;
        for (int b = 0; b < beds && bed < 0; b++)
            if (freeat[b] <= start)
                bed = b;
        if (bed < 0)
            continue;
        freeat[bed] = end;
        int64_t stay = hb_id_new(), unit = kad ? d->kad : d->ward_med;
        if ((rc = hb_db_stmt(db, SQL_HISTORY_STAY, &st, err)))
            return rc;
        hb_stmt_int(st, 1, stay);
        hb_stmt_int(st, 2, who[i][0]);
        hb_stmt_int(st, 3, unit);
        hb_stmt_int(st, 4, start);
        hb_stmt_int(st, 5, end);
        hb_stmt_int(st, 6, bed + 1);
        hb_stmt_text(st, 7, kad ? "legevakt" : "gp");
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
        if (kad || end - start < 2 * D)
            continue;
        /* Ready a day before leaving; answered the same day, a day late or two. */
        int64_t ready = end - D - 2 * H, id = hb_id_new(), late = (int64_t)(i / 2 % 3);
        char day[16];
        static const char SQL_CASE_CLOSED[] =
            "INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status,"
            " version, created_at) VALUES (?, ?, ?, ?, 'closed', 1, ?)";
        if ((rc = hb_db_stmt(db, SQL_CASE_CLOSED, &st, err)))
            return rc;
        hb_stmt_int(st, 1, id);
        hb_stmt_int(st, 2, who[i][0]);
        hb_stmt_int(st, 3, unit);
        hb_stmt_int(st, 4, who[i][1]);
        hb_stmt_int(st, 5, start + 4 * H);
        if ((rc = hb_stmt_run(st, err)) < 0)
            return rc;
        hb_local_date(ready + late * D, day, sizeof(day));
        if ((rc = hb__dr_event(db, id, "admitted", start + 4 * H, NULL, NULL, err)) ||
            (rc = hb__dr_event(db, id, "ready", ready - late * D, NULL, NULL, err)) ||
            (late && (rc = hb__dr_event(db, id, "cannot", ready - late * D + 3 * H, NULL, NULL, err))) ||
            (rc = hb__dr_event(db, id, "receive", ready + H, day, "Korttidsavdeling Alver", err)) ||
            (rc = hb__dr_event(db, id, "discharged", end, NULL, NULL, err)))
            return rc;
    }
    return 0;
}

static const char SQL_ORG_COUNT[] = "SELECT COUNT(*) FROM org";

static int64_t count_orgs(struct hb_store *s, struct hb_error *err)
{
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return -1;
    struct hb_stmt *st;
    int64_t n = -1;
    if (hb_db_stmt(db, SQL_ORG_COUNT, &st, err) == 0) {
        if (hb_stmt_step(st, err) == 1)
            n = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    return n;
}

int hb_seed_demo(struct hb_store *s, FILE *out, struct hb_error *err)
{
    int64_t existing = count_orgs(s, err);
    if (existing < 0)
        return err->code ? err->code : HB_INTERNAL;
    if (existing > 0)
        return 1;
    struct demo d = {.rng = {20261124}};
    int rc = hb_store_write(s, orgs_tx, &d, err);
    if (rc)
        return rc;
    static const char *const gp_names[5] = {"Dr. Sigrun Fastlege", "Dr. Eirik Lygre",
                                            "Dr. Hanne Osterøy", "Dr. Petter Vaksdal",
                                            "Dr. Mona Austrheim"};
    static const char *const gp_users[5] = {"fastlege", "fastlege.lindas", "fastlege.osteroy",
                                            "fastlege.vaksdal", "fastlege.austrheim"};
    for (int i = 0; i < 5; i++)
        if ((rc = hb_auth_user_add(s, gp_users[i], gp_names[i], HB_ROLE_GP, d.gp_office[i], 0,
                                   HB_DEMO_PASSWORD, &d.gp_user[i], err)))
            return rc;
    struct patients ps = {.d = &d, .muni = -1, .count = 400, .stays = 14, .demo_patient = true,
                          .seq = 11};
    if ((rc = hb_store_write(s, patients_tx, &ps, err)) ||
        (rc = hb_store_write(s, joint_tx, &d, err)) ||
        (rc = hb_store_write(s, history_tx, &d, err)))
        return rc;
    static const struct {
        const char *username, *name;
        enum hb_role role;
        int org; /* 0 fellesskap, 1 med ward, 2 KAD, 3 Alver, 4 patient, 5 joint unit,
                    6 home care Alver */
        const char *what;
    } users[] = {
        {"admin", "Astrid Admin", HB_ROLE_ADMIN, 0, "administrator for helsefellesskapet"},
        {"sykepleier.haukeland", "Hilde Sjukepleiar", HB_ROLE_HOSPITAL, 1,
         "sykepleier, Medisinsk avdeling, Haukeland"},
        {"sykepleier.kad", "Kjell KAD-sykepleier", HB_ROLE_MUNICIPAL, 2,
         "sykepleier, KAD Region Nordhordland Helsehus"},
        {"tildeling.alver", "Tone Tildeling", HB_ROLE_ALLOCATION, 3,
         "tildelingskontoret i Alver kommune"},
        {"sykepleier.felles", "Frida Felles", HB_ROLE_HOSPITAL, 5,
         "sykepleier, Felles akuttenhet Nordhordland (modell B)"},
        {"analytiker", "Siri Sekretariat", HB_ROLE_ANALYST, 0, "sekretariatet/analyse"},
        {"pasient", "Ingrid Marie Haugland", HB_ROLE_PATIENT, 4, "pasient i Alver"},
        {"spesialist", "Dr. Harald Spesialist", HB_ROLE_HOSPITAL, 1,
         "lege, Medisinsk avdeling, Haukeland"},
        {"hjemmesykepleier", "Hanne Heimeteneste", HB_ROLE_MUNICIPAL, 6,
         "hjemmesykepleier, Heimetenesta Alver"},
        {"parorende", "Per Haugland", HB_ROLE_RELATIVE, 4, "pårørende, sønn av Ingrid"},
    };
    if (out) {
        fprintf(out, "Demo-innlogginger (passord for alle: %s):\n", HB_DEMO_PASSWORD);
        fprintf(out, "  %-22s %s\n", "fastlege", "fastlege, Knarvik legesenter");
    }
    for (size_t i = 0; i < COUNT(users); i++) {
        int64_t org = users[i].org == 0   ? d.hf_fellesskap
                      : users[i].org == 1 ? d.ward_med
                      : users[i].org == 2 ? d.kad
                      : users[i].org == 5 ? d.joint
                      : users[i].org == 6 ? d.home_alver
                                          : d.muni[0];
        int64_t patient =
            users[i].role == HB_ROLE_PATIENT || users[i].role == HB_ROLE_RELATIVE ? d.patient_demo
                                                                                  : 0;
        if ((rc = hb_auth_user_add(s, users[i].username, users[i].name, users[i].role, org,
                                   patient, HB_DEMO_PASSWORD, NULL, err)))
            return rc;
        if (out)
            fprintf(out, "  %-22s %s\n", users[i].username, users[i].what);
    }
    if ((rc = hb__seed_care(s, d.patient_demo, d.home_alver, d.ward_med, err)) ||
        (rc = hb__seed_statistics(s, err)))
        return rc;
    return hb__seed_monitor(s, d.patient_demo, err);
}

static const char SQL_MUNI_BY_NR[] =
    "SELECT id FROM org WHERE type = 'municipality' AND kommunenummer = ?";
static const char SQL_ANY_GP[] =
    "SELECT u.id, u.org_id FROM app_user u WHERE u.role = 'gp' ORDER BY u.id LIMIT 1";

int hb_seed_patients(struct hb_store *s, int count, const char *kommunenummer,
                     void (*progress)(int done, int count), struct hb_error *err)
{
    struct demo d = {.rng = {(uint64_t)hb_now_us()}};
    struct patients ps = {.d = &d, .muni = 0, .seq = (unsigned)hb_now_us()};
    const char *nr = kommunenummer ? kommunenummer : "4631";
    int m = -1;
    for (int i = 0; i < N_MUNI; i++)
        if (strcmp(municipalities[i].nr, nr) == 0)
            m = i;
    if (m < 0)
        return hb_fail(err, HB_INVALID, "municipality", "%s is not a demo municipality", nr);
    ps.muni = m;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int rc = hb_db_stmt(db, SQL_MUNI_BY_NR, &st, err);
    if (rc == 0) {
        hb_stmt_text(st, 1, nr);
        if ((rc = hb_stmt_step(st, err)) == 1)
            ps.muni_id = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
    }
    if (rc >= 0 && (rc = hb_db_stmt(db, SQL_ANY_GP, &st, err)) == 0) {
        if ((rc = hb_stmt_step(st, err)) == 1) {
            ps.gp_user = hb_stmt_col_int(st, 0);
            ps.gp_office = hb_stmt_col_int(st, 1);
        }
        hb_stmt_done(st);
    }
    hb_store_release(s, db);
    if (rc < 0)
        return rc;
    if (!ps.muni_id)
        return hb_fail(err, HB_INVALID, "municipality",
                       "municipality %s is not in the database: run seed demo first", nr);
    for (int done = 0; done < count;) {
        ps.count = count - done < 1000 ? count - done : 1000;
        if ((rc = hb_store_write(s, patients_tx, &ps, err)))
            return rc;
        done += ps.count;
        if (progress)
            progress(done, count);
    }
    return 0;
}
