/* Calendar events, to the letter of systemd 252 (see calendar.h).
 *
 * systemd's answers are defined by how it computes them, so the search below takes the same
 * steps: fix the year, month, day, hour, minute and second in turn, each to the earliest value its
 * list allows; after every step let mktime(3) normalize the time, and when that moves it (a day
 * past the month's end, an hour a DST change skips) start over from there; give up after 2199, or
 * after 1000 rounds. mktime's normalization is where DST gaps get skipped and repeated hours
 * resolved, so local time is had from glibc's localtime_r and from glibc's mktime, call for call
 * as systemd makes them (only UTC is plain arithmetic, as glibc's timegm is), with one
 * difference: the offset mktime starts guessing from is the engine's own, not glibc's.
 *
 * That guess alone decides a local time that comes twice without a change of DST flag (Moscow's
 * 01:00-02:00 on 2014-10-26, +04 then +03; Caracas's 02:30-03:00 on 2007-12-09) and one skipped
 * without one (Caracas's 02:30-03:00 on 2016-05-01, Apia's 2011-12-30), and glibc keeps it from
 * whichever mktime call the process made last, so the answer would depend on what was asked
 * before. The rule, which is what `systemd-analyze calendar --base-time=@BASE --iterations=N
 * EXPR` prints when it runs alone:
 * - a search starts from the guess of a fresh process, 0: its first mktime, which normalizes the
 *   base's own local time, takes the offset in effect at the instant that has the base's digits
 *   read as UTC (east of UTC the later pass of a repeated hour, west of it the earlier one; the
 *   two passes of a DST change are told apart by the DST flag, whatever the guess);
 * - every mktime after that starts from the offset the one before found (systemd's find_next,
 *   tm_within_bounds, find_end_of_month and matches_weekday call it in turn, and the elapse's own
 *   mktime_or_timegm closes the search);
 * - the next iteration of an event in the local zone starts from where the previous search left
 *   the guess, as systemd's process does; an event with its own zone starts every search from 0,
 *   as systemd computes each one in a child that forks from a process that has made no mktime
 *   call (src/shared/calendarspec.c, calendar_spec_next_usec).
 * The local zone's names are taken the same way: as a fresh process's tzset(3) has them, never
 * from glibc's tzname, which every conversion rewrites (calendar_zone.h). */
#include "calendar.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar_civil.h"
#include "calendar_zone.h"

#define USEC_PER_SEC 1000000
#define MIN_YEAR 1970
#define MAX_YEAR 2199
#define MAX_LIST 241    /* systemd refuses a list's 242nd value */
#define MAX_ROUNDS 1000 /* systemd's safety valve */
#define ALL_WEEKDAYS 127
#define FORMATTABLE_MAX_USEC INT64_C(253402214399000000) /* 9999-12-30 23:59:59 UTC */

/* The components in the order the search fixes them. */
enum { C_YEAR, C_MONTH, C_DAY, C_HOUR, C_MINUTE, C_USEC, C_N };

static const char *const component_name[C_N] = {"year", "month", "day", "hour", "minute", "second"};
static const int component_min[C_N] = {MIN_YEAR, 1, 1, 0, 0, 0};
static const int component_max[C_N] = {MAX_YEAR, 12, 31, 23, 59, 60 * USEC_PER_SEC - 1};

/* One value of a list: start, start..stop, start/repeat or start..stop/repeat. Seconds are in
 * microseconds. A range without a repetition repeats every 1 (every second for seconds). */
typedef struct cal_item {
  int start;
  int stop;   /* -1: no end */
  int repeat; /* 0: start only */
} cal_item;

struct lbu_calendar {
  int weekdays;      /* bit 0 Monday .. bit 6 Sunday; -1 any day */
  bool end_of_month; /* the days count back from the month's end ("~") */
  bool utc;
  int dst;    /* -1; 0 or 1 when the local zone's standard or daylight name was given */
  char *zone; /* an IANA zone, or NULL; points into this allocation */
  char dst_name[LBU_CALENDAR_TZ_NAME_MAX]; /* with dst, the local zone's name for it */
  uint16_t first[C_N], count[C_N];         /* each component's slice of items; count 0 is "*" */
  cal_item items[];
};

/* ---- parsing ---- */

typedef struct pitem {
  cal_item v;
  size_t from, len; /* where it is written; len 0 for an implied value */
} pitem;

typedef struct pchain {
  pitem *v;
  size_t n, cap;
  bool set; /* false: "*" */
} pchain;

typedef struct parser {
  const char *text; /* the whole expression, for messages */
  char *body;       /* text without its time zone */
  const char *p;
  pchain chain[C_N];
  int weekdays;
  bool end_of_month, utc, at_form;
  int dst;
  char *zone;
  char names[2][LBU_CALENDAR_TZ_NAME_MAX]; /* the local zone's, when the text may end in one */
  char *err;
  size_t errlen;
} parser;

