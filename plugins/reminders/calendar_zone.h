/* Another time zone for a while, private to the calendar engine.
 *
 * systemd computes elapses with mktime(3) and localtime_r(3) in the event's zone; the engine does
 * the same, setting TZ for the length of a computation. */
#ifndef LUMBARD_REMINDERS_CALENDAR_ZONE_H
#define LUMBARD_REMINDERS_CALENDAR_ZONE_H

#include <stdbool.h>

/* While a guard is entered, glibc's local time is the zone name (NULL: the local zone, as TZ is
 * now), through TZ and tzset(3); leaving restores TZ, and tzname as it was: glibc rewrites tzname
 * as it converts times, systemd reads it to recognise the local zone's names, and systemd makes
 * such a visit in a child process that leaves its own tzname alone. Not reentrant, not
 * thread-safe. */
typedef struct lb_calendar_tz_guard {
  char *saved; /* the previous TZ, owned; NULL when unset */
  char *names[2];
  bool switched;
} lb_calendar_tz_guard;

int lb_calendar_tz_enter(lb_calendar_tz_guard *g, const char *name);
void lb_calendar_tz_leave(lb_calendar_tz_guard *g);

#endif
