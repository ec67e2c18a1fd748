/* reminders — systemd calendar schedules, intervals within active hours,
 * one-off reminders; snooze, done, skip, pause; caught up once after sleep
 * or downtime, never as a burst. See plugins/reminders/README.md.
 *
 * Each reminder has one wall-clock host timer (an absolute CLOCK_REALTIME
 * timerfd: it fires after a resume and reports clock changes) at the
 * earlier of its next elapse and the end of its snooze. Changes are written
 * behind to SQLite once per loop turn; every due, done, skip and snooze is
 * logged with its reason. A schedule's words and its elapses are schedule.c's. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <search.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "db.h"
#include "schedule.h"
#include "xalloc.h"

#define MAX_PAUSE (30 * 86400)
/* The history of dues, dones and skips is kept for this long, and at most
 * this many rows (an "every 1s" reminder adds 86,400 a day). */
#define LOG_KEEP_MS (400LL * 86400 * 1000)
#define LOG_KEEP_ROWS 100000
/* The latest base preview takes: 9999-12-30 23:59:59 UTC, the last second
 * from which the engine (as systemd's arithmetic) still finds an elapse in
 * the year 9999 in every zone. */
#define MAX_BASE_S 253402214399LL
#define SOURCE_CONFIG "config"
#define SOURCE_RUNTIME "runtime"

typedef struct reminder {
  uint64_t id;
  struct reminder *prev, *next;
  char name[64], schedule[256], message[512], source[8];
  schedule_spec spec; /* schedule, parsed */
  int64_t next_at_ms; /* the next elapse; 0: none left */
  int64_t due_at_ms;  /* the occurrence that fired and waits for done, skip or snooze */
  int64_t snoozed_until_ms;
  int64_t paused_until_ms;
  int64_t held_ms; /* a one-off's elapse that fell in a pause: delivered when it ends */
  uint64_t timer;
  bool seen; /* config sync */
} reminder;

static const lb_host *host;
static lb_plugin *self;
static reminder *first, *last;
static void *by_id, *by_name; /* tsearch trees */
static size_t n_reminders;
static uint64_t next_id = 1;
static int64_t paused_all_until_ms;
static uint32_t snooze_default = 600, catch_up_s = 6 * 3600;

typedef struct logrow {
  uint64_t id;
  char name[64], action[8], reason[160];
  int64_t occurrence_ms, at_ms;
} logrow;

/* Changed reminders are noted with the host (db_touch) and written after the
 * loop turn; the log rows and meta values wait here until a save lands. */
static logrow *logs;
static size_t n_logs, cap_logs;
static bool meta_dirty;
static int64_t last_prune_ms;
/* The wall clock minus the monotonic one when last looked at: a change of
 * it is how far the wall clock was set (suspend moves both). */
static int64_t clock_offset_ms;

static int64_t now_ms(void) {
  return host->now_ms(LB_CLOCK_WALL);
}

/* ---- storage ------------------------------------------------------------ */

static const char *const schema[] = {
    "CREATE TABLE reminders_reminders("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, schedule TEXT NOT NULL,"
    "  message TEXT NOT NULL, from_min INTEGER NOT NULL, to_min INTEGER NOT NULL,"
    "  source TEXT NOT NULL, anchor_ms INTEGER NOT NULL, next_at_ms INTEGER NOT NULL,"
    "  due_at_ms INTEGER NOT NULL, snoozed_until_ms INTEGER NOT NULL,"
    "  paused_until_ms INTEGER NOT NULL);"
    "CREATE TABLE reminders_log("
    "  id INTEGER PRIMARY KEY, reminder_id INTEGER NOT NULL, name TEXT NOT NULL,"
    "  occurrence_ms INTEGER NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL);"
    "CREATE INDEX reminders_log_by_name ON reminders_log(name, occurrence_ms);"
    "CREATE TABLE reminders_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
    /* Version 2: a one-off that falls due in a pause is held, not dropped. */
    "ALTER TABLE reminders_reminders ADD COLUMN held_ms INTEGER NOT NULL DEFAULT 0;", NULL};

static int cmp_id(const void *a, const void *b) {
  uint64_t x = ((const reminder *)a)->id, y = ((const reminder *)b)->id;
  return x < y ? -1 : x > y;
}

static reminder *find(uint64_t id) {
  reminder key = {.id = id};
  void *hit = tfind(&key, &by_id, cmp_id);
  return hit ? *(reminder **)hit : NULL;
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(((const reminder *)a)->name, ((const reminder *)b)->name);
}

static reminder *find_name(const char *name) {
  reminder key;
  snprintf(key.name, sizeof(key.name), "%s", name);
  void *hit = tfind(&key, &by_name, cmp_name);
  return hit ? *(reminder **)hit : NULL;
}

/* The name is the key of by_name: set it only through here. */
static void set_name(reminder *r, const char *name) {
  if (r->name[0])
    tdelete(r, &by_name, cmp_name);
  snprintf(r->name, sizeof(r->name), "%s", name);
  tsearch(r, &by_name, cmp_name);
}

static int bind_reminder(sqlite3_stmt *st, const reminder *r) {
  sqlite3_bind_int64(st, 1, (sqlite3_int64)r->id);
  sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->schedule, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->message, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, r->spec.from_min);
  sqlite3_bind_int(st, 6, r->spec.to_min);
  sqlite3_bind_text(st, 7, r->source, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, r->spec.anchor_ms);
  sqlite3_bind_int64(st, 9, r->next_at_ms);
  sqlite3_bind_int64(st, 10, r->due_at_ms);
  sqlite3_bind_int64(st, 11, r->snoozed_until_ms);
  sqlite3_bind_int64(st, 12, r->paused_until_ms);
  sqlite3_bind_int64(st, 13, r->held_ms);
  return sqlite3_step(st);
}

/* The history is pruned as it is written: past LOG_KEEP_ROWS at once (ids
 * grow, so that is a range of the rowid), past its age once a day (rows are
 * written in time order: the scan stops at the first young one). */
static int prune_log(sqlite3 *db, int64_t now) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "DELETE FROM reminders_log WHERE id <= ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(db) - LOG_KEEP_ROWS);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  if (rc != SQLITE_OK || now - last_prune_ms < 86400 * 1000)
    return rc;
  rc = sqlite3_prepare_v2(db,
                          "DELETE FROM reminders_log WHERE id < (SELECT coalesce(min(id), 0) FROM "
                          "(SELECT id FROM reminders_log WHERE at_ms >= ? ORDER BY id LIMIT 1))",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, now - LOG_KEEP_MS);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc;
}

/* Write-behind (the host's): the reminders noted since the last save as
 * they are now (deleted when gone), the log rows and the meta values. */
