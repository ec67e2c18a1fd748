/* pain — a durable pain diary with red-flag safety, episodes, trends tied to
 * training, export and check-ins. See plugins/pain/README.md for the rules.
 *
 * lumbard is not a medical device: this plugin records and shows; it never
 * diagnoses, and red-flag symptoms always get advice to seek urgent care.
 *
 * Every entry is committed before pain.log answers (synchronous=FULL in WAL
 * mode: the commit is fsync'd). Training sessions come from other plugins'
 * events (reminders.done/skipped, rest.routine_done), never from linking.
 *
 * This file is the plugin: its settings, the helpers its parts share, the
 * storage, the config, the declarations and init. The parts (pain.h):
 * pain_log.c the entries, pain_stats.c stats and episodes, pain_export.c the
 * export, pain_checkin.c training sessions, warm-ups and check-ins. */
#include "pain.h"

#include <errno.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "calendar.h"
#include "db.h"
#include "xalloc.h"

const lb_host *pain_host;
lb_plugin *pain_self;

/* ---- settings ------------------------------------------------------------ */

pain_settings pain_cfg;

/* ---- small helpers ----------------------------------------------------------- */

int64_t pain_now_s(void) {
  return pain_host->now_ms(LB_CLOCK_WALL) / 1000;
}

/* The local day number of t: days since 1970-01-01 of t's local date. */
int64_t pain_local_day(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  int64_t local = t + tm.tm_gmtoff;
  return local >= 0 ? local / DAY_S : (local - DAY_S + 1) / DAY_S;
}

/* The unix time of local midnight of day number d. */
int64_t pain_day_start(int64_t d) {
  time_t t = (time_t)(d * DAY_S);
  struct tm tm;
  gmtime_r(&t, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm);
}

const char *pain_keep_str(pain_keep *k, const unsigned char *s) {
  k->items = lbu_xrealloc(k->items, (k->n + 1) * sizeof(char *));
  k->items[k->n] = lbu_xstrdup(s ? (const char *)s : "");
  return k->items[k->n++];
}

void *pain_keep_mem(pain_keep *k, size_t n) {
  k->items = lbu_xrealloc(k->items, (k->n + 1) * sizeof(char *));
  k->items[k->n] = lbu_xcalloc(1, n ? n : 1);
  return k->items[k->n++];
}

void pain_keep_free(pain_keep *k) {
  for (size_t i = 0; i < k->n; i++)
    free(k->items[i]);
  free(k->items);
  k->items = NULL;
  k->n = 0;
}

/* The first failed read of the method being answered (0: none). A read that
 * fails part-way (a damaged page) must fail the answer: a short diary read
 * as if it were whole is the one thing the diary may never give. */
static int read_rc;

void pain_note_rc(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE && !read_rc)
    read_rc = rc;
}

/* Fails call when a read went wrong (true then). */
bool pain_read_failed(lb_call *call) {
  int rc = read_rc;
  read_rc = 0;
  if (!rc)
    return false;
  pain_host->fail(call, LB_ERR_INTERNAL, "the diary cannot be read: %s",
                  pain_host->db_error(pain_self, rc));
  return true;
}

/* Forgets a failed read that no answer carries (one of the plugin's own). */
void pain_read_forget(void) {
  read_rc = 0;
}

sqlite3_stmt *pain_prepare(lb_call *call, const char *sql) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(pain_host->db(pain_self), sql, -1, &st, NULL);
  if (rc != SQLITE_OK) {
    pain_note_rc(rc);
    if (call)
      pain_read_failed(call);
    return NULL;
  }
  return st;
}

int pain_step_done(sqlite3 *db, sqlite3_stmt *st) {
  int rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc;
}

void pain_range_of(const lb_value *opts, int64_t *since, int64_t *until) {
  const lb_value *v;
  *since = (v = lb_map_get(opts, "since")) ? v->as.i : 0;
  *until = (v = lb_map_get(opts, "until")) ? v->as.i : INT64_MAX;
}

