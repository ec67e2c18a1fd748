/* Durations in every form DESIGN §6 lists, and the errors for the rest. */
#include <lumbard/rpc.h>

#include "check.h"

TEST(accepted_forms) {
  static const struct {
    const char *in;
    uint64_t want;
  } cases[] = {
      {"90", 90},       {"90s", 90},        {"1m30s", 90},      {"2min", 120}, {"1h", 3600},
      {"1.5min", 90},   {"1h 30m", 5400},   {" 45 s ", 45},     {"1d", 86400}, {"2 minutes", 120},
      {"1m 30sec", 90}, {"0.5h", 1800},     {"1", 1},           {"0", 0},      {"1H", 3600},
      {"24h", 86400},   {"3 hours", 10800}, {"10 seconds", 10},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uint64_t got = 12345;
    char err[256] = "";
    int r = lb_duration_parse(cases[i].in, strlen(cases[i].in), &got, err, sizeof(err));
    CHECK(r == 0, "\"%s\": expected %llu s, got error %s", cases[i].in,
          (unsigned long long)cases[i].want, err);
    if (r == 0)
      CHECK(got == cases[i].want, "\"%s\": expected %llu s, got %llu", cases[i].in,
            (unsigned long long)cases[i].want, (unsigned long long)got);
  }
}

TEST(refused_forms) {
  static const struct {
    const char *in, *why;
  } cases[] = {
      {"", "empty duration"},
      {"abc", "expected a number"},
      {"90x", "unknown unit \"x\""},
      {"1.5s", "not a whole number of seconds"},
      {"1m 30", "a number without a unit"},
      {"-5", "expected a number"},
      {"999999999999999999999h", "too long"},
      {"5 fortnights", "unknown unit"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uint64_t got;
    char err[256] = "";
    int r = lb_duration_parse(cases[i].in, strlen(cases[i].in), &got, err, sizeof(err));
    CHECK(r < 0, "\"%s\": expected an error, got %llu s", cases[i].in, (unsigned long long)got);
    CHECK_CONTAINS(err, cases[i].why);
    if (r < 0 && cases[i].in[0] && !strstr(cases[i].why, "too long"))
      CHECK_CONTAINS(err, "90s, 1m30s"); /* the message shows the forms that work */
  }
}

TEST(formatting) {
  char buf[64];
  lb_duration_format(90, buf, sizeof(buf));
  CHECK_STR(buf, "1min 30s");
  lb_duration_format(0, buf, sizeof(buf));
  CHECK_STR(buf, "0s");
  lb_duration_format(86400 + 3600 + 5, buf, sizeof(buf));
  CHECK_STR(buf, "1d 1h 5s");
  lb_duration_format(120, buf, sizeof(buf));
  CHECK_STR(buf, "2min");
}

RUN_TESTS(T(accepted_forms), T(refused_forms), T(formatting))
