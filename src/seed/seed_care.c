/* seed: the demo's shared care: a PSHT team at Knarvik legesenter and a FACT
 * team, plans in the patients' own words with goals, health issues, tasks in
 * every state, messages, a question to the specialist, co-consultations held
 * and coming, home measurements and a relative's consent. Written through the
 * careplan module as the demo users, so it obeys the same rules and is
 * audited like any other change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../careplan/careplan.h"
#include "seed_int.h"

#include "../core/banned.h"

struct care_seed {
    struct hb_store *s;
    struct hb_arena *a;
    struct hb_error *err;
    struct hb_user gp, specialist, homecare, kad, patient, relative;
};

static const char SQL_USER_BY_NAME[] = "SELECT id FROM app_user WHERE username = ?";

static int user(struct care_seed *c, const char *username, struct hb_user *u)
{
    struct hb_db *db = hb_store_acquire(c->s, c->err);
    if (!db)
        return HB_UNAVAILABLE;
    struct hb_stmt *st;
    int64_t id = 0;
    int rc = hb_db_stmt(db, SQL_USER_BY_NAME, &st, c->err);
    if (rc == 0) {
        hb_stmt_text(st, 1, username);
        if ((rc = hb_stmt_step(st, c->err)) == 1)
            id = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = id ? hb_auth_user_get(db, id, c->a, u, c->err)
                : hb_fail(c->err, HB_INTERNAL, NULL, "demo user %s missing", username);
    hb_store_release(c->s, db);
    return rc;
}

/* Runs fn's result and drops in (every input here is a new reference). */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        json_decref(in);                                                                           \
        in = NULL;                                                                                 \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)

static void day_from_now(int days, char out[16])
{
    hb_days_date(hb_local_day(hb_now_us()) + days, out, 16);
}

static void instant_from_now(int days, int hour, char out[40])
{
    char day[16];
    day_from_now(days, day);
    /* Norwegian local time in winter (+01:00); the demo need not be exact in summer. */
    snprintf(out, 40, "%sT%02d:00:00+01:00", day, hour);
}

static int64_t member_of(struct care_seed *c, int64_t patient_id, int64_t user_id)
{
    json_t *page = NULL;
    struct hb_error e = {0};
    if (hb_care_plan_get(c->s, &c->gp, patient_id, c->a, &page, &e))
        return 0;
    int64_t id = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(page, "plan"), "members"), i, m)
    {
        const char *uid = json_string_value(json_object_get(m, "userId"));
        int64_t v;
        if (uid && hb_parse_i64(uid, strlen(uid), 1, INT64_MAX, &v) == 0 && v == user_id)
            hb_parse_i64(json_string_value(json_object_get(m, "id")),
                         strlen(json_string_value(json_object_get(m, "id"))), 1, INT64_MAX, &id);
    }
    json_decref(page);
    return id;
}

static int64_t team_of_plan(struct care_seed *c, int64_t patient_id)
{
    json_t *page = NULL;
    struct hb_error e = {0};
    if (hb_care_plan_get(c->s, &c->gp, patient_id, c->a, &page, &e))
        return 0;
    int64_t id = 0;
    json_t *m = json_array_get(json_object_get(json_object_get(page, "plan"), "members"), 0);
    const char *tid = json_string_value(json_object_get(m, "teamId"));
    if (tid)
        hb_parse_i64(tid, strlen(tid), 1, INT64_MAX, &id);
    json_decref(page);
    return id;
}

