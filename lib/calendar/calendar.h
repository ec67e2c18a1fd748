/* Calendar events as systemd 252 understands them (systemd.time(7), "CALENDAR EVENTS"): the
 * grammar it accepts, the normalized form systemd-analyze prints, and the elapses it computes,
 * down to its handling of DST gaps, repeated hours and month ends.
 *
 * Every answer depends only on the arguments and the local zone (TZ, else /etc/localtime), never
 * on earlier calls, the engine's or anyone's: what glibc remembers between calls (tzname, the
 * offset mktime guesses from) is kept out of it, and the answers are those of `systemd-analyze
 * calendar` run for that one expression (calendar.c says how). Single-threaded: a call may set
 * TZ for its duration (and restores it, and glibc's tzname). */
#ifndef LUMBARD_LIB_CALENDAR_H
#define LUMBARD_LIB_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

typedef struct lbu_calendar lbu_calendar;

/* Parse a systemd.time(7) calendar event as systemd 252 accepts it. Returns 0 and a new event in
 * *ret (free it with lbu_calendar_free), or -EINVAL with err saying what is wrong and pointing at
 * the bad part (e.g. `"Mon 25:00": hour 25 is out of range (0-23)`). err may be NULL.
 *
 * The local zone's own abbreviations ("CET", "CEST" under Europe/Berlin; "+1030", "+11" under
 * Australia/Lord_Howe) are its standard and daylight names as a fresh process's tzset(3) has them:
 * for a zone file, its latest standard and latest daylight names ("+0330" and "+0430" under
 * Asia/Tehran, which gave up DST in 2022; "+01" standard and "+00" daylight under
 * Africa/Casablanca; "MSK" and "MSD" under Europe/Moscow). systemd reads glibc's tzname, which
 * every conversion of a time rewrites with the names around that time, so a long-running systemd
 * (or a later expression in one systemd-analyze run) may take other names; its first expression
 * takes these. */
int lbu_calendar_parse(const char *text, lbu_calendar **ret, char *err, size_t errlen);

/* As lbu_calendar_parse, but a failure returns the errno systemd 252 itself reports for text:
 * -EINVAL, -ERANGE (a number that overflows, a repetition of 0) or -ENOBUFS (more than 241
 * values in one list). For tools that print systemd-analyze's own failure line. */
int lbu_calendar_parse_sd(const char *text, lbu_calendar **ret, char *err, size_t errlen);

void lbu_calendar_free(lbu_calendar *c); /* accepts NULL */

/* The first elapse strictly after after_usec (unix microseconds), evaluated in the event's time
 * zone (its UTC / IANA suffix) or else the local zone (TZ / /etc/localtime): the "Next elapse" of
 * `systemd-analyze calendar --base-time=@AFTER` (when systemd answers one before its base, the
 * first of its iterations after it). 0 and *ret_usec, or -ENOENT when there is none (e.g. a date
 * that never comes again; systemd gives up after 2199), -EDEADLK when systemd's own safety valve
 * would give up (1000 rounds of its search), -EINVAL for an after_usec systemd cannot take
 * (negative, or past 9999-12-30). */
int lbu_calendar_next(const lbu_calendar *c, int64_t after_usec, int64_t *ret_usec);

/* systemd-analyze's --iterations: each search after the first starts from the previous elapse,
 * and, for an event in the local zone, from the offset glibc's mktime found last in the previous
 * search, which decides a local time that comes twice without a change of DST flag (calendar.c).
 * So the N-th lbu_calendar_iterate from lbu_calendar_iter_at(BASE) answers the N-th elapse of
 * `systemd-analyze calendar --base-time=@BASE --iterations=N`, where chaining lbu_calendar_next
 * may answer another pass of such an hour. The fields are the engine's. */
typedef struct lbu_calendar_iter {
  int64_t after_usec; /* the base, then the last elapse */
  long guess;         /* glibc's mktime memory, as a fresh process has it: 0 */
} lbu_calendar_iter;

static inline lbu_calendar_iter lbu_calendar_iter_at(int64_t base_usec) {
  return (lbu_calendar_iter){.after_usec = base_usec, .guess = 0};
}

/* The next elapse after it->after_usec, as lbu_calendar_next answers, and it moved on to it. Errors
 * as lbu_calendar_next's; it is then unchanged. */
int lbu_calendar_iterate(const lbu_calendar *c, lbu_calendar_iter *it, int64_t *ret_usec);

/* Calendar computations batched by time zone. Each lbu_calendar_next or _iterate of an event in a
 * zone of its own makes glibc read that zone's file, then the local zone's again when it is done.
 * lbu_calendar_hold keeps glibc's local time in c's zone until lbu_calendar_release (or the next
 * hold): the computations of events in that zone meanwhile read no file, so a thousand reminders
 * in ten zones cost ten reads, not two thousand. While a hold is kept, everything else that reads
 * local time (localtime_r, mktime) reads the held zone: nothing else may run in between. One hold
 * at a time; 0, or a negative errno (then nothing is held). */
int lbu_calendar_hold(const lbu_calendar *c);
void lbu_calendar_release(void);

/* Parsing checks that a zone's name is a zone file under /usr/share/zoneinfo once per name; this
 * forgets the names checked (a zone's files may have changed: tzdata was upgraded, the local time
 * zone changed), so that each is checked again when next named. */
void lbu_calendar_zones_forget(void);

/* The IANA zone the event was written with ("Europe/Berlin"), or NULL (UTC or local time). */
const char *lbu_calendar_timezone(const lbu_calendar *c);

/* The normalized form exactly as systemd-analyze prints "Normalized form:" (a local zone's name as
 * it was when parsed). 0, or -ENOBUFS when it does not fit in len bytes (buf then holds as much as
 * fits, terminated). */
int lbu_calendar_format(const lbu_calendar *c, char *buf, size_t len);

#endif