/* ---- storage ------------------------------------------------------------------ */

/* The SQL of the sums (version 4). r is "new" or "old": the entry a
 * trigger adds or drops. A bucket is a week of unix time (PAIN_BUCKET_S,
 * from 1970-01-01 00:00 UTC), floored for times before 1970 too. The SQL
 * is laid out by hand: clang-format cannot lay out strings joined with
 * macros. */
// clang-format off
#define BUCKET(r) "(" r ".at / 604800 - (" r ".at < 0 AND " r ".at % 604800 != 0))"
#define GROUP_ADD(r, kind, col)                                                          \
  "INSERT INTO pain_groups SELECT " BUCKET(r) ", " kind ", " r "." col ", 1, " r ".level" \
  "  WHERE " r "." col " != ''"                                                          \
  "  ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total;"
#define GROUP_DROP(r, kind, col)                                                         \
  "UPDATE pain_groups SET n = n - 1, total = total - " r ".level"                        \
  "  WHERE bucket = " BUCKET(r) " AND kind = " kind " AND name = " r "." col ";"         \
  "DELETE FROM pain_groups"                                                              \
  "  WHERE bucket = " BUCKET(r) " AND kind = " kind " AND name = " r "." col " AND n = 0;"
#define AFTER_SESSION(t)                                                                 \
  "(SELECT count(*), coalesce(sum(level), 0) FROM pain_entries e"                        \
  "  WHERE e.at >= " t ".start_at AND e.at <= " t ".start_at + 172800)"
#define SESSIONS_OF(r) " WHERE start_at >= " r ".at - 172800 AND start_at <= " r ".at;"
#define SUMS_ADD(r)                                                                      \
  "INSERT INTO pain_levels VALUES(" BUCKET(r) ", " r ".level, 1)"                        \
  "  ON CONFLICT DO UPDATE SET n = n + 1;"                                               \
  GROUP_ADD(r, "1", "trigger")                                                           \
  GROUP_ADD(r, "2", "location")                                                          \
  "UPDATE pain_training SET entries_after = entries_after + 1,"                          \
  "  sum_after = sum_after + " r ".level" SESSIONS_OF(r)
#define SUMS_DROP(r)                                                                     \
  "UPDATE pain_levels SET n = n - 1 WHERE bucket = " BUCKET(r) " AND level = " r ".level;" \
  "DELETE FROM pain_levels"                                                              \
  "  WHERE bucket = " BUCKET(r) " AND level = " r ".level AND n = 0;"                    \
  GROUP_DROP(r, "1", "trigger")                                                          \
  GROUP_DROP(r, "2", "location")                                                         \
  "UPDATE pain_training SET entries_after = entries_after - 1,"                          \
  "  sum_after = sum_after - " r ".level" SESSIONS_OF(r)
