/* The reminders' schedules (schedule.h): "every …" with its active hours,
 * "in …", and anything else as a systemd calendar event (lib/calendar). */
#include "schedule.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xalloc.h"

/* Up to two digits at *s, moved past; -1 when there is none. */
static int two_digits(const char **s) {
  if (!isdigit((unsigned char)**s))
    return -1;
  int v = *(*s)++ - '0';
  if (isdigit((unsigned char)**s))
    v = v * 10 + (*(*s)++ - '0');
  return v;
}

static bool parse_hhmm(const char *s, int *ret_min) {
  int h = two_digits(&s), m = -1;
  if (*s == ':') {
    s++;
    m = two_digits(&s);
  }
  if (h < 0 || m < 0 || *s != '\0' || h > 24 || m > 59 || (h == 24 && m != 0))
    return false;
  *ret_min = h * 60 + m;
  return true;
}

static const char *skip_word(const char *s, const char *word) {
  size_t n = strlen(word);
  if (strncasecmp(s, word, n) != 0 || !isspace((unsigned char)s[n]))
    return NULL;
  s += n;
  while (isspace((unsigned char)*s))
    s++;
  return s;
}

int schedule_parse(const lb_host *host, const char *text, const char *from, const char *to,
                   int64_t now, schedule_spec *ret, char *err, size_t errlen) {
  const char *rest;
  uint64_t secs;
  char why[256];
  ret->from_min = ret->to_min = -1;
  if ((rest = skip_word(text, "every")) != NULL) {
    if (host->parse_duration(rest, &secs, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "schedule \"%s\": %s", text, why);
      return -EINVAL;
    }
    if (secs == 0 || secs > 7 * 86400) {
      snprintf(err, errlen, "schedule \"%s\": an interval is 1 s to 7 days", text);
      return -EINVAL;
    }
    ret->kind = SCHEDULE_EVERY;
    ret->every_s = (uint32_t)secs;
    ret->anchor_ms = now;
    if (from || to) {
      ret->from_min = 0;
      ret->to_min = 24 * 60;
      if ((from && !parse_hhmm(from, &ret->from_min)) || (to && !parse_hhmm(to, &ret->to_min))) {
        snprintf(err, errlen, "option '%s' must be a time of day such as 09:00",
                 from && !parse_hhmm(from, &ret->from_min) ? "from" : "to");
        return -EINVAL;
      }
      if (ret->to_min <= ret->from_min) {
        snprintf(err, errlen, "option 'to' (%s) must be later in the day than 'from' (%s)",
                 to ? to : "24:00", from ? from : "00:00");
        return -EINVAL;
      }
    }
    return 0;
  }
  if (from || to) {
    snprintf(err, errlen, "options 'from' and 'to' go with \"every …\" schedules");
    return -EINVAL;
  }
  if ((rest = skip_word(text, "in")) != NULL) {
    if (host->parse_duration(rest, &secs, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "schedule \"%s\": %s", text, why);
      return -EINVAL;
    }
    if (secs == 0 || secs > 366 * 86400ull) {
      snprintf(err, errlen, "schedule \"%s\": \"in\" takes 1 s to a year", text);
      return -EINVAL;
    }
    ret->kind = SCHEDULE_ONCE;
    ret->every_s = (uint32_t)secs;
    ret->anchor_ms = now + (int64_t)secs * 1000;
    return 0;
  }
  lbu_calendar *cal;
  if (lbu_calendar_parse(text, &cal, why, sizeof(why)) < 0) {
    snprintf(err, errlen,
             "%s; a schedule is a calendar event (Mon,Wed,Fri 17:30), \"every 45m\" or "
             "\"in 10m\"",
             why);
    return -EINVAL;
  }
  ret->kind = SCHEDULE_CALENDAR;
  ret->cal = cal;
  return 0;
}

/* Unix ms of local time minutes after the midnight of the day `day_ms` is
 * in, plus days; mktime resolves DST. */
static int64_t local_day_time(int64_t day_ms, int add_days, int minutes) {
  time_t t = (time_t)(day_ms / 1000);
  struct tm tm;
  localtime_r(&t, &tm);
  tm.tm_mday += add_days;
  tm.tm_hour = minutes / 60;
  tm.tm_min = minutes % 60;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm) * 1000;
}

/* A calendar elapse falls on a microsecond: rounded up, so that its timer never fires before it
 * (reminders.preview answers the elapses themselves). */
int64_t schedule_next_after(const schedule_spec *s, int64_t t) {
  switch (s->kind) {
  case SCHEDULE_CALENDAR: {
    int64_t us;
    if (lbu_calendar_next(s->cal, t * 1000, &us) < 0)
      return 0;
    return (us + 999) / 1000;
  }
  case SCHEDULE_ONCE:
    return s->anchor_ms > t ? s->anchor_ms : 0;
  case SCHEDULE_EVERY: {
    int64_t step = (int64_t)s->every_s * 1000;
    if (s->from_min < 0) {
      int64_t k = t < s->anchor_ms ? 1 : (t - s->anchor_ms) / step + 1;
      return s->anchor_ms + k * step;
    }
    /* within active hours: on a grid from `from` each day, up to `to` */
    for (int d = 0; d < 8; d++) {
      int64_t lo = local_day_time(t, d, s->from_min), hi = local_day_time(t, d, s->to_min);
      int64_t k = t < lo ? 1 : (t - lo) / step + 1;
      int64_t at = lo + k * step;
      if (at <= hi)
        return at;
    }
    return 0;
  }
  }
  return 0;
}

static const char *zone_of(const schedule_spec *s) {
  return s->kind == SCHEDULE_CALENDAR ? lbu_calendar_timezone(s->cal) : NULL;
}

/* For qsort_r: indexes into the specs, by zone. */
static int cmp_zone(const void *a, const void *b, void *specs) {
  const schedule_spec *const *s = specs;
  return strcmp(zone_of(s[*(const size_t *)a]), zone_of(s[*(const size_t *)b]));
}

void schedule_next_many(const schedule_spec *const *specs, size_t n, int64_t t, int64_t *ret) {
  /* in the local zone first; then those of other zones, a zone at a time */
  size_t *zoned = lbu_xcalloc(n ? n : 1, sizeof(*zoned)), n_zoned = 0;
  for (size_t i = 0; i < n; i++) {
    if (zone_of(specs[i]))
      zoned[n_zoned++] = i;
    else
      ret[i] = schedule_next_after(specs[i], t);
  }
  qsort_r(zoned, n_zoned, sizeof(*zoned), cmp_zone, (void *)specs);
  for (size_t k = 0; k < n_zoned; k++) {
    const schedule_spec *s = specs[zoned[k]];
    if (k == 0 || strcmp(zone_of(s), zone_of(specs[zoned[k - 1]])) != 0)
      schedule_hold(s);
    ret[zoned[k]] = schedule_next_after(s, t);
  }
  lbu_calendar_release();
  free(zoned);
}

void schedule_hold(const schedule_spec *s) {
  if (zone_of(s))
    (void)lbu_calendar_hold(s->cal); /* when it fails, each elapse reads the zone itself */
}

void schedule_release(void) {
  lbu_calendar_release();
}
