/* What systemd-analyze 252 adds after "Failed to parse calendar specification": a hint when the
 * text is a valid timestamp or timespan instead. Checking the timestamp is not free of side
 * effects in systemd either: it converts times with localtime_r and mktime, which rewrite glibc's
 * tzname, which the next expression's calendar parse reads. These make the same calls. */
#ifndef LUMBARD_TESTS_ANALYZE_HINTS_H
#define LUMBARD_TESTS_ANALYZE_HINTS_H

#include <stdbool.h>

/* Whether systemd's parse_timestamp() takes t ("2026-12-24 18:00", "tomorrow", "+5min"...). */
bool analyze_timestamp_valid(const char *t);

/* Whether systemd's parse_sec() takes t ("90", "1h 30min", "2.5d"). */
bool analyze_timespan_valid(const char *t);

#endif