#define SCHEMA_4                                                                         \
  "CREATE TABLE pain_levels(bucket INTEGER NOT NULL, level INTEGER NOT NULL,"            \
  "  n INTEGER NOT NULL, PRIMARY KEY (bucket, level)) WITHOUT ROWID;"                    \
  "CREATE TABLE pain_groups(bucket INTEGER NOT NULL, kind INTEGER NOT NULL,"             \
  "  name TEXT NOT NULL, n INTEGER NOT NULL, total INTEGER NOT NULL,"                    \
  "  PRIMARY KEY (bucket, kind, name)) WITHOUT ROWID;"                                   \
  "INSERT INTO pain_levels"                                                              \
  "  SELECT " BUCKET("e") ", level, count(*) FROM pain_entries e GROUP BY 1, 2;"         \
  "INSERT INTO pain_groups SELECT " BUCKET("e") ", 1, trigger, count(*), sum(level)"     \
  "  FROM pain_entries e WHERE trigger != '' GROUP BY 1, 3;"                             \
  "INSERT INTO pain_groups SELECT " BUCKET("e") ", 2, location, count(*), sum(level)"    \
  "  FROM pain_entries e WHERE location != '' GROUP BY 1, 3;"                            \
  "ALTER TABLE pain_training ADD COLUMN entries_after INTEGER NOT NULL DEFAULT 0;"       \
  "ALTER TABLE pain_training ADD COLUMN sum_after INTEGER NOT NULL DEFAULT 0;"           \
  "UPDATE pain_training SET (entries_after, sum_after) = " AFTER_SESSION("pain_training") ";" \
  "CREATE TRIGGER pain_sums_add AFTER INSERT ON pain_entries"                            \
  "  BEGIN " SUMS_ADD("new") " END;"                                                     \
  "CREATE TRIGGER pain_sums_drop AFTER DELETE ON pain_entries"                           \
  "  BEGIN " SUMS_DROP("old") " END;"                                                    \
  "CREATE TRIGGER pain_sums_move AFTER UPDATE OF at, level, trigger, location"           \
  "  ON pain_entries BEGIN " SUMS_DROP("old") SUMS_ADD("new") " END;"                    \
  "CREATE TRIGGER pain_training_add AFTER INSERT ON pain_training BEGIN"                 \
  "  UPDATE pain_training SET (entries_after, sum_after) = " AFTER_SESSION("new")        \
  "  WHERE id = new.id; END;"                                                            \
  "CREATE TRIGGER pain_training_move AFTER UPDATE OF start_at ON pain_training BEGIN"    \
  "  UPDATE pain_training SET (entries_after, sum_after) = " AFTER_SESSION("new")        \
  "  WHERE id = new.id; END;"
// clang-format on

static const char *const schema[] = {
    /* Stored in time order (WITHOUT ROWID, keyed on at): every read is a
     * range of time, so ranges and exports scan the table in sequence. */
    "CREATE TABLE pain_entries("
    "  at INTEGER NOT NULL, id INTEGER NOT NULL UNIQUE, day INTEGER NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 10),"
    "  location TEXT NOT NULL DEFAULT '', trigger TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '', symptoms TEXT NOT NULL DEFAULT '',"
    "  logged_at INTEGER NOT NULL, PRIMARY KEY (at, id)) WITHOUT ROWID;"
    "CREATE INDEX pain_entries_day ON pain_entries(day, level);"
    "CREATE TABLE pain_sessions("
    "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped')), source TEXT NOT NULL);"
    "CREATE INDEX pain_sessions_at ON pain_sessions(at);",
    /* Version 2: each day's worst, kept by a trigger in the same transaction
     * as the entry, so that flare-ups are found from a row a day, not from
     * every entry. Entries are never changed or deleted. */
    "CREATE TABLE pain_days(day INTEGER PRIMARY KEY, worst INTEGER NOT NULL);"
    "INSERT INTO pain_days SELECT day, max(level) FROM pain_entries GROUP BY day;"
    "CREATE TRIGGER pain_days_keep AFTER INSERT ON pain_entries BEGIN"
    "  INSERT INTO pain_days(day, worst) VALUES(new.day, new.level)"
    "  ON CONFLICT(day) DO UPDATE SET worst = max(worst, excluded.worst);"
    "END;"
    "DROP INDEX pain_entries_day;",
    /* Version 3: training sessions as the daemon saw them, and warm-ups,
     * instead of reminder answers (a skip is no session). The warm-ups
     * recorded so far are kept; what was "skipped" was never training. */
    "CREATE TABLE pain_training(id INTEGER PRIMARY KEY, start_at INTEGER NOT NULL,"
    "  end_at INTEGER NOT NULL, sets INTEGER NOT NULL);"
    "CREATE INDEX pain_training_start ON pain_training(start_at);"
    "CREATE TABLE pain_warmups(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, how TEXT NOT NULL);"
    "CREATE INDEX pain_warmups_at ON pain_warmups(at);"
    "INSERT INTO pain_warmups(at, how) SELECT min(at, strftime('%s', 'now')), CASE source WHEN"
    "  'reminder' THEN 'warm-up reminder' ELSE 'warm-up preset' END FROM pain_sessions"
    "  WHERE outcome = 'done';"
    "DROP TABLE pain_sessions;",
    /* Version 4: sums kept by triggers in the entry's own transaction, so
     * that stats over years read a few rows a week rather than every entry:
     * per bucket (a week of unix time, the same in every zone), the entries
     * at each level, and by trigger and by location their count and the
     * sum of their levels; and per training session, the entries in the 48
     * hours after it and their sum. A window's whole buckets come from the
     * sums, its two ends (under a bucket each) from the entries. */
    SCHEMA_4, NULL};

