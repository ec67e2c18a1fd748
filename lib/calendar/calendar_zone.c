/* Local time through glibc, with what glibc remembers between calls kept out of the answers (see
 * calendar_zone.h). */
#include "calendar_zone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_civil.h"

/* Points TZ at want (NULL: unset). */
static int tz_set(const char *want) {
  if (want ? setenv("TZ", want, 1) : unsetenv("TZ"))
    return -errno;
  tzset();
  return 0;
}

int lbu_calendar_tz_enter(lbu_calendar_tz_guard *g, const char *name) {
  *g = (lbu_calendar_tz_guard){.names = {tzname[0], tzname[1]}};
  if (name) {
    const char *old = getenv("TZ");
    char *want;
    if (asprintf(&want, ":%s", name) < 0)
      return -ENOMEM;
    if (!old || strcmp(old, want) != 0) {
      if (old && !(g->saved = strdup(old))) {
        free(want);
        return -ENOMEM;
      }
      if (setenv("TZ", want, 1) < 0) {
        int r = -errno;
        free(want);
        free(g->saved);
        g->saved = NULL;
        return r;
      }
      g->switched = true;
    }
    free(want);
  }
  tzset();
  return 0;
}

void lbu_calendar_tz_leave(lbu_calendar_tz_guard *g) {
  if (!g->switched)
    return;
  (void)tz_set(g->saved);
  free(g->saved);
  /* glibc keeps every zone name it made for the life of the process: the old ones still point
   * somewhere valid. */
  tzname[0] = g->names[0];
  tzname[1] = g->names[1];
  *g = (lbu_calendar_tz_guard){0};
}

int lbu_calendar_tz_local_names(char ret[2][LBU_CALENDAR_TZ_NAME_MAX]) {
  /* glibc reads the zone again, names and all, only when TZ changed since its last tzset: so set
   * TZ to a zone that is no file (glibc parses it as a POSIX string), then back. */
  static const char elsewhere[] = "<LBZ>0";
  char *names[2] = {tzname[0], tzname[1]};
  const char *tz = getenv("TZ");
  char *saved = NULL;
  if (tz && !(saved = strdup(tz)))
    return -ENOMEM;
  int r = tz_set(elsewhere);
  if (r == 0)
    r = tz_set(saved);
  for (int i = 0; i < 2; i++) {
    const char *name = r == 0 && tzname[i] ? tzname[i] : "";
    size_t n = strlen(name);
    if (n >= LBU_CALENDAR_TZ_NAME_MAX)
      n = 0;
    memcpy(ret[i], name, n);
    ret[i][n] = '\0';
    tzname[i] = names[i];
  }
  free(saved);
  return r;
}

/* ---- mktime ----
 *
 * glibc's mktime inverts localtime_r by probing. With t0 the requested time read as UTC plus the
 * guess (that is, minus the UTC offset it guesses), it converts t0, and while the converted fields
 * differ from those requested, moves t by the difference and converts again. Moving back and
 * forth between two instants (a time the clocks skip) ends it on the one whose DST flag differs
 * from the one requested; when none was requested, on the later of the two probes unless the one
 * before it was DST and this one is not. After six probes it gives up (EOVERFLOW). A match with
 * the wrong DST flag is moved to the offset of the nearest instant, 601200 s apart in both
 * directions up to half of 457243209 s, that has the right flag, or else by an hour. The guess
 * kept for the next call is the found instant minus the requested time read as UTC, and the
 * seconds asked for outside 0-59 are added back at the end. */

#define PROBES 6
#define DST_STRIDE 601200
#define DST_SPAN 457243209

/* The requested fields, read as UTC: year as tm_year, yday from 0, both linear. */
static int64_t linear_seconds(int64_t year, int64_t yday, int hour, int min, int sec) {
  return (lbu_civil_days(year + 1900, 1, 1 + yday)) * 86400 + (int64_t)hour * 3600 +
         (int64_t)min * 60 + sec;
}

