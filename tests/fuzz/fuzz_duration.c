/* Durations as the wire and the config write them (proto/duration.c).
 *
 * The input is the text itself, not NUL-terminated: lb_duration_parse takes a
 * length, and must not read past it. Properties checked:
 * - an accepted duration is at most 100 years, and the error text of a
 *   refused one is a terminated, non-empty line;
 * - what lb_duration_format writes for any number of seconds parses back to
 *   that number (up to the 100-year cap), so the daemon can always read what
 *   it printed; and formatting into a short buffer stays inside it. */
#include <errno.h>
#include <lumbard/rpc.h>
#include <string.h>

#include "fuzz.h"

#define MAX_SECONDS (100ull * 365 * 86400)

static void check_format_roundtrip(uint64_t seconds) {
  char text[128], err[512];
  lb_duration_format(seconds, text, sizeof(text));
  FUZZ_CHECK(strlen(text) < sizeof(text) - 1, "formatting %llu filled the buffer: %s",
             (unsigned long long)seconds, text);
  uint64_t back = 0;
  int r = lb_duration_parse(text, strlen(text), &back, err, sizeof(err));
  if (seconds > MAX_SECONDS) {
    FUZZ_CHECK(r == -EINVAL, "\"%s\" (%llu s, over the cap) was accepted", text,
               (unsigned long long)seconds);
    return;
  }
  FUZZ_CHECK(r == 0, "\"%s\", formatted from %llu s, does not parse: %s", text,
             (unsigned long long)seconds, err);
  FUZZ_CHECK(back == seconds, "\"%s\" was formatted from %llu s but parses as %llu s", text,
             (unsigned long long)seconds, (unsigned long long)back);

  /* A buffer too small for the text: truncated, terminated, never overrun. */
  for (size_t len = 1; len < 8; len++) {
    char small[8];
    memset(small, 'x', sizeof(small));
    lb_duration_format(seconds, small, len);
    FUZZ_CHECK(memchr(small, '\0', len) != NULL, "format into %zu bytes is not terminated", len);
    for (size_t i = len; i < sizeof(small); i++)
      FUZZ_CHECK(small[i] == 'x', "format into %zu bytes wrote byte %zu", len, i);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[512];
  uint64_t seconds = 0;
  memset(err, 0, sizeof(err));
  int r = lb_duration_parse((const char *)data, size, &seconds, err, sizeof(err));
  if (r == 0) {
    FUZZ_CHECK(seconds <= MAX_SECONDS, "accepted %llu s, over the 100-year cap",
               (unsigned long long)seconds);
    check_format_roundtrip(seconds);
  } else {
    FUZZ_CHECK(r == -EINVAL, "lb_duration_parse returned %d", r);
    FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)), "no error text for a refusal");
  }

  /* The first eight bytes as a number of seconds, for the formatter. */
  if (size >= 8) {
    uint64_t n = 0;
    memcpy(&n, data, sizeof(n));
    check_format_roundtrip(n);
    check_format_roundtrip(n % (MAX_SECONDS + 1));
  }
  return 0;
}
