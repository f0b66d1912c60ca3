/* analytics: the indicator catalogue (texts are Norwegian: they are shown). */
#include "indicator.h"

#include <string.h>

#include "../core/banned.h"

#define T(x) HB_AN_T_##x
#define F(num, div, den, scale) HB_Q_##num, HB_Q_##den, div, scale
#define HB_Q_C(x) HB_AN_##x
/* clang-format off */
const struct hb_indicator hb_indicators[] = {
    {"kad_beds_per_7000", "KAD", "KAD-senger per 7 000 innbyggere", "senger",
     "Senger i kommunale akutte døgnenheter (KAD/ØHD) per 7 000 innbyggere.",
     "KAD-senger kommunen eier, eller dens andel etter innbyggertall av en interkommunal KAD (nå), × 7 000", "Innbyggere (SSB, perioden eller siste år før)",
     "Enhetsregisteret i Helsebro (org.beds), befolkning", "Minst 1 seng per 7 000 innbyggere",
     2, HB_NORM_AT_LEAST, 1, 0, 0.8, 0, -1, -1, HB_SRC_ENGINE, NULL, NULL,
     F(KAD_BEDS, 1, POP, 7000)},
    {"kad_occupancy", "KAD", "Belegg i KAD", "%",
     "Andel av sengekapasiteten i KAD som var i bruk i perioden.",
     "Liggetid i KAD i perioden (minutter, opphold som krysser månedsskifte deles)",
     "KAD-senger × minutter i perioden", "Opphold (stay)", "Ingen fastsatt norm",
     1, HB_NORM_NONE, 0, 0, 0, 0, T(KAD), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(KAD_BED_MIN), 1, BED_CAPACITY, 100)},
    {"kad_los", "KAD", "Gjennomsnittlig liggetid i KAD", "døgn",
     "Gjennomsnittlig lengde på KAD-opphold avsluttet i perioden.",
     "Samlet lengde på avsluttede KAD-opphold", "Avsluttede KAD-opphold",
     "Opphold (stay)", "Høyst 3 døgn", 1, HB_NORM_AT_MOST, 0, 3, 0, 3.5, T(KAD), T(KAD), HB_SRC_ENGINE, NULL, NULL,
     F(C(KAD_LOS_MIN), 1440, C(KAD_END), 1)},
    {"kad_home_share", "KAD", "Andel KAD-opphold som ender hjemme", "%",
     "Andel avsluttede KAD-opphold der pasienten ble skrevet ut til hjemmet (med eller uten hjemmetjenester).",
     "Avsluttede KAD-opphold med utskrivning hjem", "Avsluttede KAD-opphold",
     "Opphold (stay.discharge_to)", "Om lag 2 av 3 skal hjem (minst 67 %)",
     0, HB_NORM_AT_LEAST, 67, 0, 55, 0, T(KAD), T(KAD), HB_SRC_ENGINE, NULL, NULL,
     F(C(KAD_HOME), 1, C(KAD_END), 100)},
    {"kad_adm80_per_1000", "KAD", "KAD-innleggelser per 1 000 innbyggere 80+", "per 1 000",
     "Innleggelser i KAD av pasienter som var 80 år eller eldre, per 1 000 innbyggere 80 år og eldre.",
     "KAD-innleggelser, pasient 80+ ved innleggelse", "Innbyggere 80 år og eldre",
     "Opphold, pasient (fødselsdato), befolkning", "Ingen fastsatt norm",
     1, HB_NORM_NONE, 0, 0, 0, 0, T(KAD80), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(KAD_ADM80), 1, POP80, 1000)},
    {"sy_los", "Sykestue", "Gjennomsnittlig liggetid i sykestue", "døgn",
     "Gjennomsnittlig lengde på sykestueopphold avsluttet i perioden.",
     "Samlet lengde på avsluttede sykestueopphold", "Avsluttede sykestueopphold",
     "Opphold (stay)", "4–7 døgn", 1, HB_NORM_RANGE, 4, 7, 3, 8, T(SY), T(SY), HB_SRC_ENGINE, NULL, NULL,
     F(C(SY_LOS_MIN), 1440, C(SY_END), 1)},
    {"sy_over14", "Sykestue", "Sykestueopphold over 14 døgn", "opphold",
     "Sykestueopphold avsluttet i perioden som varte mer enn 14 døgn (skal vurderes med spesialist).",
     "Avsluttede sykestueopphold over 14 døgn", "–", "Opphold (stay)",
     "Hvert opphold over 14 døgn vurderes med spesialist", 0, HB_NORM_NONE, 0, 0, 0, 0, T(SY14), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(SY_OVER14), 1, NONE, 1)},
    {"dr_days_per_1000", "Utskrivningsklare", "Utskrivningsklare døgn per 1 000 innbyggere", "per 1 000",
     "Døgn kommunen betaler for utskrivningsklare pasienter, per 1 000 innbyggere.",
     "Betalingsdøgn (på den dagen de gjelder)", "Innbyggere",
     "Utskrivningsklar-saker og meldinger (discharge_case, discharge_event)", "Så lavt som mulig",
     1, HB_NORM_NONE, 0, 0, 0, 0, T(DR), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(DR_DAYS), 1, POP, 1000)},
    {"dr_days_per_1000_67", "Utskrivningsklare", "Utskrivningsklare døgn per 1 000 innbyggere 67+", "per 1 000",
     "Døgn kommunen betaler for utskrivningsklare pasienter, per 1 000 innbyggere 67 år og eldre.",
     "Betalingsdøgn", "Innbyggere 67 år og eldre", "discharge_case, discharge_event, befolkning",
     "Så lavt som mulig", 1, HB_NORM_NONE, 0, 0, 0, 0, T(DR), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(DR_DAYS), 1, POP67, 1000)},
    {"dr_nok", "Utskrivningsklare", "Betalt for utskrivningsklare pasienter", "kr",
     "Kroner kommunen betaler for utskrivningsklare døgn, hvert døgn til årets sats.",
     "Betalingsdøgn × døgnsats (Helsedirektoratet)", "–", "discharge_event, discharge_rate",
     "Så lavt som mulig", 0, HB_NORM_NONE, 0, 0, 0, 0, T(DR), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(DR_NOK), 1, NONE, 1)},
    {"dr_answer_days", "Utskrivningsklare", "Tid fra melding til svar", "døgn",
     "Gjennomsnittlig tid fra melding om utskrivningsklar pasient til kommunens første svar.",
     "Samlet tid fra melding til første svar", "Besvarte meldinger", "discharge_event",
     "Svar samme dag (høyst 1 døgn)", 1, HB_NORM_AT_MOST, 0, 1, 0, 2, T(DR), T(DR), HB_SRC_ENGINE, NULL, NULL,
     F(C(DR_ANSWER_MIN), 1440, C(DR_ANSWERED), 1)},
    {"readmit30", "Sykehus", "Reinnleggelser innen 30 dager", "%",
     "Andel utskrivninger fra sykehus som ble fulgt av en øyeblikkelig hjelp-innleggelse innen 30 dager.",
     "Utskrivninger fulgt av ny ø-hjelpsinnleggelse innen 30 dager",
     "Utskrivninger fra sykehus (levende, ikke overføring)", "Opphold (stay)",
     "Ingen fastsatt norm", 1, HB_NORM_NONE, 0, 0, 0, 0, T(READMIT), T(HOSP), HB_SRC_ENGINE, NULL, NULL,
     F(C(H_READMIT), 1, C(H_INDEX), 100)},
    {"emerg80_per_1000", "Sykehus", "Ø-hjelpsinnleggelser per 1 000 innbyggere 80+", "per 1 000",
     "Øyeblikkelig hjelp-innleggelser i sykehus (fra hjem, fastlege eller legevakt) av pasienter 80+, per 1 000 innbyggere 80+.",
     "Ø-hjelpsinnleggelser, pasient 80+", "Innbyggere 80 år og eldre", "Opphold, befolkning",
     "Ingen fastsatt norm", 1, HB_NORM_NONE, 0, 0, 0, 0, T(EMERG80), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(H_EMERG80), 1, POP80, 1000)},
    {"mon_patient_months", "Hjemmeoppfølging", "Pasientmåneder med hjemmeoppfølging", "pasientmåneder",
     "Pasienter med registrerte vitale målinger, talt én gang per måned de ble fulgt.",
     "Pasienter med målinger i måneden, summert over periodens måneder", "–",
     "Målinger (observation)", "Ingen fastsatt norm", 0, HB_NORM_NONE, 0, 0, 0, 0, T(MON), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(MON_PATIENTS), 1, NONE, 1)},
    {"mon_alerts_per_pm", "Hjemmeoppfølging", "Varsler per pasientmåned", "varsler",
     "Varsler (NEWS2, terskler, manglende målinger) per pasientmåned med oppfølging.",
     "Varsler", "Pasientmåneder", "alert, observation", "Ingen fastsatt norm",
     2, HB_NORM_NONE, 0, 0, 0, 0, T(ALERT), T(MON), HB_SRC_ENGINE, NULL, NULL,
     F(C(MON_ALERTS), 1, C(MON_PATIENTS), 1)},
    {"mon_ack_median", "Hjemmeoppfølging", "Median tid til kvittering", "min",
     "Median tid fra et varsel ble gitt til det ble kvittert, for varsler gitt i perioden.",
     "Minutter fra varsel til kvittering", "Kvitterte varsler", "alert",
     "Innen 15 minutter (første trinn i eskaleringen)", 0, HB_NORM_AT_MOST, 0, 15, 0, 30,
     T(ALERT), T(ALERT), HB_SRC_ENGINE, NULL, NULL,
     F(ACK_MEDIAN, 1, NONE, 1)},
    {"mon_escalated_share", "Hjemmeoppfølging", "Andel varsler eskalert", "%",
     "Andel varsler gitt i perioden som gikk videre i eskaleringsstigen.",
     "Eskalerte varsler", "Varsler", "alert", "Ingen fastsatt norm",
     1, HB_NORM_NONE, 0, 0, 0, 0, T(ALERT), T(ALERT), HB_SRC_ENGINE, NULL, NULL,
     F(C(MON_ESCALATED), 1, C(MON_ALERTS), 100)},
    {"co_held", "Samkonsultasjon", "Samkonsultasjoner gjennomført", "konsultasjoner",
     "Samkonsultasjoner (pasient, fastlege/kommune og spesialist) gjennomført i perioden.",
     "Gjennomførte samkonsultasjoner", "–", "consultation", "Ingen fastsatt norm",
     0, HB_NORM_NONE, 0, 0, 0, 0, T(CO), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(CO_HELD), 1, NONE, 1)},
    {"co_km", "Samkonsultasjon", "Reisevei spart", "km",
     "Kilometer tur–retur mellom pasientens kommune og sykehuset som samkonsultasjonene sparte.",
     "Km spart", "–", "consultation, travel_time", "Ingen fastsatt norm",
     0, HB_NORM_NONE, 0, 0, 0, 0, T(CO), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(CO_KM), 1, NONE, 1)},
    {"co_nok", "Samkonsultasjon", "Reisekostnad spart", "kr",
     "Reisekostnad spart, til satsene i helsebro rates.", "Kroner spart", "–",
     "consultation", "Ingen fastsatt norm", 0, HB_NORM_NONE, 0, 0, 0, 0, T(CO), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(CO_NOK_ORE), 100, NONE, 1)},
    {"co_co2_kg", "Samkonsultasjon", "Utslipp spart", "kg CO₂",
     "Kilo CO₂ spart ved at pasienten ikke reiste.", "Kg CO₂", "–", "consultation",
     "Ingen fastsatt norm", 0, HB_NORM_NONE, 0, 0, 0, 0, T(CO), -1, HB_SRC_ENGINE, NULL, NULL,
     F(C(CO_CO2_G), 1000, NONE, 1)},
    {"plan_priority_share", "Felles plan", "Prioriterte pasienter med felles plan", "%",
     "Andel pasienter i en prioritert gruppe (registrert på et opphold siste 12 måneder) som har en aktiv felles plan. Status nå: vises for perioden som pågår.",
     "Pasienter i prioritert gruppe med aktiv felles plan", "Pasienter i prioritert gruppe siste 12 måneder",
     "stay.priority_group, care_plan", "Alle i prioriterte grupper bør ha felles plan",
     0, HB_NORM_AT_LEAST, 80, 0, 50, 0, -1, -1, HB_SRC_PLANS, NULL, NULL, F(NONE, 1, NONE, 1)},
    {"plan_own_words", "Felles plan", "Planer med mål i pasientens egne ord", "%",
     "Andel aktive felles planer med minst ett mål pasienten selv har uttrykt («Hva er viktig for deg?»). Status nå.",
     "Aktive planer med mål uttrykt av pasienten", "Aktive planer", "care_plan, care_item",
     "Alle planer bør ha pasientens egne mål", 0, HB_NORM_AT_LEAST, 90, 0, 70, 0, -1, -1,
     HB_SRC_PLANS, NULL, NULL, F(NONE, 1, NONE, 1)},
    {"plan_tasks_overdue", "Felles plan", "Forfalte oppgaver i felles planer", "oppgaver",
     "Oppgaver i aktive planer som ikke er utført og har passert fristen. Status nå.",
     "Forfalte oppgaver", "–", "care_item", "Ingen forfalte oppgaver", 0, HB_NORM_AT_MOST, 0, 0,
     0, 5, -1, -1, HB_SRC_PLANS, NULL, NULL, F(NONE, 1, NONE, 1)},
