/* The workout-log importers (import.h): the header names the format and its columns, then each
 * row becomes a set or a skip with its reason. import_csv.c finds the rows, import_values.c reads
 * the cells; this file knows the three formats.
 *
 * Memory: the strings of every row and skip live in one store of large blocks, freed at once by
 * train_import_free; a 50,000-set history makes a few hundred allocations, not 200,000. */
#include "import.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_csv.h"
#include "import_values.h"
#include "util.h"

#define LB_TO_KG 0.45359237 /* the international pound, exactly */
#define MAX_REPS 100000u
#define MAX_SECONDS 10000000u /* 115 days: more is no set's duration */
#define MAX_WEIGHT_KG 100000.0
#define QUOTE_MAX 48 /* bytes of a cell quoted back in a skip's reason */

/* ---- the string store ------------------------------------------------------------------ */

typedef struct block {
  struct block *next;
  size_t used, cap;
  char data[];
} block;

typedef struct store {
  block *head;
} store;

static char *store_alloc(store *st, size_t n) {
  block *b = st->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > 60000 ? n : 60000;
    b = lbu_xmalloc(sizeof(*b) + cap);
    b->next = st->head, b->used = 0, b->cap = cap;
    st->head = b;
  }
  char *p = b->data + b->used;
  b->used += n;
  return p;
}

