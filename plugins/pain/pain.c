/* pain — a durable pain diary with red-flag safety, episodes, trends tied to
 * training, export and check-ins. See plugins/pain/README.md for the rules.
 *
 * lumbard is not a medical device: this plugin records and shows; it never
 * diagnoses, and red-flag symptoms always get advice to seek urgent care.
 *
 * Every entry is committed before pain.log answers (synchronous=FULL in WAL
 * mode: the commit is fsync'd). Training sessions come from other plugins'
 * events (reminders.done/skipped, rest.routine_done), never from linking. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <lumbard/plugin.h>
#include <search.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "db.h"
#include "xalloc.h"

#define DAY_S 86400
#define AFTER_SESSION_S (48 * 3600)
#define QUIET_BEFORE_CHECKIN_S (2 * 3600)
#define CHECKIN_LAPSE_S (12 * 3600)
#define MIN_AT 946684800 /* 2000-01-01 */
#define MAX_SCORES 11
#define FLARE_AT 7
#define CALM_AT 2
#define CALM_DAYS 3
#define MIN_SESSIONS 3
#define SESSION_GAP_S (2 * 3600) /* sets further apart are two sessions */
#define WARMED_UP_S (3 * 3600)   /* a warm-up this long before a session's first set */

static const lb_host *host;
static lb_plugin *self;

static const char *const locations[] = {
    "lower-back", "lower-back-left", "lower-back-right", "glute-left", "glute-right",
    "hip-left",   "hip-right",       "leg-left",         "leg-right",  NULL};

typedef struct symptom {
  const char *key;
  const char *advice; /* red flags only */
} symptom;

#define SEEK "lumbard is not a medical device and cannot tell what is wrong."
static const symptom symptoms[] = {
    {"saddle-numbness",
     "Numbness around the groin, buttocks or inner thighs needs urgent medical care. Go to an "
     "emergency department now, or call your local emergency number. " SEEK},
    {"bladder-bowel",
     "New trouble passing or holding urine or stool needs urgent medical care. Go to an "
     "emergency department now, or call your local emergency number. " SEEK},
    {"leg-weakness",
     "Weakness in a leg that is getting worse needs urgent medical care. See a doctor today, or "
     "go to an emergency department. " SEEK},
    {"fever",
     "Back pain with a fever needs urgent medical care. See a doctor today, or call your local "
     "urgent care line. " SEEK},
    {"weight-loss",
     "Back pain with weight loss you cannot explain needs urgent medical care. See a doctor "
     "as soon as you can. " SEEK},
    {"night-pain",
     "Back pain that wakes you at night or does not ease with rest needs urgent medical care. "
     "See a doctor as soon as you can. " SEEK},
    {"trauma",
     "Back pain after a fall, an accident or a heavy blow needs urgent medical care. Go to an "
     "emergency department now. " SEEK},
    {"stiffness", NULL},
    {"spasm", NULL},
    {"radiating", NULL},
    {"tingling", NULL},
};
#define N_SYMPTOMS (sizeof(symptoms) / sizeof(symptoms[0]))

/* ---- settings ------------------------------------------------------------ */

typedef struct settings {
  char checkin[256]; /* a calendar event, or "" for off */
  bool after_routine;
  int64_t scores[MAX_SCORES];
  size_t n_scores;
  char warmup_reminder[64], warmup_preset[64];
} settings;

static settings cfg;
static lb_calendar *checkin_cal;
static uint64_t checkin_timer;
/* The check-in asked last, until an entry answers it, it is skipped or it
 * lapses (CHECKIN_LAPSE_S): what `lumbarctl pain checkin` and `status`
 * show to a person who never sees a notification. */
static struct {
  int64_t since; /* wall seconds; 0: none due */
  char reason[32], message[160];
} due;

/* ---- small helpers ----------------------------------------------------------- */

static int64_t now_s(void) {
  return host->now_ms(LB_CLOCK_WALL) / 1000;
}

/* The local day number of t: days since 1970-01-01 of t's local date. */
static int64_t local_day(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  int64_t local = t + tm.tm_gmtoff;
  return local >= 0 ? local / DAY_S : (local - DAY_S + 1) / DAY_S;
}

/* The unix time of local midnight of day number d. */
static int64_t day_start(int64_t d) {
  time_t t = (time_t)(d * DAY_S);
  struct tm tm;
  gmtime_r(&t, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm);
}

/* ISO 8601 local time with its UTC offset. The offset holds for whole local
 * days but the few with a DST change, so it is looked up once per such day
 * (an export of 100,000 entries makes ~1,800 localtime calls, not 100,000). */
typedef struct zone_span {
  int64_t lo, hi; /* [lo, hi): one offset */
  long off;
  bool whole_day; /* lo is local midnight, and year, month, mday are that day's */
  int year, month, mday;
} zone_span;

static long offset_at(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  return tm.tm_gmtoff;
}

static void iso_local(int64_t t, zone_span *z, char *buf, size_t len) {
  if (t < z->lo || t >= z->hi) {
    long off = offset_at(t);
    int64_t local = t + off, midnight = local - ((local % DAY_S) + DAY_S) % DAY_S - off;
    /* the same offset at both ends of the local day: the whole day has it */
    bool whole = offset_at(midnight) == off && offset_at(midnight + DAY_S - 1) == off;
    *z = whole ? (zone_span){midnight, midnight + DAY_S, off, true, 0, 0, 0}
               : (zone_span){t, t + 1, off, false, 0, 0, 0};
    if (whole) {
      time_t day = (time_t)(midnight + off);
      struct tm d;
      gmtime_r(&day, &d);
      z->year = d.tm_year + 1900, z->month = d.tm_mon + 1, z->mday = d.tm_mday;
    }
  }
  long off = labs(z->off);
  struct tm tm;
  if (z->whole_day) { /* the day's date once; the time of day is arithmetic */
    int64_t secs = t - z->lo;
    tm.tm_year = z->year - 1900, tm.tm_mon = z->month - 1, tm.tm_mday = z->mday;
    tm.tm_hour = (int)(secs / 3600), tm.tm_min = (int)(secs / 60 % 60),
    tm.tm_sec = (int)(secs % 60);
  } else {
    time_t shifted = (time_t)(t + z->off);
    gmtime_r(&shifted, &tm);
  }
  /* digit by digit: this runs once per exported entry */
  int f[] = {tm.tm_year + 1900, tm.tm_mon + 1,           tm.tm_mday,          tm.tm_hour, tm.tm_min,
             tm.tm_sec,         (int)(off / 3600 % 100), (int)(off / 60 % 60)};
  static const char seps[] = "--T::\0:"; /* the character after each field but the year */
  if (len < 26 || f[0] < 0 || f[0] > 9999) {
    snprintf(buf, len, "?");
    return;
  }
  char *p = buf;
  *p++ = (char)('0' + f[0] / 1000), *p++ = (char)('0' + f[0] / 100 % 10);
  *p++ = (char)('0' + f[0] / 10 % 10), *p++ = (char)('0' + f[0] % 10);
  for (int i = 1; i < 8; i++) {
    *p++ = i == 6 ? (z->off < 0 ? '-' : '+') : seps[i - 1];
    *p++ = (char)('0' + f[i] / 10 % 10), *p++ = (char)('0' + f[i] % 10);
  }
  *p = '\0';
}

/* A meaningful change: 2 points, or 30 % of the higher of the two. */
static bool meaningful(double a, double b) {
  double d = a > b ? a - b : b - a, hi = a > b ? a : b;
  return d >= 2.0 || (hi > 0 && d >= 0.3 * hi);
}

/* Strings that must live until the answer has gone: freed after the reply. */
typedef struct keep {
  char **items;
  size_t n;
} keep;