static int64_t tm_seconds(const struct tm *tm) {
  return linear_seconds(tm->tm_year, tm->tm_yday, tm->tm_hour, tm->tm_min, tm->tm_sec);
}

static bool convert(int64_t t, struct tm *tm) {
  time_t x = (time_t)t;
  return localtime_r(&x, tm) != NULL;
}

/* convert, or when t is out of localtime_r's range, the nearest instant that is in it (between
 * 0 and t, by bisection). */
static bool convert_near(int64_t *t, struct tm *tm) {
  if (convert(*t, tm))
    return true;
  if (errno != EOVERFLOW)
    return false;
  int64_t ok = 0, bad = *t;
  struct tm ok_tm;
  bool found = false;
  for (;;) {
    int64_t mid = (ok >> 1) + (bad >> 1) + ((ok | bad) & 1);
    if (mid == ok || mid == bad)
      break;
    if (convert(mid, tm)) {
      ok = mid;
      ok_tm = *tm;
      found = true;
    } else if (errno != EOVERFLOW) {
      return false;
    } else {
      bad = mid;
    }
  }
  if (!found)
    return false;
  *t = ok;
  *tm = ok_tm;
  return true;
}

static bool dst_differs(int a, int b) {
  return a >= 0 && b >= 0 && (a == 0) != (b == 0);
}

int64_t lbu_calendar_tz_mktime(struct tm *tm, long *guess) {
  static const int before_month[2][12] = {
      {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
      {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
  };
  int isdst = tm->tm_isdst;
  int sec_asked = tm->tm_sec;
  int sec = sec_asked < 0 ? 0 : sec_asked > 59 ? 59 : sec_asked;
  int64_t year = (int64_t)tm->tm_year + lbu_civil_div(tm->tm_mon, 12);
  int mon = (int)lbu_civil_mod(tm->tm_mon, 12);
  int64_t yday = before_month[lbu_civil_leap(year + 1900)][mon] + (int64_t)tm->tm_mday - 1;
  int64_t asked = linear_seconds(year, yday, tm->tm_hour, tm->tm_min, sec);
  int negated = (int)-*guess; /* glibc holds it so */
  int64_t t0 = asked - negated;

  struct tm got;
  int64_t t = t0, back2 = t0, back1 = t0;
  bool back1_dst = false;
  for (int probe = 1;; probe++) {
    if (!convert_near(&t, &got))
      return -1;
    int64_t diff = asked - tm_seconds(&got);
    if (diff == 0)
      break;
    bool got_dst = got.tm_isdst != 0;
    if (t == back2 && t != back1 &&
        (got.tm_isdst < 0 || (isdst < 0 ? back1_dst <= got_dst : (isdst != 0) != got_dst)))
      goto found;
    if (probe == PROBES) {
      errno = EOVERFLOW;
      return -1;
    }
    back2 = back1;
    back1 = t;
    back1_dst = got_dst;
    t += diff;
  }

  if (dst_differs(isdst, got.tm_isdst)) {
    int hours = (isdst == 0) - (got.tm_isdst == 0);
    for (int delta = DST_STRIDE; delta < DST_SPAN / 2 + DST_STRIDE; delta += DST_STRIDE) {
      for (int sign = -1; sign <= 1; sign += 2) {
        int64_t near = t + (int64_t)sign * delta;
        struct tm near_tm;
        if (!convert_near(&near, &near_tm))
          return -1;
        if (dst_differs(isdst, near_tm.tm_isdst))
          continue;
        int64_t there = near + asked - tm_seconds(&near_tm);
        if (convert(there, &got)) {
          t = there;
          goto found;
        }
        if (errno != EOVERFLOW)
          return -1;
      }
    }
    t += 3600 * hours;
    if (!convert(t, &got)) {
      errno = EOVERFLOW;
      return -1;
    }
  }

found:
  *guess = (long)(t - t0 - negated);
  if (sec_asked != got.tm_sec) {
    t += (sec == 0 && got.tm_sec == 60) - sec + sec_asked;
    if (!convert(t, &got))
      return -1;
  }
  *tm = got;
  return t;
}
