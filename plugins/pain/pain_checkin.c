/* Training sessions and warm-ups as the daemon hears of them, and the
 * check-ins: daily at the configured calendar event, and after a routine;
 * pain.checkin. */
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "pain.h"
#include "xalloc.h"

#define QUIET_BEFORE_CHECKIN_S (2 * 3600)
#define CHECKIN_LAPSE_S (12 * 3600)
#define SESSION_GAP_S (2 * 3600) /* sets further apart are two sessions */

static lbu_calendar *checkin_cal;
static uint64_t checkin_timer;
/* The check-in asked last, until an entry answers it, it is skipped or it
 * lapses (CHECKIN_LAPSE_S): what `lumbarctl pain checkin` and `status`
 * show to a person who never sees a notification. */
static struct {
  int64_t since; /* wall seconds; 0: none due */
  char reason[32], message[160];
} due;

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
    return pain_step_done(db, st);
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
  if ((rc = pain_step_done(db, st)) != SQLITE_OK || sqlite3_changes(db) > 0)
    return rc;
  rc = sqlite3_prepare_v2(db, "INSERT INTO pain_training(start_at, end_at, sets) VALUES(?1, ?1, 1)",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, m->at);
  return pain_step_done(db, st);
}

static void moment_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  if (result < 0)
    pain_host->log(pain_self, LB_LOG_ERR, "cannot record %s: %s",
                   ((moment *)ud)->what ? "a warm-up" : "a training set", error);
  free(ud);
}

static void record(const char *what) {
  moment *m = lbu_xcalloc(1, sizeof(*m));
  *m = (moment){pain_now_s(), what};
  pain_host->db_write(pain_self, write_moment, moment_written, m);
}

static bool logged_recently(int64_t now) {
  sqlite3_stmt *st = pain_prepare(NULL, "SELECT 1 FROM pain_entries WHERE at > ? LIMIT 1");
  pain_read_forget(); /* not a method's read: said below */
  if (!st)
    return false;
  sqlite3_bind_int64(st, 1, now - QUIET_BEFORE_CHECKIN_S);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) /* ask anyway: a check-in too many is harmless */
    pain_host->log(pain_self, LB_LOG_WARNING, "check-in: %s", pain_host->db_error(pain_self, rc));
  return rc == SQLITE_ROW;
}

static void checkin(const char *reason, const char *message) {
  int64_t now = pain_now_s();
  if (logged_recently(now)) {
    pain_host->log(pain_self, LB_LOG_DEBUG, "check-in (%s) left out: an entry was logged lately",
                   reason);
    return;
  }
  lb_value scores[MAX_SCORES];
  for (size_t i = 0; i < pain_cfg.n_scores; i++)
    scores[i] = lb_v_int(pain_cfg.scores[i]);
  due.since = now;
  snprintf(due.reason, sizeof(due.reason), "%s", reason);
  snprintf(due.message, sizeof(due.message), "%s", message);
  lb_value ev = LB_MAP({"reason", lb_v_str(reason)}, {"message", lb_v_str(message)},
                       {"scores", lb_v_array(scores, pain_cfg.n_scores)});
  pain_host->emit(pain_self, "checkin_due", &ev);
}

/* pain.checkin({skip}): the check-in that is due, if one is; skip: it is
 * answered by nothing. */
void pain_checkin_m_checkin(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *skip = lb_map_get(&args[0], "skip");
  int64_t now = pain_now_s();
  if (due.since && (now - due.since >= CHECKIN_LAPSE_S || due.since > now + 60))
    due.since = 0; /* lapsed, or from before the clock went back */
  if (due.since && skip && skip->as.b) {
    pain_host->log(pain_self, LB_LOG_INFO, "check-in (%s) skipped", due.reason);
    due.since = 0;
  }
  lb_value scores[MAX_SCORES];
  for (size_t i = 0; i < pain_cfg.n_scores; i++)
    scores[i] = lb_v_int(pain_cfg.scores[i]);
  bool is_due = due.since != 0;
  lb_value v = LB_MAP({"due", lb_v_bool(is_due)}, {"since", lb_v_int(is_due ? due.since : 0)},
                      {"reason", lb_v_str(is_due ? due.reason : "")},
                      {"message", lb_v_str(is_due ? due.message : "")},
                      {"scores", lb_v_array(scores, pain_cfg.n_scores)});
  pain_host->reply(call, &v);
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
    pain_host->timer_stop(pain_self, checkin_timer);
  checkin_timer = 0;
  int64_t next;
  if (checkin_cal &&
      lbu_calendar_next(checkin_cal, pain_host->now_ms(LB_CLOCK_WALL) * 1000, &next) == 0)
    checkin_timer = pain_host->timer_start(pain_self, LB_CLOCK_WALL, next / 1000, on_checkin, NULL);
}

static const char *str_field(const lb_value *fields, const char *key) {
  const lb_value *v = lb_map_get(fields, key);
  return v && v->kind == LB_STR ? v->as.str.ptr : "";
}

void pain_checkin_on_event(lb_plugin *p, const char *name, const lb_value *fields, void *ud) {
  (void)p, (void)ud;
  if (strcmp(name, "reminders.done") == 0) {
    if (strcmp(str_field(fields, "name"), pain_cfg.warmup_reminder) == 0)
      record("warm-up reminder");
  } else if (strcmp(name, "rest.set_done") == 0) {
    record(NULL); /* a set was done: training */
  } else if (strcmp(name, "train.logged") == 0) {
    /* a set logged with the train plugin: counted here when no rest of it
     * did (rest.set_done counts those), and only when done now, not one
     * written down afterwards (nothing is recorded at an event's time) */
    const lb_value *rest = lb_map_get(fields, "rest_id"), *at = lb_map_get(fields, "at");
    int64_t now = pain_now_s();
    if (rest && rest->kind == LB_UINT && rest->as.u == 0 && at && at->kind == LB_INT &&
        at->as.i >= now - 120 && at->as.i <= now + 60)
      record(NULL);
  } else if (strcmp(name, "rest.routine_done") == 0) {
    if (strcmp(str_field(fields, "routine"), pain_cfg.warmup_preset) == 0)
      record("warm-up preset");
    /* after training, not after the warm-up sequence that comes before it */
    const lb_value *steps = lb_map_get(fields, "steps");
    if (pain_cfg.after_routine && !(steps && steps->kind == LB_UINT && steps->as.u > 0))
      checkin("after routine", "Routine done. How is your back? 0 is no pain, 10 the worst.");
  }
}

void pain_checkin_clock_changed(lb_plugin *p, void *ud) {
  (void)p, (void)ud;
  arm_checkin();
}

/* An entry was logged: it answers the check-in due. */
void pain_checkin_answered(void) {
  due.since = 0;
}

/* cal: the daily check-in's calendar event (NULL: none), the file's from now
 * on; the check-in is armed for its next elapse. */
void pain_checkin_schedule(lbu_calendar *cal) {
  lbu_calendar_free(checkin_cal);
  checkin_cal = cal;
  arm_checkin();
}

void pain_checkin_shutdown(void) {
  lbu_calendar_free(checkin_cal);
  checkin_cal = NULL;
  checkin_timer = 0;
}