static const char *keep_str(keep *k, const unsigned char *s) {
  k->items = lbp_xrealloc(k->items, (k->n + 1) * sizeof(char *));
  k->items[k->n] = lbp_xstrdup(s ? (const char *)s : "");
  return k->items[k->n++];
}

static void *keep_mem(keep *k, size_t n) {
  k->items = lbp_xrealloc(k->items, (k->n + 1) * sizeof(char *));
  k->items[k->n] = lbp_xcalloc(1, n ? n : 1);
  return k->items[k->n++];
}

static void keep_free(keep *k) {
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

static void note_rc(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE && !read_rc)
    read_rc = rc;
}

/* Fails call when a read went wrong (true then). */
static bool read_failed(lb_call *call) {
  int rc = read_rc;
  read_rc = 0;
  if (!rc)
    return false;
  host->fail(call, LB_ERR_INTERNAL, "the diary cannot be read: %s", host->db_error(self, rc));
  return true;
}

static sqlite3_stmt *prepare(lb_call *call, const char *sql) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(host->db(self), sql, -1, &st, NULL);
  if (rc != SQLITE_OK) {
    note_rc(rc);
    if (call)
      read_failed(call);
    return NULL;
  }
  return st;
}

/* ---- storage ------------------------------------------------------------------ */

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
    NULL};

/* ---- log ---------------------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *s) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0)
      return true;
  return false;
}

static const symptom *find_symptom(const char *key) {
  for (size_t i = 0; i < N_SYMPTOMS; i++)
    if (strcmp(symptoms[i].key, key) == 0)
      return &symptoms[i];
  return NULL;
}

static bool plain_text(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\t')
      return false;
  return true;
}

/* What a client gave for an entry (pain.log, pain.amend), checked. */
enum { F_LEVEL = 1, F_LOCATION = 2, F_TRIGGER = 4, F_NOTE = 8, F_SYMPTOMS = 16, F_AT = 32 };

typedef struct entry_in {
  unsigned given; /* F_*: what the client named */
  int64_t level, at;
  char location[64], trigger[65], symptoms[256];
  char *note;    /* owned */
  uint32_t mask; /* the symptoms, a bit per entry of the table */
} entry_in;

static uint32_t symptoms_mask(const char *text) {
  uint32_t mask = 0;
  char copy[256];
  snprintf(copy, sizeof(copy), "%s", text ? text : "");
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    const symptom *sy = find_symptom(tok);
    if (sy)
      mask |= 1u << (sy - symptoms);
  }
  return mask;
}

/* Check what opts gives; fail call and return false on the first problem. */
static bool read_fields(lb_call *call, const lb_value *opts, int64_t now, entry_in *f) {
  const lb_value *v;
  if ((v = lb_map_get(opts, "level"))) {
    f->level = (int64_t)v->as.u;
    f->given |= F_LEVEL;
  }
  if ((v = lb_map_get(opts, "location"))) {
    if (*v->as.str.ptr && !in_list(locations, v->as.str.ptr)) {
      host->fail(call, LB_ERR_INVALID_PARAMS,
                 "option 'location' must be one of lower-back, lower-back-left, "
                 "lower-back-right, glute-left, glute-right, hip-left, hip-right, leg-left, "
                 "leg-right; got \"%.40s\"",
                 v->as.str.ptr);
      return false;
    }
    snprintf(f->location, sizeof(f->location), "%s", v->as.str.ptr);
    f->given |= F_LOCATION;
  }
  if ((v = lb_map_get(opts, "trigger"))) {
    const char *t = v->as.str.ptr;
    while (isspace((unsigned char)*t))
      t++;
    size_t n = strlen(t);
    while (n && isspace((unsigned char)t[n - 1]))
      n--;
    if (n > 64 || !plain_text(t)) {
      host->fail(call, LB_ERR_INVALID_PARAMS,
                 "option 'trigger' must be up to 64 characters of plain text, such as deadlift, "
                 "bending, lifting, cleaning, sitting, skipped-warm-up, stress");
      return false;
    }
    for (size_t i = 0; i < n; i++)
      f->trigger[i] = (char)tolower((unsigned char)t[i]);
    f->trigger[n] = '\0';
    f->given |= F_TRIGGER;
  }
  if ((v = lb_map_get(opts, "note"))) {
    if (v->as.str.len > 1000) {
      host->fail(call, LB_ERR_INVALID_PARAMS,
                 "option 'note' must be up to 1,000 characters, got %u", v->as.str.len);
      return false;
    }
    f->note = lbp_xstrdup(v->as.str.ptr);
    f->given |= F_NOTE;
  }
  if ((v = lb_map_get(opts, "symptoms"))) {
    /* Each key once: a mask over the table keeps it linear however long
     * the array (a client may send 170,000). */
    size_t off = 0;
    for (uint32_t i = 0; i < v->as.arr.len; i++) {
      const char *key = v->as.arr.items[i].as.str.ptr;
      const symptom *sy = find_symptom(key);
      if (!sy) {
        host->fail(call, LB_ERR_INVALID_PARAMS,
                   "option 'symptoms': unknown symptom \"%.40s\"; the keys are saddle-numbness, "
                   "bladder-bowel, leg-weakness, fever, weight-loss, night-pain, trauma, "
                   "stiffness, spasm, radiating, tingling",
                   key);
        return false;
      }
      uint32_t bit = 1u << (sy - symptoms);
      if (f->mask & bit)
        continue;
      f->mask |= bit; /* kept in the order first given */
      off += (size_t)snprintf(f->symptoms + off, sizeof(f->symptoms) - off, "%s%s", off ? "," : "",
                              key);
    }
    f->given |= F_SYMPTOMS;
  }
  if ((v = lb_map_get(opts, "at"))) {
    if (v->as.i > now + 60) {
      host->fail(call, LB_ERR_INVALID_PARAMS,
                 "option 'at' is in the future; log now, or an earlier time");
      return false;
    }
    if (v->as.i < MIN_AT) {
      host->fail(call, LB_ERR_INVALID_PARAMS, "option 'at' is before the year 2000");
      return false;
    }
    f->at = v->as.i;
    f->given |= F_AT;
  }
  return true;
}

/* A change of the diary on its way to the disk: a new entry, an amended
 * one, or one removed. The write fills in what the answer says. */
typedef enum change_kind { LOG, AMEND, REMOVE } change_kind;

typedef struct change {
  change_kind kind;
  lb_call *call;
  uint64_t id;       /* LOG: given in the transaction */
  entry_in f;        /* LOG: the entry; AMEND: what changes */
  int64_t logged_at; /* LOG */
  bool missing;      /* AMEND, REMOVE: no such entry */
  uint32_t was_mask; /* AMEND: the symptoms before */
  entry_in now;      /* AMEND: the entry as it is after */
} change;

static void change_free(change *c) {
  free(c->f.note);
  free(c->now.note);
  free(c);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st) {
  int rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc;
}

/* pain_days keeps each day's worst: after an entry of day changed or went,
 * the day's row is made again from its entries (read by time, the table's
 * key: the day's entries lie within a day of its local midnights). */
static int refresh_day(sqlite3 *db, int64_t day) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "DELETE FROM pain_days WHERE day = ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, day);
  if ((rc = step_done(db, st)) != SQLITE_OK)
    return rc;
  rc = sqlite3_prepare_v2(db,
                          "INSERT INTO pain_days(day, worst) SELECT day, max(level) FROM "
                          "pain_entries WHERE at >= ? AND at < ? AND day = ? GROUP BY day",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, day_start(day) - DAY_S);
  sqlite3_bind_int64(st, 2, day_start(day + 1) + DAY_S);
  sqlite3_bind_int64(st, 3, day);
  return step_done(db, st);
}

/* The statements every pain.log runs, prepared once (a burst of entries
 * shares one transaction); finalized at shutdown. */
static sqlite3_stmt *log_next_id, *log_insert;