static int save(lb_plugin *p, sqlite3 *db, const uint64_t *dirty, size_t n_dirty, void *ud) {
  (void)p, (void)ud;
  sqlite3_stmt *up = NULL, *del = NULL, *lg = NULL, *meta = NULL;
  int rc;
  if ((rc = sqlite3_prepare_v2(db,
                               "INSERT OR REPLACE INTO reminders_reminders VALUES(?,?,?,?,?,?,?,?,"
                               "?,?,?,?,?)",
                               -1, &up, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2(db, "DELETE FROM reminders_reminders WHERE id = ?", -1, &del,
                               NULL)) != SQLITE_OK ||
      (rc =
           sqlite3_prepare_v2(db,
                              "INSERT INTO reminders_log(reminder_id, name, occurrence_ms, action, "
                              "reason, at_ms) VALUES(?,?,?,?,?,?)",
                              -1, &lg, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO reminders_meta VALUES(?, ?)", -1, &meta,
                               NULL)) != SQLITE_OK)
    goto out;
  for (size_t i = 0; i < n_dirty; i++) {
    reminder *r = find(dirty[i]);
    sqlite3_reset(r ? up : del);
    if (r) {
      rc = bind_reminder(up, r) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
    } else {
      sqlite3_bind_int64(del, 1, (sqlite3_int64)dirty[i]);
      rc = lbp_step(db, del);
    }
    if (rc != SQLITE_OK)
      goto out;
  }
  for (size_t i = 0; i < n_logs; i++) {
    sqlite3_reset(lg);
    sqlite3_bind_int64(lg, 1, (sqlite3_int64)logs[i].id);
    sqlite3_bind_text(lg, 2, logs[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(lg, 3, logs[i].occurrence_ms);
    sqlite3_bind_text(lg, 4, logs[i].action, -1, SQLITE_STATIC);
    sqlite3_bind_text(lg, 5, logs[i].reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(lg, 6, logs[i].at_ms);
    if ((rc = lbp_step(db, lg)) != SQLITE_OK)
      goto out;
  }
  if (n_logs && (rc = prune_log(db, now_ms())) != SQLITE_OK)
    goto out;
  sqlite3_bind_text(meta, 1, "next_id", -1, SQLITE_STATIC);
  sqlite3_bind_int64(meta, 2, (sqlite3_int64)next_id);
  if ((rc = lbp_step(db, meta)) != SQLITE_OK)
    goto out;
  sqlite3_reset(meta);
  sqlite3_bind_text(meta, 1, "paused_until_ms", -1, SQLITE_STATIC);
  sqlite3_bind_int64(meta, 2, paused_all_until_ms);
  rc = lbp_step(db, meta);
out:
  sqlite3_finalize(up);
  sqlite3_finalize(del);
  sqlite3_finalize(lg);
  sqlite3_finalize(meta);
  return rc;
}

/* A save landed: what waited with it is written. */
static void saved(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p, (void)error, (void)ud;
  if (result < 0)
    return; /* the host retries; the rows wait */
  if (n_logs && now_ms() - last_prune_ms >= 86400 * 1000)
    last_prune_ms = now_ms();
  n_logs = 0;
  meta_dirty = false;
}

static void want_flush(void) {
  host->db_touch(self, 0);
}

static void touch(uint64_t id) {
  host->db_touch(self, id);
}

static void log_action(const reminder *r, int64_t occurrence_ms, const char *action,
                       const char *reason) {
  if (n_logs == cap_logs) {
    cap_logs = cap_logs ? cap_logs * 2 : 16;
    logs = lbu_xrealloc(logs, cap_logs * sizeof(*logs));
  }
  logrow *l = &logs[n_logs++];
  l->id = r->id;
  snprintf(l->name, sizeof(l->name), "%s", r->name);
  snprintf(l->action, sizeof(l->action), "%s", action);
  snprintf(l->reason, sizeof(l->reason), "%s", reason ? reason : "");
  l->occurrence_ms = occurrence_ms;
  l->at_ms = now_ms();
  want_flush();
}

/* ---- firing --------------------------------------------------------------- */

static void on_timer(lb_plugin *p, uint64_t id, void *ud);

/* When the pause that holds r ends (0: none set). */
static int64_t pause_end(const reminder *r) {
  return r->paused_until_ms > paused_all_until_ms ? r->paused_until_ms : paused_all_until_ms;
}

static bool paused(const reminder *r, int64_t now) {
  return pause_end(r) > now;
}

static void schedule(reminder *r) {
  if (r->timer)
    host->timer_stop(self, r->timer);
  r->timer = 0;
  int64_t at = r->next_at_ms;
  if (r->snoozed_until_ms && (!at || r->snoozed_until_ms < at))
    at = r->snoozed_until_ms;
  if (r->held_ms) { /* held until the pause ends (now, when it has ended) */
    int64_t end = pause_end(r);
    end = end > r->held_ms ? end : r->held_ms;
    if (!at || end < at)
      at = end;
  }
  if (at)
    r->timer = host->timer_start(self, LB_CLOCK_WALL, at, on_timer, r);
}

static void emit_due(reminder *r, int64_t occurrence_ms, int64_t now, uint32_t missed,
                     bool after_snooze) {
  int64_t late_s = (now - occurrence_ms) / 1000;
  if (late_s < 0)
    late_s = 0;
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"name", lb_v_str(r->name)},
                       {"message", lb_v_str(r->message)}, {"late_s", lb_v_uint((uint64_t)late_s)},
                       {"at", lb_v_int(occurrence_ms / 1000)}, {"missed", lb_v_uint(missed)},
                       {"snoozed", lb_v_bool(after_snooze)});
  host->emit(self, "due", &ev);
  if (late_s >= 60)
    host->log(self, LB_LOG_INFO, "%s was due %lld min ago (while asleep or not running)", r->name,
              (long long)late_s / 60);
}

static void emit_skipped(reminder *r, int64_t occurrence_ms, const char *reason) {
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"name", lb_v_str(r->name)},
                       {"reason", lb_v_str(reason)}, {"at", lb_v_int(occurrence_ms / 1000)});
  host->emit(self, "skipped", &ev);
  log_action(r, occurrence_ms, "skipped", reason);
}

static void destroy(reminder *r);

/* An elapse came (on time, or late after sleep, downtime or a clock jump):
 * the latest one missed fires once, older ones are only counted. */