static const char *store_str(store *st, const char *s, size_t n) {
  if (n == 0)
    return "";
  char *p = store_alloc(st, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static void store_free(store *st) {
  for (block *b = st ? st->head : NULL, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(st);
}

/* ---- the formats ------------------------------------------------------------------------ */

/* What a column holds, whatever a format calls it. */
typedef enum col {
  C_DATE,       /* the workout's start (FitNotes: its date) */
  C_END,        /* Hevy end_time */
  C_NAME,       /* the workout's name */
  C_DURATION,   /* the workout's length in words ("1h 43m") */
  C_DURATION_S, /* the workout's length in seconds */
  C_EXERCISE,
  C_CATEGORY,
  C_SET_ORDER, /* Strong: a number, W, D, F, or a pseudo-row's name */
  C_SET_TYPE,  /* Hevy: normal, warmup, dropset, failure */
  C_WEIGHT,
  C_WEIGHT_UNIT,
  C_REPS,
  C_RPE,
  C_SECONDS, /* the set's duration in seconds */
  C_TIME,    /* the set's duration as a clock, "1:30" */
  C_NOTES,
  N_COLS
} col;

typedef enum unit { U_NONE, U_KG, U_LB } unit;

typedef struct column_name {
  const char *name;
  col col;
  unit unit; /* for C_WEIGHT: the unit its name gives */
} column_name;

static const column_name strong_columns[] = {
    {"Date", C_DATE, U_NONE},
    {"Workout Name", C_NAME, U_NONE},
    {"Duration", C_DURATION, U_NONE},
    {"Workout Duration", C_DURATION, U_NONE},
    {"Duration (sec)", C_DURATION_S, U_NONE},
    {"Exercise Name", C_EXERCISE, U_NONE},
    {"Set Order", C_SET_ORDER, U_NONE},
    {"Weight", C_WEIGHT, U_NONE},
    {"Weight (kg)", C_WEIGHT, U_KG},
    {"Weight (kgs)", C_WEIGHT, U_KG},
    {"kg", C_WEIGHT, U_KG}, /* the oldest layout names the column by its unit */
    {"kgs", C_WEIGHT, U_KG},
    {"Weight (lbs)", C_WEIGHT, U_LB},
    {"Weight (lb)", C_WEIGHT, U_LB},
    {"lbs", C_WEIGHT, U_LB},
    {"lb", C_WEIGHT, U_LB},
    {"Weight Unit", C_WEIGHT_UNIT, U_NONE},
    {"Reps", C_REPS, U_NONE},
    {"RPE", C_RPE, U_NONE},
    {"Seconds", C_SECONDS, U_NONE},
    {"Notes", C_NOTES, U_NONE},
};

static const column_name hevy_columns[] = {
    {"title", C_NAME, U_NONE},
    {"start_time", C_DATE, U_NONE},
    {"end_time", C_END, U_NONE},
    {"exercise_title", C_EXERCISE, U_NONE},
    {"exercise_notes", C_NOTES, U_NONE},
    {"set_type", C_SET_TYPE, U_NONE},
    {"weight_kg", C_WEIGHT, U_KG},
    {"weight_lbs", C_WEIGHT, U_LB},
    {"reps", C_REPS, U_NONE},
    {"duration_seconds", C_SECONDS, U_NONE},
    {"rpe", C_RPE, U_NONE},
};

static const column_name fitnotes_columns[] = {
    {"Date", C_DATE, U_NONE},
    {"Exercise", C_EXERCISE, U_NONE},
    {"Category", C_CATEGORY, U_NONE},
    {"Weight", C_WEIGHT, U_NONE},
    {"Weight (kgs)", C_WEIGHT, U_KG},
    {"Weight (kg)", C_WEIGHT, U_KG},
    {"Weight (lbs)", C_WEIGHT, U_LB},
    {"Weight (lb)", C_WEIGHT, U_LB},
    {"Weight Unit", C_WEIGHT_UNIT, U_NONE},
    {"Reps", C_REPS, U_NONE},
    {"Time", C_TIME, U_NONE},
    {"Comment", C_NOTES, U_NONE},
};

typedef struct format_info {
  train_import_format format;
  const char *name;  /* "Strong" */
  const char *owner; /* "Strong's" */
  const column_name *columns;
  size_t n_columns;
  const char *marks[2]; /* the header names that say it is this format (all of them) */
} format_info;

static const format_info formats[] = {
    {TRAIN_IMPORT_HEVY,
     "Hevy",
     "Hevy's",
     hevy_columns,
     LBU_ARRAY_SIZE(hevy_columns),
     {"exercise_title", "start_time"}},
    {TRAIN_IMPORT_STRONG,
     "Strong",
     "Strong's",
     strong_columns,
     LBU_ARRAY_SIZE(strong_columns),
     {"Exercise Name", NULL}},
    {TRAIN_IMPORT_FITNOTES,
     "FitNotes",
     "FitNotes'",
     fitnotes_columns,
     LBU_ARRAY_SIZE(fitnotes_columns),
     {"Exercise", "Category"}},
};

static const format_info *format_info_of(train_import_format f) {
  for (size_t i = 0; i < LBU_ARRAY_SIZE(formats); i++)
    if (formats[i].format == f)
      return &formats[i];
  return NULL;
}

const char *train_import_format_name(train_import_format f) {
  switch (f) {
  case TRAIN_IMPORT_STRONG:
    return "strong";
  case TRAIN_IMPORT_HEVY:
    return "hevy";
  case TRAIN_IMPORT_FITNOTES:
    return "fitnotes";
  case TRAIN_IMPORT_AUTO:
    break;
  }
  return "auto";
}

int train_import_format_parse(const char *name, train_import_format *ret) {
  static const train_import_format all[] = {TRAIN_IMPORT_AUTO, TRAIN_IMPORT_STRONG,
                                            TRAIN_IMPORT_HEVY, TRAIN_IMPORT_FITNOTES};
  for (size_t i = 0; name && i < LBU_ARRAY_SIZE(all); i++)
    if (strcasecmp(name, train_import_format_name(all[i])) == 0) {
      *ret = all[i];
      return 0;
    }
  return -EINVAL;
}

/* ---- counting: sets per exercise in a workout, and the workouts -------------------------- */

/* An open-addressing set of (workout start, workout name, exercise or NULL), with a count. */
typedef struct tally_slot {
  uint64_t hash; /* 0: empty */
  int64_t when;
  const char *name, *exercise;
  uint32_t count;
} tally_slot;

typedef struct tally {
  tally_slot *slots;
  size_t cap, used; /* cap a power of two */
  tally_slot *last; /* the last one found: the next row is most often in the same */
} tally;

static int64_t when_of(const train_local_time *t) {
  return ((((int64_t)t->year * 13 + t->month) * 32 + t->day) * 24 + t->hour) * 3600 +
         t->minute * 60 + t->second;
}

static uint64_t hash_bytes(uint64_t h, const char *s) {
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ull; /* FNV-1a */
  return h;
}

static uint64_t tally_hash(int64_t when, const char *name, const char *exercise) {
  uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)when;
  h = hash_bytes(h * 0x100000001b3ull, name);
  if (exercise)
    h = hash_bytes(h ^ 0xff, exercise);
  return h ? h : 1;
}

static bool tally_same(const tally_slot *s, int64_t when, const char *name, const char *exercise) {
  return s->when == when && strcmp(s->name, name) == 0 &&
         (exercise ? s->exercise && strcmp(s->exercise, exercise) == 0 : !s->exercise);
}

/* The slot of the key, made (count 0, strings kept as given) if new. */
static tally_slot *tally_get(tally *t, int64_t when, const char *name, const char *exercise) {
  if (t->last && tally_same(t->last, when, name, exercise))
    return t->last;
  if (2 * (t->used + 1) > t->cap) {
    tally old = *t;
    t->cap = old.cap ? 2 * old.cap : 1024;
    t->slots = lbu_xcalloc(t->cap, sizeof(*t->slots));
    t->last = NULL;
    t->used = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.slots[i].hash) {
        size_t j = old.slots[i].hash & (t->cap - 1);
        while (t->slots[j].hash)
          j = (j + 1) & (t->cap - 1);
        t->slots[j] = old.slots[i];
        t->used++;
      }
    free(old.slots);
  }
  uint64_t h = tally_hash(when, name, exercise);
  size_t j = h & (t->cap - 1);
  for (;; j = (j + 1) & (t->cap - 1)) {
    tally_slot *s = &t->slots[j];
    if (!s->hash) {
      *s = (tally_slot){.hash = h, .when = when, .name = name, .exercise = exercise};
      t->used++;
      return t->last = s;
    }
    if (s->hash == h && tally_same(s, when, name, exercise))
      return t->last = s;
  }
}

/* ---- the parse ------------------------------------------------------------------------- */

typedef struct parse {
  train_import *out;
  store *st;
  const format_info *fmt;
  train_import_format want;
  unit default_unit;
  char *err;
  size_t errlen;
  int failed; /* a file-level error, in err */
  bool header_read;
  size_t n_header;
  int cols[N_COLS];              /* field index of each, or -1 */
  const char *col_names[N_COLS]; /* each as the header writes it, for the reasons */
  unit weight_unit;              /* from the weight column's name */
  size_t cap_rows, cap_skips;
  tally sets, sessions;
} parse;

static int fail(parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse *ps, const char *fmt, ...) {
  if (ps->err && ps->errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
  }
  ps->failed = -EINVAL;
  return -EINVAL;
}

static void add_skip(parse *ps, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_skip(parse *ps, size_t line, const char *fmt, ...) {
  char why[512];
  int n = snprintf(why, sizeof(why), "line %zu: ", line);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why + n, sizeof(why) - (size_t)n, fmt, ap);
  va_end(ap);
  train_import *t = ps->out;
  if (t->n_skips == ps->cap_skips) {
    ps->cap_skips = ps->cap_skips ? 2 * ps->cap_skips : 64;
    t->skips = lbu_xrealloc(t->skips, ps->cap_skips * sizeof(*t->skips));
  }
  t->skips[t->n_skips++] = (train_import_skip){line, store_str(ps->st, why, strlen(why))};
}

/* A cell as a reason quotes it: at most QUOTE_MAX bytes, cut on a character boundary and marked
 * with "...", line breaks and tabs shown as spaces. */
static const char *quoted(const char *s, size_t n, char *buf, size_t len) {
  size_t cut = n;
  if (cut > QUOTE_MAX) {
    cut = QUOTE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
      cut--; /* not inside a UTF-8 sequence */
  }
  size_t i = 0;
  for (; i < cut && i + 4 < len; i++)
    buf[i] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
  if (cut < n && i + 4 <= len)
    memcpy(buf + i, "...", 3), i += 3;
  buf[i] = '\0';
  return buf;
}

/* A field without the blanks around it (libcsv trims unquoted ones; quoted ones keep theirs). */
static const char *trimmed(const char *s, size_t *ret_len) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    n--;
  *ret_len = n;
  return s;
}