static int write_log(sqlite3 *db, change *c) {
  /* Ids are the plugin's (the table is keyed on time): one more than the
   * largest, read from its unique index inside the same transaction. */
  int rc = lbp_prepared(db, &log_next_id, "SELECT coalesce(max(id), 0) + 1 FROM pain_entries");
  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step(log_next_id);
  c->id = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(log_next_id, 0) : 0;
  rc = rc == SQLITE_ROW ? SQLITE_OK : sqlite3_extended_errcode(db);
  sqlite3_reset(log_next_id);
  if (rc != SQLITE_OK ||
      (rc = lbp_prepared(db, &log_insert,
                         "INSERT INTO pain_entries(id, at, day, level, location, trigger, note, "
                         "symptoms, logged_at) VALUES(?,?,?,?,?,?,?,?,?)")) != SQLITE_OK)
    return rc;
  sqlite3_stmt *st = log_insert;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  sqlite3_bind_int64(st, 2, c->f.at);
  sqlite3_bind_int64(st, 3, local_day(c->f.at));
  sqlite3_bind_int64(st, 4, c->f.level);
  sqlite3_bind_text(st, 5, c->f.location, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, c->f.trigger, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, c->f.note ? c->f.note : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, c->f.symptoms, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, c->logged_at);
  rc = lbp_step(db, st);
  sqlite3_reset(st);
  return rc;
}

/* The entry id as stored, into f (and its day); false when there is none. */
static int read_entry(sqlite3 *db, uint64_t id, entry_in *f, int64_t *ret_day, bool *ret_found) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT at, day, level, location, trigger, note, symptoms FROM "
                              "pain_entries WHERE id = ?",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  rc = sqlite3_step(st);
  *ret_found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    f->at = sqlite3_column_int64(st, 0);
    *ret_day = sqlite3_column_int64(st, 1);
    f->level = sqlite3_column_int64(st, 2);
    snprintf(f->location, sizeof(f->location), "%s", sqlite3_column_text(st, 3));
    snprintf(f->trigger, sizeof(f->trigger), "%s", sqlite3_column_text(st, 4));
    free(f->note);
    f->note = lbp_xstrdup((const char *)sqlite3_column_text(st, 5));
    snprintf(f->symptoms, sizeof(f->symptoms), "%s", sqlite3_column_text(st, 6));
    f->mask = symptoms_mask(f->symptoms);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  } else {
    rc = sqlite3_extended_errcode(db);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_amend(sqlite3 *db, change *c) {
  int64_t old_day;
  bool found = false;
  int rc = read_entry(db, c->id, &c->now, &old_day, &found);
  if (rc != SQLITE_OK || !found) {
    c->missing = !found;
    return rc;
  }
  c->was_mask = c->now.mask;
  const entry_in *f = &c->f;
  if (f->given & F_LEVEL)
    c->now.level = f->level;
  if (f->given & F_AT)
    c->now.at = f->at;
  if (f->given & F_LOCATION)
    snprintf(c->now.location, sizeof(c->now.location), "%s", f->location);
  if (f->given & F_TRIGGER)
    snprintf(c->now.trigger, sizeof(c->now.trigger), "%s", f->trigger);
  if (f->given & F_NOTE) {
    free(c->now.note);
    c->now.note = lbp_xstrdup(f->note);
  }
  if (f->given & F_SYMPTOMS) {
    c->now.mask = f->mask;
    snprintf(c->now.symptoms, sizeof(c->now.symptoms), "%s", f->symptoms);
  }
  int64_t new_day = local_day(c->now.at);
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db,
                          "UPDATE pain_entries SET at = ?, day = ?, level = ?, location = ?, "
                          "trigger = ?, note = ?, symptoms = ? WHERE id = ?",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, c->now.at);
  sqlite3_bind_int64(st, 2, new_day);
  sqlite3_bind_int64(st, 3, c->now.level);
  sqlite3_bind_text(st, 4, c->now.location, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, c->now.trigger, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, c->now.note, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, c->now.symptoms, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)c->id);
  if ((rc = step_done(db, st)) != SQLITE_OK || (rc = refresh_day(db, old_day)) != SQLITE_OK)
    return rc;
  return new_day != old_day ? refresh_day(db, new_day) : SQLITE_OK;
}

static int write_remove(sqlite3 *db, change *c) {
  int64_t day;
  bool found = false;
  int rc = read_entry(db, c->id, &c->now, &day, &found);
  if (rc != SQLITE_OK || !found) {
    c->missing = !found;
    return rc;
  }
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db, "DELETE FROM pain_entries WHERE id = ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  if ((rc = step_done(db, st)) != SQLITE_OK)
    return rc;
  return refresh_day(db, day);
}

static int write_change(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  change *c = ud;
  switch (c->kind) {
  case LOG:
    return write_log(db, c);
  case AMEND:
    return write_amend(db, c);
  case REMOVE:
    return write_remove(db, c);
  }
  return SQLITE_MISUSE;
}

/* Red flags first: at once, never batched; the answer lists them. */
static size_t emit_red_flags(uint64_t id, uint32_t mask, lb_value *items, lb_pair (*pairs)[2]) {
  size_t n = 0;
  for (size_t i = 0; i < N_SYMPTOMS; i++) {
    const symptom *sy = &symptoms[i];
    if (!(mask & (1u << i)) || !sy->advice)
      continue;
    lb_value ev = LB_MAP({"id", lb_v_uint(id)}, {"symptom", lb_v_str(sy->key)},
                         {"advice", lb_v_str(sy->advice)});
    host->emit(self, "red_flag", &ev);
    pairs[n][0] = (lb_pair){"symptom", lb_v_str(sy->key)};
    pairs[n][1] = (lb_pair){"advice", lb_v_str(sy->advice)};
    items[n] = lb_v_map(pairs[n], 2);
    n++;
  }
  if (n)
    host->log(self, LB_LOG_NOTICE, "entry %llu has red-flag symptoms: urgent care advised",
              (unsigned long long)id);
  return n;
}

/* The entry as a map, as pain.history shows one (symptoms in the order
 * they were given, as stored). */
static lb_value fields_value(uint64_t id, const entry_in *f, lb_pair *out, lb_value *syms,
                             char (*keys)[32]) {
  size_t n = 0;
  char copy[256];
  snprintf(copy, sizeof(copy), "%s", f->symptoms);
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && n < N_SYMPTOMS;
       tok = strtok_r(NULL, ",", &save)) {
    snprintf(keys[n], 32, "%s", tok);
    syms[n] = lb_v_str(keys[n]);
    n++;
  }
  out[0] = (lb_pair){"id", lb_v_uint(id)};
  out[1] = (lb_pair){"at", lb_v_int(f->at)};
  out[2] = (lb_pair){"level", lb_v_uint((uint64_t)f->level)};
  out[3] = (lb_pair){"location", lb_v_str(f->location)};
  out[4] = (lb_pair){"trigger", lb_v_str(f->trigger)};
  out[5] = (lb_pair){"note", lb_v_str(f->note ? f->note : "")};
  out[6] = (lb_pair){"symptoms", lb_v_array(syms, n)};
  return lb_v_map(out, 7);
}

