/* Times for people. The daemon speaks unix seconds; lumbarctl shows them in
 * the local time zone (TZ is respected) and reads local times back. Names
 * of days are English whatever the locale: lumbarctl never sets LC_TIME, as
 * systemd's timestamps do not follow it either. */
#include <errno.h>
#include <lumbard/rpc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lumbarctl.h"

void lbctl_clock_full(int64_t t, bool utc, char *buf, size_t len) {
  time_t tt = (time_t)t;
  struct tm tm;
  size_t n = 0;
  if (utc ? gmtime_r(&tt, &tm) != NULL : localtime_r(&tt, &tm) != NULL)
    n = strftime(buf, len, utc ? "%a %Y-%m-%d %H:%M:%S UTC" : "%a %Y-%m-%d %H:%M:%S %Z", &tm);
  if (n == 0) /* a year strftime cannot write, or a buffer too small */
    snprintf(buf, len, "@%lld", (long long)t);
}

/* Days since the epoch of the calendar day tm falls on. */
static int64_t day_number(const struct tm *tm) {
  struct tm noon = {
      .tm_year = tm->tm_year, .tm_mon = tm->tm_mon, .tm_mday = tm->tm_mday, .tm_hour = 12};
  return (int64_t)timegm(&noon) / 86400;
}

void lbctl_clock_short(int64_t t, bool seconds, char *buf, size_t len) {
  time_t tt = (time_t)t, now = time(NULL);
  struct tm tm, today;
  snprintf(buf, len, "??:??");
  if (!localtime_r(&tt, &tm) || !localtime_r(&now, &today))
    return;
  int64_t days = day_number(&tm) - day_number(&today);
  const char *fmt = days == 0                 ? (seconds ? "%H:%M:%S" : "%H:%M")
                    : days >= -6 && days <= 6 ? (seconds ? "%a %H:%M:%S" : "%a %H:%M")
                    : seconds                 ? "%a %Y-%m-%d %H:%M:%S"
                                              : "%a %Y-%m-%d %H:%M";
  strftime(buf, len, fmt, &tm);
}

void lbctl_clock_duration(uint64_t seconds, char *buf, size_t len) {
  /* The daemon's own writing ("1min 30s", as in its "between 1s and 1d"),
   * which its parser reads back: one style whoever writes. */
  lb_duration_format(seconds, buf, len);
}

void lbctl_clock_distance(uint64_t seconds, char *buf, size_t len) {
  /* Precise when it matters, then coarser: "4min 30s", "2h 5min", "1d 6h",
   * "12d". Rounded to the nearest unit shown, so 9 min 59.5 s reads 10min. */
  uint64_t unit = seconds < 300 ? 1 : seconds < 86400 ? 60 : seconds < 7 * 86400 ? 3600 : 86400;
  lbctl_clock_duration((seconds + unit / 2) / unit * unit, buf, len);
}

void lbctl_clock_relative(int64_t seconds, char *buf, size_t len) {
  char d[64];
  if (seconds == 0) {
    snprintf(buf, len, "now");
    return;
  }
  lbctl_clock_distance(seconds > 0 ? (uint64_t)seconds : (uint64_t)-seconds, d, sizeof(d));
  snprintf(buf, len, seconds > 0 ? "in %s" : "%s ago", d);
}

int64_t lbctl_clock_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t lbctl_clock_until(int64_t t) {
  /* Against the precise time, not time(): that is the coarse clock, up to
   * a tick behind, and a second off when a second begins meanwhile. Up to
   * the next whole second, as a countdown reads: the daemon cuts the ms
   * off its times, so "in 5min" snoozed is 299.6 s away, and that is 5min
   * (and 3.6 s ago is 3s ago). */
  int64_t ms = t * 1000 - lbctl_clock_now_ms();
  return ms > 0 ? (ms + 999) / 1000 : -(-ms / 1000);
}

/* ---- reading a time ---------------------------------------------------------- */

