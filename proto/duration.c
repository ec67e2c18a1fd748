/* Durations: integer seconds, or "1m30s", "2min", "1.5min", "1h" ... */
#include "lumbard/wire.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_SECONDS (100ull * 365 * 86400) /* nobody rests for a century */

static const struct unit {
  const char *name;
  uint64_t seconds;
} units[] = {
    {"seconds", 1}, {"second", 1}, {"sec", 1},      {"s", 1},        {"minutes", 60},
    {"minute", 60}, {"min", 60},   {"m", 60},       {"hours", 3600}, {"hour", 3600},
    {"hr", 3600},   {"h", 3600},   {"days", 86400}, {"day", 86400},  {"d", 86400},
};

static const char HINT[] = "write it as seconds (90) or with units (90s, 1m30s, 2min, 1.5min, 1h)";

int lb_duration_parse(const char *s, size_t len, uint64_t *ret_seconds, char *err, size_t errlen) {
  size_t i = 0;
  /* Total in thousandths of a second, so "1.5min" adds up exactly. */
  uint64_t total_ms = 0;
  bool any = false;

  while (i < len && isspace((unsigned char)s[i]))
    i++;
  while (i < len) {
    size_t start = i;
    uint64_t whole = 0, frac = 0, frac_div = 1;
    bool digits = false;
    while (i < len && isdigit((unsigned char)s[i])) {
      if (whole > MAX_SECONDS)
        goto too_long;
      whole = whole * 10 + (uint64_t)(s[i++] - '0');
      digits = true;
    }
    if (i < len && s[i] == '.') {
      i++;
      while (i < len && isdigit((unsigned char)s[i])) {
        if (frac_div < 1000000) {
          frac = frac * 10 + (uint64_t)(s[i] - '0');
          frac_div *= 10;
        }
        i++;
        digits = true;
      }
    }
    if (!digits) {
      snprintf(err, errlen, "duration \"%.*s\": expected a number at \"%.*s\"; %s", (int)len, s,
               (int)(len - start), s + start, HINT);
      return -EINVAL;
    }
    while (i < len && isspace((unsigned char)s[i]))
      i++;
    size_t ustart = i;
    while (i < len && isalpha((unsigned char)s[i]))
      i++;
    uint64_t mult = 0;
    if (i == ustart) {
      /* A bare number is seconds, but only as the whole duration ("90"). */
      if (any || i < len) {
        snprintf(err, errlen, "duration \"%.*s\": a number without a unit at \"%.*s\"; %s",
                 (int)len, s, (int)(len - start), s + start, HINT);
        return -EINVAL;
      }
      mult = 1;
    } else {
      for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
        if (strlen(units[u].name) == i - ustart &&
            strncasecmp(units[u].name, s + ustart, i - ustart) == 0)
          mult = units[u].seconds;
      if (!mult) {
        snprintf(err, errlen, "duration \"%.*s\": unknown unit \"%.*s\"; %s", (int)len, s,
                 (int)(i - ustart), s + ustart, HINT);
        return -EINVAL;
      }
    }
    if (whole > MAX_SECONDS / mult)
      goto too_long;
    total_ms += whole * mult * 1000 + frac * mult * 1000 / frac_div;
    if (total_ms > MAX_SECONDS * 1000)
      goto too_long;
    any = true;
    while (i < len && isspace((unsigned char)s[i]))
      i++;
  }
  if (!any) {
    snprintf(err, errlen, "empty duration; %s", HINT);
    return -EINVAL;
  }
  if (total_ms % 1000) {
    snprintf(err, errlen, "duration \"%.*s\" is not a whole number of seconds; %s", (int)len, s,
             HINT);
    return -EINVAL;
  }
  *ret_seconds = total_ms / 1000;
  return 0;

too_long:
  snprintf(err, errlen, "duration \"%.*s\" is too long", (int)len, s);
  return -EINVAL;
}

void lb_duration_format(uint64_t seconds, char *buf, size_t len) {
  uint64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
  size_t off = 0;
  buf[0] = '\0';
#define PART(v, unit)                                                                              \
  if ((v) && off < len)                                                                            \
    off += (size_t)snprintf(buf + off, len - off, "%s%llu%s", off ? " " : "",                      \
                            (unsigned long long)(v), unit);
  PART(d, "d")
  PART(h, "h")
  PART(m, "min")
  PART(s, "s")
#undef PART
  if (off == 0)
    snprintf(buf, len, "0s");
}