#define GP(code, name, def)                                                                        \
    {"gp_" code, "Brukererfaring", "Fastlegen: " name, "skår 0–100", def,                          \
     "Gjennomsnittlig skår blant dem som svarte", "Antall som svarte",                             \
     "Pasienterfaringer med fastlegen (importert CSV)", "Ingen fastsatt norm", 1, HB_NORM_NONE, 0, \
     0, 0, 0, -1, -1, HB_SRC_SURVEY, "fastlege", code, F(NONE, 1, NONE, 1)},
    GP("fastlegen", "legen", "Pasientenes erfaringer med fastlegen selv.")
    GP("organisering", "organisering og ansatte", "Erfaringer med legekontorets organisering og ansatte.")
    GP("samhandling", "samhandling", "Erfaringer med samhandlingen mellom fastlegen og andre tjenester.")
    GP("mestring", "mestring", "Om kontakten med fastlegen hjelper pasienten å mestre helsen sin.")
    GP("tilgjengelighet", "tilgjengelighet", "Hvor lett det er å komme i kontakt med og få time hos fastlegen.")
    GP("kontinuitet", "kontinuitet", "Om pasienten møter den samme legen over tid.")
#undef GP
#define PARIS(code, name, def)                                                                     \
    {"paris_" code, "Brukererfaring", "PaRIS: " name, "skår 0–100", def,                           \
     "Gjennomsnittlig skår blant dem som svarte", "Antall som svarte",                             \
     "OECD PaRIS (importert CSV)", "Ingen fastsatt norm", 1, HB_NORM_NONE, 0, 0, 0, 0, -1, -1,     \
     HB_SRC_SURVEY, "paris", code, F(NONE, 1, NONE, 1)},
    PARIS("personsentrert", "personsentrert oppfølging", "Hvor godt tjenestene tar utgangspunkt i personen.")
    PARIS("koordinering", "koordinerte tjenester", "Hvor godt tjenestene henger sammen for pasienten.")
    PARIS("tillit", "tillit", "Tillit til helsetjenesten.")
    PARIS("egenmestring", "egenmestring", "Pasientens evne og trygghet til å håndtere egen helse.")
    PARIS("livskvalitet", "helse og livskvalitet", "Pasientens egen vurdering av helse og livskvalitet.")
