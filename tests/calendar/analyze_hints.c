/* systemd-analyze's hints after a failed calendar parse, with the glibc calls they make. The
 * rules are systemd.time(7)'s for timestamps and timespans, as systemd 252 reads them. */
#include "analyze_hints.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar_zone.h"

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_INFINITY UINT64_MAX
#define FORMATTABLE_MAX UINT64_C(253402214399000000)
#define WHITESPACE " \t\n\r"

static const struct {
  const char *suffix;
  uint64_t usec;
} units[] = {
    {"seconds", USEC_PER_SEC},
    {"second", USEC_PER_SEC},
    {"sec", USEC_PER_SEC},
    {"s", USEC_PER_SEC},
    {"minutes", 60 * USEC_PER_SEC},
    {"minute", 60 * USEC_PER_SEC},
    {"min", 60 * USEC_PER_SEC},
    {"months", 2629800 * USEC_PER_SEC},
    {"month", 2629800 * USEC_PER_SEC},
    {"M", 2629800 * USEC_PER_SEC},
    {"msec", 1000},
    {"ms", 1000},
    {"m", 60 * USEC_PER_SEC},
    {"hours", 3600 * USEC_PER_SEC},
    {"hour", 3600 * USEC_PER_SEC},
    {"hr", 3600 * USEC_PER_SEC},
    {"h", 3600 * USEC_PER_SEC},
    {"days", 86400 * USEC_PER_SEC},
    {"day", 86400 * USEC_PER_SEC},
    {"d", 86400 * USEC_PER_SEC},
    {"weeks", 7 * 86400 * USEC_PER_SEC},
    {"week", 7 * 86400 * USEC_PER_SEC},
    {"w", 7 * 86400 * USEC_PER_SEC},
    {"years", 31557600 * USEC_PER_SEC},
    {"year", 31557600 * USEC_PER_SEC},
    {"y", 31557600 * USEC_PER_SEC},
    {"usec", 1},
    {"us", 1},
    {"\xc2\xb5s", 1},
};

/* Numbers with units ("1h 30min", "2.5d"), seconds when there is none; "infinity". */
static bool parse_span(const char *p, uint64_t *ret) {
  uint64_t total = 0;
  bool something = false;
  p += strspn(p, WHITESPACE);
  if (strncmp(p, "infinity", 8) == 0) {
    p += 8;
    *ret = USEC_INFINITY;
    return p[strspn(p, WHITESPACE)] == '\0';
  }
  for (;;) {
    uint64_t unit = USEC_PER_SEC;
    p += strspn(p, WHITESPACE);
    if (*p == '\0')
      break;
    if (*p == '-')
      return false;
    char *e;
    errno = 0;
    long long l = strtoll(p, &e, 10);
    if (errno > 0 || l < 0)
      return false;
    if (*e == '.')
      p = e + 1 + strspn(e + 1, "0123456789");
    else if (e == p)
      return false;
    else
      p = e;
    const char *s = p + strspn(p, WHITESPACE);
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
      if (strncmp(s, units[i].suffix, strlen(units[i].suffix)) == 0) {
        unit = units[i].usec;
        s += strlen(units[i].suffix);
        break;
      }
    if (s == p && *s != '\0')
      return false; /* "12.34.56" */
    p = s;
    if ((uint64_t)l >= USEC_INFINITY / unit || (uint64_t)l * unit >= USEC_INFINITY - total)
      return false;
    total += (uint64_t)l * unit;
    something = true;
    if (*e == '.') {
      const char *b = e + 1;
      for (uint64_t m = unit / 10; *b >= '0' && *b <= '9'; b++, m /= 10) {
        if ((uint64_t)(*b - '0') * m >= USEC_INFINITY - total)
          return false;
        total += (uint64_t)(*b - '0') * m;
      }
      if (b == e + 1)
        return false;
    }
  }
  *ret = total;
  return something;
}

bool analyze_timespan_valid(const char *t) {
  uint64_t ignored;
  return parse_span(t, &ignored);
}

static bool ends_with_nocase(const char *s, const char *suffix, size_t *ret_at) {
  size_t n = strlen(s), k = strlen(suffix);
  if (k > n || strcasecmp(s + n - k, suffix) != 0)
    return false;
  *ret_at = n - k;
  return true;
}

static bool zone_file(const char *name) {
  if (!*name || *name == '/' ||
      strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789-_+/") != strlen(name) ||
      strstr(name, "//") || name[strlen(name) - 1] == '/')
    return false;
  char path[4200];
  snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat st;
  char magic[4];
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, magic, 4) == 4 &&
            memcmp(magic, "TZif", 4) == 0;
  close(fd);
  return ok;
}