static int fail(parser *ps, int sd_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(parser *ps, int sd_errno, const char *fmt, ...) {
  if (ps->err && ps->errlen > 0) {
    /* A long expression is quoted by its start: the message goes on to quote the bad part. */
    size_t len = strlen(ps->text);
    int n = len > 64 ? snprintf(ps->err, ps->errlen, "\"%.60s...\": ", ps->text)
                     : snprintf(ps->err, ps->errlen, "\"%s\": ", ps->text);
    if (n >= 0 && (size_t)n < ps->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return -sd_errno;
}

/* The word at s, for messages: up to the next space (or the spaces themselves), at most 40
 * bytes. */
static int word_len(const char *s) {
  size_t n = strcspn(s, " ");
  if (n == 0)
    n = strlen(s);
  return (int)(n > 40 ? 40 : n);
}

static void chain_reset(pchain *c) {
  free(c->v);
  *c = (pchain){0};
}

static int chain_push(parser *ps, pchain *c, int start, int stop, int repeat, size_t from,
                      size_t len) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 4;
    pitem *v = realloc(c->v, cap * sizeof(*v));
    if (!v)
      return fail(ps, ENOMEM, "out of memory");
    c->v = v;
    c->cap = cap;
  }
  /* The analyser loses track of ps->chain[] across calls and reports the
   * chain's array as leaked; chain_reset frees it (LSan agrees, under the
   * fuzzer and the ASan suite). */
  // NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
  c->v[c->n++] = (pitem){{start, stop, repeat}, from, len};
  c->set = true;
  return 0;
}

/* A value that stands for itself, as the shorthands and omitted parts imply. */
static int chain_const(parser *ps, int component, int value) {
  return chain_push(ps, &ps->chain[component], value, -1, 0, 0, 0);
}

static bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A number as systemd reads one: decimal digits (an unsigned long), for seconds a fraction
 * rounded to microseconds by its seventh digit; no more than INT_MAX in all. */
static int parse_number(parser *ps, const char **pp, bool usec, int *ret) {
  const char *s = *pp, *begin = s;
  if (!isdigit((unsigned char)*s)) {
    if (*s == '\0')
      return fail(ps, EINVAL, "expected a number at the end");
    return fail(ps, EINVAL, "expected a number at \"%.*s\"", word_len(s), s);
  }
  unsigned long long v = 0;
  bool overflow = false;
  for (; isdigit((unsigned char)*s); s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (ULONG_MAX - d) / 10)
      overflow = true;
    else
      v = v * 10 + d;
  }
  if (overflow)
    return fail(ps, ERANGE, "the number \"%.*s\" is too large", (int)(s - begin), begin);
  if (usec) {
    if (v > ULONG_MAX / USEC_PER_SEC)
      return fail(ps, ERANGE, "the number \"%.*s\" is too large", (int)(s - begin), begin);
    v *= USEC_PER_SEC;
    /* One "." is a decimal point, two are a range. */
    if (s[0] == '.' && s[1] != '.') {
      s++;
      if (!isdigit((unsigned char)*s))
        return fail(ps, EINVAL, "expected digits after the decimal point in \"%.*s\"",
                    (int)(s - begin), begin);
      unsigned frac = 0;
      for (int i = 0; i < 6; i++) {
        frac *= 10;
        if (isdigit((unsigned char)*s))
          frac += (unsigned)(*s++ - '0');
        else
          for (; i < 5; i++)
            frac *= 10;
      }
      if (*s >= '5' && *s <= '9')
        frac++;
      while (isdigit((unsigned char)*s))
        s++;
      v += frac;
    }
  }
  if (v > INT_MAX)
    return fail(ps, ERANGE, "the number \"%.*s\" is too large", (int)(s - begin), begin);
  *ret = (int)v;
  *pp = s;
  return 0;
}