#undef PARIS
};
/* clang-format on */
#undef T
#undef F
#undef HB_Q_C
const int hb_nindicators = sizeof(hb_indicators) / sizeof(hb_indicators[0]);

const struct hb_indicator *hb_indicator_find(const char *code)
{
    for (int i = 0; code && i < hb_nindicators; i++)
        if (strcmp(hb_indicators[i].code, code) == 0)
            return &hb_indicators[i];
    return NULL;
}

const char *hb_indicator_scoring(const struct hb_indicator *ind)
{
    if (!strcmp(ind->unit, "%"))
        return "proportion";
    if (!strcmp(ind->unit, "per 1 000") || !strcmp(ind->unit, "senger"))
        return "ratio";
    if (!strcmp(ind->unit, "døgn") || !strcmp(ind->unit, "min") || !strcmp(ind->unit, "varsler"))
        return "continuous-variable";
    return "cohort";
}

const char *hb_ind_status_code(enum hb_ind_status s)
{
    return s == HB_STATUS_GREEN   ? "green"
           : s == HB_STATUS_AMBER ? "amber"
           : s == HB_STATUS_RED   ? "red"
                                  : NULL;
}

static enum hb_ind_status status_of(const struct hb_indicator *ind, double x)
{
    switch (ind->norm) {
    case HB_NORM_AT_LEAST:
        return x >= ind->lo         ? HB_STATUS_GREEN
               : x >= ind->amber_lo ? HB_STATUS_AMBER
                                    : HB_STATUS_RED;
    case HB_NORM_AT_MOST:
        return x <= ind->hi         ? HB_STATUS_GREEN
               : x <= ind->amber_hi ? HB_STATUS_AMBER
                                    : HB_STATUS_RED;
    case HB_NORM_RANGE:
        return x >= ind->lo && x <= ind->hi               ? HB_STATUS_GREEN
               : x >= ind->amber_lo && x <= ind->amber_hi ? HB_STATUS_AMBER
                                                          : HB_STATUS_RED;
    case HB_NORM_NONE:
        break;
    }
    return HB_STATUS_NONE;
}

