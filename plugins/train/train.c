/* train — the stabiliser programme as a log of sets (DESIGN §6 "train").
 *
 * A set logged starts the exercise's rest through rest.start (host API 3's
 * call: the plugins stay unlinked), at once; the set is on disk (committed
 * and fsync'd) before train.log answers. Sets are grouped into sessions (no
 * gap of two hours between two sets), and the sets a rest routine of an
 * exercise's preset counts are logged as sets of that exercise.
 *
 * This file is the plugin: its settings, the storage, the declarations and
 * init. train_log.c holds the sets and the sessions. */
#include "train.h"

#include <errno.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

const lb_host *train_host;
lb_plugin *train_self;
train_settings train_cfg;

int64_t train_now_s(void) {
  return train_host->now_ms(LB_CLOCK_WALL) / 1000;
}

void train_slug(const char *name, char *out, size_t len) {
  size_t n = 0;
  bool dash = false;
  for (const char *c = name; *c && n + 1 < len; c++) {
    char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (dash && n && n + 2 < len)
        out[n++] = '-';
      out[n++] = ch;
      dash = false;
    } else {
      dash = true;
    }
  }
  out[n] = '\0';
}

const train_exercise *train_exercise_alias(const char *name) {
  char want[TRAIN_NAME_MAX];
  train_slug(name, want, sizeof(want));
  for (size_t i = 0; i < train_cfg.n_exercises; i++) {
    const train_exercise *e = &train_cfg.exercises[i];
    if (strcmp(e->name, want) == 0)
      return e;
    char copy[sizeof(e->aliases)], one[TRAIN_NAME_MAX];
    snprintf(copy, sizeof(copy), "%s", e->aliases);
    for (char *save = NULL, *tok = strtok_r(copy, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
      train_slug(tok, one, sizeof(one));
      if (one[0] && strcmp(one, want) == 0)
        return e;
    }
  }
  return NULL;
}

const train_exercise *train_exercise_find(const char *name) {
  for (size_t i = 0; i < train_cfg.n_exercises; i++)
    if (strcmp(train_cfg.exercises[i].name, name) == 0)
      return &train_cfg.exercises[i];
  return NULL;
}

/* ---- storage ------------------------------------------------------------------ */

static const char *const schema[] = {
    /* A set: when it was done, of what, how; its session. rir: reps in
     * reserve (NULL: not said); weight_kg NULL: no weight (bodyweight).
     * import_key: a set brought in from another app's export, so that the
     * same file imported twice is not doubled. */
    "CREATE TABLE train_sets(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  exercise TEXT NOT NULL, reps INTEGER NOT NULL, weight_kg REAL, rir REAL,"
    "  note TEXT NOT NULL DEFAULT '', session INTEGER NOT NULL,"
    "  warmup INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT 'log',"
    "  import_key TEXT UNIQUE, logged_at INTEGER NOT NULL);"
    "CREATE INDEX train_sets_at ON train_sets(at);"
    "CREATE INDEX train_sets_exercise ON train_sets(exercise, at);"
    "CREATE INDEX train_sets_session ON train_sets(session, exercise, at);"
    "CREATE TABLE train_sessions(id INTEGER PRIMARY KEY, start_at INTEGER NOT NULL,"
    "  end_at INTEGER NOT NULL);"
    "CREATE INDEX train_sessions_start ON train_sessions(start_at);"
    /* Warm-ups as the daemon heard of them (the warm-up preset run to its
     * end, the warm-up reminder marked done): a session is warmed up when
     * one came in the three hours before its first set. */
    "CREATE TABLE train_warmups(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, how TEXT NOT NULL);"
    "CREATE INDEX train_warmups_at ON train_warmups(at);",
    /* Version 2: a set timed rather than counted (a plank, from an import);
     * version 3: the heaviest set at a rep count found at once (records) */
    "ALTER TABLE train_sets ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0;",
    "CREATE INDEX train_sets_best ON train_sets(exercise, reps, weight_kg);",
    /* Version 4: and the first set to reach it */
    "DROP INDEX train_sets_best;"
    "CREATE INDEX train_sets_best ON train_sets(exercise, reps, weight_kg, at);",
    NULL};

/* ---- config ------------------------------------------------------------------------ */

/* The seed's exercise, when the config names none. */
static const train_exercise abduction = {
    .name = "abduction",
    .label = "abduction",
    .description = "Hip abduction machine on leg day, after calves: high-rep sets for the gluteus "
                   "medius and minimus, the stabilisers that take the load off your lower back.",
    .reps = "20-30",
    .weight = "light to moderate weight",
    .preset = "abduction",
    .rest = 90,
    .until = 120,
    .sets = 3,
    .target = 1,
    .aliases = "Hip Abduction (Machine); Hip Abductor (Machine); Hip Abduction; Abductor "
               "Machine",
};

bool train_valid_name(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n >= TRAIN_NAME_MAX)
    return false;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
      return false;
  return true;
}