/* A comma-separated list of values. */
static int parse_list(parser *ps, const char **pp, bool usec, pchain *c) {
  const char *s = *pp;
  for (int index = 0;; index++) {
    if (index >= MAX_LIST)
      return fail(ps, ENOBUFS, "more than %d values in one list, at \"%.*s\"", MAX_LIST,
                  word_len(s), s);
    const char *begin = s;
    int start = 0, stop = -1, repeat = 0, r;
    if ((r = parse_number(ps, &s, usec, &start)) < 0)
      return r;
    if (s[0] == '.' && s[1] == '.') {
      s += 2;
      if ((r = parse_number(ps, &s, usec, &stop)) < 0)
        return r;
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (*s == '/') {
      s++;
      if ((r = parse_number(ps, &s, usec, &repeat)) < 0)
        return r;
      if (repeat == 0)
        return fail(ps, ERANGE, "the repetition in \"%.*s\" is 0", (int)(s - begin), begin);
    } else {
      if (start > INT_MAX - repeat)
        return fail(ps, ERANGE, "the range \"%.*s\" is too large", (int)(s - begin), begin);
      if (usec && stop >= 0 && start + repeat > stop)
        return fail(ps, EINVAL,
                    "the seconds range \"%.*s\" is shorter than its step of 1s; add one, "
                    "as in \"%.*s/0.5\"",
                    (int)(s - begin), begin, (int)(s - begin), begin);
    }
    if (*s != '\0' && !strchr(" ,-~:", *s))
      return fail(ps, EINVAL, "unexpected \"%c\" after \"%.*s\"", *s, (int)(s - begin), begin);
    if ((r = chain_push(ps, c, start, stop, repeat, (size_t)(begin - ps->body),
                        (size_t)(s - begin))) < 0)
      return r;
    if (*s != ',')
      break;
    s++;
  }
  *pp = s;
  return 0;
}

/* "*" or a list. "*" for seconds is 0/1, every whole second. */
static int parse_chain(parser *ps, const char **pp, bool usec, pchain *c) {
  if (**pp == '*') {
    size_t at = (size_t)(*pp - ps->body);
    (*pp)++;
    return usec ? chain_push(ps, c, 0, -1, USEC_PER_SEC, at, 1) : 0;
  }
  return parse_list(ps, pp, usec, c);
}

static const struct {
  const char *name;
  int day; /* 0 = Monday */
} weekday_names[] = {
    {"Monday", 0},   {"Mon", 0},      {"Tuesday", 1}, {"Tue", 1},    {"Wednesday", 2},
    {"Wed", 2},      {"Thursday", 3}, {"Thu", 3},     {"Friday", 4}, {"Fri", 4},
    {"Saturday", 5}, {"Sat", 5},      {"Sunday", 6},  {"Sun", 6},
};

/* Leading weekday names: "Mon", "Mon,Wed..Fri", "Sat-Sun " (a "-" range is an old spelling). */
static int parse_weekdays(parser *ps) {
  const char *s = ps->p;
  int range_from = -1;
  const char *range_at = NULL;
  for (bool first = true;; first = false) {
    size_t i, n = sizeof(weekday_names) / sizeof(weekday_names[0]);
    for (i = 0; i < n; i++)
      if (strncasecmp(s, weekday_names[i].name, strlen(weekday_names[i].name)) == 0)
        break;
    if (i == n) {
      if (first)
        return 0; /* no weekdays: a date or time follows */
      return fail(ps, EINVAL, "expected a weekday at \"%.*s\"", word_len(s), s);
    }
    const char *name = s;
    int day = weekday_names[i].day;
    s += strlen(weekday_names[i].name);
    if (*s != '\0' && !strchr("-., ", *s)) {
      size_t w = 0;
      while (ascii_alnum(name[w]))
        w++;
      return fail(ps, EINVAL, "\"%.*s\" is not a weekday (Mon..Sun or Monday..Sunday)", (int)w,
                  name);
    }
    ps->weekdays |= 1 << day;
    if (range_from >= 0) {
      if (range_from > day)
        return fail(ps, EINVAL, "the weekday range \"%.*s\" runs backwards (Mon..Sun)",
                    (int)(s - range_at), range_at);
      for (int d = range_from + 1; d < day; d++)
        ps->weekdays |= 1 << d;
    }
    if (*s == '\0')
      break;
    if (*s == ' ')
      break;
    if (*s == '.' || *s == '-') {
      if (range_from >= 0)
        return fail(ps, EINVAL, "the weekday range \"%.*s\" cannot go on with \"%.2s\"",
                    (int)(s - range_at), range_at, s);
      if (*s == '.' && s[1] != '.')
        return fail(ps, EINVAL, "expected \"..\" after \"%.*s\"", (int)(s - name), name);
      range_from = day;
      range_at = name;
      s += *s == '.' ? 2 : 1;
    } else if (*s == ',') {
      range_from = -1;
      s++;
    }
    /* A trailing comma is fine, an open range is not. */
    if (*s == '\0' || *s == ' ') {
      if (range_from >= 0)
        return fail(ps, EINVAL, "the weekday range \"%.*s\" has no end", (int)(s - range_at),
                    range_at);
      break;
    }
  }
  ps->p = s + strspn(s, " ");
  return 0;
}

/* "@seconds": a single UTC time, and nothing may follow it. */
static int parse_at(parser *ps, const char *s) {
  const char *num = s + 1;
  char *end;
  errno = 0;
  unsigned long v = strtoul(num, &end, 10);
  if (errno == ERANGE)
    return fail(ps, ERANGE, "the timestamp \"%.*s\" is too large", (int)(end - s), s);
  if (end == num)
    return fail(ps, EINVAL, "expected seconds since 1970 after \"@\"");
  /* As gmtime_r would break it down: a year that does not fit struct tm is out of range. */
  int64_t t = (int64_t)v, y;
  int mon, mday;
  int64_t days = lbu_civil_div(t, 86400), secs = t - days * 86400;
  lbu_civil_date(days, &y, &mon, &mday);
  if (y - 1900 < INT_MIN || y > INT_MAX)
    return fail(ps, ERANGE, "the timestamp \"%.*s\" is out of range", (int)(end - s), s);
  int r;
  if ((r = chain_const(ps, C_YEAR, (int)y)) < 0 || (r = chain_const(ps, C_MONTH, mon)) < 0 ||
      (r = chain_const(ps, C_DAY, mday)) < 0 ||
      (r = chain_const(ps, C_HOUR, (int)(secs / 3600))) < 0 ||
      (r = chain_const(ps, C_MINUTE, (int)(secs / 60 % 60))) < 0 ||
      (r = chain_const(ps, C_USEC, (int)(secs % 60) * USEC_PER_SEC)) < 0)
    return r;
  for (int i = 0; i < C_N; i++) {
    ps->chain[i].v[0].from = (size_t)(s - ps->body);
    ps->chain[i].v[0].len = (size_t)(end - s);
  }
  ps->utc = true;
  ps->at_form = true;
  ps->p = end;
  return 1;
}

/* [[year-]month-]day: "*-*-01", "2026-12-24", "*-02~1" ("~": days from the month's end). Returns
 * 1 after "@seconds", which stands for date and time. */
static int parse_date(parser *ps) {
  const char *s = ps->p;
  pchain part[3] = {{0}};
  int r = 0;
  if (*s == '\0')
    return 0;
  if (*s == '@')
    return parse_at(ps, s);
  int n = 0;
  for (;; n++) {
    if ((r = parse_chain(ps, &s, false, &part[n])) < 0)
      goto out;
    /* A ":" after the first part: that was an hour, the date was left out. */
    if (n == 0 && (*s == '\0' || *s == ':'))
      goto out;
    if (n > 0 && (*s == '\0' || *s == ' '))
      break;
    if (n == 2 || (n == 1 && ps->end_of_month)) {
      r = ps->end_of_month && *s != '\0' && *s != ' ' && n == 1
              ? fail(ps, EINVAL, "\"~\" may only stand between month and day, as in \"*-02~1\"")
              : fail(ps, EINVAL, "unexpected \"%.*s\" after the date", word_len(s), s);
      goto out;
    }
    if (*s == '~')
      ps->end_of_month = true;
    else if (*s != '-') {
      r = fail(ps, EINVAL, "unexpected \"%.*s\" in the date", word_len(s), s);
      goto out;
    }
    s++;
  }
  /* Two parts are month and day, three year, month and day. */
  for (int i = 0; i <= n; i++) {
    ps->chain[C_DAY - n + i] = part[i];
    part[i] = (pchain){0};
  }
  ps->p = s + strspn(s, " ");
out:
  for (int i = 0; i < 3; i++)
    chain_reset(&part[i]);
  return r;
}

/* hour:minute[:second], all of it implied as 00:00:00 when left out. */
static int parse_time(parser *ps) {
  const char *s = ps->p;
  int r;
  if (*s == '\0') {
    if ((r = chain_const(ps, C_HOUR, 0)) < 0 || (r = chain_const(ps, C_MINUTE, 0)) < 0)
      return r;
    return chain_const(ps, C_USEC, 0);
  }
  if ((r = parse_chain(ps, &s, false, &ps->chain[C_HOUR])) < 0)
    return r;
  if (*s != ':')
    return *s ? fail(ps, EINVAL, "expected \":\" after the hour at \"%.*s\"", word_len(s), s)
              : fail(ps, EINVAL, "expected \":\" and minutes after the hour");
  s++;
  if ((r = parse_chain(ps, &s, false, &ps->chain[C_MINUTE])) < 0)
    return r;
  if (*s == '\0') {
    ps->p = s;
    return chain_const(ps, C_USEC, 0);
  }
  if (*s != ':')
    return fail(ps, EINVAL, "unexpected \"%.*s\" after the minutes", word_len(s), s);
  s++;
  if ((r = parse_chain(ps, &s, true, &ps->chain[C_USEC])) < 0)
    return r;
  if (*s != '\0')
    return fail(ps, EINVAL, "unexpected \"%.*s\" after the seconds", word_len(s), s);
  ps->p = s;
  return 0;
}

static const struct {
  const char *name;
  int from; /* the first component the shorthand fixes; everything below is 0 or 1 */
  int months[4];
  bool weekly;
} shorthands[] = {
    {"minutely", C_USEC, {0}, false},
    {"hourly", C_MINUTE, {0}, false},
    {"daily", C_HOUR, {0}, false},
    {"monthly", C_DAY, {0}, false},
    {"weekly", C_HOUR, {0}, true},
    {"yearly", C_MONTH, {1}, false},
    {"annually", C_MONTH, {1}, false},
    {"anually", C_MONTH, {1}, false}, /* sic, systemd still takes it */
    {"quarterly", C_MONTH, {1, 4, 7, 10}, false},
    {"semiannually", C_MONTH, {1, 7}, false},
    {"semi-annually", C_MONTH, {1, 7}, false},
    {"biannually", C_MONTH, {1, 7}, false},
    {"bi-annually", C_MONTH, {1, 7}, false},
};

static int parse_shorthand(parser *ps, bool *ret_found) {
  *ret_found = false;
  for (size_t i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++) {
    if (strcasecmp(ps->body, shorthands[i].name) != 0)
      continue;
    int r;
    for (int c = shorthands[i].from; c < C_N; c++) {
      if (c == C_MONTH) {
        for (int k = 0; k < 4 && shorthands[i].months[k]; k++)
          if ((r = chain_const(ps, C_MONTH, shorthands[i].months[k])) < 0)
            return r;
        continue;
      }
      if ((r = chain_const(ps, c, c == C_DAY ? 1 : 0)) < 0)
        return r;
    }
    if (shorthands[i].weekly)
      ps->weekdays = 1;
    *ret_found = true;
    return 0;
  }
  return 0;
}

/* The zone names found to be zone files, each read once (until lbu_calendar_zones_forget): a
 * thousand reminders in one zone open its file once. */
static void *zones_seen;

static int cmp_name(const void *a, const void *b) {
  return strcmp(a, b);
}

/* A zone systemd takes after the last space: a name of letters, digits and "-_+/" that is a TZif
 * file under /usr/share/zoneinfo. */
static bool zone_name_valid(const char *name) {
  if (*name == '\0' || *name == '/')
    return false;
  bool slash = false;
  size_t n = 0;
  for (const char *p = name; *p; p++, n++) {
    if (!ascii_alnum(*p) && !strchr("-_+/", *p))
      return false;
    if (*p == '/' && slash)
      return false;
    slash = *p == '/';
  }
  if (slash || n >= PATH_MAX)
    return false;
  if (tfind(name, &zones_seen, cmp_name))
    return true;
  char *path;
  if (asprintf(&path, "/usr/share/zoneinfo/%s", name) < 0)
    return false;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  free(path);
  if (fd < 0)
    return false;
  struct stat st;
  char magic[4];
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read(fd, magic, 4) == 4 &&
            memcmp(magic, "TZif", 4) == 0;
  close(fd);
  char *copy;
  if (ok && (copy = strdup(name)) && !tsearch(copy, &zones_seen, cmp_name))
    free(copy);
  return ok;
}

void lbu_calendar_zones_forget(void) {
  tdestroy(zones_seen, free);
  zones_seen = NULL;
}

/* The hold (lbu_calendar_hold): glibc's local time kept in one event's zone. */
static lbu_calendar_tz_guard held;
static bool holding;

int lbu_calendar_hold(const lbu_calendar *c) {
  lbu_calendar_release();
  if (c->utc)
    return 0;
  int r = lbu_calendar_tz_enter(&held, c->zone);
  holding = r == 0;
  return r;
}

void lbu_calendar_release(void) {
  if (holding)
    lbu_calendar_tz_leave(&held);
  holding = false;
}

/* Split off a time zone: " UTC" (any case), the local zone's standard or daylight name (as a
 * fresh process's tzset(3) has them, see calendar_zone.h), or an IANA name after the last
 * space. */
static int parse_zone(parser *ps) {
  const char *t = ps->text;
  size_t len = strlen(t), body = len;
  if (len >= 4 && strcasecmp(t + len - 4, " UTC") == 0) {
    ps->utc = true;
    body = len - 4;
  } else {
    int j = 2;
    size_t at = 0;
    const char *space = strrchr(t, ' ');
    /* A name is the word after the last space, and of letters, digits, '+' and '-' (glibc takes
     * no other into a name from TZ, and zic warns of any other in a zone file): reading the
     * names costs a read of the zone file, only when the text may end in one. */
    if (space && space[1] &&
        strspn(space + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789+-") == strlen(space + 1)) {
      int r = lbu_calendar_tz_local_names(ps->names);
      if (r < 0)
        return fail(ps, -r, "the local time zone's names cannot be read: %s", strerror(-r));
      for (j = 0; j < 2; j++) {
        const char *name = ps->names[j];
        size_t n = strlen(name);
        if (n == 0 || n > len)
          continue;
        at = len - n;
        if (strcasecmp(t + at, name) == 0 && at > 0 && t[at - 1] == ' ')
          break;
      }
    }
    if (j < 2) {
      ps->dst = j;
      body = at - 1;
    } else if (space && zone_name_valid(space + 1)) {
      if (!(ps->zone = strdup(space + 1)))
        return fail(ps, ENOMEM, "out of memory");
      body = (size_t)(space - t);
    }
  }
  if (!(ps->body = strndup(t, body)))
    return fail(ps, ENOMEM, "out of memory");
  return 0;
}

static int item_cmp(const void *a, const void *b) {
  const cal_item *x = &((const pitem *)a)->v, *y = &((const pitem *)b)->v;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->stop != y->stop)
    return x->stop < y->stop ? -1 : 1;
  return x->repeat < y->repeat ? -1 : x->repeat > y->repeat;
}

/* systemd's normal form of a list: a range ends on its last repetition, a range that cannot
 * repeat is a single value, values are sorted and each is kept once. */
static void chain_normalize(pchain *c) {
  for (size_t i = 0; i < c->n; i++) {
    cal_item *v = &c->v[i].v;
    if (v->stop > v->start && v->repeat > 0)
      v->stop -= (v->stop - v->start) % v->repeat;
    if ((v->stop > v->start && v->repeat > 0 && v->start + v->repeat > v->stop) ||
        v->start == v->stop) {
      v->repeat = 0;
      v->stop = -1;
    }
  }
  if (c->n <= 1)
    return;
  qsort(c->v, c->n, sizeof(c->v[0]), item_cmp);
  size_t out = 1;
  for (size_t i = 1; i < c->n; i++)
    if (item_cmp(&c->v[i], &c->v[out - 1]) != 0)
      c->v[out++] = c->v[i];
  c->n = out;
} // NOLINT(clang-analyzer-unix.Malloc): as in chain_push, a false report

static void value_str(int component, int v, char *buf, size_t len) {
  if (component == C_USEC && v % USEC_PER_SEC)
    snprintf(buf, len, "%d.%06d", v / USEC_PER_SEC, v % USEC_PER_SEC);
  else
    snprintf(buf, len, "%d", component == C_USEC ? v / USEC_PER_SEC : v);
}

/* systemd's bounds, checked on the normalized lists; the message quotes the value as written.
 * Days counted from the month's end may be at most 28, and, as systemd 252 takes 3 off its bound
 * once more for each further value of such a list, 25 for the second value, 22 for the third... */
static int chain_check(parser *ps, int component) {
  const pchain *c = &ps->chain[component];
  bool eom = component == C_DAY && ps->end_of_month;
  int lo = component_min[component], hi = component_max[component];
  const char *name = component_name[component];
  char a[32], b[32], range[160];
  for (size_t i = 0; i < c->n; i++) {
    const cal_item *v = &c->v[i].v;
    int wl = (int)c->v[i].len;
    const char *w = ps->body + c->v[i].from;
    if (eom)
      hi -= 3;
    value_str(component, lo, a, sizeof(a));
    value_str(component, component == C_USEC ? 59 * USEC_PER_SEC : hi, b, sizeof(b));
    snprintf(range, sizeof(range), "%s%s-%s%s", eom ? "~" : "", a, b,
             eom && i > 0 ? " for a further value counted from the month's end" : "");
    if (ps->at_form && (v->start < lo || v->start > hi))
      return fail(ps, EINVAL, "the timestamp \"%.*s\" lies outside the years %d-%d", wl, w,
                  MIN_YEAR, MAX_YEAR);
    if (v->start < lo || v->start > hi) {
      /* Quote the value as written when it was written otherwise ("013", "25..26"). */
      value_str(component, v->start, a, sizeof(a));
      bool quote = wl > 0 && ((size_t)wl != strlen(a) || strncmp(w, a, (size_t)wl) != 0);
      return fail(ps, EINVAL, "%s %s%s is out of range (%s)%s%.*s%s", name, eom ? "~" : "", a,
                  range, quote ? ", in \"" : "", quote ? wl : 0, w, quote ? "\"" : "");
    }
    if (v->repeat > hi - lo)
      return fail(ps, EINVAL, "the repetition in %s \"%.*s\" is larger than the whole range (%s)",
                  name, wl, w, range);
    if (v->stop >= 0) {
      if (v->stop < lo || v->stop > hi) {
        value_str(component, v->stop, a, sizeof(a));
        return fail(ps, EINVAL, "%s %s%s is out of range (%s), in \"%.*s\"", name, eom ? "~" : "",
                    a, range, wl, w);
      }
      if (v->start + v->repeat > v->stop)
        return fail(ps, EINVAL, "the %s range \"%.*s\" runs backwards", name, wl, w);
    } else if (eom ? v->start - v->repeat < lo : v->start + v->repeat > hi) {
      return fail(ps, EINVAL, "the %s \"%.*s\" never repeats within %s", name, wl, w, range);
    }
  }
  return 0;
}

/* Years written with two digits: 00-69 are 2000-2069, 70-99 are 1970-1999. */
static void fix_year(pchain *c) {
  for (size_t i = 0; i < c->n; i++) {
    int *p[2] = {&c->v[i].v.start, &c->v[i].v.stop};
    for (int k = 0; k < 2; k++)
      if (*p[k] >= 0 && *p[k] < 100)
        *p[k] += *p[k] < 70 ? 2000 : 1900;
  }
}

static int parse_all(parser *ps) {
  int r;
  if ((r = parse_zone(ps)) < 0)
    return r;
  if (ps->body[0] == '\0')
    return fail(ps, EINVAL, ps->text[0] ? "nothing before the time zone" : "empty schedule");
  bool found;
  if ((r = parse_shorthand(ps, &found)) < 0)
    return r;
  if (!found) {
    ps->p = ps->body;
    if ((r = parse_weekdays(ps)) < 0 || (r = parse_date(ps)) < 0)
      return r;
    if (r == 0 && (r = parse_time(ps)) < 0)
      return r;
    if (*ps->p != '\0')
      return fail(ps, EINVAL, "unexpected \"%.40s\" after the timestamp", ps->p);
  }

  if (ps->zone && strcmp(ps->zone, "UTC") == 0) {
    ps->utc = true;
    free(ps->zone);
    ps->zone = NULL;
  }
  if (ps->weekdays <= 0 || ps->weekdays >= ALL_WEEKDAYS)
    ps->weekdays = -1;
  if (ps->end_of_month && !ps->chain[C_DAY].set)
    ps->end_of_month = false;
  fix_year(&ps->chain[C_YEAR]);
  for (int i = 0; i < C_N; i++)
    chain_normalize(&ps->chain[i]);
  for (int i = 0; i < C_N; i++)
    if ((r = chain_check(ps, i)) < 0)
      return r;
  return 0;
}

int lbu_calendar_parse_sd(const char *text, lbu_calendar **ret, char *err, size_t errlen) {
  parser ps = {.text = text ? text : "", .dst = -1, .err = err, .errlen = errlen};
  lbu_calendar *c = NULL;
  if (err && errlen)
    err[0] = '\0';
  int r = parse_all(&ps);
  /* systemd splits off the zone at one space only: "daily  UTC" leaves "daily ", which reads as
   * nothing it knows. Say so rather than what the parse tripped on. */
  size_t blen = ps.body ? strlen(ps.body) : 0;
  if (r == -EINVAL && blen > 0 && blen < strlen(ps.text) && ps.body[blen - 1] == ' ')
    fail(&ps, EINVAL, "more than one space before the time zone \"%s\"",
         ps.text + blen + strspn(ps.text + blen, " "));
  if (r == 0) {
    size_t n = 0;
    for (int i = 0; i < C_N; i++)
      n += ps.chain[i].n;
    size_t zlen = ps.zone ? strlen(ps.zone) + 1 : 0;
    c = malloc(sizeof(*c) + n * sizeof(cal_item) + zlen);
    if (!c) {
      r = fail(&ps, ENOMEM, "out of memory");
    } else {
      *c = (lbu_calendar){
          .weekdays = ps.weekdays, .end_of_month = ps.end_of_month, .utc = ps.utc, .dst = ps.dst};
      if (ps.dst == 0 || ps.dst == 1)
        memcpy(c->dst_name, ps.names[ps.dst], sizeof(c->dst_name));
      size_t k = 0;
      for (int i = 0; i < C_N; i++) {
        c->first[i] = (uint16_t)k;
        c->count[i] = (uint16_t)ps.chain[i].n;
        for (size_t j = 0; j < ps.chain[i].n; j++)
          c->items[k++] = ps.chain[i].v[j].v;
      }
      if (ps.zone) {
        c->zone = (char *)&c->items[n];
        memcpy(c->zone, ps.zone, zlen);
      }
    }
  }
  for (int i = 0; i < C_N; i++)
    chain_reset(&ps.chain[i]);
  free(ps.body);
  free(ps.zone);
  if (r < 0)
    return r;
  *ret = c;
  return 0;
}

int lbu_calendar_parse(const char *text, lbu_calendar **ret, char *err, size_t errlen) {
  int r = lbu_calendar_parse_sd(text, ret, err, errlen);
  return r < 0 ? -EINVAL : 0;
}

void lbu_calendar_free(lbu_calendar *c) {
  free(c);
}

/* ---- the normalized form ---- */

typedef struct out {
  char *buf;
  size_t len, pos; /* pos counts on past len, to tell a truncation */
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = o->pos < o->len ? o->len - o->pos : 0;
  int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0)
    o->pos += (size_t)n;
}