static void elapse(reminder *r, int64_t now) {
  int64_t latest = r->next_at_ms;
  uint32_t missed = 1;
  schedule_hold(&r->spec); /* a week of minutes missed: the zone read once */
  for (int64_t t = schedule_next_after(&r->spec, latest); t && t <= now && missed < 100000;
       t = schedule_next_after(&r->spec, t)) {
    latest = t;
    missed++;
  }
  r->next_at_ms = schedule_next_after(&r->spec, now);
  schedule_release();
  if (now - latest > (int64_t)catch_up_s * 1000) {
    host->log(self, LB_LOG_INFO, "%s was due %lld min ago, past the catch-up horizon: dropped",
              r->name, (long long)(now - latest) / 60000);
    log_action(r, latest, "dropped", "missed while away, past the catch-up horizon");
  } else if (paused(r, now) && r->spec.kind == SCHEDULE_ONCE) {
    /* a one-off has no next time: held, and delivered when the pause ends */
    r->held_ms = latest;
    log_action(r, latest, "held", "paused");
  } else if (paused(r, now)) {
    emit_skipped(r, latest, "paused"); /* the next elapse comes anyway */
  } else {
    r->due_at_ms = latest;
    r->snoozed_until_ms = 0;
    log_action(r, latest, "due", missed > 1 ? "caught up" : "");
    emit_due(r, latest, now, missed, false);
  }
}

static void on_timer(lb_plugin *p, uint64_t id, void *ud) {
  (void)p, (void)id;
  reminder *r = ud;
  r->timer = 0;
  int64_t now = now_ms();
  if (r->snoozed_until_ms && r->snoozed_until_ms <= now) {
    int64_t until = r->snoozed_until_ms;
    if (r->due_at_ms && paused(r, now)) {
      r->snoozed_until_ms = pause_end(r); /* it comes again when the pause is over */
    } else {
      r->snoozed_until_ms = 0;
      if (r->due_at_ms)
        emit_due(r, r->due_at_ms, until, 1, true);
    }
  }
  if (r->held_ms && !paused(r, now)) {
    int64_t at = r->held_ms;
    r->held_ms = 0;
    r->due_at_ms = at;
    r->snoozed_until_ms = 0;
    log_action(r, at, "due", "held by a pause");
    emit_due(r, at, now, 1, false);
  }
  if (r->next_at_ms && r->next_at_ms <= now)
    elapse(r, now);
  touch(r->id);
  if (!r->next_at_ms && !r->due_at_ms && !r->snoozed_until_ms && !r->held_ms &&
      r->spec.kind == SCHEDULE_ONCE) {
    destroy(r); /* a one-off that fired and was answered */
    return;
  }
  schedule(r);
}

/* ---- the reminder list ------------------------------------------------------ */

static reminder *create(uint64_t id) {
  reminder *r = lbu_xcalloc(1, sizeof(*r));
  r->id = id ? id : next_id++;
  if (r->id >= next_id)
    next_id = r->id + 1;
  r->prev = last;
  if (last)
    last->next = r;
  else
    first = r;
  last = r;
  tsearch(r, &by_id, cmp_id);
  n_reminders++;
  meta_dirty = true;
  return r;
}

static void reply_view(lb_call *call, const reminder *r);

static void destroy(reminder *r) {
  if (r->timer)
    host->timer_stop(self, r->timer);
  touch(r->id);
  tdelete(r, &by_id, cmp_id);
  if (r->name[0])
    tdelete(r, &by_name, cmp_name);
  if (r->prev)
    r->prev->next = r->next;
  else
    first = r->next;
  if (r->next)
    r->next->prev = r->prev;
  else
    last = r->prev;
  n_reminders--;
  lbu_calendar_free(r->spec.cal);
  free(r);
}

static lb_value view(const reminder *r, lb_pair *f, char hours[2][16]) {
  size_t k = 0;
  f[k++] = (lb_pair){"id", lb_v_uint(r->id)};
  f[k++] = (lb_pair){"name", lb_v_str(r->name)};
  f[k++] = (lb_pair){"schedule", lb_v_str(r->schedule)};
  f[k++] = (lb_pair){"message", lb_v_str(r->message)};
  f[k++] = (lb_pair){"next_at", lb_v_int(r->next_at_ms / 1000)};
  f[k++] = (lb_pair){"due_at", lb_v_int(r->due_at_ms / 1000)};
  f[k++] = (lb_pair){"snoozed_until", lb_v_int(r->snoozed_until_ms / 1000)};
  int64_t now = now_ms(), paused_until = pause_end(r);
  bool in_pause = paused_until > now;
  f[k++] = (lb_pair){"paused_until", lb_v_int(in_pause ? paused_until / 1000 : 0)};
  /* Due is a state: how late it is, for a client that connects later. */
  int64_t late = r->due_at_ms && now > r->due_at_ms ? (now - r->due_at_ms) / 1000 : 0;
  f[k++] = (lb_pair){"late_s", lb_v_uint((uint64_t)late)};
  /* What the pause does: the next elapse in it is skipped, or (a one-off)
   * held until it ends. */
  const char *pause = "";
  if (r->held_ms || (in_pause && r->next_at_ms && r->next_at_ms < paused_until))
    pause = r->spec.kind == SCHEDULE_ONCE ? "hold" : "skip";
  f[k++] = (lb_pair){"pause", lb_v_str(pause)};
  f[k++] = (lb_pair){
      "held_until",
      lb_v_int(r->held_ms ? (paused_until > r->held_ms ? paused_until : r->held_ms) / 1000 : 0)};
  f[k++] = (lb_pair){"source", lb_v_str(r->source)};
  f[k++] = (lb_pair){"kind", lb_v_str(r->spec.kind == SCHEDULE_CALENDAR ? "calendar"
                                      : r->spec.kind == SCHEDULE_EVERY  ? "every"
                                                                        : "once")};
  /* Every declared field, always: "" for active hours it does not have. */
  hours[0][0] = hours[1][0] = '\0';
  if (r->spec.from_min >= 0) {
    snprintf(hours[0], 16, "%02d:%02d", r->spec.from_min / 60, r->spec.from_min % 60);
    snprintf(hours[1], 16, "%02d:%02d", r->spec.to_min / 60, r->spec.to_min % 60);
  }
  f[k++] = (lb_pair){"from", lb_v_str(hours[0])};
  f[k++] = (lb_pair){"to", lb_v_str(hours[1])};
  f[k++] = (lb_pair){"skipped_at", lb_v_int(0)}; /* reminders.skip sets it: last */
  return lb_v_map(f, k);
}

#define VIEW_PAIRS 16

static void reply_view(lb_call *call, const reminder *r) {
  lb_pair f[VIEW_PAIRS];
  char hours[2][16];
  lb_value v = view(r, f, hours);
  host->reply(call, &v);
}

