/* The train plugin's importers (plugins/train/import): the cells, the CSV rows and their lines,
 * then each format from fixture files written for these tests (tests/fixtures/train/), with
 * every field of the rows that matter, every skip and its words, and the files that fail whole. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_csv.h"
#include "import_values.h"

#include "check.h"

#define CHECK_NEAR(got, want)                                                                      \
  do {                                                                                             \
    double g_ = (got), w_ = (want);                                                                \
    CHECK(fabs(g_ - w_) <= 1e-9 * (fabs(w_) > 1 ? fabs(w_) : 1), "expected %.12g, got %.12g", w_,  \
          g_);                                                                                     \
  } while (0)

/* ---- helpers ----------------------------------------------------------------------------- */

static char *slurp(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", TRAIN_FIXTURES_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open fixture %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
    exit(2);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Parses a fixture; checks it parsed, unless want_rc says it should fail. */
static int parse_fixture(const char *name, train_import_format fmt, const char *unit,
                         train_import *t, char *err, size_t errlen) {
  size_t len;
  char *data = slurp(name, &len);
  int r = train_import_parse(data, len, fmt, unit, t, err, errlen);
  free(data);
  return r;
}

static int parse_text(const char *text, train_import_format fmt, const char *unit, train_import *t,
                      char *err, size_t errlen) {
  return train_import_parse(text, strlen(text), fmt, unit, t, err, errlen);
}

static void check_time(const train_local_time *t, int y, int mo, int d, int h, int mi, int s) {
  CHECK(t->year == y && t->month == mo && t->day == d && t->hour == h && t->minute == mi &&
            t->second == s,
        "expected %04d-%02d-%02d %02d:%02d:%02d, got %04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h,
        mi, s, t->year, t->month, t->day, t->hour, t->minute, t->second);
}

/* Every field of a set: the expected row is written out in full by each test. */
typedef struct want_row {
  size_t line;
  int y, mo, d, h, mi, s;
  uint32_t workout_seconds;
  const char *workout_name, *exercise, *category;
  uint32_t set_index;
  bool warmup;
  uint32_t reps;
  bool has_weight;
  double weight_kg, rpe;
  uint32_t seconds;
  const char *note;
} want_row;

static void check_row(const train_import *t, size_t i, const want_row *w) {
  CHECK(i < t->n_rows, "row %zu: only %zu rows", i, t->n_rows);
  if (i >= t->n_rows)
    return;
  const train_import_row *r = &t->rows[i];
  CHECK(r->line == w->line, "row %zu: expected line %zu, got %zu", i, w->line, r->line);
  check_time(&r->workout, w->y, w->mo, w->d, w->h, w->mi, w->s);
  CHECK_INT(r->workout_seconds, w->workout_seconds);
  CHECK_STR(r->workout_name, w->workout_name);
  CHECK_STR(r->exercise, w->exercise);
  CHECK_STR(r->category, w->category);
  CHECK_INT(r->set_index, w->set_index);
  CHECK_INT(r->warmup, w->warmup);
  CHECK_INT(r->reps, w->reps);
  CHECK_INT(r->has_weight, w->has_weight);
  CHECK_NEAR(r->weight_kg, w->weight_kg);
  CHECK_NEAR(r->rpe, w->rpe);
  CHECK_INT(r->seconds, w->seconds);
  CHECK_STR(r->note, w->note);
}

static void check_skips(const train_import *t, const char *const *want, size_t n) {
  CHECK(t->n_skips == n, "expected %zu skips, got %zu", n, t->n_skips);
  for (size_t i = 0; i < n && i < t->n_skips; i++) {
    CHECK_STR(t->skips[i].why, want[i]);
    size_t line = strtoul(want[i] + strlen("line "), NULL, 10);
    CHECK(t->skips[i].line == line, "skip %zu: expected line %zu, got %zu", i, line,
          t->skips[i].line);
  }
}

/* ---- the cells --------------------------------------------------------------------------- */

TEST(numbers) {
  static const struct {
    const char *in;
    double want;
  } ok[] = {{"0", 0},
            {"60", 60},
            {"102.5", 102.5},
            {"102,5", 102.5},
            {"0.05", 0.05},
            {"-10", -10},
            {"13.0", 13},
            {"007", 7},
            {"88.18", 88.18},
            {".5", 0.5},
            {"1,234", 1.234},
            {"10.05", 10.05},
            {"999999999999999", 999999999999999.0}};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    double v = -1;
    int r = train_import__number(ok[i].in, &v);
    CHECK(r == 0 && v == ok[i].want, "\"%s\": expected %g, got %g (r %d)", ok[i].in, ok[i].want, v,
          r);
  }
  static const char *const bad[] = {"",      "abc",   "1e3",   "+5",    "5.",
                                    "1.2.3", "1,2,3", "1.5,2", "12 kg", " 5",
                                    "inf",   "nan",   "0x10",  "-",     "1,234.5"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    double v = 42;
    CHECK(train_import__number(bad[i], &v) == -EINVAL && v == 42, "\"%s\": expected -EINVAL",
          bad[i]);
  }
  double v;
  CHECK_INT(train_import__number("1234567890123456", &v), -ERANGE);

  uint32_t w = 7;
  CHECK(train_import__whole("8", 100, &w) == 0 && w == 8, "8: got %u", w);
  CHECK(train_import__whole("8.0", 100, &w) == 0 && w == 8, "8.0: got %u", w);
  CHECK(train_import__whole("0", 100, &w) == 0 && w == 0, "0: got %u", w);
  CHECK_INT(train_import__whole("8.5", 100, &w), -EINVAL);
  CHECK_INT(train_import__whole("-1", 100, &w), -EINVAL);
  CHECK_INT(train_import__whole("-0", 100, &w), -EINVAL);
  CHECK_INT(train_import__whole("five", 100, &w), -EINVAL);
  CHECK_INT(train_import__whole("101", 100, &w), -ERANGE);
  CHECK(train_import__whole("4294967295", UINT32_MAX, &w) == 0 && w == UINT32_MAX, "got %u", w);
}