static bool header_has(const char *const *fields, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *f = trimmed(fields[i], &len);
    if (len == strlen(name) && strncasecmp(f, name, len) == 0)
      return true;
  }
  return false;
}

static bool format_marked(const format_info *fi, const char *const *fields, size_t n) {
  for (size_t k = 0; k < 2 && fi->marks[k]; k++)
    if (!header_has(fields, n, fi->marks[k]))
      return false;
  return true;
}

/* The header: which format, and where each column is. Returns 0 or -EINVAL (in ps->err). */
static int read_header(parse *ps, const char *const *fields, size_t n) {
  static const char *const required_what[N_COLS] = {
      [C_DATE] = "the workout's date", [C_EXERCISE] = "the exercise", [C_REPS] = "the reps"};
  const format_info *fi = NULL;
  if (ps->want == TRAIN_IMPORT_AUTO) {
    for (size_t i = 0; i < LBU_ARRAY_SIZE(formats) && !fi; i++)
      if (format_marked(&formats[i], fields, n))
        fi = &formats[i];
    if (!fi)
      return fail(ps,
                  "the header is not Strong's, Hevy's or FitNotes': it has no \"Exercise Name\" "
                  "column (Strong), no \"exercise_title\" and \"start_time\" (Hevy), and no "
                  "\"Exercise\" and \"Category\" (FitNotes); export the workouts again, with the "
                  "app in English");
  } else {
    fi = format_info_of(ps->want);
    if (!format_marked(fi, fields, n)) {
      const format_info *other = NULL;
      for (size_t i = 0; i < LBU_ARRAY_SIZE(formats) && !other; i++)
        if (&formats[i] != fi && format_marked(&formats[i], fields, n))
          other = &formats[i];
      char marks[64];
      if (fi->marks[1])
        snprintf(marks, sizeof(marks), "\"%s\" and \"%s\" columns", fi->marks[0], fi->marks[1]);
      else
        snprintf(marks, sizeof(marks), "\"%s\" column", fi->marks[0]);
      return fail(ps, "the header is not %s: it has no %s%s%s", fi->owner, marks,
                  other ? "; it looks like " : "", other ? other->owner : "");
    }
  }
  ps->fmt = fi;
  ps->out->format = fi->format;
  ps->n_header = n;
  for (int c = 0; c < N_COLS; c++)
    ps->cols[c] = -1;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *f = trimmed(fields[i], &len);
    for (size_t k = 0; k < fi->n_columns; k++) {
      const column_name *cn = &fi->columns[k];
      if (len != strlen(cn->name) || strncasecmp(f, cn->name, len) != 0)
        continue;
      if (ps->cols[cn->col] >= 0)
        return fail(ps, "the header has both \"%s\" and \"%s\": which one to read is not clear",
                    ps->col_names[cn->col], store_str(ps->st, f, len));
      ps->cols[cn->col] = (int)i;
      ps->col_names[cn->col] = store_str(ps->st, f, len);
      if (cn->col == C_WEIGHT)
        ps->weight_unit = cn->unit;
    }
  }
  for (int c = 0; c < N_COLS; c++)
    if (required_what[c] && ps->cols[c] < 0) {
      const char *name = NULL;
      for (size_t k = 0; k < fi->n_columns && !name; k++)
        if (fi->columns[k].col == (col)c)
          name = fi->columns[k].name;
      return fail(ps, "the %s header has no \"%s\" column, which holds %s", fi->name, name,
                  required_what[c]);
    }
  if (ps->cols[C_WEIGHT] >= 0 && ps->weight_unit == U_NONE && ps->cols[C_WEIGHT_UNIT] < 0 &&
      ps->default_unit == U_NONE)
    return fail(ps,
                "the file does not say the unit of its weights (its \"%s\" column has no unit and "
                "there is no \"Weight Unit\" column): say whether they are kg or lb",
                ps->col_names[C_WEIGHT]);
  return 0;
}

