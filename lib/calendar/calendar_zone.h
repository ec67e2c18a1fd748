/* Local time as glibc has it, private to the calendar engine.
 *
 * systemd computes elapses with mktime(3) and localtime_r(3) in the event's zone; the engine does
 * the same, setting TZ for the length of a computation. Two things glibc keeps between calls
 * would make an answer depend on the calls before it, and the engine holds neither in glibc:
 * tzname, which every conversion rewrites, and the offset mktime guesses from. */
#ifndef LUMBARD_LIB_CALENDAR_ZONE_H
#define LUMBARD_LIB_CALENDAR_ZONE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* While a guard is entered, glibc's local time is the zone name (NULL: the local zone, as TZ is
 * now, its file read again if it changed), through TZ and tzset(3); leaving restores TZ, and
 * tzname as it was, so that the rest of the process sees no change. Not reentrant, not
 * thread-safe. */
typedef struct lbu_calendar_tz_guard {
  char *saved; /* the previous TZ, owned; NULL when unset */
  char *names[2];
  bool switched;
} lbu_calendar_tz_guard;

int lbu_calendar_tz_enter(lbu_calendar_tz_guard *g, const char *name);
void lbu_calendar_tz_leave(lbu_calendar_tz_guard *g);

#define LBU_CALENDAR_TZ_NAME_MAX 64

/* The local zone's standard and daylight names (ret[0], ret[1]) as tzset(3) sets tzname in a
 * process that has converted no time yet: for a zone file, the names of its latest standard and
 * latest daylight types in the order its transitions take them (the standard one twice for a zone
 * without daylight time); for a POSIX TZ string, the names it spells. That is what `systemd-analyze
 * calendar` sees when it parses its first expression. The process's tzname is left as it was (it
 * holds the names around whichever time glibc converted last). A name that does not fit is "".
 * 0, or a negative errno when TZ cannot be set and restored. */
int lbu_calendar_tz_local_names(char ret[2][LBU_CALENDAR_TZ_NAME_MAX]);

/* mktime(3) as glibc 2.36 computes it, probe for probe, in the zone glibc's local time is now,
 * except that the offset it starts guessing from is *guess rather than glibc's own static, and is
 * left there for the next call. glibc's guess is the offset its previous call found (t minus the
 * time asked for, read as UTC), 0 in a fresh process; it alone decides a local time that comes
 * twice with the same DST flag (Moscow's 01:00-02:00 on 2014-10-26) and one skipped without a
 * change of DST flag (Caracas's 02:30-03:00 on 2016-05-01): the first probe, the time asked for
 * minus the guess, falls on one side and the search keeps that side's offset. The instant, or -1
 * with errno set (*tm then unchanged). */
int64_t lbu_calendar_tz_mktime(struct tm *tm, long *guess);

#endif