static void change_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  change *c = ud;
  static const char *const what[] = {"logged", "amended", "removed"};
  lb_value items[N_SYMPTOMS];
  lb_pair pairs[N_SYMPTOMS][2];
  if (result < 0) {
    /* Nothing saved, but advice for a red flag must still reach the person. */
    char advice[2048] = "";
    size_t off = 0;
    for (size_t i = 0; i < N_SYMPTOMS && off < sizeof(advice); i++)
      if ((c->f.mask & (1u << i)) && symptoms[i].advice)
        off += (size_t)snprintf(advice + off, sizeof(advice) - off, " %s", symptoms[i].advice);
    host->log(self, LB_LOG_ERR, "cannot save a pain entry: %s", error);
    host->fail(c->call, LB_ERR_INTERNAL, "the entry could not be saved (%s); nothing was %s%s%s",
               error, what[c->kind], off ? ". Meanwhile:" : "", advice);
  } else if (c->missing) {
    host->fail(c->call, LB_ERR_NOT_FOUND,
               "no entry %llu in the diary; `lumbarctl pain history` shows the entries and their "
               "ids",
               (unsigned long long)c->id);
  } else if (c->kind == LOG) {
    size_t n = emit_red_flags(c->id, c->f.mask, items, pairs);
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"level", lb_v_uint((uint64_t)c->f.level)},
                         {"at", lb_v_int(c->f.at)}, {"location", lb_v_str(c->f.location)},
                         {"trigger", lb_v_str(c->f.trigger)});
    host->emit(self, "logged", &ev);
    due.since = 0; /* the check-in is answered */
    lb_value r = LB_MAP({"id", lb_v_uint(c->id)}, {"at", lb_v_int(c->f.at)},
                        {"red_flags", lb_v_array(items, n)});
    host->reply(c->call, &r);
  } else if (c->kind == AMEND) {
    /* a red flag the amendment added is raised as for a new entry */
    emit_red_flags(c->id, c->now.mask & ~c->was_mask, items, pairs);
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"level", lb_v_uint((uint64_t)c->now.level)},
                         {"at", lb_v_int(c->now.at)});
    host->emit(self, "amended", &ev);
    lb_pair out[7];
    lb_value syms[N_SYMPTOMS];
    char keys[N_SYMPTOMS][32];
    lb_value r = fields_value(c->id, &c->now, out, syms, keys);
    host->reply(c->call, &r);
  } else {
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)});
    host->emit(self, "removed", &ev);
    host->reply(c->call, &ev);
  }
  change_free(c);
}

static void m_log(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t now = now_s();
  change *c = lbp_xcalloc(1, sizeof(*c));
  *c = (change){.kind = LOG, .call = call, .logged_at = now};
  if (!read_fields(call, &args[1], now, &c->f)) {
    change_free(c);
    return;
  }
  c->f.level = (int64_t)args[0].as.u;
  if (!(c->f.given & F_AT))
    c->f.at = now;
  /* On disk before the answer: the host commits (fsync'd) before done. */
  host->db_write(self, write_change, change_written, c);
}

static void m_amend(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbp_xcalloc(1, sizeof(*c));
  *c = (change){.kind = AMEND, .call = call, .id = args[0].as.u};
  if (!read_fields(call, &args[1], now_s(), &c->f)) {
    change_free(c);
    return;
  }
  host->db_write(self, write_change, change_written, c);
}

static void m_remove(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbp_xcalloc(1, sizeof(*c));
  *c = (change){.kind = REMOVE, .call = call, .id = args[0].as.u};
  host->db_write(self, write_change, change_written, c);
}

/* ---- history -------------------------------------------------------------------------- */

static void range_of(const lb_value *opts, int64_t *since, int64_t *until) {
  const lb_value *v;
  *since = (v = lb_map_get(opts, "since")) ? v->as.i : 0;
  *until = (v = lb_map_get(opts, "until")) ? v->as.i : INT64_MAX;
}

/* An entry row (id, at, level, location, trigger, note, symptoms) as a map. */
static lb_value entry_value(sqlite3_stmt *st, keep *k) {
  lb_pair *f = keep_mem(k, sizeof(lb_pair) * 7);
  const char *sym = keep_str(k, sqlite3_column_text(st, 6));
  size_t n = 0;
  for (const char *p = sym; *p; p++)
    n += *p == ',';
  n = *sym ? n + 1 : 0;
  lb_value *items = keep_mem(k, sizeof(lb_value) * (n ? n : 1));
  char *copy = (char *)keep_str(k, (const unsigned char *)sym);
  size_t i = 0;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && i < n;
       tok = strtok_r(NULL, ",", &save))
    items[i++] = lb_v_str(tok);
  f[0] = (lb_pair){"id", lb_v_uint((uint64_t)sqlite3_column_int64(st, 0))};
  f[1] = (lb_pair){"at", lb_v_int(sqlite3_column_int64(st, 1))};
  f[2] = (lb_pair){"level", lb_v_uint((uint64_t)sqlite3_column_int64(st, 2))};
  f[3] = (lb_pair){"location", lb_v_str(keep_str(k, sqlite3_column_text(st, 3)))};
  f[4] = (lb_pair){"trigger", lb_v_str(keep_str(k, sqlite3_column_text(st, 4)))};
  f[5] = (lb_pair){"note", lb_v_str(keep_str(k, sqlite3_column_text(st, 5)))};
  f[6] = (lb_pair){"symptoms", lb_v_array(items, i)};
  return lb_v_map(f, 7);
}

static void m_history(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t since, until;
  range_of(&args[0], &since, &until);
  const lb_value *lim = lb_map_get(&args[0], "limit");
  int64_t limit = lim ? (int64_t)lim->as.u : 100;
  sqlite3_stmt *st =
      prepare(call, "SELECT id, at, level, location, trigger, note, symptoms FROM "
                    "pain_entries WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC "
                    "LIMIT ?");
  if (!st)
    return;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  sqlite3_bind_int64(st, 3, limit);
  keep k = {0};
  lb_value *items = keep_mem(&k, sizeof(lb_value) * (size_t)limit);
  size_t n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    items[n++] = entry_value(st, &k);
  sqlite3_finalize(st);
  note_rc(rc);
  if (!read_failed(call)) {
    lb_value v = lb_v_array(items, n);
    host->reply(call, &v);
  }
  keep_free(&k);
}

/* ---- stats ------------------------------------------------------------------------------ */

typedef struct summary {
  int64_t count, worst;
  double average;
} summary;

static summary summarize(int64_t since, int64_t until) {
  summary s = {0};
  sqlite3_stmt *st = prepare(NULL, "SELECT count(*), avg(level), max(level) FROM pain_entries "
                                   "WHERE at >= ? AND at <= ?");
  if (!st)
    return s;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s.count = sqlite3_column_int64(st, 0);
    s.average = sqlite3_column_double(st, 1);
    s.worst = sqlite3_column_int64(st, 2);
  }
  note_rc(rc);
  sqlite3_finalize(st);
  return s;
}

static lb_value summary_value(summary s, lb_pair *f) {
  f[0] = (lb_pair){"count", lb_v_uint((uint64_t)s.count)};
  f[1] = (lb_pair){"average", lb_v_double(s.average)};
  f[2] = (lb_pair){"worst", lb_v_uint((uint64_t)s.worst)};
  return lb_v_map(f, 3);
}

typedef struct episode {
  int64_t first_day, last_day, worst;
  double sum;
  int64_t n_days;
  bool current;
} episode;

/* Flare-ups over the days with entries: a day's pain is its worst. Starts on a
 * day >= FLARE_AT; ends when CALM_DAYS logged days in a row are <= CALM_AT,
 * on the last day before them. */
static episode *find_episodes(size_t *ret_n) {
  episode *eps = NULL;
  size_t n = 0;
  sqlite3_stmt *st = prepare(NULL, "SELECT day, worst FROM pain_days ORDER BY day");
  if (!st) {
    *ret_n = 0;
    return NULL;
  }
  episode cur = {0};
  bool in = false;
  int calm = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t day = sqlite3_column_int64(st, 0), worst = sqlite3_column_int64(st, 1);
    if (!in) {
      if (worst >= FLARE_AT) {
        cur = (episode){
            .first_day = day, .last_day = day, .worst = worst, .sum = (double)worst, .n_days = 1};
        in = true;
        calm = 0;
      }
      continue;
    }
    if (worst <= CALM_AT) {
      if (++calm >= CALM_DAYS) {
        eps = lbp_xrealloc(eps, (n + 1) * sizeof(episode));
        eps[n++] = cur;
        in = false;
      }
      continue;
    }
    /* not calm: the episode goes on through this day */
    calm = 0;
    cur.last_day = day;
    cur.sum += (double)worst;
    cur.n_days++;
    if (worst > cur.worst)
      cur.worst = worst;
  }
  note_rc(rc);
  sqlite3_finalize(st);
  if (in) {
    cur.current = true;
    eps = lbp_xrealloc(eps, (n + 1) * sizeof(episode));
    eps[n++] = cur;
  }
  *ret_n = n;
  return eps;
}