static void format_weekdays(out *o, int bits) {
  static const char *const names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  bool comma = false;
  for (int d = 0; d < 7;) {
    if (!(bits & (1 << d))) {
      d++;
      continue;
    }
    int end = d;
    while (end + 1 < 7 && bits & (1 << (end + 1)))
      end++;
    /* Three days or more are a range, two a pair. */
    put(o, "%s%s", comma ? "," : "", names[d]);
    if (end > d)
      put(o, "%s%s", end > d + 1 ? ".." : ",", names[end]);
    comma = true;
    d = end + 1;
  }
}

static void format_chain(out *o, const lbu_calendar *c, int component, int width) {
  const cal_item *v = &c->items[c->first[component]];
  int n = c->count[component];
  bool usec = component == C_USEC;
  int unit = usec ? USEC_PER_SEC : 1;
  bool star = n == 0;
  for (int i = 0; usec && i < n; i++)
    star = star || (v[i].start == 0 && v[i].stop < 0 && v[i].repeat == USEC_PER_SEC);
  if (star) {
    put(o, "*");
    return;
  }
  for (int i = 0; i < n; i++) {
    put(o, "%s%0*d", i ? "," : "", width, v[i].start / unit);
    if (v[i].start % unit > 0)
      put(o, ".%06d", v[i].start % unit);
    if (v[i].stop > 0)
      put(o, "..%0*d", width, v[i].stop / unit);
    if (v[i].stop % unit > 0)
      put(o, ".%06d", v[i].stop % unit);
    if (v[i].repeat > 0 && !(v[i].stop > 0 && v[i].repeat == unit))
      put(o, "/%d", v[i].repeat / unit);
    if (v[i].repeat % unit > 0)
      put(o, ".%06d", v[i].repeat % unit);
  }
}