/* Ingrid Marie Haugland, the demo patient: a full plan with the PSHT team. */
static int ingrid(struct care_seed *c, int64_t pid, int64_t psht, int64_t home_org, int64_t ward)
{
    struct hb_error *err = c->err;
    json_t *in = NULL;
    int64_t plan, id, team, hc_member;
    char d[16], d2[16], t1[40];
    in = json_pack("{s:s,s:b,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "title",
                   "Felles plan for Ingrid", "individualPlan", 1, "standingTeamId",
                   (json_int_t)psht, "whatMatters",
                   "Å bo hjemme så lenge som mulig. Å klare å gå til butikken på Knarvik senter "
                   "selv, og å ha kaffe med datteren min på søndager.",
                   "crisisSigns",
                   "Tyngre pust enn vanlig, vektøkning over 2 kg på tre dager, hovne ankler, ny "
                   "forvirring.",
                   "crisisActions",
                   "Ring hjemmesykepleien (56 37 50 00) samme dag. Ved tung pust i hvile: ring "
                   "legevakt 116 117, eller 113 ved akutt fare.",
                   "nutritionWeight", "61.5", "nutritionScreening", "at-risk", "nutritionNotes",
                   "Små, hyppige måltider. Næringsdrikk to ganger daglig. Lite salt. Veies hver "
                   "mandag morgen.",
                   "contacts", "name", "Kari Haugland", "relation", "datter", "phone",
                   "+47 912 34 567");
    TRY(hb_care_plan_create(c->s, &c->gp, pid, in, &plan, err));
    team = team_of_plan(c, pid);
    in = json_pack("{s:I,s:s}", "userId", (json_int_t)c->specialist.id, "role", "specialist");
    TRY(hb_care_member_add(c->s, &c->gp, team, in, NULL, err));
    in = json_pack("{s:I,s:s,s:s}", "userId", (json_int_t)c->relative.id, "role", "relative",
                   "contact", "+47 913 22 110");
    TRY(hb_care_member_add(c->s, &c->gp, team, in, NULL, err));
    in = json_pack("{s:s,s:s,s:I,s:s}", "name", "Liv Fysio", "role", "physiotherapist", "orgId",
                   (json_int_t)home_org, "contact", "+47 56 37 50 20");
    TRY(hb_care_member_add(c->s, &c->gp, team, in, NULL, err));
    hc_member = member_of(c, pid, c->homecare.id);
    in = json_pack("{s:I}", "coordinatorId", (json_int_t)hc_member);
    TRY(hb_care_plan_update(c->s, &c->gp, plan, in, 0, false, NULL, err));
    /* The patient's own goal, and the team's. */
    day_from_now(120, d);
    in = json_pack("{s:s,s:s,s:s}", "kind", "goal", "text",
                   "Gå til butikken på Knarvik senter selv", "day", d);
    TRY(hb_care_item_add(c->s, &c->patient, plan, in, NULL, err));
    in = json_pack("{s:s,s:s,s:s}", "kind", "goal", "text",
                   "Stabil vekt mellom 60 og 62 kg uten nye innleggelser for hjertesvikt",
                   "expressedBy", "team");
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    in = json_pack("{s:s,s:s,s:s,s:s}", "kind", "issue", "text", "Hjertesvikt", "codeSystem",
                   "icpc2", "code", "K77");
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    in = json_pack("{s:s,s:s,s:s,s:s}", "kind", "issue", "text", "KOLS", "codeSystem", "icd10",
                   "code", "J44.9");
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    in = json_pack("{s:s,s:s}", "kind", "issue", "text", "Redusert matlyst og vekttap i vinter");
    TRY(hb_care_item_add(c->s, &c->homecare, plan, in, NULL, err));
    /* Tasks in every state. */
    day_from_now(3, d);
    in = json_pack("{s:s,s:s,s:s,s:{s:s},s:s}", "kind", "task", "text",
                   "Veie meg og skrive "
                   "vekten inn i Helsebro",
                   "day", d, "assignee", "kind", "patient", "recurrence", "weekly");
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    day_from_now(-4, d);
    in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text",
                   "Legemiddelgjennomgang etter utskrivning", "day", d, "assignee", "kind", "user",
                   "id", (json_int_t)c->gp.id);
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    day_from_now(2, d);
    in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text",
                   "Hjemmebesøk: vurdere fallrisiko og behov for trygghetsalarm", "day", d,
                   "assignee", "kind", "user", "id", (json_int_t)c->homecare.id);
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, NULL, err));
    day_from_now(7, d);
    in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text",
                   "Justere vanndrivende etter vektkurven", "day", d, "assignee", "kind", "user",
                   "id", (json_int_t)c->specialist.id);
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, &id, err));
    in = json_pack("{s:s}", "status", "in-progress");
    TRY(hb_care_item_update(c->s, &c->specialist, id, in, 0, false, NULL, err));
    day_from_now(-10, d);
    in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text",
                   "Bestille næringsdrikk fra apoteket", "day", d, "assignee", "kind", "org", "id",
                   (json_int_t)home_org);
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, &id, err));
    in = json_pack("{s:s}", "status", "completed");
    TRY(hb_care_item_update(c->s, &c->homecare, id, in, 0, false, NULL, err));
    in = json_pack("{s:s,s:s}", "kind", "task", "text", "Søke plass på dagsenter");
    TRY(hb_care_item_add(c->s, &c->gp, plan, in, &id, err));
    in = json_pack("{s:s}", "status", "cancelled");
    TRY(hb_care_item_update(c->s, &c->gp, id, in, 0, false, NULL, err));
    /* The thread, and a question to the hospital that has been answered. */
    in = json_pack("{s:s}", "body",
                   "Ingrid har gått opp 1,8 kg siste uke. Kan hjemmesykepleien veie henne daglig "
                   "denne uken?");
    TRY(hb_care_message_add(c->s, &c->gp, plan, in, NULL, err));
    in = json_pack("{s:s}", "body",
                   "Ja, vi veier henne hver morgen fra i morgen og skriver det "
                   "inn her.");
    TRY(hb_care_message_add(c->s, &c->homecare, plan, in, NULL, err));
    in = json_pack("{s:s,s:s,s:I}", "kind", "question", "body",
                   "Vektøkning 1,8 kg på en uke, lett økte ankelødemer, ellers stabil. Bør vi "
                   "øke furosemid til 80 mg i en uke?",
                   "toOrgId", (json_int_t)ward);
    TRY(hb_care_message_add(c->s, &c->gp, plan, in, &id, err));
    in = json_pack("{s:s,s:s,s:I}", "kind", "answer", "body",
                   "Ja, 80 mg i sju dager, kontroller kreatinin og kalium etter fem dager. Ring "
                   "oss om vekten ikke går ned.",
                   "replyTo", (json_int_t)id);
    TRY(hb_care_message_add(c->s, &c->specialist, plan, in, NULL, err));
    in = json_pack("{s:s}", "body", "Takk for hjelpen. Jeg føler meg litt bedre i dag.");
    TRY(hb_care_message_add(c->s, &c->patient, plan, in, NULL, err));
    /* Home measurements: weight over the last days. */
    static const char *const weights[] = {"61.5", "62.1", "62.6", "63.3", "62.8"};
    for (int i = 0; i < 5; i++) {
        instant_from_now(i - 5, 8, t1);
        in = json_pack("{s:s,s:s,s:s}", "kind", "weight", "value", weights[i], "at", t1);
        TRY(hb_care_measure_add(c->s, &c->patient, pid, in, NULL, err));
    }
    /* A co-consultation held three weeks ago, and one coming. */
    instant_from_now(-21, 13, t1);
    in = json_pack("{s:s,s:i,s:s,s:[{s:I},{s:I},{s:I},{s:I}]}", "start", t1, "minutes", 30,
                   "purpose", "Oppfølging etter innleggelse for hjertesvikt", "participants",
                   "userId", (json_int_t)c->specialist.id, "userId", (json_int_t)c->gp.id, "userId",
                   (json_int_t)c->homecare.id, "userId", (json_int_t)c->patient.id);
    TRY(hb_care_consult_book(c->s, &c->gp, plan, in, &id, err));
    day_from_now(14, d2);
    in = json_pack("{s:s,s:s,s:[{s:s,s:s,s:{s:s,s:I}}]}", "status", "fulfilled", "record",
                   "Vekt daglig i to uker, furosemid uendret, ny samkonsultasjon om fire uker.",
                   "tasks", "text", "Sende vektkurven til Medisinsk avdeling", "day", d2,
                   "assignee", "kind", "user", "id", (json_int_t)c->homecare.id);
    TRY(hb_care_consult_record(c->s, &c->gp, id, in, 0, err));
    instant_from_now(5, 10, t1);
    in = json_pack("{s:s,s:i,s:s,s:s,s:[{s:I},{s:I},{s:I},{s:I},{s:I}]}", "start", t1, "minutes",
                   30, "purpose", "Kontroll av hjertesvikt og vurdering av ny medisin", "videoUrl",
                   "https://video.helse-bergen.no/rom/ingrid-kontroll", "participants", "userId",
                   (json_int_t)c->specialist.id, "userId", (json_int_t)c->gp.id, "userId",
                   (json_int_t)c->homecare.id, "userId", (json_int_t)c->patient.id, "userId",
                   (json_int_t)c->relative.id);
    TRY(hb_care_consult_book(c->s, &c->gp, plan, in, NULL, err));
    /* Ingrid lets her son read the plan, take part in messages and see appointments. */
    in = json_pack("{s:s,s:[s,s,s]}", "username", "parorende", "scopes", "plan", "messages",
                   "appointments");
    TRY(hb_care_consent_set(c->s, &c->patient, in, err));
    return 0;
}