static lb_value episode_value(const episode *e, keep *k) {
  lb_pair *f = keep_mem(k, sizeof(lb_pair) * 6);
  f[0] = (lb_pair){"start", lb_v_int(day_start(e->first_day))};
  f[1] = (lb_pair){"end", lb_v_int(e->current ? 0 : day_start(e->last_day))};
  f[2] = (lb_pair){"days", lb_v_uint((uint64_t)(e->last_day - e->first_day + 1))};
  f[3] = (lb_pair){"worst", lb_v_uint((uint64_t)e->worst)};
  f[4] = (lb_pair){"average", lb_v_double(e->sum / (double)e->n_days)};
  f[5] = (lb_pair){"current", lb_v_bool(e->current)};
  return lb_v_map(f, 6);
}

/* Entries counted by trigger or by location. */
typedef struct group {
  char *name;
  int64_t count;
  double sum;
} group;

typedef struct groups {
  void *tree; /* tsearch, by name */
  group **items;
  size_t n;
} groups;

static int cmp_group(const void *a, const void *b) {
  return strcmp(((const group *)a)->name, ((const group *)b)->name);
}

static void group_add(groups *g, const unsigned char *name, int64_t level) {
  if (!name || !*name)
    return;
  group key = {.name = (char *)name};
  void *hit = tfind(&key, &g->tree, cmp_group);
  group *it = hit ? *(group **)hit : NULL;
  if (!it) {
    it = lbp_xcalloc(1, sizeof(*it));
    it->name = lbp_xstrdup((const char *)name);
    tsearch(it, &g->tree, cmp_group);
    g->items = lbp_xrealloc(g->items, (g->n + 1) * sizeof(group *));
    g->items[g->n++] = it;
  }
  it->count++;
  it->sum += (double)level;
}

static int cmp_by_count(const void *a, const void *b) {
  const group *x = *(group *const *)a, *y = *(group *const *)b;
  return x->count != y->count ? (x->count < y->count ? 1 : -1) : strcmp(x->name, y->name);
}

static void groups_free(groups *g) {
  for (size_t i = 0; i < g->n; i++) {
    tdelete(g->items[i], &g->tree, cmp_group);
    free(g->items[i]->name);
    free(g->items[i]);
  }
  free(g->items);
}

static lb_value groups_value(groups *g, keep *k) {
  if (g->n > 1)
    qsort(g->items, g->n, sizeof(group *), cmp_by_count);
  lb_value *items = keep_mem(k, sizeof(lb_value) * (g->n ? g->n : 1));
  for (size_t i = 0; i < g->n; i++) {
    lb_pair *f = keep_mem(k, sizeof(lb_pair) * 3);
    f[0] = (lb_pair){"name", lb_v_str(keep_str(k, (const unsigned char *)g->items[i]->name))};
    f[1] = (lb_pair){"count", lb_v_uint((uint64_t)g->items[i]->count)};
    f[2] = (lb_pair){"average", lb_v_double(g->items[i]->sum / (double)g->items[i]->count)};
    items[i] = lb_v_map(f, 3);
  }
  return lb_v_array(items, g->n);
}

/* One pass over the window: its summary, and the entries by trigger and by
 * location (the table is in time order: a sequential read). */
static summary scan_window(int64_t since, int64_t until, groups *triggers, groups *places) {
  summary s = {0};
  double sum = 0;
  sqlite3_stmt *st = prepare(NULL, "SELECT level, trigger, location FROM pain_entries WHERE "
                                   "at >= ? AND at <= ?");
  if (!st)
    return s;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t level = sqlite3_column_int64(st, 0);
    s.count++;
    sum += (double)level;
    if (level > s.worst)
      s.worst = level;
    group_add(triggers, sqlite3_column_text(st, 1), level);
    group_add(places, sqlite3_column_text(st, 2), level);
  }
  note_rc(rc);
  sqlite3_finalize(st);
  s.average = s.count ? sum / (double)s.count : 0;
  return s;
}

/* The warm-up comparison: the training sessions that started in
 * [since, until], each warmed up or not (see "Training sessions" below), and
 * the pain in the 48 h after each; sessions with no entry in those hours
 * tell nothing and are listed but not counted. */
static lb_value warmup_value(keep *k, int64_t since, int64_t until) {
  int64_t sessions[2] = {0};
  double sums[2] = {0};
  sqlite3_stmt *st = prepare(
      NULL, "SELECT t.start_at, t.end_at, t.sets, (SELECT how FROM pain_warmups w WHERE w.at >= "
            "t.start_at - ?1 AND w.at <= t.start_at ORDER BY w.at DESC LIMIT 1), (SELECT "
            "count(*) FROM pain_entries e WHERE e.at >= t.start_at AND e.at <= t.start_at + ?2), "
            "(SELECT avg(level) FROM pain_entries e WHERE e.at >= t.start_at AND e.at <= "
            "t.start_at + ?2) FROM pain_training t WHERE t.start_at >= ?3 AND t.start_at <= ?4 "
            "ORDER BY t.start_at");
  lb_value *list = NULL;
  size_t n = 0, cap = 0;
  if (st) {
    sqlite3_bind_int64(st, 1, WARMED_UP_S);
    sqlite3_bind_int64(st, 2, AFTER_SESSION_S);
    sqlite3_bind_int64(st, 3, since);
    sqlite3_bind_int64(st, 4, until);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char *how = sqlite3_column_text(st, 3);
      int64_t entries = sqlite3_column_int64(st, 4);
      double after = sqlite3_column_double(st, 5);
      int i = how ? 0 : 1;
      if (entries > 0) {
        sessions[i]++;
        sums[i] += after;
      }
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        lb_value *grown = keep_mem(k, cap * sizeof(lb_value));
        if (n)
          memcpy(grown, list, n * sizeof(lb_value));
        list = grown;
      }
      lb_pair *f = keep_mem(k, sizeof(lb_pair) * 7);
      f[0] = (lb_pair){"start", lb_v_int(sqlite3_column_int64(st, 0))};
      f[1] = (lb_pair){"end", lb_v_int(sqlite3_column_int64(st, 1))};
      f[2] = (lb_pair){"sets", lb_v_uint((uint64_t)sqlite3_column_int64(st, 2))};
      f[3] = (lb_pair){"warmed_up", lb_v_bool(how != NULL)};
      f[4] = (lb_pair){"how", lb_v_str(keep_str(k, how))};
      f[5] = (lb_pair){"entries_after", lb_v_uint((uint64_t)entries)};
      f[6] = (lb_pair){"average_after", lb_v_double(entries ? after : 0)};
      list[n++] = lb_v_map(f, 7);
    }
    note_rc(rc);
    sqlite3_finalize(st);
  }
  double averages[2] = {sessions[0] ? sums[0] / (double)sessions[0] : 0,
                        sessions[1] ? sums[1] / (double)sessions[1] : 0};
  bool enough = sessions[0] >= MIN_SESSIONS && sessions[1] >= MIN_SESSIONS;
  lb_pair *d = keep_mem(k, sizeof(lb_pair) * 2), *s = keep_mem(k, sizeof(lb_pair) * 2);
  d[0] = (lb_pair){"sessions", lb_v_uint((uint64_t)sessions[0])};
  d[1] = (lb_pair){"average_after", lb_v_double(averages[0])};
  s[0] = (lb_pair){"sessions", lb_v_uint((uint64_t)sessions[1])};
  s[1] = (lb_pair){"average_after", lb_v_double(averages[1])};
  lb_pair *f = keep_mem(k, sizeof(lb_pair) * 6);
  /* "done": warmed up; "skipped": not (the names scripts know) */
  f[0] = (lb_pair){"done", lb_v_map(d, 2)};
  f[1] = (lb_pair){"skipped", lb_v_map(s, 2)};
  f[2] = (lb_pair){"difference", lb_v_double(averages[1] - averages[0])};
  f[3] = (lb_pair){"meaningful", lb_v_bool(enough && meaningful(averages[0], averages[1]))};
  f[4] = (lb_pair){"enough_data", lb_v_bool(enough)};
  f[5] = (lb_pair){"sessions", lb_v_array(list, n)};
  return lb_v_map(f, 6);
}

