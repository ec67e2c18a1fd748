/* The calendar engine's cost per call, against a floor measured in the same run: one glibc
 * localtime_r + mktime round trip, the least any local-time computation costs (systemd's own
 * search makes a dozen mktime calls per elapse). Reported per expression: lbu_calendar_next from
 * random bases in 2024-2030 (some near DST changes), from each previous elapse, 16 in a row (what
 * the daemon does after a reminder fires), and parsing.
 *
 *   bench_calendar [CALLS]        TZ defaults to Europe/Berlin (LB_BENCH_TZ overrides it) */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"

static const char *const exprs[] = {
    "Mon..Fri 07:30",
    "*:0/15",
    "daily",
    "Sat,Sun 10:00",
    "*-*~1 12:00",
    "Mon *-05~07/1",
    "*:*:0/10",
    "quarterly",
    "Mon,Wed,Fri 18:00 UTC",
    "Mon..Fri 08:00 Europe/Berlin",
    "daily America/New_York",
    "*:0/30 Australia/Lord_Howe",
    "Tue 19:00 Asia/Kolkata",
};
#define N_EXPRS (sizeof(exprs) / sizeof(exprs[0]))

static volatile uint64_t sink; /* keeps the work from being optimized away */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Deterministic bases: 2024-01-01 .. 2030-12-31, microseconds. */
static int64_t *make_bases(size_t n) {
  int64_t *b = malloc(n * sizeof(*b));
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < n && b; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    b[i] = (1704067200 + (int64_t)(x % (7 * 365 * 86400ull))) * 1000000 + (int64_t)(x % 1000000);
  }
  return b;
}

static double floor_ns(const int64_t *bases, size_t n) {
  double t0 = now_s();
  for (size_t i = 0; i < n; i++) {
    time_t t = (time_t)(bases[i] / 1000000);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_isdst = -1;
    sink += (uint64_t)mktime(&tm);
  }
  return (now_s() - t0) / (double)n * 1e9;
}

/* Chained: 16 elapses in a row from each base, as a reminder's life goes. */
static double next_ns(const lbu_calendar *c, const int64_t *bases, size_t n, bool chained) {
  int64_t at = bases[0], next;
  double t0 = now_s();
  for (size_t i = 0; i < n; i++) {
    if (!chained || i % 16 == 0)
      at = bases[i];
    if (lbu_calendar_next(c, at, &next) < 0)
      next = bases[i];
    at = next;
    sink += (uint64_t)next;
  }
  return (now_s() - t0) / (double)n * 1e9;
}

int main(int argc, char **argv) {
  size_t calls = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 200000;
  const char *tz = getenv("LB_BENCH_TZ");
  setenv("TZ", tz && *tz ? tz : "Europe/Berlin", 1);
  tzset();
  int64_t *bases = make_bases(calls);
  lbu_calendar *cal[N_EXPRS];
  char err[256];
  for (size_t i = 0; i < N_EXPRS; i++)
    if (lbu_calendar_parse(exprs[i], &cal[i], err, sizeof(err)) < 0) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
  if (!bases)
    return 1;

  /* Warm up: zone files read and checked, caches hot. */
  for (size_t i = 0; i < N_EXPRS; i++)
    next_ns(cal[i], bases, calls < 1000 ? calls : 1000, false);
  double fl = floor_ns(bases, calls);
  printf("TZ=%s, %zu calls each; floor: localtime_r + mktime = %.0f ns\n", getenv("TZ"), calls, fl);
  printf("%-30s %14s %14s %10s\n", "lbu_calendar_next, ns (ratio)", "random base", "chained",
         "parse");

  double sum_rand = 0, sum_chain = 0, sum_parse = 0;
  for (size_t i = 0; i < N_EXPRS; i++) {
    double r = next_ns(cal[i], bases, calls, false);
    double ch = next_ns(cal[i], bases, calls, true);
    double t0 = now_s();
    size_t np = calls / 10 ? calls / 10 : 1;
    for (size_t k = 0; k < np; k++) {
      lbu_calendar *c;
      if (lbu_calendar_parse(exprs[i], &c, NULL, 0) == 0)
        lbu_calendar_free(c);
    }
    double pa = (now_s() - t0) / (double)np * 1e9;
    char a[32], b[32];
    snprintf(a, sizeof(a), "%.0f (%.1f)", r, r / fl);
    snprintf(b, sizeof(b), "%.0f (%.1f)", ch, ch / fl);
    printf("%-30s %14s %14s %10.0f\n", exprs[i], a, b, pa);
    sum_rand += r, sum_chain += ch, sum_parse += pa;
  }
  printf("%-30s %7.0f (%.1f) %7.0f (%.1f) %10.0f\n", "mean", sum_rand / N_EXPRS,
         sum_rand / N_EXPRS / fl, sum_chain / N_EXPRS, sum_chain / N_EXPRS / fl,
         sum_parse / N_EXPRS);

  /* The daemon's worst day: 100,000 reminders, every next elapse computed at once. */
  enum { REMINDERS = 100000 };
  lbu_calendar **many = malloc(REMINDERS * sizeof(*many));
  if (!many)
    return 1;
  double t0 = now_s();
  for (size_t i = 0; i < REMINDERS; i++)
    if (lbu_calendar_parse(exprs[i % N_EXPRS], &many[i], NULL, 0) < 0)
      return 1;
  double t1 = now_s();
  for (size_t i = 0; i < REMINDERS; i++) {
    int64_t next;
    if (lbu_calendar_next(many[i], bases[i % calls], &next) == 0)
      sink += (uint64_t)next;
  }
  double t2 = now_s();
  printf("100000 reminders: parsed in %.0f ms, every next elapse in %.0f ms (floor %.0f ms)\n",
         (t1 - t0) * 1e3, (t2 - t1) * 1e3, fl * REMINDERS * 1e-6);
  printf("@figure\tcalendar\tlbu_calendar_next against localtime_r + mktime (%.0f ns)\tnone set\t"
         "mean %.0f ns (%.1fx) from a random base, %.0f ns (%.1fx) chained; 100,000 next elapses "
         "in %.0f ms\tinfo\n",
         fl, sum_rand / N_EXPRS, sum_rand / N_EXPRS / fl, sum_chain / N_EXPRS,
         sum_chain / N_EXPRS / fl, (t2 - t1) * 1e3);
  for (size_t i = 0; i < REMINDERS; i++)
    lbu_calendar_free(many[i]);
  free(many);
  for (size_t i = 0; i < N_EXPRS; i++)
    lbu_calendar_free(cal[i]);
  free(bases);
  return 0;
}