/* ---- config -------------------------------------------------------------------------------- */

static void on_config(lb_plugin *p, const char *section, const char *key, const char *value,
                      void *ud) {
  (void)p;
  pain_settings *s = ud;
  if (section[0]) {
    pain_host->log(pain_self, LB_LOG_WARNING, "[pain.%s]: unknown section; ignored", section);
  } else if (!strcmp(key, "checkin")) {
    snprintf(s->checkin, sizeof(s->checkin), "%s", strcmp(value, "off") == 0 ? "" : value);
  } else if (!strcmp(key, "checkin_after_routine")) {
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
                                                                                "off", "0"};
    bool is_yes = false, is_no = false;
    for (size_t i = 0; i < 4; i++) {
      is_yes = is_yes || !strcasecmp(value, yes[i]);
      is_no = is_no || !strcasecmp(value, no[i]);
    }
    if (is_yes || is_no)
      s->after_routine = is_yes;
    else
      pain_host->log(pain_self, LB_LOG_WARNING,
                     "[pain] checkin_after_routine = %s: say yes or no; kept yes", value);
  } else if (!strcmp(key, "scores")) {
    /* all checked before any is kept */
    int64_t scores[MAX_SCORES] = {0};
    size_t n = 0;
    char copy[128];
    snprintf(copy, sizeof(copy), "%s", value);
    for (char *save = NULL, *tok = strtok_r(copy, ", ", &save); tok && n < MAX_SCORES;
         tok = strtok_r(NULL, ", ", &save)) {
      char *end;
      long v = strtol(tok, &end, 10);
      if (*end || v < 0 || v > 10) {
        pain_host->log(pain_self, LB_LOG_WARNING,
                       "[pain] scores = %s: scores are 0 to 10, between commas; kept 0,2,5,8",
                       value);
        return;
      }
      scores[n++] = v;
    }
    memcpy(s->scores, scores, n * sizeof(scores[0]));
    s->n_scores = n;
  } else if (!strcmp(key, "warmup_reminder")) {
    snprintf(s->warmup_reminder, sizeof(s->warmup_reminder), "%s", value);
  } else if (!strcmp(key, "warmup_preset")) {
    snprintf(s->warmup_preset, sizeof(s->warmup_preset), "%s", value);
  } else {
    pain_host->log(
        pain_self, LB_LOG_WARNING,
        "[pain] %s: unknown key (checkin, checkin_after_routine, scores, warmup_reminder, "
        "warmup_preset); ignored",
        key);
  }
}

static void load_config(void) {
  pain_settings s = {.checkin = "21:00",
                     .after_routine = true,
                     .scores = {0, 2, 5, 8},
                     .n_scores = 4,
                     .warmup_reminder = "warmup",
                     .warmup_preset = "warmup"};
  pain_host->config_each(pain_self, on_config, &s);
  lbu_calendar *cal = NULL;
  char err[256];
  if (s.checkin[0] && lbu_calendar_parse(s.checkin, &cal, err, sizeof(err)) < 0) {
    pain_host->log(pain_self, LB_LOG_WARNING, "[pain] checkin = %s: %s; no daily check-in",
                   s.checkin, err);
    cal = NULL;
  }
  pain_cfg = s;
  pain_checkin_schedule(cal);
}