static void m_stats(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *dv = lb_map_get(&args[0], "days");
  int64_t days = dv ? (int64_t)dv->as.u : 30, now = now_s();
  keep k = {0};
  /* windows end now and start at local midnight, days back */
  int64_t today = local_day(now);
  groups triggers = {0}, places = {0};
  summary all = scan_window(day_start(today - days + 1), now, &triggers, &places);
  summary week = summarize(day_start(today - 6), now);
  summary month = summarize(day_start(today - 29), now);
  summary prev = summarize(day_start(today - 13), day_start(today - 6) - 1);

  const char *direction = "unknown";
  if (week.count && prev.count)
    direction = !meaningful(week.average, prev.average) ? "steady"
                : week.average < prev.average           ? "better"
                                                        : "worse";
  lb_pair tf[4], wf[3], mf[3];
  tf[0] = (lb_pair){"direction", lb_v_str(direction)};
  tf[1] =
      (lb_pair){"change", lb_v_double(week.count && prev.count ? week.average - prev.average : 0)};
  tf[2] = (lb_pair){"last_average", lb_v_double(week.average)};
  tf[3] = (lb_pair){"previous_average", lb_v_double(prev.average)};

  size_t n_eps;
  episode *eps = find_episodes(&n_eps);
  lb_value *ev = keep_mem(&k, sizeof(lb_value) * (n_eps ? n_eps : 1));
  lb_value current = lb_v_map(NULL, 0);
  for (size_t i = 0; i < n_eps; i++) {
    ev[i] = episode_value(&eps[i], &k);
    if (eps[i].current)
      current = ev[i];
  }
  free(eps);

  lb_value v = LB_MAP(
      {"days", lb_v_uint((uint64_t)days)}, {"count", lb_v_uint((uint64_t)all.count)},
      {"average", lb_v_double(all.average)}, {"worst", lb_v_uint((uint64_t)all.worst)},
      {"week", summary_value(week, wf)}, {"month", summary_value(month, mf)},
      {"trend", lb_v_map(tf, 4)}, {"episodes", lb_v_array(ev, n_eps)}, {"current_episode", current},
      {"by_trigger", groups_value(&triggers, &k)}, {"by_location", groups_value(&places, &k)},
      {"warmup", warmup_value(&k, day_start(today - days + 1), now)});
  if (!read_failed(call))
    host->reply(call, &v);
  keep_free(&k);
  groups_free(&triggers);
  groups_free(&places);
}

/* ---- export ------------------------------------------------------------------------------ */

/* The export's text. pain.export builds it in memory, up to what one answer
 * carries; pain.export_file writes it out in pieces as it goes, so a whole
 * diary (tens of MB as JSON) never sits in memory at once. A row is written
 * into room reserved for its worst case, with no check per character. */
#define EXPORT_PIECE (256 * 1024)
#define EXPORT_MAX_ANSWER (1000 * 1000)

typedef struct text {
  char *s;
  size_t len, cap;
  size_t total; /* bytes so far, written out or not */
  int fd;       /* >= 0: written out to it in EXPORT_PIECE pieces */
  int err;      /* the errno of a failed write */
} text;

/* Room for n more bytes at t->s + t->len. */
static char *text_room(text *t, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->s = lbp_xrealloc(t->s, t->cap);
  }
  return t->s + t->len;
}

/* The room used up to end. */
static void text_done(text *t, const char *end) {
  size_t n = (size_t)(end - (t->s + t->len));
  t->len += n;
  t->total += n;
  t->s[t->len] = '\0';
}

/* Writes out what is held, when writing to a file (and once more at the end:
 * all). */
static void text_flush(text *t, bool all) {
  if (t->fd < 0 || t->err || (!all && t->len < EXPORT_PIECE))
    return;
  size_t off = 0;
  while (off < t->len) {
    ssize_t w = write(t->fd, t->s + off, t->len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      t->err = errno;
      break;
    }
    off += (size_t)w;
  }
  t->len = 0;
}

static char *put(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  return p + n;
}

static char *put_int(char *p, int64_t v) {
  char digits[20];
  size_t n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do
    digits[n++] = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *p++ = '-';
  while (n)
    *p++ = digits[--n];
  return p;
}

/* A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped, the rest copied as it is (entries are valid UTF-8: the core checked
 * them). At most 6 n + 2 bytes. */
static char *put_json_string(char *p, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = (char)c;
    } else if (c >= 0x20) {
      *p++ = '\\', *p++ = (char)c;
    } else {
      p = put(p, "\\u00", 4);
      *p++ = hex[c >> 4], *p++ = hex[c & 15];
    }
  }
  *p++ = '"';
  return p;
}

/* RFC 4180: a field with a comma, quote or line break is quoted, its quotes
 * doubled. At most 2 n + 2 bytes. */
static char *put_csv_field(char *p, const char *s, size_t n) {
  bool quote = false;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (!quote)
    return put(p, s, n);
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"')
      *p++ = '"';
    *p++ = s[i];
  }
  *p++ = '"';
  return p;
}

/* The export of [since, until] as CSV or JSON into t (in memory, or written
 * out when t->fd >= 0); the number of rows, or -1 after failing the call. An
 * export in memory stops once it is over what an answer carries. */
static int64_t export_text(lb_call *call, bool json, int64_t since, int64_t until, text *t) {
  sqlite3_stmt *st = prepare(call, "SELECT id, at, level, location, trigger, note, symptoms FROM "
                                   "pain_entries WHERE at >= ? AND at <= ? ORDER BY at, id");
  if (!st)
    return -1;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int64_t rows = 0;
  zone_span zone = {0, 0, 0};
  if (json) {
    text_done(t, put(text_room(t, 1), "[", 1));
  } else {
    static const char header[] = "id,at,level,location,trigger,note,symptoms\r\n";
    text_done(t, put(text_room(t, sizeof(header)), header, sizeof(header) - 1));
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *col[7];
    size_t len[7], strings = 0;
    for (int c = 3; c < 7; c++) {
      /* strlen, not sqlite3_column_bytes: the core let no NUL in, and
       * one API call fewer per column is 7 % of an export */
      col[c] = (const char *)sqlite3_column_text(st, c);
      col[c] = col[c] ? col[c] : "";
      len[c] = strlen(col[c]);
      strings += len[c];
    }
    /* the worst case: every byte escaped as \u00XX, and the fixed parts */
    char *p = text_room(t, 6 * strings + 256);
    int64_t id = sqlite3_column_int64(st, 0), at = sqlite3_column_int64(st, 1),
            level = sqlite3_column_int64(st, 2);
    if (json) {
      /* Written here, not by SQLite's json_object and json_quote, which
       * cost twice the export's time. */
      p = put(p, rows ? ",\n{\"id\":" : "{\"id\":", rows ? 8 : 6);
      p = put_int(p, id);
      p = put(p, ",\"at\":", 6);
      p = put_int(p, at);
      p = put(p, ",\"level\":", 9);
      p = put_int(p, level);
      p = put(p, ",\"location\":", 12);
      p = put_json_string(p, col[3], len[3]);
      p = put(p, ",\"trigger\":", 11);
      p = put_json_string(p, col[4], len[4]);
      p = put(p, ",\"note\":", 8);
      p = put_json_string(p, col[5], len[5]);
      p = put(p, ",\"symptoms\":[", 13);
      for (size_t i = 0; i < len[6];) { /* stored as "a,b": ["a","b"] */
        const char *comma = memchr(col[6] + i, ',', len[6] - i);
        size_t n = comma ? (size_t)(comma - col[6]) - i : len[6] - i;
        p = put_json_string(p, col[6] + i, n);
        i += n + 1;
        if (comma)
          *p++ = ',';
      }
      p = put(p, "]}", 2);
    } else {
      char when[64];
      iso_local(at, &zone, when, sizeof(when));
      p = put_int(p, id);
      *p++ = ',';
      p = put(p, when, strlen(when));
      *p++ = ',';
      p = put_int(p, level);
      for (int c = 3; c < 6; c++) {
        *p++ = ',';
        p = put_csv_field(p, col[c], len[c]);
      }
      *p++ = ',';
      /* symptoms: ';' between keys, so the field needs no quoting */
      for (size_t i = 0; i < len[6]; i++)
        *p++ = col[6][i] == ',' ? ';' : col[6][i];
      p = put(p, "\r\n", 2);
    }
    text_done(t, p);
    rows++;
    text_flush(t, false);
    if (t->fd < 0 && t->total > EXPORT_MAX_ANSWER) {
      rc = SQLITE_DONE;
      break;
    }
  }
  sqlite3_finalize(st);
  note_rc(rc);
  if (read_failed(call))
    return -1;
  if (json)
    text_done(t, put(text_room(t, 2), "]\n", 2));
  text_flush(t, true);
  return rows;
}

