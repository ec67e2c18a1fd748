/* The workout-log importers of the train plugin: the CSV exports of Strong, Hevy and FitNotes,
 * read into sets (DESIGN.md §6, train.import).
 *
 * A pure function of the file's bytes: no I/O, no clock and no time zone (no mktime, localtime or
 * TZ), so it runs on a worker thread while the loop thread may change TZ. Times come back as the
 * file wrote them, local wall-clock time without a zone; the plugin converts them on its loop.
 *
 * A row it cannot read is skipped and named (its line and why, in words for a person), never
 * guessed: an unreadable number, a date in another form, a weight without a unit. Rows that are
 * not sets are skipped the same way, with their own reason: Strong's "Rest Timer" and "Note" rows,
 * and rows with neither reps nor a duration (an exercise added but never done, a distance-only
 * cardio entry). What a whole file needs and lacks fails the file (not CSV, no known header, a
 * missing column that every set needs, weights whose unit nobody gave).
 *
 * The formats, as their exports write them (columns are found by name, in any order, ignoring
 * case; columns not named here are ignored):
 *
 *   Strong, delimited by ',' or ';' (taken from the header line), in four layouts:
 *     Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
 *       Workout Notes,RPE                       (no unit anywhere: default_unit says it)
 *     Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;
 *       Distance Unit;Seconds;Notes;Workout Notes;Workout Duration     (a unit per row)
 *     "Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";
 *       "Weight (kg)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"
 *       (the unit in the column's name: "Weight (kg)" or "Weight (lbs)")
 *     and the oldest, whose weight column is named by its unit ("lbs" or "kg").
 *     Date "2024-03-01 18:00:00" (also "2024-03-01 6:00:00 PM"); Set Order a number, or "W"
 *     (warm-up), "D" (drop set), "F" (failure), or the pseudo-rows "Rest Timer" and "Note".
 *   Hevy: title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
 *     set_index,set_type,weight_kg (or weight_lbs),reps,distance_km (or distance_miles),
 *     duration_seconds,rpe. start_time "1 Jan 2024, 09:30" (English month, day with or without
 *     a leading zero); set_type normal, warmup, dropset or failure.
 *   FitNotes: Date,Exercise,Category,Weight (kgs) (or Weight (lbs), or Weight with a Weight Unit
 *     column of kgs/lbs),Reps,Distance,Distance Unit,Time,Comment. Date "2024-03-01" only (no
 *     workout time, no workout name); Time "1:30" or "0:01:30", a duration.
 *
 * Numbers are written with '.' or, alone, a decimal ',' ("102,5" in a ';' file); reps and
 * seconds must be whole ("8" or "8.0"). The text must be UTF-8. The CSV is RFC 4180's, read by
 * libcsv in strict mode: quoted fields may hold the delimiter, doubled quotes and line breaks;
 * lines end in CRLF or LF; a byte order mark, blank lines and a missing final line break are
 * fine; a row whose quoting is broken is skipped to the end of its line (a quote never closed:
 * to the end of the file), and reading goes on. */
#ifndef LUMBARD_PLUGINS_TRAIN_IMPORT_H
#define LUMBARD_PLUGINS_TRAIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum train_import_format {
  TRAIN_IMPORT_AUTO, /* detected from the header */
  TRAIN_IMPORT_STRONG,
  TRAIN_IMPORT_HEVY,
  TRAIN_IMPORT_FITNOTES,
} train_import_format;

/* "auto", "strong", "hevy", "fitnotes": the names train.import's format takes. */
const char *train_import_format_name(train_import_format f);
/* The format of one of those names (ignoring case); -EINVAL for any other. */
int train_import_format_parse(const char *name, train_import_format *ret);

/* A time as the file wrote it: local wall-clock time, no zone. Always a real date (month 1-12,
 * day within the month, leap years counted), hour 0-23, minute and second 0-59. */
typedef struct train_local_time {
  int year, month, day, hour, minute, second;
} train_local_time;