static bool name_ok(const char *name, char *err, size_t errlen) {
  size_t n = strlen(name);
  if (n == 0 || n > 63) {
    snprintf(err, errlen, "parameter 'name' must be 1 to 63 characters");
    return false;
  }
  for (const char *p = name; *p; p++)
    if ((unsigned char)*p < 0x20) {
      snprintf(err, errlen, "parameter 'name' must not hold control characters");
      return false;
    }
  return true;
}

/* ---- methods ------------------------------------------------------------------ */

/* A schedule a client sent was refused: the answer names the parameter
 * unless the words name an option already (from, to). */
static void fail_schedule(lb_call *call, const char *err) {
  host->fail(call, LB_ERR_INVALID_PARAMS, "%s%s",
             strncmp(err, "option", 6) ? "parameter 'schedule': " : "", err);
}

static const char *opt_str(const lb_value *opts, const char *key) {
  const lb_value *v = lb_map_get(opts, key);
  return v ? v->as.str.ptr : NULL;
}

/* reminders.add answers once its reminder is on disk: added reminders
 * persist, and a full disk or a database locked for long is the caller's to
 * see (the reminder is then not added). */
typedef struct adding {
  lb_call *call;
  uint64_t id;
  char name[64];
} adding;

/* Statements every add runs, prepared once (a burst of 20,000 adds shares
 * one transaction: preparing would be most of its cost); finalized at
 * shutdown. */
static sqlite3_stmt *add_row;

static int write_added(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  adding *a = ud;
  const reminder *r = find(a->id);
  if (!r)
    return SQLITE_OK; /* removed before it could be written */
  int rc = lbp_prepared(
      db, &add_row, "INSERT OR REPLACE INTO reminders_reminders VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (rc != SQLITE_OK)
    return rc;
  rc = bind_reminder(add_row, r) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
  sqlite3_reset(add_row);
  return rc; /* next_id goes with the write-behind: a restart takes it from the rows too */
}

static void added(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  adding *a = ud;
  reminder *r = find(a->id);
  if (result == 0 && r) {
    reply_view(a->call, r);
  } else if (result == 0) {
    lb_value v = LB_MAP({"id", lb_v_uint(a->id)}, {"name", lb_v_str(a->name)});
    host->reply(a->call, &v);
  } else {
    if (r)
      destroy(r);
    host->fail(a->call, LB_ERR_INTERNAL, "the reminder could not be saved (%s); nothing was added",
               error);
  }
  free(a);
}

static void m_add(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const char *name = args[0].as.str.ptr, *text = args[1].as.str.ptr;
  const lb_value *opts = &args[2];
  char err[512];
  if (!name_ok(name, err, sizeof(err))) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "%s", err);
    return;
  }
  reminder *other = find_name(name);
  if (other) {
    host->fail(call, LB_ERR_CONFLICT,
               "a reminder named \"%s\" exists already (id %llu%s); remove it or pick another "
               "name",
               name, (unsigned long long)other->id,
               strcmp(other->source, SOURCE_CONFIG) == 0 ? ", from lumbard.conf" : "");
    return;
  }
  schedule_spec tmp = {0};
  int64_t now = now_ms();
  if (schedule_parse(host, text, opt_str(opts, "from"), opt_str(opts, "to"), now, &tmp, err,
                     sizeof(err)) < 0) {
    fail_schedule(call, err);
    return;
  }
  int64_t next = schedule_next_after(&tmp, now);
  if (!next) {
    lbu_calendar_free(tmp.cal);
    host->fail(call, LB_ERR_INVALID_PARAMS,
               "parameter 'schedule': \"%s\" never comes again after now; nothing to remind", text);
    return;
  }
  reminder *r = create(0);
  r->spec = tmp;
  r->next_at_ms = next;
  set_name(r, name);
  snprintf(r->schedule, sizeof(r->schedule), "%s", text);
  const char *msg = opt_str(opts, "message");
  snprintf(r->message, sizeof(r->message), "%s", msg && *msg ? msg : name);
  snprintf(r->source, sizeof(r->source), "%s", SOURCE_RUNTIME);
  schedule(r);
  want_flush(); /* next_id, with the meta values */
  adding *a = lbu_xcalloc(1, sizeof(*a));
  *a = (adding){.call = call, .id = r->id};
  snprintf(a->name, sizeof(a->name), "%s", r->name);
  host->db_write(self, write_added, added, a);
}

static reminder *lookup(lb_call *call, const lb_value *id) {
  reminder *r = find(id->as.u);
  if (!r)
    host->fail(call, LB_ERR_NOT_FOUND,
               "no reminder %llu; `lumbarctl remind list` shows the reminders",
               (unsigned long long)id->as.u);
  return r;
}

static void m_remove(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  reminder *r = lookup(call, &args[0]);
  if (!r)
    return;
  if (strcmp(r->source, SOURCE_CONFIG) == 0) {
    host->fail(call, LB_ERR_CONFLICT,
               "reminder %llu (%s) comes from lumbard.conf ([reminders.%s]): remove it there and "
               "reload, or pause it",
               (unsigned long long)r->id, r->name, r->name);
    return;
  }
  lb_value v = LB_MAP({"id", lb_v_uint(r->id)}, {"name", lb_v_str(r->name)});
  host->reply(call, &v);
  destroy(r);
}

static void m_list(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  /* A page: the reminders after id `after`, at most `limit` (all by
   * default), in id order; a client with thousands pages through them. */
  const lb_value *o = lb_map_get(&args[0], "after");
  uint64_t after = o ? o->as.u : 0;
  size_t limit = (o = lb_map_get(&args[0], "limit")) ? (size_t)o->as.u : n_reminders;
  size_t n = limit < n_reminders ? limit : n_reminders;
  n = n ? n : 1;
  lb_value *items = lbu_xcalloc(n, sizeof(lb_value));
  lb_pair *pairs = lbu_xcalloc(n * VIEW_PAIRS, sizeof(lb_pair));
  char(*hours)[2][16] = lbu_xcalloc(n, sizeof(*hours));
  size_t i = 0;
  for (reminder *r = first; r && i < limit; r = r->next)
    if (r->id > after) {
      items[i] = view(r, pairs + i * VIEW_PAIRS, hours[i]);
      i++;
    }
  lb_value v = lb_v_array(items, i);
  host->reply(call, &v);
  free(items);
  free(pairs);
  free(hours);
}

static bool not_due(lb_call *call, const reminder *r, const char *what) {
  if (r->due_at_ms)
    return false;
  char when[64] = "no further elapse";
  if (r->next_at_ms) {
    time_t t = (time_t)(r->next_at_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof(when), "next at %a %Y-%m-%d %H:%M", &tm);
  }
  host->fail(call, LB_ERR_CONFLICT, "reminder %llu (%s) is not due (%s): nothing to %s",
             (unsigned long long)r->id, r->name, when, what);
  return true;
}