static void reload(lb_plugin *p) {
  (void)p;
  load_config();
}

/* ---- declarations ------------------------------------------------------------------------ */

static const lb_param log_params[] = {{.name = "level",
                                       .type = LB_T_UINT,
                                       .min = 0,
                                       .max = 10,
                                       .doc = "0 no pain ... 10 the worst imaginable (NRS)"},
                                      {0}};
static const lb_param log_options[] = {
    {.name = "location", .type = LB_T_STRING, .doc = "lower-back, lower-back-left, ..."},
    {.name = "trigger", .type = LB_T_STRING, .doc = "deadlift, bending, skipped-warm-up, ..."},
    {.name = "note", .type = LB_T_STRING},
    {.name = "symptoms", .type = LB_T_STRINGS, .doc = "saddle-numbness, bladder-bowel, ..."},
    {.name = "at", .type = LB_T_TIME, .doc = "unix seconds, to log an earlier moment"},
    {0}};
static const lb_param id_params[] = {
    {.name = "id", .type = LB_T_U64, .doc = "the entry's id (pain.history shows them)"}, {0}};
static const lb_param amend_options[] = {
    {.name = "level", .type = LB_T_UINT, .min = 0, .max = 10, .doc = "0 no pain ... 10 the worst"},
    {.name = "location", .type = LB_T_STRING, .doc = "lower-back, ...; \"\" for none"},
    {.name = "trigger", .type = LB_T_STRING},
    {.name = "note", .type = LB_T_STRING},
    {.name = "symptoms", .type = LB_T_STRINGS, .doc = "the whole list, as it should be"},
    {.name = "at", .type = LB_T_TIME, .doc = "unix seconds"},
    {0}};
static const lb_param range_options[] = {
    {.name = "since", .type = LB_T_TIME},
    {.name = "until", .type = LB_T_TIME},
    {.name = "limit", .type = LB_T_UINT, .min = 1, .max = 10000, .doc = "100 by default"},
    {0}};
static const lb_param stats_options[] = {
    {.name = "days", .type = LB_T_UINT, .min = 1, .max = 36500, .doc = "30 by default"}, {0}};
static const lb_param export_options[] = {
    {.name = "format", .type = LB_T_STRING, .doc = "csv (default) or json"},
    {.name = "since", .type = LB_T_TIME},
    {.name = "until", .type = LB_T_TIME},
    {0}};
static const lb_param file_params[] = {
    {.name = "path", .type = LB_T_STRING, .doc = "an absolute path"}, {0}};

#define F(n, t)                                                                                    \
  { .name = (n), .type = (t) }
static const lb_field log_fields[] = {F("id", LB_T_U64),
                                      F("at", LB_T_TIME),
                                      F("red_flags", LB_T_MAPS),
                                      F("red_flags.symptom", LB_T_STRING),
                                      F("red_flags.advice", LB_T_STRING),
                                      {0}};
static const lb_field entry_fields[] = {F("id", LB_T_U64),           F("at", LB_T_TIME),
                                        F("level", LB_T_UINT),       F("location", LB_T_STRING),
                                        F("trigger", LB_T_STRING),   F("note", LB_T_STRING),
                                        F("symptoms", LB_T_STRINGS), {0}};
/* The nested maps' keys too ("week.count"): a count is t wherever it is. */
#define SUMMARY(m)                                                                                 \
  F(m, LB_T_MAP), F(m ".count", LB_T_U64), F(m ".average", LB_T_DOUBLE), F(m ".worst", LB_T_UINT)
#define EPISODE(m, t)                                                                              \
  F(m, t), F(m ".start", LB_T_TIME), F(m ".end", LB_T_TIME), F(m ".days", LB_T_UINT),              \
      F(m ".worst", LB_T_UINT), F(m ".average", LB_T_DOUBLE), F(m ".current", LB_T_BOOL)
