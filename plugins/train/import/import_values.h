/* import_values.h — the cells of a workout log, read as the exports write them: numbers, dates,
 * clock durations and duration texts. Private to plugins/train/import/; pure functions of their
 * text (no locale, no clock, no time zone). Each returns 0, or -EINVAL (not that kind of value)
 * or -ERANGE (that kind, but out of range), leaving *ret alone on failure. The text is one whole
 * cell, surrounding blanks already removed. */
#ifndef LUMBARD_PLUGINS_TRAIN_IMPORT_VALUES_H
#define LUMBARD_PLUGINS_TRAIN_IMPORT_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "import.h"

/* A decimal number: optional '-', digits, and a fraction after '.' or ',' ("102,5" as European
 * locales write it; a ',' only when there is no '.'). No exponent, no thousands separators, at
 * most 15 significant digits (else -ERANGE). Computed from its digits, so the same text always
 * gives the same double whatever the locale. */
int train_import__number(const char *s, double *ret);

/* A whole number from 0 to max, written as one ("8") or as a number whose fraction is zero
 * ("8.0", as Strong writes reps). -EINVAL also for a fraction ("8.5") or a sign; -ERANGE above
 * max. */
int train_import__whole(const char *s, uint32_t max, uint32_t *ret);

/* YYYY-MM-DD, then optionally ' ' or 'T' and H:MM or H:MM:SS, then optionally a 12-hour AM/PM
 * (after a space, a no-break space or a narrow no-break space, as some Strong exports write it).
 * With time_allowed false only the date is accepted. A date alone is at 00:00:00. */
int train_import__iso_time(const char *s, bool time_allowed, train_local_time *ret);

/* Hevy's "1 Jan 2024, 09:30" (day with or without its leading zero, English month abbreviation
 * or name, optional ":SS", optional AM/PM), or any form train_import__iso_time accepts. */
int train_import__hevy_time(const char *s, train_local_time *ret);

/* A clock duration, "M:SS" or "H:MM:SS" (FitNotes' Time: "1:30", "0:01:48", "30:00"). */
int train_import__clock_seconds(const char *s, uint32_t *ret);

/* A duration in words as Strong writes a workout's: "1h 43m", "59m", "38min", "2h", "45s",
 * "1h 5m 3s". A bare number (no unit) is -EINVAL: minutes or seconds is not said. */
int train_import__duration_text(const char *s, uint32_t *ret);

/* Seconds from a to b on the wall clock (calendar arithmetic, no zone): b - a. */
int64_t train_import__seconds_between(const train_local_time *a, const train_local_time *b);

#endif