static const char SQL_PSHT_PATIENTS[] =
    "SELECT id FROM patient WHERE gp_user_id = ? AND id <> ? AND birth_date < ?"
    " ORDER BY id LIMIT 5";

int hb__seed_care(struct hb_store *s, int64_t demo_patient, int64_t home_org, int64_t ward,
                  struct hb_error *err)
{
    struct care_seed c = {.s = s, .a = hb_arena_new(), .err = err};
    int rc = 0;
    json_t *in = NULL;
#undef TRY
#define TRY(call)                                                                                  \
    do {                                                                                           \
        rc = (call);                                                                               \
        json_decref(in);                                                                           \
        in = NULL;                                                                                 \
        if (rc)                                                                                    \
            goto out;                                                                              \
    } while (0)
    TRY(user(&c, "fastlege", &c.gp));
    TRY(user(&c, "spesialist", &c.specialist));
    TRY(user(&c, "hjemmesykepleier", &c.homecare));
    TRY(user(&c, "sykepleier.kad", &c.kad));
    TRY(user(&c, "pasient", &c.patient));
    TRY(user(&c, "parorende", &c.relative));
    int64_t psht, fact;
    in = json_pack("{s:s,s:s,s:[{s:I,s:s},{s:s,s:s,s:s}]}", "kind", "psht", "name",
                   "Primærhelseteam Knarvik legesenter", "members", "userId",
                   (json_int_t)c.homecare.id, "role", "home-care-nurse", "name",
                   "Marit Teamsykepleier", "role", "nurse", "contact", "+47 56 34 10 12");
    TRY(hb_care_team_create(s, &c.gp, in, &psht, err));
    in = json_pack("{s:s,s:s,s:[{s:s,s:s,s:s},{s:I,s:s}]}", "kind", "fact", "name",
                   "FACT Nordhordland", "members", "name", "Erlend Psykolog", "role",
                   "psychologist", "contact", "+47 55 97 60 00", "userId",
                   (json_int_t)c.homecare.id, "role", "nurse");
    TRY(hb_care_team_create(s, &c.specialist, in, &fact, err));
    if ((rc = ingrid(&c, demo_patient, psht, home_org, ward)))
        goto out;
    /* A few more of the GP's older patients followed by the PSHT team. */
    int64_t others[5];
    int n = 0;
    struct hb_db *db = hb_store_acquire(s, err);
    if (!db) {
        rc = HB_UNAVAILABLE;
        goto out;
    }
    struct hb_stmt *st;
    char born[16];
    hb_days_date(hb_local_day(hb_now_us()) - 75 * 365, born, sizeof(born));
    if ((rc = hb_db_stmt(db, SQL_PSHT_PATIENTS, &st, err)) == 0) {
        hb_stmt_int(st, 1, c.gp.id);
        hb_stmt_int(st, 2, demo_patient);
        hb_stmt_text(st, 3, born);
        while (n < 5 && (rc = hb_stmt_step(st, err)) == 1)
            others[n++] = hb_stmt_col_int(st, 0);
        hb_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    hb_store_release(s, db);
    if (rc)
        goto out;
    static const char *const words[] = {"Å kunne stelle hagen min igjen til våren.", NULL,
                                        "Å slippe flere turer til sykehuset i Bergen.", NULL,
                                        "Å være med i koret på torsdager."};
    static const char *const tasks[] = {
        "Blodprøver: kreatinin og kalium", "Øvelser for balanse tre ganger i uken",
        "Avklare behov for hjelpemidler", "Vurdere dosett fra apoteket",
        "Samtale om framtidige ønsker for behandling"};
    for (int i = 0; i < n; i++) {
        int64_t plan;
        char due[16];
        in = json_pack("{s:s,s:I,s:s?}", "title", "Felles plan", "standingTeamId", (json_int_t)psht,
                       "whatMatters", words[i]);
        TRY(hb_care_plan_create(s, &c.gp, others[i], in, &plan, err));
        day_from_now(i % 2 ? -3 - i : 4 + i, due); /* every other one overdue */
        in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text", tasks[i], "day", due,
                       "assignee", "kind", "user", "id",
                       (json_int_t)(i % 2 ? c.gp.id : c.homecare.id));
        TRY(hb_care_item_add(s, &c.gp, plan, in, NULL, err));
        if (words[i]) {
            in = json_pack("{s:s,s:s,s:s}", "kind", "goal", "text", words[i], "expressedBy",
                           "patient");
            TRY(hb_care_item_add(s, &c.gp, plan, in, NULL, err));
        }
        if (i == 0) {
            in = json_pack("{s:s}", "body", "Ny blodprøve viser stabil nyrefunksjon.");
            TRY(hb_care_message_add(s, &c.gp, plan, in, NULL, err));
        }
    }
    /* A younger Alver resident followed by the FACT team, with a crisis plan. */
    {
        static const char SQL_FACT_PATIENT[] =
            "SELECT id FROM patient WHERE municipality_id = ? AND birth_date > ?"
            " AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = patient.id)"
            " ORDER BY id LIMIT 1";
        int64_t fp = 0;
        hb_days_date(hb_local_day(hb_now_us()) - 60 * 365, born, sizeof(born));
        if (!(db = hb_store_acquire(s, err))) {
            rc = HB_UNAVAILABLE;
            goto out;
        }
        if ((rc = hb_db_stmt(db, SQL_FACT_PATIENT, &st, err)) == 0) {
            hb_stmt_int(st, 1, c.homecare.municipality_id);
            hb_stmt_text(st, 2, born);
            if ((rc = hb_stmt_step(st, err)) == 1)
                fp = hb_stmt_col_int(st, 0);
            hb_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        hb_store_release(s, db);
        if (rc)
            goto out;
        if (fp) {
            int64_t plan;
            char due[16];
            in = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "title", "Behandlingsplan FACT",
                           "standingTeamId", (json_int_t)fact, "role", "home-care-nurse",
                           "whatMatters", "Å beholde leiligheten og jobben på verkstedet.",
                           "crisisSigns",
                           "Sover dårlig flere netter på rad, trekker seg fra venner, slutter å "
                           "svare på telefon.",
                           "crisisActions",
                           "Ring FACT-teamet samme dag. Utenom arbeidstid: legevakt 116 117. "
                           "Avtalt at søsteren kan kontaktes.");
            TRY(hb_care_plan_create(s, &c.homecare, fp, in, &plan, err));
            day_from_now(6, due);
            in = json_pack("{s:s,s:s,s:s,s:{s:s,s:I}}", "kind", "task", "text",
                           "Samtale om arbeidstrening med NAV", "day", due, "assignee", "kind",
                           "user", "id", (json_int_t)c.homecare.id);
            TRY(hb_care_item_add(s, &c.homecare, plan, in, NULL, err));
        }
    }
    /* An open question to the hospital for the specialist's worklist. */
    if (n > 0) {
        json_t *page = NULL;
        TRY(hb_care_plan_get(s, &c.gp, others[0], c.a, &page, err));
        const char *pid = json_string_value(json_object_get(json_object_get(page, "plan"), "id"));
        int64_t plan = 0;
        hb_parse_i64(pid, strlen(pid), 1, INT64_MAX, &plan);
        json_decref(page);
        in = json_pack("{s:s,s:s,s:I}", "kind", "question", "body",
                       "Pasienten har fått nyoppdaget atrieflimmer. Ønsker dere å se henne "
                       "poliklinisk, eller kan vi starte antikoagulasjon her?",
                       "toOrgId", (json_int_t)ward);
        TRY(hb_care_message_add(s, &c.gp, plan, in, NULL, err));
    }
out:
    json_decref(in);
    hb_arena_free(c.a);
    return rc;
}
