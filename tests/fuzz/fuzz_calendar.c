/* The schedule parser of the reminders (lib/calendar/calendar.c and
 * calendar_zone.c): parse a systemd.time(7) calendar event, print its
 * normalized form, then compute its next elapses.
 *
 * The input is the expression (up to its first NUL byte). The local zone is
 * Europe/Berlin, so DST gaps and repeated hours are on the way; an expression
 * may name any other zone. Properties checked:
 * - a refusal is -EINVAL, -ERANGE or -ENOBUFS, with a message; through
 *   lbu_calendar_parse it is -EINVAL;
 * - the normalized form parses again and normalizes to itself;
 * - the elapses after a few base times are strictly increasing and after
 *   their base, or the search ends as documented (-ENOENT, -EDEADLK). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "fuzz.h"

#define MAX_TEXT 1024
#define ITERATIONS 4

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  setenv("TZ", ":Europe/Berlin", 1);
  tzset();
  return 0;
}

static void check_elapses(const lbu_calendar *c, const char *text, int64_t base) {
  int64_t after = base;
  for (int i = 0; i < ITERATIONS; i++) {
    int64_t next = 0;
    int r = lbu_calendar_next(c, after, &next);
    if (r == -ENOENT || r == -EDEADLK)
      return;
    FUZZ_CHECK(r == 0, "\"%s\": lbu_calendar_next after %lld returned %d", text, (long long)after,
               r);
    FUZZ_CHECK(next > after, "\"%s\": the elapse %lld is not after %lld", text, (long long)next,
               (long long)after);
    after = next;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bool inited;
  if (!inited) {
    LLVMFuzzerInitialize(NULL, NULL);
    inited = true;
  }
  char text[MAX_TEXT + 1];
  size_t n = size < MAX_TEXT ? size : MAX_TEXT;
  memcpy(text, data, n);
  text[n] = '\0';

  char err[512] = "";
  lbu_calendar *c = NULL;
  int r = lbu_calendar_parse_sd(text, &c, err, sizeof(err));
  if (r < 0) {
    FUZZ_CHECK(r == -EINVAL || r == -ERANGE || r == -ENOBUFS, "\"%s\": returned %d", text, r);
    FUZZ_CHECK(err[0] != '\0', "\"%s\": refused without a message", text);
    lbu_calendar *again = NULL;
    FUZZ_CHECK(lbu_calendar_parse(text, &again, NULL, 0) == -EINVAL,
               "\"%s\": lbu_calendar_parse does not say -EINVAL", text);
    return 0;
  }
  FUZZ_CHECK(c != NULL, "\"%s\": accepted without an event", text);

  char norm[4096], norm2[4096];
  r = lbu_calendar_format(c, norm, sizeof(norm));
  FUZZ_CHECK(r == 0, "\"%s\": the normalized form does not fit %zu bytes", text, sizeof(norm));
  FUZZ_CHECK(strlen(norm) < sizeof(norm), "unterminated normalized form");

  /* Short buffers: -ENOBUFS and a terminated prefix, never an overrun. */
  char small[16];
  memset(small, 'x', sizeof(small));
  r = lbu_calendar_format(c, small, 8);
  FUZZ_CHECK(r == 0 || r == -ENOBUFS, "format into 8 bytes returned %d", r);
  FUZZ_CHECK(memchr(small, '\0', 8) != NULL, "format into 8 bytes is not terminated");
  for (size_t i = 8; i < sizeof(small); i++)
    FUZZ_CHECK(small[i] == 'x', "format into 8 bytes wrote byte %zu", i);

  lbu_calendar *c2 = NULL;
  err[0] = '\0';
  r = lbu_calendar_parse_sd(norm, &c2, err, sizeof(err));
  FUZZ_CHECK(r == 0, "\"%s\" normalizes to \"%s\", which does not parse: %s", text, norm, err);
  r = lbu_calendar_format(c2, norm2, sizeof(norm2));
  FUZZ_CHECK(r == 0 && strcmp(norm, norm2) == 0,
             "\"%s\" normalizes to \"%s\", which normalizes to \"%s\"", text, norm, norm2);
  lbu_calendar_free(c2);

  /* Bases: the epoch, the night of a spring DST change, a base from the
   * input's bytes (so the fuzzer can steer it), and the last day systemd
   * can take. */
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 1099511628211ull;
  check_elapses(c, text, 0);
  check_elapses(c, text, INT64_C(1774745400) * 1000000); /* 2026-03-29 00:50 UTC */
  check_elapses(c, text, (int64_t)(h % UINT64_C(7258118400000000)));
  check_elapses(c, text, INT64_C(253402214399000000) - 1);
  lbu_calendar_free(c);
  return 0;
}