static train_exercise *exercise_for(train_settings *s, const char *name) {
  for (size_t i = 0; i < s->n_exercises; i++)
    if (strcmp(s->exercises[i].name, name) == 0)
      return &s->exercises[i];
  s->exercises = lbu_xrealloc(s->exercises, (s->n_exercises + 1) * sizeof(train_exercise));
  train_exercise *e = &s->exercises[s->n_exercises++];
  *e = (train_exercise){.sets = 0};
  snprintf(e->name, sizeof(e->name), "%s", name);
  snprintf(e->label, sizeof(e->label), "%s", name);
  snprintf(e->preset, sizeof(e->preset), "%s", name);
  return e;
}

static bool config_seconds(const char *where, const char *key, const char *value, uint32_t *ret) {
  uint64_t v = 0;
  char err[256];
  bool parsed = train_host->parse_duration(value, &v, err, sizeof(err)) == 0;
  if (!parsed || v > 86400) {
    train_host->log(train_self, LB_LOG_WARNING, "[%s] %s = %s: %s; ignored", where, key, value,
                    parsed ? "at most a day" : err);
    return false;
  }
  *ret = (uint32_t)v;
  return true;
}

static bool config_count(const char *where, const char *key, const char *value, uint32_t max,
                         uint32_t *ret) {
  char *end;
  unsigned long v = strtoul(value, &end, 10);
  if (*end || !*value || v > max) {
    train_host->log(train_self, LB_LOG_WARNING, "[%s] %s = %s: a number from 0 to %u; ignored",
                    where, key, value, max);
    return false;
  }
  *ret = (uint32_t)v;
  return true;
}

static void exercise_key(train_exercise *e, const char *key, const char *value) {
  char where[128];
  snprintf(where, sizeof(where), "train.exercise.%s", e->name);
  if (!strcmp(key, "label"))
    snprintf(e->label, sizeof(e->label), "%s", value);
  else if (!strcmp(key, "description"))
    snprintf(e->description, sizeof(e->description), "%s", value);
  else if (!strcmp(key, "reps"))
    snprintf(e->reps, sizeof(e->reps), "%s", value);
  else if (!strcmp(key, "weight"))
    snprintf(e->weight, sizeof(e->weight), "%s", value);
  else if (!strcmp(key, "preset"))
    snprintf(e->preset, sizeof(e->preset), "%s", value);
  else if (!strcmp(key, "aliases"))
    snprintf(e->aliases, sizeof(e->aliases), "%s", value);
  else if (!strcmp(key, "rest"))
    config_seconds(where, key, value, &e->rest);
  else if (!strcmp(key, "until"))
    config_seconds(where, key, value, &e->until);
  else if (!strcmp(key, "sets"))
    config_count(where, key, value, 100, &e->sets);
  else if (!strcmp(key, "target"))
    config_count(where, key, value, 14, &e->target);
  else
    train_host->log(train_self, LB_LOG_WARNING,
                    "[%s] %s: unknown key (label, description, rest, until, sets, reps, weight, "
                    "preset, target, aliases); ignored",
                    where, key);
}

static void on_config(lb_plugin *p, const char *section, const char *key, const char *value,
                      void *ud) {
  (void)p;
  train_settings *s = ud;
  if (!section[0]) {
    if (!strcmp(key, "unit")) {
      if (!strcmp(value, "kg") || !strcmp(value, "lb"))
        s->lb = !strcmp(value, "lb");
      else
        train_host->log(train_self, LB_LOG_WARNING, "[train] unit = %s: kg or lb; kept %s", value,
                        s->lb ? "lb" : "kg");
    } else if (!strcmp(key, "warmup_reminder")) {
      snprintf(s->warmup_reminder, sizeof(s->warmup_reminder), "%s", value);
    } else if (!strcmp(key, "warmup_preset")) {
      snprintf(s->warmup_preset, sizeof(s->warmup_preset), "%s", value);
    } else {
      train_host->log(train_self, LB_LOG_WARNING,
                      "[train] %s: unknown key (unit, warmup_reminder, warmup_preset); ignored",
                      key);
    }
    return;
  }
  if (strncmp(section, "exercise.", 9) != 0) {
    train_host->log(train_self, LB_LOG_WARNING,
                    "[train.%s]: unknown section ([train.exercise.NAME]); ignored", section);
    return;
  }
  if (!train_valid_name(section + 9)) {
    train_host->log(train_self, LB_LOG_WARNING,
                    "[train.%s]: an exercise's name is lower-case letters, digits, - and _ "
                    "(abduction, split-squat); ignored",
                    section);
    return;
  }
  exercise_key(exercise_for(s, section + 9), key, value);
}