TEST(times) {
  train_local_time t;
  CHECK_INT(train_import__iso_time("2024-03-01 18:00:00", true, &t), 0);
  check_time(&t, 2024, 3, 1, 18, 0, 0);
  CHECK_INT(train_import__iso_time("2024-03-01T06:05", true, &t), 0);
  check_time(&t, 2024, 3, 1, 6, 5, 0);
  CHECK_INT(train_import__iso_time("2024-02-29", true, &t), 0);
  check_time(&t, 2024, 2, 29, 0, 0, 0);
  /* 12-hour forms: after a space, a no-break space or a narrow no-break space */
  CHECK_INT(train_import__iso_time("2021-01-04 7:05:09\xe2\x80\xafPM", true, &t), 0);
  check_time(&t, 2021, 1, 4, 19, 5, 9);
  CHECK_INT(train_import__iso_time("2021-01-04 12:30:00\xc2\xa0"
                                   "am",
                                   true, &t),
            0);
  check_time(&t, 2021, 1, 4, 0, 30, 0);
  CHECK_INT(train_import__iso_time("2021-01-04 12:30:00 PM", true, &t), 0);
  check_time(&t, 2021, 1, 4, 12, 30, 0);

  CHECK_INT(train_import__iso_time("2024-03-01 18:00:00", false, &t), -EINVAL);
  CHECK_INT(train_import__iso_time("2023-02-29", false, &t), -ERANGE);
  CHECK_INT(train_import__iso_time("2024-13-01", false, &t), -ERANGE);
  CHECK_INT(train_import__iso_time("2024-03-01 24:00:00", true, &t), -ERANGE);
  CHECK_INT(train_import__iso_time("2024-03-01 13:00:00 PM", true, &t), -ERANGE);
  CHECK_INT(train_import__iso_time("2024-03-01 18:60", true, &t), -ERANGE);
  CHECK_INT(train_import__iso_time("01/03/2024", true, &t), -EINVAL);
  CHECK_INT(train_import__iso_time("2024-3-1", true, &t), -EINVAL);
  CHECK_INT(train_import__iso_time("2024-03-01 18:00:00Z", true, &t), -EINVAL);
  CHECK_INT(train_import__iso_time("2024-03-01 18:00:00 +0100", true, &t), -EINVAL);

  CHECK_INT(train_import__hevy_time("28 May 2024, 07:32", &t), 0);
  check_time(&t, 2024, 5, 28, 7, 32, 0);
  CHECK_INT(train_import__hevy_time("02 Jul 2025, 17:56", &t), 0);
  check_time(&t, 2025, 7, 2, 17, 56, 0);
  CHECK_INT(train_import__hevy_time("1 Sept 2025, 9:05 PM", &t), 0);
  check_time(&t, 2025, 9, 1, 21, 5, 0);
  CHECK_INT(train_import__hevy_time("1 september 2025, 09:05:07", &t), 0);
  check_time(&t, 2025, 9, 1, 9, 5, 7);
  CHECK_INT(train_import__hevy_time("2026-04-20 10:00:00", &t), 0);
  check_time(&t, 2026, 4, 20, 10, 0, 0);
  CHECK_INT(train_import__hevy_time("2 Jul 2025 17:56", &t), -EINVAL);
  CHECK_INT(train_import__hevy_time("2 Juli 2025, 17:56", &t), -EINVAL);
  CHECK_INT(train_import__hevy_time("31 Jun 2025, 17:56", &t), -ERANGE);

  uint32_t s = 0;
  CHECK(train_import__clock_seconds("1:30", &s) == 0 && s == 90, "1:30: got %u", s);
  CHECK(train_import__clock_seconds("0:01:48", &s) == 0 && s == 108, "0:01:48: got %u", s);
  CHECK(train_import__clock_seconds("30:00", &s) == 0 && s == 1800, "30:00: got %u", s);
  CHECK(train_import__clock_seconds("1:00:00", &s) == 0 && s == 3600, "1:00:00: got %u", s);
  CHECK_INT(train_import__clock_seconds("90", &s), -EINVAL);
  CHECK_INT(train_import__clock_seconds("1:3", &s), -EINVAL);
  CHECK_INT(train_import__clock_seconds("1:30:00:00", &s), -EINVAL);
  CHECK_INT(train_import__clock_seconds("1:60", &s), -ERANGE);

  CHECK(train_import__duration_text("1h 43m", &s) == 0 && s == 6180, "got %u", s);
  CHECK(train_import__duration_text("38min", &s) == 0 && s == 2280, "got %u", s);
  CHECK(train_import__duration_text("264h 1m", &s) == 0 && s == 950460, "got %u", s);
  CHECK(train_import__duration_text("1h5m3s", &s) == 0 && s == 3903, "got %u", s);
  CHECK(train_import__duration_text("45 s", &s) == 0 && s == 45, "got %u", s);
  CHECK_INT(train_import__duration_text("3600", &s), -EINVAL);
  CHECK_INT(train_import__duration_text("1 fortnight", &s), -EINVAL);
  CHECK_INT(train_import__duration_text("", &s), -EINVAL);

  train_local_time a = {2024, 2, 28, 23, 30, 0}, b = {2024, 3, 1, 0, 30, 0};
  CHECK_INT(train_import__seconds_between(&a, &b), 86400 + 3600);
  train_local_time c = {2023, 12, 31, 23, 59, 59}, d = {2024, 1, 1, 0, 0, 0};
  CHECK_INT(train_import__seconds_between(&c, &d), 1);
  CHECK_INT(train_import__seconds_between(&d, &c), -1);
}

