/* The cells of a workout log: numbers, dates and durations (import_values.h). Hand-written
 * rather than strtod/strptime: those follow LC_NUMERIC and LC_TIME, and the daemon's locale must
 * not change what a file means. */
#include "import_values.h"

#include <errno.h>
#include <string.h>

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Reads 1..max digits at *p into *ret, advancing *p; false when there is none. */
static bool digits(const char **p, int max, int *ret) {
  int v = 0, n = 0;
  while (n < max && is_digit(**p)) {
    v = v * 10 + (**p - '0');
    (*p)++, n++;
  }
  if (n == 0)
    return false;
  *ret = v;
  return true;
}

int train_import__number(const char *s, double *ret) {
  const char *p = s;
  bool neg = false;
  if (*p == '-')
    neg = true, p++;
  uint64_t mant = 0;
  int sig = 0, frac = 0, n_int = 0;
  for (; is_digit(*p); p++, n_int++) {
    if (mant == 0 && *p == '0')
      continue; /* leading zeros are not significant */
    if (++sig > 15)
      return -ERANGE;
    mant = mant * 10 + (uint64_t)(*p - '0');
  }
  if ((*p == '.' || (*p == ',' && !strchr(p + 1, '.') && !strchr(s, '.'))) && is_digit(p[1])) {
    for (p++; is_digit(*p); p++, frac++) {
      if (mant == 0 && *p == '0') {
        continue; /* 0.05: the zeros still scale, below */
      }
      if (++sig > 15)
        return -ERANGE;
      mant = mant * 10 + (uint64_t)(*p - '0');
    }
  } else if (n_int == 0) {
    return -EINVAL;
  }
  if (*p != '\0')
    return -EINVAL;
  /* mant counts the fraction's digits after its leading zeros; scale by all of them. */
  double v = (double)mant;
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (frac > 22)
    return -ERANGE;
  v /= pow10[frac];
  *ret = neg && v != 0 ? -v : v;
  return 0;
}

int train_import__whole(const char *s, uint32_t max, uint32_t *ret) {
  double v;
  int r = train_import__number(s, &v);
  if (r == -ERANGE)
    return -ERANGE;
  if (r < 0 || v < 0 || s[0] == '-')
    return -EINVAL;
  if (v > (double)max)
    return -ERANGE;
  uint32_t w = (uint32_t)v;
  if ((double)w != v)
    return -EINVAL;
  *ret = w;
  return 0;
}

static bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

static bool date_valid(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* "H:MM" or "H:MM:SS", then an optional AM/PM after a space, a U+00A0 or a U+202F. */
static int clock_time(const char *p, train_local_time *t) {
  int h, mi, se = 0;
  if (!digits(&p, 2, &h) || *p++ != ':' || !is_digit(p[0]) || !is_digit(p[1]))
    return -EINVAL;
  mi = (p[0] - '0') * 10 + (p[1] - '0'), p += 2;
  if (*p == ':') {
    p++;
    if (!is_digit(p[0]) || !is_digit(p[1]))
      return -EINVAL;
    se = (p[0] - '0') * 10 + (p[1] - '0'), p += 2;
  }
  int half = 0; /* 1 AM, 2 PM */
  const char *q = p;
  if (*q == ' ')
    q++;
  else if (strncmp(q, "\xc2\xa0", 2) == 0)
    q += 2;
  else if (strncmp(q, "\xe2\x80\xaf", 3) == 0)
    q += 3;
  if (q != p && (lower(q[0]) == 'a' || lower(q[0]) == 'p') && lower(q[1]) == 'm' && !q[2]) {
    half = lower(q[0]) == 'a' ? 1 : 2;
    p = q + 2;
  }
  if (*p)
    return -EINVAL;
  if (half) {
    if (h < 1 || h > 12)
      return -ERANGE;
    h = h % 12 + (half == 2 ? 12 : 0);
  }
  if (h > 23 || mi > 59 || se > 59)
    return -ERANGE;
  t->hour = h, t->minute = mi, t->second = se;
  return 0;
}

int train_import__iso_time(const char *s, bool time_allowed, train_local_time *ret) {
  const char *p = s;
  train_local_time t = {0};
  if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]) || p[4] != '-')
    return -EINVAL;
  t.year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  p += 5;
  if (!is_digit(p[0]) || !is_digit(p[1]) || p[2] != '-' || !is_digit(p[3]) || !is_digit(p[4]))
    return -EINVAL;
  t.month = (p[0] - '0') * 10 + (p[1] - '0');
  t.day = (p[3] - '0') * 10 + (p[4] - '0');
  p += 5;
  if (*p) {
    if (!time_allowed || (*p != ' ' && *p != 'T'))
      return -EINVAL;
    int r = clock_time(p + 1, &t);
    if (r < 0)
      return r;
  }
  if (!date_valid(t.year, t.month, t.day))
    return -ERANGE;
  *ret = t;
  return 0;
}