int lbu_calendar_format(const lbu_calendar *c, char *buf, size_t len) {
  out o = {buf, len, 0};
  if (len)
    buf[0] = '\0';
  if (c->weekdays > 0 && c->weekdays <= ALL_WEEKDAYS) {
    format_weekdays(&o, c->weekdays);
    put(&o, " ");
  }
  format_chain(&o, c, C_YEAR, 4);
  put(&o, "-");
  format_chain(&o, c, C_MONTH, 2);
  put(&o, c->end_of_month ? "~" : "-");
  format_chain(&o, c, C_DAY, 2);
  put(&o, " ");
  format_chain(&o, c, C_HOUR, 2);
  put(&o, ":");
  format_chain(&o, c, C_MINUTE, 2);
  put(&o, ":");
  format_chain(&o, c, C_USEC, 2);
  if (c->utc) {
    put(&o, " UTC");
  } else if (c->zone) {
    put(&o, " %s", c->zone);
  } else if (c->dst_name[0]) {
    /* systemd prints tzname[dst], as it was when the text was parsed. */
    put(&o, " %s", c->dst_name);
  }
  return o.pos < len ? 0 : -ENOBUFS;
}

/* ---- the search ---- */

/* How local time is had: glibc's localtime_r and its mktime's steps in the zone TZ names now, as
 * systemd has it, with the offset mktime guesses from (see the top of this file); or, for UTC,
 * plain arithmetic (off and dst stay 0). */