static void m_snooze(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  reminder *r = lookup(call, &args[0]);
  if (!r || not_due(call, r, "snooze"))
    return;
  uint32_t secs = lb_is_nil(&args[1]) ? snooze_default : (uint32_t)args[1].as.u;
  r->snoozed_until_ms = now_ms() + (int64_t)secs * 1000;
  schedule(r);
  touch(r->id);
  log_action(r, r->due_at_ms, "snoozed", "");
  lb_value ev =
      LB_MAP({"id", lb_v_uint(r->id)}, {"name", lb_v_str(r->name)},
             {"until", lb_v_int(r->snoozed_until_ms / 1000)}, {"seconds", lb_v_uint(secs)});
  host->emit(self, "snoozed", &ev);
  reply_view(call, r);
}

static void m_done(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  reminder *r = lookup(call, &args[0]);
  if (!r || not_due(call, r, "mark done"))
    return;
  int64_t at = r->due_at_ms;
  r->due_at_ms = r->snoozed_until_ms = 0;
  log_action(r, at, "done", "");
  lb_value ev =
      LB_MAP({"id", lb_v_uint(r->id)}, {"name", lb_v_str(r->name)}, {"at", lb_v_int(at / 1000)});
  host->emit(self, "done", &ev);
  touch(r->id);
  reply_view(call, r);
  if (r->spec.kind == SCHEDULE_ONCE && !r->next_at_ms)
    destroy(r);
  else
    schedule(r);
}

static void m_skip(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  reminder *r = lookup(call, &args[0]);
  if (!r)
    return;
  const char *reason = lb_is_nil(&args[1]) ? "" : args[1].as.str.ptr;
  int64_t at;
  if (r->due_at_ms) { /* the occurrence that is due */
    at = r->due_at_ms;
    r->due_at_ms = r->snoozed_until_ms = 0;
  } else if (r->held_ms) { /* a one-off waiting for the pause to end */
    at = r->held_ms;
    r->held_ms = 0;
  } else if (r->next_at_ms) { /* the next one, ahead of time: a rest day */
    at = r->next_at_ms;
    r->next_at_ms = schedule_next_after(&r->spec, at);
  } else {
    host->fail(call, LB_ERR_CONFLICT, "reminder %llu (%s) has nothing left to skip",
               (unsigned long long)r->id, r->name);
    return;
  }
  emit_skipped(r, at, reason);
  touch(r->id);
  lb_pair f[VIEW_PAIRS];
  char hours[2][16];
  lb_value v = view(r, f, hours);
  f[v.as.map.len - 1] = (lb_pair){"skipped_at", lb_v_int(at / 1000)};
  host->reply(call, &v);
  if (r->spec.kind == SCHEDULE_ONCE && !r->next_at_ms)
    destroy(r);
  else
    schedule(r);
}

/* A pause moved: the one-offs it holds wait for its new end (or come now). */
static void reschedule_held(void) {
  for (reminder *r = first; r; r = r->next)
    if (r->held_ms || r->snoozed_until_ms)
      schedule(r);
}

static void m_pause(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t until = now_ms() + (int64_t)args[0].as.u * 1000;
  const lb_value *id = lb_map_get(&args[1], "id");
  if (id) {
    reminder *r = lookup(call, id);
    if (!r)
      return;
    r->paused_until_ms = until;
    touch(r->id);
    schedule(r); /* what it holds waits for the new end */
  } else {
    paused_all_until_ms = until;
    meta_dirty = true;
    want_flush();
    reschedule_held();
  }
  lb_value v =
      LB_MAP({"until", lb_v_int(until / 1000)}, {"id", id ? lb_v_uint(id->as.u) : lb_v_uint(0)});
  host->reply(call, &v);
}

static void m_resume(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *id = lb_map_get(&args[0], "id");
  if (id) {
    reminder *r = lookup(call, id);
    if (!r)
      return;
    r->paused_until_ms = 0;
    touch(r->id);
    schedule(r); /* what it held comes now */
  } else {
    paused_all_until_ms = 0;
    for (reminder *r = first; r; r = r->next)
      if (r->paused_until_ms) {
        r->paused_until_ms = 0;
        touch(r->id);
      }
    meta_dirty = true;
    want_flush();
    reschedule_held();
  }
  lb_value v = LB_MAP({"paused_until", lb_v_int(0)});
  host->reply(call, &v);
}

static void m_preview(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *opts = &args[3];
  int64_t base = lb_is_nil(&args[2]) ? now_ms() : args[2].as.i * 1000;
  uint32_t count = (uint32_t)args[1].as.u;
  schedule_spec tmp = {0};
  char err[512];
  if (schedule_parse(host, args[0].as.str.ptr, opt_str(opts, "from"), opt_str(opts, "to"), base,
                     &tmp, err, sizeof(err)) < 0) {
    fail_schedule(call, err);
    return;
  }
  lb_value *items = lbu_xcalloc(count, sizeof(lb_value));
  uint32_t n = 0;
  if (tmp.kind == SCHEDULE_CALENDAR) {
    /* systemd-analyze's iterations, each from the exact elapse before it, and each elapse as it
     * prints them: down to the second (*:*:0.9995 is at :00). */
    lbu_calendar_iter it = lbu_calendar_iter_at(base * 1000);
    int64_t us;
    schedule_hold(&tmp);
    while (n < count && lbu_calendar_iterate(tmp.cal, &it, &us) == 0)
      items[n++] = lb_v_int(us / 1000000);
    schedule_release();
  } else {
    for (int64_t t = schedule_next_after(&tmp, base); t && n < count;
         t = schedule_next_after(&tmp, t))
      items[n++] = lb_v_int(t / 1000);
  }
  lb_value v = lb_v_array(items, n);
  host->reply(call, &v);
  free(items);
  lbu_calendar_free(tmp.cal);
}

/* ---- config ----------------------------------------------------------------- */

typedef struct conf_entry {
  char name[64], schedule[256], message[512], from[8], to[8];
  bool has_schedule;
} conf_entry;

typedef struct conf {
  uint32_t snooze, catch_up;
  conf_entry *items;
  size_t n;
} conf;

