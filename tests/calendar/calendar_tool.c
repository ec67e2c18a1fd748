/* calendar_tool: systemd-analyze calendar, on lumbard's calendar engine.
 *
 *   calendar_tool [--base-time=@SECONDS[.FRACTION]] [--iterations=N] [--explain] EXPR...
 *   calendar_tool --requests [--explain] < REQUESTS
 *
 * For each expression it prints what `systemd-analyze calendar` (systemd 252) prints when it runs
 * for that one expression, minus the "From now:" lines: "Original form:" (when it differs from the
 * normalized one), "Normalized form:", "Next elapse:", "(in UTC):" (unless the local zone is UTC)
 * and "Iter. #N:", right-aligned as systemd's table; a blank line between expressions; and on
 * stderr systemd's own failure line with its hints (analyze_hints.h). A systemd-analyze given
 * several expressions may answer a later one otherwise (glibc's tzname and mktime remember the
 * earlier ones); the engine never does.
 * --explain adds lumbard's reason for a failure on the line after it. Exit status 1 when any
 * expression failed, as systemd-analyze's.
 *
 * --requests reads one request a line, "BASE<TAB>ITERATIONS<TAB>EXPR" (BASE as --base-time takes
 * it, without the "@"), all in this one process, and prints for each its table and then its
 * stderr lines prefixed "stderr: ", then a line "--". */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "analyze_hints.h"
#include "calendar.h"

static void usage(void) {
  fprintf(stderr, "usage: calendar_tool [--base-time=@SECONDS] [--iterations=N] [--explain] "
                  "EXPR...\n       calendar_tool --requests [--explain] < REQUESTS\n");
  exit(2);
}

/* As systemd formats a timestamp: English weekday, then the zone's abbreviation, or "UTC". */
static void format_time(int64_t usec, bool utc, char *buf, size_t len) {
  static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  time_t t = (time_t)(usec / 1000000);
  struct tm tm;
  if (utc)
    gmtime_r(&t, &tm);
  else
    localtime_r(&t, &tm);
  int n = snprintf(buf, len, "%s %04d-%02d-%02d %02d:%02d:%02d", days[tm.tm_wday],
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (utc)
    snprintf(buf + n, len - (size_t)n, " UTC");
  else if (tm.tm_zone && tm.tm_zone[0])
    snprintf(buf + n, len - (size_t)n, " %s", tm.tm_zone);
}

/* As systemd-analyze asks it, when it has converted no time yet: glibc's timezone and daylight
 * change as it converts times in some zones (America/Danmarkshavn). */
static bool in_utc_timezone(void) {
  static int utc = -1;
  if (utc < 0) {
    tzset();
    utc = timezone == 0 && daylight == 0;
  }
  return utc;
}

static bool parse_base(const char *s, int64_t *ret) {
  if (*s++ != '@')
    return false;
  char *end;
  errno = 0;
  long long sec = strtoll(s, &end, 10);
  if (errno || end == s || sec < 0)
    return false;
  int64_t usec = 0, scale = 100000;
  if (*end == '.')
    for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
      usec += (*end - '0') * scale;
  if (*end)
    return false;
  *ret = (int64_t)sec * 1000000 + usec;
  return true;
}

/* The rows of systemd's table for one expression, printed only once every elapse is known. */
typedef struct table {
  struct row {
    char field[32];
    char *value;
  } * rows;
  size_t n, cap;
} table;

static int table_add(table *t, const char *field, const char *value) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 8;
    struct row *rows = realloc(t->rows, cap * sizeof(*rows));
    if (!rows)
      return -ENOMEM;
    t->rows = rows;
    t->cap = cap;
  }
  snprintf(t->rows[t->n].field, sizeof(t->rows[t->n].field), "%s", field);
  if (!(t->rows[t->n].value = strdup(value)))
    return -ENOMEM;
  t->n++;
  return 0;
}

/* systemd's table pads a value to its column's width and then trims the line, so a value
 * narrower than the widest loses its trailing spaces, and the widest keeps them. ("From now:"
 * values, not shown, are always narrower than the timestamps next to them.) */
static void table_print(const table *t) {
  size_t width = 0;
  for (size_t k = 0; k < t->n; k++)
    width = strlen(t->rows[k].value) > width ? strlen(t->rows[k].value) : width;
  for (size_t k = 0; k < t->n; k++) {
    char *v = t->rows[k].value;
    size_t len = strlen(v);
    if (len < width)
      while (len > 0 && v[len - 1] == ' ')
        v[--len] = '\0';
    printf("%15s: %s\n", t->rows[k].field, v);
  }
}

static void table_free(table *t) {
  for (size_t k = 0; k < t->n; k++)
    free(t->rows[k].value);
  free(t->rows);
}

static char *normalized(const lbu_calendar *c) {
  for (size_t len = 256;; len *= 2) {
    char *buf = malloc(len);
    if (!buf || lbu_calendar_format(c, buf, len) == 0)
      return buf;
    free(buf);
  }
}

/* Where systemd's stderr lines go: stderr, or in --requests, stdout with a prefix. */
static bool errors_inline;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (errors_inline)
    fputs("stderr: ", stdout);
  vfprintf(errors_inline ? stdout : stderr, fmt, ap);
  va_end(ap);
}