/* From min to max digits at *p, as a number; *p moves past them. */
static bool take_digits(const char **p, int min, int max, int *ret) {
  int n = 0, v = 0;
  while (n < max && (*p)[n] >= '0' && (*p)[n] <= '9') {
    v = v * 10 + ((*p)[n] - '0');
    n++;
  }
  if (n < min)
    return false;
  *p += n;
  *ret = v;
  return true;
}

static bool take_char(const char **p, char c) {
  if (**p != c)
    return false;
  (*p)++;
  return true;
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" (or a T between them) into tm; false when the
 * text is not of that form or a field is out of its range. */
static bool read_local(const char *s, struct tm *tm) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  const char *p = s;
  if (!take_digits(&p, 4, 4, &y) || !take_char(&p, '-') || !take_digits(&p, 1, 2, &mo) ||
      !take_char(&p, '-') || !take_digits(&p, 1, 2, &d))
    return false;
  if (take_char(&p, ' ') || take_char(&p, 'T')) {
    if (!take_digits(&p, 1, 2, &h) || !take_char(&p, ':') || !take_digits(&p, 2, 2, &mi))
      return false;
    if (take_char(&p, ':') && !take_digits(&p, 2, 2, &sec))
      return false;
  }
  if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
    return false;
  *tm = (struct tm){.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
  return true;
}

/* The unix time of a local time (the first of one that comes twice), or
 * false when it does not exist (a day that does not, or an hour the clocks
 * skip). */
static bool resolve_local(const struct tm *want, int64_t *ret) {
  /* mktime() with the offset of summer time, then of standard time: a local
   * time that comes twice (the autumn change) is its first; one that does
   * not come at all (the spring change), or a day that does not exist, reads
   * back as another time, and is refused. */
  bool found = false;
  for (int dst = 1; dst >= 0; dst--) {
    struct tm tm = *want, back;
    tm.tm_isdst = dst;
    time_t t = mktime(&tm);
    if (!localtime_r(&t, &back) || back.tm_year != want->tm_year || back.tm_mon != want->tm_mon ||
        back.tm_mday != want->tm_mday || back.tm_hour != want->tm_hour ||
        back.tm_min != want->tm_min || back.tm_sec != want->tm_sec)
      continue;
    if (!found || (int64_t)t < *ret)
      *ret = (int64_t)t;
    found = true;
  }
  return found;
}

static int no_such_time(const char *s, char *err, size_t errlen) {
  snprintf(err, errlen,
           "there is no %s in the local time zone (a day that does not exist, or an hour "
           "the clocks skip)",
           s);
  return -ERANGE;
}

int lbctl_clock_parse(const char *s, int64_t *ret, char *err, size_t errlen) {
  uint64_t u;
  if (lbctl_parse_u64(s + (s[0] == '@'), &u) && u <= INT64_MAX) {
    *ret = (int64_t)u;
    return 0;
  }
  struct tm want;
  if (!read_local(s, &want)) {
    snprintf(err, errlen,
             "'%s' is not a time: give unix seconds (1792281600 or @1792281600) or a local "
             "time, YYYY-MM-DD HH:MM[:SS]",
             s);
    return -EINVAL;
  }
  return resolve_local(&want, ret) ? 0 : no_such_time(s, err, errlen);
}

/* "HH:MM[:SS]" into tm's time of day. */
static bool read_time_of_day(const char *p, struct tm *tm) {
  int h, mi, sec = 0;
  if (!take_digits(&p, 1, 2, &h) || !take_char(&p, ':') || !take_digits(&p, 2, 2, &mi))
    return false;
  if (take_char(&p, ':') && !take_digits(&p, 2, 2, &sec))
    return false;
  if (*p || h > 23 || mi > 59 || sec > 59)
    return false;
  tm->tm_hour = h;
  tm->tm_min = mi;
  tm->tm_sec = sec;
  return true;
}

/* "[today|yesterday] [HH:MM[:SS]]" (not both left out) into a local time. */
static bool read_day_and_time(const char *s, int64_t now, struct tm *ret) {
  int back = 0;
  const char *p = s;
  if (strncmp(p, "today", 5) == 0) {
    p += 5;
  } else if (strncmp(p, "yesterday", 9) == 0) {
    p += 9;
    back = 1;
  } else if (!(*p >= '0' && *p <= '9')) {
    return false;
  }
  time_t t = (time_t)now;
  struct tm tm;
  if (!localtime_r(&t, &tm))
    return false;
  /* The calendar day before: mktime() normalises the 0th of a month. */
  struct tm day = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday - back};
  timegm(&day);
  *ret = (struct tm){.tm_year = day.tm_year, .tm_mon = day.tm_mon, .tm_mday = day.tm_mday};
  if (p == s)
    return read_time_of_day(p, ret);
  if (*p == '\0')
    return true;
  return *p == ' ' && read_time_of_day(p + 1, ret);
}