int train_import__hevy_time(const char *s, train_local_time *ret) {
  static const char *const months[] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
  const char *p = s;
  train_local_time t = {0};
  if (!digits(&p, 2, &t.day) || *p++ != ' ')
    return train_import__iso_time(s, true, ret); /* 2024-01-01 09:30:00 */
  size_t n = 0;
  while (p[n] && p[n] != ' ')
    n++;
  for (int m = 0; m < 12 && !t.month; m++) {
    bool same = n >= 3 && n <= strlen(months[m]);
    for (size_t i = 0; same && i < n; i++)
      same = lower(p[i]) == months[m][i];
    /* "Jan", "January"; "Sep" and "Sept" both, as locales write September */
    if (same && (n == 3 || n == strlen(months[m]) || (m == 8 && n == 4)))
      t.month = m + 1;
  }
  if (!t.month)
    return -EINVAL;
  p += n;
  if (*p++ != ' ' || !digits(&p, 4, &t.year) || *p++ != ',' || *p++ != ' ')
    return -EINVAL;
  int r = clock_time(p, &t);
  if (r < 0)
    return r;
  if (!date_valid(t.year, t.month, t.day))
    return -ERANGE;
  *ret = t;
  return 0;
}

int train_import__clock_seconds(const char *s, uint32_t *ret) {
  const char *p = s;
  int part[3], n = 0;
  for (;;) {
    int max = n == 0 ? 4 : 2; /* hours (or minutes) may be long; the rest are two digits */
    const char *start = p;
    if (!digits(&p, max, &part[n]) || (n > 0 && p - start != 2))
      return -EINVAL;
    n++;
    if (*p != ':')
      break;
    if (n == 3)
      return -EINVAL;
    p++;
  }
  if (*p || n < 2)
    return -EINVAL;
  for (int i = 1; i < n; i++)
    if (part[i] > 59)
      return -ERANGE;
  uint32_t v = n == 3 ? (uint32_t)part[0] * 3600 + (uint32_t)part[1] * 60 + (uint32_t)part[2]
                      : (uint32_t)part[0] * 60 + (uint32_t)part[1];
  *ret = v;
  return 0;
}

int train_import__duration_text(const char *s, uint32_t *ret) {
  static const struct {
    const char *word;
    uint32_t s;
  } units[] = {{"hours", 3600}, {"hour", 3600}, {"hrs", 3600}, {"hr", 3600}, {"h", 3600},
               {"minutes", 60}, {"minute", 60}, {"mins", 60},  {"min", 60},  {"m", 60},
               {"seconds", 1},  {"second", 1},  {"secs", 1},   {"sec", 1},   {"s", 1}};
  const char *p = s;
  uint64_t total = 0;
  int parts = 0;
  while (*p) {
    int v;
    if (!digits(&p, 6, &v))
      return -EINVAL;
    while (*p == ' ')
      p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ' && !is_digit(p[n]))
      n++;
    size_t u = 0;
    while (u < sizeof(units) / sizeof(units[0])) {
      size_t len = strlen(units[u].word);
      bool same = len == n;
      for (size_t i = 0; same && i < n; i++)
        same = lower(p[i]) == units[u].word[i];
      if (same)
        break;
      u++;
    }
    if (u == sizeof(units) / sizeof(units[0]))
      return -EINVAL; /* no unit, or one not known */
    total += (uint64_t)v * units[u].s;
    p += n, parts++;
    while (*p == ' ')
      p++;
  }
  if (parts == 0)
    return -EINVAL;
  if (total > UINT32_MAX)
    return -ERANGE;
  *ret = (uint32_t)total;
  return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t train_import__seconds_between(const train_local_time *a, const train_local_time *b) {
  int64_t da = days_from_civil(a->year, a->month, a->day);
  int64_t db = days_from_civil(b->year, b->month, b->day);
  int64_t sa = a->hour * 3600 + a->minute * 60 + a->second;
  int64_t sb = b->hour * 3600 + b->minute * 60 + b->second;
  return (db - da) * 86400 + (sb - sa);
}