/* ---- the CSV rows ------------------------------------------------------------------------ */

typedef struct seen {
  char text[2048]; /* "line:field|field|...\n" for every row, and "broken a-b: why\n" */
  bool stop_after_first;
} seen;

/* Appends to s->text, which keeps what fits. */
static void seen_add(seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seen_add(seen *s, const char *fmt, ...) {
  size_t at = strlen(s->text);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->text + at, sizeof(s->text) - at, fmt, ap);
  va_end(ap);
}

static bool seen_row(void *ctx, size_t line, const char *const *f, size_t n) {
  seen *s = ctx;
  seen_add(s, "%zu:", line);
  for (size_t i = 0; i < n; i++)
    seen_add(s, "%s%s", i ? "|" : "", f[i]);
  seen_add(s, "\n");
  return !s->stop_after_first;
}

static void seen_broken(void *ctx, size_t first, size_t last, const char *why) {
  seen_add(ctx, "broken %zu-%zu: %.20s\n", first, last, why);
}

/* For big inputs: the rows' count and the last row's line and first field's length. */
typedef struct counted {
  size_t rows, last_line, last_len, broken_first, broken_last;
} counted;

static bool counted_row(void *ctx, size_t line, const char *const *f, size_t n) {
  counted *c = ctx;
  c->rows++, c->last_line = line, c->last_len = n ? strlen(f[0]) : 0;
  return true;
}

static void counted_broken(void *ctx, size_t first, size_t last, const char *why) {
  counted *c = ctx;
  (void)why;
  c->broken_first = first, c->broken_last = last;
}

static const char *read_csv(const char *text, char delim, seen *s) {
  train_import__csv_handlers h = {.row = seen_row, .broken = seen_broken, .ctx = s};
  s->text[0] = '\0';
  train_import__csv_read(text, strlen(text), delim, &h);
  return s->text;
}

TEST(csv_rfc4180) {
  seen s = {0};
  /* RFC 4180 §2: CRLF records (2.1), last record with or without one (2.2), quoted fields (2.5)
   * holding line breaks, commas and quotes (2.6), doubled quotes (2.7). */
  CHECK_STR(read_csv("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n", ',', &s), "1:aaa|bbb|ccc\n2:zzz|yyy|xxx\n");
  CHECK_STR(read_csv("aaa,bbb,ccc\r\nzzz,yyy,xxx", ',', &s), "1:aaa|bbb|ccc\n2:zzz|yyy|xxx\n");
  CHECK_STR(read_csv("\"aaa\",\"bbb\",\"ccc\"\n", ',', &s), "1:aaa|bbb|ccc\n");
  CHECK_STR(read_csv("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx\n", ',', &s),
            "1:aaa|b\r\nbb|ccc\n3:zzz|yyy|xxx\n");
  CHECK_STR(read_csv("\"aaa\",\"b\"\"bb\",\"ccc\"\n", ',', &s), "1:aaa|b\"bb|ccc\n");
  CHECK_STR(read_csv("a;\"b;c\";\"d,e\"\n", ';', &s), "1:a|b;c|d,e\n");
  /* empty fields, empty quoted fields, blank lines (LF, CRLF, blanks only) and LF alone */
  CHECK_STR(read_csv("a,,\"\"\n\n\r\n  \nb,c,d\n", ',', &s), "1:a||\n5:b|c|d\n");
  /* lines are counted through multi-line fields, whatever ends them */
  CHECK_STR(read_csv("h\n\"1\n2\r\n3\"\nx\n", ',', &s), "1:h\n2:1\n2\r\n3\n5:x\n");
  /* a quote inside an unquoted field, text after a closing quote: the row is named, the rest
   * read */
  CHECK_STR(read_csv("a,b\nc\"d,e\nf,\"g\"h\ni,j\n", ',', &s),
            "1:a|b\nbroken 2-2: a quote inside a fie\nbroken 3-3: text after the closi\n4:i|j\n");
  /* a quote never closed loses the rest, and says which lines */
  CHECK_STR(read_csv("a,b\nc,\"d\ne,f\ng,h\n", ',', &s),
            "1:a|b\nbroken 2-4: a quoted field that \n");
  CHECK_STR(read_csv("a,b\nc,\"d\ne,f", ',', &s), "1:a|b\nbroken 2-3: a quoted field that \n");
  /* a handler's false stops the reading */
  s.stop_after_first = true;
  CHECK_STR(read_csv("a\nb\nc\n", ',', &s), "1:a\n");
  s.stop_after_first = false;
  /* errors in every chunk libcsv is fed: the lines stay right past the first 256 KiB */
  size_t n = 300000;
  char *big = malloc(n + 64);
  memset(big, 'x', n);
  for (size_t i = 99; i < n; i += 100)
    big[i] = '\n';
  strcpy(big + n, "a\"b\nlast\n");
  counted c = {0};
  train_import__csv_handlers ch = {.row = counted_row, .broken = counted_broken, .ctx = &c};
  train_import__csv_read(big, strlen(big), ',', &ch);
  CHECK_INT(c.rows, 3001);
  CHECK_INT(c.broken_first, 3001);
  CHECK_INT(c.broken_last, 3001);
  CHECK_INT(c.last_line, 3002);
  CHECK_INT(c.last_len, 4);
  free(big);

  CHECK_INT(train_import__csv_delimiter("a;b;c,d\n", 8), ';');
  CHECK_INT(train_import__csv_delimiter("a,b,c;d\n", 8), ',');
  CHECK_INT(train_import__csv_delimiter("\"a;b;c\",d\n", 10), ',');
  CHECK_INT(train_import__csv_delimiter("a;b\nc,d,e,f\n", 12), ';');
  CHECK_INT(train_import__csv_delimiter("hello world\n", 12), '\0');
}

