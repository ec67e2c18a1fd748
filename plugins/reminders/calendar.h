/* Calendar events as systemd 252 understands them (systemd.time(7), "CALENDAR EVENTS"): the
 * grammar it accepts, the normalized form systemd-analyze prints, and the elapses it computes,
 * down to its handling of DST gaps, repeated hours and month ends.
 *
 * Single-threaded: evaluating an event in a zone other than the local one may set TZ for the
 * duration of the call (and restores it), and zones are read once and cached for the life of the
 * process (calendar_zone.h). */
#ifndef LUMBARD_REMINDERS_CALENDAR_H
#define LUMBARD_REMINDERS_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

typedef struct lb_calendar lb_calendar;

/* Parse a systemd.time(7) calendar event as systemd 252 accepts it. Returns 0 and a new event in
 * *ret (free it with lb_calendar_free), or -EINVAL with err saying what is wrong and pointing at
 * the bad part (e.g. `"Mon 25:00": hour 25 is out of range (0-23)`). err may be NULL.
 *
 * The local zone's own abbreviations ("CET", "CEST" under Europe/Berlin) are taken as systemd
 * takes them, from glibc's tzname: so the result depends on TZ at the time of the call and, for a
 * zone that gave up DST ("+0430" under Asia/Tehran), on whether glibc has converted a recent time
 * since, which rewrites tzname. systemd behaves the same way. */
int lb_calendar_parse(const char *text, lb_calendar **ret, char *err, size_t errlen);

/* As lb_calendar_parse, but a failure returns the errno systemd 252 itself reports for text:
 * -EINVAL, -ERANGE (a number that overflows, a repetition of 0) or -ENOBUFS (more than 241
 * values in one list). For tools that print systemd-analyze's own failure line. */
int lb_calendar_parse_sd(const char *text, lb_calendar **ret, char *err, size_t errlen);

void lb_calendar_free(lb_calendar *c); /* accepts NULL */

/* The first elapse strictly after after_usec (unix microseconds), evaluated in the event's time
 * zone (its UTC / IANA suffix) or else the local zone (TZ / /etc/localtime). 0 and *ret_usec, or
 * -ENOENT when there is none (e.g. a date that never comes again; systemd gives up after 2199),
 * -EDEADLK when systemd's own safety valve would give up (1000 rounds of its search), -EINVAL for
 * an after_usec systemd cannot take (negative, or past 9999-12-30). */
int lb_calendar_next(const lb_calendar *c, int64_t after_usec, int64_t *ret_usec);

/* The IANA zone the event was written with ("Europe/Berlin"), or NULL (UTC or local time). */
const char *lb_calendar_timezone(const lb_calendar *c);

/* The normalized form exactly as systemd-analyze prints "Normalized form:". 0, or -ENOBUFS when it
 * does not fit in len bytes (buf then holds as much as fits, terminated). */
int lb_calendar_format(const lb_calendar *c, char *buf, size_t len);

#endif