#define GROUPS(m)                                                                                  \
  F(m, LB_T_MAPS), F(m ".name", LB_T_STRING), F(m ".count", LB_T_U64), F(m ".average", LB_T_DOUBLE)
#define SIDE(m) F(m, LB_T_MAP), F(m ".sessions", LB_T_UINT), F(m ".average_after", LB_T_DOUBLE)
#define WEEKS(m) F(m, LB_T_MAP), F(m ".weeks", LB_T_UINT), F(m ".average", LB_T_DOUBLE)
static const lb_field stats_fields[] = {F("days", LB_T_UINT),
                                        F("count", LB_T_U64),
                                        F("average", LB_T_DOUBLE),
                                        F("worst", LB_T_UINT),
                                        SUMMARY("week"),
                                        SUMMARY("month"),
                                        F("trend", LB_T_MAP),
                                        F("trend.direction", LB_T_STRING),
                                        F("trend.change", LB_T_DOUBLE),
                                        F("trend.last_average", LB_T_DOUBLE),
                                        F("trend.previous_average", LB_T_DOUBLE),
                                        EPISODE("episodes", LB_T_MAPS),
                                        EPISODE("current_episode", LB_T_MAP),
                                        GROUPS("by_trigger"),
                                        GROUPS("by_location"),
                                        F("warmup", LB_T_MAP),
                                        SIDE("warmup.done"),
                                        SIDE("warmup.skipped"),
                                        F("warmup.difference", LB_T_DOUBLE),
                                        F("warmup.meaningful", LB_T_BOOL),
                                        F("warmup.enough_data", LB_T_BOOL),
                                        F("warmup.sessions", LB_T_MAPS),
                                        F("warmup.sessions.start", LB_T_TIME),
                                        F("warmup.sessions.end", LB_T_TIME),
                                        F("warmup.sessions.sets", LB_T_UINT),
                                        F("warmup.sessions.warmed_up", LB_T_BOOL),
                                        F("warmup.sessions.how", LB_T_STRING),
                                        F("warmup.sessions.entries_after", LB_T_UINT),
                                        F("warmup.sessions.average_after", LB_T_DOUBLE),
                                        F("programme", LB_T_MAP),
                                        F("programme.known", LB_T_BOOL),
                                        F("programme.why", LB_T_STRING),
                                        F("programme.exercises", LB_T_STRINGS),
                                        WEEKS("programme.kept"),
                                        WEEKS("programme.missed"),
                                        F("programme.difference", LB_T_DOUBLE),
                                        F("programme.meaningful", LB_T_BOOL),
                                        F("programme.enough_data", LB_T_BOOL),
                                        {0}};
#undef WEEKS
#undef SUMMARY
#undef EPISODE
#undef GROUPS
#undef SIDE
static const lb_field removed_fields[] = {F("id", LB_T_U64), {0}};
static const lb_field amended_fields[] = {
    F("id", LB_T_U64), F("level", LB_T_UINT), F("at", LB_T_TIME), {0}};
static const lb_field file_fields[] = {
    F("path", LB_T_STRING), F("rows", LB_T_U64), F("bytes", LB_T_U64), {0}};

static const lb_param checkin_options[] = {
    {.name = "skip", .type = LB_T_BOOL, .doc = "the person chose not to answer"}, {0}};
static const lb_field checkin_result_fields[] = {
    {.name = "due", .type = LB_T_BOOL},      {.name = "since", .type = LB_T_TIME},
    {.name = "reason", .type = LB_T_STRING}, {.name = "message", .type = LB_T_STRING},
    {.name = "scores", .type = LB_T_INTS},   {0}};