static int show(const char *expr, int64_t base, unsigned iterations, bool explain) {
  char err[512], when[128], field[32];
  lbu_calendar *c;
  int r = lbu_calendar_parse_sd(expr, &c, err, sizeof(err));
  if (r < 0) {
    say("Failed to parse calendar specification '%s': %s\n", expr, strerror(-r));
    if (explain)
      say("Reason: %s\n", err);
    if (analyze_timestamp_valid(expr))
      say("Hint: this expression is a valid timestamp. Use 'systemd-analyze timestamp \"%s\"' "
          "instead?\n",
          expr);
    if (analyze_timespan_valid(expr))
      say("Hint: this expression is a valid timespan. Use 'systemd-analyze timespan \"%s\"' "
          "instead?\n",
          expr);
    return r;
  }
  table t = {0};
  char *norm = normalized(c);
  if (!norm) {
    r = -ENOMEM;
    goto out;
  }
  if (strcmp(norm, expr) != 0 && (r = table_add(&t, "Original form", expr)) < 0)
    goto out;
  if ((r = table_add(&t, "Normalized form", norm)) < 0)
    goto out;
  bool utc = in_utc_timezone();
  /* As systemd: every elapse first (systemd-analyze's --iterations, lbu_calendar_iterate), then
   * the table, whose timestamps are formatted with localtime_r. */
  int64_t *elapses = calloc(iterations ? iterations : 1, sizeof(*elapses));
  unsigned found = 0;
  if (!elapses) {
    r = -ENOMEM;
    goto out;
  }
  lbu_calendar_iter it = lbu_calendar_iter_at(base);
  for (; found < iterations; found++)
    if ((r = lbu_calendar_iterate(c, &it, &elapses[found])) < 0)
      break;
  if (r == -ENOENT) {
    r = found == 0 ? table_add(&t, "Next elapse", "never") : 0;
  } else if (r < 0) {
    /* systemd's search logs this as it gives up, but not in the child it forks for a zone. */
    if (r == -EDEADLK && !lbu_calendar_timezone(c))
      say("Infinite loop in calendar calculation: %s\n", norm);
    say("Failed to determine next elapse for '%s': %s\n", expr, strerror(-r));
  }
  for (unsigned i = 0; i < found && r >= 0; i++) {
    if (i == 0)
      snprintf(field, sizeof(field), "Next elapse");
    else
      snprintf(field, sizeof(field), "Iter. #%u", i + 1);
    format_time(elapses[i], false, when, sizeof(when));
    if ((r = table_add(&t, field, when)) < 0)
      break;
    if (!utc) {
      format_time(elapses[i], true, when, sizeof(when));
      r = table_add(&t, "(in UTC)", when);
    }
  }
  free(elapses);
  if (r == 0)
    table_print(&t);
out:
  table_free(&t);
  free(norm);
  lbu_calendar_free(c);
  return r;
}

/* --requests: "BASE<TAB>ITERATIONS<TAB>EXPR" lines. */
static int requests(bool explain) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = 0;
  errors_inline = true;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n')
      line[--n] = '\0';
    char *base_s = line, *iter_s = strchr(line, '\t'),
         *expr = iter_s ? strchr(iter_s + 1, '\t') : NULL;
    if (!expr) {
      fprintf(stderr, "calendar_tool: a request is BASE<TAB>ITERATIONS<TAB>EXPR: %s\n", line);
      free(line);
      return 2;
    }
    *iter_s++ = '\0';
    *expr++ = '\0';
    char at[64];
    int64_t base;
    snprintf(at, sizeof(at), "@%s", base_s);
    if (!parse_base(at, &base)) {
      fprintf(stderr, "calendar_tool: not a base: %s\n", base_s);
      free(line);
      return 2;
    }
    if (show(expr, base, (unsigned)strtoul(iter_s, NULL, 10), explain) < 0)
      status = 1;
    printf("--\n");
    fflush(stdout);
  }
  free(line);
  return status;
}

int main(int argc, char **argv) {
  int64_t base = -1;
  unsigned long iterations = 1;
  bool explain = false, from_stdin = false;
  int first = 1;
  for (; first < argc; first++) {
    const char *a = argv[first];
    if (strcmp(a, "--") == 0) {
      first++;
      break;
    }
    if (strncmp(a, "--base-time=", 12) == 0) {
      if (!parse_base(a + 12, &base))
        usage();
    } else if (strncmp(a, "--iterations=", 13) == 0) {
      char *end;
      iterations = strtoul(a + 13, &end, 10);
      if (*end || end == a + 13)
        usage();
    } else if (strcmp(a, "--explain") == 0) {
      explain = true;
    } else if (strcmp(a, "--requests") == 0) {
      from_stdin = true;
    } else if (strncmp(a, "--", 2) == 0) {
      usage();
    } else {
      break;
    }
  }
  if (from_stdin) {
    if (first < argc)
      usage();
    return requests(explain);
  }
  if (first >= argc)
    usage();
  if (base < 0) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    base = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
  }
  int status = 0;
  for (int i = first; i < argc; i++) {
    if (show(argv[i], base, (unsigned)iterations, explain) < 0)
      status = 1;
    if (i + 1 < argc)
      putchar('\n');
    fflush(stdout);
    fflush(stderr);
  }
  return status;
}
