/* JSON numbers exactly as written. jansson turns numbers into doubles, so
 * 37.50 would come back as 37.5; FHIR requires decimals to keep the precision
 * they arrived with. The exact decoder keeps each number's text (as a marked
 * string), and the exact encoder writes it back as a number. */
#ifndef HB_JSON_H
#define HB_JSON_H

#include <jansson.h>

/* Parses like json_loadb, but every number becomes a marked string holding
 * its text. Input strings holding the marker character (U+0001) are refused.
 * NULL with err filled on malformed JSON. New reference. */
json_t *hb_json_loadb_exact(const char *buf, size_t len, size_t flags, json_error_t *err);
/* The text of a number from the exact decoder (or made by hb_json_number_new),
 * NULL for anything else. Borrowed from v. */
const char *hb_json_number(const json_t *v);
/* A marked number with the given text; NULL when text is not a JSON number. */
json_t *hb_json_number_new(const char *text);
/* Whether s is a JSON number (RFC 8259). */
int hb_json_is_number_text(const char *s, size_t len);
/* Like json_dumps, writing marked numbers as numbers. malloc'd; NULL on error. */
char *hb_json_dumps_exact(const json_t *j, size_t flags);

#endif