typedef struct cal_clock {
  bool glibc;
  int32_t off;
  bool dst;
  long guess;
} cal_clock;

static void breakdown(int64_t local, const cal_clock *k, struct tm *tm) {
  int64_t days = lbu_civil_div(local, 86400), secs = local - days * 86400, y;
  int m, d;
  lbu_civil_date(days, &y, &m, &d);
  tm->tm_year = (int)(y - 1900);
  tm->tm_mon = m - 1;
  tm->tm_mday = d;
  tm->tm_hour = (int)(secs / 3600);
  tm->tm_min = (int)(secs / 60 % 60);
  tm->tm_sec = (int)(secs % 60);
  tm->tm_wday = lbu_civil_weekday(days);
  tm->tm_yday = 0; /* read by nobody here */
  tm->tm_isdst = k->dst;
  tm->tm_gmtoff = k->off;
}

/* The local time *tm names, in seconds counted as if it were UTC, its fields normalized. */
static int64_t tm_local(const struct tm *tm) {
  int64_t y = (int64_t)tm->tm_year + 1900;
  int m = tm->tm_mon + 1;
  if (tm->tm_mon < 0 || tm->tm_mon >= 12) {
    y += lbu_civil_div(tm->tm_mon, 12);
    m = (int)lbu_civil_mod(tm->tm_mon, 12) + 1;
  }
  return (lbu_civil_days(y, m, 1) + tm->tm_mday - 1) * 86400 + (int64_t)tm->tm_hour * 3600 +
         (int64_t)tm->tm_min * 60 + tm->tm_sec;
}

/* mktime(3): normalize *tm and return its instant; a negative instant counts as a failure to the
 * callers, as it does to systemd. */
static int64_t clock_mktime(cal_clock *k, struct tm *tm) {
  if (k->glibc)
    return lbu_calendar_tz_mktime(tm, &k->guess);
  int64_t local = tm_local(tm); /* UTC */
  breakdown(local, k, tm);
  return local - k->off;
}

/* Whether plain arithmetic (UTC) would leave *tm as mktime does: a proper date and time. */
static bool clock_keeps(cal_clock *k, const struct tm *tm) {
  return !k->glibc && tm->tm_mon >= 0 && tm->tm_mon < 12 && tm->tm_mday >= 1 &&
         tm->tm_mday <= lbu_civil_month_days((int64_t)tm->tm_year + 1900, tm->tm_mon + 1) &&
         tm->tm_hour >= 0 && tm->tm_hour < 24 && tm->tm_min >= 0 && tm->tm_min < 60 &&
         tm->tm_sec >= 0 && tm->tm_sec < 60;
}