static const lb_method methods[] = {
    {.name = "log",
     .doc = "Log pain now (or at an earlier moment); on disk before the answer.",
     .params = log_params,
     .options = log_options,
     .result = LB_T_MAP,
     .result_fields = log_fields,
     .handler = pain_log_m_log},
    {.name = "amend",
     .doc = "Correct an entry (a mistyped score, the wrong time); on disk before the answer.",
     .params = id_params,
     .options = amend_options,
     .result = LB_T_MAP,
     .result_fields = entry_fields,
     .handler = pain_log_m_amend},
    {.name = "remove",
     .doc = "Remove an entry from the diary; on disk before the answer.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = removed_fields,
     .handler = pain_log_m_remove},
    {.name = "history",
     .doc = "Entries, newest first.",
     .options = range_options,
     .result = LB_T_MAPS,
     .result_fields = entry_fields,
     .handler = pain_log_m_history},
    {.name = "stats",
     .doc = "Averages, trend, episodes, triggers and the warm-up comparison.",
     .options = stats_options,
     .result = LB_T_MAP,
     .result_fields = stats_fields,
     .handler = pain_stats_m_stats},
    {.name = "export",
     .doc = "The diary as CSV or JSON text (at most 1 MiB).",
     .options = export_options,
     .result = LB_T_STRING,
     .handler = pain_export_m_export},
    {.name = "checkin",
     .doc = "The check-in that is due, if any (skip: answer it with nothing).",
     .options = checkin_options,
     .result = LB_T_MAP,
     .result_fields = checkin_result_fields,
     .handler = pain_checkin_m_checkin},
    {.name = "export_file",
     .doc = "Write the diary as CSV or JSON to a file.",
     .params = file_params,
     .options = export_options,
     .result = LB_T_MAP,
     .result_fields = file_fields,
     .handler = pain_export_m_export_file},
};

static const lb_field logged_fields[] = {F("id", LB_T_U64),         F("level", LB_T_UINT),
                                         F("at", LB_T_TIME),        F("location", LB_T_STRING),
                                         F("trigger", LB_T_STRING), {0}};
static const lb_field red_flag_fields[] = {
    F("id", LB_T_U64), F("symptom", LB_T_STRING), F("advice", LB_T_STRING), {0}};
static const lb_field checkin_fields[] = {
    F("reason", LB_T_STRING), F("message", LB_T_STRING), F("scores", LB_T_INTS), {0}};

static const lb_event events[] = {
    {.name = "logged", .doc = "An entry is on disk.", .fields = logged_fields},
    {.name = "red_flag",
     .doc = "A red-flag symptom was logged: seek urgent medical care.",
     .fields = red_flag_fields},
    {.name = "checkin_due", .doc = "Time to ask how the back is.", .fields = checkin_fields},
    {.name = "amended", .doc = "An entry was corrected.", .fields = amended_fields},
    {.name = "removed", .doc = "An entry was removed.", .fields = removed_fields},
};

static int init(lb_plugin *p, const lb_host *h) {
  pain_host = h;
  pain_self = p;
  if (!LB_HOST_HAS(h, output_close)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old for the pain plugin (host API %u)", h->api);
    return -ENOTSUP;
  }
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->db_migrate(p, schema) < 0)
    return -EIO;
  if (h->listen(p, "reminders.done", pain_checkin_on_event, NULL) < 0 ||
      h->listen(p, "rest.set_done", pain_checkin_on_event, NULL) < 0 ||
      h->listen(p, "train.logged", pain_checkin_on_event, NULL) < 0 ||
      h->listen(p, "rest.routine_done", pain_checkin_on_event, NULL) < 0 ||
      h->on_clock_change(p, pain_checkin_clock_changed, NULL) < 0)
    return -EINVAL;
  load_config();
  return 0;
}

static void shutdown(lb_plugin *p) {
  (void)p;
  pain_log_shutdown();
  pain_checkin_shutdown();
  lbu_calendar_zones_forget(); /* the engine's memory lives in this plugin's copy */
}

LB_PLUGIN_DEFINE(.name = "pain", .version = "1.0",
                 .description = "a pain diary: 0-10 entries, episodes, trends, red-flag advice",
                 .init = init, .shutdown = shutdown, .reload = reload);