static void load_config(void) {
  train_settings s = {.warmup_reminder = "warmup", .warmup_preset = "warmup"};
  train_host->config_each(train_self, on_config, &s);
  if (s.n_exercises == 0) {
    s.exercises = lbu_xmalloc(sizeof(train_exercise));
    s.exercises[0] = abduction;
    s.n_exercises = 1;
  }
  free(train_cfg.exercises);
  train_cfg = s;
}

static void reload(lb_plugin *p) {
  (void)p;
  load_config();
}

/* ---- declarations ------------------------------------------------------------------------ */

#define F(n, t)                                                                                    \
  { .name = (n), .type = (t) }

static const lb_param log_params[] = {
    {.name = "exercise", .type = LB_T_STRING, .doc = "abduction, deadlift, ..."},
    {.name = "reps", .type = LB_T_UINT, .min = 0, .max = 1000, .doc = "repetitions done"},
    {0}};
static const lb_param log_options[] = {
    {.name = "weight", .type = LB_T_DOUBLE, .doc = "the load, in unit (the config's by default)"},
    {.name = "unit", .type = LB_T_STRING, .doc = "kg or lb"},
    {.name = "rir", .type = LB_T_DOUBLE, .doc = "reps in reserve, 0 to 10"},
    {.name = "note", .type = LB_T_STRING},
    {.name = "at", .type = LB_T_TIME, .doc = "unix seconds, to log an earlier set"},
    {.name = "rest", .type = LB_T_BOOL, .doc = "start the exercise's rest (true by default)"},
    {0}};
static const lb_param id_params[] = {
    {.name = "id", .type = LB_T_U64, .doc = "the set's id (train.history shows them)"}, {0}};
static const lb_param amend_options[] = {
    {.name = "exercise", .type = LB_T_STRING},
    {.name = "reps", .type = LB_T_UINT, .min = 0, .max = 1000},
    {.name = "weight", .type = LB_T_DOUBLE, .doc = "in unit; 0 for none"},
    {.name = "unit", .type = LB_T_STRING, .doc = "kg or lb"},
    {.name = "rir", .type = LB_T_DOUBLE, .doc = "0 to 10; -1 for none"},
    {.name = "note", .type = LB_T_STRING},
    {.name = "at", .type = LB_T_TIME},
    {0}};
static const lb_param history_options[] = {
    {.name = "exercise", .type = LB_T_STRING},
    {.name = "since", .type = LB_T_TIME},
    {.name = "until", .type = LB_T_TIME},
    {.name = "limit", .type = LB_T_UINT, .min = 1, .max = 100000, .doc = "100 by default"},
    {0}};
static const lb_param import_options[] = {
    {.name = "path", .type = LB_T_STRING, .doc = "the absolute path of the CSV export"},
    {.name = "format", .type = LB_T_STRING, .doc = "strong, hevy, fitnotes or auto (default)"},
    {.name = "unit", .type = LB_T_STRING, .doc = "kg or lb: weights of a file that does not say"},
    {0}};
static const lb_param progress_params[] = {
    {.name = "exercise", .type = LB_T_STRING, .doc = "abduction, ..."}, {0}};
static const lb_param progress_options[] = {
    {.name = "weeks", .type = LB_T_UINT, .min = 1, .max = 520, .doc = "12 by default"}, {0}};
static const lb_param export_options[] = {
    {.name = "format", .type = LB_T_STRING, .doc = "strong (default) or json"},
    {.name = "path", .type = LB_T_STRING, .doc = "write it to this file (absolute)"},
    {0}};
static const lb_param sessions_options[] = {
    {.name = "days", .type = LB_T_UINT, .min = 1, .max = 36500, .doc = "30 by default"}, {0}};

