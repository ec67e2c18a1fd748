/* mktime_check: the engine's mktime (lbu_calendar_tz_mktime) against glibc's own, in lockstep.
 *
 *   mktime_check [CALLS]
 *
 * glibc's mktime starts each call from the offset its previous call found, 0 in a fresh process;
 * the engine's starts from the guess it is handed. Both start at 0 here, and every call goes to
 * both with the same fields, so the two guesses stay equal only as long as every answer has been
 * the same: a single difference in how a call probes shows up in that call's answer or in a later
 * one. The calls are random local times around the offset changes of zones that resolve repeated
 * and skipped times differently (DST and not, half hours, a day skipped, DST below standard time),
 * with every DST flag, out-of-range fields, and the zone switched now and then, as the engine's
 * search makes them. Exit status 1 at the first difference, with both answers. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar_zone.h"

static const char *const zones[] = {
    ":Europe/Moscow",
    ":America/Caracas",
    ":Pacific/Apia",
    ":Africa/Casablanca",
    ":Australia/Lord_Howe",
    ":Europe/Berlin",
    ":America/New_York",
    ":Asia/Tehran",
    ":Pacific/Chatham",
    ":Europe/Dublin",
    ":UTC",
    "CET-1CEST,M3.5.0,M10.5.0/3",
};
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

/* Instants near which these zones change their offset (UTC). */
static const int64_t changes[] = {
    1414274400, /* Moscow 2014-10-26 02:00 +04 -> 01:00 +03 */
    1301180400, /* Moscow 2011-03-27 02:00 +03 -> 03:00 +04 */
    1197183600, /* Caracas 2007-12-09 03:00 -04 -> 02:30 -0430 */
    1462086000, /* Caracas 2016-05-01 02:30 -0430 -> 03:00 -04 */
    1301752800, /* Apia 2011-04-02, DST ends */
    1325239200, /* Apia 2011-12-30 skipped, DST on both sides */
    1540692000, /* Casablanca 2018-10-28, the DST flag alone */
    1771120800, /* Casablanca 2026-02-15 03:00 +01 -> 02:00 +00 (DST) */
    1774144800, /* Casablanca 2026-03-22 02:00 +00 (DST) -> 03:00 +01 */
    1775314800, /* Lord Howe 2026-04-05 02:00 +11 -> 01:30 +1030 */
    1791041400, /* Lord Howe 2026-10-04 02:00 +1030 -> 02:30 +11 */
    1792890000, /* Europe 2026-10-25 */
    1774746000, /* Europe 2026-03-29 */
    1793512800, /* New York 2026-11-01 */
    1663788600, /* Tehran 2022-09-21, its last change */
    1775311200, /* Chatham 2026-04-05 */
    0,          /* the epoch */
    4102444800, /* 2100 */
};
#define N_CHANGES (sizeof(changes) / sizeof(changes[0]))

static uint64_t state = 0x2545f4914f6cdd1dull;

static uint64_t next(void) {
  state ^= state << 13, state ^= state >> 7, state ^= state << 17;
  return state;
}

static int pick(int n) {
  return (int)(next() % (uint64_t)n);
}

static void show(const char *who, int64_t t, const struct tm *tm) {
  fprintf(stderr, "  %-6s %lld  %04d-%02d-%02d %02d:%02d:%02d isdst=%d gmtoff=%ld\n", who,
          (long long)t, tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
          tm->tm_sec, tm->tm_isdst, tm->tm_gmtoff);
}

/* Every field but the padding between them. */
static bool same(const struct tm *a, const struct tm *b) {
  return a->tm_sec == b->tm_sec && a->tm_min == b->tm_min && a->tm_hour == b->tm_hour &&
         a->tm_mday == b->tm_mday && a->tm_mon == b->tm_mon && a->tm_year == b->tm_year &&
         a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday && a->tm_isdst == b->tm_isdst &&
         a->tm_gmtoff == b->tm_gmtoff && strcmp(a->tm_zone, b->tm_zone) == 0;
}

int main(int argc, char **argv) {
  long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
  long guess = 0;
  const char *zone = zones[0];
  setenv("TZ", zone, 1);
  tzset();
  for (long i = 0; i < calls; i++) {
    if (pick(50) == 0) {
      zone = zones[pick(N_ZONES)];
      setenv("TZ", zone, 1);
      tzset();
    }
    time_t at = (time_t)(changes[pick(N_CHANGES)] + pick(4 * 86400) - 2 * 86400);
    struct tm asked;
    localtime_r(&at, &asked);
    switch (pick(8)) {
    case 0: /* a field past its range, as the search leaves them */
      asked.tm_mday += pick(3) ? 1 : 31 - pick(62);
      break;
    case 1:
      asked.tm_hour += pick(3) - 1 + (pick(2) ? 24 : 0);
      break;
    case 2:
      asked.tm_min += pick(2) ? 60 : -1;
      break;
    case 3:
      asked.tm_mon += pick(3) ? 1 : 12 - pick(25);
      break;
    case 4:
      asked.tm_sec = pick(2) ? 60 : -1;
      break;
    default:
      asked.tm_min = pick(4) * 15;
      break;
    }
    asked.tm_isdst = pick(3) - 1;
    struct tm a = asked, b = asked;
    errno = 0;
    int64_t want = (int64_t)mktime(&a);
    int64_t got = lbu_calendar_tz_mktime(&b, &guess);
    if (want != got || (want != -1 && !same(&a, &b))) {
      fprintf(stderr, "call %ld in TZ=%s: glibc's mktime and the engine's differ\n", i, zone);
      show("asked", -1, &asked);
      show("glibc", want, &a);
      show("engine", got, &b);
      return 1;
    }
  }
  printf("mktime_check: %ld calls, every answer the same as glibc's\n", calls);
  return 0;
}