/* ---- Strong ------------------------------------------------------------------------------ */

TEST(strong_semicolon) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("strong_semicolon.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            0);
  CHECK_INT(t.format, TRAIN_IMPORT_STRONG);
  CHECK_INT(t.n_rows, 7);
  CHECK_INT(t.n_sessions, 2);
  CHECK_INT(t.default_unit_used, false);
  const want_row rows[] = {
      {2, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Hip Abduction (Machine)", "", 1, true, 20, true,
       20, 0, 0, "slow; controlled, \"squeeze\" at the top"},
      {3, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Hip Abduction (Machine)", "", 2, false, 25, true,
       40, 8.5, 0, ""},
      {5, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Hip Abduction (Machine)", "", 3, false, 22, true,
       102.5 * 0.45359237, 9, 0, ""},
      {6, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Hip Abduction (Machine)", "", 4, false, 12, true,
       30, 0, 0, ""},
      {7, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Plank", "", 1, false, 0, false, 0, 0, 60,
       "hold\r\nsteady"},
      {12, 2024, 3, 1, 18, 0, 0, 3900, "Leg Day", "Calf Raise", "", 1, false, 8, true, 60, 10, 0,
       ""},
      {24, 2024, 3, 3, 9, 15, 30, 2700, "Upper", "Bench Press (Barbell)", "", 1, false, 6, true, 60,
       7, 0, ""},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  static const char *const skips[] = {
      "line 4: a rest timer, not a set",
      "line 9: an exercise note, not a set",
      "line 10: Weight 50 has no unit: the Weight Unit cell is empty",
      "line 11: Weight Unit \"stone\" is not kg or lbs",
      "line 14: Reps \"abc\" is not a number",
      "line 15: Reps \"8.5\" is not a whole number",
      "line 16: neither reps nor a duration: not a set",
      "line 17: RPE \"11\" is not between 0 and 10",
      "line 18: Weight \"-10\" is below zero",
      "line 19: Set Order \"X\" is not a set number, W, D or F",
      "line 20: Date \"03/03/2024 09:15\" is not a date and time like 2024-03-01 18:00:00",
      "line 21: Date \"2024-02-30 09:15:30\" is not a real date and time",
      "line 22: Exercise Name is empty",
      "line 23: the row has 13 fields where the header has 14",
  };
  check_skips(&t, skips, sizeof(skips) / sizeof(skips[0]));
  train_import_free(&t);
  CHECK(t.rows == NULL && t.n_rows == 0 && t.skips == NULL && t.n_skips == 0,
        "train_import_free leaves it empty");
  train_import_free(&t); /* twice is harmless */
  train_import_free(NULL);
}

TEST(strong_comma_without_units) {
  train_import t;
  char err[256];
  /* No unit anywhere in the file: it fails whole unless the person says which. */
  CHECK_INT(parse_fixture("strong_comma_old.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            -EINVAL);
  CHECK_STR(err, "the file does not say the unit of its weights (its \"Weight\" column has no "
                 "unit and there is no \"Weight Unit\" column): say whether they are kg or lb");
  CHECK(t.n_rows == 0 && t.rows == NULL && t.n_skips == 0, "a failed parse leaves nothing");
  train_import_free(&t);
  CHECK_INT(parse_fixture("strong_comma_old.csv", TRAIN_IMPORT_AUTO, "stone", &t, err, sizeof(err)),
            -EINVAL);
  CHECK_STR(err, "the default unit \"stone\" is not kg or lb");

  CHECK_INT(parse_fixture("strong_comma_old.csv", TRAIN_IMPORT_STRONG, "lb", &t, err, sizeof(err)),
            0);
  CHECK_INT(t.format, TRAIN_IMPORT_STRONG);
  CHECK_INT(t.default_unit_used, true);
  CHECK_INT(t.n_rows, 6);
  CHECK_INT(t.n_sessions, 3);
  const want_row rows[] = {
      {2, 2020, 12, 30, 18, 51, 52, 9480, "Evening Workout", "Squat (Barbell)", "", 1, false, 5,
       true, 45.359237, 8, 0, ""},
      {3, 2020, 12, 30, 18, 51, 52, 9480, "Evening Workout", "Squat (Barbell)", "", 2, false, 5,
       true, 102.5 * 0.45359237, 0, 0, ""},
      {4, 2020, 12, 30, 18, 51, 52, 9480, "Evening Workout", "Plank", "", 1, false, 0, false, 0, 0,
       60, ""},
      {7, 2021, 1, 2, 10, 0, 0, 2700, "Morning Run", "Running", "", 1, false, 0, false, 0, 0, 1800,
       ""},
      /* 7:05:09 PM after a narrow no-break space, then after a plain space: one workout */
      {8, 2021, 1, 4, 19, 5, 9, 2280, "Evening", "Squat (Barbell)", "", 1, false, 5, true,
       60 * 0.45359237, 0, 0, ""},
      {9, 2021, 1, 4, 19, 5, 9, 2280, "Evening", "Squat (Barbell)", "", 2, false, 5, true,
       60 * 0.45359237, 0, 0, ""},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  static const char *const skips[] = {
      "line 5: a rest timer, not a set",
      "line 6: neither reps nor a duration: not a set",
  };
  check_skips(&t, skips, sizeof(skips) / sizeof(skips[0]));
  train_import_free(&t);

  CHECK_INT(parse_fixture("strong_comma_old.csv", TRAIN_IMPORT_AUTO, "kg", &t, err, sizeof(err)),
            0);
  CHECK_NEAR(t.rows[0].weight_kg, 100);
  CHECK_INT(t.default_unit_used, true);
  train_import_free(&t);

  /* Bodyweight only: the unit was given but never needed. */
  CHECK_INT(parse_text("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                       "Seconds,Notes,Workout Notes,RPE\n"
                       "2021-01-02 10:00:00,A,1h,Pull Up,1,0,8,0,0,,,\n",
                       TRAIN_IMPORT_AUTO, "kg", &t, err, sizeof(err)),
            0);
  CHECK_INT(t.n_rows, 1);
  CHECK_INT(t.rows[0].has_weight, false);
  CHECK_INT(t.default_unit_used, false);
  train_import_free(&t);
}

TEST(strong_units_in_column_names) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("strong_quoted_units.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            0);
  CHECK_INT(t.format, TRAIN_IMPORT_STRONG);
  CHECK_INT(t.n_rows, 3);
  CHECK_INT(t.n_sessions, 2);
  CHECK_INT(t.default_unit_used, false);
  const want_row rows[] = {
      {2, 2023, 7, 19, 21, 30, 51, 1742, "Workout B #1409", "Squat (Barbell)", "", 1, true, 5, true,
       50, 0, 0, ""},
      {3, 2023, 7, 19, 21, 30, 51, 1742, "Workout B #1409", "Squat (Barbell)", "", 2, false, 5,
       true, 90, 0, 0, ""},
      {5, 2024, 2, 11, 19, 27, 32, 4806, "Strength 24", "Bench Press (Barbell)", "", 1, false, 10,
       true, 60, 0, 0, ""},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  static const char *const skips[] = {"line 4: an exercise note, not a set"};
  check_skips(&t, skips, 1);
  train_import_free(&t);

  /* The same layout from a pound account, and the oldest, whose weight column is its unit. */
  CHECK_INT(parse_text("Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,"
                       "Weight (lbs),Reps,RPE,Distance (miles),Seconds,Notes,Workout Notes\n"
                       "1,2024-03-05 18:01:12,Push,3600,Bench Press,1,225,5,,,,,\n",
                       TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            0);
  CHECK_INT(t.n_rows, 1);
  CHECK_NEAR(t.rows[0].weight_kg, 225 * 0.45359237);
  CHECK_INT(t.rows[0].workout_seconds, 3600);
  train_import_free(&t);
  CHECK_INT(parse_text("Date;Workout Name;Exercise Name;Set Order;lbs;Reps;mi.;Seconds;Notes;"
                       "Workout Notes\n"
                       "2018-05-01 07:00:00;\"A\";\"Deadlift (Barbell)\";1;135;5;;0;\"\";\"\"\n",
                       TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            0);
  CHECK_INT(t.n_rows, 1);
  CHECK_NEAR(t.rows[0].weight_kg, 135 * 0.45359237);
  train_import_free(&t);
}

/* ---- Hevy -------------------------------------------------------------------------------- */

TEST(hevy) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("hevy.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.format, TRAIN_IMPORT_HEVY);
  CHECK_INT(t.n_rows, 8);
  CHECK_INT(t.n_sessions, 2);
  const char *gut = "Gut Check - Day 1 \xf0\x9f\x9a\x80";
  const want_row rows[] = {
      {2, 2024, 5, 28, 7, 32, 0, 3300, gut, "Running", "", 1, false, 0, false, 0, 0, 240, ""},
      {3, 2024, 5, 28, 7, 32, 0, 3300, gut, "Seated Cable Row - V Grip (Cable)", "", 1, true, 10,
       true, 70, 6, 0, "elbows in, \"proud\" chest"},
      {4, 2024, 5, 28, 7, 32, 0, 3300, gut, "Seated Cable Row - V Grip (Cable)", "", 2, false, 8,
       true, 80, 7.5, 0, "elbows in, \"proud\" chest"},
      {5, 2024, 5, 28, 7, 32, 0, 3300, gut, "Lat Pulldown (Cable)", "", 1, false, 12, true, 62.5, 0,
       0, ""},
      {6, 2024, 5, 28, 7, 32, 0, 3300, gut, "Lat Pulldown (Cable)", "", 2, false, 9, true, 60, 10,
       0, ""},
      /* Running again later in the workout: Hevy restarts its set_index, the count goes on */
      {7, 2024, 5, 28, 7, 32, 0, 3300, gut, "Running", "", 2, false, 0, false, 0, 0, 240, ""},
      {8, 2024, 5, 28, 7, 32, 0, 3300, gut, "Hip Abduction (Machine)", "", 1, false, 25, true, 45,
       0, 0, "note with\na line break"},
      {12, 2025, 7, 2, 17, 56, 0, 3900, "Push", "Bench Press (Barbell)", "", 1, false, 5, true, 100,
       8, 0, ""},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  static const char *const skips[] = {
      "line 10: set_type \"cooldown\" is not normal, warmup, dropset or failure",
      "line 11: neither reps nor a duration: not a set",
      "line 13: start_time \"2 Jul 2025 17:56\" is not a date and time like \"1 Mar 2024, "
      "18:00\"",
      "line 14: reps \"five\" is not a number",
  };
  check_skips(&t, skips, sizeof(skips) / sizeof(skips[0]));
  /* The two Running sets are two sets to the plugin. */
  char k1[256], k2[256];
  train_import_key(&t.rows[0], k1, sizeof(k1));
  train_import_key(&t.rows[5], k2, sizeof(k2));
  CHECK_STR(k1, "2024-05-28 07:32:00|1|-|0|0|240|Running");
  CHECK_STR(k2, "2024-05-28 07:32:00|2|-|0|0|240|Running");
  train_import_free(&t);

  /* Asked for Strong, a Hevy file is refused with what it lacks and what it looks like. */
  CHECK_INT(parse_fixture("hevy.csv", TRAIN_IMPORT_STRONG, NULL, &t, err, sizeof(err)), -EINVAL);
  CHECK_STR(err, "the header is not Strong's: it has no \"Exercise Name\" column; it looks like "
                 "Hevy's");
  CHECK_INT(t.format, TRAIN_IMPORT_STRONG);
  train_import_free(&t);
}

TEST(hevy_pounds) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("hevy_lbs.csv", TRAIN_IMPORT_HEVY, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.n_rows, 1);
  CHECK_INT(t.n_skips, 0);
  const want_row row = {2,         2025,
                        1,         1,
                        7,         39,
                        0,         3660,
                        "Leg Day", "Squat (Barbell)",
                        "",        1,
                        false,     14,
                        true,      88.18 * 0.45359237,
                        0,         0,
                        ""};
  check_row(&t, 0, &row);
  CHECK_INT(t.default_unit_used, false);
  train_import_free(&t);
}

/* ---- FitNotes ---------------------------------------------------------------------------- */

TEST(fitnotes_kg) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("fitnotes_kg.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.format, TRAIN_IMPORT_FITNOTES);
  CHECK_INT(t.n_rows, 6);
  CHECK_INT(t.n_sessions, 2);
  const want_row rows[] = {
      {2, 2026, 3, 2, 0, 0, 0, 0, "", "Deadlift", "Back", 1, false, 3, true, 150, 0, 0,
       "Felt strong, no belt"},
      {3, 2026, 3, 2, 0, 0, 0, 0, "", "Deadlift", "Back", 2, false, 3, true, 155, 0, 0, ""},
      {4, 2026, 3, 2, 0, 0, 0, 0, "", "Pull Up", "Back", 1, false, 10, false, 0, 0, 0, ""},
      {5, 2026, 3, 2, 0, 0, 0, 0, "", "Plank", "Abs", 1, false, 0, false, 0, 0, 90, ""},
      {6, 2026, 3, 2, 0, 0, 0, 0, "", "Rowing Machine", "Cardio", 1, false, 0, false, 0, 0, 468,
       ""},
      {10, 2026, 3, 4, 0, 0, 0, 0, "", "Bench Press", "Chest", 1, false, 5, true, 80, 0, 0, ""},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  static const char *const skips[] = {
      "line 7: neither reps nor a duration: not a set",
      "line 8: Date \"2026-02-30\" is not a real date",
      "line 9: Date \"23/12/2025\" is not a date like 2024-03-01",
      "line 11: Time \"1:3o\" is not a duration like 1:30 or 0:01:30",
      "line 12: Weight (kgs) \"abc\" is not a number",
  };
  check_skips(&t, skips, sizeof(skips) / sizeof(skips[0]));
  train_import_free(&t);
}

TEST(fitnotes_lb) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("fitnotes_lb.csv", TRAIN_IMPORT_FITNOTES, "kg", &t, err, sizeof(err)), 0);
  CHECK_INT(t.n_rows, 2);
  CHECK_INT(t.n_skips, 0);
  CHECK_INT(t.n_sessions, 1);
  const want_row rows[] = {
      {2, 2025, 12, 23, 0, 0, 0, 0, "", "Bench Press", "Chest", 1, false, 5, true, 225 * 0.45359237,
       0, 0, ""},
      /* the last line has no line break */
      {3, 2025, 12, 23, 0, 0, 0, 0, "", "Barbell Glute Bridge", "Legs", 1, false, 12, true,
       135 * 0.45359237, 0, 0, "3 s pause; felt it in the glute med"},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  CHECK_INT(t.default_unit_used, false); /* the header says lbs: "kg" is not used */
  train_import_free(&t);

  /* A unit per row, as newer FitNotes exports write it: both units in one file. */
  CHECK_INT(
      parse_text("Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time\n"
                 "2025-12-23,Bench Press,Chest,80,kgs,5,,,\n"
                 "2025-12-23,Curl,Arms,30,lbs,10,,,\n"
                 "2025-12-23,Curl,Arms,30,,10,,,\n",
                 TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
      0);
  CHECK_INT(t.n_rows, 2);
  CHECK_NEAR(t.rows[0].weight_kg, 80);
  CHECK_NEAR(t.rows[1].weight_kg, 30 * 0.45359237);
  static const char *const skips[] = {
      "line 4: Weight 30 has no unit: the Weight Unit cell is empty"};
  check_skips(&t, skips, 1);
  train_import_free(&t);
}

/* ---- CSV corners and broken files -------------------------------------------------------- */

TEST(quoting) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("quoting.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.n_rows, 4);
  CHECK_INT(t.n_skips, 0);
  CHECK_INT(t.n_sessions, 1);
  const want_row rows[] = {
      {2, 2024, 5, 1, 7, 0, 0, 0, "Morning, early", "Squat", "", 1, false, 5, true, 60, 0, 0,
       "a \"quoted\" word"},
      /* after a CRLF blank line and a line of blanks; blanks around the exercise dropped */
      {5, 2024, 5, 1, 7, 0, 0, 0, "Morning, early", "Squat", "", 2, false, 5, true, 60, 0, 0,
       "line one\nline two, with comma\r\nline three; semicolon"},
      {8, 2024, 5, 1, 7, 0, 0, 0, "Morning, early", "Squat", "", 3, false, 5, true, 60, 0, 0, ""},
      {9, 2024, 5, 1, 7, 0, 0, 0, "Morning, early", "Squat", "", 4, false, 5, true, 60, 0, 0,
       "ends without a line break"},
  };
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    check_row(&t, i, &rows[i]);
  train_import_free(&t);
}

TEST(broken_quoting) {
  train_import t;
  char err[256];
  CHECK_INT(parse_fixture("broken_quoting.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.n_rows, 3);
  CHECK_INT(t.rows[0].line, 2);
  CHECK_INT(t.rows[1].line, 5);
  CHECK_INT(t.rows[1].set_index, 2);
  CHECK_STR(t.rows[1].note, "fine");
  CHECK_INT(t.rows[2].line, 8);
  static const char *const skips[] = {
      "line 3: a quote inside a field that does not start with one (a field that holds quotes is "
      "quoted whole, with its quotes doubled); the row is not read",
      "line 4: text after the closing quote of a field; the row is not read",
      "line 6: text after the closing quote of a field; lines 6-7 are not read",
      "line 9: a quoted field that starts here is never closed; lines 9-10 are not read",
  };
  check_skips(&t, skips, sizeof(skips) / sizeof(skips[0]));
  train_import_free(&t);
}

TEST(files_that_fail_whole) {
  train_import t;
  char err[512];
  CHECK_INT(parse_fixture("unknown_header.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            -EINVAL);
  CHECK_STR(err,
            "the header is not Strong's, Hevy's or FitNotes': it has no \"Exercise Name\" "
            "column (Strong), no \"exercise_title\" and \"start_time\" (Hevy), and no "
            "\"Exercise\" and \"Category\" (FitNotes); export the workouts again, with the app "
            "in English");
  CHECK(t.n_rows == 0 && t.n_skips == 0 && t.rows == NULL, "nothing is left");
  train_import_free(&t);

  CHECK_INT(parse_fixture("latin1.csv", TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), -EINVAL);
  CHECK_STR(err, "the file is not UTF-8 text (line 3 holds a byte that is not UTF-8)");

  static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  CHECK_INT(train_import_parse(png, sizeof(png) - 1, TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)),
            -EINVAL);
  CHECK_STR(err, "the file is not UTF-8 text (line 1 holds a byte that is not UTF-8, or a NUL: a "
                 "binary file?)");

  static const struct {
    const char *text;
    train_import_format fmt;
    const char *err;
  } cases[] = {
      {"", TRAIN_IMPORT_AUTO, "the file is empty"},
      {"\xef\xbb\xbf\r\n\n", TRAIN_IMPORT_AUTO, "the file is empty"},
      {"Workout log\n2024-03-01 squats 5x5\n", TRAIN_IMPORT_AUTO,
       "the first line has no ',' or ';': it is not the CSV of a workout export"},
      {"Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit\n", TRAIN_IMPORT_AUTO,
       "the Strong header has no \"Reps\" column, which holds the reps"},
      {"Workout Name,Exercise Name,Reps\n", TRAIN_IMPORT_STRONG,
       "the Strong header has no \"Date\" column, which holds the workout's date"},
      {"title,start_time,exercise_title,weight_kg,weight_lbs,reps\n", TRAIN_IMPORT_AUTO,
       "the header has both \"weight_kg\" and \"weight_lbs\": which one to read is not clear"},
      {"Date,Exercise,Category,Reps\n", TRAIN_IMPORT_HEVY,
       "the header is not Hevy's: it has no \"exercise_title\" and \"start_time\" columns; it "
       "looks like FitNotes'"},
      {"Date,Exercise,Reps\n", TRAIN_IMPORT_FITNOTES,
       "the header is not FitNotes': it has no \"Exercise\" and \"Category\" columns"},
      {"Date,\"Exercise\"Name,Reps\n", TRAIN_IMPORT_AUTO,
       "line 1: text after the closing quote of a field: the header cannot be read"},
      {"Date,Exercise,Category,Reps\n", (train_import_format)9,
       "format 9 is not one of auto, strong, hevy or fitnotes"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    err[0] = '\0';
    int r = parse_text(cases[i].text, cases[i].fmt, NULL, &t, err, sizeof(err));
    CHECK(r == -EINVAL, "case %zu: expected -EINVAL, got %d", i, r);
    CHECK_STR(err, cases[i].err);
    CHECK(t.n_rows == 0 && t.n_skips == 0, "case %zu: nothing is left", i);
    train_import_free(&t);
  }

  CHECK_INT(train_import_parse(NULL, 0, TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), -EINVAL);
  CHECK_STR(err, "the file is empty");

  /* A header alone is a file with no sets, not an error. err may be NULL. */
  CHECK_INT(parse_text("Date,Exercise,Category,Weight (kgs),Reps\n", TRAIN_IMPORT_AUTO, NULL, &t,
                       NULL, 0),
            0);
  CHECK(t.n_rows == 0 && t.n_skips == 0 && t.n_sessions == 0, "an empty log");
  train_import_free(&t);
}

TEST(long_cells_in_reasons) {
  /* A cell quoted back is cut at 48 bytes on a UTF-8 boundary, its line breaks shown as spaces. */
  train_import t;
  char err[256];
  char text[1024];
  snprintf(text, sizeof(text),
           "Date,Exercise,Category,Weight (kgs),Reps\n"
           "2024-03-01,Squat,Legs,60,\"%s\"\n"
           "2024-03-01,Squat,Legs,60,\"a\nb\"\n",
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
           "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  CHECK_INT(parse_text(text, TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  static const char *const skips[] = {
      "line 2: Reps \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...\" is not a number",
      "line 3: Reps \"a b\" is not a number",
  };
  check_skips(&t, skips, 2);
  train_import_free(&t);
}

/* ---- keys, names, a ten-year history ----------------------------------------------------- */

TEST(keys) {
  train_import a, b;
  char err[256];
  CHECK_INT(parse_fixture("strong_semicolon.csv", TRAIN_IMPORT_AUTO, NULL, &a, err, sizeof(err)),
            0);
  CHECK_INT(parse_fixture("strong_semicolon.csv", TRAIN_IMPORT_STRONG, "lb", &b, err, sizeof(err)),
            0);
  char ka[256], kb[256];
  train_import_key(&a.rows[0], ka, sizeof(ka));
  CHECK_STR(ka, "2024-03-01 18:00:00|1|w|20|20000|0|Hip Abduction (Machine)");
  train_import_key(&a.rows[2], ka, sizeof(ka));
  CHECK_STR(ka, "2024-03-01 18:00:00|3|-|22|46493|0|Hip Abduction (Machine)");
  train_import_key(&a.rows[4], ka, sizeof(ka));
  CHECK_STR(ka, "2024-03-01 18:00:00|1|-|0|0|60|Plank");
  /* The same file imported twice: the same keys, all different from each other. */
  CHECK_INT(a.n_rows, b.n_rows);
  for (size_t i = 0; i < a.n_rows && i < b.n_rows; i++) {
    train_import_key(&a.rows[i], ka, sizeof(ka));
    train_import_key(&b.rows[i], kb, sizeof(kb));
    CHECK_STR(kb, ka);
    for (size_t j = 0; j < i; j++) {
      train_import_key(&a.rows[j], kb, sizeof(kb));
      CHECK(strcmp(ka, kb) != 0, "rows %zu and %zu share the key %s", j, i, ka);
    }
  }
  /* Cut short like snprintf: the whole length comes back. */
  char small[16];
  size_t n = train_import_key(&a.rows[0], small, sizeof(small));
  CHECK_INT(n, strlen("2024-03-01 18:00:00|1|w|20|20000|0|Hip Abduction (Machine)"));
  CHECK_STR(small, "2024-03-01 18:0");
  train_import_free(&a);
  train_import_free(&b);
}

TEST(format_names) {
  train_import_format f = TRAIN_IMPORT_AUTO;
  CHECK(train_import_format_parse("strong", &f) == 0 && f == TRAIN_IMPORT_STRONG, "strong");
  CHECK(train_import_format_parse("Hevy", &f) == 0 && f == TRAIN_IMPORT_HEVY, "Hevy");
  CHECK(train_import_format_parse("FITNOTES", &f) == 0 && f == TRAIN_IMPORT_FITNOTES, "FITNOTES");
  CHECK(train_import_format_parse("auto", &f) == 0 && f == TRAIN_IMPORT_AUTO, "auto");
  CHECK_INT(train_import_format_parse("jefit", &f), -EINVAL);
  CHECK_INT(train_import_format_parse(NULL, &f), -EINVAL);
  CHECK_STR(train_import_format_name(TRAIN_IMPORT_FITNOTES), "fitnotes");
  CHECK_STR(train_import_format_name(TRAIN_IMPORT_AUTO), "auto");
}

/* 50,000 sets in 10 years of workouts, as a Strong export writes them; counts only (the time is
 * bench_train_import's). */
TEST(ten_years) {
  size_t cap = 8 << 20, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text, cap,
                          "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;"
                          "Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n");
  static const char *const exercises[] = {"Hip Abduction (Machine)", "Squat (Barbell)",
                                          "Romanian Deadlift", "Plank", "Calf Raise"};
  size_t sets = 0, workouts = 0;
  for (int day = 0; sets < 50000; day += 2, workouts++) {
    int y = 2015 + day / 360, m = 1 + day % 360 / 30, d = 1 + day % 30;
    if (m == 2 && d > 28)
      d = 28;
    for (size_t e = 0; e < 5 && sets < 50000; e++)
      for (int s = 0; s < 5 && sets < 50000; s++, sets++)
        len += (size_t)snprintf(text + len, cap - len,
                                "%04d-%02d-%02d 18:%02d:00;\"Workout %zu\";\"%s\";%s;%d;%s;%d;%s;;;"
                                "%d;\"%s\";\"\";1h 5m\n",
                                y, m, d, (int)(workouts % 60), workouts, exercises[e],
                                s == 0 ? "W" : (char[]){(char)('0' + s), 0}, 20 + s * 5,
                                s % 2 ? "kg" : "lbs", e == 3 ? 0 : 20 + s, s == 4 ? "8,5" : "",
                                e == 3 ? 60 : 0, s == 2 ? "a note; with \"\"quotes\"\"" : "");
  }
  train_import t;
  char err[256];
  CHECK_INT(train_import_parse(text, len, TRAIN_IMPORT_AUTO, NULL, &t, err, sizeof(err)), 0);
  CHECK_INT(t.n_rows, 50000);
  CHECK_INT(t.n_skips, 0);
  CHECK_INT(t.n_sessions, workouts);
  CHECK_INT(t.rows[49999].line, 50001);
  CHECK_INT(t.rows[49999].set_index, 5);
  train_import_free(&t);
  free(text);
}

RUN_TESTS(T(numbers), T(times), T(csv_rfc4180), T(strong_semicolon), T(strong_comma_without_units),
          T(strong_units_in_column_names), T(hevy), T(hevy_pounds), T(fitnotes_kg), T(fitnotes_lb),
          T(quoting), T(broken_quoting), T(files_that_fail_whole), T(long_cells_in_reasons),
          T(keys), T(format_names), T(ten_years))
