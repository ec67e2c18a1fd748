/* What systemd-analyze 252 adds after "Failed to parse calendar specification": a hint when the
 * text is a valid timestamp or timespan instead, as a systemd-analyze run for that one expression
 * tells it: the local zone's names as it has them before it converts any time (the engine's,
 * calendar_zone.h), not glibc's tzname, which the conversions of earlier expressions rewrite. */
#ifndef LUMBARD_TESTS_ANALYZE_HINTS_H
#define LUMBARD_TESTS_ANALYZE_HINTS_H

#include <stdbool.h>

/* Whether systemd's parse_timestamp() takes t ("2026-12-24 18:00", "tomorrow", "+5min"...). */
bool analyze_timestamp_valid(const char *t);

/* Whether systemd's parse_sec() takes t ("90", "1h 30min", "2.5d"). */
bool analyze_timespan_valid(const char *t);

#endif