static const char *cell(parse *ps, const char *const *fields, col c, size_t *len) {
  if (ps->cols[c] < 0) {
    *len = 0;
    return "";
  }
  return trimmed(fields[ps->cols[c]], len);
}

/* The first len bytes of s (at most size - 1) as a C string in buf. */
static void copy_cell(char *buf, size_t size, const char *s, size_t len) {
  size_t n = len < size ? len : size - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
}

/* A cell without its surrounding blanks as a C string of its own, var (cut at 95 bytes, which
 * var_len >= sizeof(var) tells), and var_src, the cell itself, for quoting it back whole. */
#define CELL(var, c)                                                                               \
  char var[96];                                                                                    \
  size_t var##_len;                                                                                \
  const char *var##_src = cell(ps, fields, c, &var##_len);                                         \
  copy_cell(var, sizeof(var), var##_src, var##_len)

/* Reads a whole-number cell; false after adding a skip. An empty cell is 0. */
static bool read_whole(parse *ps, size_t line, const char *const *fields, col c, uint32_t max,
                       uint32_t *ret) {
  CELL(text, c);
  char q[QUOTE_MAX + 8];
  *ret = 0;
  if (!text_len)
    return true;
  int r = text_len >= sizeof(text) ? -EINVAL : train_import__whole(text, max, ret);
  if (r == 0)
    return true;
  double v;
  if (r == -ERANGE)
    add_skip(ps, line, "%s \"%s\" is too large", ps->col_names[c],
             quoted(text_src, text_len, q, sizeof(q)));
  else if (text_len < sizeof(text) && train_import__number(text, &v) == 0)
    add_skip(ps, line, "%s \"%s\" is not a whole number", ps->col_names[c],
             quoted(text_src, text_len, q, sizeof(q)));
  else
    add_skip(ps, line, "%s \"%s\" is not a number", ps->col_names[c],
             quoted(text_src, text_len, q, sizeof(q)));
  return false;
}

static bool read_time(parse *ps, size_t line, const char *const *fields, train_local_time *t) {
  CELL(text, C_DATE);
  char q[QUOTE_MAX + 8];
  const char *name = ps->col_names[C_DATE];
  if (!text_len) {
    add_skip(ps, line, "%s is empty", name);
    return false;
  }
  int r = -EINVAL;
  const char *form = "";
  if (text_len < sizeof(text)) {
    switch (ps->fmt->format) {
    case TRAIN_IMPORT_STRONG:
      r = train_import__iso_time(text, true, t);
      form = "a date and time like 2024-03-01 18:00:00";
      break;
    case TRAIN_IMPORT_HEVY:
      r = train_import__hevy_time(text, t);
      form = "a date and time like \"1 Mar 2024, 18:00\"";
      break;
    default:
      r = train_import__iso_time(text, false, t);
      form = "a date like 2024-03-01";
      break;
    }
  }
  if (r == -ERANGE)
    add_skip(ps, line, "%s \"%s\" is not a real date%s", name,
             quoted(text_src, text_len, q, sizeof(q)),
             ps->fmt->format == TRAIN_IMPORT_FITNOTES ? "" : " and time");
  else if (r < 0)
    add_skip(ps, line, "%s \"%s\" is not %s", name, quoted(text_src, text_len, q, sizeof(q)), form);
  return r == 0;
}

/* Strong's Set Order: false after a skip (a pseudo-row or an unknown tag). */
static bool read_set_order(parse *ps, size_t line, const char *const *fields, bool *warmup) {
  CELL(text, C_SET_ORDER);
  char q[QUOTE_MAX + 8];
  uint32_t n;
  *warmup = false;
  if (!text_len || (text_len < sizeof(text) && train_import__whole(text, UINT32_MAX, &n) == 0))
    return true;
  if (strcasecmp(text, "W") == 0) {
    *warmup = true;
    return true;
  }
  if (strcasecmp(text, "D") == 0 || strcasecmp(text, "F") == 0)
    return true; /* a drop set, a set to failure: sets like the others */
  if (strcasecmp(text, "Rest Timer") == 0)
    add_skip(ps, line, "a rest timer, not a set");
  else if (strcasecmp(text, "Note") == 0)
    add_skip(ps, line, "an exercise note, not a set");
  else
    add_skip(ps, line, "%s \"%s\" is not a set number, W, D or F", ps->col_names[C_SET_ORDER],
             quoted(text_src, text_len, q, sizeof(q)));
  return false;
}

static bool read_set_type(parse *ps, size_t line, const char *const *fields, bool *warmup) {
  CELL(text, C_SET_TYPE);
  char q[QUOTE_MAX + 8];
  *warmup = false;
  if (!text_len || strcasecmp(text, "normal") == 0 || strcasecmp(text, "dropset") == 0 ||
      strcasecmp(text, "failure") == 0)
    return true;
  if (strcasecmp(text, "warmup") == 0) {
    *warmup = true;
    return true;
  }
  add_skip(ps, line, "%s \"%s\" is not normal, warmup, dropset or failure",
           ps->col_names[C_SET_TYPE], quoted(text_src, text_len, q, sizeof(q)));
  return false;
}

/* The weight in kg, or none; false after a skip. */
static bool read_weight(parse *ps, size_t line, const char *const *fields, train_import_row *row,
                        bool *used_default) {
  CELL(text, C_WEIGHT);
  char q[QUOTE_MAX + 8];
  const char *name = ps->col_names[C_WEIGHT];
  double v = 0;
  row->has_weight = false, row->weight_kg = 0;
  if (!text_len)
    return true;
  int r = text_len < sizeof(text) ? train_import__number(text, &v) : -EINVAL;
  if (r < 0) {
    add_skip(ps, line, "%s \"%s\" is not a number", name, quoted(text_src, text_len, q, sizeof(q)));
    return false;
  }
  if (v < 0) {
    add_skip(ps, line, "%s \"%s\" is below zero", name, quoted(text_src, text_len, q, sizeof(q)));
    return false;
  }
  if (v == 0)
    return true;
  unit u = ps->weight_unit;
  if (u == U_NONE && ps->cols[C_WEIGHT_UNIT] >= 0) {
    CELL(utext, C_WEIGHT_UNIT);
    if (!utext_len) {
      add_skip(ps, line, "%s %s has no unit: the %s cell is empty", name, text,
               ps->col_names[C_WEIGHT_UNIT]);
      return false;
    }
    if (strcasecmp(utext, "kg") == 0 || strcasecmp(utext, "kgs") == 0)
      u = U_KG;
    else if (strcasecmp(utext, "lb") == 0 || strcasecmp(utext, "lbs") == 0)
      u = U_LB;
    else {
      add_skip(ps, line, "%s \"%s\" is not kg or lbs", ps->col_names[C_WEIGHT_UNIT],
               quoted(utext_src, utext_len, q, sizeof(q)));
      return false;
    }
  } else if (u == U_NONE) {
    u = ps->default_unit; /* read_header made sure there is one */
    *used_default = true;
  }
  double kg = u == U_LB ? v * LB_TO_KG : v;
  if (kg > MAX_WEIGHT_KG) {
    add_skip(ps, line, "%s \"%s\" is too large", name, quoted(text_src, text_len, q, sizeof(q)));
    return false;
  }
  row->has_weight = true, row->weight_kg = kg;
  return true;
}

static bool read_rpe(parse *ps, size_t line, const char *const *fields, double *rpe) {
  CELL(text, C_RPE);
  char q[QUOTE_MAX + 8];
  double v;
  *rpe = 0;
  if (!text_len)
    return true;
  if (text_len >= sizeof(text) || train_import__number(text, &v) < 0) {
    add_skip(ps, line, "%s \"%s\" is not a number", ps->col_names[C_RPE],
             quoted(text_src, text_len, q, sizeof(q)));
    return false;
  }
  if (v < 0 || v > 10) {
    add_skip(ps, line, "%s \"%s\" is not between 0 and 10", ps->col_names[C_RPE],
             quoted(text_src, text_len, q, sizeof(q)));
    return false;
  }
  *rpe = v;
  return true;
}

/* The set's duration: seconds, or FitNotes' clock. */
static bool read_seconds(parse *ps, size_t line, const char *const *fields, uint32_t *ret) {
  if (ps->cols[C_SECONDS] >= 0)
    return read_whole(ps, line, fields, C_SECONDS, MAX_SECONDS, ret);
  CELL(text, C_TIME);
  char q[QUOTE_MAX + 8];
  *ret = 0;
  if (!text_len)
    return true;
  if (text_len < sizeof(text) && train_import__clock_seconds(text, ret) == 0)
    return true;
  add_skip(ps, line, "%s \"%s\" is not a duration like 1:30 or 0:01:30", ps->col_names[C_TIME],
           quoted(text_src, text_len, q, sizeof(q)));
  return false;
}

/* The workout's length: 0 when the file does not give it or it cannot be read. It describes the
 * workout, not the set, so an odd one does not cost the set. */
static uint32_t workout_seconds(parse *ps, const char *const *fields,
                                const train_local_time *start) {
  uint32_t s = 0;
  if (ps->cols[C_DURATION_S] >= 0) {
    CELL(text, C_DURATION_S);
    if (text_len && text_len < sizeof(text) && train_import__whole(text, UINT32_MAX, &s) == 0)
      return s;
  } else if (ps->cols[C_DURATION] >= 0) {
    CELL(text, C_DURATION);
    if (text_len && text_len < sizeof(text) && train_import__duration_text(text, &s) == 0)
      return s;
  } else if (ps->cols[C_END] >= 0) {
    CELL(text, C_END);
    train_local_time end;
    if (text_len && text_len < sizeof(text) && train_import__hevy_time(text, &end) == 0) {
      int64_t d = train_import__seconds_between(start, &end);
      if (d >= 0 && d <= UINT32_MAX)
        return (uint32_t)d;
    }
  }
  return 0;
}

static const char *text_of(parse *ps, const char *const *fields, col c) {
  size_t len;
  const char *s = cell(ps, fields, c, &len);
  return store_str(ps->st, s, len);
}

/* One data row: a set added to out->rows, or a skip. */
static void read_row(parse *ps, size_t line, const char *const *fields, size_t n) {
  if (n != ps->n_header) {
    add_skip(ps, line, "the row has %zu field%s where the header has %zu", n, n == 1 ? "" : "s",
             ps->n_header);
    return;
  }
  train_import_row row = {.line = line};
  bool warmup = false;
  size_t ex_len;
  const char *ex = cell(ps, fields, C_EXERCISE, &ex_len);
  if (ps->fmt->format == TRAIN_IMPORT_STRONG) {
    if (ex_len == 10 && strncasecmp(ex, "Rest Timer", 10) == 0) {
      add_skip(ps, line, "a rest timer, not a set");
      return;
    }
    if (!read_set_order(ps, line, fields, &warmup))
      return;
  }
  if (!read_time(ps, line, fields, &row.workout))
    return;
  if (!ex_len) {
    add_skip(ps, line, "%s is empty", ps->col_names[C_EXERCISE]);
    return;
  }
  if (ps->fmt->format == TRAIN_IMPORT_HEVY && !read_set_type(ps, line, fields, &warmup))
    return;
  if (!read_whole(ps, line, fields, C_REPS, MAX_REPS, &row.reps) ||
      !read_seconds(ps, line, fields, &row.seconds))
    return;
  if (!row.reps && !row.seconds) {
    add_skip(ps, line, "neither reps nor a duration: not a set");
    return;
  }
  bool used_default = false;
  if (!read_weight(ps, line, fields, &row, &used_default) || !read_rpe(ps, line, fields, &row.rpe))
    return;
  row.warmup = warmup;
  row.workout_seconds = workout_seconds(ps, fields, &row.workout);

  /* The workout and exercise strings are kept once, in the tallies, and shared by their rows;
   * they are looked up from a copy on the stack and stored only when new. */
  size_t name_len;
  const char *name = cell(ps, fields, C_NAME, &name_len);
  char name_buf[256], ex_buf[256];
  const char *name_key, *ex_key;
  if (name_len < sizeof(name_buf)) {
    memcpy(name_buf, name, name_len);
    name_buf[name_len] = '\0';
    name_key = name_buf;
  } else {
    name_key = store_str(ps->st, name, name_len);
  }
  if (ex_len < sizeof(ex_buf)) {
    memcpy(ex_buf, ex, ex_len);
    ex_buf[ex_len] = '\0';
    ex_key = ex_buf;
  } else {
    ex_key = store_str(ps->st, ex, ex_len);
  }
  int64_t when = when_of(&row.workout);
  tally_slot *w = tally_get(&ps->sessions, when, name_key, NULL);
  if (w->count++ == 0)
    w->name = name_key == name_buf ? store_str(ps->st, name, name_len) : name_key;
  tally_slot *s = tally_get(&ps->sets, when, w->name, ex_key);
  if (s->count == 0)
    s->exercise = ex_key == ex_buf ? store_str(ps->st, ex, ex_len) : ex_key;
  row.set_index = ++s->count;
  row.workout_name = w->name;
  row.exercise = s->exercise;
  row.category = text_of(ps, fields, C_CATEGORY);
  row.note = text_of(ps, fields, C_NOTES);
  if (used_default)
    ps->out->default_unit_used = true;

  train_import *t = ps->out;
  if (t->n_rows == ps->cap_rows) {
    ps->cap_rows = ps->cap_rows ? 2 * ps->cap_rows : 256;
    t->rows = lbu_xrealloc(t->rows, ps->cap_rows * sizeof(*t->rows));
  }
  t->rows[t->n_rows++] = row;
}

static bool on_row(void *ctx, size_t line, const char *const *fields, size_t n) {
  parse *ps = ctx;
  if (ps->failed)
    return false;
  if (!ps->header_read) {
    ps->header_read = true;
    return read_header(ps, fields, n) == 0;
  }
  read_row(ps, line, fields, n);
  return true;
}

static void on_broken(void *ctx, size_t first, size_t last, const char *why) {
  parse *ps = ctx;
  if (ps->failed)
    return;
  if (!ps->header_read) {
    fail(ps, "line %zu: %s: the header cannot be read", first, why);
    ps->header_read = true;
    return;
  }
  if (first == last)
    add_skip(ps, first, "%s; the row is not read", why);
  else
    add_skip(ps, first, "%s; lines %zu-%zu are not read", why, first, last);
}

/* Whether data is UTF-8 without NUL: ASCII eight bytes at a time (most exports are), the rest
 * from the first word that is not by lbu_utf8_valid. */
static bool utf8_text(const char *data, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, data + i, 8);
    /* a byte with its high bit set, or a zero byte (Mycroft's test) */
    if ((w & 0x8080808080808080ull) || ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
      break;
  }
  return lbu_utf8_valid(data + i, len - i);
}