static void clock_localtime(cal_clock *k, int64_t t, struct tm *tm) {
  if (k->glibc) {
    time_t tt = (time_t)t;
    localtime_r(&tt, tm);
    return;
  }
  breakdown(t + k->off, k, tm); /* UTC */
}

static int tm_get(const struct tm *tm, int usec, int component) {
  switch (component) {
  case C_YEAR:
    return tm->tm_year + 1900;
  case C_MONTH:
    return tm->tm_mon + 1;
  case C_DAY:
    return tm->tm_mday;
  case C_HOUR:
    return tm->tm_hour;
  case C_MINUTE:
    return tm->tm_min;
  default:
    return tm->tm_sec * USEC_PER_SEC + usec;
  }
}

static void tm_set(struct tm *tm, int *usec, int component, int v) {
  switch (component) {
  case C_YEAR:
    tm->tm_year = v - 1900;
    break;
  case C_MONTH:
    tm->tm_mon = v - 1;
    break;
  case C_DAY:
    tm->tm_mday = v;
    break;
  case C_HOUR:
    tm->tm_hour = v;
    break;
  case C_MINUTE:
    tm->tm_min = v;
    break;
  default:
    tm->tm_sec = v / USEC_PER_SEC;
    *usec = v % USEC_PER_SEC;
  }
}

/* Set component and everything finer to its first value. */
static void tm_restart(struct tm *tm, int *usec, int component) {
  switch (component) {
  case C_MONTH:
    tm->tm_mon = 0;
    /* fall through */
  case C_DAY:
    tm->tm_mday = 1;
    /* fall through */
  case C_HOUR:
    tm->tm_hour = 0;
    /* fall through */
  case C_MINUTE:
    tm->tm_min = 0;
    /* fall through */
  case C_USEC:
    tm->tm_sec = 0;
    *usec = 0;
    break;
  default:
    break;
  }
}

/* Nothing left for component in this unit: on to the next year, month, day, hour or minute. */
static void tm_carry(struct tm *tm, int *usec, int component) {
  switch (component) {
  case C_MONTH:
    tm->tm_year++;
    break;
  case C_DAY:
    tm->tm_mon++;
    break;
  case C_HOUR:
    tm->tm_mday++;
    break;
  case C_MINUTE:
    tm->tm_hour++;
    break;
  default:
    tm->tm_min++;
    break;
  }
  tm_restart(tm, usec, component);
}

/* The day of tm's month that is day-th from its end (1: the last), by mktime's normalization of
 * day 1 - day of the next month; -1 when that leaves the month. */
static int month_end_day(cal_clock *k, const struct tm *tm, int day) {
  struct tm t = *tm;
  t.tm_mon++;
  t.tm_mday = 1 - day;
  if (clock_mktime(k, &t) < 0 || t.tm_mon != tm->tm_mon)
    return -1;
  return t.tm_mday;
}

/* The earliest value of component's list at or after *val: 1 when that moved *val, 0 when *val
 * itself matches, -ENOENT when nothing is left. An open repetition runs past the unit's end (minute
 * 0/45 gives 90), which the normalization after it turns into the next unit. */
static int next_value(const lbu_calendar *c, int component, cal_clock *k, const struct tm *tm,
                      int *val) {
  const cal_item *v = &c->items[c->first[component]];
  int n = c->count[component];
  if (n == 0)
    return 0;
  bool from_end = c->end_of_month && component == C_DAY;
  bool found = false;
  int best = 0;
  for (int i = 0; i < n; i++) {
    int start = v[i].start, stop = v[i].stop, cand;
    if (from_end) {
      start = month_end_day(k, tm, v[i].start);
      stop = month_end_day(k, tm, v[i].stop);
      if (stop > 0) {
        int x = start;
        start = stop;
        stop = x;
      }
    }
    if (start >= *val)
      cand = start;
    else if (v[i].repeat > 0) {
      cand = start + v[i].repeat * ((*val - start + v[i].repeat - 1) / v[i].repeat);
      if (stop >= 0 && cand > stop)
        continue;
    } else
      continue;
    if (!found || cand < best) {
      best = cand;
      found = true;
    }
  }
  if (!found)
    return -ENOENT;
  int moved = *val != best;
  *val = best;
  return moved;
}

/* Let mktime normalize *tm: 1 when it was a proper time already; 0 when normalizing moved it
 * forward (*tm is then the normalized time, with the field below the first one that changed
 * restarted, as systemd does); -EDEADLK when it moved backward; other negative values when
 * mktime fails or the year is past 2199. */
static int normalize(cal_clock *k, struct tm *tm) {
  if (tm->tm_year + 1900 > MAX_YEAR)
    return -ERANGE;
  if (clock_keeps(k, tm))
    return 1;
  struct tm t = *tm;
  if (clock_mktime(k, &t) < 0)
    return -EOVERFLOW;
  int cmp;
  if ((cmp = (t.tm_year > tm->tm_year) - (t.tm_year < tm->tm_year)) != 0)
    t.tm_mon = 0;
  else if ((cmp = (t.tm_mon > tm->tm_mon) - (t.tm_mon < tm->tm_mon)) != 0)
    t.tm_mday = 1;
  else if ((cmp = (t.tm_mday > tm->tm_mday) - (t.tm_mday < tm->tm_mday)) != 0)
    t.tm_hour = 0;
  else if ((cmp = (t.tm_hour > tm->tm_hour) - (t.tm_hour < tm->tm_hour)) != 0)
    t.tm_min = 0;
  else if ((cmp = (t.tm_min > tm->tm_min) - (t.tm_min < tm->tm_min)) != 0)
    t.tm_sec = 0;
  else
    cmp = (t.tm_sec > tm->tm_sec) - (t.tm_sec < tm->tm_sec);
  if (cmp < 0)
    return -EDEADLK;
  if (cmp > 0)
    *tm = t;
  return cmp == 0;
}

static bool weekday_matches(const lbu_calendar *c, cal_clock *k, const struct tm *tm) {
  if (c->weekdays < 0)
    return true;
  struct tm t = *tm;
  if (clock_keeps(k, tm))
    t.tm_wday =
        lbu_civil_weekday(lbu_civil_days((int64_t)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday));
  else if (clock_mktime(k, &t) < 0)
    return false;
  return c->weekdays & (1 << (t.tm_wday == 0 ? 6 : t.tm_wday - 1));
}