static bool timestamp(const char *text) {
  static const char *const days[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
  char t[4096];
  uint64_t plus = 0, minus = 0, usec = 0, span;
  snprintf(t, sizeof(t), "%s", text);
  if (t[0] == '@')
    return parse_span(t + 1, &span);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t ret = (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
  bool utc = false;
  int dst = -1;
  size_t at;
  if (strcmp(t, "now") == 0)
    goto finish;
  if (t[0] == '+' || t[0] == '-') {
    if (!parse_span(t + 1, t[0] == '+' ? &plus : &minus))
      return false;
    goto finish;
  }
  if (ends_with_nocase(t, " ago", &at) && strcmp(t + at, " ago") == 0) {
    t[at] = '\0';
    if (!parse_span(t, &minus))
      return false;
    goto finish;
  }
  if (ends_with_nocase(t, " left", &at) && strcmp(t + at, " left") == 0) {
    t[at] = '\0';
    if (!parse_span(t, &plus))
      return false;
    goto finish;
  }
  if (ends_with_nocase(t, " UTC", &at)) {
    utc = true;
    t[at] = '\0';
  } else {
    /* The local zone's names as a systemd-analyze that has converted no time yet has them, as the
     * engine takes them (calendar_zone.h). */
    char names[2][LBU_CALENDAR_TZ_NAME_MAX];
    if (lbu_calendar_tz_local_names(names) < 0)
      return false;
    for (int j = 0; j < 2; j++)
      if (names[j][0] && ends_with_nocase(t, names[j], &at) && at > 0 && t[at - 1] == ' ') {
        t[at - 1] = '\0';
        dst = j;
        break;
      }
  }

  time_t x = (time_t)(ret / USEC_PER_SEC);
  struct tm tm, copy;
  if (!(utc ? gmtime_r(&x, &tm) : localtime_r(&x, &tm)))
    return false;
  tm.tm_isdst = dst;
  const char *p = t, *k;
  int weekday = -1;
  static const char *const relative[3] = {"yesterday", "today", "tomorrow"};
  for (int i = 0; i < 3; i++)
    if (strcmp(p, relative[i]) == 0) {
      tm.tm_mday += i - 1;
      tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
      goto from_tm;
    }
  for (int i = 0; i < 7 && weekday < 0; i++)
    for (int full = 1; full >= 0 && weekday < 0; full--) {
      size_t n = full ? strlen(days[i]) : 3;
      if (strncasecmp(p, days[i], n) == 0 && p[n] == ' ') {
        weekday = i;
        p += n + 1;
      }
    }
  copy = tm;
  static const struct {
    const char *format;
    bool fraction, zero_seconds, zero_time;
  } forms[] = {
      {"%y-%m-%d %H:%M:%S", true, false, false}, {"%Y-%m-%d %H:%M:%S", true, false, false},
      {"%y-%m-%d %H:%M", false, true, false},    {"%Y-%m-%d %H:%M", false, true, false},
      {"%y-%m-%d", false, false, true},          {"%Y-%m-%d", false, false, true},
      {"%H:%M:%S", true, false, false},          {"%H:%M", false, true, false},
  };
  for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
    tm = copy;
    k = strptime(p, forms[i].format, &tm);
    if (!k)
      continue;
    if (forms[i].fraction && *k == '.') {
      /* Microseconds: six digits, rounded by the seventh, the rest ignored. */
      k++;
      if (*k < '0' || *k > '9')
        return false;
      for (int d = 0; d < 6; d++)
        usec = usec * 10 + (*k >= '0' && *k <= '9' ? (uint64_t)(*k++ - '0') : 0);
      if (*k >= '5' && *k <= '9')
        usec++;
      k += strspn(k, "0123456789");
      if (*k)
        return false;
      goto from_tm;
    }
    if (*k != '\0')
      continue;
    if (forms[i].zero_seconds)
      tm.tm_sec = 0;
    if (forms[i].zero_time)
      tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
    goto from_tm;
  }
  return false;

from_tm:
  if (weekday >= 0 && tm.tm_wday != weekday)
    return false;
  x = utc ? timegm(&tm) : mktime(&tm);
  if (x < 0)
    return false;
  ret = (uint64_t)x * USEC_PER_SEC + usec;
  if (ret > FORMATTABLE_MAX)
    return false;
finish:
  if (ret + plus < ret || ret + plus > FORMATTABLE_MAX)
    return false;
  return ret + plus >= minus;
}

bool analyze_timestamp_valid(const char *t) {
  /* systemd parses a timestamp that ends in a zone other than UTC in a child process, which
   * leaves this process alone. In 252 as shipped, that parse never succeeds ("systemd-analyze
   * timestamp '2026-12-24 18:00 Europe/Berlin'" fails too). */
  const char *space = strrchr(t, ' ');
  size_t at;
  if (space && zone_file(space + 1) && !ends_with_nocase(t, " UTC", &at))
    return false;
  return timestamp(t);
}