/* The line of the first byte that is not UTF-8, for the error. */
static size_t first_bad_line(const char *data, size_t len) {
  size_t line = 1;
  for (const char *p = data, *end = data + len; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (!lbu_utf8_valid(p, n))
      return line;
    p += n + 1;
  }
  return line;
}

int train_import_parse(const char *data, size_t len, train_import_format format,
                       const char *default_unit, train_import *out, char *err, size_t errlen) {
  parse ps = {.out = out, .want = format, .err = err, .errlen = errlen};
  *out = (train_import){.format = format};
  if (err && errlen)
    err[0] = '\0';
  if (!format_info_of(format) && format != TRAIN_IMPORT_AUTO)
    return fail(&ps, "format %d is not one of auto, strong, hevy or fitnotes", (int)format);
  if (default_unit) {
    if (strcasecmp(default_unit, "kg") == 0 || strcasecmp(default_unit, "kgs") == 0)
      ps.default_unit = U_KG;
    else if (strcasecmp(default_unit, "lb") == 0 || strcasecmp(default_unit, "lbs") == 0)
      ps.default_unit = U_LB;
    else
      return fail(&ps, "the default unit \"%s\" is not kg or lb", default_unit);
  }
  if (!data)
    data = "", len = 0;
  if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
    data += 3, len -= 3; /* a UTF-8 byte order mark, as spreadsheets write */
  if (!utf8_text(data, len))
    return fail(&ps, "the file is not UTF-8 text (line %zu holds a byte that is not UTF-8%s)",
                first_bad_line(data, len),
                memchr(data, '\0', len) ? ", or a NUL: a binary file?" : "");
  size_t start = 0;
  while (start < len && (data[start] == '\n' || data[start] == '\r'))
    start++;
  if (start == len)
    return fail(&ps, "the file is empty");
  char delim = train_import__csv_delimiter(data + start, len - start);
  if (!delim)
    return fail(&ps, "the first line has no ',' or ';': it is not the CSV of a workout export");

  ps.st = lbu_xcalloc(1, sizeof(*ps.st));
  out->store_ = ps.st;
  train_import__csv_handlers h = {.row = on_row, .broken = on_broken, .ctx = &ps};
  train_import__csv_read(data, len, delim, &h);
  free(ps.sets.slots);
  free(ps.sessions.slots);
  if (ps.failed) {
    train_import_free(out);
    out->format = format;
    return ps.failed;
  }
  out->n_sessions = ps.sessions.used;
  return 0;
}

void train_import_free(train_import *t) {
  if (!t)
    return;
  free(t->rows);
  free(t->skips);
  store_free(t->store_);
  *t = (train_import){.format = t->format};
}

size_t train_import_key(const train_import_row *r, char *buf, size_t len) {
  const train_local_time *w = &r->workout;
  long long grams = r->has_weight ? llround(r->weight_kg * 1000.0) : 0;
  int n = snprintf(buf, len,
                   "%04d-%02d-%02d %02d:%02d:%02d|%" PRIu32 "|%s|%" PRIu32 "|%lld|%" PRIu32 "|%s",
                   w->year, w->month, w->day, w->hour, w->minute, w->second, r->set_index,
                   r->warmup ? "w" : "-", r->reps, grams, r->seconds, r->exercise);
  return n < 0 ? 0 : (size_t)n;
}