static void on_config(lb_plugin *p, const char *section, const char *key, const char *value,
                      void *ud) {
  (void)p;
  conf *c = ud;
  uint64_t d;
  char why[256];
  if (!section[0]) {
    if (strcmp(key, "snooze") != 0 && strcmp(key, "catch_up") != 0) {
      host->log(self, LB_LOG_WARNING, "[reminders] %s: unknown key (snooze, catch_up); ignored",
                key);
      return;
    }
    /* a snooze as long as reminders.snooze takes; a catch-up window of a month */
    bool snooze = strcmp(key, "snooze") == 0;
    uint64_t max = snooze ? 86400 : 30 * 86400;
    if (host->parse_duration(value, &d, why, sizeof(why)) < 0) {
      host->log(self, LB_LOG_WARNING, "[reminders] %s = %s: %s; the built-in value stays", key,
                value, why);
    } else if (d == 0 || d > max) {
      host->log(self, LB_LOG_WARNING, "[reminders] %s = %s: 1 s to %s; the built-in value stays",
                key, value, snooze ? "1 day" : "30 days");
    } else {
      *(snooze ? &c->snooze : &c->catch_up) = (uint32_t)d;
    }
    return;
  }
  conf_entry *e = NULL;
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->items[i].name, section) == 0)
      e = &c->items[i];
  if (!e) {
    c->items = lbu_xrealloc(c->items, (c->n + 1) * sizeof(conf_entry));
    e = &c->items[c->n++];
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", section);
  }
  if (!strcmp(key, "schedule")) {
    snprintf(e->schedule, sizeof(e->schedule), "%s", value);
    e->has_schedule = true;
  } else if (!strcmp(key, "message")) {
    snprintf(e->message, sizeof(e->message), "%s", value);
  } else if (!strcmp(key, "from")) {
    snprintf(e->from, sizeof(e->from), "%s", value);
  } else if (!strcmp(key, "to")) {
    snprintf(e->to, sizeof(e->to), "%s", value);
  } else {
    host->log(self, LB_LOG_WARNING,
              "[reminders.%s] %s: unknown key (schedule, message, from, to); ignored", section,
              key);
  }
}

/* Bring the config's reminders in: same name, same id; gone from the file,
 * gone from the daemon. */
static void sync_config(void) {
  conf c = {.snooze = 600, .catch_up = 6 * 3600};
  host->config_each(self, on_config, &c);
  snooze_default = c.snooze;
  catch_up_s = c.catch_up;
  for (reminder *r = first; r; r = r->next)
    r->seen = false;
  int64_t now = now_ms();
  for (size_t i = 0; i < c.n; i++) {
    conf_entry *e = &c.items[i];
    char err[512];
    if (!e->has_schedule) {
      host->log(self, LB_LOG_WARNING, "[reminders.%s] has no schedule; skipped", e->name);
      continue;
    }
    schedule_spec tmp = {0};
    if (schedule_parse(host, e->schedule, e->from[0] ? e->from : NULL, e->to[0] ? e->to : NULL, now,
                       &tmp, err, sizeof(err)) < 0) {
      host->log(self, LB_LOG_WARNING, "[reminders.%s] %s; skipped", e->name, err);
      continue;
    }
    reminder *r = find_name(e->name);
    if (r && strcmp(r->source, SOURCE_CONFIG) != 0) {
      host->log(self, LB_LOG_WARNING,
                "[reminders.%s]: a reminder added at run time has that name; the config's is "
                "skipped",
                e->name);
      lbu_calendar_free(tmp.cal);
      continue;
    }
    bool changed = !r || strcmp(r->schedule, e->schedule) != 0 ||
                   r->spec.from_min != tmp.from_min || r->spec.to_min != tmp.to_min;
    if (!r) {
      r = create(0);
      set_name(r, e->name);
      snprintf(r->source, sizeof(r->source), "%s", SOURCE_CONFIG);
    }
    r->seen = true;
    snprintf(r->message, sizeof(r->message), "%s", e->message[0] ? e->message : e->name);
    if (changed) {
      lbu_calendar_free(r->spec.cal);
      r->spec = tmp;
      snprintf(r->schedule, sizeof(r->schedule), "%s", e->schedule);
      r->next_at_ms = schedule_next_after(&r->spec, now);
      schedule(r);
    } else {
      lbu_calendar_free(tmp.cal);
    }
    touch(r->id);
  }
  for (reminder *r = first, *next; r; r = next) {
    next = r->next;
    if (!r->seen && strcmp(r->source, SOURCE_CONFIG) == 0)
      destroy(r);
  }
  free(c.items);
}

static void reload(lb_plugin *p) {
  (void)p;
  sync_config();
}

/* An interval without hours or a one-off: a length of time, not a time of
 * day. */
static bool is_duration(const reminder *r) {
  return r->spec.kind == SCHEDULE_ONCE || (r->spec.kind == SCHEDULE_EVERY && r->spec.from_min < 0);
}

/* Durations (an interval without hours, a one-off, a snooze, a pause) wait
 * at most their own length from now: after the clock was set back (a wrong
 * clock corrected, or set back while lumbard was down) none waits for a
 * time that only existed on the wrong clock. True when r changed. */
static bool clamp_to_now(reminder *r, int64_t now) {
  bool changed = false;
  int64_t len = (int64_t)r->spec.every_s * 1000;
  if (is_duration(r) && r->next_at_ms && r->next_at_ms - now > len) {
    r->next_at_ms = now + len;
    r->spec.anchor_ms = r->spec.kind == SCHEDULE_ONCE ? r->next_at_ms : now;
    changed = true;
  }
  if (r->snoozed_until_ms - now > 86400 * 1000) { /* the longest snooze */
    r->snoozed_until_ms = now + 86400 * 1000;
    changed = true;
  }
  if (r->paused_until_ms - now > (int64_t)MAX_PAUSE * 1000) {
    r->paused_until_ms = now + (int64_t)MAX_PAUSE * 1000;
    changed = true;
  }
  return changed;
}

/* Whether a change of clock computes r's next elapse again: a calendar
 * elapse (or hours of an interval) still ahead, or none found before. */
static bool recomputed(const reminder *r, int64_t now) {
  return !is_duration(r) &&
         (r->next_at_ms > now || (!r->next_at_ms && r->spec.kind == SCHEDULE_CALENDAR));
}

/* The wall clock was set or the time zone changed. What is a duration
 * (intervals without hours, one-offs, snoozes, pauses) keeps the real time
 * it had left: it moves with the clock by as much as the clock moved.
 * Calendar elapses still ahead are recomputed from now (one behind fires
 * through its timer and is caught up); one that fired on a clock that was
 * ahead, at a time still to come, is no longer due: it comes again. */
