/* A tiny test runner: CHECK macros that say what was expected and what came,
 * and a main() that runs every TEST in the file and fails if any check did. */
#ifndef LB_CHECK_H
#define LB_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static const char *check_current;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      check_failures++;                                                                            \
      fprintf(stderr, "FAIL %s (%s:%d): %s: ", check_current, __FILE__, __LINE__, #cond);          \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

#define CHECK_INT(got, want)                                                                       \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    CHECK(g_ == w_, "expected %lld, got %lld", w_, g_);                                            \
  } while (0)

#define CHECK_STR(got, want)                                                                       \
  do {                                                                                             \
    const char *g_ = (got), *w_ = (want);                                                          \
    CHECK(g_ &&strcmp(g_, w_) == 0, "expected \"%s\", got \"%s\"", w_, g_ ? g_ : "(null)");        \
  } while (0)

#define CHECK_CONTAINS(got, part)                                                                  \
  do {                                                                                             \
    const char *g_ = (got), *p_ = (part);                                                          \
    CHECK(g_ &&strstr(g_, p_), "expected text containing \"%s\", got \"%s\"", p_,                  \
          g_ ? g_ : "(null)");                                                                     \
  } while (0)

typedef struct check_test {
  const char *name;
  void (*fn)(void);
} check_test;

#define TEST(name) static void name(void)

static inline int check_run(const check_test *tests, size_t n) {
  int ran = 0;
  for (size_t i = 0; i < n; i++) {
    int before = check_failures;
    check_current = tests[i].name;
    tests[i].fn();
    fprintf(stderr, "%s %s\n", check_failures == before ? "ok  " : "FAIL", tests[i].name);
    ran++;
  }
  fprintf(stderr, "%d tests, %d failed checks\n", ran, check_failures);
  return check_failures ? 1 : 0;
}

#define RUN_TESTS(...)                                                                             \
  int main(void) {                                                                                 \
    static const check_test tests_[] = {__VA_ARGS__};                                              \
    return check_run(tests_, sizeof(tests_) / sizeof(tests_[0]));                                  \
  }
#define T(fn)                                                                                      \
  { #fn, fn }

#endif