int lbctl_clock_parse_moment(const char *s, int64_t now, int64_t *ret, char *err, size_t errlen) {
  size_t len = strlen(s);
  if (strcmp(s, "now") == 0) {
    *ret = now;
    return 0;
  }
  if (len > 4 && strcmp(s + len - 4, " ago") == 0) {
    uint64_t back;
    char why[256];
    if (lb_duration_parse(s, len - 4, &back, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "'%s': %s", s, why);
      return -EINVAL;
    }
    if (back > (uint64_t)now) {
      snprintf(err, errlen, "'%s' is before 1970", s);
      return -ERANGE;
    }
    *ret = now - (int64_t)back;
    return 0;
  }
  struct tm want;
  if (read_day_and_time(s, now, &want))
    return resolve_local(&want, ret) ? 0 : no_such_time(s, err, errlen);
  int r = lbctl_clock_parse(s, ret, err, errlen);
  if (r == -EINVAL)
    snprintf(err, errlen,
             "'%s' is not a time: give a local time (\"2026-11-19 21:00\", 21:00, \"yesterday "
             "21:00\", today, yesterday), how long ago (\"2h ago\", \"1h 30min ago\", \"3d "
             "ago\"), now, or unix seconds (1792281600 or @1792281600)",
             s);
  return r;
}

int lbctl_clock_parse_arg(const lbctl_verb *self, const char *name, const char *arg, int64_t *ret) {
  char err[512];
  *ret = 0;
  if (arg && lbctl_clock_parse_moment(arg, (int64_t)time(NULL), ret, err, sizeof(err)) < 0)
    return lbctl_usage_error(self, "%s: %s", name, err);
  return LBCTL_OK;
}

void lbctl_clock_format(int64_t t, const char *fmt, char *buf, size_t len) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm) || strftime(buf, len, fmt, &tm) == 0)
    snprintf(buf, len, "@%lld", (long long)t);
}

/* ---- calendar days --------------------------------------------------------------- */

int64_t lbctl_clock_day(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm))
    return t / 86400;
  return day_number(&tm);
}

int64_t lbctl_clock_day_start(int64_t day) {
  time_t noon = (time_t)(day * 86400 + 43200);
  struct tm tm;
  gmtime_r(&noon, &tm);
  struct tm midnight = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday};
  int64_t t;
  if (resolve_local(&midnight, &t))
    return t;
  /* The clocks skip midnight (some zones change at 00:00): the day starts
   * when they land, at 01:00. */
  midnight.tm_hour = 1;
  return resolve_local(&midnight, &t) ? t : day * 86400;
}

void lbctl_clock_day_format(int64_t day, const char *fmt, char *buf, size_t len) {
  time_t noon = (time_t)(day * 86400 + 43200);
  struct tm tm;
  if (!gmtime_r(&noon, &tm) || strftime(buf, len, fmt, &tm) == 0)
    snprintf(buf, len, "?");
}

void lbctl_clock_countdown(int64_t ms, char *buf, size_t len) {
  long long s = (ms + 999) / 1000;
  if (s >= 3600)
    snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
}