static void clock_changed(lb_plugin *p, void *ud) {
  (void)p, (void)ud;
  int64_t now = now_ms();
  int64_t offset = now - host->now_ms(LB_CLOCK_MONOTONIC);
  int64_t delta = offset - clock_offset_ms;
  clock_offset_ms = offset;
  if (delta && paused_all_until_ms) {
    paused_all_until_ms += delta;
    meta_dirty = true;
    want_flush();
  }
  /* the calendar elapses still ahead, computed together: each time zone's
   * file read once for all its reminders (schedule_next_many) */
  lbu_calendar_zones_forget();
  size_t n = 0, k = 0;
  for (reminder *r = first; r; r = r->next)
    n += recomputed(r, now);
  const schedule_spec **specs = lbu_xcalloc(n ? n : 1, sizeof(*specs));
  int64_t *nexts = lbu_xcalloc(n ? n : 1, sizeof(*nexts));
  for (reminder *r = first; r; r = r->next)
    if (recomputed(r, now))
      specs[k++] = &r->spec;
  schedule_next_many(specs, n, now, nexts);
  k = 0;
  for (reminder *r = first; r; r = r->next) {
    bool changed = false;
    bool duration = is_duration(r);
    bool recompute = recomputed(r, now);
    if (delta) { /* only what moved is written again */
      if (duration) {
        r->spec.anchor_ms += delta;
        if (r->next_at_ms)
          r->next_at_ms += delta;
        if (r->due_at_ms)
          r->due_at_ms += delta;
        if (r->held_ms)
          r->held_ms += delta;
        changed = true;
      }
      if (r->snoozed_until_ms) {
        r->snoozed_until_ms += delta;
        changed = true;
      }
      if (r->paused_until_ms) {
        r->paused_until_ms += delta;
        changed = true;
      }
    }
    if (!duration) {
      if (r->due_at_ms > now) {
        r->due_at_ms = r->snoozed_until_ms = 0;
        changed = true;
      }
      if (recompute) {
        int64_t next = nexts[k++];
        changed |= next != r->next_at_ms;
        r->next_at_ms = next;
      }
    }
    changed |= clamp_to_now(r, now);
    if (changed)
      touch(r->id);
    schedule(r);
  }
  free(specs);
  free(nexts);
}

/* ---- restore ------------------------------------------------------------------ */

/* The reminders of the last run. A read that fails (a damaged database)
 * fails the plugin's start, with why: a reminder silently lost is worse. */
static int restore(void) {
  sqlite3 *db = host->db(self);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "SELECT key, value FROM reminders_meta", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const char *k = (const char *)sqlite3_column_text(st, 0);
      if (!k)
        continue;
      if (!strcmp(k, "next_id"))
        next_id = (uint64_t)sqlite3_column_int64(st, 1);
      else if (!strcmp(k, "paused_until_ms"))
        paused_all_until_ms = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
  }
  if (rc == SQLITE_DONE)
    rc = sqlite3_prepare_v2(db,
                            "SELECT id, name, schedule, message, from_min, to_min, source, "
                            "anchor_ms, next_at_ms, due_at_ms, snoozed_until_ms, paused_until_ms,"
                            " held_ms FROM reminders_reminders ORDER BY id",
                            -1, &st, NULL);
  if (rc != SQLITE_OK) {
    host->log(self, LB_LOG_ERR, "cannot restore the reminders: %s", host->db_error(self, rc));
    return -EIO;
  }
  int64_t now = now_ms();
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    schedule_spec tmp = {0};
    const char *schedule_text = (const char *)sqlite3_column_text(st, 2);
    int from_min = sqlite3_column_int(st, 4), to_min = sqlite3_column_int(st, 5);
    char from[16], to[16], err[512];
    snprintf(from, sizeof(from), "%02d:%02d", from_min / 60, from_min % 60);
    snprintf(to, sizeof(to), "%02d:%02d", to_min / 60, to_min % 60);
    if (!schedule_text ||
        schedule_parse(host, schedule_text, from_min >= 0 ? from : NULL, to_min >= 0 ? to : NULL,
                       now, &tmp, err, sizeof(err)) < 0) {
      host->log(self, LB_LOG_WARNING, "stored reminder %s: %s; dropped", sqlite3_column_text(st, 1),
                schedule_text ? err : "no schedule");
      continue;
    }
    reminder *r = create((uint64_t)sqlite3_column_int64(st, 0));
    r->spec = tmp; /* the anchor as stored, below */
    set_name(r, (const char *)sqlite3_column_text(st, 1));
    snprintf(r->schedule, sizeof(r->schedule), "%s", schedule_text);
    snprintf(r->message, sizeof(r->message), "%s", sqlite3_column_text(st, 3));
    snprintf(r->source, sizeof(r->source), "%s", sqlite3_column_text(st, 6));
    r->spec.anchor_ms = sqlite3_column_int64(st, 7);
    r->next_at_ms = sqlite3_column_int64(st, 8);
    r->due_at_ms = sqlite3_column_int64(st, 9);
    r->snoozed_until_ms = sqlite3_column_int64(st, 10);
    r->paused_until_ms = sqlite3_column_int64(st, 11);
    r->held_ms = sqlite3_column_int64(st, 12);
    /* The clock may have been set back while lumbard was down: nothing
     * waits longer than its own length. */
    if (clamp_to_now(r, now))
      touch(r->id);
    /* An elapse that passed while the daemon was down is behind now: its
     * timer fires on the first loop turn and catches up once. */
    schedule(r);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    host->log(self, LB_LOG_ERR, "cannot restore the reminders: %s", host->db_error(self, rc));
    return -EIO;
  }
  return 0;
}

/* ---- declarations ---------------------------------------------------------------- */

static const lb_param add_params[] = {
    {.name = "name", .type = LB_T_STRING, .doc = "a name of your own: warmup"},
    {.name = "schedule",
     .type = LB_T_STRING,
     .doc = "a calendar event (Mon,Wed,Fri 17:30), \"every 45m\" or \"in 10m\""},
    {0}};
static const lb_param add_options[] = {
    {.name = "message", .type = LB_T_STRING, .doc = "what the reminder says"},
    {.name = "from", .type = LB_T_STRING, .doc = "\"every\" only: active from HH:MM"},
    {.name = "to", .type = LB_T_STRING, .doc = "\"every\" only: active until HH:MM"},
    {0}};
static const lb_param id_params[] = {{.name = "id", .type = LB_T_U64}, {0}};
static const lb_param list_options[] = {
    {.name = "limit",
     .type = LB_T_UINT,
     .min = 1,
     .max = 100000,
     .doc = "at most this many (all when omitted)"},
    {.name = "after", .type = LB_T_U64, .doc = "only those with a greater id: the next page"},
    {0}};
static const lb_param snooze_params[] = {
    {.name = "id", .type = LB_T_U64},
    {.name = "seconds",
     .type = LB_T_DURATION,
     .optional = true,
     .min = 1,
     .max = 86400,
     .doc = "how long; the config's snooze (10min) when omitted"},
    {0}};
