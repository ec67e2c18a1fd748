/* train.import's parse (plugins/train/import): a ten-year history of 50,000 sets, as Strong,
 * Hevy and FitNotes export it, parsed from memory. The floor, measured in the same run, is libcsv
 * alone reading the same bytes into callbacks that do nothing: what any reader of these files
 * pays. The target: the whole import (parse, then the plugin's inserts) under a second, the parse
 * a small part of it: under 100 ms.
 *
 *   bench_train_import [ROUNDS]      median of ROUNDS runs (default 9) of each */
#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import.h"

#define SETS 50000
#define TARGET_MS 100.0

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

typedef struct text {
  char *p;
  size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    t->cap = t->cap ? 2 * t->cap : 1 << 20;
    t->p = realloc(t->p, t->cap);
    if (!t->p)
      exit(1);
  }
}

static const char *const exercises[] = {"Hip Abduction (Machine)", "Squat (Barbell)",
                                        "Romanian Deadlift (Barbell)", "Plank",
                                        "Standing Calf Raise (Machine)"};

/* Workout w of the history: every other day from 2015, 25 sets of 5 exercises. */
static void day_of(size_t w, int *y, int *m, int *d) {
  size_t day = 2 * w;
  *y = 2015 + (int)(day / 360), *m = 1 + (int)(day % 360 / 30), *d = 1 + (int)(day % 30);
  if (*m == 2 && *d > 28)
    *d = 28;
}

static text strong(void) {
  text t = {0};
  add(&t, "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
          "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n");
  for (size_t i = 0; i < SETS; i++) {
    size_t w = i / 25, e = i / 5 % 5, s = i % 5;
    int y, m, d;
    day_of(w, &y, &m, &d);
    static const char *const order[] = {"W", "1", "2", "3", "4"};
    add(&t,
        "%04d-%02d-%02d 18:%02d:%02d;\"Workout %zu\";\"%s\";%s;%.1f;kg;%zu;%s;;;%d;%s;%s;1h "
        "5m\n",
        y, m, d, (int)(w % 60), (int)(w % 59), w, exercises[e], order[s], 20.0 + 2.5 * (double)s,
        e == 3 ? 0 : 20 + s, s == 4 ? "8.5" : "", e == 3 ? 60 : 0,
        s == 1 ? "\"slow; controlled, \"\"squeeze\"\" at the top\"" : "",
        i % 25 == 0 ? "\"first set of the day\"" : "");
  }
  return t;
}

static text hevy(void) {
  static const char *const month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  text t = {0};
  add(&t, "\"title\",\"start_time\",\"end_time\",\"description\",\"exercise_title\","
          "\"superset_id\",\"exercise_notes\",\"set_index\",\"set_type\",\"weight_kg\",\"reps\","
          "\"distance_km\",\"duration_seconds\",\"rpe\"\n");
  for (size_t i = 0; i < SETS; i++) {
    size_t w = i / 25, e = i / 5 % 5, s = i % 5;
    int y, m, d;
    day_of(w, &y, &m, &d);
    add(&t,
        "\"Workout %zu\",\"%d %s %d, 18:%02d\",\"%d %s %d, 19:%02d\",\"\",\"%s\",,\"%s\",%zu,"
        "\"%s\",%s,%s,,%s,%s\n",
        w, d, month[m - 1], y, (int)(w % 60), d, month[m - 1], y, (int)(w % 60), exercises[e],
        e == 1 ? "brace, then \"\"push\"\" the floor away" : "", s, s == 0 ? "warmup" : "normal",
        e == 3 ? "" : "62.5", e == 3 ? "" : "12", e == 3 ? "60" : "", s == 4 ? "8.5" : "");
  }
  return t;
}

static text fitnotes(void) {
  text t = {0};
  add(&t, "Date,Exercise,Category,Weight (kgs),Reps,Distance,Distance Unit,Time,Comment\n");
  for (size_t i = 0; i < SETS; i++) {
    size_t w = i / 25, e = i / 5 % 5, s = i % 5;
    int y, m, d;
    day_of(w, &y, &m, &d);
    add(&t, "%04d-%02d-%02d,%s,%s,%s,%s,,,%s,%s\n", y, m, d, exercises[e], e == 3 ? "Abs" : "Legs",
        e == 3 ? "" : "60.0", e == 3 ? "" : "10", e == 3 ? "1:00" : "",
        s == 2 ? "\"felt it, finally\"" : "");
  }
  return t;
}

static volatile size_t sink;
static void nop_field(void *s, size_t n, void *ctx) {
  (void)s, (void)ctx;
  sink += n;
}
static void nop_row(int c, void *ctx) {
  (void)c, (void)ctx;
  sink++;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(*v), cmp);
  return v[n / 2];
}

/* Median ms of libcsv alone, and of train_import_parse; -1 when the parse fails. */
static void measure(const text *t, char delim, int rounds, double *floor_ms, double *parse_ms,
                    size_t *rows) {
  double f[64] = {0}, p[64] = {0};
  for (int r = 0; r < rounds; r++) {
    struct csv_parser cp;
    csv_init(&cp, CSV_STRICT | CSV_REPALL_NL);
    csv_set_delim(&cp, (unsigned char)delim);
    double t0 = now_ms();
    csv_parse(&cp, t->p, t->len, nop_field, nop_row, NULL);
    csv_fini(&cp, nop_field, nop_row, NULL);
    f[r] = now_ms() - t0;
    csv_free(&cp);

    train_import imp;
    char err[256];
    t0 = now_ms();
    int rc = train_import_parse(t->p, t->len, TRAIN_IMPORT_AUTO, NULL, &imp, err, sizeof(err));
    p[r] = now_ms() - t0;
    if (rc < 0 || imp.n_skips) {
      fprintf(stderr, "bench_train_import: %s\n", rc < 0 ? err : imp.skips[0].why);
      exit(1);
    }
    *rows = imp.n_rows;
    train_import_free(&imp);
  }
  *floor_ms = median(f, rounds);
  *parse_ms = median(p, rounds);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 9;
  if (rounds < 1 || rounds > 64)
    rounds = 9;
  static const char *const names[] = {"Strong (;)", "Hevy (,)", "FitNotes (,)"};
  static const char delims[] = {';', ',', ','};
  text texts[3] = {strong(), hevy(), fitnotes()};
  double worst = 0, worst_floor = 0;
  const char *worst_name = "";
  printf("%d sets each, median of %d runs\n", SETS, rounds);
  printf("%-14s %9s %12s %12s %8s\n", "format", "MB", "libcsv, ms", "parse, ms", "ratio");
  for (int i = 0; i < 3; i++) {
    double fl, pa;
    size_t rows = 0;
    measure(&texts[i], delims[i], rounds, &fl, &pa, &rows);
    if (rows != SETS) {
      fprintf(stderr, "bench_train_import: %s: %zu sets read of %d\n", names[i], rows, SETS);
      return 1;
    }
    printf("%-14s %9.1f %12.1f %12.1f %8.1f\n", names[i], (double)texts[i].len / 1e6, fl, pa,
           pa / fl);
    if (pa > worst)
      worst = pa, worst_floor = fl, worst_name = names[i];
    free(texts[i].p);
  }
  printf("@figure\ttrain_import\ttrain.import's parse of 50,000 sets, slowest format, against "
         "libcsv alone (%.1f ms)\t< %.0f ms\t%.1f ms (%s, %.1fx libcsv)\t%s\n",
         worst_floor, TARGET_MS, worst, worst_name, worst / worst_floor,
         worst < TARGET_MS ? "pass" : "miss");
  return 0;
}
