/* schedule.h — the schedules of the reminders: a systemd calendar event
 * ("Mon,Wed,Fri 17:30"), an interval ("every 45m", optionally within active
 * hours from/to) or a one-off ("in 10m"), parsed, and their elapses. */
#ifndef LUMBARD_PLUGINS_REMINDERS_SCHEDULE_H
#define LUMBARD_PLUGINS_REMINDERS_SCHEDULE_H

#include <lumbard/plugin.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

typedef enum schedule_kind { SCHEDULE_CALENDAR, SCHEDULE_EVERY, SCHEDULE_ONCE } schedule_kind;

typedef struct schedule_spec {
  schedule_kind kind;
  lbu_calendar *cal;    /* SCHEDULE_CALENDAR: its holder frees it */
  uint32_t every_s;     /* EVERY: the interval; ONCE: how long "in ..." waits */
  int from_min, to_min; /* active hours of an interval, minutes after midnight; -1: none */
  int64_t anchor_ms;    /* an interval without hours counts from here; a one-off fires here */
} schedule_spec;

/* Parse a schedule into *ret (kind, cal, every_s, hours, anchor) as of now
 * (unix ms). from/to are HH:MM or NULL. Returns 0, or -EINVAL with err for
 * the client; ret->cal is set only on success. host parses the durations. */
int schedule_parse(const lb_host *host, const char *text, const char *from, const char *to,
                   int64_t now, schedule_spec *ret, char *err, size_t errlen);

/* The first elapse strictly after t (unix ms); 0 when none is left. */
int64_t schedule_next_after(const schedule_spec *s, int64_t t);

/* The first elapse after t of each of n schedules, into ret[i], as
 * schedule_next_after answers: with the calendar events of each time zone
 * computed together, so that each zone's file is read once for them all
 * (lbu_calendar_hold), not once for each. */
void schedule_next_many(const schedule_spec *const *specs, size_t n, int64_t t, int64_t *ret);

/* Keeps glibc's local time in s's zone, when s is a calendar event in a
 * zone of its own, for the elapses of s computed until schedule_release:
 * its zone's file is read once for them all (lbu_calendar_hold). Nothing
 * else that reads local time may run in between. */
void schedule_hold(const schedule_spec *s);
void schedule_release(void);

#endif