#define SET_FIELDS(p)                                                                              \
  F(p "id", LB_T_U64), F(p "at", LB_T_TIME), F(p "exercise", LB_T_STRING), F(p "set", LB_T_UINT),  \
      F(p "reps", LB_T_UINT), F(p "weight_kg", LB_T_DOUBLE), F(p "weight", LB_T_DOUBLE),           \
      F(p "unit", LB_T_STRING), F(p "rir", LB_T_DOUBLE), F(p "note", LB_T_STRING),                 \
      F(p "session", LB_T_U64), F(p "warmup", LB_T_BOOL), F(p "source", LB_T_STRING)
static const lb_field log_fields[] = {SET_FIELDS(""), F("rest_id", LB_T_U64), {0}};
static const lb_field set_fields[] = {SET_FIELDS(""), {0}};
static const lb_field removed_fields[] = {F("id", LB_T_U64), {0}};
static const lb_field session_fields[] = {F("id", LB_T_U64),
                                          F("start", LB_T_TIME),
                                          F("end", LB_T_TIME),
                                          F("exercises", LB_T_STRINGS),
                                          F("sets", LB_T_UINT),
                                          F("warmed_up", LB_T_BOOL),
                                          {0}};
static const lb_field exercise_fields[] = {
    F("name", LB_T_STRING),  F("label", LB_T_STRING),    F("description", LB_T_STRING),
    F("reps", LB_T_STRING),  F("weight", LB_T_STRING),   F("preset", LB_T_STRING),
    F("rest", LB_T_UINT),    F("until", LB_T_UINT),      F("sets", LB_T_UINT),
    F("target", LB_T_UINT),  F("configured", LB_T_BOOL), F("logged", LB_T_U64),
    F("last_at", LB_T_TIME), F("unit", LB_T_STRING),     {0}};
static const lb_field logged_fields[] = {F("id", LB_T_U64),          F("at", LB_T_TIME),
                                         F("exercise", LB_T_STRING), F("set", LB_T_UINT),
                                         F("reps", LB_T_UINT),       F("weight_kg", LB_T_DOUBLE),
                                         F("session", LB_T_U64),     F("rest_id", LB_T_U64),
                                         F("source", LB_T_STRING),   {0}};
static const lb_field import_fields[] = {F("format", LB_T_STRING),
                                         F("sets", LB_T_U64),
                                         F("sessions", LB_T_U64),
                                         F("skipped", LB_T_U64),
                                         F("duplicates", LB_T_U64),
                                         F("rows", LB_T_U64),
                                         F("default_unit_used", LB_T_BOOL),
                                         F("skipped_rows", LB_T_MAPS),
                                         F("skipped_rows.line", LB_T_U64),
                                         F("skipped_rows.why", LB_T_STRING),
                                         {0}};
static const lb_field progress_fields[] = {F("exercise", LB_T_STRING),
                                           F("target", LB_T_UINT),
                                           F("unit", LB_T_STRING),
                                           F("weeks", LB_T_MAPS),
                                           F("weeks.start", LB_T_TIME),
                                           F("weeks.end", LB_T_TIME),
                                           F("weeks.sessions", LB_T_U64),
                                           F("weeks.sets", LB_T_U64),
                                           F("weeks.reps", LB_T_U64),
                                           F("weeks.volume_kg", LB_T_DOUBLE),
                                           F("weeks.best_reps", LB_T_UINT),
                                           F("weeks.best_kg", LB_T_DOUBLE),
                                           F("weeks.best_e1rm_kg", LB_T_DOUBLE),
                                           F("weeks.kept", LB_T_BOOL),
                                           F("weeks.current", LB_T_BOOL),
                                           F("weeks_counted", LB_T_U64),
                                           F("weeks_kept", LB_T_U64),
                                           F("adherence", LB_T_DOUBLE),
                                           F("bests", LB_T_MAPS),
                                           F("bests.reps", LB_T_UINT),
                                           F("bests.weight_kg", LB_T_DOUBLE),
                                           F("bests.at", LB_T_TIME),
                                           F("bests.id", LB_T_U64),
                                           F("bests.e1rm_kg", LB_T_DOUBLE),
                                           F("e1rm", LB_T_MAP),
                                           F("e1rm.kg", LB_T_DOUBLE),
                                           F("e1rm.reps", LB_T_UINT),
                                           F("e1rm.weight_kg", LB_T_DOUBLE),
                                           F("e1rm.at", LB_T_TIME),
                                           F("e1rm.formula", LB_T_STRING),
                                           {0}};