/* A counter of the cell or one of the quantities beside them. */
static double quantity(const struct hb_an_value *v, int q)
{
    switch (q) {
    case HB_Q_KAD_BEDS:
        return v->kad_beds;
    case HB_Q_POP:
        return (double)v->pop;
    case HB_Q_POP67:
        return (double)v->pop67;
    case HB_Q_POP80:
        return (double)v->pop80;
    case HB_Q_BED_CAPACITY:
        return v->kad_beds * (double)v->minutes;
    case HB_Q_ACK_MEDIAN:
        return v->ack_median_min;
    default:
        return q >= 0 && q < HB_AN_NCOUNTER ? (double)v->c[q] : 0;
    }
}

void hb_indicator_eval(const struct hb_indicator *ind, const struct hb_an_value *v,
                       struct hb_ind_result *out)
{
    double num = quantity(v, ind->num) / ind->num_div;
    double den = ind->den == HB_Q_NONE ? -1 : quantity(v, ind->den);
    /* No median without an acknowledged alert: nothing to show. */
    bool has = den != 0 && !(ind->num == HB_Q_ACK_MEDIAN && v->ack_median_min < 0);
    double x = !has ? 0 : den < 0 ? num : num * ind->scale / den;
    *out = (struct hb_ind_result){.has_value = has, .value = x, .num = num, .den = den};
    out->suppressed =
        (ind->tn >= 0 && v->suppressed[ind->tn]) || (ind->td >= 0 && v->suppressed[ind->td]);
    if (has && !out->suppressed)
        out->status = status_of(ind, x);
}

void hb_indicator_result(const struct hb_indicator *ind, const struct hb_an_value *v,
                         const struct hb_an_extra *x, struct hb_ind_result *out)
{
    if (ind->origin == HB_SRC_ENGINE) {
        hb_indicator_eval(ind, v, out);
        return;
    }
    *out = (struct hb_ind_result){.has_value = x->has,
                                  .suppressed = x->suppressed,
                                  .value = x->value,
                                  .num = x->num,
                                  .den = x->den};
    if (x->has && !x->suppressed)
        out->status = status_of(ind, x->value);
}