static bool format_of(lb_call *call, const lb_value *opts, bool *ret_json) {
  const lb_value *f = lb_map_get(opts, "format");
  const char *s = f ? f->as.str.ptr : "csv";
  if (strcmp(s, "csv") != 0 && strcmp(s, "json") != 0) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "option 'format' must be csv or json, got \"%.20s\"",
               s);
    return false;
  }
  *ret_json = strcmp(s, "json") == 0;
  return true;
}

static void m_export(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  bool json;
  int64_t since, until;
  if (!format_of(call, &args[0], &json))
    return;
  range_of(&args[0], &since, &until);
  text t = {.fd = -1};
  if (export_text(call, json, since, until, &t) < 0) {
    free(t.s);
    return;
  }
  if (t.total > EXPORT_MAX_ANSWER) {
    host->fail(call, LB_ERR_INVALID_PARAMS,
               "the export is more than one answer carries (1 MiB): write it to a file with "
               "pain.export_file (lumbarctl pain export -o FILE), or ask for a shorter range");
    free(t.s);
    return;
  }
  lb_value v = lb_v_strn(t.s ? t.s : "", t.len);
  host->reply(call, &v);
  free(t.s);
}

static void m_export_file(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const char *path = args[0].as.str.ptr;
  bool json;
  int64_t since, until;
  char err[1024];
  if (path[0] != '/') {
    host->fail(call, LB_ERR_INVALID_PARAMS,
               "parameter 'path' must be absolute (the daemon does not know your directory)");
    return;
  }
  if (!format_of(call, &args[1], &json))
    return;
  range_of(&args[1], &since, &until);
  /* Whole or not at all, and never over one of lumbard's own files: the
   * host checks the path and gives a new file beside it, renamed over it
   * once complete. Not fsync'd: the diary itself is durable, the export is
   * a copy of it, and an fsync of tens of MB would hold up every client. */
  lb_output *out = host->output_open(self, path, err, sizeof(err));
  if (!out) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "%s", err);
    return;
  }
  text t = {.fd = host->output_fd(out)};
  int64_t rows = export_text(call, json, since, until, &t); /* < 0: it failed the call */
  free(t.s);
  if (rows >= 0 && t.err) {
    snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(t.err));
    rows = -2;
  }
  int r = host->output_close(out, rows >= 0, err, sizeof(err));
  if (rows == -1)
    return;
  if (rows < 0 || r < 0) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "%s", err);
    return;
  }
  lb_value v = LB_MAP({"path", lb_v_str(path)}, {"rows", lb_v_uint((uint64_t)rows)},
                      {"bytes", lb_v_uint(t.total)});
  host->reply(call, &v);
}

/* ---- sessions and check-ins -------------------------------------------------------------- */

/* Training sessions and warm-ups, as the daemon sees them (DESIGN §6
 * "pain"): a session is a stretch of training -- sets counted by the rest
 * plugin (a routine, or rests that carry a set number), later logged sets --
 * with no gap of SESSION_GAP_S between two of them; it is warmed up when a
 * warm-up (the warm-up preset run to its end, or the warm-up reminder marked
 * done) came in the WARMED_UP_S before its first set. Both are recorded at
 * the moment the daemon hears of them, never at a time from an event's
 * fields (a skipped reminder's "at" may be ahead), and a skip records
 * nothing. Whether a session was warmed up is found when stats are asked, so
 * a later answer cannot undo a warm-up that happened. */

typedef struct moment {
  int64_t at;
  const char *what; /* static: "warm-up preset", "warm-up reminder", or NULL for a set */
} moment;

static int write_moment(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  const moment *m = ud;
  sqlite3_stmt *st;
  int rc;
  if (m->what) {
    rc = sqlite3_prepare_v2(db, "INSERT INTO pain_warmups(at, how) VALUES(?, ?)", -1, &st, NULL);
    if (rc != SQLITE_OK)
      return rc;
    sqlite3_bind_int64(st, 1, m->at);
    sqlite3_bind_text(st, 2, m->what, -1, SQLITE_STATIC);
    return step_done(db, st);
  }
  /* a set: it goes on the session under way, or starts one */
  rc = sqlite3_prepare_v2(db,
                          "UPDATE pain_training SET end_at = max(end_at, ?1), sets = sets + 1 "
                          "WHERE id = (SELECT id FROM pain_training WHERE end_at >= ?1 - ?2 AND "
                          "start_at <= ?1 ORDER BY start_at DESC LIMIT 1)",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, m->at);
  sqlite3_bind_int64(st, 2, SESSION_GAP_S);
  if ((rc = step_done(db, st)) != SQLITE_OK || sqlite3_changes(db) > 0)
    return rc;
  rc = sqlite3_prepare_v2(db, "INSERT INTO pain_training(start_at, end_at, sets) VALUES(?1, ?1, 1)",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, m->at);
  return step_done(db, st);
}

static void moment_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  if (result < 0)
    host->log(self, LB_LOG_ERR, "cannot record %s: %s",
              ((moment *)ud)->what ? "a warm-up" : "a training set", error);
  free(ud);
}

static void record(const char *what) {
  moment *m = lbp_xcalloc(1, sizeof(*m));
  *m = (moment){now_s(), what};
  host->db_write(self, write_moment, moment_written, m);
}

static bool logged_recently(int64_t now) {
  sqlite3_stmt *st = prepare(NULL, "SELECT 1 FROM pain_entries WHERE at > ? LIMIT 1");
  read_rc = 0; /* not a method's read: said below */
  if (!st)
    return false;
  sqlite3_bind_int64(st, 1, now - QUIET_BEFORE_CHECKIN_S);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) /* ask anyway: a check-in too many is harmless */
    host->log(self, LB_LOG_WARNING, "check-in: %s", host->db_error(self, rc));
  return rc == SQLITE_ROW;
}

