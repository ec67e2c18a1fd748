/* Proleptic Gregorian date arithmetic on 64-bit day numbers (day 0 = 1970-01-01), private to the
 * calendar engine. Pure functions, so that local time away from offset changes needs no libc. */
#ifndef LUMBARD_LIB_CALENDAR_CIVIL_H
#define LUMBARD_LIB_CALENDAR_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

static inline int64_t lbu_civil_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a % b < 0) != (b < 0));
}

static inline int64_t lbu_civil_mod(int64_t a, int64_t b) {
  return a - lbu_civil_div(a, b) * b;
}

static inline bool lbu_civil_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int lbu_civil_month_days(int64_t y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && lbu_civil_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d, m in 1..12, d counted on linearly (d = 0 is the month's eve).
 * Years are counted from March so that the leap day closes them; a 400-year era has 146097 days. */
static inline int64_t lbu_civil_days(int64_t y, int m, int64_t d) {
  int64_t yy = m <= 2 ? y - 1 : y;
  /* Unsigned division is the cheap one; years from 1 on are the common case. */
  int64_t era = yy >= 0 ? (int64_t)((uint64_t)yy / 400) : lbu_civil_div(yy, 400);
  uint64_t yoe = (uint64_t)(yy - era * 400);
  unsigned mp = m > 2 ? (unsigned)m - 3 : (unsigned)m + 9; /* March = 0 */
  int64_t doy = (int64_t)((153 * mp + 2) / 5) + d - 1;
  return era * 146097 + (int64_t)(yoe * 365 + yoe / 4 - yoe / 100) + doy - 719468;
}

/* The inverse of lbu_civil_days. */
static inline void lbu_civil_date(int64_t days, int64_t *ret_y, int *ret_m, int *ret_d) {
  int64_t z = days + 719468;
  int64_t era = lbu_civil_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *ret_m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *ret_y = era * 400 + yoe + (*ret_m <= 2);
}

/* 0 = Sunday, as struct tm's tm_wday. */
static inline int lbu_civil_weekday(int64_t days) {
  return (int)lbu_civil_mod(days + 4, 7);
}

#endif