static int tm_cmp(const struct tm *a, int a_usec, const struct tm *b, int b_usec) {
  const int x[7] = {a->tm_year, a->tm_mon, a->tm_mday, a->tm_hour, a->tm_min, a->tm_sec, a_usec};
  const int y[7] = {b->tm_year, b->tm_mon, b->tm_mday, b->tm_hour, b->tm_min, b->tm_sec, b_usec};
  for (int i = 0; i < 7; i++)
    if (x[i] != y[i])
      return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* The earliest time at or after *tm (plus *usec) that the event matches.
 *
 * One step of systemd 252 is in none of its published sources, only in its binaries: a match that
 * lies before the starting time (mktime took a time in a DST gap backward) moves on by an hour,
 * and from then on the search keeps the DST flag mktime found instead of asking for the event's. */
static int search(const lbu_calendar *c, cal_clock *k, struct tm *tm, int *usec) {
  struct tm t = *tm;
  int us = *usec;
  bool keep_dst = false;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    if (!clock_keeps(k, &t))
      (void)clock_mktime(k, &t);
    if (!keep_dst)
      t.tm_isdst = c->dst;
    int component;
    for (component = C_YEAR; component < C_N; component++) {
      int v = tm_get(&t, us, component);
      int r = next_value(c, component, k, &t, &v);
      if (r >= 0)
        tm_set(&t, &us, component, v);
      if (r > 0)
        tm_restart(&t, &us, component + 1);
      if (component == C_YEAR) {
        if (r < 0 || normalize(k, &t) <= 0)
          return -ENOENT;
        continue;
      }
      if (r >= 0)
        r = normalize(k, &t);
      if (r < 0) {
        tm_carry(&t, &us, component);
        break;
      }
      if (r == 0)
        break; /* normalizing moved the time: start over from there */
      if (component == C_DAY && !weekday_matches(c, k, &t)) {
        tm_carry(&t, &us, C_HOUR);
        break;
      }
    }
    if (component < C_N)
      continue;
    if (tm_cmp(&t, us, tm, *usec) < 0) {
      t.tm_hour++;
      keep_dst = true;
      continue;
    }
    *tm = t;
    *usec = us;
    return 0;
  }
  return -EDEADLK;
}

/* One search from just after `after`. */
static int search_from(const lbu_calendar *c, cal_clock *k, int64_t after, int64_t *ret) {
  int64_t from = after + 1;
  struct tm tm;
  clock_localtime(k, from / USEC_PER_SEC, &tm);
  int usec = (int)(from % USEC_PER_SEC);
  int r = search(c, k, &tm, &usec);
  int64_t t = r < 0 ? -1 : clock_mktime(k, &tm);
  if (r < 0)
    return r;
  if (t < 0)
    return -EINVAL;
  *ret = t * USEC_PER_SEC + usec;
  return 0;
}

/* An event that names the zone's daylight time ("... CEST", "... +1345"), searched from the hour
 * repeated when the clocks go back, matches that hour's first pass, before the start; systemd 252
 * answers so too. So does a search that starts in the second pass of a time repeated without a
 * change of DST flag west of UTC, whose first normalization takes the first pass (Caracas, 02:40
 * -0430 on 2007-12-09: 02:41 -04). An elapse must come after the time it was asked from (a
 * reminder would otherwise fire again and again), so then: the elapses that follow that one, as
 * systemd's iterations do, up to the first after the start; when they do not get there soon
 * (systemd may go round the first pass for ever: *:*:59.999999 from 02:59:59.999999 -04 goes
 * back to 02:30:59.999999 -04), a search that takes the start at its own instant, as a systemd
 * whose mktime last found the start's offset would (in the second pass, then); and as a last
 * resort, a search from an hour on, past the repeat. */
#define MAX_CHAIN 4
#define MAX_JUMPS 3

/* Where systemd's next search starts from: an event with its own zone is searched in a child
 * process that forks from one whose guess a lone systemd-analyze never moves. */
static void clock_next_search(const lbu_calendar *c, cal_clock *k) {
  if (c->zone)
    k->guess = 0;
}

/* The guess mktime is left with when it has found the instant t. */
static void clock_guess_at(cal_clock *k, int64_t t) {
  struct tm tm;
  clock_localtime(k, t, &tm);
  k->guess = -tm.tm_gmtoff;
}

static int next_on(const lbu_calendar *c, cal_clock *k, int64_t after, int64_t *ret) {
  int64_t t;
  int r = search_from(c, k, after, &t);
  for (int i = 0; r == 0 && t <= after && i < MAX_CHAIN; i++) {
    int64_t prev = t;
    clock_next_search(c, k);
    r = search_from(c, k, prev, &t);
    if (r == 0 && t <= prev)
      break; /* systemd went back again: it would go round for ever */
  }
  if (r == 0 && t <= after && k->glibc) {
    clock_guess_at(k, (after + 1) / USEC_PER_SEC);
    r = search_from(c, k, after, &t);
  }
  for (int i = 1; r == 0 && t <= after && i <= MAX_JUMPS; i++) {
    clock_next_search(c, k);
    r = search_from(c, k, after + (int64_t)i * 3600 * USEC_PER_SEC, &t);
  }
  if (r < 0)
    return r;
  if (t <= after)
    return -EDEADLK;
  *ret = t;
  return 0;
}

int lbu_calendar_iterate(const lbu_calendar *c, lbu_calendar_iter *it, int64_t *ret_usec) {
  if (it->after_usec < 0 || it->after_usec > FORMATTABLE_MAX_USEC)
    return -EINVAL;
  int64_t next;
  cal_clock k = {.glibc = !c->utc, .guess = it->guess};
  clock_next_search(c, &k);
  lbu_calendar_tz_guard g;
  int r = 0;
  /* UTC needs no zone: glibc's timegm is plain arithmetic too. */
  if (!c->utc && (r = lbu_calendar_tz_enter(&g, c->zone)) < 0)
    return r;
  r = next_on(c, &k, it->after_usec, &next);
  if (!c->utc)
    lbu_calendar_tz_leave(&g);
  if (r < 0)
    return r;
  *it = (lbu_calendar_iter){.after_usec = next, .guess = k.guess};
  *ret_usec = next;
  return 0;
}

int lbu_calendar_next(const lbu_calendar *c, int64_t after_usec, int64_t *ret_usec) {
  lbu_calendar_iter it = lbu_calendar_iter_at(after_usec);
  return lbu_calendar_iterate(c, &it, ret_usec);
}

const char *lbu_calendar_timezone(const lbu_calendar *c) {
  return c->zone;
}