static void checkin(const char *reason, const char *message) {
  int64_t now = now_s();
  if (logged_recently(now)) {
    host->log(self, LB_LOG_DEBUG, "check-in (%s) left out: an entry was logged lately", reason);
    return;
  }
  lb_value scores[MAX_SCORES];
  for (size_t i = 0; i < cfg.n_scores; i++)
    scores[i] = lb_v_int(cfg.scores[i]);
  due.since = now;
  snprintf(due.reason, sizeof(due.reason), "%s", reason);
  snprintf(due.message, sizeof(due.message), "%s", message);
  lb_value ev = LB_MAP({"reason", lb_v_str(reason)}, {"message", lb_v_str(message)},
                       {"scores", lb_v_array(scores, cfg.n_scores)});
  host->emit(self, "checkin_due", &ev);
}

/* pain.checkin({skip}): the check-in that is due, if one is; skip: it is
 * answered by nothing. */
static void m_checkin(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *skip = lb_map_get(&args[0], "skip");
  int64_t now = now_s();
  if (due.since && (now - due.since >= CHECKIN_LAPSE_S || due.since > now + 60))
    due.since = 0; /* lapsed, or from before the clock went back */
  if (due.since && skip && skip->as.b) {
    host->log(self, LB_LOG_INFO, "check-in (%s) skipped", due.reason);
    due.since = 0;
  }
  lb_value scores[MAX_SCORES];
  for (size_t i = 0; i < cfg.n_scores; i++)
    scores[i] = lb_v_int(cfg.scores[i]);
  bool is_due = due.since != 0;
  lb_value v = LB_MAP({"due", lb_v_bool(is_due)}, {"since", lb_v_int(is_due ? due.since : 0)},
                      {"reason", lb_v_str(is_due ? due.reason : "")},
                      {"message", lb_v_str(is_due ? due.message : "")},
                      {"scores", lb_v_array(scores, cfg.n_scores)});
  host->reply(call, &v);
}

static void arm_checkin(void);

static void on_checkin(lb_plugin *p, uint64_t id, void *ud) {
  (void)p, (void)id, (void)ud;
  checkin_timer = 0;
  checkin("scheduled", "How is your back today? 0 is no pain, 10 the worst.");
  arm_checkin();
}

static void arm_checkin(void) {
  if (checkin_timer)
    host->timer_stop(self, checkin_timer);
  checkin_timer = 0;
  int64_t next;
  if (checkin_cal && lb_calendar_next(checkin_cal, host->now_ms(LB_CLOCK_WALL) * 1000, &next) == 0)
    checkin_timer = host->timer_start(self, LB_CLOCK_WALL, next / 1000, on_checkin, NULL);
}

static const char *str_field(const lb_value *fields, const char *key) {
  const lb_value *v = lb_map_get(fields, key);
  return v && v->kind == LB_STR ? v->as.str.ptr : "";
}

static void on_event(lb_plugin *p, const char *name, const lb_value *fields, void *ud) {
  (void)p, (void)ud;
  if (strcmp(name, "reminders.done") == 0) {
    if (strcmp(str_field(fields, "name"), cfg.warmup_reminder) == 0)
      record("warm-up reminder");
  } else if (strcmp(name, "rest.set_done") == 0) {
    record(NULL); /* a set was done: training */
  } else if (strcmp(name, "rest.routine_done") == 0) {
    if (strcmp(str_field(fields, "routine"), cfg.warmup_preset) == 0)
      record("warm-up preset");
    /* after training, not after the warm-up sequence that comes before it */
    const lb_value *steps = lb_map_get(fields, "steps");
    if (cfg.after_routine && !(steps && steps->kind == LB_UINT && steps->as.u > 0))
      checkin("after routine", "Routine done. How is your back? 0 is no pain, 10 the worst.");
  }
}

static void clock_changed(lb_plugin *p, void *ud) {
  (void)p, (void)ud;
  arm_checkin();
}

/* ---- config -------------------------------------------------------------------------------- */

static void on_config(lb_plugin *p, const char *section, const char *key, const char *value,
                      void *ud) {
  (void)p;
  settings *s = ud;
  if (section[0]) {
    host->log(self, LB_LOG_WARNING, "[pain.%s]: unknown section; ignored", section);
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
      host->log(self, LB_LOG_WARNING, "[pain] checkin_after_routine = %s: say yes or no; kept yes",
                value);
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
        host->log(self, LB_LOG_WARNING,
                  "[pain] scores = %s: scores are 0 to 10, between commas; kept 0,2,5,8", value);
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
    host->log(self, LB_LOG_WARNING,
              "[pain] %s: unknown key (checkin, checkin_after_routine, scores, warmup_reminder, "
              "warmup_preset); ignored",
              key);
  }
}

static void load_config(void) {
  settings s = {.checkin = "21:00",
                .after_routine = true,
                .scores = {0, 2, 5, 8},
                .n_scores = 4,
                .warmup_reminder = "warmup",
                .warmup_preset = "warmup"};
  host->config_each(self, on_config, &s);
  lb_calendar *cal = NULL;
  char err[256];
  if (s.checkin[0] && lb_calendar_parse(s.checkin, &cal, err, sizeof(err)) < 0) {
    host->log(self, LB_LOG_WARNING, "[pain] checkin = %s: %s; no daily check-in", s.checkin, err);
    cal = NULL;
  }
  lb_calendar_free(checkin_cal);
  checkin_cal = cal;
  cfg = s;
  arm_checkin();
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
                                        {0}};
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
     .handler = m_log},
    {.name = "amend",
     .doc = "Correct an entry (a mistyped score, the wrong time); on disk before the answer.",
     .params = id_params,
     .options = amend_options,
     .result = LB_T_MAP,
     .result_fields = entry_fields,
     .handler = m_amend},
    {.name = "remove",
     .doc = "Remove an entry from the diary; on disk before the answer.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = removed_fields,
     .handler = m_remove},
    {.name = "history",
     .doc = "Entries, newest first.",
     .options = range_options,
     .result = LB_T_MAPS,
     .result_fields = entry_fields,
     .handler = m_history},
    {.name = "stats",
     .doc = "Averages, trend, episodes, triggers and the warm-up comparison.",
     .options = stats_options,
     .result = LB_T_MAP,
     .result_fields = stats_fields,
     .handler = m_stats},
    {.name = "export",
     .doc = "The diary as CSV or JSON text (at most 1 MiB).",
     .options = export_options,
     .result = LB_T_STRING,
     .handler = m_export},
    {.name = "checkin",
     .doc = "The check-in that is due, if any (skip: answer it with nothing).",
     .options = checkin_options,
     .result = LB_T_MAP,
     .result_fields = checkin_result_fields,
     .handler = m_checkin},
    {.name = "export_file",
     .doc = "Write the diary as CSV or JSON to a file.",
     .params = file_params,
     .options = export_options,
     .result = LB_T_MAP,
     .result_fields = file_fields,
     .handler = m_export_file},
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
  host = h;
  self = p;
  if (!LB_HOST_HAS(h, output_close)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old for the pain plugin (host API %u)", h->api);
    return -ENOTSUP;
  }
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->db_migrate(p, schema) < 0)
    return -EIO;
  if (h->listen(p, "reminders.done", on_event, NULL) < 0 ||
      h->listen(p, "rest.set_done", on_event, NULL) < 0 ||
      h->listen(p, "rest.routine_done", on_event, NULL) < 0 ||
      h->on_clock_change(p, clock_changed, NULL) < 0)
    return -EINVAL;
  load_config();
  return 0;
}

static void shutdown(lb_plugin *p) {
  (void)p;
  sqlite3_finalize(log_next_id);
  sqlite3_finalize(log_insert);
  log_next_id = log_insert = NULL;
  lb_calendar_free(checkin_cal);
  checkin_cal = NULL;
  checkin_timer = 0;
}

LB_PLUGIN_DEFINE(.name = "pain", .version = "1.0",
                 .description = "a pain diary: 0-10 entries, episodes, trends, red-flag advice",
                 .init = init, .shutdown = shutdown, .reload = reload);