static const lb_field record_fields[] = {F("id", LB_T_U64),
                                         F("exercise", LB_T_STRING),
                                         F("reps", LB_T_UINT),
                                         F("weight_kg", LB_T_DOUBLE),
                                         F("previous_kg", LB_T_DOUBLE),
                                         F("e1rm_kg", LB_T_DOUBLE),
                                         {0}};
static const lb_field export_fields[] = {F("format", LB_T_STRING), F("rows", LB_T_U64),
                                         F("bytes", LB_T_U64),     F("path", LB_T_STRING),
                                         F("text", LB_T_STRING),   {0}};
static const lb_field amended_fields[] = {F("id", LB_T_U64), F("exercise", LB_T_STRING), {0}};

static const lb_method methods[] = {
    {.name = "log",
     .doc = "Log a set; the exercise's rest starts at once (rest.start) unless rest is false. "
            "On disk before it answers.",
     .params = log_params,
     .options = log_options,
     .result = LB_T_MAP,
     .result_fields = log_fields,
     .handler = train_m_log},
    {.name = "amend",
     .doc = "Correct a set: the fields given change; answers the set as it now is.",
     .params = id_params,
     .options = amend_options,
     .result = LB_T_MAP,
     .result_fields = set_fields,
     .handler = train_m_amend},
    {.name = "remove",
     .doc = "Remove a set from the log.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = removed_fields,
     .handler = train_m_remove},
    {.name = "history",
     .doc = "Sets, newest first.",
     .options = history_options,
     .result = LB_T_MAPS,
     .result_fields = set_fields,
     .handler = train_m_history},
    {.name = "sessions",
     .doc = "Training sessions of the last days, newest first: sets with no gap of two hours.",
     .options = sessions_options,
     .result = LB_T_MAPS,
     .result_fields = session_fields,
     .handler = train_m_sessions},
    {.name = "progress",
     .doc = "An exercise week by week (sessions, sets, reps, volume, best set; warm-ups not "
            "counted), the weeks the programme's target was kept, and the bests: the heaviest set "
            "at each rep count and an estimated one-rep max (Epley, sets of 10 reps or fewer).",
     .params = progress_params,
     .options = progress_options,
     .result = LB_T_MAP,
     .result_fields = progress_fields,
     .handler = train_m_progress},
    {.name = "import",
     .doc = "Sets from another app's CSV export (Strong, Hevy, FitNotes); a row that cannot be "
            "read is counted and named, never guessed; a set imported before is not doubled.",
     .options = import_options,
     .result = LB_T_MAP,
     .result_fields = import_fields,
     .handler = train_m_import},
    {.name = "export",
     .doc = "The log as a Strong CSV export (train.import and Strong-compatible tools read it "
            "back) or as JSON: in the answer, or to a file (path).",
     .options = export_options,
     .result = LB_T_MAP,
     .result_fields = export_fields,
     .handler = train_m_export},
    {.name = "exercises",
     .doc = "The exercises of the config and those logged.",
     .result = LB_T_MAPS,
     .result_fields = exercise_fields,
     .handler = train_m_exercises},
};

static const lb_event events[] = {
    {.name = "logged", .doc = "A set was logged (on disk).", .fields = logged_fields},
    {.name = "amended", .doc = "A set was corrected.", .fields = amended_fields},
    {.name = "removed", .doc = "A set was removed.", .fields = removed_fields},
    {.name = "record",
     .doc = "A set heavier than every earlier one at its rep count (warm-ups not counted).",
     .fields = record_fields},
    {.name = "session_ended",
     .doc = "Two hours passed after a session's last set.",
     .fields = session_fields},
};

static int init(lb_plugin *p, const lb_host *h) {
  train_host = h;
  train_self = p;
  if (!LB_HOST_HAS(h, call)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old for the train plugin (host API %u)", h->api);
    return -ENOTSUP;
  }
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->db_migrate(p, schema) < 0)
    return -EIO;
  load_config();
  if (h->listen(p, "rest.set_done", train_on_event, NULL) < 0 ||
      h->listen(p, "rest.routine_done", train_on_event, NULL) < 0 ||
      h->listen(p, "reminders.done", train_on_event, NULL) < 0)
    return -EINVAL;
  return train_log_init();
}

static void shutdown(lb_plugin *p) {
  (void)p;
  train_log_shutdown();
  train_import_shutdown();
  free(train_cfg.exercises);
  train_cfg = (train_settings){0};
}

LB_PLUGIN_DEFINE(.name = "train", .version = "1.0",
                 .description = "the stabiliser programme as a log of sets that starts the rest",
                 .init = init, .shutdown = shutdown, .reload = reload);
