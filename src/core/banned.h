/* Functions that make unbounded writes or hide parse errors; use hb_buf, snprintf
 * and strtol/strtod with an end check instead (after git's banned.h). */
#ifndef HB_BANNED_H
#define HB_BANNED_H

#define HB_BANNED(func) sorry_##func##_is_banned_in_helsebro

#undef strcpy
#define strcpy(x, y) HB_BANNED(strcpy)
#undef strcat
#define strcat(x, y) HB_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) HB_BANNED(strncpy)
#undef sprintf
#define sprintf(...) HB_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) HB_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) HB_BANNED(strtok)
#undef atoi
#define atoi(x) HB_BANNED(atoi)
#undef atol
#define atol(x) HB_BANNED(atol)
#undef sscanf
#define sscanf(...) HB_BANNED(sscanf)
#undef gets
#define gets(x) HB_BANNED(gets)

#endif