static const lb_param skip_params[] = {
    {.name = "id", .type = LB_T_U64},
    {.name = "reason", .type = LB_T_STRING, .optional = true, .doc = "rest day, in pain, ..."},
    {0}};
static const lb_param pause_params[] = {{.name = "seconds",
                                         .type = LB_T_DURATION,
                                         .min = 1,
                                         .max = MAX_PAUSE,
                                         .doc = "how long: a pause always ends by itself"},
                                        {0}};
static const lb_param id_option[] = {{.name = "id", .type = LB_T_U64, .doc = "only this reminder"},
                                     {0}};
static const lb_param preview_params[] = {
    {.name = "schedule", .type = LB_T_STRING},
    {.name = "count",
     .type = LB_T_UINT,
     .optional = true,
     .def = LB_DEF_UINT(5),
     .min = 1,
     .max = 1000},
    {.name = "base",
     .type = LB_T_TIME,
     .optional = true,
     .min = 0,
     .max = MAX_BASE_S,
     .doc = "unix seconds, 0 to the year 9999; now when omitted"},
    {0}};

#define F(n, t)                                                                                    \
  { .name = (n), .type = (t) }
static const lb_field removed_fields[] = {F("id", LB_T_U64), F("name", LB_T_STRING), {0}};
static const lb_field view_fields[] = {F("id", LB_T_U64),
                                       F("name", LB_T_STRING),
                                       F("schedule", LB_T_STRING),
                                       F("message", LB_T_STRING),
                                       F("next_at", LB_T_TIME),
                                       F("due_at", LB_T_TIME),
                                       F("snoozed_until", LB_T_TIME),
                                       F("paused_until", LB_T_TIME),
                                       F("late_s", LB_T_UINT),
                                       F("pause", LB_T_STRING),
                                       F("held_until", LB_T_TIME),
                                       F("source", LB_T_STRING),
                                       F("kind", LB_T_STRING),
                                       F("from", LB_T_STRING),
                                       F("to", LB_T_STRING),
                                       F("skipped_at", LB_T_TIME),
                                       {0}};
/* reminders.pause: {until, id} (id 0: every reminder); reminders.resume:
 * {paused_until} (0: no pause left). */
static const lb_field pause_fields[] = {F("until", LB_T_TIME), F("id", LB_T_U64), {0}};
static const lb_field resume_fields[] = {F("paused_until", LB_T_TIME), {0}};

static const lb_method methods[] = {
    {.name = "add",
     .doc = "Add a reminder.",
     .params = add_params,
     .options = add_options,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_add},
    {.name = "list",
     .doc = "Every reminder, with its next elapse, in id order.",
     .options = list_options,
     .result = LB_T_MAPS,
     .result_fields = view_fields,
     .handler = m_list},
    {.name = "remove",
     .doc = "Remove a reminder added at run time.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = removed_fields,
     .handler = m_remove},
    {.name = "snooze",
     .doc = "Remind again of the due reminder later.",
     .params = snooze_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_snooze},
    {.name = "done",
     .doc = "The due reminder is done.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_done},
    {.name = "skip",
     .doc = "Skip the due reminder, or the next one when none is due.",
     .params = skip_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_skip},
    {.name = "pause",
     .doc = "Pause every reminder (or one) for a while.",
     .params = pause_params,
     .options = id_option,
     .result = LB_T_MAP,
     .result_fields = pause_fields,
     .handler = m_pause},
    {.name = "resume",
     .doc = "End a pause early.",
     .options = id_option,
     .result = LB_T_MAP,
     .result_fields = resume_fields,
     .handler = m_resume},
    {.name = "preview",
     .doc = "The next elapses of a schedule, as systemd-analyze calendar does.",
     .params = preview_params,
     .options = add_options + 1,
     .result = LB_T_INTS,
     .handler = m_preview},
};

static const lb_field due_fields[] = {
    F("id", LB_T_U64),  F("name", LB_T_STRING), F("message", LB_T_STRING), F("late_s", LB_T_UINT),
    F("at", LB_T_TIME), F("missed", LB_T_UINT), F("snoozed", LB_T_BOOL),   {0}};
static const lb_field snoozed_fields[] = {
    F("id", LB_T_U64), F("name", LB_T_STRING), F("until", LB_T_TIME), F("seconds", LB_T_UINT), {0}};
static const lb_field done_fields[] = {
    F("id", LB_T_U64), F("name", LB_T_STRING), F("at", LB_T_TIME), {0}};
static const lb_field skipped_fields[] = {
    F("id", LB_T_U64), F("name", LB_T_STRING), F("reason", LB_T_STRING), F("at", LB_T_TIME), {0}};

static const lb_event events[] = {
    {.name = "due",
     .doc = "A reminder is due (late_s > 0: it came due while away).",
     .fields = due_fields},
    {.name = "snoozed", .doc = "A due reminder comes again later.", .fields = snoozed_fields},
    {.name = "done", .doc = "A due reminder was done.", .fields = done_fields},
    {.name = "skipped",
     .doc = "An occurrence was skipped, with the reason.",
     .fields = skipped_fields},
};

static void shutdown(lb_plugin *p);

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  if (!LB_HOST_HAS(h, output_close)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old for the reminders plugin (host API %u)", h->api);
    return -ENOTSUP;
  }
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->db_migrate(p, schema) < 0 || h->db_save_behind(p, save, saved, NULL) < 0)
    return -EIO;
  h->on_clock_change(p, clock_changed, NULL);
  clock_offset_ms = h->now_ms(LB_CLOCK_WALL) - h->now_ms(LB_CLOCK_MONOTONIC);
  if (restore() < 0) {
    shutdown(p);
    return -EIO;
  }
  sync_config();
  return 0;
}

static void shutdown(lb_plugin *p) {
  (void)p; /* the host saved what changed in the last turn */
  sqlite3_finalize(add_row);
  add_row = NULL;
  while (first) {
    reminder *r = first;
    first = r->next;
    tdelete(r, &by_id, cmp_id);
    tdelete(r, &by_name, cmp_name);
    lbu_calendar_free(r->spec.cal);
    free(r);
  }
  last = NULL;
  n_reminders = 0;
  free(logs);
  logs = NULL;
  n_logs = cap_logs = 0;
  lbu_calendar_zones_forget(); /* the engine's memory lives in this plugin's copy */
}

LB_PLUGIN_DEFINE(.name = "reminders", .version = "1.0",
                 .description = "systemd calendar reminders: warm up, abduction on leg day, ...",
                 .init = init, .shutdown = shutdown, .reload = reload);