/* One set. Its strings belong to the train_import and live until train_import_free. */
typedef struct train_import_row {
  size_t line; /* 1-based line of the file where the row starts (the header is line 1) */
  /* The workout (session) the set belongs to: its start as written. Strong: Date, to the second;
   * Hevy: start_time, to the minute (second 0); FitNotes: the date at 00:00:00, one workout a
   * day. */
  train_local_time workout;
  /* The workout's length as the file gives it, 0 when it does not or it cannot be read: Strong's
   * Duration ("1h 43m", "38min") or Duration (sec); Hevy's end_time minus start_time, counted on
   * the wall clock (a DST change inside the workout is not seen); FitNotes has none. */
  uint32_t workout_seconds;
  const char *workout_name; /* Strong's Workout Name, Hevy's title; "" for FitNotes */
  const char *exercise;     /* as the file names it, surrounding blanks removed; never "" */
  const char *category;     /* FitNotes' Category ("Legs"); "" for the others */
  /* 1-based place of the set among the sets of its exercise in its workout, in file order,
   * warm-ups included (a Hevy or Strong workout that does an exercise twice counts on). Counts
   * only the rows returned. The files' own numbers are not used: Strong numbers only untagged
   * sets and some exports list them out of order; Hevy restarts at 0 when an exercise comes
   * back. */
  uint32_t set_index;
  bool warmup;      /* Strong Set Order "W", Hevy set_type "warmup"; FitNotes has no warm-ups */
  uint32_t reps;    /* 0 for a set of seconds only (a plank) */
  bool has_weight;  /* the file gives a weight above 0 (bodyweight sets say 0 or nothing) */
  double weight_kg; /* the weight when has_weight, from lb times 0.45359237 exactly; else 0 */
  double rpe;       /* 0 < rpe <= 10 as written (Strong, Hevy); 0 when none */
  uint32_t seconds; /* the set's duration (Strong Seconds, Hevy duration_seconds, FitNotes Time) */
  const char *note; /* the set's or exercise's note (Strong Notes, Hevy exercise_notes, FitNotes
                       Comment); "" when none */
} train_import_row;

/* A row not taken. why says it for a person, starts with the line and names the column as the
 * header does: `line 14: Reps "abc" is not a number`, `line 9: a rest timer, not a set`. A row
 * that spans lines (a note with a line break) is named by its first. */
typedef struct train_import_skip {
  size_t line;
  const char *why;
} train_import_skip;

typedef struct train_import {
  train_import_format format; /* the one detected, or the one asked for */
  train_import_row *rows;
  size_t n_rows;
  train_import_skip *skips;
  size_t n_skips;
  size_t n_sessions; /* distinct workouts (start and name) among rows */
  /* default_unit was applied: the file does not say the unit of its weights and at least one row
   * has a weight. The plugin says so in its answer ("weights read as kg"). */
  bool default_unit_used;
  void *store_; /* private: where the strings live */
} train_import;

/* Parse a whole file's bytes (data need not be NUL-terminated). format TRAIN_IMPORT_AUTO detects
 * it from the header. default_unit ("kg" or "lb"; NULL when none was given) is the unit of weights
 * in files that do not say theirs (Strong's comma layout); such a file with no default_unit fails.
 *
 * Returns 0 with *out filled (free it with train_import_free; rows and skips may both be empty),
 * or -EINVAL with err saying why the file as a whole cannot be read, e.g. "the header is not
 * Strong's, Hevy's or FitNotes': ...", and *out empty (train_import_free on it is harmless).
 * Aborts only when memory runs out (lbu_xmalloc). */
int train_import_parse(const char *data, size_t len, train_import_format format,
                       const char *default_unit, train_import *out, char *err, size_t errlen);

/* Frees what train_import_parse put in t and empties it; accepts NULL and an empty one. */
void train_import_free(train_import *t);

/* Text that names a set across imports, for the plugin to store UNIQUE, so that the same file
 * imported twice, or two exports that overlap, add each set once:
 *   "2024-03-01 18:00:00|3|w|8|80000|0|Bench Press (Barbell)"
 * workout start, set_index, "w" for a warm-up or "-", reps, weight in grams (rounded), seconds,
 * and the exercise last (the only part that may hold a '|'). Two exports of one app match set
 * for set as long as the app lists a workout's sets in the same order in both (set_index counts
 * in file order); a set edited in between is a new set. The workout's name and the format are
 * not in it; Hevy's start has no seconds, so its keys do not meet Strong's. Writes at most len
 * bytes, NUL-terminated (len > 0), and returns the length of the whole key, as snprintf does: a
 * return >= len means it was cut (64 + strlen(exercise) bytes always suffice). */
size_t train_import_key(const train_import_row *r, char *buf, size_t len);

#endif
