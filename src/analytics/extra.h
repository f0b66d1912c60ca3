/* analytics: the indicators the engine does not keep (shared care plans as
 * they are now, imported user-experience surveys) and the survey import. */
#ifndef HB_AN_EXTRA_H
#define HB_AN_EXTRA_H

#include "indicator.h"

/* The non-engine indicators for entities ents x periods from the engine's
 * snapshot of plans and surveys (none yet: no values):
 * out[(i * np + p) * hb_nindicators + k] for indicator k (engine indicators'
 * slots are left zero). Plans count for the period that includes today,
 * surveys by the period's year; a cell from 1-4 patients (respondents) is
 * suppressed, and as many more as needed that no hidden cell can be worked
 * out from a helsefellesskap's or the country's total. */
void hb_an_extras(const struct hb_an *an, const int *ents, int n,
                  const struct hb_an_period *periods, int np, struct hb_an_extra *out);

/* Imports survey results from CSV with the columns kommunenummer, år,
 * undersøkelse (fastlege, paris), indikator, verdi (0-100) and antall_svar,
 * inside a write; each result replaces the stored one, and the import gets a
 * change record (rtype SurveyResults) by user_id (0: none). */
int hb_an_survey_import(struct hb_db *db, const char *csv, size_t len, int64_t user_id, int *rows,
                        struct hb_error *err);

#endif
